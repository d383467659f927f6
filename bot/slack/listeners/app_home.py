"""App Home tab: published whenever someone opens it; SLT also see their counts."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.slack.blocks.home import home_view
from bot.slack.services import Services

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    def home(event: dict) -> None:
        if event.get("tab") != "home":
            return
        user_id = event["user"]
        slt = services.is_slt(user_id)
        counts = services.slt_counts() if slt else None
        open_reports = services.reports.all(open_only=True) if slt else []
        mine = services.reports.by_reporter(user_id)
        try:
            services.client.views_publish(user_id=user_id, view=home_view(services.school, counts, mine, open_reports))
        except (SlackApiError, OSError) as exc:
            log.warning("could not publish App Home: %s", exc)

    # Events are acknowledged at once; the Slack calls run after the HTTP response has gone.
    app.event("app_home_opened")(ack=lambda ack: ack(), lazy=[home])
