"""`policybot accounts list | export`: the register of official school social-media accounts."""

from __future__ import annotations

import argparse
import csv

from bot.cli.common import DB_HELP, database_path, fail, open_database
from bot.cli.safe_output import (
    export_name,
    export_says,
    export_target,
    private_csv,
    spreadsheet_row,
    terminal_text,
)

COLUMNS = [
    "platform", "handle", "url", "scope", "lead", "moderator", "approved_by", "approved_at", "created_by",
    "created_at", "status", "closed_at", "application",
]  # fmt: skip


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "accounts", help="the register of official accounts", description="The register of official accounts."
    )
    sub = parser.add_subparsers(dest="accounts_command", required=True, metavar="ACCOUNTS_COMMAND")
    listing = sub.add_parser("list", help="every account in the register", description="Every account, oldest first.")
    listing.add_argument("--active", action="store_true", help="only active accounts")
    listing.add_argument("--db", help=DB_HELP)
    listing.set_defaults(run=run_list)
    export = sub.add_parser("export", help="the register as CSV", description="The whole register as a CSV file.")
    export.add_argument("--csv", required=True, metavar="FILE", help="where to write the CSV (- for standard output)")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    export.add_argument("--db", help=DB_HELP)
    export.set_defaults(run=run_export)


def _rows(args: argparse.Namespace, active_only: bool = False) -> list[list[str]]:
    from bot.store.applications import ApplicationBook

    return [
        [
            a.platform_label,
            a.handle,
            a.url or "",
            a.scope_label,
            a.lead_id,
            a.moderator_id,
            a.approved_by,
            a.approved_at,
            a.created_by,
            a.created_at,
            a.status.value,
            a.closed_at or "",
            a.application_ref,
        ]
        for a in ApplicationBook(open_database(args.db)).accounts(active_only=active_only)
    ]


def run_list(args: argparse.Namespace) -> int:
    rows = _rows(args, active_only=args.active)
    if not rows:
        print("The register is empty.")
        return 0
    print(f"{'platform':<12} {'handle':<24} {'status':<11} {'lead':<11} {'moderator':<11} {'created':<10} application")
    for r in rows:
        # The handle is what an applicant typed: control characters are shown, not sent to the terminal.
        r = [terminal_text(value) for value in r]
        print(f"{r[0]:<12} {r[1][:24]:<24} {r[10]:<11} {r[4]:<11} {r[5]:<11} {r[9][:10]:<10} {r[12]}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    target = export_target(args.csv, database_path(args.db), args.force)
    rows = _rows(args)
    try:
        with private_csv(target) as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(spreadsheet_row(r) for r in rows)
    except BrokenPipeError:  # `--csv - | head`: the reader has what it wanted
        raise
    except OSError as exc:
        return fail(f"cannot write {export_name(target)}: {exc.strerror}")
    print(f"Wrote {len(rows)} account(s) to {export_name(target)}.", file=export_says(target))
    return 0
