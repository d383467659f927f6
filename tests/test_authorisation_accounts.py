"""Who may decide on official accounts: every state-changing step of an application and of the
register x every kind of actor, over real HTTP, with Slack channel membership as the roles.

SLT decide (never on their own application); the administrator marks an account created; SLT and
the administrator change the register. "Removed a moment ago" was seen as SLT by the bot (inside
the role cache's minute) and then taken out of the SLT channel: the removal counts at once.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import pytest

from bot.slack.blocks.account_card import close_account_modal, create_modal, lead_modal, reason_modal
from tests.misuse_steps import ADMIN_ONLY, DEPUTY, DSL_ONLY, HEAD, TA, TEACHER, shared_bot
from tests.slack_app import ADMIN_CHANNEL, DSL_CHANNEL, SLT_CHANNEL, RunningBot, dms_to, posts_to, wait_until

ACTIONS = ("approve", "reject", "request changes", "mark created", "change lead", "close account")
JUST_REMOVED = {action: f"UFORMER{i:02d}" for i, action in enumerate(ACTIONS, 1)}
MEMBERS = {
    SLT_CHANNEL: [HEAD, DEPUTY, "UBOT", *JUST_REMOVED.values()],
    DSL_CHANNEL: [DSL_ONLY, "UBOT"],
    ADMIN_CHANNEL: [ADMIN_ONLY, "UBOT"],
}
ACTORS = {
    "SLT": HEAD,
    "DSL only": DSL_ONLY,
    "admin only": ADMIN_ONLY,
    "the applicant": TA,
    "ordinary staff": TEACHER,
    "removed from SLT a moment ago": None,  # one per action, see JUST_REMOVED
}
ALLOWED = {
    "approve": {"SLT"},
    "reject": {"SLT"},
    "request changes": {"SLT"},
    "mark created": {"admin only"},
    "change lead": {"SLT", "admin only"},
    "close account": {"SLT", "admin only"},
}
APPLICATION = {
    "platform": "youtube",
    "handle": "Dobcroft Music",
    "scope": "department",
    "reason": "Recordings of the choir and orchestra for families who cannot come to concerts. "
    "The school website cannot host video, and the music department will moderate it.",
    "audience": "Families of pupils in the choir and orchestra",
    "lead": TA,
    "moderator": TEACHER,
    "email": "music@dobcroft.sheffield.sch.uk",
    "pupil_images": "no",
    "confirmations": ["separate", "credentials", "monitored"],
}
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    directory = tmp_path_factory.mktemp("account-authorisation")
    with shared_bot(directory, MEMBERS, POLICYBOT_SCHOOL_EMAIL_DOMAIN="dobcroft.sheffield.sch.uk") as running:
        yield running


def _opened(bot: RunningBot, before: int, callback_id: str) -> dict:
    """The form opened after the first `before` forms. Matched by kind, since a form from the previous
    cell's click (opened in the background) may still arrive."""
    return wait_until(
        lambda: next(
            (
                c.body["view"]
                for c in bot.slack.calls_to("views.open")[before:]
                if c.body["view"]["callback_id"] == callback_id
            ),
            None,
        )
    )


def submitted_application(bot: RunningBot) -> str:
    before = len(bot.slack.calls_to("views.open"))
    bot.command("/request-account", "", user=TA)
    reply = bot.submit_view(
        _opened(bot, before, "request_account"), APPLICATION, user=TA, view_id=f"VAPP{next(_ids):04d}"
    ).json()
    ref = json.dumps(reply).split("application ")[1].split("*")[0]
    wait_until(lambda: [c for c in posts_to(bot.slack, SLT_CHANNEL) if ref in c.body["text"]])
    return ref


def approved_application(bot: RunningBot) -> str:
    ref = submitted_application(bot)
    bot.click_card("application_approve", ref, user=DEPUTY)
    wait_until(lambda: bot.services.applications.get(ref).state == "approved")
    return ref


def live_account(bot: RunningBot) -> int:
    ref = approved_application(bot)
    form = create_modal(ref, "Dobcroft Music")
    values = {"handle": "Dobcroft Music", "credentials": ["stored"]}
    bot.submit_view(form, values, user=ADMIN_ONLY, view_id=f"VCRE{next(_ids):04d}")
    return wait_until(lambda: bot.services.applications.get(ref).account_id)


def seen_as_slt_then_removed(bot: RunningBot, user: str) -> None:
    before = len(bot.slack.calls_to("views.publish"))
    bot.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home", "event_ts": "1.1"})
    assert "For SLT" in json.dumps(bot.slack.wait_for("views.publish", before + 1)[-1].body["view"])
    bot.slack.members[SLT_CHANNEL].remove(user)


def attempt(bot: RunningBot, action: str, user: str) -> tuple[str | int, dict | None]:
    """Click the button as `user` and, where the step is a form, also send the form directly (as a
    form opened earlier, or one sent by hand). Returns the record and the form's answer."""
    reason = {"reason": "Please use the existing school channel for concert videos instead of a new one."}
    if action in ("approve", "reject", "request changes"):
        ref = submitted_application(bot)
        action_id = {"approve": "application_approve", "reject": "application_reject"}.get(
            action, "application_request_changes"
        )
        bot.click_card(action_id, ref, user=user)
        if action == "approve":
            return ref, None
        form = reason_modal(ref, changes=action == "request changes")
        return ref, _answer(bot.submit_view(form, reason, user=user, view_id=f"VDEC{next(_ids):04d}"))
    if action == "mark created":
        ref = approved_application(bot)
        bot.click_card("application_create", ref, user=user, channel=ADMIN_CHANNEL)
        values = {"handle": "Dobcroft Music", "credentials": ["stored"]}
        return ref, _answer(bot.submit_view(create_modal(ref, None), values, user=user, view_id=f"VCR{next(_ids):04d}"))
    account_id = live_account(bot)
    account = bot.services.applications.account(account_id)
    if action == "change lead":
        bot.click_home("register_change_lead", str(account_id), user=user)
        form, values = lead_modal(account), {"lead": DEPUTY}
    else:
        bot.click_home("register_close", str(account_id), user=user)
        form, values = close_account_modal(account), {"status": "closed"}
    return account_id, _answer(bot.submit_view(form, values, user=user, view_id=f"VREG{next(_ids):04d}"))


def _answer(reply) -> dict:
    """A modal's answer: empty (the modal closes) or a JSON response_action."""
    assert reply.status == 200
    return json.loads(reply.body or b"{}")


def changed(bot: RunningBot, action: str, record: str | int) -> bool:
    if action in ("change lead", "close account"):
        account = bot.services.applications.account(record)
        return account.lead_id == DEPUTY if action == "change lead" else account.status == "closed"
    state = bot.services.applications.get(record).state
    return state != {"mark created": "approved"}.get(action, "submitted")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", list(ACTORS))
def test_account_steps_are_allowed_or_refused_exactly_as_the_policies_say(bot: RunningBot, who: str, action: str):
    user = JUST_REMOVED[action] if ACTORS[who] is None else ACTORS[who]
    if ACTORS[who] is None:
        seen_as_slt_then_removed(bot, user)
    responses, dms = len(bot.slack.responses), len(dms_to(bot.slack, user))
    record, answer = attempt(bot, action, user)
    if who in ALLOWED[action]:
        assert not (answer or {}).get("errors"), answer
        wait_until(lambda: changed(bot, action, record))
        return
    assert answer is None or answer.get("response_action") == "errors"
    if action in ("change lead", "close account"):  # a Home-tab button: told in a message
        told = wait_until(lambda: [t for t in dms_to(bot.slack, user)[dms:] if "Only" in t])[0]
    else:
        told = bot.slack.wait_for_responses(responses + 1)[-1]["text"]
    assert "Only" in told or "own application" in told
    assert not changed(bot, action, record)
