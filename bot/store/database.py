"""The SQLite file: one connection per thread (and per process), WAL and a busy timeout, tables
created on open."""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
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
"""


class Database:
    """Thread-safe access for the HTTP server's worker threads: each thread gets its own connection.

    Also safe across `fork` (`serve --http --workers N` forks workers from the process that opened
    the database): a forked process opens connections of its own.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._inherited: list[threading.local] = []
        _OPEN.add(self)
        with self.connection() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)

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

    def _forget_inherited_connections(self) -> None:
        # SQLite forbids using a connection across fork. The parent's connections are kept referenced
        # but unused: closing them here could release locks that SQLite thinks this process holds.
        self._inherited.append(self._local)
        self._local = threading.local()


_OPEN: weakref.WeakSet[Database] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for db in list(_OPEN):
        db._forget_inherited_connections()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)
