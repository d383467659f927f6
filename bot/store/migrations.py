"""Numbered schema migrations. `PRAGMA user_version` holds the number of the last one applied; on
open, every later one runs, each in its own transaction with the version bump, so a database made
by any earlier version (or by none) reaches the current schema with its records kept.

To change the schema, append a migration; never edit one that has shipped. Number 1 is the schema
as it was before migrations existed (`CREATE ... IF NOT EXISTS`, so such a database passes through it
unchanged).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]

_V1_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    asked_at TEXT NOT NULL,
    school TEXT NOT NULL,
    question TEXT NOT NULL,
    top_clause TEXT,
    answered INTEGER NOT NULL,
    feedback TEXT CHECK (feedback IN ('helpful', 'not_helpful')),
    escalated_at TEXT,
    user_id TEXT,          -- kept only when the asker escalates to SLT
    slt_channel TEXT,
    slt_ts TEXT
);
CREATE INDEX IF NOT EXISTS questions_thread ON questions (slt_channel, slt_ts);

-- Misuse reports. What the reporter submitted is never updated; triage adds to case_events.
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    ref TEXT UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,   -- the Slack view id: a resubmission is the same report
    school TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    reporter_id TEXT NOT NULL,
    category TEXT NOT NULL,
    what_happened TEXT NOT NULL,
    where_seen TEXT,
    happened_on TEXT,
    colleagues TEXT NOT NULL DEFAULT '[]',  -- JSON list of user ids
    others TEXT,
    child_at_risk TEXT NOT NULL CHECK (child_at_risk IN ('yes', 'no', 'not_sure')),
    actions_taken TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'closed')),
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    assignee TEXT,
    closed_at TEXT,
    closed_by TEXT,
    outcome TEXT,
    slt_channel TEXT,
    slt_ts TEXT,
    purged_at TEXT
);

-- Every case's timeline, append-only: who did what, when.
CREATE TABLE IF NOT EXISTS case_events (
    id INTEGER PRIMARY KEY,
    case_ref TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS case_events_ref ON case_events (case_ref, id);

-- Applications for official accounts. Each submitted version is kept in application_versions.
CREATE TABLE IF NOT EXISTS applications (
    id INTEGER PRIMARY KEY,
    ref TEXT UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    school TEXT NOT NULL,
    applicant_id TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'submitted'
        CHECK (state IN ('submitted', 'changes_requested', 'approved', 'rejected', 'live')),
    version INTEGER NOT NULL DEFAULT 1,
    submitted_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    decision_reason TEXT,
    slt_channel TEXT,
    slt_ts TEXT,
    admin_channel TEXT,
    admin_ts TEXT,
    account_id INTEGER
);

CREATE TABLE IF NOT EXISTS application_versions (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL,
    version INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    submitted_at TEXT NOT NULL,
    form TEXT NOT NULL,               -- JSON, exactly as submitted
    UNIQUE (ref, version)
);

-- The register of official accounts.
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    application_ref TEXT NOT NULL UNIQUE,
    school TEXT NOT NULL,
    platform TEXT NOT NULL,
    handle TEXT NOT NULL,
    url TEXT,
    scope TEXT NOT NULL,
    lead_id TEXT NOT NULL,
    moderator_id TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed', 'transferred')),
    closed_at TEXT,
    closed_by TEXT
);

-- Messages to send, written in the same transaction as what they announce. A topic's messages
-- go out in order; `claimed_until` is a lease so a crashed sender's message is picked up again.
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    claimed_until REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at TEXT
);
-- Requests already carried out, by a key the request itself carries (a form's view id, a click's
-- trigger): a replayed or retried request finds its key here and changes nothing.
CREATE TABLE IF NOT EXISTS handled (
    key TEXT PRIMARY KEY,
    at TEXT NOT NULL
);

-- Random keys made once per database (shared by every worker process), e.g. to sign button values.
CREATE TABLE IF NOT EXISTS secrets (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- SLT's replies in an escalated question's thread, stored before the asker is told (through the outbox).
CREATE TABLE IF NOT EXISTS slt_replies (
    id INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL,
    channel TEXT NOT NULL,
    ts TEXT NOT NULL,
    replier TEXT NOT NULL,
    text TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (channel, ts)
);

-- Where a message the bot posted is, for messages a later change must find (e.g. the DSL alert, which
-- the retention purge redraws without the report's content).
CREATE TABLE IF NOT EXISTS slack_messages (
    topic TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    ts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS outbox_topic ON outbox (topic, status, id);
"""


def _statements(script: str) -> list[str]:
    """A script's statements, one by one: `executescript` would commit the migration's transaction."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending)
            pending = ""
    return statements


def _v1_first_schema(conn: sqlite3.Connection) -> None:
    for statement in _statements(_V1_SCHEMA):
        conn.execute(statement)


def _v2_places_kept_by_delivery(conn: sqlite3.Connection) -> None:
    """Where each message landed on each chat platform moves out of the case tables into delivery's
    own table (`places`), so a second platform adds rows, not columns."""
    conn.execute(
        """CREATE TABLE places (
            topic TEXT NOT NULL,           -- the outbox topic, e.g. MR-0007:slt
            platform TEXT NOT NULL,        -- slack, teams
            conversation TEXT NOT NULL,    -- Slack: the channel id
            message_id TEXT NOT NULL,      -- Slack: the message ts
            PRIMARY KEY (topic, platform)
        )"""
    )
    copies = (
        "SELECT ref || ':slt', slt_channel, slt_ts FROM reports WHERE slt_ts IS NOT NULL",
        "SELECT ref || ':slt', slt_channel, slt_ts FROM applications WHERE slt_ts IS NOT NULL",
        "SELECT ref || ':admin', admin_channel, admin_ts FROM applications WHERE admin_ts IS NOT NULL",
        "SELECT topic, channel, ts FROM slack_messages",
    )
    for select in copies:
        rows = conn.execute(select).fetchall()
        conn.executemany(
            "INSERT OR REPLACE INTO places (topic, platform, conversation, message_id) VALUES (?, 'slack', ?, ?)",
            [tuple(row) for row in rows if row[1]],
        )
    conn.execute("DROP TABLE slack_messages")
    if sqlite3.sqlite_version_info >= (3, 35, 0):
        # Older SQLite cannot drop a column; there the old columns stay, unread and unwritten.
        for table, columns in (
            ("reports", ("slt_channel", "slt_ts")),
            ("applications", ("slt_channel", "slt_ts", "admin_channel", "admin_ts")),
        ):
            for column in columns:
                conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def _v3_conversation_references(conn: sqlite3.Connection) -> None:
    """Where a platform can reach a conversation again (Teams: the opaque serviceUrl, and each user's
    1:1 chat), so a proactive message after a restart knows where to go."""
    conn.execute(
        """CREATE TABLE conversation_refs (
            platform TEXT NOT NULL,
            key TEXT NOT NULL,            -- 'user:<id>', 'channel:<id>', 'service'
            conversation TEXT NOT NULL,
            service_url TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (platform, key)
        )"""
    )


def _v4_question_threads_in_places(conn: sqlite3.Connection) -> None:
    """Where an escalated question was posted for SLT (the thread SLT reply in) moves from the question
    log into `places`, topic `question:<id>:slt`, like every other message's position. SLT's replies
    find their question by that place, so `places` gains an index on the message."""
    conn.execute("CREATE INDEX places_message ON places (conversation, message_id)")
    rows = conn.execute(
        "SELECT id, slt_channel, slt_ts FROM questions WHERE slt_channel IS NOT NULL AND slt_ts IS NOT NULL"
    ).fetchall()
    conn.executemany(
        "INSERT OR REPLACE INTO places (topic, platform, conversation, message_id) VALUES (?, ?, ?, ?)",
        # Teams channel ids start "19:"; a Slack channel id never holds a colon.
        [
            (f"question:{row[0]}:slt", "teams" if str(row[1]).startswith("19:") else "slack", row[1], row[2])
            for row in rows
        ],
    )
    conn.execute("DROP INDEX IF EXISTS questions_thread")
    if sqlite3.sqlite_version_info >= (3, 35, 0):
        # Older SQLite cannot drop a column; there the old columns stay, unread and unwritten.
        for column in ("slt_channel", "slt_ts"):
            conn.execute(f"ALTER TABLE questions DROP COLUMN {column}")


def _v5_outbox_rows_name_their_platform(conn: sqlite3.Connection) -> None:
    """Each outbox row says which chat platform sends it, and each case which platform it came from
    (`chat_platform`: `applications.platform` is already the account's, a blog or X), so Slack and Teams
    can share one database and each runner claims only its own rows.

    Before this, one database served one platform (docs/teams.md said so). Existing rows are inferred:
    a case is Teams' if its idempotency key is (Teams' keys start "teams:"); an outbox row goes with its
    case, its question's SLT post (`places`), or its account's application; a question for SLT queued
    through the outbox is Teams' (Slack posts it directly); anything else (admin alerts) goes with the
    database: Teams' if Teams ever wrote to it (its conversation references), else Slack's."""
    conn.execute("ALTER TABLE outbox ADD COLUMN platform TEXT NOT NULL DEFAULT 'slack'")
    for table in ("reports", "applications"):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN chat_platform TEXT NOT NULL DEFAULT 'slack'")
        conn.execute(f"UPDATE {table} SET chat_platform = 'teams' WHERE idempotency_key LIKE 'teams:%'")
    teams_ever = conn.execute("SELECT 1 FROM conversation_refs WHERE platform = 'teams' LIMIT 1").fetchone()
    fallback = "teams" if teams_ever else "slack"
    teams_topics = {
        f"{row[0]}:": "teams"
        for row in conn.execute(
            "SELECT ref FROM reports WHERE chat_platform = 'teams' "
            "UNION SELECT ref FROM applications WHERE chat_platform = 'teams'"
        )
    }
    slack_topics = {
        f"{row[0]}:": "slack"
        for row in conn.execute(
            "SELECT ref FROM reports WHERE chat_platform = 'slack' AND ref IS NOT NULL "
            "UNION SELECT ref FROM applications WHERE chat_platform = 'slack' AND ref IS NOT NULL"
        )
    }
    cases = {**slack_topics, **teams_topics}
    accounts = {
        f"ACC-{row[0]}:": row[1]
        for row in conn.execute(
            "SELECT c.id, a.chat_platform FROM accounts c JOIN applications a ON a.ref = c.application_ref"
        )
    }
    questions = {
        row[0].removesuffix("slt"): row[1]
        for row in conn.execute("SELECT topic, platform FROM places WHERE topic LIKE 'question:%:slt'")
    }

    def platform_of(topic: str, kind: str) -> str:
        if kind == "slt_question":
            return "teams"
        head = topic.partition(":")[0] + ":"
        if topic.startswith("question:"):
            return questions.get(topic + ":", fallback)
        return cases.get(head) or accounts.get(head) or fallback

    rows = conn.execute("SELECT id, topic, kind FROM outbox").fetchall()
    conn.executemany(
        "UPDATE outbox SET platform = ? WHERE id = ?",
        [(platform, row[0]) for row in rows if (platform := platform_of(row[1], row[2])) != "slack"],
    )
    conn.execute("CREATE INDEX outbox_platform_due ON outbox (platform, status, next_attempt_at)")


META_TABLE = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


def _v6_meta(conn: sqlite3.Connection) -> None:
    """Facts about the database itself: which backup generation it is (bot/store/generation.py)."""
    conn.execute(META_TABLE)


MIGRATIONS: tuple[Migration, ...] = (
    _v1_first_schema,
    _v2_places_kept_by_delivery,
    _v3_conversation_references,
    _v4_question_threads_in_places,
    _v5_outbox_rows_name_their_platform,
    _v6_meta,
)


class NewerDatabase(Exception):
    """The database was last used by a later version of policybot, whose records this one may misread."""


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations this database has not had; returns its version afterwards. Several
    processes may open the database at once: each migration re-reads the version under the write lock.
    A database a later version has migrated further is refused: after a rollback, this version would
    write rows without what the later one added (their platform, say) and nothing would repair them."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > len(MIGRATIONS):
        raise NewerDatabase(
            f"it was last used by a newer version of policybot (database version {found}; this version knows "
            f"up to {len(MIGRATIONS)}): install that version again, or restore the backup taken before the update"
        )
    for number, migration in enumerate(MIGRATIONS, start=1):
        if conn.execute("PRAGMA user_version").fetchone()[0] >= number:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] < number:
                migration(conn)
                conn.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return conn.execute("PRAGMA user_version").fetchone()[0]
