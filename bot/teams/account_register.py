"""The register in Teams: "register" in the 1:1 chat shows SLT and the administrator the active
accounts (Teams has no App Home), and its Change lead / Close or hand over (`Action.Execute`) change
them. Who may is the core's (`may_keep_register`, and the store runs `may_change_register`,
`check_new_lead`, `check_closing` of `closing_status` in the transaction), with both roles read fresh from Teams."""

from __future__ import annotations

from typing import Any

from bot.cases import account_rules as rules
from bot.cases.records import Refused
from bot.teams.account_form_cards import ENTRA_ID, NOT_FROM_THE_LIST
from bot.teams.invoke_answers import Response, card, message
from bot.teams.register_cards import CHANGE_LEAD, CLOSE_ACCOUNT, lead_field, note_field, register_card, status_field
from bot.teams.roles import TeamsRoles
from bot.teams.services import TeamsServices


class TeamsRegister:
    def __init__(self, services: TeamsServices) -> None:
        self.services = services
        self.roles = TeamsRoles(services)

    def shown_to(self, user: str) -> dict[str, Any] | str:
        """The register card for someone who keeps it, else the core's sentence for them."""
        refused = rules.may_keep_register(self.roles.register_actor(user))
        if refused:
            return refused.text(self.services.name_of)
        return register_card(self.services.applications.accounts(active_only=True), self.services.known_name)

    def act(self, activity: dict[str, Any], verb: str, data: dict[str, Any]) -> Response:
        """A change from the register card; the answer is the card redrawn with what changed on top."""
        services = self.services
        user = str((activity.get("from") or {}).get("id") or "")
        raw = str(data.get("account") or "")
        # The card's buttons carry the account's number; anything else is a forged or stale click.
        account_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else 0
        actor = self.roles.register_actor(user)
        try:
            if verb == CHANGE_LEAD:
                new_lead = str(data.get(lead_field(account_id)) or "")
                if not ENTRA_ID.match(new_lead):
                    return message(NOT_FROM_THE_LIST)
                account = services.applications.change_lead(account_id, actor, new_lead)
                done = f"{account.handle}: the lead is now {services.known_name(new_lead) or 'the person you chose'}."
            else:
                assert verb == CLOSE_ACCOUNT
                status = rules.closing_status(str(data.get(status_field(account_id)) or ""))
                note = str(data.get(note_field(account_id)) or "").strip() or None
                account = services.applications.close_account(account_id, actor, status, note)
                done = f"{account.handle} is marked {account.status.value} in the register."
        except Refused as refused:
            return message(refused.text(services.name_of))
        return card(register_card(services.applications.accounts(active_only=True), services.known_name, done))
