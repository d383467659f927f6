"""Values Slack's own UI cannot produce, but a request signed with the app's secret can: each is
refused with a clear reply, or shown as plain text, and never stored as markup or at any length."""

from __future__ import annotations

import copy
import json
import re
import urllib.parse
from urllib.parse import urlencode

import pytest

from bot.cases.misuse import MAX_NOTE
from bot.slack.blocks.account_form import application_modal
from bot.slack.blocks.report_card import close_modal, note_modal
from tests.misuse_steps import DEPUTY, FRIEND_REQUEST, HEAD, TA, TEACHER, card_for, open_form, report
from tests.slack_app import SLT_CHANNEL, RunningBot, dms_to, fixture_json, posts_to, wait_until
from tests.test_account_applications import CLASS_BLOG, _live_account, apply, decide_with_reason, opened_view

FORGED_USER = "UDEPUTY01> <!channel"


@pytest.fixture
def bot(slack, tmp_path):
    from tests.slack_app import start_bot

    slack.members["GADM0001"] = ["UADMIN001", "UBOT"]
    running = start_bot(slack, tmp_path / "policybot.db", POLICYBOT_SCHOOL_EMAIL_DOMAIN="dobcroft.sheffield.sch.uk")
    yield running
    running.stop()


def _everything_sent(bot: RunningBot) -> str:
    return json.dumps([c.body for c in bot.slack.calls]) + json.dumps(bot.slack.responses)


# -- user-id fields --------------------------------------------------------------------------------
def test_a_forged_colleague_id_is_refused_next_to_the_field(bot: RunningBot) -> None:
    values = {**FRIEND_REQUEST, "colleagues": [TEACHER, FORGED_USER]}
    data = bot.submit_view(open_form(bot), values, user=TA, view_id="VFORGED01").json()
    assert data == {"response_action": "errors", "errors": {"colleagues": "Please choose people from the list."}}
    assert bot.services.reports.all() == []


def test_a_forged_lead_id_never_reaches_the_slt_card(bot: RunningBot) -> None:
    data = apply(bot, {**CLASS_BLOG, "lead": FORGED_USER}, view_id="VFORGED02")
    assert data["errors"] == {"lead": "Please choose people from the list."}
    assert bot.services.applications.get("AR-0001") is None
    assert "<!channel>" not in _everything_sent(bot)


def test_a_forged_new_lead_in_the_register_is_refused(bot: RunningBot) -> None:
    _live_account(bot)
    account_id = str(bot.services.applications.accounts()[0].id)
    before = len(bot.slack.calls_to("views.open"))
    bot.click_home("register_change_lead", account_id, user=HEAD)
    view = opened_view(bot, before + 1)
    data = bot.submit_view(view, {"lead": FORGED_USER}, user=HEAD, view_id="VLEADF01").json()
    assert data["errors"] == {"lead": "Please choose people from the list."}
    assert bot.services.applications.accounts()[0].lead_id != FORGED_USER


# -- lengths ---------------------------------------------------------------------------------------
def test_a_note_or_closing_note_over_the_limit_is_refused_and_not_stored(bot: RunningBot) -> None:
    report(bot, FRIEND_REQUEST, view_id="VLONG0001")
    card_for(bot, "MR-0001")
    long = "x" * 100_000
    data = bot.submit_view(note_modal("MR-0001"), {"note": long}, user=HEAD, view_id="VLONGN01").json()
    assert f"under {MAX_NOTE:,} characters" in data["errors"]["note"]
    values = {"outcome": "advice_given", "note": long}
    data = bot.submit_view(close_modal("MR-0001"), values, user=HEAD, view_id="VLONGC01").json()
    assert f"under {MAX_NOTE:,} characters" in data["errors"]["outcome"]
    stored = bot.services.reports.get("MR-0001")
    assert stored.state == "open" and all(len(e.detail or "") < 1000 for e in stored.timeline)


def test_a_decision_reason_over_the_limit_is_refused_and_not_stored(bot: RunningBot) -> None:
    apply(bot, CLASS_BLOG, view_id="VAPPLONG1")
    wait_until(lambda: posts_to(bot.slack, SLT_CHANNEL))
    body = decide_with_reason(bot, "application_reject", "AR-0001", HEAD, "No. " * 25_000, "VREJLONG1")
    assert "under 3,000 characters" in json.loads(body)["errors"]["reason"]
    assert bot.services.applications.get("AR-0001").state == "submitted"


# -- someone else's question ----------------------------------------------------------------------
@pytest.mark.parametrize("action", ["answer_ask_slt", "answer_helpful"])
def test_buttons_for_someone_elses_question_are_refused(bot: RunningBot, action: str) -> None:
    blocks = bot.command("/policy", "where do I hand in my expenses form?", user=TA).json()["blocks"]
    ask = next(e["value"] for b in blocks for e in b.get("elements", []) if e.get("action_id") == "answer_ask_slt")
    question_id = ask.split(".")[0]
    for value in (ask, question_id, f"{question_id}.{'0' * 32}"):  # TA's own button, the bare id, a guessed tag
        bot.click(action, value, user=TEACHER)
    replies = bot.slack.wait_for_responses(3)
    assert all("expired" in r["text"] for r in replies)
    row = bot.services.db.connection().execute("SELECT * FROM questions WHERE id = ?", (int(question_id),)).fetchone()
    assert row["user_id"] is None and row["escalated_at"] is None and row["feedback"] is None
    assert posts_to(bot.slack, SLT_CHANNEL) == []
    bot.click(action, ask, user=TA)  # the asker's own click still works
    wait_until(lambda: len(bot.slack.responses) == 4)
    assert "expired" not in bot.slack.responses[-1]["text"]


# -- bad button values -----------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["abc", "", "-1", "\u00b2", "99999999999999999999", "1e3"])
def test_a_register_button_with_a_bad_value_gets_a_clear_reply(bot: RunningBot, value: str) -> None:
    bot.click_home("register_change_lead", value, user=HEAD)
    [dm] = wait_until(lambda: dms_to(bot.slack, HEAD))
    assert dm == "That account is no longer active in the register."


# -- text that would format or reorder ------------------------------------------------------------
def test_a_right_to_left_override_and_a_typed_at_channel_are_neutralised(bot: RunningBot) -> None:
    what = "A parent wrote \u202eelbisiv ton@channel on the class page; @here @everyone please look."
    report(bot, {**FRIEND_REQUEST, "what_happened": what, "child_at_risk": "yes"}, view_id="VRTL00001")
    card = card_for(bot, "MR-0001")
    wait_until(lambda: posts_to(bot.slack, "GDSL0001"))
    sent = _everything_sent(bot)
    assert "\\u202e" not in sent
    assert not re.search(r"@(channel|here|everyone)", sent, re.IGNORECASE)
    assert "@\\u2060channel" in json.dumps(card.body)  # still readable, no longer a broadcast
    assert bot.services.reports.get("MR-0001").form.what_happened == what  # stored as typed


# -- malformed requests (item 20) -----------------------------------------------------------------
@pytest.mark.parametrize("content_type", ["Application/JSON", "APPLICATION/JSON; charset=UTF-8"])
def test_a_json_event_with_an_upper_case_content_type_is_handled(bot: RunningBot, content_type: str) -> None:
    envelope = copy.deepcopy(fixture_json("event_app_home_opened_home_tab.json"))
    envelope["event"] = {"type": "app_home_opened", "user": TA, "channel": "D1", "tab": "home", "event_ts": "1.1"}
    reply = bot.signed(b"\n" + json.dumps(envelope).encode(), content_type)
    assert reply.status == 200 and b"Traceback" not in reply.body
    bot.slack.wait_for("views.publish")


@pytest.mark.parametrize("kind", ["note", "report", "application", "click"])
@pytest.mark.parametrize("user", [None, {}, {"id": None}, {"id": "<!channel>"}, "UTA00001"])
def test_a_request_without_a_proper_user_is_refused_with_400(bot: RunningBot, kind: str, user: object) -> None:
    if kind == "click":
        payload = copy.deepcopy(fixture_json("block_actions_message_button.json"))
        payload["actions"][0].update(action_id="report_acknowledge", value="MR-0001")
    else:
        view = {"note": note_modal("MR-0001"), "report": open_form(bot), "application": application_modal(TA)}[kind]
        payload = json.loads(dict(_form(bot.view_submission_body(view, {}, DEPUTY, "VNOUSER01")))["payload"])
    if user is None:
        del payload["user"]
    else:
        payload["user"] = user
    reply = bot.signed(urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded")
    assert reply.status == 400 and reply.body == b"malformed request\n"


def test_a_slash_command_without_a_user_is_refused_with_400(bot: RunningBot) -> None:
    body = dict(_form(bot.command_body("/request-account", "")))
    del body["user_id"]
    assert bot.signed(urlencode(body).encode(), "application/x-www-form-urlencoded").status == 400


def _form(body: bytes) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(body.decode(), keep_blank_values=True)


@pytest.mark.parametrize(
    "shape",
    [
        {"type": "static_select", "selected_option": "x"},
        {"type": "static_select", "selected_option": {"value": ["x"]}},
        {"type": "plain_text_input", "value": ["a", "list"]},
        {"type": "plain_text_input", "value": 5},
        {"type": "checkboxes", "selected_options": ["x"]},
        {"type": "datepicker", "selected_date": 20261130},
    ],
    ids=lambda shape: json.dumps(shape),
)
def test_a_report_field_of_the_wrong_shape_is_asked_for_again_not_a_500(bot: RunningBot, shape: dict) -> None:
    """Each field of a signed form as something no Slack element sends: the form says what to fill in."""
    body = bot.view_submission_body(open_form(bot, TA), FRIEND_REQUEST, TA, "VSHAPE0001")
    payload = json.loads(dict(urllib.parse.parse_qsl(body.decode()))["payload"])
    values = payload["view"]["state"]["values"]
    before = len(bot.services.reports.all())
    for block in values.values():
        for action_id in block:
            block[action_id] = shape
    reply = bot.signed(urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded")
    assert reply.status == 200 and reply.json()["response_action"] == "errors"
    assert len(bot.services.reports.all()) == before
