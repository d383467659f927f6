"""Whose rule a clause states, where it is not staff's: "parents / carers are welcome to take videos ... at school
events", "Pupils must not take, use, share ... images of others". A question that names neither parents nor pupils
is a member of staff asking about themselves, and such a clause is seldom its answer (matching/index.py)."""

from __future__ import annotations

import re

_PARENTS = r"parents?|carers?|mums?|mothers?|dads?|fathers?|famil(?:y|ies)|guardians?"
_PUPILS = r"pupils?|students?|learners?|children|child|kids?|young people"
# The clause's subject, after a phrase that sets the scene ("In accordance with guidance from the ICO, ...")
_ACTING = re.compile(
    r"(?:(?:in accordance|following|under|as|if|when|where)[^,]{0,120},\s*)?(?:the\s+)?"
    rf"(?P<who>(?:{_PARENTS}|{_PUPILS})(?:\s*(?:/|,|and|or)\s*(?:{_PARENTS}|{_PUPILS}))*)\s+"
    r"(?:are|is|will|must|should|may|can|have|has|need)\b",
    re.IGNORECASE,
)
# "I'm a parent volunteer helping in Year 2": a role in school, asking what helpers may do, not what parents may
_NAMES_PARENTS = re.compile(rf"\b(?:{_PARENTS})\b(?!\s+(?:volunteers?|helpers?|governors?)\b)", re.IGNORECASE)
_NAMES_PUPILS = re.compile(rf"\b(?:{_PUPILS})\b", re.IGNORECASE)


def others_acting(text: str) -> re.Pattern[str] | None:
    """What a question names when it asks about the parents or pupils whose rule `text` states; None when the
    clause's subject is not parents or pupils."""
    found = _ACTING.match(text)
    if found is None:
        return None
    return _NAMES_PARENTS if _NAMES_PARENTS.search(found["who"]) else _NAMES_PUPILS
