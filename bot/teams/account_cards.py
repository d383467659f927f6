"""Adaptive Cards for account applications once sent: SLT's decision card (read-only for everyone,
with Approve / Reject / Request changes and the reason box in the user-specific view of those who
may decide), the administrator's "Create account" card, and the applicant's messages. The same
content as Slack's (bot/slack/blocks/account_card.py); every piece of user text goes through `plain`.
No rule is decided here: whether someone sees the buttons is the core's `may_decide`, asked by
bot/teams/account_applications.py, and whether a card still offers them is `awaits_decision` and
`awaits_creation`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    Container,
    ExecuteAction,
    Fact,
    FactSet,
    RefreshDefinition,
    TextInput,
    ToggleInput,
)

from bot.cases.account_rules import awaits_creation, awaits_decision
from bot.cases.accounts import (
    CONFIRMATIONS,
    IMAGES_REMINDER,
    MAX_SHORT,
    MAX_TEXT,
    SCOPES,
    Account,
    Application,
    AppState,
)
from bot.cases.records import Event
from bot.render import times
from bot.teams.account_form_cards import ENTRA_ID, open_application_button, received_text
from bot.teams.cards import VERSION, _dump, _text, plain

APPROVE = "application_approve"
REJECT = "application_reject"
REQUEST_CHANGES = "application_changes"
CREATE = "application_create"
VIEW = "application_view"  # the refresh verb: "show me my version of this card"
VERBS = (APPROVE, REJECT, REQUEST_CHANGES, CREATE, VIEW)

Known = Callable[[str], str | None]  # a Teams or Entra id -> the name Teams last sent for it, if any


def person(known: Known, user_id: str | None) -> str:
    """A person as the card shows them: their name if they ever wrote to the bot, else their id (people
    chosen in a picker are Entra object ids; the bot learns a name when that person writes to it)."""
    if not user_id:
        return "someone"
    name = known(user_id)
    if name:
        return plain(name, 200)
    return plain(f"a colleague (Entra id {user_id})") if ENTRA_ID.match(user_id) else "a member of staff"


def _day(iso: str | None) -> str:
    return times.teams(iso)


def _state_line(application: Application, known: Known) -> str:
    state = application.state
    if state is AppState.SUBMITTED:
        extra = f" (version {application.version})" if application.version > 1 else ""
        return f"⏳ **Awaiting a decision**{extra}"
    who = f"by {person(known, application.decided_by)} {_day(application.decided_at)}"
    if state is AppState.APPROVED:
        return f"✅ **Approved** {who}; the administrator has been asked to create it"
    if state is AppState.LIVE:
        return f"✅ **Approved** {who}. 🚀 **Live**: the administrator has created it"
    reason = plain(application.decision_reason or "", 1200)
    if state is AppState.REJECTED:
        return f"❌ **Rejected** {who}: {reason}"
    return f"✏️ **Changes requested** {who}: {reason}"


def _event_line(event: Event, known: Known) -> str:
    detail = f": {plain(event.detail, 300)}" if event.detail else ""
    return f"- {_day(event.at)} {person(known, event.actor)} {plain(event.action)}{detail}"


def application_card(
    application: Application,
    existing: list[Account],
    email_domain: str | None,
    known: Known,
    *,
    refresh: RefreshDefinition | None = None,
    may_decide: bool = False,
    why_not: str | None = None,
) -> dict[str, Any]:
    """The card in the SLT channel, drawn from the application as it is now. `may_decide`: the view of
    someone the core lets decide (the buttons and the reason box); `why_not`: the core's sentence for
    someone it does not, while the application waits for a decision."""
    form = application.form
    facts = [
        Fact(title="Applicant", value=person(known, application.applicant_id)),
        Fact(title="Platform", value=plain(application.platform_label)),
        Fact(title="Name or handle", value=plain(form.handle or "", 200)),
        Fact(title="For", value=plain(SCOPES.get(form.scope or "", ""))),
        Fact(title="Audience", value=plain(form.audience or "", 200)),
        Fact(title="Lead", value=person(known, form.lead)),
        Fact(title="Second moderator", value=person(known, form.moderator)),
        Fact(title="School email", value=plain(form.email or "", 200)),
        Fact(title="Pupil images", value="Yes" if form.pupil_images == "yes" else "No"),
    ]
    body: list[Any] = [
        _text(f"**Account application {application.ref}**", size="Medium"),
        _text(_state_line(application, known)),
        FactSet(facts=facts),
        _text("**Reason**"),
        Container(style="emphasis", items=[_text(plain(form.reason or "", 2800))]),
    ]
    notes = []
    if existing:
        listed = ", ".join(f"{plain(a.handle, 200)} ({a.application_ref})" for a in existing)
        notes.append(f"⚠️ The register already holds an active {plain(application.platform_label)} account: "
                     f"{listed}. The policies expect one school account per platform.")
    if form.pupil_images == "yes":
        notes.append(f"📷 {plain(IMAGES_REMINDER)}")
    if not email_domain:
        notes.append("The school email domain is not set (POLICYBOT_SCHOOL_EMAIL_DOMAIN): check the address.")
    confirmed = ", ".join(CONFIRMATIONS[c].lower() for c in form.confirmations if c in CONFIRMATIONS)
    notes.append(f"Confirmed: {plain(confirmed)}.")
    body.append(_text("\n\n".join(notes), is_subtle=True, size="Small"))
    timeline = [_event_line(e, known) for e in application.timeline[-10:]]
    body.append(_text("**Timeline**\n" + "\n".join(timeline), separator=True, size="Small"))
    if may_decide and awaits_decision(application):
        data = {"ref": application.ref}
        body.append(TextInput(id="reason", label="Reason for rejecting, or what should change (the applicant is "
                              "told it)", is_multiline=True, max_length=MAX_TEXT))
        body.append(ActionSet(actions=[
            ExecuteAction(title="Approve", verb=APPROVE, data=data, style="positive"),
            ExecuteAction(title="Reject", verb=REJECT, data=data, style="destructive"),
            ExecuteAction(title="Request changes", verb=REQUEST_CHANGES, data=data),
        ]))
    elif why_not and awaits_decision(application):
        body.append(_text(plain(why_not), is_subtle=True, size="Small"))
    return _dump(AdaptiveCard(version=VERSION, body=body, refresh=refresh))


def application_summary(application: Application) -> str:
    """What notifications show (lock screens): reference, platform and state only."""
    return f"Account application {application.ref}: {application.platform_label} ({application.state.label})"


def admin_card(application: Application, account: Account | None, known: Known) -> dict[str, Any]:
    """The administrator's card: what to create, then "Create account" with the handle as created, a
    link and the confirmation that the login details are stored with them; once created, who did it."""
    form = application.form
    body: list[Any] = [
        _text(f"**Please create an official {plain(application.platform_label)} account** ({application.ref}), "
              f"approved by {person(known, application.decided_by)}.", size="Medium"),
        FactSet(facts=[
            Fact(title="Name or handle asked for", value=plain(form.handle or "", 200)),
            Fact(title="Register it with", value=plain(form.email or "", 200)),
            Fact(title="Lead", value=person(known, form.lead)),
            Fact(title="Second moderator", value=person(known, form.moderator)),
        ]),
        _text("Keep the login details with the administrator, never in Teams; add the lead and moderator as the "
              "platform allows.", is_subtle=True, size="Small"),
    ]
    if account is not None:
        link = f" {plain(account.url)}" if account.url else ""
        body.append(_text(f"🚀 Created by {person(known, account.created_by)} {_day(account.created_at)}: "
                          f"**{plain(account.handle, 200)}**{link}"))
    elif awaits_creation(application):
        body += [
            TextInput(id="handle", label="Account handle or name, as created", max_length=MAX_SHORT,
                      value=form.handle),
            TextInput(id="url", label="Link to the account (optional)", max_length=MAX_SHORT, style="Url"),
            ToggleInput(id="credentials", title="The login details are stored with the administrator (not in Teams)",
                        value_on="stored", value_off="", wrap=True),
            ActionSet(actions=[ExecuteAction(title="Create account", verb=CREATE, data={"ref": application.ref},
                                             style="positive")]),
        ]
    return _dump(AdaptiveCard(version=VERSION, body=body))


def admin_summary(application: Application) -> str:
    return f"Please create an official {application.platform_label} account ({application.ref})"


def applicant_notice(
    application: Application, event: str, account: Account | None, known: Known
) -> tuple[str, dict[str, Any] | None]:
    """The message to the applicant for a step of their application (plain text), and the card it needs
    instead when there is a button to press (Edit and resubmit)."""
    ref, platform = application.ref, application.platform_label
    slt = f"SLT ({known(application.decided_by or '') or 'a member of SLT'})"
    if event == "approved":
        return (f"Good news: {slt} approved your application {ref} for a {platform} account. The administrator "
                "will create it and I'll tell you when it is live. Please don't create it yourself."), None
    if event == "rejected":
        return (f"{slt} rejected your application {ref} for a {platform} account. Their reason:\n\n"
                f"{application.decision_reason or ''}"), None
    if event == "changes":
        text = (f"{slt} asked for changes to your application {ref} for a {platform} account:\n\n"
                f"{application.decision_reason or ''}\n\nPress Edit and resubmit to change the form; it opens "
                "with your answers filled in.")
        body = [
            _text(f"{plain(slt)} asked for changes to your application **{ref}** for a {plain(platform)} account:"),
            Container(style="emphasis", items=[_text(plain(application.decision_reason or ""))]),
            _text("Press **Edit and resubmit** to change the form; it opens with your answers filled in."),
        ]
        card = _dump(AdaptiveCard(version=VERSION, body=body, actions=[open_application_button(ref)]))
        return text, card
    if event == "live" and account is not None:
        where = f" {account.url}" if account.url else ""
        return (f"🚀 Your {platform} account {account.handle}{where} ({ref}) is live. The administrator holds the "
                "login details. Remember: answer comments within 24 hours (next working day at weekends), keep it "
                "separate from personal accounts, and tell SLT if you leave or hand it over."), None
    return received_text(application), None


def register_alert_text(account: Account, user_id: str, known: Known) -> str:
    role = account.role_of(user_id)
    who = known(user_id) or "a member of staff"
    return (f"⚠️ The {role} of the official {account.platform_label} account {account.handle} "
            f"({account.application_ref}), {who}, has left the school's team. The account needs a new {role} "
            "or closing.")


def register_alert_card(account: Account, user_id: str, known: Known) -> dict[str, Any]:
    """SLT's alert when someone who led or moderated an official account leaves the school's team."""
    body = [
        _text(plain(register_alert_text(account, user_id, known)), weight="Bolder", color="Attention"),
        _text("Write \"register\" in your 1:1 chat with policybot to give it a new lead or close it.",
              is_subtle=True),
    ]
    return _dump(AdaptiveCard(version=VERSION, body=body))
