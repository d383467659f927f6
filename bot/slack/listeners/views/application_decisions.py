"""The forms behind SLT's Reject / Request changes (with the reason) and the administrator's
"Mark as created"; the core checks every field (bot/cases/account_rules.py) and decides."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App

from bot.cases import account_rules as rules
from bot.cases.accounts import Application
from bot.cases.records import Actor, Refused
from bot.slack.blocks.account_card import CHANGES_CALLBACK, CREATE_CALLBACK, REJECT_CALLBACK
from bot.slack.blocks.forms import submitted_values, text_or_none
from bot.slack.listeners.accounts_common import actor, colleague
from bot.slack.services import Services

Step = Callable[[str, Actor, str], Application]


def register(app: App, services: Services) -> None:
    applications = services.applications

    def decision_with_reason(step: Step) -> Callable[[Ack, dict, dict], None]:
        def handler(ack: Ack, body: dict, view: dict) -> None:
            reason = text_or_none(submitted_values(view).get("reason")) or ""
            try:
                step(view["private_metadata"], actor(services, body["user"]["id"]), reason)
            except Refused as refused:
                ack(response_action="errors", errors={"reason": refused.text(colleague)})
                return
            services.wake_outbox()
            ack()

        return handler

    app.view(REJECT_CALLBACK)(decision_with_reason(applications.reject))
    app.view(CHANGES_CALLBACK)(decision_with_reason(applications.request_changes))

    @app.view(CREATE_CALLBACK)
    def created(ack: Ack, body: dict, view: dict) -> None:
        values = submitted_values(view)
        handle = text_or_none(values.get("handle")) or ""
        url = text_or_none(values.get("url"))
        stored = "stored" in (values.get("credentials") or [])
        problems = rules.created_problems(handle, url, stored)
        if problems:
            ack(response_action="errors", errors={p.field or "handle": p.message for p in reversed(problems)})
            return
        try:
            applications.mark_created(
                view["private_metadata"], actor(services, body["user"]["id"]), handle, url, credentials_stored=stored
            )
        except Refused as refused:
            ack(response_action="errors", errors={"handle": refused.text(colleague)})
            return
        services.wake_outbox()
        ack()
