"""The question log: what staff asked, what they got, and whether it helped.

No user id is kept unless the asker chooses to send the question to SLT.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.database import Database, now
from bot.store.outbox import enqueue
from bot.store.places import Place, Places

# Outbox kind: an SLT reply in a question's thread, passed on to the asker as a direct message.
SLT_REPLY = "slt_reply"
# Outbox kind: a question the asker chose to send to SLT, posted in the SLT channel (Teams).
SLT_QUESTION = "slt_question"


def slt_thread_topic(question_id: int) -> str:
    """The `places` topic of where an escalated question was posted for SLT."""
    return f"question:{question_id}:slt"


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    school: str
    question: str
    top_clause: str | None
    answered: bool
    user_id: str | None
    asked_at: str


class QuestionLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def log(self, school: str, question: str, top_clause: str | None, answered: bool) -> LoggedQuestion:
        # Once per /policy answer: plain SQL, as sqlite-utils' insert re-reads the schema each time.
        asked_at = now()
        cursor = self.db.connection().execute(
            "INSERT INTO questions (asked_at, school, question, top_clause, answered) VALUES (?, ?, ?, ?, ?)",
            (asked_at, school, question, top_clause, int(answered)),
        )
        return LoggedQuestion(int(cursor.lastrowid or 0), school, question, top_clause, answered, None, asked_at)

    def get(self, question_id: int) -> LoggedQuestion | None:
        row = self.db.connection().execute("SELECT * FROM questions WHERE id = ?", (question_id,)).fetchone()
        if row is None:
            return None
        return LoggedQuestion(
            row["id"],
            row["school"],
            row["question"],
            row["top_clause"],
            bool(row["answered"]),
            row["user_id"],
            row["asked_at"],
        )

    def set_feedback(self, question_id: int, helpful: bool) -> None:
        self.db.connection().execute(
            "UPDATE questions SET feedback = ? WHERE id = ?",
            ("helpful" if helpful else "not_helpful", question_id),
        )

    def escalate(self, question_id: int, user_id: str) -> bool:
        """Mark the question as sent to SLT; False if it already was (a double click)."""
        cursor = self.db.connection().execute(
            "UPDATE questions SET escalated_at = ?, user_id = ? WHERE id = ? AND escalated_at IS NULL",
            (now(), user_id, question_id),
        )
        return cursor.rowcount == 1

    def escalate_through_outbox(self, question_id: int, user_id: str, asker_name: str, *, platform: str) -> bool:
        """Mark the question as sent to SLT and queue its post in `platform`'s SLT channel (where it was
        asked), in one transaction; False if it already was (a double click), and nothing is queued twice."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE questions SET escalated_at = ?, user_id = ? WHERE id = ? AND escalated_at IS NULL",
                (now(), user_id, question_id),
            )
            if cursor.rowcount != 1:
                return False
            payload = {"question": question_id, "name": asker_name}
            enqueue(conn, f"question:{question_id}", SLT_QUESTION, payload, platform=platform)
            return True

    def cancel_escalation(self, question_id: int) -> None:
        """Undo `escalate` when SLT could not be told, so the asker can try again."""
        self.db.connection().execute(
            "UPDATE questions SET escalated_at = NULL, user_id = NULL WHERE id = ?", (question_id,)
        )

    def record_slt_post(self, question_id: int, channel: str, ts: str, platform: str | None = None) -> None:
        """Keep where the question was posted for SLT (in delivery's `places`), so their replies in its
        thread find it. Without a platform, a Teams channel id ("19:...") is told from a Slack one."""
        platform = platform or ("teams" if channel.startswith("19:") else "slack")
        Places(self.db).record(slt_thread_topic(question_id), platform, Place(channel, ts))

    def by_slt_thread(self, channel: str, ts: str) -> LoggedQuestion | None:
        """The escalated question whose SLT post is this message, on whichever platform."""
        for row in (
            self.db.connection()
            .execute(
                "SELECT topic FROM places WHERE conversation = ? AND message_id = ? AND topic LIKE 'question:%:slt'",
                (channel, ts),
            )
            .fetchall()
        ):
            number = row["topic"].split(":")[1]
            if number.isdigit():
                return self.get(int(number))
        return None

    def store_slt_reply(
        self, question_id: int, channel: str, ts: str, replier: str, text: str, *, platform: str
    ) -> bool:
        """Keep SLT's reply and queue it for the asker on `platform` (where SLT replied, which is where the
        question was asked), once per message (Slack retries events, and a signed request can be
        replayed); False if this message was stored before."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO slt_replies (question_id, channel, ts, replier, text, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (question_id, channel, ts, replier, text, now()),
            )
            if cursor.rowcount != 1:
                return False
            enqueue(conn, f"question:{question_id}", SLT_REPLY, {"reply": cursor.lastrowid}, platform=platform)
            return True

    def slt_reply(self, reply_id: int) -> tuple[LoggedQuestion, str, str] | None:
        """(the question, who replied, what they said) for a stored reply."""
        row = (
            self.db.connection()
            .execute("SELECT question_id, replier, text FROM slt_replies WHERE id = ?", (reply_id,))
            .fetchone()
        )
        question = self.get(row["question_id"]) if row else None
        return (question, row["replier"], row["text"]) if question else None

    def needing_attention(self, school: str | None = None) -> list[dict]:
        """Unanswered and 'not helpful' questions, most frequent first (for `questions report`)."""
        sql = """
            SELECT lower(question) AS question, count(*) AS times,
                   sum(answered = 0) AS unanswered,
                   -- feedback is NULL when nobody clicked (the usual case); `IS` counts that as 0, not NULL
                   sum(feedback IS 'not_helpful') AS not_helpful,
                   sum(escalated_at IS NOT NULL) AS escalated, max(asked_at) AS last_asked,
                   max(school) AS school
            FROM questions
            WHERE (answered = 0 OR feedback = 'not_helpful') AND (? IS NULL OR school = ?)
            GROUP BY lower(question)
            ORDER BY times DESC, last_asked DESC
        """
        return [dict(r) for r in self.db.connection().execute(sql, (school, school))]
