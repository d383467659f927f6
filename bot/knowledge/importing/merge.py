"""A re-imported policy keeps what people already reviewed in the previous clause file.

A clause whose text did not change keeps its id, answer, stance, topics, heading and example
questions (and its section name, unless the policy numbers its sections, when the new number wins:
staff look clauses up by it). Except a clause nobody has touched: no example questions, and its
answer, stance and topics still what the importer drafted, as `kb import` recorded beside the policy
text (`drafted`). Those were only an earlier importer's guesses, and this version's are taken
(`refreshed`), so an update's better reading of a policy reaches a school that imported it before,
while a reviewer's correction, even of a stance alone, stays. A file imported before drafts were
recorded keeps every clause, and the ones this version reads differently are named (`reread`).

A clause whose text changed a little keeps its id and example questions, and gets a fresh draft
answer to review. Pairing by folded text means a reformatted
Word file or PDF does not count as a change. What a person settled about the school carries over
too, where the new text does not contradict it (`_keep_school_review`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from bot.knowledge.models import School
from bot.knowledge.source_text import fold

# Folded texts at least this alike (rapidfuzz ratio) are one clause reworded, not a new one.
CHANGED_RATIO = 75
_KEPT = ("id", "heading", "answer", "stance", "topics", "examples")
_GUESSED = ("answer", "stance", "topics")  # what an importer drafts for a clause


@dataclass
class MergeReport:
    unchanged: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)  # unchanged, untouched: this importer's guesses taken
    # Unchanged, without example questions, no record of what was drafted: (id, stance kept, stance read now)
    reread: list[tuple[str, str, str]] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def pair_clauses(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> tuple[dict[int, int], dict[int, int]]:
    """(new index -> old index with the same text, new index -> old index reworded)."""
    by_text: dict[str, list[int]] = {}
    for i, clause in enumerate(old):
        by_text.setdefault(fold(clause["text"]), []).append(i)
    same: dict[int, int] = {}
    used: set[int] = set()
    for j, clause in enumerate(new):
        candidates = [i for i in by_text.get(fold(clause["text"]), []) if i not in used]
        if candidates:
            same[j] = candidates[0]
            used.add(candidates[0])
    reworded: dict[int, int] = {}
    for j, clause in enumerate(new):
        if j in same:
            continue
        text = fold(clause["text"])
        scored = [(fuzz.ratio(text, fold(old[i]["text"])), i) for i in range(len(old)) if i not in used]
        if scored:
            score, i = max(scored)
            if score >= CHANGED_RATIO:
                reworded[j] = i
                used.add(i)
    return same, reworded


def drafted_record(clauses: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What an importer drafted for each clause, by its folded text: what a re-import compares against
    to tell a clause nobody touched from a reviewed one."""
    return {fold(c["text"]): {key: c.get(key) for key in _GUESSED} for c in clauses}


def merge(
    previous: dict[str, Any],
    draft: dict[str, Any],
    same_text: bool = False,
    drafted: dict[str, dict[str, Any]] | None = None,
) -> MergeReport:
    """Carry reviewed work from `previous` into `draft` (both knowledge-file mappings), in place.
    `same_text`: the draft was cut from the very text the previous file was; `drafted`: what the
    importer drafted for the previous file (`drafted_record`), if it was recorded."""
    old, new = previous.get("clauses") or [], draft["clauses"]
    same, reworded = pair_clauses(old, new)
    report = MergeReport()
    for j, i in same.items():
        before = drafted.get(fold(old[i]["text"])) if drafted is not None else None
        untouched = not old[i].get("examples") and before is not None and _as_drafted(old[i], before)
        kept = {key: old[i][key] for key in _KEPT if key in old[i] and not (untouched and key in _GUESSED)}
        if not str(new[j]["section"])[:1].isdigit():
            kept["section"] = old[i]["section"]
        if untouched and any(old[i].get(key) != new[j].get(key) for key in _GUESSED):
            report.refreshed.append(old[i]["id"])
        elif drafted is None and not old[i].get("examples") and old[i].get("stance") != new[j].get("stance"):
            report.reread.append((old[i]["id"], str(old[i].get("stance")), str(new[j].get("stance"))))
        new[j].update(kept)
        report.unchanged.append(new[j]["id"])
    for j, i in reworded.items():
        new[j]["id"] = old[i]["id"]
        new[j]["examples"] = list(old[i].get("examples") or [])
        report.changed.append(new[j]["id"])
    taken = {c["id"] for j, c in enumerate(new) if j in same or j in reworded}
    for j, clause in enumerate(new):
        if j in same or j in reworded:
            continue
        base, n = clause["id"], 1
        while clause["id"] in taken:
            n += 1
            clause["id"] = f"{base}-v{n}"
        taken.add(clause["id"])
        report.added.append(clause["id"])
    matched = set(same.values()) | set(reworded.values())
    report.removed = [c["id"] for i, c in enumerate(old) if i not in matched]
    # Only ids that still name the clause they named: a new clause may take a removed one's id.
    carried = {new[j]["id"] for j in (*same, *reworded)}
    _keep_school_review(previous.get("school") or {}, draft["school"], carried, same_text)
    return report


_DATES = ("adopted", "reviewed", "review_due")


def _as_drafted(clause: dict[str, Any], drafted: dict[str, Any]) -> bool:
    return all(clause.get(key) == drafted.get(key) for key in _GUESSED)


def _keep_school_review(before: dict[str, Any], school: dict[str, Any], carried: set[str], same_text: bool) -> None:
    """What a person settled about the school and its policy, where the new text does not contradict it.
    `carried`: the ids that name the same clause as before; `same_text`: every clause is unchanged."""
    for key in ("name", "authority", "report_to"):  # the policy text rarely changes these
        if before.get(key):
            school[key] = before[key]
    # The same policy again, or the same dates read from a new text: what the reviewer settled about the
    # dates (a date put right, approval left blank) still holds; other dates are a new version's.
    if same_text:
        for key in _DATES:
            school.pop(key, None)
            if before.get(key):
                school[key] = before[key]
    if same_text or all(str(before.get(key) or "") == str(school.get(key) or "") for key in _DATES):
        if "dates_note" in before:
            school["dates_note"] = before["dates_note"]
        # No status in a reviewed file is the reviewer's "approved": the import's own reading does not undo it
        school.pop("status", None)
        if "status" in before:
            school["status"] = before["status"]
    reporting = before.get("reporting_clause", "")
    if reporting is None or reporting in carried:  # null: the reviewer found none; an id: the same clause
        school["reporting_clause"] = reporting
    headers = [*school.get("page_headers", []), *before.get("page_headers", [])]
    if headers:
        school["page_headers"] = list(dict.fromkeys(headers))
    order = list(School.model_fields)  # the file reads as a reviewed one does
    for key in sorted(school, key=lambda key: order.index(key) if key in order else len(order)):
        school[key] = school.pop(key)
