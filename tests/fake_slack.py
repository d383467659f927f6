"""A fake Slack Web API on 127.0.0.1 for tests: records every call, checks the bearer token,
answers like Slack does, and fails on demand (HTTP 500, 429 with Retry-After, Slack errors, or
refusing connections altogether). It also receives posts to response_url addresses."""

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


@dataclass
class Failure:
    kind: str  # "500", "429", or a Slack error code such as "channel_not_found"
    times: int
    retry_after: int = 1


@dataclass
class FakeSlack:
    token: str = "xoxb-test-token"
    bot_user_id: str = "UBOT"
    members: dict[str, list[str]] = field(default_factory=dict)
    page_size: int = 2
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    socket_url: str | None = None

    def __post_init__(self) -> None:
        self._failures: dict[str, Failure] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
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

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

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
        with self._lock:
            self.calls.append(Call(method, token, body))
        failure = self._take_failure(method)
        if failure is not None:
            if failure.kind == "500":
                return 500, {}, {"ok": False, "error": "internal_error"}
            if failure.kind == "429":
                return 429, {"Retry-After": str(failure.retry_after)}, {"ok": False, "error": "ratelimited"}
            return 200, {}, {"ok": False, "error": failure.kind}
        if method == "apps.connections.open":
            return 200, {}, {"ok": True, "url": self.socket_url}
        if token != self.token:
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        return 200, {}, self._ok(method, body)

    def _ok(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": self.bot_user_id, "team_id": "T111", "bot_id": "BBOT"}
        if method in ("chat.postMessage", "chat.update"):
            ts = body.get("ts") or f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": body.get("channel"), "ts": ts, "message": {"text": body.get("text")}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method in ("views.open", "views.publish", "views.update", "views.push"):
            return {"ok": True, "view": {"id": f"V{next(self._ts):08d}", **(body.get("view") or {})}}
        if method == "conversations.members":
            members = self.members.get(body.get("channel", ""), [])
            start = int(body.get("cursor") or 0)
            page = members[start : start + self.page_size]
            next_cursor = str(start + self.page_size) if start + self.page_size < len(members) else ""
            return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + body.get("users", "X")}}
        return {"ok": True}


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
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
