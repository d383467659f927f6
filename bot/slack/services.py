"""What the Slack listeners need, built once per process: settings, the policy, storage, roles."""

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

from bot.answers import PolicyBook
from bot.knowledge.models import School
from bot.settings import Settings
from bot.slack.roles import ChannelMembers
from bot.store.applications import ApplicationBook
from bot.store.database import Database
from bot.store.handled import secret
from bot.store.outbox import Outbox
from bot.store.question_log import QuestionLog
from bot.store.reports import ReportBook

log = logging.getLogger(__name__)


def web_client(settings: Settings) -> WebClient:
    """A Web API client that retries connection errors, 5xx and 429 (honouring Retry-After)."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,  # type: ignore[arg-type]  # urllib takes a float
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


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
        except (SlackApiError, OSError) as exc:
            log.warning("auth.test failed (%s); will retry, the bot keeps serving meanwhile", exc)
            return False

    def learn_in_background(self, retry_seconds: float = 30.0) -> None:
        def loop() -> None:
            while not self.fetch() and not self._stop.wait(retry_seconds):
                pass

        threading.Thread(target=loop, name="auth-test", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()


@dataclass
class Services:
    settings: Settings
    book: PolicyBook
    db: Database
    client: WebClient
    identity: BotIdentity
    members: ChannelMembers
    questions: QuestionLog
    reports: ReportBook
    applications: ApplicationBook
    outbox: Outbox
    # Set after something is added to the outbox, so the deliverer sends it now rather than on its next poll.
    outbox_signal: threading.Event = field(default_factory=threading.Event)
    # Signs the buttons under an answer to the person asking (question_buttons.py).
    button_key: bytes = b""

    def wake_outbox(self) -> None:
        self.outbox_signal.set()

    @property
    def school_id(self) -> str:
        assert self.settings.school is not None
        return self.settings.school

    @property
    def school(self) -> School:
        return self.book.school(self.school_id)

    def is_slt(self, user_id: str, fresh: bool = False) -> bool:
        """`fresh=True` for anything that changes a record: membership is asked of Slack, not the cache."""
        return self.members.is_member(self.settings.slt_channel, user_id, fresh=fresh)

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

    def slt_counts(self) -> dict[str, int]:
        """Counts shown to SLT on App Home; the reports and applications workflows add theirs here."""
        return {
            "Open misuse reports": self.reports.open_count(),
            "Account applications awaiting a decision": self.applications.pending_count(),
        }

    def is_admin(self, user_id: str, fresh: bool = False) -> bool:
        return self.members.is_member(self.settings.admin_channel, user_id, fresh=fresh)


def build_services(settings: Settings, client: WebClient | None = None) -> Services:
    client = client or web_client(settings)
    identity = BotIdentity(client)
    db = Database(settings.db)
    book = PolicyBook(settings.knowledge_dir)
    book.index(settings.school or "")  # load and index the school now, not on the first question
    return Services(
        settings=settings,
        book=book,
        db=db,
        client=client,
        identity=identity,
        members=ChannelMembers(client, lambda: identity.user_id),
        questions=QuestionLog(db),
        reports=ReportBook(db),
        applications=ApplicationBook(db),
        outbox=Outbox(db),
        button_key=secret(db, "answer_buttons"),
    )
