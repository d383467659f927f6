"""Case references that a restore never hands out twice.

A reference posted on an SLT card after a backup was taken (MR-0004) is lost by a restore from it; given
again to a new report, a click on the old card would act on the new case. Two guards:

- A backup copy is one generation on from the database it was taken from (`policybot backup` marks it).
  A database restored from it numbers its new cases from `generation x STEP` on: MR-10004, not MR-0004.
  This holds on a new server too.
- Beside the database, `<database>.references` keeps the highest number each kind of case has been
  given. A restore does not roll it back, so a second restore of the same backup (whose copies are all
  generation 1) still numbers past every case the first one gave.

The database the bot has always used is generation 0, and its references stay as they are (MR-0001 ...).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from bot.atomic_file import written_whole

STEP = 10_000  # more cases than a school files between two backups, so generations never overlap
_KEY = "generation"


def generation(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_KEY,)).fetchone()
    return int(row[0]) if row else 0


def reference_number(conn: sqlite3.Connection, row_id: int, kind: str, database: str) -> int:
    """The number in a new case's reference (`kind`: "MR", "AR"), for the case stored as `row_id`. Called
    inside the case's write transaction, which also keeps two processes from writing the file at once."""
    number = generation(conn) * STEP + row_id
    if database in ("", ":memory:"):
        return number
    path = Path(f"{database}.references")
    try:
        given = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        given = {}
    given = given if isinstance(given, dict) else {}
    previous = given.get(kind)
    number = max(number, previous + 1) if isinstance(previous, int) else number
    given[kind] = number
    try:
        with written_whole(path, 0o600) as out:
            out.write(json.dumps(given).encode())
    except OSError:
        pass  # the database's own generation still guards a first restore; its folder is writable anyway
    return number


def mark_copy(copy: sqlite3.Connection) -> int:
    """Make a backup copy the next generation of the database it was copied from; returns it."""
    from bot.store.migrations import META_TABLE

    copy.execute(META_TABLE)  # a copy of a database an earlier version made has no such table yet
    following = generation(copy) + 1
    copy.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_KEY, str(following)))
    copy.commit()
    return following
