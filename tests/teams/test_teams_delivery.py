"""Delivery to Teams through the core outbox: the bot's token from TEAMS_TOKEN_URL, proactive posts to
the connector, retries on 5xx, timeouts and 429 (honouring Retry-After), and a refusal parked with the
admin told; nothing lost and nothing sent twice."""

from __future__ import annotations

import time

import pytest

from bot.delivery.runner import OutboxRunner
from bot.delivery.transport import Message
from bot.store.outbox import OutboxItem
from bot.teams.transport import TeamsTransport
from tests.teams_app import ADMIN_CHANNEL, SLT_CHANNEL, card_of, start_teams_bot, teams_fixture, wait_until

UNCOVERED = "what time does the canteen open on Tuesdays?"


def _ask_slt(bot) -> None:
    asked = bot.personal_message(UNCOVERED)
    bot.send(asked)
    card = card_of(bot.fake.sent(asked["conversation"]["id"])[0].body)
    actions = [a for b in card["body"] if b.get("type") == "ActionSet" for a in b["actions"]]
    ask = next(a for a in actions if a["title"] == "Ask SLT")
    assert "Sent to SLT" in bot.send(bot.card_action(ask["verb"], ask["data"])).json()["value"]


def _drained(bot) -> None:
    wait_until(lambda: not bot.services.outbox.items("pending"), timeout=20)


@pytest.mark.parametrize("kind", ["500", "timeout"])
def test_an_outage_delays_the_slt_post_and_it_arrives(bot, fake, kind) -> None:
    _ask_slt_while_paused(bot)
    fake.fail("send", kind, times=2)
    _resume_sending(bot)
    _drained(bot)
    attempts = [c.failed for c in fake.calls if c.conversation == SLT_CHANNEL]
    assert attempts == [kind, kind, None]


def test_a_rate_limit_is_waited_out_for_its_retry_after(bot, fake) -> None:
    _ask_slt_while_paused(bot)
    fake.fail("send", "429", times=1, retry_after=2)
    started = time.monotonic()
    _resume_sending(bot)
    [posted] = wait_until(lambda: fake.sent(SLT_CHANNEL), timeout=15)
    assert time.monotonic() - started >= 1.9
    assert [c.failed for c in fake.calls if c.conversation == SLT_CHANNEL] == ["429", None]
    assert posted.body["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"


def _ask_slt_while_paused(bot) -> None:
    """Ask SLT with the sender paused, so that a failure set before `_resume_sending` hits the SLT post.
    (Resuming here raced the test's failure: a sender started at once could post before it was set.)"""
    bot.deliverer.stop()
    bot.deliverer = None
    _ask_slt(bot)


def _resume_sending(bot) -> None:
    bot.deliverer = OutboxRunner(
        bot.services.db, TeamsTransport(bot.services), bot.services.outbox_signal, idle_seconds=0.1, max_backoff=1.0
    ).start()
    bot.services.wake_outbox()


def test_a_refusal_is_parked_and_the_admin_told(bot, fake) -> None:
    _ask_slt_while_paused(bot)
    fake.fail("send", "403", times=1)
    _resume_sending(bot)
    [alert] = wait_until(lambda: fake.sent(ADMIN_CHANNEL), timeout=15)
    assert "could not deliver slt_question" in alert.body["text"]
    assert fake.sent(SLT_CHANNEL) == []
    [parked] = bot.services.outbox.items("failed")
    assert parked.kind == "slt_question"


def test_the_token_endpoint_down_is_retried_not_lost(fake, tmp_path) -> None:
    fake.fail("token", "500", times=2)
    bot = start_teams_bot(fake, tmp_path / "policybot.db")
    try:
        # the bot added to the team: how it learns the serviceUrl it posts to
        added = teams_fixture("conversation_update_members_added.json")
        added["serviceUrl"] = fake.service_url
        assert bot.send(added).status == 200
        bot.services.questions.log("dobcroft", UNCOVERED, None, False)
        assert bot.services.questions.escalate_through_outbox(1, "29:asker", "Fake Parent One", platform="teams")
        bot.services.wake_outbox()
        wait_until(lambda: fake.sent(SLT_CHANNEL), timeout=15)
        assert len(fake.token_requests) == 3
    finally:
        bot.stop()


def test_transport_answers_in_the_runners_terms(bot, fake) -> None:
    """A timeout is in doubt (the connector may have taken it), 429 carries Retry-After."""
    bot.deliverer.stop()
    bot.send(bot.personal_message("hello"))  # so the serviceUrl is known
    bot.services.questions.log("dobcroft", UNCOVERED, None, False)
    bot.services.questions.escalate_through_outbox(1, "29:asker", "A", platform="teams")
    [item] = bot.services.outbox.items("pending")
    transport = TeamsTransport(bot.services)
    message = Message(OutboxItem(item.id, item.topic, item.kind, item.payload, 1), None, False)
    fake.fail("send", "timeout")
    assert type(transport.deliver(message)).__name__ == "InDoubt"
    fake.fail("send", "429", retry_after=7)
    outcome = transport.deliver(message)
    assert type(outcome).__name__ == "RetryAfter" and outcome.seconds == 7
