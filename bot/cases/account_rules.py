"""Every rule of an account application and of the register, written once: who may act, in which
state, no deciding on one's own application, the first decision wins, no passwords in any field,
and the administrator's confirmation that the login details are stored with them.

Each function returns a `Refused` (the sentence for the person who tried) or None. The store calls
them inside the transaction that makes the change; an adapter calls the same function before it
shows a form.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.cases.accounts import (
    MAX_SHORT,
    MAX_TEXT,
    PASSWORD_REFUSAL,
    Account,
    AccountStatus,
    Application,
    ApplicationForm,
    AppState,
    looks_like_password,
)
from bot.cases.records import Actor, Refused

NOT_SLT = "Only members of the SLT channel can decide on account applications."
NOT_ADMIN = "Only members of the administrator channel can mark an account as created."
NOT_REGISTER_KEEPER = "Only SLT and the administrator can change the register of accounts."
NOT_APPLICANT = "Only the person who applied can change the application."
CREDENTIALS_NOT_STORED = "Please confirm the login details are stored with the administrator."
# Chat forms limit what can be typed, but a forged request can carry anything: checked where stored.
MAX_URL = 500

_DECIDED = {
    AppState.APPROVED: "approved",
    AppState.REJECTED: "rejected",
    AppState.CHANGES_REQUESTED: "asked for changes to",
    AppState.LIVE: "approved",
}


def _missing(ref: str, application: Application | None) -> Refused | None:
    return Refused(f"There is no application {ref}.") if application is None else None


def _within(text: str, limit: int, field: str) -> Refused | None:
    return Refused(f"Please keep this under {limit:,} characters.", field=field) if len(text) > limit else None


def password_in(field: str, value: str | None) -> Refused | None:
    """Any text a person typed, in any field: a password never reaches the record or the channel."""
    return Refused(PASSWORD_REFUSAL, field=field) if value and looks_like_password(value) else None


def check_form_passwords(form: ApplicationForm) -> Refused | None:
    for name, value in form.text_fields().items():
        refused = password_in(name, value)
        if refused:
            return refused
    return None


def already_decided(application: Application) -> Refused:
    verb = _DECIDED.get(application.state, "decided on")
    return Refused(f"{application.ref} was already {verb} by {{who}}.", application.decided_by)


# -- the applicant ----------------------------------------------------------------------------------
def is_applicant(application: Application | None, person_id: str) -> Refused | None:
    """The applicant's own view of their application (their answers, what SLT asked to change): theirs
    alone. The same refusal for someone else's application as for one that does not exist."""
    if application is None or application.applicant_id != person_id:
        return Refused(NOT_APPLICANT)
    return None


def may_resubmit(ref: str, application: Application | None, applicant_id: str) -> Refused | None:
    """Only the applicant changes the application, and only after SLT asked for changes."""
    refused = is_applicant(application, applicant_id)
    if refused or application is None:
        return refused
    if application.state is not AppState.CHANGES_REQUESTED:
        return Refused(f"{ref} is no longer waiting for changes ({application.state.label.lower()}).")
    return None


# -- SLT's decision ---------------------------------------------------------------------------------
def awaits_decision(application: Application) -> bool:
    """Whether SLT can still decide (the card offers Approve / Reject / Request changes): the first
    decision wins, so only while it is submitted."""
    return application.state is AppState.SUBMITTED


def may_be_asked_to_decide(application: Application, slt_members: Iterable[str]) -> list[str]:
    """Of the SLT channel's members (in the order given), those a card may offer the decision to: not the
    applicant, who never decides on their own application, and nobody once it is decided."""
    if not awaits_decision(application):
        return []
    return [member for member in slt_members if member != application.applicant_id]


def may_view(ref: str, application: Application | None, actor: Actor) -> Refused | None:
    """Seeing an application's SLT card (the reason, the people, the history) outside the SLT channel:
    SLT only. Whether someone may see it is asked before whether it exists, so a person who may not
    gets the same refusal for any reference and learns nothing about which ones exist."""
    if not actor.is_slt:
        return Refused(NOT_SLT)
    return _missing(ref, application)


def may_decide(ref: str, application: Application | None, actor: Actor) -> Refused | None:
    """Approve, reject or ask for changes: SLT only, never on their own application, first decision wins.
    The role is asked first, so someone else is refused the same way whether or not `ref` exists."""
    if not actor.is_slt:
        return Refused(NOT_SLT)
    refused = _missing(ref, application)
    if refused or application is None:
        return refused
    if application.applicant_id == actor.user_id:
        return Refused("You can't decide on your own application: another member of SLT has to.")
    if not awaits_decision(application):
        return already_decided(application)
    return None


def check_reason(reason: str, changes: bool) -> Refused | None:
    """The reason for a rejection, or what should change: the applicant is told it."""
    if not reason.strip():
        return Refused(
            "Please say what should change." if changes else "Please give the reason: the applicant is told it.",
            field="reason",
        )
    return _within(reason, MAX_TEXT, "reason") or password_in("reason", reason)


# -- the administrator ------------------------------------------------------------------------------
def awaits_creation(application: Application) -> bool:
    """Whether the administrator can mark it created (the card offers Create account): once SLT
    approved it, and until someone has."""
    return application.state is AppState.APPROVED


def may_mark_created(
    ref: str, application: Application | None, actor: Actor, created_by: str | None = None
) -> Refused | None:
    """The administrator, once SLT approved; `created_by`: who marked it created, if someone did.
    The role is asked first, so someone else is refused the same way whether or not `ref` exists."""
    if not actor.is_admin:
        return Refused(NOT_ADMIN)
    refused = _missing(ref, application)
    if refused or application is None:
        return refused
    if application.state is AppState.LIVE:
        return Refused(f"{ref} was already marked as created by {{who}}.", created_by)
    if not awaits_creation(application):
        return Refused(f"{ref} is not approved ({application.state.label.lower()}).")
    return None


def created_problems(handle: str, url: str | None, credentials_stored: bool) -> list[Refused]:
    """Everything wrong with "account created", one refusal per field, so a form can show them all."""
    problems: list[Refused] = []
    if not handle.strip():
        problems.append(Refused("Please give the account's handle or name as created.", field="handle"))
    else:
        problem = _within(handle, MAX_SHORT, "handle") or password_in("handle", handle)
        if problem:
            problems.append(problem)
    problem = _within(url or "", MAX_URL, "url") or password_in("url", url)
    if problem:
        problems.append(problem)
    if not credentials_stored:
        problems.append(Refused(CREDENTIALS_NOT_STORED, field="credentials"))
    return problems


def check_created(handle: str, url: str | None, credentials_stored: bool) -> Refused | None:
    """Everything wrong with "account created" as one refusal (every problem at once, for a place that
    shows one sentence), about the first field concerned; None if nothing is."""
    problems = created_problems(handle, url, credentials_stored)
    if not problems:
        return None
    return Refused(" ".join(p.message for p in problems), field=problems[0].field)


# -- the register -----------------------------------------------------------------------------------
def may_keep_register(actor: Actor) -> Refused | None:
    """See the register with its buttons, and change it: SLT and the administrator."""
    return None if actor.is_slt or actor.is_admin else Refused(NOT_REGISTER_KEEPER)


def may_change_register(account: Account | None, actor: Actor) -> Refused | None:
    """Change an account's lead or close it: SLT and the administrator, while the account is active."""
    refused = may_keep_register(actor)
    if refused:
        return refused
    if account is None:
        return Refused("That account is no longer active in the register.")
    if account.status is not AccountStatus.ACTIVE:
        return Refused(f"That account was already {account.status.value} by {{who}}.", account.closed_by)
    return None


def check_new_lead(account: Account, new_lead: str) -> Refused | None:
    if new_lead == account.lead_id:
        return Refused("That person already leads the account.", field="lead")
    if new_lead == account.moderator_id:
        return Refused("The lead and the second moderator must be different people.", field="lead")
    return None


CLOSING_STATUSES = (AccountStatus.CLOSED, AccountStatus.TRANSFERRED)
NO_CLOSING_CHOSEN = "Choose closed or handed over."


def closing_status(chosen: str | None) -> AccountStatus | None:
    """What a "close or hand over" form's choice names: closed or handed over, else None (nothing chosen,
    or anything else, which `check_closing` refuses)."""
    return next((status for status in CLOSING_STATUSES if status.value == chosen), None)


def check_closing(status: AccountStatus | None, note: str | None) -> Refused | None:
    if status not in CLOSING_STATUSES:
        return Refused(NO_CLOSING_CHOSEN, field="status")
    return _within(note or "", MAX_TEXT, "note") or password_in("note", note)
