"""A Slack account deactivated: SLT are alerted (once) about official accounts it led or moderated."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.slack.services import Services

log = logging.getLogger("bot.slack.listeners.account_applications")


def register(app: App, services: Services) -> None:
    def user_change(event: dict) -> None:
        user = event.get("user") or {}
        if user.get("deleted") and user.get("id"):
            affected = services.applications.user_left(user["id"])
            if affected:
                log.info("a deactivated user led or moderated %d official account(s); SLT alerted", len(affected))
                services.wake_outbox()

    app.event("user_change")(ack=lambda ack: ack(), lazy=[user_change])
