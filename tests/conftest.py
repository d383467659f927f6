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


@pytest.fixture
def slack():
    from tests.fake_slack import FakeSlack

    fake = FakeSlack(members={"GSLT0001": ["UHEAD0001", "UDEPUTY01", "UBOT", "USLT00003"]}).start()
    yield fake
    fake.stop()


@pytest.fixture
def bot(slack, tmp_path):
    from tests.slack_app import start_bot

    running = start_bot(slack, tmp_path / "policybot.db")
    yield running
    running.stop()
