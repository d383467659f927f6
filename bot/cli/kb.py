"""`policybot kb check`: validate the clause knowledge base (`kb import` and `kb diff` live in kb_import)."""

from __future__ import annotations

import argparse

from bot.cli import kb_import
from bot.cli.common import CliError, knowledge_dir, settings


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("kb", help="knowledge base tools", description="Knowledge base tools.")
    sub = parser.add_subparsers(dest="kb_command", required=True, metavar="KB_COMMAND")
    check = sub.add_parser(
        "check",
        help="list every problem in the knowledge base",
        description="Validate every school file: schema, duplicate ids, text verbatim in the source policy, "
        "clauses left out, policies past their review date. Exits 1 when there are errors.",
    )
    check.add_argument("--dir", help="knowledge directory (default: the bundled one, or $POLICYBOT_KNOWLEDGE_DIR)")
    check.add_argument("--quiet", action="store_true", help="print errors only")
    check.set_defaults(run=run_check)
    kb_import.register(sub)


def _own_school() -> str | None:
    """The school the folder answers for, if the settings can be read: a mistake in another setting
    (`.env`'s retention years, say) is no reason to refuse checking the knowledge base."""
    try:
        return settings().school
    except CliError:
        return None


def run_check(args: argparse.Namespace) -> int:
    from bot.knowledge.check import check_knowledge  # with PyYAML: only this command needs them

    directory = knowledge_dir(args.dir)
    problems = check_knowledge(directory, own_school=_own_school())
    errors = [p for p in problems if p.level == "error"]
    for problem in problems:
        if problem.level == "error" or not args.quiet:
            print(problem)
    files = len([p for p in directory.glob("*.yaml") if p.name != "vocabulary.yaml"])
    print(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s) in {files} school file(s)")
    return 1 if errors else 0
