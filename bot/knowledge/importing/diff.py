"""`policybot kb diff OLD NEW`: what a new version of a policy added, removed and changed.

For the review schools make every year or two. Clauses are paired by id, then by identical text
(an id renamed by a person), then by similar text (a clause reworded), so the report reads like
a reviewer's notes rather than a line diff of two YAML files.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from bot.knowledge.importing.merge import pair_clauses
from bot.knowledge.models import Clause, KnowledgeFile
from bot.knowledge.source_text import fold

_SCHOOL_FIELDS = (
    "name", "authority", "policy_title", "adopted", "reviewed", "review_due", "dates_note", "status", "report_to",
    "reporting_clause", "draft",
)  # fmt: skip


@dataclass(frozen=True)
class Change:
    old: Clause
    new: Clause

    def words(self) -> str:
        """The text with removed words as [-old-] and added words as {+new+}."""
        a, b = fold(self.old.text).split(), fold(self.new.text).split()
        out: list[str] = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if op == "equal":
                out.extend(a[i1:i2])
                continue
            if i2 > i1:
                out.append("[-" + " ".join(a[i1:i2]) + "-]")
            if j2 > j1:
                out.append("{+" + " ".join(b[j1:j2]) + "+}")
        return " ".join(out)


@dataclass
class PolicyDiff:
    school: list[tuple[str, object, object]] = field(default_factory=list)  # (field, old, new)
    added: list[Clause] = field(default_factory=list)
    removed: list[Clause] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)  # same text, new id or section
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not (self.school or self.added or self.removed or self.changed or self.moved)


def diff_policies(old: KnowledgeFile, new: KnowledgeFile) -> PolicyDiff:
    result = PolicyDiff()
    for name in _SCHOOL_FIELDS:
        before, after = getattr(old.school, name), getattr(new.school, name)
        if before != after:
            result.school.append((name, before, after))
    new_by_id = {c.id: j for j, c in enumerate(new.clauses)}
    paired: dict[int, int] = {}  # new index -> old index
    for i, clause in enumerate(old.clauses):
        j = new_by_id.get(clause.id)
        if j is not None:
            paired[j] = i
    rest_old = [i for i in range(len(old.clauses)) if i not in paired.values()]
    rest_new = [j for j in range(len(new.clauses)) if j not in paired]
    same, reworded = pair_clauses(
        [old.clauses[i].model_dump() for i in rest_old], [new.clauses[j].model_dump() for j in rest_new]
    )
    for local_j, local_i in {**same, **reworded}.items():
        paired[rest_new[local_j]] = rest_old[local_i]
    for j, i in sorted(paired.items()):
        before, after = old.clauses[i], new.clauses[j]
        if fold(before.text) != fold(after.text):
            result.changed.append(Change(before, after))
        elif before.id != after.id or before.section != after.section:
            result.moved.append(Change(before, after))
        else:
            result.unchanged += 1
    result.added = [c for j, c in enumerate(new.clauses) if j not in paired]
    result.removed = [c for i, c in enumerate(old.clauses) if i not in paired.values()]
    return result


def _where(clause: Clause) -> str:
    return f"{clause.id} (section {clause.section}, {clause.heading})"


def _short(text: str, limit: int = 160) -> str:
    text = fold(text)
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "(none)" if value is None or value == "" else str(value)


def render_diff(diff: PolicyDiff) -> list[str]:
    lines: list[str] = []
    for name, before, after in diff.school:
        lines.append(f"school {name}: {_shown(before)} -> {_shown(after)}")
    if diff.changed:
        lines.append(f"\nchanged ({len(diff.changed)}):")
        for change in diff.changed:
            lines.append(f"  ~ {_where(change.new)}")
            lines.append(f"      {change.words()}")
    if diff.added:
        lines.append(f"\nadded ({len(diff.added)}):")
        lines.extend(f"  + {_where(c)}: {_short(c.text)}" for c in diff.added)
    if diff.removed:
        lines.append(f"\nremoved ({len(diff.removed)}):")
        lines.extend(f"  - {_where(c)}: {_short(c.text)}" for c in diff.removed)
    if diff.moved:
        lines.append(f"\nsame text, new id or section ({len(diff.moved)}):")
        lines.extend(f"  = {_where(m.old)} -> {m.new.id} (section {m.new.section})" for m in diff.moved)
    lines.append(
        f"\n{diff.unchanged} unchanged, {len(diff.changed)} changed, {len(diff.added)} added, "
        f"{len(diff.removed)} removed, {len(diff.moved)} renumbered"
    )
    lines[0] = lines[0].removeprefix("\n")  # a section's blank line before it, not before the report
    return lines
