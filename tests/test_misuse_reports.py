"""Staff report social-media misuse with /report-misuse; SLT triage it on a card in their channel.

Everything goes through real signed HTTP to the real Bolt app, and Slack is the fake Web API.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from bot.cli.main import main
from tests.fake_slack import FakeSlack
from tests.misuse_steps import (
    DEPUTY,
    FRIEND_REQUEST,
    HEAD,
    TA,
    TEACHER,
    card_for,
    latest_card_update,
    open_form,
    report,
)
from tests.slack_app import (
    ADMIN_CHANNEL,
    DSL_CHANNEL,
    SLT_CHANNEL,
    RunningBot,
    dms_to,
    drained,
    posts_to,
    start_bot,
    wait_until,
)


def test_a_ta_reports_an_ex_pupils_friend_request_and_slt_acknowledge_and_close_it(bot: RunningBot) -> None:
    view = open_form(bot)
    assert view["callback_id"] == "report_misuse"
    assert bot.slack.calls_to("views.open")[0].body["trigger_id"]

    confirmation = bot.submit_view(view, FRIEND_REQUEST).json()
    assert confirmation["response_action"] == "update"
    shown = json.dumps(confirmation["view"])
    assert "MR-0001" in shown and "What happens next" in shown
    assert "policy says" in shown and "&gt; " not in shown and "> " in shown  # the policy's own words, quoted

    card = card_for(bot, "MR-0001")
    text = json.dumps(card.body["blocks"])
    assert "Contact from a pupil or ex-pupil" in text and f"<@{TA}>" in text
    assert "friend request on Instagram" in text
    assert "URGENT" not in card.body["text"]
    assert bot.slack.calls_to("chat.postMessage") and posts_to(bot.slack, DSL_CHANNEL) == []
    received = wait_until(lambda: dms_to(bot.slack, TA))
    assert "MR-0001" in received[0] and "received" in received[0]

    assert bot.click_card("report_acknowledge", "MR-0001", user=HEAD, ts=card.body.get("ts", "")).status == 200
    update = latest_card_update(bot, "Acknowledged")
    assert f"<@{HEAD}>" in json.dumps(update.body["blocks"])
    assert wait_until(lambda: any("acknowledged" in t for t in dms_to(bot.slack, TA)))

    bot.click_card("report_close", "MR-0001", user=HEAD)
    close_view = bot.slack.wait_for("views.open", 2)[-1].body["view"]
    assert close_view["private_metadata"] == "MR-0001"
    note = "Spoke to TA; ex-pupil's parent contacted by phone."
    reply = bot.submit_view(close_view, {"outcome": "advice_given", "note": note}, user=HEAD, view_id="VCLOSE01")
    assert reply.status == 200 and reply.body in (b"", b"{}")
    closed = latest_card_update(bot, "Closed")
    closed_text = json.dumps(closed.body["blocks"])
    assert "Advice given" in closed_text and "report_close" not in closed_text  # no second close button
    told = wait_until(lambda: [t for t in dms_to(bot.slack, TA) if "closed" in t])
    assert note not in json.dumps(told) and "phone" not in json.dumps(dms_to(bot.slack, TA))  # SLT notes stay with SLT

    stored = bot.services.reports.get("MR-0001")
    assert stored.state == "closed" and stored.outcome == "advice_given"
    assert [e.action for e in stored.timeline] == ["submitted", "acknowledged", "note", "closed"]
    assert stored.form.what_happened == FRIEND_REQUEST["what_happened"]  # exactly as typed
    assert len(posts_to(bot.slack, SLT_CHANNEL)) == 1  # one card, updated in place


def test_someone_outside_slt_cannot_act_on_a_report(bot: RunningBot) -> None:
    report(bot, FRIEND_REQUEST)
    card_for(bot, "MR-0001")
    for action in ("report_acknowledge", "report_assign", "report_add_note", "report_close"):
        assert bot.click_card(action, "MR-0001", user=TEACHER).status == 200
    refusals = bot.slack.wait_for_responses(4)
    assert all(r["response_type"] == "ephemeral" and "Only members of the SLT channel" in r["text"] for r in refusals)
    drained(bot)
    assert bot.slack.calls_to("chat.update") == []
    assert len(bot.slack.calls_to("views.open")) == 1  # only the reporter's own form
    stored = bot.services.reports.get("MR-0001")
    assert stored.state == "open" and stored.assignee is None and len(stored.timeline) == 1


def test_the_form_shows_problems_next_to_the_fields_and_stores_nothing(bot: RunningBot) -> None:
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    data = report(bot, {"what_happened": "bad", "happened_on": future, "actions_taken": ["nothing", "blocked"]})
    assert data["response_action"] == "errors"
    assert set(data["errors"]) == {"category", "what_happened", "child_at_risk", "happened_on", "actions_taken"}
    assert "future" in data["errors"]["happened_on"]
    assert bot.services.reports.all() == []
    drained(bot)
    assert bot.slack.calls_to("chat.postMessage") == []


def test_a_child_at_risk_alerts_the_dsl_at_once(bot: RunningBot) -> None:
    values = dict(
        FRIEND_REQUEST,
        category="pupil_images",
        child_at_risk="not_sure",
        what_happened="A Year 3 pupil's photo in uniform is on a stranger's public TikTok.",
    )
    shown = json.dumps(report(bot, values)["view"])
    assert "Designated Safeguarding Lead" in shown
    alert = wait_until(lambda: posts_to(bot.slack, DSL_CHANNEL))[0]
    assert "URGENT" in alert.body["text"] and "MR-0001" in alert.body["text"]
    assert "stranger's public TikTok" in json.dumps(alert.body["blocks"])
    card = card_for(bot, "MR-0001")
    assert card.body["text"].startswith("URGENT") and "DSL alerted" in json.dumps(card.body["blocks"])


def test_submitting_the_same_form_twice_makes_one_report(bot: RunningBot) -> None:
    view = open_form(bot)
    first = bot.submit_view(view, FRIEND_REQUEST, view_id="VSAME0001").json()
    second = bot.submit_view(view, FRIEND_REQUEST, view_id="VSAME0001").json()
    assert "MR-0001" in json.dumps(first) and "MR-0001" in json.dumps(second)
    card_for(bot, "MR-0001")
    drained(bot)
    assert len(bot.services.reports.all()) == 1
    assert len(posts_to(bot.slack, SLT_CHANNEL)) == 1


def test_two_slt_closing_at_once_one_wins_and_the_other_is_told(bot: RunningBot) -> None:
    report(bot, FRIEND_REQUEST)
    card_for(bot, "MR-0001")
    bot.click_card("report_close", "MR-0001", user=HEAD)
    bot.click_card("report_close", "MR-0001", user=DEPUTY)
    views = bot.slack.wait_for("views.open", 3)
    first = bot.submit_view(views[1].body["view"], {"outcome": "content_removed"}, user=HEAD, view_id="VC1")
    second = bot.submit_view(views[2].body["view"], {"outcome": "no_further_action"}, user=DEPUTY, view_id="VC2")
    assert first.body in (b"", b"{}")
    errors = second.json()
    assert errors["response_action"] == "errors" and "already closed" in errors["errors"]["outcome"]
    assert bot.services.reports.get("MR-0001").outcome == "content_removed"
    assert bot.click_card("report_acknowledge", "MR-0001", user=DEPUTY).status == 200
    assert "already closed" in bot.slack.wait_for_responses(1)[-1]["text"]


def test_slack_down_at_submission_the_card_arrives_after_it_recovers(bot: RunningBot) -> None:
    view = open_form(bot)
    bot.slack.stop()  # connection refused from now on
    data = bot.submit_view(view, FRIEND_REQUEST).json()
    assert "MR-0001" in json.dumps(data["view"])  # the reporter is told: the report is stored
    wait_until(lambda: any(i.last_error for i in bot.services.outbox.items("pending")))  # tried, failed
    assert bot.services.outbox.items("pending")  # still waiting, not lost
    bot.slack.start()
    card_for(bot, "MR-0001")
    wait_until(lambda: dms_to(bot.slack, TA))
    drained(bot)
    # Counted among the calls Slack acted on: the refused attempts are calls too.
    assert len(bot.slack.delivered("chat.postMessage", SLT_CHANNEL)) == 1
    assert len(bot.slack.delivered("chat.postMessage", TA)) == 1


def test_rate_limits_and_server_errors_are_retried_once_each_message_goes_out(bot: RunningBot) -> None:
    bot.slack.fail("chat.postMessage", "429", times=1, retry_after=1)
    report(bot, FRIEND_REQUEST)
    bot.slack.fail("chat.postMessage", "500", times=2)
    card_for(bot, "MR-0001")
    wait_until(lambda: dms_to(bot.slack, TA))
    drained(bot)
    # Counted among the calls Slack acted on: the refused attempts are calls too.
    assert len(bot.slack.delivered("chat.postMessage", SLT_CHANNEL)) == 1
    assert len(bot.slack.delivered("chat.postMessage", TA)) == 1


def test_a_wrong_slt_channel_is_surfaced_to_the_admin_not_retried_forever(
    bot: RunningBot, capsys: pytest.CaptureFixture
) -> None:
    bot.slack.fail("chat.postMessage", "channel_not_found", times=1)
    report(bot, FRIEND_REQUEST)
    alert = wait_until(lambda: posts_to(bot.slack, ADMIN_CHANNEL))[0]
    assert "channel_not_found" in alert.body["text"] and "policybot outbox retry" in alert.body["text"]
    [failed] = bot.services.outbox.items("failed")
    assert failed.last_error == "channel_not_found"
    assert bot.services.reports.get("MR-0001") is not None  # the report itself is safe
    drained(bot)
    assert len(posts_to(bot.slack, SLT_CHANNEL)) == 1  # tried once, not retried forever

    # The admin fixes the channel, then asks for the refused card to be sent again.
    db = str(bot.services.db.path)
    assert main(["outbox", "list", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert "1 refused by the chat platform" in listed and " slack  failed " in listed
    assert main(["outbox", "retry", "--db", db]) == 0
    bot.services.wake_outbox()
    wait_until(lambda: [c for c in posts_to(bot.slack, SLT_CHANNEL) if "MR-0001" in c.body["text"]][1:])


def test_pending_cards_are_delivered_after_a_restart(slack: FakeSlack, tmp_path) -> None:
    db = tmp_path / "policybot.db"
    first = start_bot(slack, db)
    view = open_form(first)
    slack.stop()
    first.submit_view(view, FRIEND_REQUEST)
    first.stop()
    slack.start()
    assert posts_to(slack, SLT_CHANNEL) == []
    second = start_bot(slack, db)
    try:
        card_for(second, "MR-0001")
    finally:
        second.stop()


def test_report_content_never_reaches_the_info_log(bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    secret = "friend request on Instagram"
    report(bot, FRIEND_REQUEST)
    card_for(bot, "MR-0001")
    bot.click_card("report_acknowledge", "MR-0001", user=HEAD)
    latest_card_update(bot, "Acknowledged")
    assert "MR-0001" in caplog.text
    assert secret not in caplog.text


def test_app_home_shows_the_reporter_their_reports_and_slt_the_open_ones_oldest_first(bot: RunningBot) -> None:
    report(bot, FRIEND_REQUEST, view_id="VFIRST001")
    report(bot, dict(FRIEND_REQUEST, category="parent_post"), user=TEACHER, view_id="VSECOND01")
    card_for(bot, "MR-0002")

    def home_for(user: str) -> str:
        before = len(bot.slack.calls_to("views.publish"))
        bot.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home", "event_ts": "1.1"})
        return json.dumps(bot.slack.wait_for("views.publish", before + 1)[-1].body["view"])

    ta_home = home_for(TA)
    assert "Your misuse reports" in ta_home and "MR-0001" in ta_home and "sent to SLT" in ta_home
    assert "MR-0002" not in ta_home and "For SLT" not in ta_home
    head_home = home_for(HEAD)
    assert "Open misuse reports: *2*" in head_home
    assert head_home.index("MR-0001") < head_home.index("MR-0002")
