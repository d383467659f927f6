"""The core knows no chat platform: only the adapters (bot/slack, bot/teams) and the command line
may import a platform library, so adding Teams copies no rule and no delivery logic."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
ADAPTERS = ("slack", "teams", "cli")
PLATFORM_LIBRARIES = ("slack_sdk", "slack_bolt", "botbuilder", "microsoft_teams")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_core_module_imports_a_chat_platform_library() -> None:
    offenders = []
    for path in BOT.rglob("*.py"):
        if path.relative_to(BOT).parts[0] in ADAPTERS:
            continue
        for name in _imports(path):
            if name.split(".")[0] in PLATFORM_LIBRARIES:
                offenders.append(f"{path.relative_to(BOT.parent)} imports {name}")
    assert offenders == []
