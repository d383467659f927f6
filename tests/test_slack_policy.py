"""Staff use /policy in Slack; everything goes through real signed HTTP to the real Bolt app."""

from __future__ import annotations

import json
import re
import time

from tests.slack_app import SLT_CHANNEL, RunningBot, answers_friending_a_parent, wait_until


def _all_text(blocks: list[dict]) -> str:
    return json.dumps(blocks)


def _button_value(blocks: list[dict], action_id: str) -> str:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element["value"]
    raise AssertionError(f"no {action_id} button in {blocks}")


def test_a_ta_asks_about_friending_a_parent_and_only_she_sees_the_answer(bot: RunningBot) -> None:
    reply = bot.command("/policy", "can I accept a friend request from a parent?")
    assert reply.status == 200
    data = reply.json()
    assert data["response_type"] == "ephemeral"
    text = _all_text(data["blocks"])
    assert "Dobcroft Junior School" in text and "section" in text
    assert "review due Dec 2023" in text and ":warning:" in text  # the policy is past its review date
    assert answers_friending_a_parent(text)
    # The notification's text is the verdict line the blocks show first, not the bare answer line
    verdict_line = data["blocks"][1]["text"]["text"].replace("*", "")
    assert data["text"] == verdict_line and data["text"].split(":")[0] in text
    assert re.fullmatch(r"[0-9]+\.[0-9a-f]{32}", _button_value(data["blocks"], "answer_helpful"))
    assert bot.slack.calls_to("chat.postMessage") == []  # nothing posted anywhere public


def test_the_verdict_does_not_say_its_label_twice(bot: RunningBot) -> None:
    """Answer lines written as "You must make sure ..." read "You must: You must make sure ..." under the
    label; the label is said once."""
    data = bot.command("/policy", "do I have to keep my messages with children professional?").json()
    verdict_line = data["blocks"][1]["text"]["text"]
    assert verdict_line.startswith("*You must:* ")
    assert "you must" not in verdict_line.removeprefix("*You must:* ").lower()[:20]
    assert data["text"] == verdict_line.replace("*", "")


def test_empty_or_help_shows_usage_with_examples(bot: RunningBot) -> None:
    for text in ("", "help"):
        data = bot.command("/policy", text).json()
        assert data["response_type"] == "ephemeral"
        assert "/policy can I accept a friend request from a parent?" in _all_text(data["blocks"])


def test_long_or_odd_input_gets_a_friendly_message(bot: RunningBot) -> None:
    for text in ("x" * 3000, "can I\x00 post"):
        reply = bot.command("/policy", text)
        assert reply.status == 200
        assert reply.json()["text"].startswith("Sorry, I can't look that up")


def test_a_question_containing_the_word_payload_is_answered(bot: RunningBot) -> None:
    """Bolt mistakes any form body containing "payload" for a button click; the gate rewrites it."""
    reply = bot.command("/policy", "can the payload of my post name a pupil? 100% sure & = +")
    assert reply.status == 200
    assert "can the payload of my post name a pupil? 100% sure &amp; = +" in json.dumps(reply.json())


def test_question_text_is_escaped_so_it_cannot_ping_or_link(bot: RunningBot) -> None:
    data = bot.command("/policy", "<!channel> can I post <https://evil.example|click> about <@U123>?").json()
    text = _all_text(data["blocks"])
    assert "<!channel>" not in text and "<https://evil" not in text and "<@U123>" not in text
    assert "&lt;!channel&gt;" in text


def test_feedback_is_recorded(bot: RunningBot) -> None:
    blocks = bot.command("/policy", "can I post photos of the children on facebook?").json()["blocks"]
    question_id = _button_value(blocks, "answer_not_helpful")
    assert bot.click("answer_not_helpful", question_id).status == 200
    bot.slack.wait_for_responses(1)
    row = (
        bot.services.db.connection()
        .execute("SELECT feedback, user_id FROM questions WHERE id = ?", (int(question_id.split(".")[0]),))
        .fetchone()
    )
    assert row["feedback"] == "not_helpful"
    assert row["user_id"] is None  # the log keeps no user id unless the asker escalates


def test_share_in_channel_posts_the_clause_but_not_the_question(bot: RunningBot) -> None:
    question = "can I post photos of the children on facebook?"
    blocks = bot.command("/policy", question).json()["blocks"]
    bot.click("answer_share", _button_value(blocks, "answer_share"), channel="C0STAFF01")
    [call] = bot.slack.wait_for("chat.postMessage")
    assert call.body["channel"] == "C0STAFF01"
    assert call.token == bot.slack.token
    assert question not in json.dumps(call.body) and "You asked" not in json.dumps(call.body)
    assert "Dobcroft Junior School" in json.dumps(call.body["blocks"])


def test_share_where_the_bot_is_not_invited_explains_how(bot: RunningBot) -> None:
    blocks = bot.command("/policy", "can I post photos of the children on facebook?").json()["blocks"]
    bot.slack.fail("chat.postMessage", "not_in_channel")
    bot.click("answer_share", _button_value(blocks, "answer_share"))
    [response] = bot.slack.wait_for_responses(1)
    assert "/invite @policybot" in response["text"]


def test_not_sure_in_slack_points_to_the_closest_part_and_still_offers_ask_slt(bot: RunningBot) -> None:
    data = bot.command("/policy", "can i use social media at work?").json()
    text = _all_text(data["blocks"])
    assert "I'm not sure the Social Media Policy for Staff answers this clearly. The closest part is 7.0" in text
    assert "couldn't find" not in text
    assert _button_value(data["blocks"], "answer_ask_slt")


def test_an_uncovered_question_goes_to_slt_and_their_thread_reply_reaches_the_asker(bot: RunningBot) -> None:
    data = bot.command("/policy", "where do I hand in my expenses form?", user="UTA00001").json()
    assert "couldn't find" in _all_text(data["blocks"])
    bot.click("answer_ask_slt", _button_value(data["blocks"], "answer_ask_slt"), user="UTA00001")
    [posted] = bot.slack.wait_for("chat.postMessage")
    assert posted.body["channel"] == SLT_CHANNEL
    assert "expenses form" in json.dumps(posted.body["blocks"]) and "<@UTA00001>" in json.dumps(posted.body)
    bot.slack.wait_for_responses(1)
    thread = bot.services.db.connection().execute(
        "SELECT conversation, message_id FROM places WHERE topic = 'question:1:slt'"
    ).fetchone()
    assert thread["conversation"] == SLT_CHANNEL
    slt_ts = thread["message_id"]
    assert slt_ts

    reply = bot.event(
        {
            "type": "message",
            "channel": SLT_CHANNEL,
            "user": "UHEAD0001",
            "text": "Menus are on the website.",
            "ts": "1700000100.000001",
            "thread_ts": slt_ts,
            "channel_type": "group",
        }
    )
    assert reply.status == 200
    calls = bot.slack.wait_for("chat.postMessage", 2)
    dm = calls[1]
    assert dm.body["channel"] == "UTA00001"
    assert "Menus are on the website." in dm.body["text"]


def test_app_home_shows_dates_and_slt_counts_only_to_slt(bot: RunningBot) -> None:
    bot.event({"type": "app_home_opened", "user": "UTA00001", "channel": "D1", "tab": "home", "event_ts": "1.1"})
    bot.event({"type": "app_home_opened", "user": "USLT00003", "channel": "D2", "tab": "home", "event_ts": "1.2"})
    calls = bot.slack.wait_for("views.publish", 2)
    by_user = {c.body["user_id"]: json.dumps(c.body["view"]) for c in calls}
    assert "review due Dec 2023" in by_user["UTA00001"]
    assert "For SLT" not in by_user["UTA00001"]
    assert "For SLT" in by_user["USLT00003"]  # found on the second page of conversations.members
    assert len(bot.slack.calls_to("conversations.members")) >= 2


def test_health_check_answers_once_ready(bot: RunningBot) -> None:
    assert bot.get("/healthz").status == 200
    assert bot.get("/nowhere").status == 404


def test_the_bot_starts_and_answers_while_slack_is_unreachable(slack, tmp_path) -> None:
    from tests.slack_app import start_bot

    slack.stop()  # connection refused for auth.test and everything else
    running = start_bot(slack, tmp_path / "down.db")
    try:
        data = running.command("/policy", "can I accept a friend request from a parent?").json()
        assert data["response_type"] == "ephemeral"
        assert running.services.identity.user_id is None
        slack.start()  # Slack is back: the bot learns who it is
        deadline = time.monotonic() + 10
        while running.services.identity.user_id is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert running.services.identity.user_id == "UBOT"
    finally:
        running.stop()


def test_a_slack_500_or_429_is_retried_and_the_share_still_arrives(bot: RunningBot) -> None:
    blocks = bot.command("/policy", "can I post photos of the children on facebook?").json()["blocks"]
    value = _button_value(blocks, "answer_share")
    bot.slack.fail("chat.postMessage", "500", times=1)
    bot.click("answer_share", value)
    calls = bot.slack.wait_for("chat.postMessage", 2)
    assert [c.body["channel"] for c in calls] == ["C0STAFF01", "C0STAFF01"]
    assert "Shared in this channel." in bot.slack.wait_for_responses(1)[0]["text"]

    bot.slack.fail("chat.postMessage", "429", times=1, retry_after=1)
    started = time.monotonic()
    bot.click("answer_share", value)
    bot.slack.wait_for("chat.postMessage", 4)
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured


def test_ask_slt_whose_post_slack_answered_too_late_still_reaches_the_asker(slack, tmp_path) -> None:
    """Slack posted the question but its answer came after the client gave up: the bot finds its post in
    the channel, so SLT's reply in that thread is not lost, and the asker is not told to ask again."""
    from tests.slack_app import start_bot

    bot = start_bot(slack, tmp_path / "policybot.db", POLICYBOT_SLACK_TIMEOUT="1")
    try:
        data = bot.command("/policy", "where do I hand in my expenses form?", user="UTA00001").json()
        slack.fail("chat.postMessage", "slow")
        bot.click("answer_ask_slt", _button_value(data["blocks"], "answer_ask_slt"), user="UTA00001")
        [told] = slack.wait_for_responses(1, timeout=20)
        assert "Sent to SLT" in told["text"]
        assert len(slack.calls_to("chat.postMessage")) == 1  # not posted twice
        thread = bot.services.db.connection().execute(
            "SELECT message_id FROM places WHERE topic = 'question:1:slt'"
        ).fetchone()["message_id"]
        bot.event({"type": "message", "channel": SLT_CHANNEL, "user": "UHEAD0001", "text": "Ask the office.",
                   "ts": "1700000100.000002", "thread_ts": thread, "channel_type": "group"})  # fmt: skip
        dm = wait_until(lambda: [c for c in slack.calls_to("chat.postMessage") if c.body["channel"] == "UTA00001"])
        assert "Ask the office." in dm[0].body["text"]
    finally:
        bot.stop()


def test_after_a_restore_an_old_answer_s_buttons_never_act_on_someone_else_s_question(slack, tmp_path) -> None:
    """A restore gives the ids of questions asked since the backup again. A button drawn before it must not
    send the member of staff who now has that id's question to SLT under the clicker's name."""
    from bot.cli.main import main
    from tests.slack_app import start_bot

    db = tmp_path / "policybot.db"
    first = start_bot(slack, db)
    first.command("/policy", "can I friend a parent?", user="UTA00001")
    assert main(["backup", str(tmp_path / "monday.db"), "--db", str(db)]) == 0
    old = first.command("/policy", "where do I hand in my expenses form?", user="UTA00001").json()
    first.stop()

    restored = tmp_path / "restored" / "policybot.db"  # as on a new server: docs/reliability.md, "Restore"
    restored.parent.mkdir()
    restored.write_bytes((tmp_path / "monday.db").read_bytes())
    bot = start_bot(slack, restored)
    try:
        bot.command("/policy", "is my sister's divorce something I can post about?", user="UTEACH002")
        (reused,) = bot.services.db.connection().execute("SELECT id FROM questions WHERE id = 2").fetchall()
        assert reused  # the same id, now another teacher's question

        for action in ("answer_ask_slt", "answer_not_helpful"):
            bot.click(action, _button_value(old["blocks"], action), user="UTA00001")
        responses = bot.slack.wait_for_responses(2)
        assert sorted(r["text"] for r in responses) == ["That answer has expired.", "That question has expired."]
        assert bot.slack.calls_to("chat.postMessage") == []
        row = bot.services.db.connection().execute("SELECT feedback, user_id FROM questions WHERE id = 2").fetchone()
        assert tuple(row) == (None, None)

        new = bot.command("/policy", "where do I hand in my expenses form?", user="UTA00001").json()
        bot.click("answer_not_helpful", _button_value(new["blocks"], "answer_not_helpful"), user="UTA00001")
        assert bot.slack.wait_for_responses(3)[-1]["text"].startswith("Thanks for telling me.")
    finally:
        bot.stop()
