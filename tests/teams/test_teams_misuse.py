"""Misuse reports in Teams, end to end over real HTTP against the fake Bot Framework: "report misuse"
opens the dialog (task/fetch), the dialog sent (task/submit) is checked and stored with its MR-
reference, the SLT card arrives in the SLT channel once, SLT act on it with Action.Execute (the card
updated in place through the connector), the DSL is alerted and the reporter told in their 1:1 chat."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.cases.misuse_rules import NOT_SLT
from bot.cli.main import main
from tests.fake_bot_framework import TENANT_ID, FakeBotFramework, member
from tests.teams_app import (
    ASKER,
    DSL_CHANNEL,
    MISUSE_FORM,
    SLT_CHANNEL,
    SLT_MEMBER,
    card_of,
    card_text,
    teams_fixture,
    wait_until,
)

REPORTER_CHAT = f"a:1personal{ASKER[-6:]}"


@pytest.fixture
def fake():
    fake = FakeBotFramework().start()
    fake.members[SLT_CHANNEL] = [
        member("29:1someoneElse", "Someone Else", "00000000-0000-0000-0000-000000000201"),
        member("29:1andAnother", "And Another", "00000000-0000-0000-0000-000000000202"),
        member(SLT_MEMBER, "Fake Staff Two", "00000000-0000-0000-0000-000000000102"),
    ]
    yield fake
    fake.stop()


def _open_dialog(bot) -> dict[str, Any]:
    """As a TA would: write "report misuse", press the card's button, get the dialog."""
    bot.send(bot.personal_message("report misuse"))
    [prompt] = wait_until(lambda: bot.fake.sent(REPORTER_CHAT))
    button = next(a for b in card_of(prompt.body)["body"] if b.get("type") == "ActionSet" for a in b["actions"])
    assert button["title"] == "Report misuse" and button["data"]["msteams"]["type"] == "task/fetch"
    reply = bot.send(bot.dialog_invoke("task/fetch", button["data"]))
    assert reply.status == 200
    task = reply.json()["task"]
    assert task["type"] == "continue"
    return task["value"]["card"]["content"]


def _submit(bot, dialog: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    data = {**dialog["actions"][0]["data"], **fields}
    reply = bot.send(bot.dialog_invoke("task/submit", data))
    assert reply.status == 200
    return reply.json()["task"]


def _click(bot, verb: str, data: dict[str, Any], user: str, name: str = "Fake Staff Two") -> str:
    reply = bot.send(bot.card_action(verb, data, user=user, name=name))
    assert reply.status == 200
    return reply.json()["value"]


def _own_view(bot, ref: str, user: str, name: str) -> dict[str, Any]:
    """What `user`'s Teams client shows after it asks for their own version of the SLT card (a refresh)."""
    activity = bot.card_action("report_view", {"ref": ref}, user=user, name=name)
    activity["value"]["trigger"] = "automatic"
    reply = bot.send(activity)
    assert reply.status == 200 and reply.json()["type"] == "application/vnd.microsoft.card.adaptive"
    return reply.json()["value"]


def _refused_view(bot, ref: str, user: str, name: str) -> str:
    """What someone who may not see the report gets when their client asks for their own view: a short
    message only (their client keeps what it shows), never the report."""
    activity = bot.card_action("report_view", {"ref": ref}, user=user, name=name)
    activity["value"]["trigger"] = "manual"
    reply = bot.send(activity)
    assert reply.status == 200 and reply.json()["type"] == "application/vnd.microsoft.activity.message"
    return reply.json()["value"]


def _buttons(card: dict[str, Any]) -> list[str]:
    return [a["title"] for b in card["body"] if b.get("type") == "ActionSet" for a in b["actions"]]


def _drained(bot) -> None:
    wait_until(lambda: not bot.services.outbox.items("pending"), timeout=20)


def _chat_texts(fake) -> list[str]:
    return [c.body.get("text", "") for c in fake.sent(REPORTER_CHAT)]


def test_a_ta_reports_slt_acknowledge_and_close_and_the_reporter_is_told(bot, fake) -> None:
    dialog = _open_dialog(bot)
    ids = [b.get("id") for b in dialog["body"]]
    assert ids[:1] == ["category"] and {"what_happened", "child_at_risk", "colleagues", "actions_taken"} <= set(ids)
    done = _submit(bot, dialog, MISUSE_FORM)
    assert done["type"] == "message" and "MR-0001" in done["value"]
    [report] = bot.services.reports.all()
    assert report.reporter_id == ASKER and report.form.actions_taken == ("blocked", "screenshotted")

    [posted] = wait_until(lambda: fake.sent(SLT_CHANNEL))
    card = card_of(posted.body)
    assert "Misuse report MR-0001: Contact from a pupil or ex-pupil" in card_text(card)
    assert "friend request on Instagram" in card_text(card)
    assert _buttons(card) == []  # the card everyone in the channel sees is read-only...
    assert card["refresh"]["action"]["verb"] == "report_view"
    assert card["refresh"]["userIds"] == sorted(m["id"] for m in fake.members[SLT_CHANNEL])  # ...SLT fetch theirs
    mine = _own_view(bot, "MR-0001", SLT_MEMBER, "Fake Staff Two")
    assert _buttons(mine) == ["Acknowledge", "Assign to me", "Add note", "Close"]
    wait_until(lambda: any("MR-0001 has been received" in t for t in _chat_texts(fake)))
    assert fake.sent(DSL_CHANNEL) == []  # no child at risk

    said = _click(bot, "report_acknowledge", {"ref": "MR-0001"}, SLT_MEMBER)
    assert "acknowledged MR-0001" in said
    wait_until(lambda: any("have acknowledged your misuse report MR-0001" in t for t in _chat_texts(fake)))
    said = _click(bot, "report_close", {"ref": "MR-0001", "outcome": "advice_given", "note": ""}, SLT_MEMBER)
    assert "closed" in said
    wait_until(lambda: any("has been closed by SLT" in t for t in _chat_texts(fake)))
    _drained(bot)

    slt = fake.sent(SLT_CHANNEL)
    assert [c.method for c in slt] == ["POST", "PUT", "PUT"]  # once, then updated in place
    card_id = str(bot.services.db.connection().execute("SELECT message_id FROM places").fetchone()[0])
    assert all(c.path.endswith(f"/activities/{card_id}") for c in slt[1:])  # the card posted, not a new one
    final = card_of(slt[-1].body)
    assert "Fake Staff Two closed it: Advice given" in card_text(final)
    assert {"title": "Status", "value": "Closed by Fake Staff Two: Advice given"} in final["body"][1]["facts"]
    assert _buttons(final) == []
    assert _buttons(_own_view(bot, "MR-0001", SLT_MEMBER, "Fake Staff Two")) == ["Add note"]  # notes go on
    assert bot.services.reports.get("MR-0001").state == "closed"
    # the reporter never sees the outcome or SLT's notes
    assert not any("Advice given" in t for t in _chat_texts(fake))


def test_a_click_by_someone_not_in_the_slt_channel_is_refused_and_nothing_changes(bot, fake) -> None:
    _submit(bot, _open_dialog(bot), MISUSE_FORM)
    wait_until(lambda: fake.sent(SLT_CHANNEL))
    note = "Spoke to the pupil's head of year."
    assert _click(bot, "report_note", {"ref": "MR-0001", "note": note}, SLT_MEMBER) == "Note added to MR-0001."
    _drained(bot)
    posted = len(fake.sent(SLT_CHANNEL))
    # The reporter (not SLT) asks for their own view, e.g. from the message's Refresh: the refusal
    # alone, not what they wrote and not SLT's notes; an unknown ref gets the same words.
    theirs = _refused_view(bot, "MR-0001", ASKER, "Fake Parent One")
    assert theirs == NOT_SLT
    assert "friend request" not in theirs and note not in theirs
    assert _refused_view(bot, "MR-0999", ASKER, "Fake Parent One") == NOT_SLT
    for verb in ("report_acknowledge", "report_assign", "report_close"):
        said = _click(bot, verb, {"ref": "MR-0001", "outcome": "advice_given"}, ASKER, "Fake Parent One")
        assert said == NOT_SLT
    report = bot.services.reports.get("MR-0001")
    assert report.state == "open" and report.assignee is None and len(report.timeline) == 2  # sent, the note
    _drained(bot)
    assert len(fake.sent(SLT_CHANNEL)) == posted


def test_the_first_action_wins(bot, fake) -> None:
    _submit(bot, _open_dialog(bot), MISUSE_FORM)
    assert "acknowledged" in _click(bot, "report_acknowledge", {"ref": "MR-0001"}, SLT_MEMBER)
    again = _click(bot, "report_acknowledge", {"ref": "MR-0001"}, SLT_MEMBER)
    assert again == "MR-0001 was already acknowledged by Fake Staff Two."


def test_form_errors_are_shown_in_the_dialog_and_nothing_is_stored(bot, fake) -> None:
    dialog = _open_dialog(bot)
    bad = {"what_happened": "short", "child_at_risk": "", "happened_on": "2099-01-01"}
    task = _submit(bot, dialog, {**MISUSE_FORM, **bad})
    assert task["type"] == "continue"
    shown = card_text(task["value"]["card"]["content"])
    assert "Please describe what happened in a sentence or two." in shown
    assert "Please say whether a child could be at risk" in shown
    assert "That date is in the future." in shown
    again = task["value"]["card"]["content"]
    assert next(b for b in again["body"] if b.get("id") == "where_seen")["value"] == "Instagram"  # nothing lost
    assert bot.services.reports.all() == []
    _drained(bot)
    assert fake.sent(SLT_CHANNEL) == []


def test_a_child_at_risk_alerts_the_dsl(bot, fake) -> None:
    _submit(bot, _open_dialog(bot), {**MISUSE_FORM, "child_at_risk": "not_sure"})
    [alert] = wait_until(lambda: fake.sent(DSL_CHANNEL))
    assert "URGENT" in card_text(card_of(alert.body)) and "MR-0001" in card_text(card_of(alert.body))
    [card] = wait_until(lambda: fake.sent(SLT_CHANNEL))
    assert "URGENT" in card_text(card_of(card.body))


def test_a_bot_framework_outage_at_submission_delays_the_card_and_it_arrives_once(bot, fake) -> None:
    dialog = _open_dialog(bot)
    fake.fail("send", "500", times=3)
    assert "MR-0001" in _submit(bot, dialog, MISUSE_FORM)["value"]
    [posted] = wait_until(lambda: fake.sent(SLT_CHANNEL), timeout=20)
    _drained(bot)
    assert len(fake.sent(SLT_CHANNEL)) == 1
    assert any(c.failed == "500" for c in fake.calls)
    assert "MR-0001" in card_text(card_of(posted.body))
    wait_until(lambda: any("MR-0001 has been received" in t for t in _chat_texts(fake)))


def test_a_submission_with_an_invalid_token_gets_401_and_nothing_is_stored(bot, fake) -> None:
    dialog = _open_dialog(bot)
    before = len(fake.calls)
    activity = bot.dialog_invoke("task/submit", {**dialog["actions"][0]["data"], **MISUSE_FORM})
    forged = fake.activity_token(fake.service_url, audience="someone-else")
    assert bot.post(activity, forged).status == 401
    assert bot.post(activity, None).status == 401
    assert bot.services.reports.all() == []
    assert bot.services.outbox.items("pending") == []
    assert len(fake.calls) == before


def test_the_welcome_card_in_a_new_1_1_chat_has_the_report_and_account_buttons(bot, fake) -> None:
    added = teams_fixture("conversation_update_members_added.json")
    added["serviceUrl"] = fake.service_url
    added["conversation"] = {"conversationType": "personal", "id": REPORTER_CHAT, "tenantId": TENANT_ID}
    added["channelData"] = {"tenant": {"id": TENANT_ID}}
    added["from"] = {"id": ASKER, "name": "Fake Parent One"}
    assert bot.send(added).status == 200
    [welcome] = wait_until(lambda: fake.sent(REPORTER_CHAT))
    card = card_of(welcome.body)
    assert [a["title"] for a in card["actions"]] == ["Report misuse", "Request an account"]
    assert 'Write "my reports" or "my applications" to see where yours are.' in card_text(card)


def test_slt_take_a_case_on_and_add_a_note_and_the_card_shows_it(bot, fake) -> None:
    _submit(bot, _open_dialog(bot), MISUSE_FORM)
    wait_until(lambda: fake.sent(SLT_CHANNEL))
    assert _click(bot, "report_assign", {"ref": "MR-0001"}, SLT_MEMBER) == "MR-0001 is assigned to you."
    assert _click(bot, "report_note", {"ref": "MR-0001", "note": ""}, SLT_MEMBER) == "The note is empty."
    said = _click(bot, "report_note", {"ref": "MR-0001", "note": "Spoke to the pupil's tutor."}, SLT_MEMBER)
    assert said == "Note added to MR-0001."
    wait_until(lambda: "Spoke to the pupil" in card_text(card_of(fake.sent(SLT_CHANNEL)[-1].body)), timeout=20)
    report = bot.services.reports.get("MR-0001")
    assert report.assignee == SLT_MEMBER and report.state == "acknowledged"
    assert [e.action for e in report.timeline] == ["submitted", "acknowledged", "assigned", "note"]
    assert not any("Spoke to the pupil" in t for t in _chat_texts(fake))  # notes are for SLT only


OTHER_STAFF = "29:1fakeUserAadObjectIdxxxxUserOtherNotARealTeamsMriAbCdEfGhIjKlMnOpQrStUvWxYz012345678-Ff"


def _my_reports(bot, user: str, name: str) -> str:
    """What `user` reads after writing "my reports" in their 1:1 chat."""
    chat = f"a:1personal{user[-6:]}"
    before = len(bot.fake.sent(chat))
    bot.send(bot.personal_message("my reports", user=user, name=name))
    [reply] = wait_until(lambda: [c for c in bot.fake.sent(chat)[before:]
                                  if c.body.get("summary") == "Your misuse reports"])
    return card_text(card_of(reply.body))


def test_my_reports_shows_each_person_their_own_and_slt_the_open_ones_never_the_outcome(bot, fake) -> None:
    _submit(bot, _open_dialog(bot), MISUSE_FORM)
    wait_until(lambda: fake.sent(SLT_CHANNEL))
    _click(bot, "report_assign", {"ref": "MR-0001"}, SLT_MEMBER)
    # Teams shows the date in each reader's own zone: the card carries Adaptive Cards' DATE function
    submitted = bot.services.reports.get("MR-0001").submitted_at
    today = "{{DATE(" + submitted[:19] + "Z, SHORT)}}"

    mine = _my_reports(bot, ASKER, "Fake Parent One")
    assert f"MR-0001 Contact from a pupil or ex-pupil ({today}): acknowledged by SLT" in mine.replace("**", "")
    assert "For SLT" not in mine and "friend request" not in mine

    slt = _my_reports(bot, SLT_MEMBER, "Fake Staff Two")
    assert "You haven't reported any misuse" in slt
    assert "Open misuse reports: **1**" in slt and "Account applications awaiting a decision: **0**" in slt
    assert f"MR-0001 Contact from a pupil or ex-pupil ({today}, acknowledged, with Fake Staff Two)" in (
        slt.replace("**", ""))

    other = _my_reports(bot, OTHER_STAFF, "Fake Other Five")  # not the reporter, not SLT
    assert "MR-0001" not in other and "For SLT" not in other
    assert "You haven't reported any misuse" in other

    _click(bot, "report_note", {"ref": "MR-0001", "note": "Spoke to the pupil's tutor."}, SLT_MEMBER)
    close = {"ref": "MR-0001", "outcome": "disciplinary", "note": "Formal warning issued."}
    _click(bot, "report_close", close, SLT_MEMBER)
    _drained(bot)
    mine = _my_reports(bot, ASKER, "Fake Parent One")
    assert f"MR-0001 Contact from a pupil or ex-pupil ({today}): closed" in mine.replace("**", "")
    for secret in ("Disciplinary", "disciplinary", "Formal warning", "Spoke to the pupil", "Fake Staff Two"):
        assert secret not in mine
    assert "Open misuse reports: **0**" in _my_reports(bot, SLT_MEMBER, "Fake Staff Two")


def test_my_reports_asked_in_a_channel_is_answered_in_the_1_1_chat(bot, fake) -> None:
    _submit(bot, _open_dialog(bot), MISUSE_FORM)
    _drained(bot)
    before = len(fake.sent(REPORTER_CHAT))
    bot.send(bot.channel_mention("my reports"))
    [reply] = wait_until(lambda: [c for c in fake.sent(REPORTER_CHAT)[before:]
                                  if c.body.get("summary") == "Your misuse reports"])
    assert "MR-0001" in card_text(card_of(reply.body))
    channel = [c.body for c in fake.sent() if c.conversation.startswith("19:fakeChannelId")]
    assert not any("MR-0001" in (b.get("text") or card_text(b.get("attachments") or [])) for b in channel)


def test_past_the_retention_period_the_slt_card_and_dsl_alert_are_redrawn_without_the_report(bot, fake) -> None:
    """`policybot retention purge` deletes a closed case's content; what Teams already shows must lose it
    too: the SLT card and the DSL alert are updated in place, and nothing new is posted."""
    secret = "Mrs Example's son posted the Year 5 trip photos"
    _submit(bot, _open_dialog(bot), {**MISUSE_FORM, "what_happened": secret, "child_at_risk": "yes"})
    [alert] = wait_until(lambda: fake.sent(DSL_CHANNEL))
    [card] = wait_until(lambda: fake.sent(SLT_CHANNEL))
    assert secret in card_text(card_of(alert.body)) and secret in card_text(card_of(card.body))
    _click(bot, "report_close", {"ref": "MR-0001", "outcome": "advice_given"}, SLT_MEMBER)
    _drained(bot)
    long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=7 * 366)).isoformat(timespec="seconds")
    bot.services.db.connection().execute("UPDATE reports SET closed_at = ?", (long_ago,))

    assert main(["retention", "purge", "--db", str(bot.services.db.path)]) == 0
    bot.services.wake_outbox()

    def now_showing(channel: str) -> str:
        return card_text(card_of(fake.sent(channel)[-1].body))

    wait_until(lambda: all("retention period" in now_showing(c) for c in (DSL_CHANNEL, SLT_CHANNEL)))
    _drained(bot)
    for channel in (DSL_CHANNEL, SLT_CHANNEL):
        posts = [c for c in fake.sent(channel) if c.method == "POST"]
        updates = [c for c in fake.sent(channel) if c.method == "PUT"]
        assert len(posts) == 1 and updates, channel  # redrawn where it was, never posted again
        assert secret not in now_showing(channel) and "Fake Parent One" not in now_showing(channel)
        assert "MR-0001" in now_showing(channel)


def test_someone_else_sending_the_same_dialog_key_files_their_own_report(bot) -> None:
    """A dialog's key makes a retry one report; another person's form with it is theirs, not a receipt
    for someone else's report."""
    dialog = _open_dialog(bot)
    assert "MR-0001" in _submit(bot, dialog, MISUSE_FORM)["value"]
    data = {**dialog["actions"][0]["data"], **MISUSE_FORM, "what_happened": "Something else, seen by someone else."}
    reply = bot.send(bot.dialog_invoke("task/submit", data, user=SLT_MEMBER))
    said = reply.json()["task"]["value"]
    assert "MR-0002" in said and "MR-0001" not in said
    report = bot.services.reports.get("MR-0002")
    assert report.reporter_id == SLT_MEMBER and report.form.what_happened == "Something else, seen by someone else."
