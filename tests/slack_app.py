"""The real policybot app served over HTTP on 127.0.0.1 for tests, and signed requests to it
built from the real payload shapes in ../shared/fixtures/slack/."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.http_server import make_server
from bot.slack.services import build_services
from tests.conftest import FIXTURES
from tests.fake_slack import FakeSlack

SIGNING_SECRET = "test-signing-secret"
SLT_CHANNEL = "GSLT0001"
DSL_CHANNEL = "GDSL0001"
ADMIN_CHANNEL = "GADM0001"


def fixture_json(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def sign(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class RunningBot:
    slack: FakeSlack
    base_url: str
    services: Any
    server: Any

    # -- raw HTTP ------------------------------------------------------------------------------
    def post(self, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> Reply:
        request = urllib.request.Request(
            self.base_url + "/slack/events",
            data=body,
            method="POST",
            headers={"Content-Type": content_type, **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read())
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read())

    def signed(
        self, body: bytes, content_type: str, timestamp: int | None = None, secret: str = SIGNING_SECRET
    ) -> Reply:
        ts = int(time.time()) if timestamp is None else timestamp
        headers = {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": sign(body, ts, secret)}
        return self.post(body, content_type, headers)

    def get(self, path: str) -> Reply:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=10) as response:
                return Reply(response.status, response.read())
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read())

    # -- Slack-shaped requests -----------------------------------------------------------------
    def command_body(self, command: str, text: str, user: str = "UTA00001", channel: str = "C0STAFF01") -> bytes:
        fields = dict(parse_qsl((FIXTURES / "slash_command.txt").read_text().strip(), keep_blank_values=True))
        fields.update(
            command=command,
            text=text,
            user_id=user,
            channel_id=channel,
            response_url=self.slack.response_url("command"),
        )
        return urlencode(fields).encode()

    def command(self, command: str, text: str = "", user: str = "UTA00001", channel: str = "C0STAFF01") -> Reply:
        return self.signed(self.command_body(command, text, user, channel), "application/x-www-form-urlencoded")

    def click(self, action_id: str, value: str, user: str = "UTA00001", channel: str = "C0STAFF01") -> Reply:
        payload = copy.deepcopy(fixture_json("block_actions_message_button.json"))
        payload["user"]["id"] = user
        payload["channel"]["id"] = channel
        payload["container"]["channel_id"] = channel
        payload["response_url"] = self.slack.response_url("action")
        payload["actions"][0].update(action_id=action_id, value=value, block_id="answer_actions")
        return self.interactive(payload)

    def interactive(self, payload: dict[str, Any]) -> Reply:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.signed(body, "application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any]) -> Reply:
        envelope = copy.deepcopy(fixture_json("event_app_home_opened_home_tab.json"))
        envelope["event"] = event
        envelope["event_id"] = f"Ev{time.monotonic_ns()}"
        return self.signed(json.dumps(envelope).encode(), "application/json")

    def stop(self) -> None:
        self.server.close()
        self.services.identity.stop()


def settings_for(slack: FakeSlack, db: Path, school: str = "dobcroft", **extra: str) -> Settings:
    values = {
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "POLICYBOT_SCHOOL": school,
        "POLICYBOT_SLT_CHANNEL": SLT_CHANNEL,
        "POLICYBOT_DSL_CHANNEL": DSL_CHANNEL,
        "POLICYBOT_ADMIN_CHANNEL": ADMIN_CHANNEL,
        "POLICYBOT_DB": str(db),
        **extra,
    }
    return Settings.model_validate(values)


def start_bot(slack: FakeSlack, db: Path, school: str = "dobcroft") -> RunningBot:
    services = build_services(settings_for(slack, db, school))
    app = build_app(services)
    server = make_server(app, "127.0.0.1", 0)
    threading.Thread(target=server.run, daemon=True).start()
    services.identity.learn_in_background(retry_seconds=0.2)
    return RunningBot(slack, f"http://127.0.0.1:{server.effective_port}", services, server)
