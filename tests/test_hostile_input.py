"""Whatever staff type, the bot neither breaks nor lets the text act as Slack markup.

Generated questions and report forms (any Unicode, right-to-left and zero-width marks, 3,000-character
fields, `<!channel>`, `<@U123>`, `<https://evil|click>`, mrkdwn characters, SQL fragments) go through
`/policy`, `/report-misuse` and `/request-account` over real HTTP. Every reply is a 2xx without a traceback, reports are
stored exactly as typed, and no Slack message or reply carries markup that came from the user: every
`<` the bot sends opens a mention or date it wrote itself.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cases.accounts import MAX_SHORT
from bot.cases.misuse import MAX_SHORT_TEXT, MAX_WHAT_HAPPENED
from bot.questions import MAX_QUESTION_CHARS
from bot.slack.blocks.account_form import application_modal
from bot.slack.blocks.report_card import note_modal
from bot.slack.blocks.report_form import report_modal
from tests.fake_slack import Call
from tests.misuse_steps import (
    HEAD,
    SLT_MEMBERS,
    TA,
    shared_bot,
)
from tests.slack_app import RunningBot, wait_until

HOSTILE = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S0123|@slt>",
    "<@U123>",
    "<@UHEAD0001>",  # a real SLT member's id: still must not become a mention from user text
    "<#C0123|general>",
    "<https://evil.example|click>",
    "<mailto:a@evil.example|mail>",
    "<!date^1700000000^{date}|now>",
    "*bold*",
    "_italic_",
    "~strike~",
    "`code`",
    "```block```",
    "> quoted",
    "&amp;",
    "&lt;!channel&gt;",
    "'; DROP TABLE reports; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM questions;--",
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\ufeff",  # byte-order mark
    "\u2028",  # line separator
    "مرحبا بالعالم",
    "שלום",
    "👩‍🏫🏳️‍🌈",
    "e\u0301",  # combining accent
    "\n",
    "\t",
]

fragments = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
hostile_text = st.lists(fragments, min_size=1, max_size=12).map("".join)


def _repeat_to(text: str, size: int) -> str:
    return (text * (size // max(1, len(text)) + 1))[:size]


long_hostile_text = hostile_text.filter(str.strip).map(lambda t: _repeat_to(t, MAX_WHAT_HAPPENED))

# The bot's own markup: mentions of people it knows, and Slack dates it formats. Anything else is the user's.
_KNOWN_USERS = {TA, HEAD, *SLT_MEMBERS["GSLT0001"]}
_OWN_MARKUP = re.compile(r"<@(U[A-Z0-9]+)>|<!date\^\d+\^\{date_short_pretty\} \{time\}\|[0-9T:+-]+>")

_view_ids = itertools.count(1)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    with shared_bot(tmp_path_factory.mktemp("hostile")) as running:
        yield running


def assert_no_user_markup(*payloads: object) -> None:
    for payload in payloads:
        text = json.dumps(payload, ensure_ascii=False)
        for at in (m.start() for m in re.finditer("<", text)):
            own = _OWN_MARKUP.match(text, at)
            assert own is not None, f"markup from user text: {text[at : at + 60]!r}"
            assert own.group(1) is None or own.group(1) in _KNOWN_USERS, own.group(0)


def slack_bodies(calls: list[Call]) -> list[dict]:
    return [c.body for c in calls]


def settle(bot: RunningBot) -> None:
    """Wait until the outbox has sent everything (so its messages can be checked)."""
    wait_until(lambda: not bot.services.outbox.items("pending"))


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(question=hostile_text, escalate=st.booleans())
def test_any_question_gets_an_answer_or_a_friendly_no(bot: RunningBot, question: str, escalate: bool) -> None:
    calls, responses = len(bot.slack.calls), len(bot.slack.responses)
    before = bot.services.db.connection().execute("SELECT max(id) FROM questions").fetchone()[0] or 0
    reply = bot.command("/policy", question)
    assert reply.status == 200 and b"Traceback" not in reply.body
    data = reply.json()
    assert data["response_type"] == "ephemeral"
    assert_no_user_markup(data)
    logged = bot.services.db.connection().execute("SELECT * FROM questions WHERE id > ?", (before,)).fetchall()
    folded = " ".join(question.split())
    if data["text"].startswith("Sorry, I can't look that up"):
        assert not logged  # refused: control characters, empty, or too long
        controls = any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in question)
        assert not folded or len(folded) > MAX_QUESTION_CHARS or controls
        return
    if folded.lower() in ("", "help", "?", "-h", "--help"):
        return
    [row] = logged
    # Stored as typed, with runs of spaces folded (so the same question groups together in reports).
    assert row["question"] == folded and row["user_id"] is None
    ask_slt = [e for b in data["blocks"] for e in b.get("elements", []) if e.get("action_id") == "answer_ask_slt"]
    if escalate and ask_slt:
        bot.click("answer_ask_slt", ask_slt[0]["value"], user=TA)
        bot.slack.wait_for_responses(responses + 1)
    assert_no_user_markup(*slack_bodies(bot.slack.calls[calls:]), *bot.slack.responses[responses:])


@SETTINGS
@given(
    what=st.one_of(hostile_text, long_hostile_text),
    where=hostile_text,
    others=hostile_text,
    risk=st.sampled_from(["yes", "no", "not_sure"]),
    note=hostile_text.filter(str.strip),
)
def test_any_report_is_stored_as_typed_and_shown_as_plain_text(
    bot: RunningBot, what: str, where: str, others: str, risk: str, note: str
) -> None:
    what = ("A parent posted: " + what)[:MAX_WHAT_HAPPENED]
    where, others = where[:MAX_SHORT_TEXT], others[:MAX_SHORT_TEXT]
    calls, responses = len(bot.slack.calls), len(bot.slack.responses)
    view = report_modal(bot.services.school, dt.date.today())
    values = {"category": "parent_post", "what_happened": what, "where_seen": where, "others": others}
    values["child_at_risk"] = risk
    reply = bot.submit_view(view, values, user=TA, view_id=f"VHOSTILE{next(_view_ids):05d}")
    assert reply.status == 200 and b"Traceback" not in reply.body
    confirmation = reply.json()
    assert confirmation["response_action"] == "update", confirmation
    ref = re.search(r"MR-\d{4}", json.dumps(confirmation)).group(0)

    stored = bot.services.reports.get(ref)
    assert stored.form.what_happened == what
    assert stored.form.where_seen == (where if where.strip() else None)
    assert stored.form.others == (others if others.strip() else None)

    settle(bot)
    assert bot.submit_view(note_modal(ref), {"note": note}, user=HEAD, view_id=f"VNOTE{next(_view_ids):05d}").body in (
        b"",
        b"{}",
    )
    assert bot.services.reports.get(ref).timeline[-1].detail == note
    settle(bot)
    sent = slack_bodies(bot.slack.calls[calls:])
    assert any(c.get("channel") == "GSLT0001" for c in sent)
    assert_no_user_markup(confirmation, *sent, *bot.slack.responses[responses:])


def test_a_field_over_the_limit_is_refused_and_nothing_stored(bot: RunningBot) -> None:
    view = report_modal(bot.services.school, dt.date.today())
    before = len(bot.services.reports.all())
    values = {"category": "other", "what_happened": "<!channel>" * 301, "child_at_risk": "no", "others": "x" * 501}
    data = bot.submit_view(view, values, view_id="VTOOLONG1").json()
    assert data["response_action"] == "errors" and set(data["errors"]) == {"what_happened", "others"}
    assert len(bot.services.reports.all()) == before


@SETTINGS
@given(handle=hostile_text, reason=hostile_text, audience=hostile_text)
def test_any_application_is_stored_as_typed_or_refused_next_to_its_field(
    bot: RunningBot, handle: str, reason: str, audience: str
) -> None:
    handle, audience = handle[:MAX_SHORT], audience[:MAX_SHORT]
    reason = "We want to share class news with families. It saves paper every week. " + reason
    values = {
        "platform": "blog",
        "handle": handle,
        "scope": "class",
        "reason": reason,
        "audience": audience,
        "lead": TA,
        "moderator": HEAD,
        "email": "class@school.example.org",
        "pupil_images": "no",
        "confirmations": ["separate", "credentials", "monitored"],
    }
    calls = len(bot.slack.calls)
    reply = bot.submit_view(application_modal(TA), values, user=TA, view_id=f"VAPPH{next(_view_ids):05d}")
    assert reply.status == 200 and b"Traceback" not in reply.body
    data = reply.json()
    if data["response_action"] == "errors":
        # Only what the rules refuse: a blank required field, or something that reads like a password.
        assert set(data["errors"]) <= {"handle", "audience", "reason"}
        for field, message in data["errors"].items():
            blank = not values[field].strip()
            assert blank or "password" in message, (field, message)
        return
    ref = re.search(r"AR-\d{4}", json.dumps(data)).group(0)
    stored = bot.services.applications.get(ref).form
    assert (stored.handle, stored.reason, stored.audience) == (handle, reason, audience)
    settle(bot)
    assert_no_user_markup(data, *slack_bodies(bot.slack.calls[calls:]))
