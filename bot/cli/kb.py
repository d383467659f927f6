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
    check.add_argument(
        "--school", help="only this school's file and policy text (errors in any file are still shown)"
    )
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
    from bot.knowledge.check import about_school, bundled_copy, check_knowledge  # only this command needs them
    from bot.knowledge.loader import bundled_knowledge_dir

    directory = knowledge_dir(args.dir)
    schools = sorted(p.stem for p in directory.glob("*.yaml") if p.name != "vocabulary.yaml")
    if args.school and args.school not in schools:
        known = ", ".join(schools) or "none"
        raise CliError(f"no school file {args.school}.yaml in {directory}; school files: {known}")
    problems = check_knowledge(directory, own_school=_own_school())
    if args.school:
        problems = [p for p in problems if p.level == "error" or about_school(p, args.school)]
    errors = [p for p in problems if p.level == "error"]
    for problem in problems:
        if problem.level == "error" or not args.quiet:
            print(problem)
    files = 1 if args.school else len(schools)
    print(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s) in {files} school file(s)")
    copies = {p.stem for p in directory.glob("*.yaml") if p.stem in schools and bundled_copy(p)}
    if directory.resolve() == bundled_knowledge_dir().resolve():
        copies = set()  # the bundled files themselves
    theirs = [p for p in problems if p.level == "warning" and p.file.stem in copies]
    if theirs and not args.quiet:
        # a new school's folder holds the bundled schools' files for their example questions: their warnings are
        # not the school's to act on (review of a school's first import)
        print(
            f"{len(theirs)} of the warnings are about unchanged copies of the bundled schools' files "
            f"({', '.join(sorted(copies))}), kept for their example questions: nothing to do there. "
            "`policybot kb check --school <id>` lists one school's only."
        )
    return 1 if errors else 0
