"""Shared fixtures: the bundled knowledge base and the dev questions beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import PolicyBook
from bot.knowledge.loader import default_knowledge_dir

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures" / "slack"
DEV_QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"


@pytest.fixture(scope="session")
def book() -> PolicyBook:
    return PolicyBook(default_knowledge_dir())
