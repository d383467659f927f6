"""Where a chat platform can reach a conversation again: Teams needs the `serviceUrl` an activity
came with (opaque, never built from a region) and each user's 1:1 chat id to send a proactive
message. Kept per platform, like places."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.database import Database, now


@dataclass(frozen=True)
class ConversationRef:
    conversation: str
    service_url: str


class ConversationRefs:
    def __init__(self, db: Database, platform: str) -> None:
        self.db = db
        self.platform = platform

    def get(self, key: str) -> ConversationRef | None:
        row = (
            self.db.connection()
            .execute(
                "SELECT conversation, service_url FROM conversation_refs WHERE platform = ? AND key = ?",
                (self.platform, key),
            )
            .fetchone()
        )
        return ConversationRef(row["conversation"], row["service_url"]) if row else None

    def remember(self, key: str, ref: ConversationRef) -> None:
        self.db.connection().execute(
            "INSERT INTO conversation_refs (platform, key, conversation, service_url, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, key) DO UPDATE SET "
            "conversation = excluded.conversation, service_url = excluded.service_url, "
            "updated_at = excluded.updated_at "
            "WHERE conversation_refs.conversation != excluded.conversation "
            "OR conversation_refs.service_url != excluded.service_url",
            (self.platform, key, ref.conversation, ref.service_url, now()),
        )
