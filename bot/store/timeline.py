"""Every case's timeline (reports and applications alike): append-only rows of who did what, when."""

from __future__ import annotations

import sqlite3

from bot.cases.records import Event
from bot.store.database import now


def add_event(conn: sqlite3.Connection, ref: str, actor: str, action: str, detail: str | None = None) -> None:
    conn.execute(
        "INSERT INTO case_events (case_ref, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
        (ref, now(), actor, action, detail),
    )


def events(conn: sqlite3.Connection, ref: str) -> tuple[Event, ...]:
    rows = conn.execute("SELECT at, actor, action, detail FROM case_events WHERE case_ref = ? ORDER BY id", (ref,))
    return tuple(Event(r["at"], r["actor"], r["action"], r["detail"]) for r in rows)
