"""Requests carried out once: Slack may deliver a request again (an Events API retry), and anyone who
captured a signed request can replay it for five minutes. A key the request carries, recorded in the
same transaction as what it did, makes the second delivery change nothing."""

from __future__ import annotations

import secrets
import sqlite3

from bot.store.database import Database, now


def first_time(conn: sqlite3.Connection, key: str) -> bool:
    """Record `key`; False if it was recorded before (this request was already carried out)."""
    cursor = conn.execute("INSERT OR IGNORE INTO handled (key, at) VALUES (?, ?)", (key, now()))
    return cursor.rowcount == 1


def forget(conn: sqlite3.Connection, key: str) -> None:
    """The request failed before it did anything: let a retry carry it out."""
    conn.execute("DELETE FROM handled WHERE key = ?", (key,))


def secret(db: Database, name: str) -> bytes:
    """A random 32-byte key made on first use and kept in the database, the same for every process."""
    with db.transaction() as conn:
        conn.execute("INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)", (name, secrets.token_bytes(32)))
        return bytes(conn.execute("SELECT value FROM secrets WHERE name = ?", (name,)).fetchone()[0])
