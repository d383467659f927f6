"""What a misuse report is made of, what SLT can decide, and how a submitted form is checked.

Nothing here knows about Slack: adapters turn their form into a `ReportForm`, show the errors
`check_form` returns next to the fields they name, and render the `Report` records back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from bot.cases.records import Event


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    # How the policy would put it: used to find the clause that says what to do meanwhile.
    guidance_query: str
    topics: frozenset[str]


CATEGORIES: tuple[Category, ...] = (
    Category(
        "pupil_contact",
        "Contact from a pupil or ex-pupil",
        "a pupil or ex-pupil contacts me or sends a friend request; do not accept, block and report",
        frozenset({"friending-pupils", "ex-pupils"}),
    ),
    Category(
        "staff_post",
        "Staff post about the school, colleagues or pupils",
        "a member of staff posts about the school, colleagues or pupils online",
        frozenset({"respect-colleagues", "reputation", "professional-conduct"}),
    ),
    Category(
        "parent_post",
        "Parent/carer post",
        "a parent or carer posts negative or offensive comments about the school, staff or children",
        frozenset({"parents-posting"}),
    ),
    Category(
        "abuse_of_staff",
        "Online abuse or bullying of staff",
        "I am the target of abuse or bullying online; block and report it",
        frozenset({"cyberbullying-abuse"}),
    ),
    Category(
        "pupil_images",
        "Pupil images without consent",
        "photos or images of pupils posted online without consent",
        frozenset({"photos-children"}),
    ),
    Category(
        "confidential_info",
        "Confidential information online",
        "confidential information about pupils, families or the school posted online",
        frozenset({"confidentiality", "data-protection"}),
    ),
    Category(
        "official_account",
        "Official school account problem (hacked, impersonated, abusive comments)",
        "abusive or inappropriate comments on the school's official social media account, removed and reported",
        frozenset({"official-accounts"}),
    ),
    Category("other", "Other", "report misuse of social media", frozenset({"reporting-misuse"})),
)
CATEGORY_BY_ID = {c.id: c for c in CATEGORIES}

# The clause that tells staff to report at all, found the same way as the category guidance.
REPORTING_QUERY = "any misuse of social media should be reported to the headteacher or SLT; report concerns"
REPORTING_TOPICS = frozenset({"reporting-misuse"})


class ChildRisk(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "no": "No", "not_sure": "Not sure"}[self.value]

    @property
    def alerts_dsl(self) -> bool:
        # "Not sure" is treated as yes: the DSL would rather look and find nothing.
        return self is not ChildRisk.NO


ACTIONS_TAKEN: dict[str, str] = {
    "blocked": "Blocked the account",
    "screenshotted": "Took screenshots",
    "reported_to_platform": "Reported it to the platform",
    "nothing": "Nothing yet",
}

OUTCOMES: dict[str, str] = {
    "no_further_action": "No further action",
    "advice_given": "Advice given",
    "content_removed": "Content removed",
    "parent_spoken_to": "Parent spoken to / warning letter",
    "reported_to_platform": "Reported to the platform",
    "disciplinary": "Disciplinary procedure",
    "police": "Referred to police",
    "lado_safeguarding": "Referred to the LADO / safeguarding",
}


class State(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"

    @property
    def reporter_label(self) -> str:
        """Where the report is, in the words its reporter sees: never the outcome, never SLT's notes,
        because the outcome can be a disciplinary matter about a colleague."""
        return {"open": "sent to SLT", "acknowledged": "acknowledged by SLT", "closed": "closed"}[self.value]


# Field limits: Slack's plain-text input takes at most 3,000 characters.
MAX_WHAT_HAPPENED = 3000
MIN_WHAT_HAPPENED = 10
MAX_SHORT_TEXT = 500
MAX_NOTE = 3000


@dataclass(frozen=True)
class ReportForm:
    """What the reporter typed, exactly as typed."""

    category: str | None
    what_happened: str | None
    child_at_risk: str | None
    where_seen: str | None = None
    happened_on: str | None = None  # ISO date
    colleagues: tuple[str, ...] = ()
    others: str | None = None
    actions_taken: tuple[str, ...] = ()


def check_form(form: ReportForm, today: dt.date) -> dict[str, str]:
    """Problems keyed by field name, in words for the person filling in the form. Empty when fine."""
    errors: dict[str, str] = {}
    if form.category not in CATEGORY_BY_ID:
        errors["category"] = "Please choose what kind of misuse this is."
    what = (form.what_happened or "").strip()
    if len(what) < MIN_WHAT_HAPPENED:
        errors["what_happened"] = "Please describe what happened in a sentence or two."
    elif len(form.what_happened or "") > MAX_WHAT_HAPPENED:
        errors["what_happened"] = f"Please keep this under {MAX_WHAT_HAPPENED:,} characters."
    if form.child_at_risk not in {r.value for r in ChildRisk}:
        errors["child_at_risk"] = "Please say whether a child could be at risk (choose 'Not sure' if you don't know)."
    if form.happened_on:
        try:
            day = dt.date.fromisoformat(form.happened_on)
        except ValueError:
            errors["happened_on"] = "Please pick the date from the calendar."
        else:
            if day > today:
                errors["happened_on"] = "That date is in the future. When did it happen?"
    for name, value in (("where_seen", form.where_seen), ("others", form.others)):
        if value and len(value) > MAX_SHORT_TEXT:
            errors[name] = f"Please keep this under {MAX_SHORT_TEXT} characters."
    unknown = [a for a in form.actions_taken if a not in ACTIONS_TAKEN]
    if unknown:
        errors["actions_taken"] = "Please choose from the list."
    elif "nothing" in form.actions_taken and len(form.actions_taken) > 1:
        errors["actions_taken"] = "You ticked 'Nothing yet' and something you did; please untick one."
    return errors


@dataclass(frozen=True)
class Report:
    ref: str
    school: str
    submitted_at: str
    reporter_id: str
    form: ReportForm
    state: State
    acknowledged_at: str | None = None
    acknowledged_by: str | None = None
    assignee: str | None = None
    closed_at: str | None = None
    closed_by: str | None = None
    outcome: str | None = None
    purged: bool = False
    timeline: tuple[Event, ...] = field(default=())

    @property
    def category(self) -> Category:
        return CATEGORY_BY_ID.get(self.form.category or "other", CATEGORY_BY_ID["other"])

    @property
    def child_risk(self) -> ChildRisk:
        return ChildRisk(self.form.child_at_risk or "not_sure")

    @property
    def outcome_label(self) -> str | None:
        return OUTCOMES.get(self.outcome or "", self.outcome)


# What a purged case's card and DSL alert say instead of its content (docs/misuse-reports.md, retention).
PURGED_DETAILS = "What was reported, and who was involved, was deleted under the school's retention period."
PURGED_ALERT_DETAILS = "This alert said what happened and who reported it; that has been deleted."


def purged_alert_title(ref: str) -> str:
    return f"Misuse report {ref}: deleted under the school's retention period"
