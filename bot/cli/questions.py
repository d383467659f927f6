"""`policybot questions report`: what staff asked that the policy (or the bot) did not answer."""

from __future__ import annotations

import argparse
import json

from bot.cli.common import DB_HELP, book, fail, open_database
from bot.cli.safe_output import terminal_text


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("questions", help="the question log", description="The question log.")
    sub = parser.add_subparsers(dest="questions_command", required=True, metavar="QUESTIONS_COMMAND")
    report = sub.add_parser(
        "report",
        help="unanswered and 'not helpful' questions, most frequent first",
        description="Questions the bot could not answer or that staff marked 'Not helpful', most frequent "
        "first, so SLT can improve the policy and the knowledge base.",
    )
    report.add_argument("--db", help=DB_HELP)
    report.add_argument("--school", help="only this school")
    report.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    report.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    from bot.store.question_log import QuestionLog

    school = args.school.strip().lower() if args.school else None  # ids are lower case, as for `ask`
    known = book().school_ids()
    # Checked against the knowledge folder when there is one to check against: the log alone needs none
    if school is not None and known and school not in known:
        return fail(f"unknown school {args.school!r}; known: {', '.join(known)}")
    rows = QuestionLog(open_database(args.db)).needing_attention(school)
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return 0
    if not rows:
        print(f"No unanswered or unhelpful questions logged{f' for {school}' if school else ''}.")
        return 0
    print(f"{'times':>5}  {'unanswered':>10}  {'not helpful':>11}  {'to SLT':>6}  question")
    for row in rows:
        print(
            f"{row['times']:>5}  {row['unanswered']:>10}  {row['not_helpful']:>11}  {row['escalated']:>6}  "
            f"{terminal_text(row['question'])}"  # staff typed it: no escape sequence may drive the terminal
        )
    return 0
