"""What the Slack listeners need, built once per process: the core's services (bot/wiring.py), plus the
Web API client, the bot's identity and roles."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings
from bot.slack.roles import ChannelMembers
from bot.wiring import Core, core_parts

log = logging.getLogger(__name__)

PLATFORM = "slack"  # what the outbox and `places` call Slack


# slack_sdk logs every failed request at error level ("Failed to send a request to Slack API server"), on
# each attempt of an outage. Every call through this client raises its failure to code that logs it with
# what happens next (the bot's identity "will retry", a click "try again"), or to Bolt, which logs what a
# listener let through: the client's own line would only say it a second time.
_client_log = logging.getLogger(f"{__name__}.client")
_client_log.setLevel(logging.CRITICAL)


def web_client(settings: Settings) -> WebClient:
    """A Web API client that retries connection errors, 5xx and 429 (honouring Retry-After)."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,  # type: ignore[arg-type]  # urllib takes a float
        logger=_client_log,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


_REFUSED_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


@dataclass
class BotIdentity:
    """The bot's own user id, learned from auth.test in the background so start-up never waits on Slack."""

    client: WebClient
    user_id: str | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def fetch(self) -> bool:
        try:
            self.user_id = self.client.auth_test().get("user_id")
            return True
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            if error in _REFUSED_TOKEN:  # no retry mends it: say what to fix, at error level
                log.error(
                    "SLACK_BOT_TOKEN: Slack refused it (%s); forms, SLT cards and alerts cannot be sent until it "
                    "is the bot token from the app's OAuth & Permissions page (reports are stored meanwhile)",
                    error,
                )
            else:
                log.warning("auth.test failed (%s); will retry, the bot keeps serving meanwhile", error or exc)
            return False
        except OSError as exc:
            log.warning("auth.test failed (%s); will retry, the bot keeps serving meanwhile", exc)
            return False

    def learn_in_background(self, retry_seconds: float = 30.0) -> None:
        def loop() -> None:
            while not self.fetch() and not self._stop.wait(retry_seconds):
                pass

        threading.Thread(target=loop, name="auth-test", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()


@dataclass(kw_only=True)
class Services(Core):
    """The core's services (bot/wiring.py) and what Slack adds: the Web API client, the bot's own id,
    and roles as membership of the SLT and admin channels."""

    client: WebClient
    identity: BotIdentity
    members: ChannelMembers

    def is_slt(self, user_id: str, fresh: bool = False) -> bool:
        """`fresh=True` for anything that changes a record: membership is asked of Slack, not the cache."""
        return self.members.is_member(self.settings.slt_channel, user_id, fresh=fresh)

    def is_admin(self, user_id: str, fresh: bool = False) -> bool:
        return self.members.is_member(self.settings.admin_channel, user_id, fresh=fresh)

    def start_background(self) -> None:
        """Start the threads that run beside the listeners. Call once in every process that answers
        Slack: the one process in Socket Mode or `serve --http`, or each worker after it is forked
        with `serve --http --workers N` (threads do not survive a fork). A job that must run once in
        all, not once per worker, claims its work in the database atomically, so copies can't clash.
        """
        from bot.delivery.runner import OutboxRunner
        from bot.slack.transport import SlackTransport  # the transport builds on Services

        self.identity.learn_in_background()
        # Pending notifications from before a restart go out now; new ones as they are stored.
        OutboxRunner(self.db, SlackTransport(self), self.outbox_signal).start()


def build_services(settings: Settings, client: WebClient | None = None, core: dict | None = None) -> Services:
    """`core`: the core's parts (`core_parts`) when Teams is served by the same process, so both share one
    database and one policy index; each adapter keeps its own outbox wake-up signal."""
    client = client or web_client(settings)
    identity = BotIdentity(client)
    return Services(
        **(core or core_parts(settings)),
        client=client,
        identity=identity,
        members=ChannelMembers(client, lambda: identity.user_id),
    )
