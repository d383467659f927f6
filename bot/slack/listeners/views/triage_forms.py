"""SLT's triage forms submitted: a note on a report, or closing it with an outcome."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.cases.records import Refused
from bot.slack.blocks.forms import submitted_values, text_or_none
from bot.slack.blocks.report_card import CLOSE_CALLBACK, NOTE_CALLBACK
from bot.slack.listeners.misuse_common import actor, colleague
from bot.slack.services import Services


def register(app: App, services: Services) -> None:
    reports = services.reports

    @app.view(NOTE_CALLBACK)
    def add_note(ack: Ack, body: dict, view: dict) -> None:
        note = text_or_none(submitted_values(view).get("note")) or ""
        try:
            reports.add_note(
                view["private_metadata"], actor(services, body["user"]["id"]), note, idempotency_key=view["id"]
            )
        except Refused as refused:
            ack(response_action="errors", errors={"note": refused.text(colleague)})
            return
        services.wake_outbox()
        ack()

    @app.view(CLOSE_CALLBACK)
    def close(ack: Ack, body: dict, view: dict) -> None:
        values = submitted_values(view)
        try:
            reports.close(
                view["private_metadata"],
                actor(services, body["user"]["id"]),
                values.get("outcome") or "",
                text_or_none(values.get("note")),
            )
        except Refused as refused:
            ack(response_action="errors", errors={"outcome": refused.text(colleague)})
            return
        services.wake_outbox()
        ack()
