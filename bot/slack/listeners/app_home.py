"""App Home tab: published whenever someone opens it (and after a register change). Everyone sees
their own reports and applications; SLT also see counts and open reports; SLT and administrators
see the register of official accounts."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.cases.account_rules import may_keep_register
from bot.cases.records import Actor, may_see_open_cases
from bot.slack.blocks.home import home_view
from bot.slack.services import Services

log = logging.getLogger(__name__)


def publish_home(services: Services, user_id: str) -> None:
    viewer = Actor(user_id, services.is_slt(user_id), services.is_admin(user_id))
    slt = may_see_open_cases(viewer) is None
    view = home_view(
        services.school,
        services.slt_counts() if slt else None,
        my_reports=services.reports.by_reporter(user_id),
        slt_open_reports=services.reports.all(open_only=True) if slt else [],
        my_applications=services.applications.by_applicant(user_id),
        register=services.applications.accounts(active_only=True) if may_keep_register(viewer) is None else None,
    )
    try:
        services.client.views_publish(user_id=user_id, view=view)
    except (SlackApiError, OSError) as exc:
        log.warning("could not publish App Home: %s", exc.__class__.__name__)


def register(app: App, services: Services) -> None:
    def home(event: dict) -> None:
        if event.get("tab") == "home":
            publish_home(services, event["user"])

    # Events are acknowledged at once; the Slack calls run after the HTTP response has gone.
    app.event("app_home_opened")(ack=lambda ack: ack(), lazy=[home])
