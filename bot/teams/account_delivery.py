"""The outbox kinds of account applications, drawn for Teams: the SLT card (posted, then updated in
place), the administrator's card, the applicant's messages and the register alert. Each is drawn
from the application as it is when sent, so a message held up by an outage shows the current state.
Sending and the runner's answers are the Teams transport's (bot/teams/transport.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.delivery.transport import Done, Message, Outcome, Permanent
from bot.store.applications import ADMIN_CARD, APP_CARD, APPLICANT_NOTICE, REGISTER_ALERT
from bot.teams.account_applications import slt_card
from bot.teams.account_cards import (
    admin_card,
    admin_summary,
    applicant_notice,
    application_summary,
    register_alert_card,
)
from bot.teams.cards import card_activity, text_activity

if TYPE_CHECKING:
    from bot.teams.transport import TeamsTransport


class AccountDeliveries:
    kinds = frozenset({APP_CARD, ADMIN_CARD, APPLICANT_NOTICE, REGISTER_ALERT})

    def __init__(self, transport: TeamsTransport) -> None:
        self.transport = transport
        self.services = transport.services
        self.roles = transport.roles

    def deliver(self, message: Message) -> Outcome:
        kind = message.item.kind
        if kind == REGISTER_ALERT:
            return self._register_alert(message)
        application = self.services.applications.get(message.item.payload["ref"])
        if application is None:
            return Done()
        settings = self.services.settings
        if kind == APP_CARD:
            # The read-only card everyone sees; SLT members fetch their own view (user_views.py).
            card = slt_card(self.services, self.roles, application)
            activity = card_activity(card, application_summary(application))
            return self.transport.card_in_place(message, settings.teams_slt_channel or "", activity)
        account = self.services.applications.account(application.account_id) if application.account_id else None
        if kind == ADMIN_CARD:
            if not settings.teams_admin_channel:
                return Permanent("POLICYBOT_TEAMS_ADMIN_CHANNEL is not set")
            activity = card_activity(admin_card(application, account, self.services.known_name),
                                     admin_summary(application))
            return self.transport.card_in_place(message, settings.teams_admin_channel, activity)
        event = str(message.item.payload.get("event") or "received")
        text, with_button = applicant_notice(application, event, account, self.services.known_name)
        activity = card_activity(with_button, text.split("\n")[0][:200]) if with_button else text_activity(text)
        return self.transport.to_person(application.applicant_id, activity)

    def _register_alert(self, message: Message) -> Outcome:
        account = self.services.applications.account(int(message.item.payload["account"]))
        if account is None:
            return Done()
        card = register_alert_card(account, str(message.item.payload.get("user") or ""), self.services.known_name)
        activity = card_activity(card, f"An official account's lead or moderator has left ({account.application_ref})")
        return self.transport.post_to_channel(self.services.settings.teams_slt_channel or "", activity)
