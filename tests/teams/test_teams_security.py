"""Only the Bot Connector may talk to the Teams bot: every activity's bearer token is checked
(signature against the keys in the OpenID configuration, issuer, audience = our app id, expiry, and
the serviceurl claim against the activity), and a request without a valid one gets 401 with nothing
stored and nothing sent."""

from __future__ import annotations

import pytest

from tests.fake_bot_framework import new_key
from tests.teams_app import MISUSE_FORM, SLT_MEMBER, start_teams_bot, wait_until


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


@pytest.mark.parametrize(
    "patch",
    [
        {"from": "x"},
        {"conversation": "x"},
        {"recipient": "x"},
        {"channelData": "x"},
        {"channelData": {"channel": "x"}},
        {"channelData": {"tenant": ["x"]}},
        {"entities": 5},
        {"membersAdded": 5},
        {"membersRemoved": "x"},
        {"conversation": {"conversationType": "personal", "id": 5}},
        {"from": {"id": 5, "name": "x"}},
        {"channelId": ["msteams"]},
        {"text": {"a": 1}},
        {"entities": ["x"]},
        {"entities": [{"type": "mention", "mentioned": "x", "text": "<at>policybot</at>"}]},
        {"conversation": {"conversationType": "personal"}},
    ],
    ids=lambda patch: str(patch),
)
def test_a_signed_activity_with_a_part_of_the_wrong_type_is_refused_in_words(bot, fake, patch) -> None:
    activity = {**bot.personal_message("can I accept a friend request from a parent?"), **patch}
    reply = bot.post(activity, fake.activity_token(activity["serviceUrl"]))
    assert reply.status == 400
    assert b"JSON activity" in reply.body
    _nothing_happened(bot)


@pytest.mark.parametrize("part", ["text", "entities", "channelData", "replyToId", "attachments"])
def test_a_part_sent_as_null_is_read_as_absent(bot, fake, part) -> None:
    """Some Bot Framework clients send null for what they leave empty: still a question, still answered."""
    activity = {**bot.personal_message("can I accept a friend request from a parent?"), part: None}
    assert bot.post(activity, fake.activity_token(activity["serviceUrl"])).status == 200
    wait_until(lambda: fake.sent())


def test_thousands_of_nested_brackets_get_400_without_a_traceback(bot, caplog) -> None:
    """Parsed before the token can be checked (the token is checked against the activity's serviceUrl)."""
    reply = bot.post(b"[" * 50_000 + b"]" * 50_000, "Bearer x")
    assert reply.status == 400 and b"JSON activity" in reply.body
    assert not [r for r in caplog.records if r.exc_info]
    _nothing_happened(bot)


def test_a_web_chat_activity_cannot_act_for_a_teams_user(bot, fake) -> None:
    """In Web Chat the page names its own sender: a Web Chat token, properly signed for Web Chat, with an
    activity that says it is from Web Chat, must not open a report as if an SLT member had asked."""
    bot.send(bot.dialog_invoke("task/submit", {"dialog": "report_misuse", "key": "k1", **MISUSE_FORM}))
    report = wait_until(lambda: bot.services.reports.get("MR-0001"))
    wait_until(lambda: not bot.services.outbox.items("pending"), timeout=20)  # SLT's card sent
    sent_before = len(fake.sent())
    view = bot.card_action("report_acknowledge", {"ref": "MR-0001"}, user=SLT_MEMBER)
    view["channelId"] = "webchat"
    token = fake.activity_token(view["serviceUrl"], key=fake.webchat_key, kid=fake.webchat_kid)
    assert bot.post(view, token).status == 401
    assert bot.services.reports.get("MR-0001").state == report.state
    assert len(fake.sent()) == sent_before


def test_an_activity_from_another_tenant_is_ignored_and_its_address_not_kept(bot, fake) -> None:
    """Another organisation's Teams, with a genuine token: nobody the school knows, and its serviceUrl
    must never become where SLT's cards are sent."""
    other = "99999999-0000-0000-0000-000000000999"
    service_url = fake.base_url + f"/teams/{other}/"
    activity = bot.personal_message("can I accept a friend request from a parent?", user="29:1foreign")
    activity["serviceUrl"] = service_url
    activity["conversation"]["tenantId"] = other
    activity["channelData"] = {"tenant": {"id": other}}
    reply = bot.post(activity, fake.activity_token(service_url))
    assert reply.status == 403
    _nothing_happened(bot)


def test_a_refused_token_is_logged_on_one_line_whatever_its_key_id_says(bot, fake, caplog) -> None:
    activity = bot.personal_message("hello")
    forged_kid = "x\nERROR bot.teams: SLT approved AR-0001"
    assert bot.post(activity, fake.activity_token(activity["serviceUrl"], kid=forged_kid)).status == 401
    refusals = [r.getMessage() for r in caplog.records if "refused an activity" in r.getMessage()]
    assert refusals and all("\n" not in line for line in refusals)


@pytest.mark.parametrize("kind", ["500", "maintenance", "no keys"])
def test_messages_are_checked_and_answered_while_microsofts_key_pages_are_down(bot, fake, caplog, kind) -> None:
    """The OpenID configuration is re-read daily and the keys every few minutes; when those pages fail
    (an error, a page for people, a set without keys), what was read before still proves who is
    talking, instead of every message getting 503 or a 500."""
    assert bot.send(bot.personal_message("hello")).status == 200  # both read once
    fake.fail("openid", "500" if kind == "no keys" else kind, times=1000)
    fake.fail("keys", kind, times=1000)
    validator = bot.services.validator
    validator._metadata.read_at -= 25 * 3600  # a day later: the configuration is due to be read again
    validator._metadata.jwks.jwk_set_cache.put(None)  # and the keys' copy has expired
    reply = bot.send(bot.personal_message("can I accept a friend request from a parent?"))
    assert reply.status == 200
    forged = bot.personal_message("can I accept a friend request from a parent?")
    assert bot.post(forged, fake.activity_token(forged["serviceUrl"], key=new_key())).status == 401

    def warned() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]

    wait_until(lambda: any("OpenID configuration" in w and "using the last one" in w for w in warned()))
    assert any("signing keys" in w and "using those read before" in w for w in warned())


def test_no_message_waits_while_the_configuration_is_read_again(fake, tmp_path, caplog) -> None:
    """The daily re-read of the OpenID configuration happens beside the messages, not in front of
    them: while Microsoft's page takes its time (here, longer than the reply), messages are checked
    against the configuration read before and answered."""
    bot = start_teams_bot(fake, tmp_path / "policybot.db", POLICYBOT_TEAMS_TIMEOUT="20")
    try:
        assert bot.send(bot.personal_message("hello")).status == 200
        fake.fail("openid", "hold")
        bot.services.validator._metadata.read_at -= 25 * 3600  # a day later
        reply = bot.send(bot.personal_message("can I accept a friend request from a parent?"))
        assert reply.status == 200
        # Answered before the re-read gave up on the page, which it has not done yet.
        assert not any("could not re-read the OpenID" in r.getMessage() for r in caplog.records)
        wait_until(lambda: fake.holding == 1)
    finally:
        fake.released.set()
        bot.stop()


@pytest.mark.parametrize("kind", ["500", "maintenance", "no keys"])
def test_keys_never_read_mean_503_not_a_500(bot, fake, kind) -> None:
    """Nothing read yet to fall back on: Teams is asked to try again later, and nothing is stored."""
    fake.fail("keys", kind, times=1000)
    activity = bot.personal_message("can I accept a friend request from a parent?")
    assert bot.post(activity, fake.activity_token(activity["serviceUrl"])).status == 503
    _nothing_happened(bot)
