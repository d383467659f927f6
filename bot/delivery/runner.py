"""The outbox runner: takes due messages, asks the platform's transport to deliver them, and acts on
its answer: done (recording where the message landed), retry after N seconds (a rate limit), retry
with back-off (an outage), permanent failure (kept, not retried, the admin alerted), or in doubt (tried
again, and the transport looks before posting).

A runner sends one platform's messages (its transport's); Slack's and Teams' runners may share a
database, in one process or two. Only the runner holding its platform's `SenderLock` sends. A claim
is a lease: a message being sent when its sender died becomes due again, marked interrupted, so it
too is treated as in doubt.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from bot.delivery.transport import ADMIN_ALERT, Done, InDoubt, Message, Outcome, Permanent, Retry, RetryAfter, Transport
from bot.store.database import Database
from bot.store.outbox import INTERRUPTED, Outbox, OutboxItem, enqueue
from bot.store.places import Places
from bot.store.sender_lock import SenderLock

log = logging.getLogger(__name__)

TIMED_OUT = "timed out"
# After these, the platform may have taken the message although the bot never heard back.
IN_DOUBT = frozenset({TIMED_OUT, INTERRUPTED})


class OutboxRunner:
    def __init__(
        self,
        db: Database,
        transport: Transport,
        signal: threading.Event,
        idle_seconds: float = 1.0,
        max_backoff: float = 300.0,
    ) -> None:
        self.db = db
        self.transport = transport
        self.signal = signal  # set when something is added, so it is sent now rather than on the next poll
        self.outbox = Outbox(db)
        self.places = Places(db)
        self.idle_seconds = idle_seconds
        self.max_backoff = max_backoff
        self.platform = transport.platform
        self.lock = SenderLock(db.path, self.platform)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- running ---------------------------------------------------------------------------------
    def start(self) -> OutboxRunner:
        self._thread = threading.Thread(target=self._loop, name="outbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.signal.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.lock.release()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if self._take_over() and self.deliver_one():
                    continue
                due = self.outbox.next_due_in(self.platform)
            except sqlite3.Error as exc:
                log.error("outbox: database error (%s); trying again shortly", exc)
                due = None
            self.signal.wait(self.idle_seconds if due is None else min(self.idle_seconds, due))
            self.signal.clear()

    def _take_over(self) -> bool:
        """Whether this process is the sender: it holds the lock, or has just taken it."""
        if self.lock.held:
            return True
        if not self.lock.acquire():
            return False  # another runner sends this platform's messages; take over if it stops
        if self.lock.exclusive:
            resumed = self.outbox.release_interrupted(self.platform)
            if resumed:
                log.warning("outbox: %d message(s) were being sent when the bot stopped; sending them now", resumed)
        return True

    def deliver_one(self) -> bool:
        """Send the next due message, if any. True when there was one (sent or not)."""
        item = self.outbox.claim(self.platform)
        if item is None:
            return False
        label = f"{item.kind} for {item.payload.get('ref', item.topic)}"
        platform = self.platform
        message = Message(item, self.places.get(item.topic, platform), item.last_error in IN_DOUBT)
        try:
            outcome: Outcome = self.transport.deliver(message)
        except Exception as exc:  # a bug must not stop every other message; keep this one for later
            log.exception("outbox: unexpected error sending %s", label)
            outcome = Retry(f"error: {exc.__class__.__name__}")
        if isinstance(outcome, Done):
            if outcome.place is not None:
                self.places.record(item.topic, platform, outcome.place)
            self.outbox.sent(item.id)
            log.info("outbox: sent %s", label)
        elif isinstance(outcome, RetryAfter):
            log.warning("outbox: %s rate-limited %s; retrying in %ss", self.transport.name, label, outcome.seconds)
            self.outbox.retry_later(item.id, outcome.seconds, outcome.error)
        elif isinstance(outcome, Permanent):
            self._park(item, label, outcome.error)
        elif isinstance(outcome, InDoubt):
            self._retry(item, label, TIMED_OUT)
        else:
            self._retry(item, label, outcome.error, outcome.hint)
        return True

    def _retry(self, item: OutboxItem, label: str, error: str, hint: str = "") -> None:
        delay = min(self.max_backoff, 2.0 ** max(0, item.attempts - 1))
        log.warning(
            "outbox: could not send %s (%s)%s; attempt %d, retrying in %.0fs",
            label,
            error,
            f"; {hint}" if hint else "",
            item.attempts,
            delay,
        )
        self.outbox.retry_later(item.id, delay, error)

    def _park(self, item: OutboxItem, label: str, error: str) -> None:
        log.error("outbox: %s refused %s (%s); kept, not retried, admin alerted", self.transport.name, label, error)
        self.outbox.give_up(item.id, error)
        if item.kind != ADMIN_ALERT:
            with self.db.transaction() as conn:
                enqueue(conn, "admin", ADMIN_ALERT, {"failed": label, "error": error}, platform=self.platform)
