"""The SQLite file: one connection per thread (and per process), WAL and a busy timeout, tables
created on open."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

_BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
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


class DatabaseOpenError(Exception):
    """The database file cannot be opened; the message names the file and says why in plain words."""


def _why_not(path: Path, exc: sqlite3.Error) -> str:
    if path.is_dir():
        return f"{path} is a folder; give the path of a database file inside it, e.g. {path / 'policybot.db'}"
    if not path.parent.is_dir():
        return f"cannot create the database {path}: the folder {path.parent} does not exist"
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
        return f"{path} is not a policybot database (it is some other kind of file)"
    return f"cannot open the database {path}: {exc}"


def now() -> str:
    """The time stored with every record: UTC, to the second, ISO 8601 (sorts as text)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Database:
    """Thread-safe access for the HTTP server's worker threads: each thread gets its own connection.

    Also safe across `fork` (`serve --http --workers N` forks workers from the process that opened
    the database): a forked process opens connections of its own.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        _make_private(self.path)
        self._local = threading.local()
        self._inherited: list[threading.local] = []
        _OPEN.add(self)
        try:
            with self.connection() as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise DatabaseOpenError(_why_not(Path(path), exc)) from exc
        _make_private(self.path)  # the -wal and -shm files now exist too

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys=ON")
            # WAL + NORMAL: a commit survives the process being killed; only a power cut can lose
            # the last commits, and it avoids an fsync per question logged.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    def utils(self) -> sqlite_utils.Database:
        return sqlite_utils.Database(self.connection())

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: BEGIN IMMEDIATE takes the write lock up front, so two writers queue on the
        busy timeout instead of failing half-way with 'database is locked'."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _forget_inherited_connections(self) -> None:
        # SQLite forbids using a connection across fork. The parent's connections are kept referenced
        # but unused: closing them here could release locks that SQLite thinks this process holds.
        self._inherited.append(self._local)
        self._local = threading.local()


_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _make_private(path: str) -> None:
    """The database holds misuse reports: readable by the bot's own user only (0600), as the backups and
    the sender lock are. SQLite gives the -wal and -shm files the database file's mode, so creating the
    database 0600 covers them; a database made by an older version is tightened here."""
    if path == ":memory:" or path.startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError:
        return  # a missing folder or no permission: SQLite's own error says so when it opens
    for suffix in _COMPANIONS:
        try:
            if os.stat(path + suffix).st_mode & 0o077:
                os.chmod(path + suffix, 0o600)
        except OSError:
            pass  # absent, or another user's file (e.g. root reading the bot's database): leave it


_OPEN: weakref.WeakSet[Database] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for db in list(_OPEN):
        db._forget_inherited_connections()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)
