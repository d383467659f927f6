"""Every command has help text and appears in the README, so the docs cannot rot."""

from __future__ import annotations

import argparse

from bot.cli.main import build_parser
from tests.conftest import REPO


def _commands(parser: argparse.ArgumentParser, prefix: str = "policybot") -> list[tuple[str, str | None]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                found.append((f"{prefix} {name}", helps.get(name)))
                found += _commands(sub, f"{prefix} {name}")
    return found


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    commands = _commands(build_parser())
    assert len(commands) >= 6
    for name, help_text in commands:
        assert help_text, f"{name} has no help text"
        if any(other.startswith(name + " ") for other, _ in commands):
            continue  # a group: its subcommands are listed
        assert f"`{name}" in readme, f"{name} is not documented in README.md"
