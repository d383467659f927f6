"""The buttons on the SLT card: Acknowledge and Take on change the report at once; Add note and Close
open a form. Each asks the rule in bot/cases/misuse_rules.py first."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, Respond

from bot.cases import misuse_rules as rules
from bot.cases.misuse import Report
from bot.cases.records import Actor, Refused
from bot.slack.blocks.report_card import ACKNOWLEDGE, ADD_NOTE, ASSIGN, CLOSE, close_modal, note_modal
from bot.slack.escape import mention
from bot.slack.listeners.clicks import ack_now, open_form, tell_clicker
from bot.slack.listeners.misuse_common import actor
from bot.slack.services import Services

Handler = Callable[[dict, Respond], None]
Step = Callable[[str, Actor], object]
Rule = Callable[[str, Report | None, Actor], Refused | None]


def register(app: App, services: Services) -> None:
    reports = services.reports

    def change(step: Step) -> Handler:
        def handler(body: dict, respond: Respond) -> None:
            try:
                step(body["actions"][0]["value"], actor(services, body["user"]["id"]))
            except Refused as refused:
                tell_clicker(services.client, body, respond, refused.text(mention))
                return
            services.wake_outbox()

        return handler

    def ask(make_view: Callable[[str], dict], rule: Rule) -> Handler:
        def handler(body: dict, respond: Respond) -> None:
            ref = body["actions"][0]["value"]
            refused = rule(ref, reports.get(ref), actor(services, body["user"]["id"]))
            if refused:
                tell_clicker(services.client, body, respond, refused.text(mention))
                return
            open_form(services.client, body, respond, make_view(ref), "please click again.")

        return handler

    app.action(ACKNOWLEDGE)(ack=ack_now, lazy=[change(reports.acknowledge)])
    app.action(ASSIGN)(ack=ack_now, lazy=[change(reports.assign_to)])
    app.action(ADD_NOTE)(ack=ack_now, lazy=[ask(note_modal, rules.may_add_note)])
    app.action(CLOSE)(ack=ack_now, lazy=[ask(close_modal, rules.may_close)])
