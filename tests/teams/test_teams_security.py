"""Only the Bot Connector may talk to the Teams bot: every activity's bearer token is checked
(signature against the keys in the OpenID configuration, issuer, audience = our app id, expiry, and
the serviceurl claim against the activity), and a request without a valid one gets 401 with nothing
stored and nothing sent."""

from __future__ import annotations

import pytest

from tests.fake_bot_framework import new_key
from tests.teams_app import wait_until


def _nothing_happened(bot) -> None:
    assert bot.services.db.connection().execute("SELECT count(*) FROM questions").fetchone()[0] == 0
    assert bot.services.refs.get("service") is None
    assert bot.fake.sent() == []


def test_a_valid_token_gets_an_answer(bot, fake) -> None:
    reply = bot.send(bot.personal_message("can I accept a friend request from a parent?"))
    assert reply.status == 200
    assert len(fake.sent()) == 1


@pytest.mark.parametrize(
    "why",
    ["no token", "not a jwt", "forged", "expired", "wrong audience", "wrong issuer", "wrong serviceurl"],
)
def test_an_activity_without_a_valid_token_gets_401_and_changes_nothing(bot, fake, why) -> None:
    activity = bot.personal_message("can I accept a friend request from a parent?")
    tokens = {
        "no token": None,
        "not a jwt": "not-a-token",
        # signed by a key of our own, under the kid the real key has: the signature does not verify
        "forged": fake.activity_token(activity["serviceUrl"], key=new_key()),
        "expired": fake.activity_token(activity["serviceUrl"], expires_in=-3600),
        "wrong audience": fake.activity_token(activity["serviceUrl"], audience="11111111-1111-1111-1111-111111111111"),
        "wrong issuer": fake.activity_token(activity["serviceUrl"], issuer="https://evil.example"),
        "wrong serviceurl": fake.activity_token("https://evil.example/teams/"),
    }
    reply = bot.post(activity, tokens[why])
    assert reply.status == 401
    _nothing_happened(bot)


def test_a_token_for_one_service_cannot_carry_an_activity_pointing_elsewhere(bot, fake) -> None:
    """The serviceurl claim is what stops a captured token from steering replies to another host."""
    activity = bot.personal_message("can I accept a friend request from a parent?")
    token = fake.activity_token(activity["serviceUrl"])
    activity["serviceUrl"] = "https://evil.example/teams/"
    assert bot.post(activity, token).status == 401
    _nothing_happened(bot)


def test_a_key_endorsed_for_another_channel_cannot_sign_a_teams_activity(bot, fake) -> None:
    """A genuine Bot Framework key, published in the same key set, but endorsed for Web Chat only."""
    activity = bot.personal_message("can I accept a friend request from a parent?")
    token = fake.activity_token(activity["serviceUrl"], key=fake.webchat_key, kid=fake.webchat_kid)
    assert bot.post(activity, token).status == 401
    _nothing_happened(bot)


def test_an_activity_claiming_another_channel_is_refused(bot, fake) -> None:
    """The Teams key is endorsed for msteams only: an activity that says it came from elsewhere is not ours."""
    activity = bot.personal_message("can I accept a friend request from a parent?")
    activity["channelId"] = "webchat"
    assert bot.post(activity, fake.activity_token(activity["serviceUrl"])).status == 401
    _nothing_happened(bot)


def test_unknown_signing_key_id_is_refused(bot, fake) -> None:
    activity = bot.personal_message("hello")
    assert bot.post(activity, fake.activity_token(activity["serviceUrl"], kid="someone-else")).status == 401
    _nothing_happened(bot)


def test_healthz_answers_once_ready_and_other_paths_do_not_exist(bot) -> None:
    assert bot.get("/healthz").status == 200
    assert bot.get("/api/messages").status == 405
    assert bot.get("/slack/events").status == 404


def test_a_body_that_is_not_an_activity_is_refused_in_words(bot, fake) -> None:
    reply = bot.post(b"{not json", fake.activity_token(fake.service_url))
    assert reply.status == 400 and b"JSON activity" in reply.body
    wait_until(lambda: True)


_UNKNOWN = "Sorry, I don't know that button."


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("task/fetch", "x"),
        ("task/fetch", {"data": "x"}),
        ("task/fetch", {"data": None}),
        ("task/submit", ["x"]),
        ("task/submit", {"data": ["x"]}),
        ("adaptiveCard/action", "x"),
        ("adaptiveCard/action", {"action": "x"}),
        ("adaptiveCard/action", {"action": {"verb": ["report_view"], "data": {}}}),
        ("adaptiveCard/action", {"action": {"verb": "report_view", "data": "x"}}),
        ("adaptiveCard/action", {"action": {"verb": "application_approve", "data": ["AR-0001"]}}),
    ],
)
def test_a_signed_invoke_with_a_malformed_value_is_answered_in_words_and_changes_nothing(
    bot, fake, name, value
) -> None:
    """A valid token proves who sent an activity, not that its value has the shape a Teams client gives."""
    activity = bot.card_action("report_view", {})
    activity["name"], activity["value"] = name, value
    reply = bot.send(activity)
    assert reply.status == 200
    if name.startswith("task/"):  # what Teams waits for after a dialog opens or is sent
        assert reply.json() == {"task": {"type": "message", "value": _UNKNOWN}}
    else:
        assert reply.json()["value"] == _UNKNOWN
    assert bot.services.reports.all() == [] and bot.services.applications.get("AR-0001") is None
    assert bot.services.outbox.items() == []
    assert fake.sent() == []


@pytest.mark.parametrize("part", ["from", "conversation", "recipient"])
def test_a_signed_activity_with_a_part_that_is_not_an_object_is_refused_in_words(bot, fake, part) -> None:
    activity = bot.personal_message("can I accept a friend request from a parent?")
    activity[part] = "x"
    reply = bot.post(activity, fake.activity_token(activity["serviceUrl"]))
    assert reply.status == 400
    assert b"JSON activity" in reply.body
    _nothing_happened(bot)
