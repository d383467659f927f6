"""Shared fixtures: the bundled knowledge base and the dev questions beside the repo."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answers import PolicyBook
from bot.knowledge.loader import default_knowledge_dir

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures" / "slack"
DEV_QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"


@pytest.fixture(scope="session", autouse=True)
def _model_cache_of_this_run() -> Iterator[None]:
    """The model's unpacked layers (340 MB, bot/matching/unpacked.py) go to a folder of this run, read
    by every process the tests start, and removed at the end: not into the home folder of whoever runs
    the tests."""
    folder = tempfile.mkdtemp(prefix="policybot-tests-cache-")
    before = {name: os.environ.pop(name, None) for name in ("XDG_CACHE_HOME", "POLICYBOT_MODEL_CACHE")}
    os.environ["XDG_CACHE_HOME"] = folder
    yield
    for thread in threading.enumerate():  # layers still being written by this process
        if thread.name.startswith("keep-"):
            thread.join()
    for name, value in before.items():
        os.environ.pop(name, None)
        if value is not None:
            os.environ[name] = value
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def kept_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own (POLICYBOT_MODEL_CACHE), for what a start keeps there."""
    chosen = tmp_path / "cache"
    monkeypatch.setenv("POLICYBOT_MODEL_CACHE", str(chosen))
    return chosen


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
