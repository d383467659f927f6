"""The Bolt app: listeners registered by kind, authorisation that never blocks on Slack."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult

from bot.slack.listeners import (
    account_applications,
    answer_actions,
    app_home,
    misuse_reports,
    policy_command,
    slt_replies,
)
from bot.slack.services import Services

log = logging.getLogger(__name__)
BOLT_LOGGER = "policybot.bolt"


class _IntendedSetup(logging.Filter):
    """Drops Bolt's start-up warnings about the token being unused or ignored. We pass both a client
    (with the token) and `authorize` on purpose (see below); the warnings read as if the token were bad."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("`token` will be unused" in message or ("`token`" in message and "will be ignored" in message))


def build_app(services: Services) -> App:
    token = services.settings.slack_bot_token
    bolt_log = logging.getLogger(BOLT_LOGGER)
    if not any(isinstance(f, _IntendedSetup) for f in bolt_log.filters):
        bolt_log.addFilter(_IntendedSetup())

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        # A single-workspace install: the token is known. Bolt's default would call auth.test on the
        # first request, which fails (and fails the request) while Slack is unreachable.
        return AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, bot_token=token, bot_user_id=services.identity.user_id
        )

    app = App(
        client=services.client,
        signing_secret=services.settings.slack_signing_secret or "",
        authorize=authorize,
        token_verification_enabled=False,
        # Listeners answer within the request (a /policy answer is the acknowledgement itself); slow work
        # is registered as lazy listeners, which run after the response. Without this, Bolt polls for
        # the acknowledgement every 10 ms.
        process_before_response=True,
        logger=bolt_log,
    )
    policy_command.register(app, services)
    answer_actions.register(app, services)
    slt_replies.register(app, services)
    app_home.register(app, services)
    misuse_reports.register(app, services)
    account_applications.register(app, services)
    return app
