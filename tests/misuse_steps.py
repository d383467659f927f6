"""Steps staff and SLT take with /report-misuse, shared by the scenario tests, and a bot that one
test module can share (starting one costs about half a second)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from tests.fake_slack import Call, FakeSlack
from tests.slack_app import SLT_CHANNEL, RunningBot, posts_to, start_bot, wait_until

T = TypeVar("T")

TA = "UTA00001"
HEAD = "UHEAD0001"  # in the SLT channel (see the slack fixture in conftest)
DEPUTY = "UDEPUTY01"
TEACHER = "UTEACH001"  # not SLT
DSL_ONLY = "UDSL00001"  # the safeguarding lead: in the DSL channel only
ADMIN_ONLY = "UADMIN001"  # the administrator: in the admin channel only

SLT_MEMBERS = {SLT_CHANNEL: [HEAD, DEPUTY, "UBOT", "USLT00003"]}

FRIEND_REQUEST = {
    "category": "pupil_contact",
    "what_happened": "An ex-pupil who left Year 6 in July sent me a friend request on Instagram last night.",
    "where_seen": "Instagram",
    "child_at_risk": "no",
    "actions_taken": ["blocked", "screenshotted"],
}


def open_form(bot: RunningBot, user: str = TA) -> dict:
    before = len(bot.slack.calls_to("views.open"))
    reply = bot.command("/report-misuse", "", user=user)
    assert reply.status == 200
    call = bot.slack.wait_for("views.open", before + 1)[-1]
    return call.body["view"]


def report(bot: RunningBot, values: dict, user: str = TA, view_id: str = "VREPORT01") -> dict:
    view = open_form(bot, user)
    reply = bot.submit_view(view, values, user=user, view_id=view_id)
    assert reply.status == 200
    return reply.json()


def card_for(bot: RunningBot, ref: str) -> Call:
    return wait_until(lambda: next((c for c in posts_to(bot.slack, SLT_CHANNEL) if ref in c.body["text"]), None))


def latest_card_update(bot: RunningBot, containing: str) -> Call:
    return wait_until(
        lambda: next((c for c in reversed(bot.slack.calls_to("chat.update")) if containing in json.dumps(c.body)), None)
    )


def table_counts(bot: RunningBot) -> dict[str, int]:
    """Rows in every table: what a refused request must leave unchanged."""
    conn = bot.services.db.connection()
    return {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("questions", "reports", "case_events", "outbox")
    }


@contextmanager
def shared_bot(directory: Path, members: dict[str, list[str]] | None = None, **settings: str) -> Iterator[RunningBot]:
    """A fake Slack and a bot for a whole test module."""
    slack = FakeSlack(members=dict(members or SLT_MEMBERS)).start()
    bot = start_bot(slack, directory / "policybot.db", **settings)
    try:
        yield bot
    finally:
        bot.stop()
        slack.stop()
