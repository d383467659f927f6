"""`/report-misuse`: opens the report form."""

from __future__ import annotations

import datetime as dt

from slack_bolt import App, Respond

from bot.slack.blocks.report_form import report_modal
from bot.slack.listeners.clicks import ack_now, open_form
from bot.slack.services import Services


def register(app: App, services: Services) -> None:
    def show_report_form(body: dict, respond: Respond) -> None:
        sorry = f"please try `/report-misuse` again in a minute, or speak to {services.school.report_to} directly."
        open_form(services.client, body, respond, report_modal(services.school, dt.date.today()), sorry)

    app.command("/report-misuse")(ack=ack_now, lazy=[show_report_form])
