"""Only Slack can make the bot act: a forged, stale, unsigned, malformed or oversized request over real
HTTP is refused with a 4xx, runs no listener, stores nothing and calls Slack for nothing.

One bot serves the whole module. Each attack is tried against each kind of request the bot handles.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import logging
import socket
import time
from collections.abc import Callable, Iterator
from urllib.parse import quote

import pytest
from slack_sdk.signature import SignatureVerifier

from bot.slack.blocks.report_form import report_modal
from bot.slack.http_server import MAX_BODY_BYTES
from tests.misuse_steps import (
    FRIEND_REQUEST,
    HEAD,
    TA,
    card_for,
    report,
    shared_bot,
    table_counts,
)
from tests.slack_app import Reply, RunningBot, sign, wait_until

FORM = "application/x-www-form-urlencoded"
SECRET_WORD = "Instagram"  # from FRIEND_REQUEST, in any encoding: must never reach a log


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    with shared_bot(tmp_path_factory.mktemp("security")) as running:
        report(running, FRIEND_REQUEST, view_id="VSTORED01")  # MR-0001: a case the attacks aim at
        card_for(running, "MR-0001")
        wait_until(lambda: not running.services.outbox.items("pending"))  # all its messages sent
        yield running


# -- what an attacker might send: each a (body, content type) the bot would act on if it were signed --
def policy_question(bot: RunningBot) -> tuple[bytes, str]:
    return bot.command_body("/policy", "can I friend a parent?"), FORM


def open_report_form(bot: RunningBot) -> tuple[bytes, str]:
    return bot.command_body("/report-misuse", ""), FORM


def report_submission(bot: RunningBot) -> tuple[bytes, str]:
    view = report_modal(bot.services.school, dt.date.today())
    return bot.view_submission_body(view, FRIEND_REQUEST, TA, f"VFORGED{time.time_ns()}"), FORM


def slt_acknowledges(bot: RunningBot) -> tuple[bytes, str]:
    return _interactive_body(bot, lambda: bot.click_card("report_acknowledge", "MR-0001", user=HEAD))


def app_home_opened(bot: RunningBot) -> tuple[bytes, str]:
    return _interactive_body(
        bot, lambda: bot.event({"type": "app_home_opened", "user": TA, "channel": "D1", "tab": "home"})
    )


def _interactive_body(bot: RunningBot, send: Callable[[], Reply]) -> tuple[bytes, str]:
    """The body and content type the helper would send, captured instead of sent."""
    captured: dict[str, tuple[bytes, str]] = {}
    original = bot.signed

    def capture(body: bytes, content_type: str, **_: object) -> Reply:
        captured["request"] = (body, content_type)
        return Reply(0, b"")

    bot.signed = capture  # type: ignore[method-assign]
    try:
        send()
    finally:
        bot.signed = original  # type: ignore[method-assign]
    return captured["request"]


REQUESTS = [policy_question, open_report_form, report_submission, slt_acknowledges, app_home_opened]


# -- the attacks: headers for a body, or None to send no such header --
def forged_signature(body: bytes) -> dict[str, str]:
    return {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64}


def wrong_secret(body: bytes) -> dict[str, str]:
    now = int(time.time())
    return {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": sign(body, now, secret="guessed-secret")}


def replayed_six_minutes_later(body: bytes) -> dict[str, str]:
    then = int(time.time()) - 6 * 60  # a real, correctly signed request captured and sent again
    return {"X-Slack-Request-Timestamp": str(then), "X-Slack-Signature": sign(body, then)}


def timestamp_from_the_future(body: bytes) -> dict[str, str]:
    later = int(time.time()) + 6 * 60
    return {"X-Slack-Request-Timestamp": str(later), "X-Slack-Signature": sign(body, later)}


def signed_for_another_body(body: bytes) -> dict[str, str]:
    now = int(time.time())
    return {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": sign(body + b"&extra=1", now)}


def no_headers(body: bytes) -> dict[str, str]:
    return {}


def no_timestamp(body: bytes) -> dict[str, str]:
    return {"X-Slack-Signature": sign(body, int(time.time()))}


def no_signature(body: bytes) -> dict[str, str]:
    return {"X-Slack-Request-Timestamp": str(int(time.time()))}


def timestamp_not_a_number(body: bytes) -> dict[str, str]:
    # Bolt alone answers this with a 500 and a traceback (int("soon")).
    return {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": sign(body, int(time.time()))}


def signature_not_ascii(body: bytes) -> dict[str, str]:
    # Bolt alone answers this with a 500: hmac.compare_digest refuses non-ASCII strings.
    return {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=\u00e9" * 16}


ATTACKS = [
    forged_signature,
    wrong_secret,
    replayed_six_minutes_later,
    timestamp_from_the_future,
    signed_for_another_body,
    no_headers,
    no_timestamp,
    no_signature,
    timestamp_not_a_number,
    signature_not_ascii,
]


def post_raw(bot: RunningBot, body: bytes, content_type: str, headers: dict[str, str], send_body: bool = True) -> Reply:
    # urllib refuses non-latin-1 header values, so header bytes are written as UTF-8 by hand.
    port = int(bot.base_url.rsplit(":", 1)[1])
    lines = [
        "POST /slack/events HTTP/1.1",
        "Host: 127.0.0.1",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        "Connection: close",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall("\r\n".join(lines).encode() + b"\r\n\r\n" + (body if send_body else b""))
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    return Reply(int(head.split()[1]), payload)


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("request_for", REQUESTS, ids=lambda f: f.__name__)
def test_a_request_not_signed_by_slack_just_now_is_refused_and_does_nothing(
    bot: RunningBot, request_for: Callable, attack: Callable
) -> None:
    body, content_type = request_for(bot)
    before_rows, before_calls = table_counts(bot), len(bot.slack.calls)
    reply = post_raw(bot, body, content_type, attack(body))
    assert reply.status == 401
    assert b"Traceback" not in reply.body and body not in reply.body
    assert table_counts(bot) == before_rows
    assert len(bot.slack.calls) == before_calls  # no views.open, chat.*, conversations.members ...


@pytest.mark.parametrize("request_for", REQUESTS, ids=lambda f: f.__name__)
def test_an_oversized_body_is_refused_before_it_is_read(bot: RunningBot, request_for: Callable) -> None:
    body, content_type = request_for(bot)
    padded = body + b"&padding=" + b"x" * MAX_BODY_BYTES  # correctly signed, just too big
    now = int(time.time())
    headers = {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": sign(padded, now)}
    before_rows, before_calls = table_counts(bot), len(bot.slack.calls)
    # Only the headers are sent: the refusal must come from Content-Length alone.
    assert post_raw(bot, padded, content_type, headers, send_body=False).status == 413
    assert table_counts(bot) == before_rows and len(bot.slack.calls) == before_calls


def test_an_oversized_chunked_body_without_a_length_is_refused(bot: RunningBot) -> None:
    port = int(bot.base_url.rsplit(":", 1)[1])
    chunk = b"x" * (MAX_BODY_BYTES + 1)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: " + FORM.encode()
        )
        conn.sendall(b"\r\n\r\n" + f"{len(chunk):x}".encode() + b"\r\n" + chunk + b"\r\n0\r\n\r\n")
        assert conn.recv(64).startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"payload=not-json", FORM),
        (b"payload=%5B1%2C2%5D", FORM),  # a JSON list, not an object
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"payload=" + b"%5B" * 50_000, FORM),  # nesting deep enough to exhaust the JSON parser
    ],
    ids=["payload-not-json", "payload-a-list", "json-broken", "json-a-list", "json-nested-50000-deep"],
)
def test_a_signed_but_malformed_body_is_a_400_not_a_crash(bot: RunningBot, body: bytes, content_type: str) -> None:
    before = table_counts(bot)
    reply = bot.signed(body, content_type)
    assert reply.status == 400 and b"Traceback" not in reply.body
    assert table_counts(bot) == before


def _payload(**parts: object) -> bytes:
    payload = {"type": "block_actions", "user": {"id": "UTEACH01"}, "team": {"id": "T0001"}, **parts}
    return b"payload=" + quote(json.dumps(payload)).encode()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (_payload(actions=["x"]), FORM),
        (_payload(actions=[None]), FORM),
        (_payload(actions={}), FORM),
        (_payload(actions=[]), FORM),
        (_payload(actions=[{"action_id": "report_acknowledge", "value": {"ref": "MR-0001"}}]), FORM),
        (_payload(type="view_submission", view={"callback_id": "misuse_report"}), FORM),
        (_payload(type="view_submission", view={"id": "V1", "private_metadata": {}, "state": {"values": {}}}), FORM),
        (_payload(type="view_submission", view={"id": "V1", "state": {"values": {"b": "x"}}}), FORM),
        (json.dumps({"type": "event_callback", "event": "x"}).encode(), "application/json"),
        (json.dumps({"type": "event_callback", "event": {"type": "message", "thread_ts": {}}}).encode(),
         "application/json"),
    ],
    ids=["actions-strings", "actions-null", "actions-object", "actions-empty", "action-value-object", "view-no-id",
         "view-metadata-object", "view-state-block-string", "event-string", "event-thread-ts-object"],
)  # fmt: skip
def test_a_signed_payload_with_parts_of_the_wrong_type_is_a_400_not_a_crash(
    bot: RunningBot, body: bytes, content_type: str
) -> None:
    """Bolt's matching raises on these before any listener could refuse them in words."""
    before = table_counts(bot)
    reply = bot.signed(body, content_type)
    assert reply.status == 400 and b"Traceback" not in reply.body
    assert table_counts(bot) == before


def test_a_report_replayed_within_five_minutes_is_still_one_report(bot: RunningBot) -> None:
    """Slack's signature cannot tell a replay inside its five-minute window from the original; the
    view id (the report's idempotency key) can."""
    body, content_type = report_submission(bot)
    first = bot.signed(body, content_type).json()
    again = bot.signed(body, content_type).json()
    ref = next(r.ref for r in reversed(bot.services.reports.all()))
    assert ref in json.dumps(first) and ref in json.dumps(again)
    assert sum(r.form.what_happened == FRIEND_REQUEST["what_happened"] for r in bot.services.reports.all()) == 2


def test_refused_requests_never_put_their_body_in_the_log(bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    """Bolt's own check logs a refused request's whole body; ours refuses before Bolt sees it."""
    caplog.set_level(logging.DEBUG)
    body, content_type = report_submission(bot)
    assert post_raw(bot, body, content_type, replayed_six_minutes_later(body)).status == 401
    assert SECRET_WORD not in caplog.text


def test_signatures_are_compared_in_constant_time() -> None:
    """The check is slack_sdk's; this pins the property docs/reliability.md relies on."""
    assert "hmac.compare_digest(" in inspect.getsource(SignatureVerifier.is_valid)


def test_after_every_attack_no_listener_had_run_and_a_real_request_still_works(bot: RunningBot) -> None:
    time.sleep(0.3)  # lazy listeners, had any been started, would have called Slack by now
    assert len(bot.slack.calls_to("views.open")) == 1  # the fixture's own report form
    for method in ("conversations.members", "chat.update", "views.publish"):
        assert bot.slack.calls_to(method) == [], method
    assert bot.services.reports.get("MR-0001").state == "open"  # MR-0001 was never acknowledged
    before = table_counts(bot)["questions"]
    reply = bot.command("/policy", "can I friend a parent?")
    assert reply.status == 200 and reply.json()["response_type"] == "ephemeral"
    assert table_counts(bot)["questions"] == before + 1
