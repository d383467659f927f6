"""A request Slack sends again (an Events API retry) or that someone replays inside the five minutes
a signature is valid does its work once. SLT's thread replies are stored before the asker is told, so
a Slack failure delays them instead of losing them."""

from __future__ import annotations

import copy
import json
import re
import time

from tests.misuse_steps import FRIEND_REQUEST, HEAD, TA, TEACHER, card_for, report
from tests.slack_app import SLT_CHANNEL, RunningBot, dms_to, drained, fixture_json, posts_to, sign, wait_until

UNCOVERED = "where do I hand in my expenses form?"


def _button(blocks: list[dict], action_id: str) -> str:
    return next(e["value"] for b in blocks for e in b.get("elements", []) if e.get("action_id") == action_id)


# Where the escalated question was posted for SLT: delivery's `places`, like every other message.
ESCALATED_THREAD = "SELECT message_id FROM places WHERE topic LIKE 'question:%:slt'"


def _escalated(bot: RunningBot, asker: str = TA) -> str:
    """Ask a question the policy does not cover, send it to SLT; the SLT thread's ts."""
    blocks = bot.command("/policy", UNCOVERED, user=asker).json()["blocks"]
    bot.click("answer_ask_slt", _button(blocks, "answer_ask_slt"), user=asker)
    return wait_until(
        lambda: bot.services.db.connection().execute(ESCALATED_THREAD).fetchone()
    )["message_id"]


def _thread_reply_envelope(thread_ts: str, text: str, ts: str = "1700000100.000001") -> dict:
    envelope = copy.deepcopy(fixture_json("event_app_home_opened_home_tab.json"))
    envelope["event"] = {
        "type": "message",
        "channel": SLT_CHANNEL,
        "user": HEAD,
        "text": text,
        "ts": ts,
        "thread_ts": thread_ts,
        "channel_type": "group",
    }
    envelope["event_id"] = "Ev0SLTREPLY1"
    return envelope


def _deliver_event(bot: RunningBot, envelope: dict, retry: int | None = None) -> int:
    body = json.dumps(envelope).encode()
    ts = int(time.time())
    headers = {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": sign(body, ts)}
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return bot.post(body, "application/json", headers).status


def _settled(bot: RunningBot) -> None:
    wait_until(lambda: not bot.services.outbox.items("pending"))


def test_an_events_api_retry_of_an_slt_reply_reaches_the_asker_once(bot: RunningBot) -> None:
    thread = _escalated(bot)
    envelope = _thread_reply_envelope(thread, "Expenses go to the office by Friday.")
    assert _deliver_event(bot, envelope) == 200
    wait_until(lambda: dms_to(bot.slack, TA))
    assert _deliver_event(bot, envelope, retry=1) == 200
    assert _deliver_event(bot, envelope, retry=2) == 200
    _settled(bot)
    drained(bot)  # a second DM, if there were one, would be sent by now
    [dm] = dms_to(bot.slack, TA)
    assert "Expenses go to the office by Friday." in dm and f"<@{HEAD}>" in dm


def test_an_slt_reply_survives_slack_failing_and_arrives_once(bot: RunningBot) -> None:
    thread = _escalated(bot)
    bot.slack.fail("chat.postMessage", "500", times=4)  # more than the Web API client's own retries
    assert _deliver_event(bot, _thread_reply_envelope(thread, "Ask the office manager, please.")) == 200
    delivered = lambda: [c for c in posts_to(bot.slack, TA) if c.delivered]  # noqa: E731
    wait_until(delivered, timeout=20)
    _settled(bot)
    [dm] = delivered()
    assert "Ask the office manager, please." in dm.body["text"]
    [stored] = bot.services.db.connection().execute("SELECT replier, text FROM slt_replies").fetchall()
    assert (stored["replier"], stored["text"]) == (HEAD, "Ask the office manager, please.")


def test_two_slt_replies_in_the_thread_are_both_passed_on_in_order(bot: RunningBot) -> None:
    thread = _escalated(bot)
    _deliver_event(bot, _thread_reply_envelope(thread, "First: the office.", ts="1700000100.000001"))
    _deliver_event(bot, _thread_reply_envelope(thread, "Second: by Friday.", ts="1700000101.000001"))
    wait_until(lambda: len(dms_to(bot.slack, TA)) == 2)
    first, second = dms_to(bot.slack, TA)
    assert "First: the office." in first and "Second: by Friday." in second


def test_an_slt_reply_longer_than_slack_allows_is_cut_to_fit(bot: RunningBot) -> None:
    thread = _escalated(bot)
    _deliver_event(bot, _thread_reply_envelope(thread, "word " * 13_000))  # 65,000 characters
    [dm] = wait_until(lambda: dms_to(bot.slack, TA))
    assert len(dm) <= 40_000 and dm.endswith("\u2026")
    assert not [i for i in bot.services.outbox.items() if i.status == "failed"]


def test_the_same_note_form_submitted_twice_adds_one_note(bot: RunningBot) -> None:
    report(bot, FRIEND_REQUEST, view_id="VREPLAY01")
    card_for(bot, "MR-0001")
    bot.click_card("report_add_note", "MR-0001", user=HEAD)
    note_form = bot.slack.wait_for("views.open", 2)[-1].body["view"]
    body = bot.view_submission_body(note_form, {"note": "Spoke to the TA; she has blocked him."}, HEAD, "VNOTE0001")
    for _ in range(3):
        assert bot.signed(body, "application/x-www-form-urlencoded").status == 200
    notes = [e for e in bot.services.reports.get("MR-0001").timeline if e.action == "note"]
    assert [n.detail for n in notes] == ["Spoke to the TA; she has blocked him."]
    # A second note, from a new form, is a new note.
    bot.click_card("report_add_note", "MR-0001", user=HEAD)
    note_form = bot.slack.wait_for("views.open", 3)[-1].body["view"]
    bot.submit_view(note_form, {"note": "Parents informed."}, user=HEAD, view_id="VNOTE0002")
    assert len([e for e in bot.services.reports.get("MR-0001").timeline if e.action == "note"]) == 2


def test_a_replayed_share_posts_once(bot: RunningBot) -> None:
    blocks = bot.command("/policy", "can I post photos of the children on facebook?").json()["blocks"]
    payload = copy.deepcopy(fixture_json("block_actions_message_button.json"))
    payload["user"]["id"] = TA
    payload["channel"]["id"] = payload["container"]["channel_id"] = "C0STAFF01"
    payload["response_url"] = bot.slack.response_url("action")
    payload["actions"][0].update(action_id="answer_share", value=_button(blocks, "answer_share"))
    for _ in range(3):
        assert bot.interactive(payload).status == 200
    wait_until(lambda: bot.slack.responses)
    time.sleep(0.5)  # the replays' work, if any, runs after their acknowledgements
    assert len(posts_to(bot.slack, "C0STAFF01")) == 1
    # Sharing again with a new click is a new share.
    bot.click("answer_share", _button(blocks, "answer_share"))
    wait_until(lambda: len(posts_to(bot.slack, "C0STAFF01")) == 2)


def test_a_form_id_someone_else_sends_is_their_own_report(bot: RunningBot) -> None:
    """Slack's form id makes a retry one report; it is not a way into, or out of, someone else's."""
    first = json.dumps(report(bot, FRIEND_REQUEST, user=TA, view_id="VSAMEID01"))
    second = json.dumps(report(bot, dict(FRIEND_REQUEST, what_happened="Another thing, seen by another person."),
                               user=TEACHER, view_id="VSAMEID01"))  # fmt: skip
    first_ref, second_ref = (re.search(r"MR-\d{4}", said).group(0) for said in (first, second))
    assert first_ref != second_ref
    mine = bot.services.reports.get(second_ref)
    assert mine.reporter_id == TEACHER and mine.form.what_happened == "Another thing, seen by another person."


def test_a_note_form_id_used_on_another_report_still_adds_that_note(bot: RunningBot) -> None:
    refs = []
    for view_id in ("VNOTEREF01", "VNOTEREF02"):
        refs.append(re.search(r"MR-\d{4}", json.dumps(report(bot, FRIEND_REQUEST, view_id=view_id))).group(0))
        card_for(bot, refs[-1])
    for ref in refs:
        opened = len(bot.slack.calls_to("views.open"))
        bot.click_card("report_add_note", ref, user=HEAD)
        note_form = bot.slack.wait_for("views.open", opened + 1)[-1].body["view"]
        bot.submit_view(note_form, {"note": f"Seen to ({ref})."}, user=HEAD, view_id="VNOTESAME1")
    for ref in refs:
        assert [e.detail for e in bot.services.reports.get(ref).timeline if e.action == "note"] == [f"Seen to ({ref})."]


def _share_click(bot: RunningBot, channel: str) -> dict:
    blocks = bot.command("/policy", "can I post photos of the children on facebook?").json()["blocks"]
    payload = copy.deepcopy(fixture_json("block_actions_message_button.json"))
    payload["user"]["id"] = TA
    payload["channel"]["id"] = payload["container"]["channel_id"] = channel
    payload["response_url"] = bot.slack.response_url("action")
    payload["actions"][0].update(action_id="answer_share", value=_button(blocks, "answer_share"))
    return payload


def test_a_share_into_a_channel_id_slack_would_never_send_is_refused(bot: RunningBot, caplog) -> None:
    forged = "C1\n2026-12-01 00:00:00 ERROR bot.slack: HEAD deleted MR-0001"
    assert bot.interactive(_share_click(bot, forged)).status == 200
    [told] = bot.slack.wait_for_responses(1)
    assert "can't share" in told["text"]
    assert bot.slack.calls_to("chat.postMessage") == []
    assert not any("\n" in r.getMessage() for r in caplog.records)


def test_a_share_slack_does_not_answer_in_time_is_told_to_the_person(slack, tmp_path) -> None:
    from tests.slack_app import start_bot

    bot = start_bot(slack, tmp_path / "policybot.db", POLICYBOT_SLACK_TIMEOUT="1")
    try:
        slack.fail("chat.postMessage", "timeout")
        assert bot.interactive(_share_click(bot, "C0STAFF01")).status == 200
        [told] = slack.wait_for_responses(1, timeout=20)
        assert "didn't answer in time" in told["text"]
    finally:
        bot.stop()
