"""Official school social-media accounts: the application the policies require, its checks, and the
register of accounts that were created.

The policies ask for a strong educational or business reason, SLT approval, an administrator who
creates the account and keeps the credentials, a school email address, a named lead and a second
moderator, and closing or handing over the account when its lead leaves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.cases.records import Event

PLATFORMS: dict[str, str] = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X (Twitter)",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "linkedin": "LinkedIn",
    "classdojo": "ClassDojo",
    "blog": "Blog",
    "other": "Other",
}

SCOPES: dict[str, str] = {
    "class": "A class or year group",
    "department": "A department",
    "whole_school": "The whole school",
    "club_event": "A club or event",
}

CONFIRMATIONS: dict[str, str] = {
    "separate": "It will be kept separate from any personal account",
    # Worded for every chat platform: the same confirmation is asked in Slack and in Teams.
    "credentials": "The login details will go to the administrator, never into a chat message",
    "monitored": "Comments will be monitored and answered within 24 hours (next working day at weekends)",
}

PUPIL_IMAGES: dict[str, str] = {"yes": "Yes", "no": "No"}
# The policies' consent rule, shown wherever pupils' images are asked about (form, card, confirmation).
IMAGES_REMINDER = (
    "If yes: check every pupil's photo consent before posting (the office keeps the list of objections), "
    "use first names only, and never tag or locate pupils."
)

PASSWORD_REFUSAL = (
    "This looks like a password. Never put passwords in a chat message: the administrator creates the account "
    "and keeps its login details safe."
)

MIN_REASON_SENTENCES = 2
MAX_TEXT = 3000
MAX_SHORT = 200


class AppState(StrEnum):
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    LIVE = "live"

    @property
    def label(self) -> str:
        return {
            "submitted": "Awaiting SLT decision",
            "changes_requested": "Changes requested",
            "approved": "Approved, waiting for the administrator to create it",
            "rejected": "Rejected",
            "live": "Live",
        }[self.value]


class AccountStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"
    TRANSFERRED = "transferred"  # the lead changed; the register keeps who led it before on the timeline


@dataclass(frozen=True)
class ApplicationForm:
    platform: str | None
    handle: str | None
    scope: str | None
    reason: str | None
    audience: str | None
    lead: str | None
    moderator: str | None
    email: str | None
    pupil_images: str | None  # "yes" | "no"
    confirmations: tuple[str, ...] = ()

    def text_fields(self) -> dict[str, str | None]:
        return {"handle": self.handle, "reason": self.reason, "audience": self.audience, "email": self.email}


_PASSWORD_WORDS = re.compile(
    r"\b(pass\s?words?|passwd|pwd|pass\s?codes?|pins?|log\s?in details|credentials)\b\s*(is|are|:|=|-)", re.IGNORECASE
)
_EMAIL = re.compile(r"^[^@\s]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s+|$)")


def looks_like_password(text: str) -> bool:
    """A value that reads like a password: 'password: ...', or a word that mixes lower and upper case,
    digits and symbols the way passwords do and handles do not. Handles join words with `_ - .`
    (`@Dobcroft_Y5`, `Year-5-Class-Blog`, `St.Mary2024`); a password uses other symbols (`Summer2024!`)
    or digits inside a word (`Pa55_w0rd`). Links and email addresses are not passwords."""
    if _PASSWORD_WORDS.search(text):
        return True
    return any(_password_word(raw.strip(".,;:()[]\"'")) for raw in text.split())


_LINK = re.compile(r"^(https?://|www\.)|^[a-z0-9-]+(\.[a-z0-9-]+)+(/|$)", re.IGNORECASE)
_HANDLE_JOINERS = re.compile(r"[_.\-]+")
_DIGITS_INSIDE_A_WORD = re.compile(r"[A-Za-z][0-9]+[A-Za-z]")


def _password_word(word: str) -> bool:
    if len(word) < 8 or _LINK.match(word) or _EMAIL.match(word):
        return False
    body = word[1:] if word[0] in "@#" else word  # a handle's or hashtag's own sign
    kinds = (
        any(c.islower() for c in body),
        any(c.isupper() for c in body),
        any(c.isdigit() for c in body),
        any(not c.isalnum() for c in body),
    )
    if not all(kinds):
        return False
    parts = _HANDLE_JOINERS.split(body)
    other_symbols = any(not c.isalnum() for part in parts for c in part)
    return other_symbols or any(_DIGITS_INSIDE_A_WORD.search(part) for part in parts)


def _sentences(text: str) -> int:
    parts = [p for p in _SENTENCE_END.split(text.strip()) if len(p.split()) >= 3]
    return len(parts)


def check_application(form: ApplicationForm, email_domain: str | None) -> dict[str, str]:
    """Problems keyed by field name, in the applicant's terms. Empty when the form is fine."""
    errors: dict[str, str] = {}
    if form.platform not in PLATFORMS:
        errors["platform"] = "Please choose the platform."
    if not (form.handle or "").strip():
        errors["handle"] = "Please give the account name or handle you'd like (it can change later)."
    elif len(form.handle or "") > MAX_SHORT:
        errors["handle"] = f"Please keep this under {MAX_SHORT} characters."
    if form.scope not in SCOPES:
        errors["scope"] = "Please choose who the account is for."
    reason = form.reason or ""
    if _sentences(reason) < MIN_REASON_SENTENCES:
        errors["reason"] = (
            "The policy asks for a strong educational or business reason: please explain it in at least two sentences."
        )
    elif len(reason) > MAX_TEXT:
        errors["reason"] = f"Please keep this under {MAX_TEXT:,} characters."
    if not (form.audience or "").strip():
        errors["audience"] = "Please say who the account is for (e.g. parents of Year 5)."
    elif len(form.audience or "") > MAX_SHORT:
        errors["audience"] = f"Please keep this under {MAX_SHORT} characters."
    if not form.lead:
        errors["lead"] = "Please choose the member of staff who will lead the account."
    if not form.moderator:
        errors["moderator"] = "Please choose a second moderator: the policy needs two people on every account."
    elif form.moderator == form.lead:
        errors["moderator"] = "The second moderator must be a different person from the lead."
    email = (form.email or "").strip()
    match = _EMAIL.match(email)
    if not match:
        errors["email"] = "Please give the school email address the account will be registered with."
    elif email_domain and match.group(1).lower() != email_domain.lower().lstrip("@"):
        errors["email"] = f"Please use a school address ending @{email_domain.lstrip('@')}, not a personal one."
    if form.pupil_images not in ("yes", "no"):
        errors["pupil_images"] = "Please say whether pupils' images will be posted."
    if set(form.confirmations) != set(CONFIRMATIONS):
        errors["confirmations"] = "Please confirm all three: the policy requires each of them."
    for name, value in form.text_fields().items():
        if value and looks_like_password(value):
            errors[name] = PASSWORD_REFUSAL
    return errors


@dataclass(frozen=True)
class Application:
    ref: str
    school: str
    applicant_id: str
    state: AppState
    version: int
    form: ApplicationForm
    submitted_at: str
    decided_by: str | None = None
    decided_at: str | None = None
    decision_reason: str | None = None
    account_id: int | None = None
    timeline: tuple[Event, ...] = field(default=())

    @property
    def platform_label(self) -> str:
        return PLATFORMS.get(self.form.platform or "other", "Other")


@dataclass(frozen=True)
class Account:
    id: int
    application_ref: str
    platform: str
    handle: str
    url: str | None
    scope: str
    lead_id: str
    moderator_id: str
    approved_by: str
    approved_at: str
    created_by: str
    created_at: str
    status: AccountStatus
    closed_at: str | None = None
    closed_by: str | None = None

    @property
    def platform_label(self) -> str:
        return PLATFORMS.get(self.platform, self.platform)

    @property
    def scope_label(self) -> str:
        return SCOPES.get(self.scope, self.scope)

    def role_of(self, person_id: str) -> str:
        """What someone who left was to this account (the register alert's words)."""
        return "lead" if self.lead_id == person_id else "second moderator"
