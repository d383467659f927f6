"""The register's forms submitted: a new lead, or the account closed or handed over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from bot.cases import account_rules as rules
from bot.cases.accounts import Account
from bot.cases.records import Actor, Refused
from bot.slack.blocks.account_card import CLOSE_CALLBACK, LEAD_CALLBACK
from bot.slack.blocks.forms import submitted_values, text_or_none, user_field_errors
from bot.slack.listeners.accounts_common import actor, colleague
from bot.slack.listeners.app_home import publish_home
from bot.slack.services import Services

Step = Callable[[int, Actor, dict[str, Any]], Account]


def register(app: App, services: Services) -> None:
    applications = services.applications

    def register_change(field: str, step: Step) -> Callable[[Ack, dict, dict], None]:
        def handler(ack: Ack, body: dict, view: dict) -> None:
            values = submitted_values(view)
            user = body["user"]["id"]
            bad_people = user_field_errors(view)
            if bad_people:
                ack(response_action="errors", errors=bad_people)
                return
            try:
                step(int(view["private_metadata"]), actor(services, user), values)
            except Refused as refused:
                ack(response_action="errors", errors={field: refused.text(colleague)})
                return
            except ValueError:
                ack(response_action="errors", errors={field: "Please choose one."})
                return
            ack()
            publish_home(services, user)

        return handler

    def change_lead(account_id: int, who: Actor, values: dict[str, Any]) -> Account:
        return applications.change_lead(account_id, who, values.get("lead") or "")

    def close_account(account_id: int, who: Actor, values: dict[str, Any]) -> Account:
        status = rules.closing_status(values.get("status"))
        return applications.close_account(account_id, who, status, text_or_none(values.get("note")))

    app.view(LEAD_CALLBACK)(register_change("lead", change_lead))
    app.view(CLOSE_CALLBACK)(register_change("status", close_account))
