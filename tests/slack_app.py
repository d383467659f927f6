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

from bot.delivery.runner import OutboxRunner
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.http_server import make_server
from bot.slack.services import build_services
from bot.slack.transport import SlackTransport
from tests.conftest import FIXTURES
from tests.fake_slack import Call, FakeSlack
from tests.waitress_close import close_server

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
    deliverer: Any = None

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
        # Each real click has its own trigger and time; a replay repeats them (see test_replays.py).
        payload["trigger_id"] = f"trigger-{time.monotonic_ns()}"
        payload["actions"][0].update(
            action_id=action_id, value=value, block_id="answer_actions", action_ts=f"{time.time():.6f}"
        )
        return self.interactive(payload)

    def click_card(self, action_id: str, value: str, user: str, channel: str = SLT_CHANNEL, ts: str = "") -> Reply:
        """A button on a message the bot posted in a channel (the full real payload shape)."""
        payload = copy.deepcopy(fixture_json("block_actions_message_button_full.json"))
        payload["user"]["id"] = user
        payload["channel"]["id"] = channel
        payload["container"].update(channel_id=channel, message_ts=ts or payload["container"]["message_ts"])
        payload["response_url"] = self.slack.response_url("card")
        payload["trigger_id"] = f"trigger-{time.monotonic_ns()}"
        payload["actions"][0].update(action_id=action_id, value=value, block_id=f"triage:{value}")
        return self.interactive(payload)

    def click_home(self, action_id: str, value: str, user: str) -> Reply:
        """A button on the App Home tab: no channel and no response_url (the real payload shape)."""
        payload = copy.deepcopy(fixture_json("block_actions_app_home_button.json"))
        payload["user"]["id"] = user
        payload["trigger_id"] = f"trigger-{time.monotonic_ns()}"
        payload["actions"][0].update(action_id=action_id, value=value)
        return self.interactive(payload)

    def submit_view(
        self,
        view: dict[str, Any],
        values: dict[str, Any],
        user: str = "UTA00001",
        view_id: str = "VREPORT01",
    ) -> Reply:
        """Submit a modal the bot opened, with each input filled in as Slack reports it."""
        return self.signed(self.view_submission_body(view, values, user, view_id), "application/x-www-form-urlencoded")

    @staticmethod
    def view_submission_body(view: dict[str, Any], values: dict[str, Any], user: str, view_id: str) -> bytes:
        payload = copy.deepcopy(fixture_json("view_submission.json"))
        payload["user"]["id"] = user
        submitted = copy.deepcopy(view)
        submitted.update(id=view_id, state={"values": _state_values(view, values)}, hash="1596530361.3wRYuk3R")
        submitted.setdefault("private_metadata", "")
        payload["view"] = submitted
        return urlencode({"payload": json.dumps(payload)}).encode()

    def interactive(self, payload: dict[str, Any]) -> Reply:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.signed(body, "application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any]) -> Reply:
        envelope = copy.deepcopy(fixture_json("event_app_home_opened_home_tab.json"))
        envelope["event"] = event
        envelope["event_id"] = f"Ev{time.monotonic_ns()}"
        return self.signed(json.dumps(envelope).encode(), "application/json")

    def stop(self) -> None:
        close_server(self.server)
        self.services.identity.stop()
        if self.deliverer is not None:
            self.deliverer.stop()



# Dobcroft's policy answers "can I accept a friend request from a parent?" in two places: 6.7 (think
# before accepting colleagues, parents or other school users) and the DO NOT list (never build or pursue
# relationships with children, parents, families). Either is a right answer.
FRIEND_A_PARENT = ("accept colleagues, parents or other school users", "pursue relationships with children, parents")


def answers_friending_a_parent(text: str) -> bool:
    return any(passage in text for passage in FRIEND_A_PARENT)


def drained(bot: RunningBot, timeout: float = 20.0) -> None:
    """Wait until the outbox has nothing left to send: every message the bot will send about what has
    happened so far has been sent (or parked). Before asserting that something arrived exactly once."""
    assert bot.services is not None
    wait_until(lambda: not bot.services.outbox.items("pending"), timeout=timeout)


def wait_until(condition: Any, timeout: float = 10.0) -> Any:
    """Poll until `condition()` is truthy (work after the acknowledgement runs in the background)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


def posts_to(slack: FakeSlack, channel: str) -> list[Call]:
    return [c for c in slack.calls_to("chat.postMessage") if c.body.get("channel") == channel]


def dms_to(slack: FakeSlack, user: str) -> list[str]:
    return [c.body["text"] for c in posts_to(slack, user)]


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


def start_bot(slack: FakeSlack, db: Path, school: str = "dobcroft", **extra: str) -> RunningBot:
    services = build_services(settings_for(slack, db, school, **extra))
    app = build_app(services)
    server = make_server(app, SIGNING_SECRET, "127.0.0.1", 0)
    threading.Thread(target=server.run, daemon=True).start()
    services.identity.learn_in_background(retry_seconds=0.2)
    # Short waits so tests see retries within seconds; the schedule is the same as in production.
    deliverer = OutboxRunner(
        services.db, SlackTransport(services), services.outbox_signal, idle_seconds=0.1, max_backoff=1.0
    ).start()
    return RunningBot(slack, f"http://127.0.0.1:{server.effective_port}", services, server, deliverer)


def _state_values(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """`view.state.values` as Slack sends it: every input block, typed by its element, None if empty."""
    state: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        value = values.get(block["block_id"])
        if kind in ("static_select", "radio_buttons"):
            entry = {
                "selected_option": {"value": value, "text": {"type": "plain_text", "text": str(value)}}
                if value
                else None
            }
        elif kind == "checkboxes":
            entry = {"selected_options": [{"value": v, "text": {"type": "plain_text", "text": v}} for v in value or []]}
        elif kind == "users_select":
            entry = {"selected_user": value}
        elif kind == "multi_users_select":
            entry = {"selected_users": list(value or [])}
        elif kind == "datepicker":
            entry = {"selected_date": value}
        else:
            entry = {"value": value}
        state[block["block_id"]] = {element["action_id"]: {"type": kind, **entry}}
    return state
