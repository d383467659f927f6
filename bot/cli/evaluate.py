"""`policybot eval FILE.jsonl`: answer-quality figures and every miss."""

from __future__ import annotations

import argparse

from bot.answers import UnknownSchoolError
from bot.cli.common import book, fail
from bot.knowledge.loader import KnowledgeError
from bot.questions import QuestionError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "eval",
        help="measure answer quality on questions with known answers",
        description="Print top-1 and top-3 accuracy and the share of out-of-scope questions declined, "
        'then list every miss. FILE holds one {"school", "question", "gold": [snippets]} per line.',
    )
    parser.add_argument("file", metavar="FILE.jsonl")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.evaluation import evaluate, read_cases  # not imported by the other commands

    try:
        with open(args.file, encoding="utf-8-sig") as lines:  # -sig: a byte-order mark (Notepad) is not a line
            cases = read_cases(lines)
    except OSError as exc:
        return fail(f"cannot read {args.file}: {exc.strerror}")
    except UnicodeDecodeError:
        return fail(f"{args.file} is not UTF-8 text; save it again as UTF-8")
    except ValueError as exc:
        return fail(f"{args.file}: {exc}")
    try:
        report = evaluate(book(), cases)
    except (QuestionError, UnknownSchoolError, KnowledgeError) as exc:
        return fail(str(exc))
    in_scope = sum(c.in_scope for c in cases)
    print(f"questions: {len(cases)} ({in_scope} in scope, {len(cases) - in_scope} out of scope)")
    print(f"top-1 accuracy: {report.top1:.1%}")
    print(f"top-3 accuracy: {report.top3:.1%}")
    print(f"out-of-scope declined: {report.declined:.1%}")
    print(f"in-scope answered confidently: {report.answered_in_scope:.1%}")
    misses = report.misses()
    if misses:
        print(f"\nmisses ({len(misses)}):")
    for o in misses:
        if o.case.in_scope:
            where = f"gold at rank {o.rank_of_hit}" if o.rank_of_hit else "gold not in top 3"
            print(f"  {o.case.id} [{o.case.school}] {o.case.question!r}: {where}; got {', '.join(o.clause_ids)}")
        else:
            print(
                f"  {o.case.id} [{o.case.school}] {o.case.question!r}: answered, should decline; got {o.clause_ids[0]}"
            )
    return 0
