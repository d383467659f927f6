"""`policybot ask`: one question, or a batch of JSON lines, answered from a school's policy."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from bot.answers import Answer, PolicyBook, UnknownSchoolError
from bot.cli.common import book, default_school, fail
from bot.knowledge.loader import KnowledgeError
from bot.questions import QuestionError
from bot.render.text import render_answer

MAX_TOP = 20


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "ask",
        help="answer a question from the school's policy",
        description="Answer a staff question with the clause of the school's policy that covers it.",
    )
    parser.add_argument("question", nargs="*", metavar="QUESTION", help="the question, e.g. can I friend a parent?")
    parser.add_argument("--school", help="school id (default: $POLICYBOT_SCHOOL)")
    parser.add_argument("--top", type=int, default=3, help=f"how many clauses to return, 1-{MAX_TOP} (default 3)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--batch",
        metavar="FILE",
        help='answer every line of a JSON-lines file ({"school", "question"}); "-" reads standard input',
    )
    # Nothing to close: it opens no database (quick_exit.py)
    parser.set_defaults(run=run, quick_exit=True)


def answer_json(answer: Answer, school_id: str) -> dict[str, Any]:
    return {
        "school": school_id,
        "question": answer.question,
        "answered": answer.answered,
        "matches": [
            {
                "clause_id": m.clause.id,
                "section": m.clause.section,
                "text": m.clause.text,
                "answer": m.clause.answer,
                "stance": m.clause.stance.value,
                "score": m.score,
            }
            for m in answer.ranking.matches
        ],
    }


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.top <= MAX_TOP:
        return fail(f"--top must be between 1 and {MAX_TOP}")
    policies = book()
    if args.batch:
        if args.question:
            return fail("give either a question or --batch FILE, not both")
        return _run_batch(policies, args)
    school_id = default_school(args.school)
    if school_id is None:
        return fail(
            f"which school? pass --school ID or set POLICYBOT_SCHOOL; school ids: {', '.join(policies.school_ids())}"
        )
    try:
        answer = policies.ask(school_id, " ".join(args.question), top=args.top)
    except (QuestionError, UnknownSchoolError, KnowledgeError) as exc:
        return fail(str(exc))
    if args.json:
        print(json.dumps(answer_json(answer, school_id), ensure_ascii=False))
    else:
        print(render_answer(answer))
    return 0


_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def _run_batch(policies: PolicyBook, args: argparse.Namespace) -> int:
    fallback_school = default_school(args.school)
    if args.batch == "-":
        stdin = getattr(sys.stdin, "buffer", sys.stdin)  # bytes: a line that is not UTF-8 is that line's error
        return _answer_lines(policies, stdin, sys.stdout, fallback_school, args.top)
    try:
        with open(args.batch, "rb") as lines:
            if lines.read(2) in _UTF16_MARKS:  # Notepad's "Unicode": no line of it would read as UTF-8
                return fail(f"{args.batch} is UTF-16 text; save it again as UTF-8")
            lines.seek(0)
            return _answer_lines(policies, lines, sys.stdout, fallback_school, args.top)
    except OSError as exc:
        return fail(f"cannot read {args.batch}: {exc.strerror}")


def _answer_lines(
    policies: PolicyBook, lines: Iterable[bytes | str], out: TextIO, fallback_school: str | None, top: int
) -> int:
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            result = {"line": number, "error": f"line {number} is not UTF-8 text (save the file as UTF-8)"}
        else:
            if number == 1:
                line = line.removeprefix("\ufeff")  # Notepad's byte-order mark
            if not line.strip():
                continue
            result = _answer_line(policies, line, number, fallback_school, top)
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def _answer_line(policies: PolicyBook, line: str, number: int, fallback_school: str | None, top: int) -> dict:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"line": number, "error": f"line {number} is not valid JSON ({exc.msg})"}
    if not isinstance(item, dict):
        return {"line": number, "error": f'line {number} must be a JSON object with "question"'}
    question = item.get("question")
    school_id = item.get("school") or fallback_school
    extras = {k: v for k, v in item.items() if k not in ("school", "question")}
    if not isinstance(question, str):
        return {
            **extras,
            **({"school": school_id} if school_id else {}),
            "error": f'line {number} has no "question" text',
        }
    if not isinstance(school_id, str):
        return {
            **extras,
            "question": question,
            "error": f'line {number} names no school (add "school" or use --school)',
        }
    try:
        answer = policies.ask(school_id, question, top=top)
    except (QuestionError, UnknownSchoolError, KnowledgeError) as exc:
        return {**extras, "school": school_id, "question": question, "error": str(exc)}
    return {**extras, **answer_json(answer, school_id)}
