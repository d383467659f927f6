"""Slack failing in every way we know of while a report goes out: nothing submitted is lost, each
message (SLT card, DSL alert, the reporter's copy) is delivered exactly once after Slack recovers, or
parked with an alert to the admin channel when retrying cannot help, and each failure is one clear
log line.

The report is a child-risk one, so three messages go out; the fault hits the first Slack calls.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from bot.cli.main import main
from bot.slack.blocks.report_form import report_modal
from bot.store.outbox import Outbox
from tests.fake_slack import FakeSlack
from tests.misuse_steps import (
    FRIEND_REQUEST,
    TA,
    shared_bot,
)
from tests.slack_app import ADMIN_CHANNEL, DSL_CHANNEL, SLT_CHANNEL, RunningBot, answers_friending_a_parent, wait_until

CHILD_AT_RISK = dict(FRIEND_REQUEST, child_at_risk="yes")


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    # A one-second client timeout, so a hung Slack call costs the tests a second, not ten.
    with shared_bot(tmp_path_factory.mktemp("faults"), POLICYBOT_SLACK_TIMEOUT="1") as running:
        yield running


@dataclass(frozen=True)
class Fault:
    name: str
    start: Callable[[FakeSlack], None]  # make Slack fail
    recover: Callable[[FakeSlack], None]  # called once the bot has tried and failed
    logged: str  # what the log line says the cause was
    parked: bool = False  # permanent: kept for the admin, not retried


def _fail(kind: str, times: int = 2, retry_after: int = 1) -> Callable[[FakeSlack], None]:
    return lambda slack: slack.fail("chat.postMessage", kind, times=times, retry_after=retry_after)


def _nothing(slack: FakeSlack) -> None:
    pass


FAULTS = [
    Fault("HTTP 500", _fail("500"), _nothing, "internal_error"),
    Fault("429 with Retry-After", _fail("429"), _nothing, "rate-limited"),
    Fault("timeout: Slack hangs and posts nothing", _fail("timeout"), _nothing, "timed out"),
    Fault("timeout: Slack posts but answers too late", _fail("slow"), _nothing, "timed out"),
    Fault("connection refused", FakeSlack.stop, FakeSlack.start, "connection refused"),
    Fault("invalid_auth", _fail("invalid_auth"), _nothing, "check SLACK_BOT_TOKEN"),
    Fault("channel_not_found", _fail("channel_not_found", times=1), _nothing, "channel_not_found", parked=True),
]


def delivered(bot: RunningBot, channel: str, ref: str) -> int:
    return sum(ref in (c.body.get("text") or "") for c in bot.slack.delivered("chat.postMessage", channel))


def all_sent(outbox: Outbox) -> bool:
    return not outbox.items("pending")


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_a_report_survives_slack_failing(bot: RunningBot, fault: Fault, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.delivery.runner")
    outbox = bot.services.outbox
    fault.start(bot.slack)
    view = report_modal(bot.services.school, dt.date.today())
    reply = bot.submit_view(view, CHILD_AT_RISK, view_id=f"VFAULT{FAULTS.index(fault)}")
    assert reply.status == 200
    ref = re.search(r"MR-\d{4}", json.dumps(reply.json())).group(0)
    assert bot.services.reports.get(ref) is not None  # stored before the reporter was told

    # The bot tries, fails, and keeps the message.
    wait_until(lambda: any(i.last_error and i.payload.get("ref") == ref for i in outbox.items()))
    fault.recover(bot.slack)
    if fault.parked:
        alert = wait_until(
            lambda: [c for c in bot.slack.delivered("chat.postMessage", ADMIN_CHANNEL) if ref in c.body["text"]]
        )
        assert "channel_not_found" in alert[0].body["text"] and "policybot outbox retry" in alert[0].body["text"]
        [failed] = outbox.items("failed")
        assert failed.payload["ref"] == ref
        assert main(["outbox", "retry", "--db", str(bot.services.db.path)]) == 0  # the admin fixed the channel
        bot.services.wake_outbox()

    wait_until(lambda: all_sent(outbox) and not outbox.items("failed"), timeout=20)
    assert delivered(bot, SLT_CHANNEL, ref) == 1
    assert delivered(bot, DSL_CHANNEL, ref) == 1
    assert sum(ref in (c.body.get("text") or "") for c in bot.slack.delivered("chat.postMessage", TA)) == 1
    assert delivered(bot, ADMIN_CHANNEL, ref) == (1 if fault.parked else 0)
    if fault.name.startswith("timeout: Slack posts"):
        # Slack had posted both; the bot found them in the channels' history instead of posting again.
        for channel in (SLT_CHANNEL, DSL_CHANNEL):
            assert sum(c.body["channel"] == channel for c in bot.slack.calls_to("conversations.history")) >= 1

    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert problems, "each failure is logged"
    for record in problems:
        line = record.getMessage()
        assert fault.logged in line and ref in line and "\n" not in line, line
        assert record.exc_info is None  # a clear line, not a traceback
    if fault.name != "connection refused":  # otherwise one line per attempt while Slack is down
        injected = 1 if fault.parked else 2
        assert len(problems) == injected


def test_a_question_is_still_answered_when_its_log_cannot_be_written(
    slack: FakeSlack, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.slack_app import start_bot

    running = start_bot(slack, tmp_path / "broken.db")
    try:
        # A storage fault from outside the bot: every write to the question log fails.
        running.services.db.connection().execute(
            "CREATE TRIGGER full BEFORE INSERT ON questions BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
        )
        reply = running.command("/policy", "can I accept a friend request from a parent?")
        assert reply.status == 200 and answers_friending_a_parent(json.dumps(reply.json()["blocks"]))
        assert [r.getMessage() for r in caplog.records if r.name.startswith("bot.")] == [
            "could not log a question (the disk is full); answered it anyway"
        ]
        # Its buttons name no question: a click says so, whatever question the log holds later
        running.services.db.connection().execute("DROP TRIGGER full")
        running.command("/policy", "can I post photos of my class?")  # the log's first question
        helpful = next(
            element["value"]
            for block in reply.json()["blocks"]
            for element in block.get("elements", [])
            if element.get("action_id") == "answer_helpful"
        )
        running.click("answer_helpful", helpful)
        [response] = running.slack.wait_for_responses(1)
        assert response["text"] == "That answer has expired."
        assert running.services.db.connection().execute("SELECT feedback FROM questions").fetchone()[0] is None
    finally:
        running.stop()


def test_a_channel_history_without_end_does_not_hold_every_later_message(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """After a timeout the bot looks for its own earlier post; history pages that never end once held
    the sender for good, and with it every later report's messages."""
    outbox = bot.services.outbox
    bot.slack.endless_pages = True
    try:
        bot.slack.fail("chat.postMessage", "slow", times=1)
        view = report_modal(bot.services.school, dt.date.today())
        first = bot.submit_view(view, FRIEND_REQUEST, view_id="VENDLESS1").json()
        later = bot.submit_view(view, FRIEND_REQUEST, view_id="VENDLESS2").json()
        refs = [re.search(r"MR-\d{4}", json.dumps(reply)).group(0) for reply in (first, later)]
        wait_until(lambda: all_sent(outbox), timeout=30)
    finally:
        bot.slack.endless_pages = False
    for ref in refs:
        assert delivered(bot, SLT_CHANNEL, ref) >= 1  # the first may be there twice: the bot could not tell
    assert any("did not end" in r.getMessage() for r in caplog.records)
