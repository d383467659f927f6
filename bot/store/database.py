"""The SQLite file: one connection per thread (and per process), WAL and a busy timeout, and the
numbered schema migrations (bot/store/migrations.py) run on open."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.store.migrations import NewerDatabase, migrate

_BUSY_TIMEOUT_MS = 10_000


class DatabaseOpenError(Exception):
    """The database file cannot be opened; the message names the file and says why in plain words."""


def _why_not(path: Path, exc: sqlite3.Error) -> str:
    if path.is_dir():
        return f"{path} is a folder; give the path of a database file inside it, e.g. {path / 'policybot.db'}"
    if not path.parent.is_dir():
        return f"cannot create the database {path}: the folder {path.parent} does not exist"
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
        return f"{path} is not a policybot database (it is some other kind of file)"
    if not os.access(path.parent, os.W_OK):
        return (
            f"cannot open the database {path}: this user cannot write in {path.parent} "
            "(SQLite keeps its -wal and -shm files beside the database)"
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        # A backup copied into place as root is root's, and private: the service's user cannot open it
        owner = _owner(path)
        return (
            f"cannot open the database {path}: it belongs to {owner} and this user may not read and write it; "
            f"give it to the user the bot runs as (chown policybot: {path})"
        )
    return f"cannot open the database {path}: {exc}"


def _owner(path: Path) -> str:
    try:
        return path.owner()
    except (KeyError, OSError):  # a uid with no name on this machine
        return f"user id {path.stat().st_uid}"


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
        _create_private(self.path)
        self._local = threading.local()
        self._inherited: list[threading.local] = []
        _OPEN.add(self)
        try:
            with self.connection() as conn:
                conn.execute("PRAGMA journal_mode=WAL")
            migrate(self.connection())
        except sqlite3.Error as exc:
            raise DatabaseOpenError(_why_not(Path(path), exc)) from exc
        except NewerDatabase as exc:
            raise DatabaseOpenError(f"cannot use the database {path}: {exc}") from exc
        # Only now, known to be a database: a wrong --db (a knowledge file) must be left as it was. The
        # -wal and -shm files now exist too.
        _make_private(self.path)

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


def database_files(path: Path) -> set[Path]:
    """The database file and the files SQLite keeps beside it: writing over any of them destroys records."""
    live = path.resolve()
    return {live.with_name(live.name + suffix) for suffix in _COMPANIONS}


MISSING_HINT = "it is made when `policybot serve` first runs; POLICYBOT_DB or --db names another"


def _create_private(path: str) -> None:
    """A new database file is created readable by the bot's own user only (0600), as the backups and
    the sender lock are: it holds misuse reports. SQLite gives the -wal and -shm files the database
    file's mode, so this covers them."""
    if path == ":memory:" or path.startswith("file:"):
        return
    # Only a file this call creates is opened here (O_EXCL): closing any descriptor of a file drops
    # every POSIX lock this process holds on it, SQLite's included. A connection that lost its locks
    # let another process (an admin command that opened and closed the database) take it for the
    # last user, checkpoint and delete the WAL, and every later write went to the deleted file.
    if not os.path.lexists(path):
        with contextlib.suppress(OSError):  # exists after all, a missing folder, no permission: SQLite says
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _make_private(path: str) -> None:
    """A database made by an older version (0644) is tightened to 0600, with its -wal and -shm files."""
    if path == ":memory:" or path.startswith("file:"):
        return
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
