"""The register's buttons on App Home (change the lead, close or hand over): SLT and the administrator,
while the account is active (bot/cases/account_rules.py)."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, Respond

from bot.cases import account_rules as rules
from bot.cases.accounts import Account
from bot.slack.blocks.account_card import CHANGE_LEAD, CLOSE_ACCOUNT, close_account_modal, lead_modal
from bot.slack.escape import mention
from bot.slack.listeners.accounts_common import actor
from bot.slack.listeners.clicks import ack_now, open_form, tell_clicker
from bot.slack.services import Services


def register(app: App, services: Services) -> None:
    def register_modal(make: Callable[[Account], dict]) -> Callable[[dict, Respond], None]:
        def handler(body: dict, respond: Respond) -> None:
            who = actor(services, body["user"]["id"])
            value = str(body["actions"][0].get("value") or "")
            # The register's buttons carry the account's number; anything else is a forged or stale click.
            valid = value.isascii() and value.isdigit() and len(value) < 12
            account = services.applications.account(int(value)) if valid else None
            refused = rules.may_change_register(account, who)
            if refused or account is None:
                tell_clicker(services.client, body, None, refused.text(mention) if refused else "")
            else:
                open_form(services.client, body, None, make(account))

        return handler

    app.action(CHANGE_LEAD)(ack=ack_now, lazy=[register_modal(lead_modal)])
    app.action(CLOSE_ACCOUNT)(ack=ack_now, lazy=[register_modal(close_account_modal)])
