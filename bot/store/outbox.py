"""The outbox: notifications written in the same transaction as the record they announce, then sent
by a deliverer that retries until the chat tool takes them.

Messages of one topic (e.g. one case's SLT card) go out in order. A claim is a lease: if the
process dies while sending, the message becomes due again when the lease runs out.

Every message names the chat platform that sends it ("slack", "teams"): whoever queues it says so,
and each platform's runner claims only its own, so Slack and Teams can share one database (in one
process or two).
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any, Literal

from bot.store.database import Database, now

LEASE_SECONDS = 60.0
# last_error of a message whose send was cut short: Slack may have taken it.
INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    topic: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    last_error: str | None = None
    status: str = "pending"
    platform: str = "slack"


def _item(row: sqlite3.Row) -> OutboxItem:
    return OutboxItem(
        row["id"],
        row["topic"],
        row["kind"],
        json.loads(row["payload"]),
        row["attempts"],
        row["last_error"],
        row["status"],
        row["platform"],
    )


def enqueue(
    conn: sqlite3.Connection, topic: str, kind: str, payload: dict[str, Any] | None = None, *, platform: str
) -> None:
    """Add a message for `platform` inside the caller's transaction, so it exists exactly when the record does."""
    conn.execute(
        "INSERT INTO outbox (topic, kind, payload, created_at, platform) VALUES (?, ?, ?, ?, ?)",
        (topic, kind, json.dumps(payload or {}), now(), platform),
    )


def case_platform(conn: sqlite3.Connection, table: Literal["reports", "applications"], ref: str) -> str:
    """The chat platform a case (a misuse report, an account application) came from: every notification
    of it goes there."""
    return str(conn.execute(f"SELECT chat_platform FROM {table} WHERE ref = ?", (ref,)).fetchone()[0])


def enqueue_refresh(
    conn: sqlite3.Connection, topic: str, kind: str, payload: dict[str, Any] | None = None, *, platform: str
) -> None:
    """Add a message that renders the record's current state when sent; one waiting is enough."""
    waiting = conn.execute(
        "SELECT 1 FROM outbox WHERE topic = ? AND kind = ? AND platform = ? AND status = 'pending' "
        "AND claimed_until < ?",
        (topic, kind, platform, time.time()),
    ).fetchone()
    if waiting is None:
        enqueue(conn, topic, kind, payload, platform=platform)


class Outbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, platform: str, lease_seconds: float = LEASE_SECONDS) -> OutboxItem | None:
        """The oldest due message for `platform` whose topic has nothing earlier still waiting on that
        platform, leased to the caller. One statement (an UPDATE of the row it selects), so two runners,
        in one process or two, never claim the same message."""
        now = time.time()
        row = (
            self.db.connection()
            .execute(
                """
            UPDATE outbox SET claimed_until = :lease, attempts = attempts + 1
            WHERE id = (
                SELECT o.id FROM outbox o
                WHERE o.platform = :platform AND o.status = 'pending'
                  AND o.next_attempt_at <= :now AND o.claimed_until <= :now
                  AND NOT EXISTS (
                      SELECT 1 FROM outbox p
                      WHERE p.topic = o.topic AND p.platform = o.platform AND p.status = 'pending' AND p.id < o.id
                  )
                ORDER BY o.id LIMIT 1
            )
            RETURNING *
            """,
                {"now": now, "lease": now + lease_seconds, "platform": platform},
            )
            .fetchone()
        )
        return _item(row) if row else None

    def sent(self, item_id: int) -> None:
        self.db.connection().execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, claimed_until = 0, last_error = NULL WHERE id = ?",
            (now(), item_id),
        )

    def retry_later(self, item_id: int, delay_seconds: float, error: str) -> None:
        self.db.connection().execute(
            "UPDATE outbox SET next_attempt_at = ?, claimed_until = 0, last_error = ? WHERE id = ?",
            (time.time() + delay_seconds, error, item_id),
        )

    def give_up(self, item_id: int, error: str) -> None:
        """A permanent error (the channel is gone, the bot is not in it): kept, marked, not retried."""
        self.db.connection().execute(
            "UPDATE outbox SET status = 'failed', claimed_until = 0, last_error = ? WHERE id = ?", (error, item_id)
        )

    def release_interrupted(self, platform: str) -> int:
        """Make `platform`'s messages claimed by a sender that is gone due now, marked 'interrupted': the
        platform may or may not have taken them. Only for a sender that holds that platform's `SenderLock`."""
        cursor = self.db.connection().execute(
            "UPDATE outbox SET claimed_until = 0, next_attempt_at = 0, last_error = ? "
            "WHERE platform = ? AND status = 'pending' AND claimed_until > 0",
            (INTERRUPTED, platform),
        )
        return cursor.rowcount

    def requeue_failed(self) -> int:
        """After the admin has fixed the cause: try every failed message again."""
        cursor = self.db.connection().execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = 0, attempts = 0 WHERE status = 'failed'"
        )
        return cursor.rowcount

    def items(self, status: str | None = None) -> list[OutboxItem]:
        rows = self.db.connection().execute(
            "SELECT * FROM outbox WHERE (? IS NULL OR status = ?) ORDER BY id", (status, status)
        )
        return [_item(r) for r in rows]

    def waiting(self, platforms: tuple[str, ...]) -> int:
        """How many messages for `platforms` are still to be sent."""
        marks = ", ".join("?" * len(platforms))
        row = (
            self.db.connection()
            .execute(f"SELECT count(*) FROM outbox WHERE status = 'pending' AND platform IN ({marks})", platforms)
            .fetchone()
        )
        return int(row[0])

    def next_due_in(self, platform: str) -> float | None:
        """Seconds until `platform`'s next pending message is due (0 if one is due now), None if none wait."""
        row = (
            self.db.connection()
            .execute(
                "SELECT min(max(next_attempt_at, claimed_until)) AS due FROM outbox "
                "WHERE platform = ? AND status = 'pending'",
                (platform,),
            )
            .fetchone()
        )
        if row is None or row["due"] is None:
            return None
        return max(0.0, row["due"] - time.time())
