"""Case references that a restore never hands out twice.

A backup copy is one generation on from the database it was taken from (`policybot backup` marks it).
A database restored from it numbers its new cases from `generation x STEP` on, so after a restore the
next report is MR-10004, not MR-0004: that number may already be on an SLT card posted after the
backup was taken, and a click on that old card would act on the new report. The database the bot
has always used is generation 0, and its references stay as they are (MR-0001 ...).
"""

from __future__ import annotations

import sqlite3

STEP = 10_000  # more cases than a school files between two backups, so generations never overlap
_KEY = "generation"


def generation(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_KEY,)).fetchone()
    return int(row[0]) if row else 0


def reference_number(conn: sqlite3.Connection, row_id: int) -> int:
    """The number in a new case's reference, for the case stored as `row_id`."""
    return generation(conn) * STEP + row_id


def mark_copy(copy: sqlite3.Connection) -> int:
    """Make a backup copy the next generation of the database it was copied from; returns it."""
    from bot.store.migrations import META_TABLE

    copy.execute(META_TABLE)  # a copy of a database an earlier version made has no such table yet
    following = generation(copy) + 1
    copy.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_KEY, str(following)))
    copy.commit()
    return following
