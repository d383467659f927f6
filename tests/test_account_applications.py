"""Staff apply for an official school account with /request-account; SLT decide in their channel;
the administrator creates it and it enters the register. All through real signed HTTP."""

from __future__ import annotations

import csv
import json

import pytest

from bot.cli.main import main
from tests.fake_slack import Call, FakeSlack
from tests.misuse_steps import ADMIN_ONLY, DEPUTY, HEAD, TA, TEACHER
from tests.slack_app import ADMIN_CHANNEL, SLT_CHANNEL, RunningBot, dms_to, drained, posts_to, start_bot, wait_until

ADMIN = ADMIN_ONLY

CLASS_BLOG = {
    "platform": "blog",
    "handle": "Year 5 at Dobcroft",
    "scope": "class",
    "reason": "A class blog lets parents see the science investigations we do each week. "
    "It replaces the paper newsletter, which parents told us arrives too late to talk about.",
    "audience": "Parents and carers of Year 5",
    "lead": TA,
    "moderator": TEACHER,
    "email": "year5@dobcroft.sheffield.sch.uk",
    "pupil_images": "yes",
    "confirmations": ["separate", "credentials", "monitored"],
}


@pytest.fixture
def bot(slack: FakeSlack, tmp_path):
    slack.members["GADM0001"] = [ADMIN, "UBOT"]
    running = start_bot(slack, tmp_path / "policybot.db", POLICYBOT_SCHOOL_EMAIL_DOMAIN="dobcroft.sheffield.sch.uk")
    yield running
    running.stop()


def opened_view(bot: RunningBot, count: int) -> dict:
    return bot.slack.wait_for("views.open", count)[count - 1].body["view"]


def apply(bot: RunningBot, values: dict, user: str = TA, view_id: str = "VAPPLY001") -> dict:
    before = len(bot.slack.calls_to("views.open"))
    assert bot.command("/request-account", "", user=user).status == 200
    view = opened_view(bot, before + 1)
    return bot.submit_view(view, values, user=user, view_id=view_id).json()


def card_update(bot: RunningBot, containing: str, channel: str = SLT_CHANNEL) -> Call:
    def find():
        for call in reversed(bot.slack.calls_to("chat.update")):
            if call.body.get("channel") == channel and containing in json.dumps(call.body):
                return call
        return None

    return wait_until(find)


def decide_with_reason(bot: RunningBot, action: str, ref: str, user: str, reason: str, view_id: str) -> bytes:
    before = len(bot.slack.calls_to("views.open"))
    bot.click_card(action, ref, user=user)
    view = opened_view(bot, before + 1)
    return bot.submit_view(view, {"reason": reason}, user=user, view_id=view_id).body


def test_changes_requested_then_resubmitted_approved_created_and_registered(bot: RunningBot) -> None:
    shown = apply(bot, CLASS_BLOG)
    assert shown["response_action"] == "update" and "AR-0001" in json.dumps(shown["view"])
    card = wait_until(lambda: posts_to(bot.slack, SLT_CHANNEL))[0]
    text = json.dumps(card.body["blocks"])
    assert "AR-0001" in card.body["text"] and "Year 5 at Dobcroft" in text and "application_approve" in text
    assert "first names only" in text  # pupil images: the consent reminder is on the card
    assert wait_until(lambda: [t for t in dms_to(bot.slack, TA) if "AR-0001" in t])

    change = "Please make it a page on the school website's blog rather than a separate site."
    assert decide_with_reason(bot, "application_request_changes", "AR-0001", HEAD, change, "VCHG0001") in (b"", b"{}")
    card_update(bot, "Changes requested")
    edit_dm = wait_until(lambda: [c for c in posts_to(bot.slack, TA) if "application_edit" in json.dumps(c.body)])[0]
    assert change in edit_dm.body["text"]

    before = len(bot.slack.calls_to("views.open"))
    bot.click_card("application_edit", "AR-0001", user=TA, channel="DTA00001")
    prefilled = opened_view(bot, before + 1)
    assert prefilled["private_metadata"] == "AR-0001" and change in json.dumps(prefilled)
    assert "Year 5 at Dobcroft" in json.dumps(prefilled)  # the last answers are filled in
    changed = dict(CLASS_BLOG, handle="Year 5 blog on dobcroft.sch.uk")
    resent = bot.submit_view(prefilled, changed, user=TA, view_id="VAPPLY002").json()
    assert "AR-0001" in json.dumps(resent["view"])
    card_update(bot, "version 2")

    bot.click_card("application_approve", "AR-0001", user=HEAD)
    card_update(bot, "Approved")
    assert wait_until(lambda: [t for t in dms_to(bot.slack, TA) if "approved" in t])
    admin_card = wait_until(lambda: posts_to(bot.slack, ADMIN_CHANNEL))[0]
    assert "Year 5 blog on dobcroft.sch.uk" in json.dumps(admin_card.body["blocks"])

    before = len(bot.slack.calls_to("views.open"))
    bot.click_card("application_create", "AR-0001", user=ADMIN, channel=ADMIN_CHANNEL)
    create = opened_view(bot, before + 1)
    values = {"handle": "Year 5 blog", "url": "https://dobcroft.sch.uk/year5", "credentials": ["stored"]}
    assert bot.submit_view(create, values, user=ADMIN, view_id="VCREATE01").body in (b"", b"{}")
    card_update(bot, "Live")
    card_update(bot, "Created by", channel=ADMIN_CHANNEL)
    live = wait_until(lambda: [t for t in dms_to(bot.slack, TA) if "is live. The administrator holds" in t])[0]
    assert "https://dobcroft.sch.uk/year5" in live

    [account] = bot.services.applications.accounts()
    assert (account.handle, account.lead_id, account.moderator_id) == ("Year 5 blog", TA, TEACHER)
    assert (account.approved_by, account.created_by, account.status) == (HEAD, ADMIN, "active")
    versions = bot.services.applications.versions("AR-0001")
    assert [v[2].handle for v in versions] == ["Year 5 at Dobcroft", "Year 5 blog on dobcroft.sch.uk"]
    actions = [e.action for e in bot.services.applications.get("AR-0001").timeline]
    assert actions == ["submitted", "requested changes", "resubmitted", "approved", "created"]
    assert len(posts_to(bot.slack, SLT_CHANNEL)) == 1  # one card, updated in place


def test_slt_cannot_approve_their_own_application(bot: RunningBot) -> None:
    apply(bot, dict(CLASS_BLOG, lead=DEPUTY, moderator=TA), user=DEPUTY)
    wait_until(lambda: posts_to(bot.slack, SLT_CHANNEL))
    bot.click_card("application_approve", "AR-0001", user=DEPUTY)
    bot.click_card("application_reject", "AR-0001", user=DEPUTY)
    refusals = bot.slack.wait_for_responses(2)
    assert all("your own application" in r["text"] for r in refusals)
    assert bot.services.applications.get("AR-0001").state == "submitted"
    bot.click_card("application_approve", "AR-0001", user=HEAD)
    card_update(bot, "Approved")


def test_someone_outside_slt_cannot_decide(bot: RunningBot) -> None:
    apply(bot, CLASS_BLOG)
    wait_until(lambda: posts_to(bot.slack, SLT_CHANNEL))
    for action in ("application_approve", "application_reject", "application_request_changes"):
        bot.click_card(action, "AR-0001", user=TEACHER)
    refusals = bot.slack.wait_for_responses(3)
    assert all("Only members of the SLT channel" in r["text"] for r in refusals)
    drained(bot)
    assert bot.slack.calls_to("chat.update") == [] and len(bot.slack.calls_to("views.open")) == 1
    assert bot.services.applications.get("AR-0001").state == "submitted"


def test_a_rejection_carries_its_reason_and_the_first_decision_wins(bot: RunningBot) -> None:
    apply(bot, dict(CLASS_BLOG, platform="tiktok", handle="dobcroft_dance"))
    wait_until(lambda: posts_to(bot.slack, SLT_CHANNEL))
    reason = "TikTok's minimum age is 13 and our pupils are 7 to 11, so we won't run an account there."
    decide_with_reason(bot, "application_reject", "AR-0001", HEAD, reason, "VREJ0001")
    card_update(bot, "Rejected")
    told = wait_until(lambda: [t for t in dms_to(bot.slack, TA) if "rejected" in t])[0]
    assert "minimum age is 13" in told
    bot.click_card("application_approve", "AR-0001", user=DEPUTY)
    assert f"already rejected by <@{HEAD}>" in bot.slack.wait_for_responses(1)[-1]["text"]
    assert bot.services.applications.get("AR-0001").decided_by == HEAD


def test_the_form_explains_every_problem_next_to_its_field(bot: RunningBot) -> None:
    bad = dict(
        CLASS_BLOG,
        reason="Because.",
        moderator=TA,
        email="year5teacher@gmail.com",
        handle="password: Year5Rocks!",
        confirmations=["separate"],
    )
    errors = apply(bot, bad)["errors"]
    assert set(errors) == {"reason", "moderator", "email", "handle", "confirmations"}
    assert "two sentences" in errors["reason"] and "different person" in errors["moderator"]
    assert "@dobcroft.sheffield.sch.uk" in errors["email"] and "password" in errors["handle"].lower()
    assert bot.services.applications.pending_count() == 0


def test_a_password_anywhere_is_refused(bot: RunningBot) -> None:
    errors = apply(bot, dict(CLASS_BLOG, audience="Parents; login is admin / Dobcr0ft#2024"))["errors"]
    assert "looks like a password" in errors["audience"]


def test_the_card_says_when_the_register_already_has_an_account_on_that_platform(bot: RunningBot) -> None:
    _live_account(bot)
    apply(bot, dict(CLASS_BLOG, handle="Year 6 blog"), view_id="VSECOND01")
    second = wait_until(lambda: [c for c in posts_to(bot.slack, SLT_CHANNEL) if "AR-0002" in c.body["text"]])[0]
    assert "already holds an active Blog account" in json.dumps(second.body["blocks"])


def test_only_the_administrator_marks_an_account_created(bot: RunningBot) -> None:
    apply(bot, CLASS_BLOG)
    wait_until(lambda: posts_to(bot.slack, SLT_CHANNEL))
    bot.click_card("application_approve", "AR-0001", user=HEAD)
    wait_until(lambda: posts_to(bot.slack, ADMIN_CHANNEL))
    bot.click_card("application_create", "AR-0001", user=HEAD, channel=ADMIN_CHANNEL)
    assert "administrator channel" in bot.slack.wait_for_responses(1)[-1]["text"]
    assert bot.services.applications.get("AR-0001").state == "approved"


def _live_account(bot: RunningBot) -> None:
    apply(bot, CLASS_BLOG, view_id="VFIRST001")
    wait_until(lambda: posts_to(bot.slack, SLT_CHANNEL))
    bot.click_card("application_approve", "AR-0001", user=HEAD)
    wait_until(lambda: posts_to(bot.slack, ADMIN_CHANNEL))
    bot.click_card("application_create", "AR-0001", user=ADMIN, channel=ADMIN_CHANNEL)
    create = opened_view(bot, 2)
    bot.submit_view(create, {"handle": "Year 5 blog", "credentials": ["stored"]}, user=ADMIN, view_id="VCR1")
    wait_until(lambda: bot.services.applications.accounts())


def test_slt_change_the_lead_and_close_an_account_from_the_home_tab(bot: RunningBot) -> None:
    _live_account(bot)
    bot.event({"type": "app_home_opened", "user": HEAD, "channel": "D1", "tab": "home", "event_ts": "1.1"})
    home = json.dumps(bot.slack.wait_for("views.publish")[-1].body["view"])
    assert "Register of official accounts" in home and "register_change_lead" in home
    bot.event({"type": "app_home_opened", "user": TEACHER, "channel": "D2", "tab": "home", "event_ts": "1.2"})
    assert "Register of official accounts" not in json.dumps(bot.slack.wait_for("views.publish", 2)[-1].body["view"])

    account_id = str(bot.services.applications.accounts()[0].id)
    bot.click_home("register_change_lead", account_id, user=TEACHER)
    assert "Only SLT and the administrator" in wait_until(lambda: dms_to(bot.slack, TEACHER))[0]

    views_before = len(bot.slack.calls_to("views.open"))
    bot.click_home("register_change_lead", account_id, user=HEAD)
    lead_view = opened_view(bot, views_before + 1)
    assert bot.submit_view(lead_view, {"lead": DEPUTY}, user=HEAD, view_id="VLEAD0001").body in (b"", b"{}")
    assert bot.services.applications.accounts()[0].lead_id == DEPUTY

    bot.click_home("register_close", account_id, user=ADMIN)
    close_view = opened_view(bot, views_before + 2)
    bot.submit_view(close_view, {"status": "transferred", "note": "Handed to the PTA"}, user=ADMIN, view_id="VCL1")
    [account] = bot.services.applications.accounts()
    assert (account.status, account.closed_by) == ("transferred", ADMIN)
    assert bot.services.applications.accounts(active_only=True) == []


def test_slt_are_alerted_once_when_a_lead_leaves(bot: RunningBot) -> None:
    _live_account(bot)
    for _ in range(2):  # Slack may deliver the event twice
        bot.event({"type": "user_change", "user": {"id": TA, "deleted": True}, "event_ts": "1.3"})
    alert = wait_until(lambda: [c for c in posts_to(bot.slack, SLT_CHANNEL) if "has left Slack" in c.body["text"]])
    drained(bot)
    alerts = [c for c in posts_to(bot.slack, SLT_CHANNEL) if "has left Slack" in c.body["text"]]
    assert len(alerts) == 1 and "The lead" in alert[0].body["text"] and "Year 5 blog" in alert[0].body["text"]


def test_pending_application_cards_survive_a_restart(slack: FakeSlack, tmp_path) -> None:
    db = tmp_path / "policybot.db"
    first = start_bot(slack, db)
    slack.stop()
    view_body = None
    try:
        # The modal was opened before Slack went away; its submission reaches the bot all the same.
        from bot.slack.blocks.account_form import application_modal

        view_body = application_modal(TA)
        reply = first.submit_view(view_body, dict(CLASS_BLOG, email="y5@school.example.org"), view_id="VREST0001")
        assert "AR-0001" in reply.body.decode()
    finally:
        first.stop()
    slack.start()
    second = start_bot(slack, db)
    try:
        wait_until(lambda: [c for c in posts_to(slack, SLT_CHANNEL) if "AR-0001" in c.body["text"]])
    finally:
        second.stop()


def test_register_list_and_export(bot: RunningBot, capsys: pytest.CaptureFixture, tmp_path) -> None:
    _live_account(bot)
    db = str(bot.services.db.path)
    assert main(["accounts", "list", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Year 5 blog" in out and "active" in out and "AR-0001" in out
    target = tmp_path / "register.csv"
    assert main(["accounts", "export", "--csv", str(target), "--db", db]) == 0
    [row] = list(csv.DictReader(target.open()))
    assert (row["platform"], row["lead"], row["moderator"], row["approved_by"], row["created_by"]) == (
        "Blog",
        TA,
        TEACHER,
        HEAD,
        ADMIN,
    )
    assert row["status"] == "active" and row["approved_at"] and row["created_at"]
