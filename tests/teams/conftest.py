"""The fixtures every Teams test uses: a fake Bot Framework on 127.0.0.1 and the real Teams app
behind its server. Here `bot` is the Teams bot (the Slack one is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.fake_bot_framework import FakeBotFramework
from tests.teams_app import start_teams_bot


@pytest.fixture
def fake():
    fake = FakeBotFramework().start()
    yield fake
    fake.stop()


@pytest.fixture
def bot(fake, tmp_path):
    bot = start_teams_bot(fake, tmp_path / "policybot.db")
    yield bot
    bot.stop()
