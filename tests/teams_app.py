"""The real Teams adapter served over HTTP on 127.0.0.1 for tests, against the fake Bot Framework,
and activities built from the real payload shapes in ../shared/fixtures/teams/."""

from __future__ import annotations

import copy
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.delivery.runner import OutboxRunner
from bot.settings import Settings
from bot.teams.http_server import make_server
from bot.teams.services import TeamsServices, build_services
from bot.teams.transport import TeamsTransport
from tests.conftest import SHARED
from tests.fake_bot_framework import APP_ID, APP_PASSWORD, TENANT_ID, FakeBotFramework
from tests.slack_app import Reply, wait_until  # noqa: F401  (the Slack tests' own; Teams tests import both here)
from tests.waitress_close import close_server

TEAMS_FIXTURES = SHARED / "fixtures" / "teams"
SLT_CHANNEL = "19:fakeSltChannelxxxxxxxxxxxxxxxx01@thread.tacv2"
DSL_CHANNEL = "19:fakeDslChannelxxxxxxxxxxxxxxxx01@thread.tacv2"
ADMIN_CHANNEL = "19:fakeAdminChannelxxxxxxxxxxxxxx01@thread.tacv2"
STAFF_CHANNEL = "19:fakeChannelIdxxxxxxxxxxxxxxxxxx01@thread.tacv2"
ASKER = "29:1fakeUserAadObjectIdxxxxUserOneNotARealTeamsMriAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-Aa"
SLT_MEMBER = "29:1fakeUserAadObjectIdxxxxUserTwoNotARealTeamsMriAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-Bb"
# A misuse report dialog filled in as Teams submits it (every field valid).
MISUSE_FORM = {
    "category": "pupil_contact",
    "what_happened": "A Year 9 pupil sent me a friend request on Instagram last night.",
    "where_seen": "Instagram",
    "happened_on": "2026-01-14",
    "child_at_risk": "no",
    "actions_taken": "blocked,screenshotted",
}


def teams_fixture(name: str) -> dict[str, Any]:
    return json.loads((TEAMS_FIXTURES / name).read_text())


@dataclass
class RunningTeamsBot:
    fake: FakeBotFramework
    base_url: str
    services: TeamsServices
    server: Any
    deliverer: OutboxRunner | None

    # -- raw HTTP --------------------------------------------------------------------------------
    def post(self, activity: dict[str, Any] | bytes, token: str | None) -> Reply:
        body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(f"{self.base_url}/api/messages", data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Reply(response.status, response.read())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read())

    def send(self, activity: dict[str, Any]) -> Reply:
        """An activity as the Bot Connector sends it: with a valid token for its serviceUrl."""
        return self.post(activity, self.fake.activity_token(activity["serviceUrl"]))

    def get(self, path: str) -> Reply:
        try:
            with urllib.request.urlopen(f"{self.base_url}{path}", timeout=10) as response:
                return Reply(response.status, response.read())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read())

    # -- activities from the fixtures ------------------------------------------------------------
    def personal_message(
        self, text: str, user: str = ASKER, name: str = "Fake Parent One", entra: str | None = None
    ) -> dict[str, Any]:
        activity = copy.deepcopy(teams_fixture("message_personal.json"))
        activity.update(text=text, serviceUrl=self.fake.service_url, id=f"{time.time_ns()}")
        activity["from"] = _sender(activity["from"], user, name, entra)
        activity["attachments"] = []
        activity["conversation"]["id"] = f"a:1personal{user[-6:]}"
        return activity

    def channel_mention(self, text: str, user: str = ASKER) -> dict[str, Any]:
        activity = copy.deepcopy(teams_fixture("message_channel_mention.json"))
        activity.update(text=f"<at>Fake Teams Bot</at> {text}", serviceUrl=self.fake.service_url)
        activity["from"] = {**activity["from"], "id": user}
        activity["attachments"] = []
        return activity

    def thread_reply(self, channel: str, root_id: str, text: str, user: str = SLT_MEMBER) -> dict[str, Any]:
        activity = copy.deepcopy(teams_fixture("message_channel_mention.json"))
        activity.update(text=text, serviceUrl=self.fake.service_url, id=f"{time.time_ns()}", entities=[])
        activity["from"] = {"id": user, "name": "Fake Staff Two", "aadObjectId": "00000000-0000-0000-0000-000000000102"}
        activity["attachments"] = []
        activity["conversation"]["id"] = f"{channel};messageid={root_id}"
        activity["channelData"]["channel"] = {"id": channel}
        activity["channelData"]["teamsChannelId"] = channel
        return activity

    def card_action(
        self, verb: str, data: dict[str, Any], user: str = ASKER, name: str = "Fake Parent One",
        entra: str | None = None,
    ) -> dict[str, Any]:
        activity = copy.deepcopy(teams_fixture("invoke_adaptive_card_action.json"))
        activity["serviceUrl"] = self.fake.service_url
        activity["from"] = _sender(activity["from"], user, name, entra)
        activity["value"]["action"].update(verb=verb, data=data)
        return activity

    def stop(self) -> None:
        close_server(self.server)
        if self.deliverer is not None:
            self.deliverer.stop()


    def dialog_invoke(self, kind: str, data: dict[str, Any], user: str = ASKER) -> dict[str, Any]:
        """`task/fetch` or `task/submit` from `user`'s 1:1 chat, carrying a dialog's `data`."""
        activity = copy.deepcopy(teams_fixture(f"invoke_{kind.replace('/', '_')}.json"))
        activity["serviceUrl"] = self.fake.service_url
        activity["from"] = {**activity["from"], "id": user, "name": "Fake Parent One"}
        activity["conversation"] = {
            "conversationType": "personal",
            "id": f"a:1personal{user[-6:]}",
            "tenantId": activity["conversation"]["tenantId"],
        }
        activity["value"]["data"] = data
        return activity


def _sender(fixture: dict[str, Any], user: str, name: str, entra: str | None) -> dict[str, Any]:
    """`from` for `user`: the fixture's Entra object id belongs to the fixture's own user, so it is kept
    only for them (the bot remembers names by Entra id too)."""
    sender = {**fixture, "id": user, "name": name}
    if entra is not None:
        sender["aadObjectId"] = entra
    elif user != fixture.get("id"):
        sender.pop("aadObjectId", None)
    return sender


def teams_settings(fake: FakeBotFramework, db: Path, **extra: str) -> Settings:
    values = {
        "TEAMS_APP_ID": APP_ID,
        "TEAMS_APP_PASSWORD": APP_PASSWORD,
        "TEAMS_TENANT_ID": TENANT_ID,
        "TEAMS_OPENID_METADATA_URL": fake.openid_url,
        "TEAMS_TOKEN_URL": fake.token_url,
        "POLICYBOT_SCHOOL": "dobcroft",
        "POLICYBOT_TEAMS_SLT_CHANNEL": SLT_CHANNEL,
        "POLICYBOT_TEAMS_DSL_CHANNEL": DSL_CHANNEL,
        "POLICYBOT_TEAMS_ADMIN_CHANNEL": ADMIN_CHANNEL,
        "POLICYBOT_TEAMS_TIMEOUT": "1",
        "POLICYBOT_DB": str(db),
        **extra,
    }
    return Settings.model_validate(values)


def start_teams_bot(fake: FakeBotFramework, db: Path, deliver: bool = True, **extra: str) -> RunningTeamsBot:
    services = build_services(teams_settings(fake, db, **extra))
    server = make_server(services, "127.0.0.1", 0)
    threading.Thread(target=server.run, daemon=True).start()
    deliverer = None
    if deliver:
        # Short waits so tests see retries within seconds; the schedule is the same as in production.
        deliverer = OutboxRunner(
            services.db, TeamsTransport(services), services.outbox_signal, idle_seconds=0.1, max_backoff=1.0
        ).start()
    return RunningTeamsBot(fake, f"http://127.0.0.1:{server.effective_port}", services, server, deliverer)


def card_of(activity_body: dict[str, Any]) -> dict[str, Any]:
    return activity_body["attachments"][0]["content"]


def card_text(card: Any) -> str:
    """Every piece of text in a card, in order (for assertions about what a person reads)."""
    if isinstance(card, dict):
        own = [card["text"]] if isinstance(card.get("text"), str) else []
        own += [card["title"]] if isinstance(card.get("title"), str) else []
        return "\n".join(own + [card_text(v) for k, v in card.items() if k not in ("text", "title")])
    if isinstance(card, list):
        return "\n".join(card_text(v) for v in card)
    return ""
