"""`/report-misuse`: the form, storing the report, and SLT's triage buttons and forms, registered from
one small module per listener kind."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners.actions import triage_buttons
from bot.slack.listeners.commands import report_misuse
from bot.slack.listeners.views import misuse_report, triage_forms
from bot.slack.services import Services


def register(app: App, services: Services) -> None:
    for module in (report_misuse, misuse_report, triage_buttons, triage_forms):
        module.register(app, services)
