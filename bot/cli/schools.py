"""`policybot schools`: the school ids the knowledge base holds, for --school and POLICYBOT_SCHOOL."""

from __future__ import annotations

import argparse

from bot.cli.common import book, fail
from bot.knowledge.loader import KnowledgeError, load_file
from bot.render.wording import policy_dates


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "schools",
        help="list the school ids in the knowledge base",
        description="Every school in the knowledge base: its id (for --school and POLICYBOT_SCHOOL), name, and "
        "the policy's status and dates.",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    policies = book()
    ids = policies.school_ids()
    if not ids:
        return fail(f"no school files in {policies.directory} (check POLICYBOT_KNOWLEDGE_DIR)")
    width = max(len(i) for i in ids)
    for school_id in ids:
        try:
            school = load_file(policies.directory / f"{school_id}.yaml").school  # no index needed
        except KnowledgeError as exc:
            print(f"{school_id:<{width}}  (cannot be loaded: {str(exc).splitlines()[0]})")
            continue
        print(f"{school_id:<{width}}  {school.name}: {school.policy_title}, {policy_dates(school)}")
    return 0
