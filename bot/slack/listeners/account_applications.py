"""`/request-account`: the application form, SLT's decision, the administrator creating the account,
and the register of official accounts on App Home, registered from one small module per listener kind."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners.actions import application_buttons, register_buttons
from bot.slack.listeners.commands import request_account
from bot.slack.listeners.events import user_change
from bot.slack.listeners.views import account_application, application_decisions, register_changes
from bot.slack.services import Services


def register(app: App, services: Services) -> None:
    for module in (
        request_account,
        account_application,
        application_buttons,
        application_decisions,
        register_buttons,
        register_changes,
        user_change,
    ):
        module.register(app, services)
