"""A fake Bot Framework on 127.0.0.1 for tests: the login service (OpenID configuration and the JWKS
of its own RSA key, a token endpoint for the bot's outgoing token), a token issuer for activities
sent to the bot (the Bot Connector's signed JWT), and the connector REST API (send, update, create
a 1:1 conversation, paged members). It records every call, checks the bot's bearer token on
connector calls, and fails on demand (HTTP 500, 429 with Retry-After, hanging past the client's
timeout)."""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
APP_ID = "00000000-0000-0000-0000-0000000000a1"
APP_PASSWORD = "fake-client-secret"
TENANT_ID = "00000000-0000-0000-0000-000000000001"
# How long a "timeout" failure hangs: longer than the client timeout tests configure.
TIMEOUT_HANG_SECONDS = 2.5


@dataclass
class ConnectorCall:
    method: str  # "POST", "PUT", "GET"
    path: str  # decoded, e.g. /v3/conversations/19:abc@thread.tacv2/activities
    token: str | None
    body: dict[str, Any]
    failed: str | None = None  # "500", "429", "timeout", "401"; None once the connector acted on it

    @property
    def delivered(self) -> bool:
        return self.failed is None

    @property
    def conversation(self) -> str:
        parts = self.path.split("/")
        return parts[3] if len(parts) > 3 else ""


@dataclass
class Failure:
    kind: str  # "500", "429", "timeout"; for "openid" and "keys" also "maintenance", "no keys" and "hold"
    times: int
    retry_after: int = 1


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class FakeBotFramework:
    app_id: str = APP_ID
    app_password: str = APP_PASSWORD
    # conversation id -> member objects (as the connector returns them), paged `page_size` at a time
    members: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    page_size: int = 2
    repeat_pages: bool = False  # a connector fault: every page of members names itself as the next one
    endless_pages: bool = False  # a connector fault: every page of members names a next one
    calls: list[ConnectorCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = new_key()
        self.kid = "fake-key-1"
        # The Bot Framework publishes keys for other channels too; this one is endorsed for Web Chat only.
        self.webchat_key = new_key()
        self.webchat_kid = "fake-key-webchat"
        self._lock = threading.Lock()
        self._failures: dict[str, Failure] = {}
        self._ids = itertools.count(1768471300000)
        self.holding = 0  # "hold" failures now waiting for `released`
        self.released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self.bot_tokens: list[str] = []  # every token issued to the bot
        self.token_requests: list[dict[str, str]] = []
        self.conversations_created: list[dict[str, Any]] = []

    # -- URLs ------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def openid_url(self) -> str:
        return f"{self.base_url}/v1/.well-known/openidconfiguration"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/{TENANT_ID}/oauth2/v2.0/token"

    @property
    def service_url(self) -> str:
        """The connector's serviceUrl as activities carry it (opaque, tenant-scoped, trailing slash)."""
        return f"{self.base_url}/teams/{TENANT_ID}/"

    # -- tokens for activities sent to the bot ----------------------------------------------------
    def activity_token(
        self,
        service_url: str | None = None,
        *,
        audience: str | None = None,
        issuer: str = ISSUER,
        expires_in: int = 3600,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience or self.app_id,
            "serviceurl": service_url or self.service_url,
            "nbf": now - 60,
            "exp": now + expires_in,
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})

    # -- failures --------------------------------------------------------------------------------
    def fail(self, what: str, kind: str, times: int = 1, retry_after: int = 1) -> None:
        """Make the next `times` calls of `what` ("send", "update", "create", "members", "token", and the
        token checker's "openid" configuration and "keys") fail."""
        with self._lock:
            self._failures[what] = Failure(kind, times, retry_after)

    def _take_failure(self, what: str) -> Failure | None:
        with self._lock:
            failure = self._failures.get(what)
            if failure is None or failure.times <= 0:
                return None
            failure.times -= 1
            return failure

    # -- what tests read -------------------------------------------------------------------------
    def sent(self, conversation: str | None = None) -> list[ConnectorCall]:
        """Activities the connector took (posts and updates), optionally to one conversation."""
        return [
            c
            for c in self.calls
            if c.delivered and c.method in ("POST", "PUT") and "/activities" in c.path
            and (conversation is None or c.conversation == conversation)
        ]

    def wait_for(self, predicate, timeout: float = 10.0) -> list[ConnectorCall]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [c for c in list(self.calls) if predicate(c)]
            if found:
                return found
            time.sleep(0.02)
        raise AssertionError(f"no matching connector call within {timeout}s; calls: {self.calls}")

    # -- server ----------------------------------------------------------------------------------
    def start(self) -> FakeBotFramework:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def do_PUT(self) -> None:
                fake._handle(self, "PUT")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fake-bot-framework", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- handling --------------------------------------------------------------------------------
    def _handle(self, h: Any, method: str) -> None:
        url = urlparse(h.path)
        path = unquote(url.path)
        raw = h._body() if method in ("POST", "PUT") else b""
        if method == "GET" and path in ("/v1/.well-known/openidconfiguration", "/v1/keys"):
            failure = self._take_failure("openid" if "openid" in path else "keys")
            if failure is not None and failure.kind == "hold":  # answers only once the test says so
                with self._lock:
                    self.holding += 1
                self.released.wait(30)
                with self._lock:
                    self.holding -= 1
                failure = None
            if failure is not None and failure.kind == "maintenance":  # 200, but a page for people
                page = b"<html><body>Down for maintenance</body></html>"
                h.send_response(200)
                h.send_header("Content-Type", "text/html")
                h.send_header("Content-Length", str(len(page)))
                h.end_headers()
                h.wfile.write(page)
                return
            if failure is not None and failure.kind == "no keys":
                h._send(200, {"keys": []})
                return
            if failure is not None:
                h._send(500, {"error": {"code": "ServiceError", "message": "failed on purpose"}})
                return
        if method == "GET" and path == "/v1/.well-known/openidconfiguration":
            h._send(
                200,
                {
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{self.base_url}/v1/auth",
                    "jwks_uri": f"{self.base_url}/v1/keys",
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                },
            )
            return
        if method == "GET" and path == "/v1/keys":
            jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
            jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]})
            webchat = json.loads(RSAAlgorithm.to_jwk(self.webchat_key.public_key()))
            webchat.update({"kid": self.webchat_kid, "use": "sig", "alg": "RS256", "endorsements": ["webchat"]})
            h._send(200, {"keys": [jwk, webchat]})
            return
        if method == "POST" and path.endswith("/oauth2/v2.0/token"):
            self._token(h, raw)
            return
        if path.startswith("/teams/"):
            # the connector, under the opaque serviceUrl
            self._connector(h, method, "/" + path.split("/", 3)[3], url.query, raw)
            return
        h._send(404, {"error": "not found"})

    def _token(self, h: Any, raw: bytes) -> None:
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        self.token_requests.append(form)
        failure = self._take_failure("token")
        if failure is not None:
            h._send(500, {"error": "temporarily_unavailable"})
            return
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != self.app_id
            or form.get("client_secret") != self.app_password
            or form.get("scope") != "https://api.botframework.com/.default"
        ):
            h._send(401, {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret"})
            return
        token = f"bot-token-{uuid.uuid4().hex}"
        self.bot_tokens.append(token)
        h._send(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token})

    def _connector(self, h: Any, method: str, path: str, query: str, raw: bytes) -> None:
        auth = h.headers.get("Authorization") or ""
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        body = json.loads(raw) if raw else {}
        call = ConnectorCall(method, path, token, body)
        with self._lock:
            self.calls.append(call)
        what = (
            "members"
            if path.endswith("/pagedmembers")
            else "update"
            if method == "PUT"
            else "create"
            if path.rstrip("/") == "/v3/conversations"
            else "send"
        )
        if token not in self.bot_tokens:
            call.failed = "401"
            h._send(401, {"message": "Authorization has been denied for this request."})
            return
        failure = self._take_failure(what)
        if failure is not None:
            call.failed = failure.kind
            if failure.kind == "timeout":
                time.sleep(TIMEOUT_HANG_SECONDS)
                h.close_connection = True
                return
            if failure.kind == "429":
                h._send(429, {"error": {"code": "Throttled"}}, {"Retry-After": str(failure.retry_after)})
                return
            if failure.kind == "403":
                h._send(403, {"error": {"code": "ConversationBlockedByUser", "message": "User blocked the bot"}})
                return
            h._send(500, {"error": {"code": "ServiceError", "message": "Unknown"}})
            return
        if what == "members":
            self._members(h, call, query)
            return
        if what == "create":
            member = (body.get("members") or [{}])[0].get("id", "")
            conversation = f"a:1fakePersonal{member}"
            self.conversations_created.append(body)
            h._send(201, {"id": conversation})
            return
        if what == "update":
            h._send(200, {"id": path.rsplit("/", 1)[1]})
            return
        h._send(201, {"id": str(next(self._ids))})

    def _members(self, h: Any, call: ConnectorCall, query: str) -> None:
        conversation = call.conversation
        everyone = self.members.get(conversation)
        if everyone is None:
            call.failed = "404"
            h._send(404, {"error": {"code": "ConversationNotFound", "message": "Conversation not found."}})
            return
        params = {k: v[0] for k, v in parse_qs(query).items()}
        start = int(params.get("continuationToken", "0") or 0)
        page = everyone[start : start + self.page_size]
        body: dict[str, Any] = {"members": page}
        if start + self.page_size < len(everyone):
            body["continuationToken"] = str(start + self.page_size)
        if self.repeat_pages:
            body["continuationToken"] = str(start)
        if self.endless_pages:
            body["continuationToken"] = str(start + self.page_size)
        h._send(200, body)


def member(user_id: str, name: str, aad_object_id: str) -> dict[str, Any]:
    """A member as the paged members API returns one (fixture connector_get_members_page.json)."""
    given, _, surname = name.partition(" ")
    return {
        "id": user_id,
        "name": name,
        "aadObjectId": aad_object_id,
        "givenName": given,
        "surname": surname,
        "tenantId": TENANT_ID,
        "userRole": "user",
    }
