"""A fake Slack Web API on 127.0.0.1 for tests: records every call, checks the bearer token,
answers like Slack does, and fails on demand (HTTP 500, 429 with Retry-After, Slack errors, hanging
past the client's timeout, or refusing connections altogether). It can hold a method's requests open
until the test releases them, keeps each channel's history, and receives posts to response_url
addresses."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse


@dataclass
class Call:
    method: str
    token: str | None
    body: dict[str, Any]
    # Why Slack did not act on the call ("500", "timeout", "invalid_auth", ...); None once it did.
    failed: str | None = "pending"

    @property
    def delivered(self) -> bool:
        return self.failed is None


@dataclass
class Failure:
    # "500", "429", "timeout" (hangs, does nothing), "slow" (acts, then hangs), or a Slack error code
    kind: str
    times: int
    retry_after: int = 1


# How long a "timeout" failure hangs: longer than the client timeout tests configure (1 s).
TIMEOUT_HANG_SECONDS = 2.0


@dataclass
class FakeSlack:
    token: str = "xoxb-test-token"
    bot_user_id: str = "UBOT"
    members: dict[str, list[str]] = field(default_factory=dict)
    page_size: int = 2
    repeat_pages: bool = False  # a Slack fault: every page of members names itself as the next one
    endless_pages: bool = False  # a Slack fault: members and history pages always name a next one
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    socket_url: str | None = None

    def __post_init__(self) -> None:
        self._failures: dict[str, Failure] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._holds: dict[str, _Hold] = {}
        self.history: dict[str, list[dict[str, Any]]] = {}
        self.port = 0

    # -- control -------------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        handler = _handler_for(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening: clients now get 'connection refused'."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    def fail(self, method: str, kind: str, times: int = 1, retry_after: int = 1) -> None:
        with self._lock:
            self._failures[method] = Failure(kind, times, retry_after)

    def hold(self, method: str) -> None:
        """Keep every request to `method` open (unanswered) until `release`."""
        with self._lock:
            self._holds[method] = _Hold()

    def wait_held(self, method: str, timeout: float = 10.0) -> Call:
        """The first request caught by `hold`, once it has arrived."""
        hold = self._holds[method]
        if not hold.arrived.wait(timeout):
            raise AssertionError(f"no {method} request arrived to hold")
        assert hold.call is not None
        return hold.call

    def release(self, method: str, act: bool = True) -> None:
        """Answer held requests: `act` as Slack would (the message is posted), or not (as if the request
        never got through)."""
        with self._lock:
            hold = self._holds.pop(method)
        hold.act = act
        hold.released.set()

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def delivered(self, method: str, channel: str | None = None) -> list[Call]:
        """Calls Slack acted on (not refused, failed or timed out), optionally to one channel."""
        return [c for c in self.calls_to(method) if c.delivered and channel in (None, c.body.get("channel"))]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} call(s) to {method}, got {len(self.calls_to(method))}")

    def wait_for_responses(self, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.responses) >= count:
                    return list(self.responses)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} response_url post(s), got {len(self.responses)}")

    # -- behaviour -----------------------------------------------------------------------------
    def _take_failure(self, method: str) -> Failure | None:
        with self._lock:
            failure = self._failures.get(method)
            if failure is None or failure.times <= 0:
                return None
            failure.times -= 1
            return failure

    def answer(self, method: str, token: str | None, body: dict[str, Any]) -> tuple[int, dict[str, str], dict]:
        call = Call(method, token, body)
        with self._lock:
            self.calls.append(call)
            hold = self._holds.get(method)
        if hold is not None and not hold.wait(call):
            call.failed = "held"
            return 500, {}, {"ok": False, "error": "internal_error"}
        failure = self._take_failure(method)
        if failure is not None:
            call.failed = failure.kind
            if failure.kind == "500":
                return 500, {}, {"ok": False, "error": "internal_error"}
            if failure.kind == "429":
                return 429, {"Retry-After": str(failure.retry_after)}, {"ok": False, "error": "ratelimited"}
            if failure.kind == "timeout":
                time.sleep(TIMEOUT_HANG_SECONDS)  # the client has given up by now; nothing was posted
                return 504, {}, {"ok": False, "error": "timeout"}
            if failure.kind == "slow":  # Slack acts, but answers after the client has given up
                call.failed = None
                result = self._ok(method, body)
                time.sleep(TIMEOUT_HANG_SECONDS)
                return 200, {}, result
            return 200, {}, {"ok": False, "error": failure.kind}
        if method == "apps.connections.open":
            call.failed = None
            return 200, {}, {"ok": True, "url": self.socket_url}
        if token != self.token:
            call.failed = "invalid_auth"
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        call.failed = None
        return 200, {}, self._ok(method, body)

    def _ok(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": self.bot_user_id, "team_id": "T111", "bot_id": "BBOT"}
        if method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            message = {
                "type": "message",
                "ts": ts,
                "user": self.bot_user_id,
                "bot_id": "BBOT",
                "text": body.get("text"),
            }
            with self._lock:
                self.history.setdefault(body.get("channel", ""), []).append(message)
            return {"ok": True, "channel": body.get("channel"), "ts": ts, "message": message}
        if method == "chat.update":
            return {
                "ok": True,
                "channel": body.get("channel"),
                "ts": body.get("ts"),
                "message": {"text": body.get("text")},
            }
        if method == "conversations.history":
            oldest = float(body.get("oldest") or 0)
            with self._lock:
                found = [m for m in self.history.get(body.get("channel", ""), []) if float(m["ts"]) > oldest]
            if self.endless_pages:  # empty pages, each naming another
                following = str(int(body.get("cursor") or 0) + 1)
                return {"ok": True, "messages": [], "has_more": True, "response_metadata": {"next_cursor": following}}
            return {"ok": True, "messages": found[::-1], "has_more": False}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method in ("views.open", "views.publish", "views.update", "views.push"):
            return {"ok": True, "view": {"id": f"V{next(self._ts):08d}", **(body.get("view") or {})}}
        if method == "conversations.members":
            members = self.members.get(body.get("channel", ""), [])
            start = int(body.get("cursor") or 0)
            page = members[start : start + self.page_size]
            next_cursor = str(start + self.page_size) if start + self.page_size < len(members) else ""
            if self.repeat_pages:
                next_cursor = str(start)
            if self.endless_pages:
                next_cursor = str(start + self.page_size)
            return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + body.get("users", "X")}}
        return {"ok": True}


@dataclass
class _Hold:
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    call: Call | None = None
    act: bool = True

    def wait(self, call: Call) -> bool:
        """Block until released; True if Slack should then act on the call."""
        if self.call is None:
            self.call = call
        self.arrived.set()
        self.released.wait(60)
        return self.act


def _parse(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    parsed: dict[str, Any] = dict(parse_qsl(raw.decode(), keep_blank_values=True))
    for key in ("blocks", "view"):
        if isinstance(parsed.get(key), str):
            parsed[key] = json.loads(parsed[key])
    return parsed


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = _parse(self.rfile.read(length), self.headers.get("Content-Type", ""))
            path = urlparse(self.path).path
            if path.startswith("/response/"):
                with fake._lock:
                    fake.responses.append(body)
                self._send(200, {}, {"ok": True})
                return
            method = path.removeprefix("/api/")
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else body.get("token")
            self._send(*fake.answer(method, token, body))

        def _send(self, status: int, headers: dict[str, str], payload: dict) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (a timeout) or was killed while its request was held
                pass

    return Handler
