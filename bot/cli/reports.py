"""`policybot reports list | show | export`: the misuse-report records, for SLT and governors."""

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
from bot.render import times


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "reports", help="misuse reports", description="Misuse reports made with /report-misuse."
    )
    sub = parser.add_subparsers(dest="reports_command", required=True, metavar="REPORTS_COMMAND")
    listing = sub.add_parser("list", help="every report, oldest first", description="Every report, oldest first.")
    listing.add_argument("--open", action="store_true", help="only reports not yet closed")
    listing.add_argument("--db", help=DB_HELP)
    listing.set_defaults(run=run_list)
    show = sub.add_parser(
        "show", help="one report with its timeline", description="One report with its whole timeline."
    )
    show.add_argument("ref", metavar="REF", help="the reference, e.g. MR-0007")
    show.add_argument("--db", help=DB_HELP)
    show.set_defaults(run=run_show)
    export = sub.add_parser(
        "export",
        help="a CSV for governors",
        description="One row per report: category, dates, hours to acknowledge, days to close, outcome. No free "
        "text or names unless --include-details. Prints category and outcome counts.",
    )
    export.add_argument("--csv", required=True, metavar="FILE", help="where to write the CSV (- for standard output)")
    export.add_argument("--include-details", action="store_true", help="also what happened, where, and who reported")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    export.add_argument("--db", help=DB_HELP)
    export.set_defaults(run=run_export)


def _book(args: argparse.Namespace):
    from bot.store.reports import ReportBook

    return ReportBook(open_database(args.db))


def run_list(args: argparse.Namespace) -> int:
    book = _book(args)
    reports = book.all(open_only=args.open)
    if not reports:
        print("No open reports." if args.open else "No reports.")
        return 0
    print(f"{'ref':<8} {'submitted':<20} {'state':<12} {'child risk':<10} {'assignee':<11} category / outcome")
    for r in reports:
        what = r.category.label + (f" -> {r.outcome_label}" if r.outcome else "")
        submitted = times.local(r.submitted_at)
        assignee = terminal_text(r.assignee or "-")
        print(f"{r.ref:<8} {submitted:<20} {r.state:<12} {r.child_risk.label:<10} {assignee:<11} {terminal_text(what)}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from bot.cases.misuse import ACTIONS_TAKEN

    book = _book(args)
    report = book.get(args.ref)
    if report is None:
        return fail(f"no report {args.ref}")
    form = report.form
    lines = [
        f"{report.ref}  {report.category.label}  [{report.state}]",
        f"school:        {report.school}",
        f"submitted:     {times.local(report.submitted_at)} by {report.reporter_id or '(removed at retention)'}",
        f"child at risk: {report.child_risk.label}",
        f"where:         {form.where_seen or '-'}",
        f"when:          {form.happened_on or '-'}",
        f"colleagues:    {', '.join(form.colleagues) or '-'}",
        f"others:        {form.others or '-'}",
        f"done so far:   {', '.join(ACTIONS_TAKEN.get(a, a) for a in form.actions_taken) or '-'}",
        f"assigned to:   {report.assignee or '-'}",
        f"outcome:       {report.outcome_label or '-'}",
        "what happened:",
        *("  " + line for line in (form.what_happened or "").splitlines()),
        "timeline:",
    ]
    for event in report.timeline:
        detail = f": {event.detail}" if event.detail else ""
        lines.extend(f"  {times.local(event.at)}  {event.actor}  {event.action}{detail}".splitlines())
    # Staff typed these words in Slack: an escape sequence in them must not drive the terminal.
    print("\n".join(terminal_text(line) for line in lines))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from bot.cases.figures import days_to_close, figures, hours_to_acknowledge

    book = _book(args)
    reports = book.all()
    columns = [
        "ref",
        "school",
        "category",
        "child_at_risk",
        "submitted_at",
        "acknowledged_at",
        "hours_to_acknowledge",
        "closed_at",
        "days_to_close",
        "outcome",
        "state",
    ]
    if args.include_details:
        columns += ["reporter", "what_happened", "where", "others"]
    target = export_target(args.csv, database_path(args.db), args.force)
    try:
        handle = private_csv(target)
    except OSError as exc:
        return fail(f"cannot write {export_name(target)}: {exc.strerror}")
    with handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for r in reports:
            to_ack, to_close = hours_to_acknowledge(r), days_to_close(r)
            row = [
                r.ref,
                r.school,
                r.category.label,
                r.child_risk.label,
                r.submitted_at,
                r.acknowledged_at or "",
                "" if to_ack is None else f"{to_ack:.1f}",
                r.closed_at or "",
                "" if to_close is None else f"{to_close:.1f}",
                r.outcome_label or "",
                r.state,
            ]
            if args.include_details:
                row += [r.reporter_id, r.form.what_happened or "", r.form.where_seen or "", r.form.others or ""]
            writer.writerow(spreadsheet_row(row))
    out = export_says(target)
    print(f"Wrote {len(reports)} report(s) to {export_name(target)}.", file=out)
    summary = figures(reports)
    for title, counts in (("By category", summary.by_category), ("By outcome", summary.by_outcome)):
        print(f"{title}:", file=out)
        for label, count in counts:
            print(f"  {count:>4}  {label}", file=out)
    if summary.median_hours_to_acknowledge is not None and summary.longest_hours_to_acknowledge is not None:
        median, longest = summary.median_hours_to_acknowledge, summary.longest_hours_to_acknowledge
        print(f"Hours to acknowledge: median {median:.1f}, longest {longest:.1f}", file=out)
    return 0
