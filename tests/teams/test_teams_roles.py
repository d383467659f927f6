"""Roles in Teams: the members of the SLT / DSL / admin channels, read through the connector's paged
members API (every page), asked again before every decision."""

from __future__ import annotations

import threading

import pytest

from bot.teams.roles import TeamsRoles
from tests.fake_bot_framework import member
from tests.teams_app import ADMIN_CHANNEL, ASKER, DSL_CHANNEL, SLT_CHANNEL, SLT_MEMBER, start_teams_bot

OTHERS = [member(f"29:1other{i}", f"Other Person{i}", f"00000000-0000-0000-0000-00000000020{i}") for i in range(3)]


@pytest.fixture
def bot(fake, tmp_path):
    bot = start_teams_bot(fake, tmp_path / "policybot.db", deliver=False)
    bot.send(bot.personal_message("hello"))  # how the bot learns the serviceUrl
    yield bot
    bot.stop()


def test_slt_is_whoever_is_in_the_slt_channel_on_any_page(bot, fake) -> None:
    fake.members[SLT_CHANNEL] = [*OTHERS, member(SLT_MEMBER, "Fake Staff Two", "00000000-0000-0000-0000-000000000102")]
    roles = TeamsRoles(bot.services)
    assert roles.is_slt(SLT_MEMBER)  # on the second page of two
    assert not roles.is_slt(ASKER)
    pages = [c for c in fake.calls if c.path.endswith("/pagedmembers") and c.conversation == SLT_CHANNEL]
    assert len(pages) == 4  # two pages per question, asked fresh each time


def test_someone_removed_from_the_channel_loses_the_role_at_once(bot, fake) -> None:
    fake.members[DSL_CHANNEL] = [member(SLT_MEMBER, "Fake Staff Two", "x")]
    fake.members[ADMIN_CHANNEL] = [member(ASKER, "Fake Parent One", "y")]
    roles = TeamsRoles(bot.services)
    assert roles.is_dsl(SLT_MEMBER) and roles.is_admin(ASKER) and not roles.is_admin(SLT_MEMBER)
    fake.members[DSL_CHANNEL] = []
    assert not roles.is_dsl(SLT_MEMBER)


def test_when_teams_cannot_be_asked_nobody_has_the_role(bot, fake) -> None:
    fake.members[SLT_CHANNEL] = [member(SLT_MEMBER, "Fake Staff Two", "x")]
    fake.fail("members", "500")
    assert not TeamsRoles(bot.services).is_slt(SLT_MEMBER)


@pytest.mark.parametrize("fault", ["repeat_pages", "endless_pages"])
def test_pages_of_members_that_never_end_do_not_hold_the_click_forever(bot, fake, fault) -> None:
    """A continuation token naming the page it came with, or a new one for ever: the role cannot be
    checked, so refused."""
    fake.members[SLT_CHANNEL] = [*OTHERS, member(SLT_MEMBER, "Fake Staff Two", "x")]
    setattr(fake, fault, True)
    answers: list[bool] = []
    asking = threading.Thread(target=lambda: answers.append(TeamsRoles(bot.services).is_slt(SLT_MEMBER)), daemon=True)
    asking.start()
    asking.join(timeout=10)
    assert answers == [False]
