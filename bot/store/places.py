"""Where each delivered message landed on each chat platform (a conversation and a message id), by
outbox topic: so a later change updates the SLT card in place, and the retention purge can find the
DSL alert to redraw it. Kept by delivery, not by the case tables: a second platform adds rows."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.database import Database


@dataclass(frozen=True)
class Place:
    conversation: str  # Slack: the channel id
    message_id: str  # Slack: the message ts


class Places:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, topic: str, platform: str) -> Place | None:
        row = (
            self.db.connection()
            .execute("SELECT conversation, message_id FROM places WHERE topic = ? AND platform = ?", (topic, platform))
            .fetchone()
        )
        return Place(row["conversation"], row["message_id"]) if row else None

    def record(self, topic: str, platform: str, place: Place) -> None:
        self.db.connection().execute(
            "INSERT OR REPLACE INTO places (topic, platform, conversation, message_id) VALUES (?, ?, ?, ?)",
            (topic, platform, place.conversation, place.message_id),
        )
