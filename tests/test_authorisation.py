"""Nobody outside SLT can act on a misuse report: every triage action x every kind of actor, over real
HTTP, with Slack's channel membership as the only source of who is SLT.

"Removed a moment ago" is someone the bot has just seen as SLT (their App Home, within the role
cache's minute) and who was then taken out of the SLT channel: the removal must count at once.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import pytest

from bot.slack.blocks.report_card import close_modal, note_modal
from tests.misuse_steps import ADMIN_ONLY, DSL_ONLY, FRIEND_REQUEST, HEAD, TA, TEACHER, card_for, report, shared_bot
from tests.slack_app import ADMIN_CHANNEL, DSL_CHANNEL, SLT_CHANNEL, RunningBot, wait_until

ACTIONS = ("acknowledge", "assign", "note", "close")
# One former SLT member per action, each in the SLT channel until their own test removes them.
JUST_REMOVED = {action: f"UFORMER0{i}" for i, action in enumerate(ACTIONS, 1)}

MEMBERS = {
    SLT_CHANNEL: [HEAD, "UDEPUTY01", "UBOT", *JUST_REMOVED.values()],
    DSL_CHANNEL: [DSL_ONLY, "UBOT"],
    ADMIN_CHANNEL: [ADMIN_ONLY, "UBOT"],
}

ACTORS = {
    "SLT": HEAD,
    "DSL only": DSL_ONLY,
    "admin only": ADMIN_ONLY,
    "the reporter": TA,
    "ordinary staff": TEACHER,
    "removed from SLT a moment ago": "UFORMER",
}

REFUSAL = "Only members of the SLT channel"
_view_ids = itertools.count(1)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    with shared_bot(tmp_path_factory.mktemp("authorisation"), MEMBERS) as running:
        yield running


def new_case(bot: RunningBot) -> str:
    """A fresh open report from the TA, its card posted."""
    confirmation = report(bot, FRIEND_REQUEST, user=TA, view_id=f"VAUTH{next(_view_ids):04d}")
    ref = next(r.ref for r in reversed(bot.services.reports.all()))
    assert ref in json.dumps(confirmation)
    card_for(bot, ref)
    wait_until(lambda: not bot.services.outbox.items("pending"))  # the reporter's copy sent too
    return ref


def seen_as_slt_then_removed(bot: RunningBot, user: str) -> None:
    """The bot sees `user` as SLT (their App Home shows the SLT section, so the role cache holds
    them), then they leave the SLT channel."""
    before = len(bot.slack.calls_to("views.publish"))
    bot.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home", "event_ts": "1.1"})
    home = bot.slack.wait_for("views.publish", before + 1)[-1]
    assert "For SLT" in json.dumps(home.body["view"])
    bot.slack.members[SLT_CHANNEL].remove(user)


def click(bot: RunningBot, action: str, ref: str, user: str) -> None:
    action_id = {"acknowledge": "report_acknowledge", "assign": "report_assign", "note": "report_add_note"}.get(
        action, "report_close"
    )
    assert bot.click_card(action_id, ref, user=user).status == 200


def submit_modal(bot: RunningBot, action: str, ref: str, user: str) -> dict:
    """Submit the note or close form as `user`: a form opened while they were SLT, or sent by hand."""
    if action == "note":
        view, values = note_modal(ref), {"note": "Phoned the parent; they will take the post down."}
    else:
        view, values = close_modal(ref), {"outcome": "advice_given"}
    reply = bot.submit_view(view, values, user=user, view_id=f"VMODAL{next(_view_ids):04d}")
    assert reply.status == 200
    return json.loads(reply.body or b"{}")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", [k for k in ACTORS if k != "SLT"])
def test_only_slt_can_act_on_a_report(bot: RunningBot, who: str, action: str) -> None:
    user = JUST_REMOVED[action] if who == "removed from SLT a moment ago" else ACTORS[who]
    ref = new_case(bot)
    if who == "removed from SLT a moment ago":
        seen_as_slt_then_removed(bot, user)
    responses, opened = len(bot.slack.responses), len(bot.slack.calls_to("views.open"))
    updates = len(bot.slack.calls_to("chat.update"))

    click(bot, action, ref, user)
    told = bot.slack.wait_for_responses(responses + 1)[-1]
    assert told["response_type"] == "ephemeral" and REFUSAL in told["text"]
    assert len(bot.slack.calls_to("views.open")) == opened  # no note or close form for them
    if action in ("note", "close"):
        answer = submit_modal(bot, action, ref, user)
        assert answer["response_action"] == "errors"

    stored = bot.services.reports.get(ref)
    assert stored.state == "open" and stored.assignee is None and stored.outcome is None
    assert [e.action for e in stored.timeline] == ["submitted"]
    assert len(bot.slack.calls_to("chat.update")) == updates
    assert bot.services.outbox.items("pending") == []  # nothing queued for Slack either


@pytest.mark.parametrize("action", ACTIONS)
def test_slt_can_act_on_a_report(bot: RunningBot, action: str) -> None:
    ref = new_case(bot)
    opened = len(bot.slack.calls_to("views.open"))
    click(bot, action, ref, HEAD)
    if action in ("note", "close"):
        form = bot.slack.wait_for("views.open", opened + 1)[-1].body["view"]
        assert form["private_metadata"] == ref
        assert submit_modal(bot, action, ref, HEAD) == {}
    expected = {
        "acknowledge": lambda r: r.state == "acknowledged" and r.acknowledged_by == HEAD,
        "assign": lambda r: r.assignee == HEAD and r.state == "acknowledged",
        "note": lambda r: [e.action for e in r.timeline] == ["submitted", "note"],
        "close": lambda r: r.state == "closed" and r.closed_by == HEAD and r.outcome == "advice_given",
    }[action]
    wait_until(lambda: expected(bot.services.reports.get(ref)))
    wait_until(lambda: [c for c in bot.slack.calls_to("chat.update") if ref in c.body["text"]])


def test_each_decision_asks_slack_afresh_while_app_home_uses_the_cache(bot: RunningBot) -> None:
    ref = new_case(bot)

    def home() -> None:
        before = len(bot.slack.calls_to("views.publish"))
        bot.event({"type": "app_home_opened", "user": HEAD, "channel": "D1", "tab": "home", "event_ts": "1.1"})
        bot.slack.wait_for("views.publish", before + 1)

    def listings() -> int:
        return len(bot.slack.calls_to("conversations.members"))

    home()  # fills the cache (if it was empty)
    cached = listings()
    home()
    assert listings() == cached  # App Home: from the cache
    click(bot, "acknowledge", ref, HEAD)
    wait_until(lambda: bot.services.reports.get(ref).state == "acknowledged")
    assert listings() > cached  # the decision: asked of Slack
    assert bot.slack.calls_to("conversations.members")[-1].body["channel"] == SLT_CHANNEL


def test_when_slack_cannot_say_who_is_slt_nobody_can_act(bot: RunningBot) -> None:
    ref = new_case(bot)
    responses = len(bot.slack.responses)
    bot.slack.fail("conversations.members", "internal_error", times=10)
    click(bot, "acknowledge", ref, HEAD)
    told = bot.slack.wait_for_responses(responses + 1)[-1]
    bot.slack.fail("conversations.members", "internal_error", times=0)
    assert REFUSAL in told["text"]
    assert bot.services.reports.get(ref).state == "open"


@pytest.mark.parametrize("fault", ["repeat_pages", "endless_pages"])
def test_slack_pages_of_members_that_never_end_do_not_hold_the_click(bot: RunningBot, fault: str) -> None:
    """A cursor naming the page it came with, or a new cursor for ever: the members seen so far decide,
    and the click is answered."""
    ref = new_case(bot)
    setattr(bot.slack, fault, True)
    try:
        click(bot, "acknowledge", ref, HEAD)  # HEAD is on the first page
        wait_until(lambda: bot.services.reports.get(ref).state == "acknowledged", timeout=20)
    finally:
        setattr(bot.slack, fault, False)
