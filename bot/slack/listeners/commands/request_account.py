"""`/request-account`: opens the application form."""

from __future__ import annotations

from slack_bolt import App, Respond

from bot.slack.blocks.account_form import application_modal
from bot.slack.listeners.clicks import ack_now, open_form
from bot.slack.services import Services


def register(app: App, services: Services) -> None:
    def show_application_form(body: dict, respond: Respond) -> None:
        open_form(services.client, body, respond, application_modal(body["user_id"]))

    app.command("/request-account")(ack=ack_now, lazy=[show_application_form])
