"""Shared bits of the command line: errors in one line, and the settings every command shares."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answers import PolicyBook
from bot.settings import LocalSettings, SettingsError, local_settings, unknown_variables, unreadable_lines

if TYPE_CHECKING:
    from bot.store.database import Database

EXIT_ERROR = 2


class CliError(Exception):
    """A problem to print as one line (exit code 2); `main` catches it."""


def fail(message: str) -> int:
    print(f"policybot: {message}", file=sys.stderr)
    return EXIT_ERROR


def one_line_each(problems: list[str]) -> str:
    """Several problems as `fail` prints them: each on its own line, each named as policybot's."""
    return "\npolicybot: ".join(problems)


_warned: list[bool] = []


def settings() -> LocalSettings:
    """The environment and `.env`, read the same way by every command (and by `serve`). A variable
    that looks like a setting but is none (a misspelt name) is said once, on standard error."""
    if not _warned:  # before any error, so that everything to mend in `.env` is said in one go
        _warned.append(True)
        for line in [*unreadable_lines(), *unknown_variables()]:
            print(f"policybot: warning: {line}", file=sys.stderr)
    try:
        return local_settings()
    except SettingsError as exc:
        raise CliError(one_line_each(exc.problems)) from exc


def book() -> PolicyBook:
    local = settings()
    return PolicyBook(local.knowledge_dir, meaning=local.meaning)


def knowledge_dir(value: str | None) -> Path:
    return Path(value) if value else settings().knowledge_dir


def default_school(explicit: str | None) -> str | None:
    if explicit and explicit.strip():
        return explicit.strip().lower()  # as POLICYBOT_SCHOOL: "Dobcroft" means dobcroft
    return settings().school


def database_path(explicit: str | None) -> Path:
    return Path(explicit) if explicit else settings().db


DB_HELP = "database file (default: $POLICYBOT_DB or policybot.db)"


def open_database(explicit: str | None) -> Database:
    """The existing database (a typo in --db must not create an empty one), or CliError."""
    from bot.store.database import MISSING_HINT, Database, DatabaseOpenError

    path = database_path(explicit)
    if not path.exists():
        raise CliError(f"no database at {path} ({MISSING_HINT})")
    try:
        return Database(path)
    except DatabaseOpenError as exc:
        raise CliError(str(exc)) from exc
