"""How `kb import` builds a draft's answer line from the clause's own words, and how to tell such a line
later: `kb check` asks a reviewer to put it in staff words, and a verdict must not present it as
speaking for the whole clause (bot/verdicts.py). Kept apart from the importer, which every command
would otherwise load."""

from __future__ import annotations

import re

from bot.knowledge.models import Clause
from bot.knowledge.source_text import fold

DONT = "Don't "  # before a DO NOT list's item
LEAD = ": "  # after the list's lead-in
CUT = "\u2026"  # the mark of an answer line cut short
# What a list's item or a sentence's part ends with when the next goes on from it: "...; or", "...;"
DANGLING = re.compile(r"\s*[;,](?:\s*(?:or|and))?\s*$", re.IGNORECASE)
# Eight words or more in brackets, unless they make an exception: "(or on the next working day if received at a
# weekend)" answers the Saturday complaint.
_ASIDE = re.compile(r"\s*\((?![^()]*\b(?:if|unless|except|without|only|other than)\b)(?:[^()\s]+\s+){7,}[^()]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z\"'\u201c\u2018])")
# Where one sentence of a draft states two rules: "Users must immediately report ... threatening or bullying in
# nature and must not respond to any such communication"; "...; staff should ...".
TWO_RULES = r"\s+(?=(?:and|but)\s+(?:must|should|shall|will)\s+(?:not|never)\b)"
PART_END = re.compile(r"(?<=;)\s+|" + TWO_RULES, re.IGNORECASE)
_SPACE_BEFORE = re.compile(r"\s+([.,;:])")
_DOUBLED = re.compile(r"([.,;:])[.,;:]*")


def without_asides(text: str) -> str:
    """The text without its long asides in brackets (the importer leaves them out of a line too long)."""
    return tidied(_ASIDE.sub(" ", text))


def tidied(text: str) -> str:
    """Single spaces, and none before a stop or comma: "trusted , or" as "trusted, or"."""
    return _DOUBLED.sub(r"\1", _SPACE_BEFORE.sub(r"\1", " ".join(text.split())))


def policy_words_in_draft_answer(answer: str) -> str:
    """What of an answer line the importer made is the policy's own wording: without the lead-in, the
    "Don't" given to a DO NOT list's item, and the mark of a cut."""
    core = answer.removesuffix(CUT).split(LEAD, 1)[-1]
    return core[len(DONT) :] if core.lower().startswith(DONT.lower()) else core


def answer_in_policy_words(clause: Clause) -> bool:
    """Whether the clause's answer line is still the import's draft (its first words, or a lead-in clause's
    whole text followed by its list's items), not a reviewer's."""
    core = policy_words_in_draft_answer(clause.answer)
    text = fold(clause.text).lower()
    if text.endswith(":") and text in fold(clause.answer).lower():
        return True
    # a long subject cut short before the rule it takes: "Photographs ... of children … must not be published"
    pieces = [tidied(fold(piece).lower()) for piece in core.split(CUT)]
    # the line may leave out a long aside: "... for their own personal use (as such use in not covered by ...)"
    texts = (tidied(text), without_asides(text))
    return len(core.split()) >= 4 and any(all(piece in each for piece in pieces) for each in texts)


def imports_own_line(clause: Clause) -> bool:
    """Whether the answer line is the import's first words of the clause, not a reviewer's, nor a list item's
    line framed by its lead-in or its DO NOT list."""
    return answer_in_policy_words(clause) and not clause.answer.startswith(DONT) and LEAD not in clause.answer


def split_sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def split_parts(text: str) -> list[str]:
    """The clause's sentences, each rule of a sentence that states two ("...; and must not ...") apart, without a
    publisher's notes on its products (`product_notes`) unless that is all the clause says: they answer nothing."""
    parts = _all_parts(text)
    notes = set(product_notes(text))
    return [part for part in parts if part not in notes] or parts


def _all_parts(text: str) -> list[str]:
    return [piece for sentence in split_sentences(text) for piece in PART_END.split(sentence) if piece.strip()]


def product_notes(text: str) -> list[str]:
    """The parts of a template's text that advertise its publisher's products ("SWGfL BOOST includes unlimited
    online webinar training for all, or nominated, staff (http://www.swgfl...)"), and what goes on about them
    ("This can be downloaded at http://...", "It includes presenter notes ..."): a
    school that adopts the template rarely deletes them, and staff asking about training would be answered with
    an advert."""
    notes: list[str] = []
    after_note = False
    for part in _all_parts(text):
        after_note = bool(_PRODUCT.match(part) or (after_note and _GOES_ON.match(part)))
        if after_note:
            notes.append(part)
    return notes


# A name with two capitals or more (an acronym or brand: "SWGfL BOOST", "ClassDojo") that includes or offers
_PRODUCT = re.compile(r"^\W*(?:[A-Za-z]*[A-Z][a-z]*[A-Z]\w*\s+){1,3}(?:includes|offers|provides)\b")
_GOES_ON = re.compile(
    r"\W*(?:it|this|these)\s+(?:also\s+)?(?:includes?|can be|is available|are available)\b", re.IGNORECASE
)
