"""Shared bits of the command line: errors in one line, the knowledge directory, the default school."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot.answers import PolicyBook
from bot.knowledge.loader import default_knowledge_dir

EXIT_ERROR = 2


class CliError(Exception):
    """A problem to print as one line (exit code 2); `main` catches it."""


def fail(message: str) -> int:
    print(f"policybot: {message}", file=sys.stderr)
    return EXIT_ERROR


def book() -> PolicyBook:
    return PolicyBook(default_knowledge_dir())


def knowledge_dir(value: str | None) -> Path:
    return Path(value) if value else default_knowledge_dir()


def default_school(explicit: str | None) -> str | None:
    return explicit or os.environ.get("POLICYBOT_SCHOOL") or None


def database_path(explicit: str | None) -> Path:
    return Path(explicit or os.environ.get("POLICYBOT_DB") or "policybot.db")


DB_HELP = "database file (default: $POLICYBOT_DB or policybot.db)"


def open_database(explicit: str | None):
    """The existing database (a typo in --db must not create an empty one), or CliError."""
    from bot.store.database import Database

    path = database_path(explicit)
    if not path.exists():
        raise CliError(f"no database at {path} (set POLICYBOT_DB or pass --db)")
    return Database(path)
