"""`/request-account` until its workflow lands: a clear, honest reply."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.slack.services import Services


def register(app: App, services: Services) -> None:
    for command in ("/request-account",):

        @app.command(command)
        def not_yet(ack: Ack, command: dict) -> None:
            ack(
                response_type="ephemeral",
                text=f"`{command['command']}` is not switched on yet. "
                f"Until it is, please speak to {services.school.report_to} directly.",
            )
