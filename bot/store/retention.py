"""Deleting what closed misuse cases said once the school's retention period has passed.

A case closed more than `years` ago keeps only what governors' statistics need: its reference,
category, child-risk flag, outcome, state and dates. What happened, where, who reported it, who was
involved, who handled it and SLT's notes are deleted; the timeline keeps what was done and when, not
by whom. The purge is itself recorded on the case's timeline, and the SLT card and the DSL alert in
Slack are redrawn without the content.

SQLite's secure_delete overwrites the deleted text in the file, and a WAL checkpoint moves it out of
the write-ahead log, so the words are gone from the disk, not merely unlinked.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from bot.store.database import Database
from bot.store.outbox import case_platform, enqueue_refresh
from bot.store.reports import DSL_ALERT, SLT_CARD

DEFAULT_YEARS = 6  # the common UK schools' retention for staff-related records, from the case's closure
PURGED_BY = "policybot"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Expired:
    ref: str
    category: str
    outcome: str | None
    closed_at: str


def cutoff(now: dt.datetime, years: int) -> dt.datetime:
    """`years` before `now` (29 February becomes 28 February)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def expired(db: Database, years: int, now: dt.datetime) -> list[Expired]:
    """Closed cases whose retention period has ended and whose content is still held, oldest first."""
    rows = (
        db.connection()
        .execute(
            "SELECT ref, category, outcome, closed_at FROM reports "
            "WHERE state = 'closed' AND purged_at IS NULL AND closed_at < ? ORDER BY closed_at",
            (cutoff(now, years).isoformat(timespec="seconds"),),
        )
        .fetchall()
    )
    return [Expired(r["ref"], r["category"], r["outcome"], r["closed_at"]) for r in rows]


def purge(db: Database, years: int, now: dt.datetime) -> list[Expired]:
    """Delete the content of every expired case; what was purged."""
    cases = expired(db, years, now)
    if not cases:
        return []
    stamp = now.isoformat(timespec="seconds")
    conn = db.connection()
    conn.execute("PRAGMA secure_delete=ON")
    with db.transaction() as tx:
        for case in cases:
            tx.execute(
                """UPDATE reports SET what_happened = '', where_seen = NULL, colleagues = '[]', others = NULL,
                       reporter_id = '', acknowledged_by = NULL, assignee = NULL, closed_by = NULL, purged_at = ?
                   WHERE ref = ? AND purged_at IS NULL""",
                (stamp, case.ref),
            )
            # Keep the closing outcome's label; drop notes and every actor.
            tx.execute(
                "UPDATE case_events SET actor = '', detail = CASE WHEN action = 'closed' THEN detail END "
                "WHERE case_ref = ?",
                (case.ref,),
            )
            tx.execute(
                "INSERT INTO case_events (case_ref, at, actor, action, detail) VALUES (?, ?, ?, 'purged', ?)",
                (case.ref, stamp, PURGED_BY, f"content deleted after {years} years"),
            )
            platform = case_platform(tx, "reports", case.ref)
            enqueue_refresh(tx, f"{case.ref}:slt", SLT_CARD, {"ref": case.ref}, platform=platform)
            # The DSL alert quoted what happened and named the reporter: redraw it too.
            alerted = tx.execute("SELECT 1 FROM outbox WHERE topic = ? AND kind = ?", (f"{case.ref}:dsl", DSL_ALERT))
            if alerted.fetchone():
                enqueue_refresh(tx, f"{case.ref}:dsl", DSL_ALERT, {"ref": case.ref}, platform=platform)
    # Move the old pages out of the write-ahead log; TRUNCATE empties the -wal file.
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    if busy:
        log.warning("retention: the bot was busy; the old text leaves the -wal file at its next checkpoint")
    return cases
