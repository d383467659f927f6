"""A consistent copy of the live database, taken while the bot runs.

SQLite's online backup API copies every page under one read transaction: with WAL, writers carry on
meanwhile and the copy is the database as it was at one instant (no half-written report). The copy is
written beside the target and renamed into place, so a failed backup never leaves a partial file
where a good one is expected.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.store.database import MISSING_HINT, database_files
from bot.store.generation import mark_copy


class BackupError(Exception):
    """Why a backup was not made, in one line for the person running it."""


@dataclass(frozen=True)
class BackupResult:
    target: Path
    bytes: int
    reports: int
    questions: int


def backup(source: Path, target: Path, force: bool = False) -> BackupResult:
    if source.is_dir():
        raise BackupError(f"{source} is a folder; give the path of the database file inside it")
    if not source.is_file():
        raise BackupError(f"no database at {source} ({MISSING_HINT})")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give a file name")
    if target.resolve() in database_files(source):
        raise BackupError(f"{target} is the live database or one of its own files; choose another file")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; use --force to replace it")
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist")
    try:
        fd, partial_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as exc:  # a read-only folder, or one the service account may not write
        raise BackupError(f"cannot write in folder {target.parent}: {exc.strerror or exc}") from exc
    os.close(fd)
    partial = Path(partial_name)
    try:
        counts = _copy(source, partial)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        if "not a database" in str(exc):
            raise BackupError(f"{source} is not a policybot database (it is some other kind of file)") from exc
        raise BackupError(f"backup failed: {exc}") from exc
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, target.stat().st_size, *counts)


def _copy(source: Path, partial: Path) -> tuple[int, int]:
    live = sqlite3.connect(source, timeout=10)
    try:
        copy = sqlite3.connect(partial)
        try:
            live.backup(copy)  # all pages in one step: one consistent snapshot
            mark_copy(copy)  # restored, it numbers new cases past any given out after this moment
            # A single self-contained file: no -wal beside it to forget when copying it off the server.
            copy.execute("PRAGMA journal_mode=DELETE")
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("the copy failed SQLite's integrity check")
            reports = copy.execute("SELECT count(*) FROM reports").fetchone()[0]
            questions = copy.execute("SELECT count(*) FROM questions").fetchone()[0]
        finally:
            copy.close()
    finally:
        live.close()
    return reports, questions
