"""Sentences every front end shows the same way: verdicts, policy dates, where to ask."""

from __future__ import annotations

import datetime as dt
import re

from bot.answers import Answer
from bot.knowledge.models import Clause, PolicyStatus, School, Stance
from bot.verdicts import MUST_WITH_EXCEPTIONS, ONLY_WITH_PERMISSION, ONLY_WITH_PERMISSION_LEAD
from bot.verdicts import label as verdict_label


def policy_dates(school: School) -> str:
    """e.g. 'reviewed Nov 2021, review due Dec 2023' — what staff need to judge how current it is.

    A policy is only called adopted when it says it was approved; a draft or an unsigned policy is
    called what it is, since staff may be relying on rules the governors never agreed."""
    parts = []
    if school.status is PolicyStatus.DRAFT:
        parts.append(f"draft dated {school.adopted:%b %Y}" if school.adopted else "draft")
        parts.append("not yet approved")
    elif school.status is PolicyStatus.UNAPPROVED:
        parts.append(f"dated {school.adopted:%b %Y}" if school.adopted else "undated")
        parts.append("approval date left blank in the policy")
    elif school.adopted:
        parts.append(f"adopted {school.adopted:%b %Y}")
    if school.reviewed:
        parts.append(f"reviewed {school.reviewed:%b %Y}")
    if school.review_due:
        parts.append(f"review due {school.review_due:%b %Y}")
    return ", ".join(parts) if parts else "no dates stated in the policy"


def _in_doubt(school: School, advise: bool) -> str:
    return f"; check with {school.report_to} if in doubt." if advise else "."


def review_warning(school: School, today: dt.date | None = None, advise: bool = True) -> str | None:
    today = today or dt.date.today()
    if school.is_old_without_review_date(today):
        assert school.policy_date is not None
        return (
            f"This policy is dated {school.policy_date:%B %Y} and names no review date, so it may be out of date"
            + _in_doubt(school, advise)
        )
    if not school.is_past_review(today):
        return None
    assert school.review_due is not None
    return f"This policy was due for review in {school.review_due:%B %Y} and may be out of date" + _in_doubt(
        school, advise
    )


def draft_note(school: School, advise: bool = True) -> str | None:
    """Said beside every answer from a file `kb import` drafted that nobody has reviewed yet: its verdicts
    and answer lines are the bot's guesses from the policy's words (docs/load-your-policy.md)."""
    if not school.draft:
        return None
    return (
        "This school's policy was imported and its answers have not yet been reviewed by the school: they are "
        "the bot's reading of the policy's own words" + _in_doubt(school, advise)
    )


def notes(school: School, today: dt.date | None = None, advise: bool = True) -> list[str]:
    """What to say beside an answer about the policy itself: past its review date, not yet reviewed.
    `advise=False` under "I couldn't find ...", which has just named who to ask."""
    draft = draft_note(school, advise)
    # who to ask is said once, after the last note: both had ended "check with the Headteacher if in doubt"
    review = review_warning(school, today, advise and draft is None)
    return [note for note in (review, draft) if note]


def _heading_is_in_section(clause: Clause) -> bool:
    # Policies without numbers use the heading path as the section ("Use of images", "Appendix - The
    # Don'ts", or "Online safety Group - Pupils" for a list named inside a heading's part), which already
    # holds the heading; saying it twice reads as a glitch.
    heading = clause.heading.casefold()
    section = clause.section.casefold()
    return section.endswith(heading) or heading in (part.strip() for part in section.split(" - "))


def section_and_heading(clause: Clause) -> str:
    """e.g. '6.7 Personal use of social media', or 'Use of images' once, not 'Use of images Use of images'."""
    return clause.section if _heading_is_in_section(clause) else f"{clause.section} {clause.heading}"


def citation(school: School, clause: Clause) -> str:
    where = f"section {clause.section}"
    if not _heading_is_in_section(clause):
        where += f" ({clause.heading})"
    return f"{school.name}, {school.policy_title}, {where}"


_YOU_SHOULD = re.compile(r"You should\s+(?!(?:not|never)\b)(?=[a-z])", re.IGNORECASE)


def verdict_parts(clause: Clause, label: str = "", line: str = "") -> tuple[str, str]:
    """The verdict's label and the line after it; `label` and `line` are the answer's own
    (bot/verdicts.py), else the clause's stance and answer line. An answer line that opens with the label
    itself ("For information - the policy gives ...", "You must keep ...", "Only with their agreement - ..."
    under "Only with permission") does not say it twice."""
    label = label or verdict_label(clause)
    line = line or clause.answer
    should = _YOU_SHOULD.match(line)
    if label == Stance.MUST.label and should:
        # "You must: You should block ...": the curators wrote the duty as the policy's "should", and the
        # label then says more than the line under it
        rest = line[should.end() :]
        label, line = "You should", rest[:1].upper() + rest[1:]
    if label == ONLY_WITH_PERMISSION:
        said = ONLY_WITH_PERMISSION_LEAD.match(line)
    else:  # never "You must not ..." under "You must" cut to "Not ...": the line then says more than the label
        said_already = Stance.MUST.label if label == MUST_WITH_EXCEPTIONS else label
        said = re.match(
            re.escape(said_already) + r"\b(?!\s*(?:not|never)\b)\s*(?:[-\u2013\u2014:,]\s*)?", line, re.IGNORECASE
        )
    if said and said.end() < len(line):
        rest = line[said.end() :]
        line = rest[:1].upper() + rest[1:]
    return label, line


def quoted(clause: Clause) -> str:
    """The clause's words as the answer quotes them: a list item's fragment ("breach our Staff Code of Conduct;")
    after the lead-in it goes on from ("For example, you are prohibited from using social media to: …")."""
    return f"{clause.lead_in} \u2026 {clause.text}" if clause.lead_in else clause.text


def verdict(clause: Clause, label: str = "", line: str = "") -> str:
    """The one-line verdict (`verdict_parts`)."""
    return ": ".join(verdict_parts(clause, label, line))


def summary(answer: Answer) -> str:
    """The answer in one line, for a notification or a screen reader: its verdict, or that it is unsure."""
    best = answer.best
    if not answer.answered or best is None:
        return "The policy does not clearly say."
    return verdict(best.clause, answer.verdict_label, answer.verdict_line)


def not_covered(answer: Answer) -> str:
    """What the bot says when it is not sure. Where its closest clause more often answers than not (`near`), it
    points to that clause: "I couldn't find ..." over a clear "No - never friend a pupil" read as a glitch."""
    school = answer.school
    ask = f"ask {school.report_to} or the Senior Leadership Team (SLT)"
    best = answer.best
    if answer.ranking.near and best is not None:
        return (
            f"I'm not sure the {school.policy_title} answers this clearly. The closest part is "
            f"{section_and_heading(best.clause)} (below): check it, and {ask} if in doubt."
        )
    return f"I couldn't find a part of the {school.policy_title} that clearly answers this. Please {ask}."
