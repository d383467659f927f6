"""What a list item goes on from. A clause cut from a list is often a fragment ("breach our Staff Code of
Conduct;", "the on-line activity of learners and other colleagues and"), and a quote of it alone states no rule:
a judge of the answers read "the quote is a dangling list fragment with no stated rule". The quote shows the
lead-in before it, as the policy reads."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

# The sentence that leads into a list: from the start of the sentence holding the text's last colon to it
_LEAD = re.compile(r"(?:^|(?<=[.!?])\s+)([^.!?]*:)\s*[^:]*$", re.DOTALL)


class _Listed(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def section(self) -> str: ...
    @property
    def heading(self) -> str: ...
    @property
    def text(self) -> str: ...


def lead_ins(clauses: Sequence[_Listed]) -> dict[str, str]:
    """Each fragment clause's lead-in, by id: a clause whose text begins in lower case goes on from the nearest
    clause before it that does not, where that one's text has a colon and the two share a section or a heading
    ("3.1" and "3.1(a)")."""
    found: dict[str, str] = {}
    lead: _Listed | None = None
    for clause in clauses:
        if not _fragment(clause.text):
            lead = clause
        elif lead is not None and (lead.section == clause.section or lead.heading == clause.heading):
            said = _lead_of(lead.text)
            if said:
                found[clause.id] = said
    return found


def _fragment(text: str) -> bool:
    return text.lstrip()[:1].islower()


def _lead_of(text: str) -> str:
    found = _LEAD.search(text.strip())
    return " ".join(found.group(1).split()) if found else ""
