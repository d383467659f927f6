"""Sentences every front end shows the same way: verdicts, policy dates, where to ask."""

from __future__ import annotations

import datetime as dt

from bot.answers import Answer
from bot.knowledge.models import Clause, School
from bot.verdicts import label as verdict_label


def policy_dates(school: School) -> str:
    """e.g. 'reviewed Nov 2021, review due Dec 2023' — what staff need to judge how current it is."""
    parts = []
    if school.adopted:
        parts.append(f"adopted {school.adopted:%b %Y}")
    if school.reviewed:
        parts.append(f"reviewed {school.reviewed:%b %Y}")
    if school.review_due:
        parts.append(f"review due {school.review_due:%b %Y}")
    return ", ".join(parts) if parts else "no dates stated in the policy"


def review_warning(school: School, today: dt.date | None = None) -> str | None:
    today = today or dt.date.today()
    if not school.is_past_review(today):
        return None
    assert school.review_due is not None
    return (
        f"This policy was due for review in {school.review_due:%B %Y} and may be out of date; "
        f"check with {school.report_to} if in doubt."
    )


def citation(school: School, clause: Clause) -> str:
    return f"{school.name}, {school.policy_title}, section {clause.section} ({clause.heading})"


def verdict(clause: Clause, label: str = "") -> str:
    """The one-line verdict; `label` is the answer's own (bot/verdicts.py), else the clause's stance."""
    return f"{label or verdict_label(clause)}: {clause.answer}"


def not_covered(answer: Answer) -> str:
    school = answer.school
    return (
        f"I couldn't find a part of the {school.policy_title} that clearly answers this. "
        f"Please ask {school.report_to} or the Senior Leadership Team (SLT)."
    )
