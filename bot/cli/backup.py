"""`policybot backup FILE`: a consistent copy of the database, safe to take while the bot runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import DB_HELP, database_path, fail


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "backup",
        help="copy the database while the bot runs",
        description="Write a consistent copy of the database to FILE (SQLite's online backup: the bot keeps "
        "running and nothing half-written is copied). Refuses to replace FILE unless --force. To restore, see "
        "docs/reliability.md.",
    )
    parser.add_argument("file", metavar="FILE", help="where to write the copy")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.add_argument("--db", help=DB_HELP)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.store.backup import BackupError, backup

    try:
        result = backup(database_path(args.db), Path(args.file), force=args.force)
    except BackupError as exc:
        return fail(str(exc))
    print(
        f"Backed up to {result.target}: {result.reports} report(s), {result.questions} question(s), "
        f"{result.bytes / 1024:.0f} KiB; integrity check ok."
    )
    return 0
