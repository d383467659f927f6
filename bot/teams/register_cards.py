"""The register of official accounts as a card in SLT's or the administrator's 1:1 chat (Teams has no
App Home): each active account with **Change lead** (a people picker) and **Close or hand over**
(closed or handed over, with a note), as Slack's App Home shows it (bot/slack/blocks/account_card.py:
`register_blocks`). Every piece of user text goes through `plain`; no rule is decided here."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    Choice,
    ChoiceSetInput,
    Container,
    ExecuteAction,
    QueryData,
    ShowCardAction,
    TextInput,
)

from bot.cases.accounts import MAX_TEXT, Account, AccountStatus
from bot.teams.account_cards import Known, person
from bot.teams.cards import VERSION, _dump, _text, plain

CHANGE_LEAD = "register_lead"
CLOSE_ACCOUNT = "register_close"
VERBS = (CHANGE_LEAD, CLOSE_ACCOUNT)
LISTED = 20  # a card stays readable; `policybot accounts list` lists them all


def lead_field(account_id: int) -> str:
    """Input ids are per account: one card holds every account's inputs."""
    return f"lead_{account_id}"


def status_field(account_id: int) -> str:
    return f"status_{account_id}"


def note_field(account_id: int) -> str:
    return f"note_{account_id}"


def _account(account: Account, known: Known) -> Container:
    link = f" {plain(account.url)}" if account.url else ""
    data = {"account": account.id}
    lead = AdaptiveCard(body=[
        ChoiceSetInput(id=lead_field(account.id), label="New lead", choices=[],
                       choices_data=QueryData(dataset="graph.microsoft.com/users")),
    ], actions=[ExecuteAction(title="Change lead", verb=CHANGE_LEAD, data=data)])
    close = AdaptiveCard(body=[
        ChoiceSetInput(id=status_field(account.id), label="What happened to it?", style="expanded", choices=[
            Choice(title="Closed (deleted or archived)", value=AccountStatus.CLOSED.value),
            Choice(title="Handed over (transferred)", value=AccountStatus.TRANSFERRED.value),
        ]),
        TextInput(id=note_field(account.id), label="Note (optional)", is_multiline=True, max_length=MAX_TEXT),
    ], actions=[ExecuteAction(title="Update register", verb=CLOSE_ACCOUNT, data=data)])
    return Container(separator=True, items=[
        _text(f"**{plain(account.platform_label)}** {plain(account.handle, 200)}{link}"),
        _text(f"{plain(account.scope_label)} · lead {person(known, account.lead_id)} · moderator "
              f"{person(known, account.moderator_id)} · {account.application_ref}", is_subtle=True, size="Small"),
        ActionSet(actions=[ShowCardAction(title="Change lead", card=lead),
                           ShowCardAction(title="Close or hand over", card=close)]),
    ])


def register_card(accounts: list[Account], known: Known, done: str | None = None) -> dict[str, Any]:
    """The active accounts; `done`: what the last change did, shown at the top."""
    body: list[Any] = []
    if done:
        body.append(_text(f"✅ {plain(done)}", color="Good"))
    body.append(_text(f"**Register of official accounts** ({len(accounts)} active)", size="Medium"))
    body += [_account(account, known) for account in accounts[:LISTED]]
    if len(accounts) > LISTED:
        body.append(_text(f"…and {len(accounts) - LISTED} more: `policybot accounts list` shows them all.",
                          is_subtle=True))
    return _dump(AdaptiveCard(version=VERSION, body=body))
