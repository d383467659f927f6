"""`policybot retention purge`: delete the content of closed misuse cases past the retention period."""

from __future__ import annotations

import argparse
import datetime as dt
import logging

from bot.cli.common import DB_HELP, fail, open_database, settings
from bot.render import times

ENV_YEARS = "POLICYBOT_RETENTION_YEARS"
log = logging.getLogger("policybot.retention")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "retention", help="data retention for misuse cases", description="Data retention for misuse cases."
    )
    sub = parser.add_subparsers(dest="retention_command", required=True, metavar="RETENTION_COMMAND")
    purge = sub.add_parser(
        "purge",
        help="delete closed cases' content after the retention period",
        description="Delete what was reported (text, reporter, people involved, SLT's notes and who handled it) "
        f"from misuse cases closed more than ${ENV_YEARS} years ago (default 6). Each case keeps an anonymous "
        "statistics row: category, child-risk flag, outcome and dates. Run it daily, e.g. from cron.",
    )
    purge.add_argument("--dry-run", action="store_true", help="list what would be purged; change nothing")
    purge.add_argument("--years", type=int, help=f"retention period in years (default: ${ENV_YEARS} or 6)")
    purge.add_argument("--db", help=DB_HELP)
    purge.set_defaults(run=run_purge)


def run_purge(args: argparse.Namespace) -> int:
    from bot.cases.misuse import CATEGORY_BY_ID, OUTCOMES
    from bot.store.retention import expired, purge

    years = args.years if args.years is not None else settings().retention_years
    if not 1 <= years <= 100:
        return fail("--years: must be a whole number of years from 1 to 100")
    db = open_database(args.db)
    now = dt.datetime.now(dt.UTC)
    cases = expired(db, years, now) if args.dry_run else purge(db, years, now)
    verb = "Would purge" if args.dry_run else "Purged"
    print(f"{verb} {len(cases)} closed case(s) closed more than {years} years ago.")
    for case in cases:
        closed = times.local(case.closed_at, with_time=False)
        category = CATEGORY_BY_ID[case.category].label if case.category in CATEGORY_BY_ID else case.category
        outcome = OUTCOMES.get(case.outcome or "", case.outcome or "-")
        print(f"  {case.ref}  closed {closed}  {category}  {outcome}")
    if cases and not args.dry_run:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        log.info("purged %d case(s) past %d years: %s", len(cases), years, ", ".join(c.ref for c in cases))
    return 0
