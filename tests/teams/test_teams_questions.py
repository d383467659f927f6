"""Staff ask in Teams: in a 1:1 chat, or by @mentioning the bot in a channel (answered privately).
The answer is the same as Slack's, as an Adaptive Card with Helpful / Not helpful and Ask SLT; an
SLT reply in the thread reaches the asker in their 1:1 chat."""

from __future__ import annotations

from bot.teams.activities import ANSWERED_PRIVATELY
from tests.slack_app import answers_friending_a_parent
from tests.teams_app import (
    ASKER,
    SLT_CHANNEL,
    STAFF_CHANNEL,
    card_of,
    card_text,
    wait_until,
)

FRIEND = "can I accept a friend request from a parent?"
UNCOVERED = "what time does the canteen open on Tuesdays?"


def _buttons(card: dict) -> dict[str, dict]:
    actions = [a for block in card["body"] if block.get("type") == "ActionSet" for a in block["actions"]]
    assert all(a["type"] == "Action.Execute" for a in actions)
    return {a["title"]: a for a in actions}


def test_a_question_in_a_1to1_chat_gets_the_answer_card_in_that_chat(bot, fake) -> None:
    activity = bot.personal_message(FRIEND)
    assert bot.send(activity).status == 200
    [sent] = fake.sent(activity["conversation"]["id"])
    card = card_of(sent.body)
    text = card_text(card)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert answers_friending_a_parent(text)
    assert "Dobcroft" in text and "section" in text  # the citation: school, policy, section
    assert {"Helpful", "Not helpful"} <= set(_buttons(card))
    # the bot's token from the token endpoint, not the activity's
    assert sent.token in fake.bot_tokens


def test_helpful_is_recorded_in_the_question_log(bot, fake) -> None:
    activity = bot.personal_message(FRIEND)
    bot.send(activity)
    card = card_of(fake.sent()[0].body)
    helpful = _buttons(card)["Helpful"]
    reply = bot.send(bot.card_action(helpful["verb"], helpful["data"]))
    assert reply.status == 200 and reply.json()["value"] == "Thanks, glad it helped."
    row = bot.services.db.connection().execute("SELECT feedback FROM questions").fetchone()
    assert row["feedback"] == "helpful"


def test_someone_else_cannot_press_the_askers_buttons(bot, fake) -> None:
    bot.send(bot.personal_message(FRIEND))
    helpful = _buttons(card_of(fake.sent()[0].body))["Not helpful"]
    reply = bot.send(bot.card_action(helpful["verb"], helpful["data"], user="29:someoneElse"))
    assert reply.json()["value"] == "That answer has expired."
    row = bot.services.db.connection().execute("SELECT feedback FROM questions").fetchone()
    assert row["feedback"] is None


def test_a_channel_mention_is_answered_in_the_askers_1to1_chat_and_the_channel_only_told_so(bot, fake) -> None:
    activity = bot.channel_mention(FRIEND)
    assert bot.send(activity).status == 200
    [opened] = fake.conversations_created
    assert opened["members"] == [{"id": ASKER}] and opened["isGroup"] is False
    personal = [c for c in fake.sent() if c.conversation.startswith("a:")]
    in_channel = [c for c in fake.sent() if c.conversation.startswith(STAFF_CHANNEL)]
    assert len(personal) == 1 and answers_friending_a_parent(card_text(card_of(personal[0].body)))
    assert [c.body["text"] for c in in_channel] == [ANSWERED_PRIVATELY]
    assert in_channel[0].body["replyToId"] == activity["id"]
    assert "friend" not in in_channel[0].body["text"]


def test_an_uncovered_question_offers_ask_slt_and_the_slt_reply_reaches_the_asker(bot, fake) -> None:
    asked = bot.personal_message(UNCOVERED)
    bot.send(asked)
    card = card_of(fake.sent(asked["conversation"]["id"])[0].body)
    ask_slt = _buttons(card)["Ask SLT"]
    reply = bot.send(bot.card_action(ask_slt["verb"], ask_slt["data"]))
    assert "Sent to SLT" in reply.json()["value"]
    # a double press sends nothing twice
    assert "already" in bot.send(bot.card_action(ask_slt["verb"], ask_slt["data"])).json()["value"]

    [posted] = wait_until(lambda: fake.sent(SLT_CHANNEL))
    slt_text = card_text(card_of(posted.body))
    assert "canteen" in slt_text and "Fake Parent One" in slt_text
    thread = "SELECT message_id FROM places WHERE topic LIKE 'question:%:slt' AND platform = 'teams'"
    root = wait_until(lambda: bot.services.db.connection().execute(thread).fetchone())[0]

    bot.send(bot.thread_reply(SLT_CHANNEL, root, "<p>It opens at 8am; ask the office.</p>"))
    dm = wait_until(lambda: [c for c in fake.sent(asked["conversation"]["id"]) if "8am" in (c.body.get("text") or "")])
    assert dm[0].body["textFormat"] == "plain"
    assert "canteen" in dm[0].body["text"] and "Fake Staff Two" in dm[0].body["text"]
    assert len(fake.sent(SLT_CHANNEL)) == 1


def test_user_text_cannot_inject_links_or_mentions_into_the_card(bot, fake) -> None:
    question = "can I post [this](https://evil.example) <at>Head</at> **now** or _later_ as st_annes_pe {{DATE(x)}}?"
    bot.send(bot.personal_message(question))
    text = card_text(card_of(fake.sent()[0].body))
    assert "](https" not in text and "<at>" not in text and "**now**" not in text and "_later_" not in text
    assert "{{" not in text  # the cards' date functions are the bot's own, never a user's
    assert "later" in text and "st_annes_pe" in text  # an underscore inside a word cannot make italics


def test_help_shows_how_to_ask(bot, fake) -> None:
    bot.send(bot.personal_message("help"))
    assert "Ask me about the" in card_text(card_of(fake.sent()[0].body))


def test_after_a_restore_an_old_card_s_ask_slt_never_sends_someone_else_s_question(fake, tmp_path) -> None:
    """Teams keeps an answer card in the chat for good: after a restore from a backup, its buttons name a
    question id the restored database gives again, to another member of staff's question."""
    from bot.cli.main import main
    from tests.teams_app import start_teams_bot

    db = tmp_path / "policybot.db"
    first = start_teams_bot(fake, db)
    assert main(["backup", str(tmp_path / "monday.db"), "--db", str(db)]) == 0
    first.send(first.personal_message(UNCOVERED))
    old = _buttons(card_of(fake.sent()[0].body))
    first.stop()

    restored = tmp_path / "restored" / "policybot.db"
    restored.parent.mkdir()
    restored.write_bytes((tmp_path / "monday.db").read_bytes())
    bot = start_teams_bot(fake, restored)
    try:
        bot.send(bot.personal_message("is my sister's divorce something I can post about?", user="29:anotherTeacher"))
        assert bot.services.db.connection().execute("SELECT id FROM questions").fetchall()[0]["id"] == 1  # reused
        for title in ("Ask SLT", "Not helpful"):
            reply = bot.send(bot.card_action(old[title]["verb"], old[title]["data"]))
            assert reply.status == 200 and reply.json()["value"] == "That answer has expired."
        row = bot.services.db.connection().execute("SELECT feedback, user_id, escalated_at FROM questions").fetchone()
        assert tuple(row) == (None, None, None)
        assert fake.sent(SLT_CHANNEL) == []
    finally:
        bot.stop()
