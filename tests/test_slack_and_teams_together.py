"""Slack and Teams served for one school on one database, over real HTTP against the fake Slack and the
fake Bot Framework: each case's notifications go to the platform it came from, each platform's runner
sends only its own, and nothing is sent twice or to the other platform. First as one process (one core,
both adapters, as `policybot serve --slack --teams` builds them), then `serve --slack --teams --http`
itself as a child process, then two processes (`serve --http` and `serve --teams`) on one database."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.delivery.runner import OutboxRunner
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.http_server import make_server as make_slack_server
from bot.slack.services import build_services as build_slack_services
from bot.slack.transport import SlackTransport
from bot.store.database import Database
from bot.store.outbox import Outbox
from bot.teams.http_server import make_server as make_teams_server
from bot.teams.services import build_services as build_teams_services
from bot.teams.transport import TeamsTransport
from bot.wiring import core_parts
from tests.cli import POLICYBOT, clean_env
from tests.fake_bot_framework import FakeBotFramework, member
from tests.fake_slack import FakeSlack
from tests.misuse_steps import FRIEND_REQUEST, HEAD, TA, report
from tests.slack_app import SLT_CHANNEL, RunningBot, posts_to, settings_for, wait_until
from tests.teams_app import ASKER, MISUSE_FORM, SLT_MEMBER, RunningTeamsBot, teams_settings
from tests.teams_app import SLT_CHANNEL as TEAMS_SLT_CHANNEL


@pytest.fixture
def fake() -> Iterator[FakeBotFramework]:
    fake = FakeBotFramework().start()
    fake.members[TEAMS_SLT_CHANNEL] = [member(SLT_MEMBER, "Fake Staff Two", "00000000-0000-0000-0000-000000000102")]
    yield fake
    fake.stop()


def both_settings(slack: FakeSlack, fake: FakeBotFramework, db: Path) -> Settings:
    """One school's settings for both platforms, as one `.env` would hold them."""
    slack_values = settings_for(slack, db).model_dump(by_alias=True, exclude_unset=True)
    teams_values = teams_settings(fake, db).model_dump(by_alias=True, exclude_unset=True)
    return Settings.model_validate({**slack_values, **teams_values})


@dataclass
class OneProcess:
    slack: RunningBot
    teams: RunningTeamsBot
    db: Database

    def stop(self) -> None:
        self.slack.stop()
        self.teams.stop()


def start_one_process(slack: FakeSlack, fake: FakeBotFramework, db: Path) -> OneProcess:
    """What `serve --slack --teams` builds: one core, both adapters on it, each with its own runner."""
    settings = both_settings(slack, fake, db)
    core = core_parts(settings)
    slack_services = build_slack_services(settings, core=core)
    teams_services = build_teams_services(settings, core=core)
    slack_server = make_slack_server(build_app(slack_services), settings.slack_signing_secret or "", "127.0.0.1", 0)
    teams_server = make_teams_server(teams_services, "127.0.0.1", 0)
    for server in (slack_server, teams_server):
        threading.Thread(target=server.run, daemon=True).start()
    slack_services.identity.learn_in_background(retry_seconds=0.2)
    # Short waits so tests see retries within seconds; the schedule is the same as in production.
    slack_runner = OutboxRunner(
        core["db"], SlackTransport(slack_services), slack_services.outbox_signal, idle_seconds=0.1, max_backoff=1.0
    ).start()
    teams_runner = OutboxRunner(
        core["db"], TeamsTransport(teams_services), teams_services.outbox_signal, idle_seconds=0.1, max_backoff=1.0
    ).start()
    return OneProcess(
        RunningBot(
            slack, f"http://127.0.0.1:{slack_server.effective_port}", slack_services, slack_server, slack_runner
        ),
        RunningTeamsBot(
            fake, f"http://127.0.0.1:{teams_server.effective_port}", teams_services, teams_server, teams_runner
        ),
        core["db"],
    )


# -- steps in Teams (as in tests/teams/test_teams_misuse.py) -----------------------------------------
def report_in_teams(teams: RunningTeamsBot) -> str:
    """A TA writes "report misuse", opens the dialog and sends it; the reference the dialog gives."""
    chat = f"a:1personal{ASKER[-6:]}"
    before = len(teams.fake.sent(chat))
    assert teams.send(teams.personal_message("report misuse")).status == 200
    prompt = wait_until(lambda: teams.fake.sent(chat)[before:])[0]
    button = next(
        a
        for b in prompt.body["attachments"][0]["content"]["body"]
        if b.get("type") == "ActionSet"
        for a in b["actions"]
    )
    dialog = teams.send(teams.dialog_invoke("task/fetch", button["data"])).json()["task"]["value"]["card"]["content"]
    data = {**dialog["actions"][0]["data"], **MISUSE_FORM}
    done = teams.send(teams.dialog_invoke("task/submit", data)).json()["task"]
    found = re.search(r"MR-\d{4}", done["value"])
    assert found, done
    return found.group(0)


def ask_slt_in_slack(bot: RunningBot) -> str:
    """A TA asks /policy something it does not cover and presses Ask SLT; the SLT post's ts."""
    data = bot.command("/policy", "where do I hand in my expenses form?", user=TA).json()
    value = next(
        e["value"] for b in data["blocks"] for e in b.get("elements", []) if e.get("action_id") == "answer_ask_slt"
    )
    bot.click("answer_ask_slt", value, user=TA)
    wait_until(lambda: [c for c in posts_to(bot.slack, SLT_CHANNEL) if "expenses form" in json.dumps(c.body)])
    return str(wait_until(lambda: _slt_ts(bot)))


def _slt_ts(bot: RunningBot) -> str | None:
    row = (
        bot.services.db.connection()
        .execute("SELECT message_id FROM places WHERE topic LIKE 'question:%:slt' AND platform = 'slack'")
        .fetchone()
    )
    return row["message_id"] if row else None


def slt_reply_in_slack(bot: RunningBot, thread_ts: str, text: str) -> None:
    event = {
        "type": "message",
        "channel": SLT_CHANNEL,
        "user": HEAD,
        "text": text,
        "ts": "1700000100.000001",
        "thread_ts": thread_ts,
        "channel_type": "group",
    }
    assert bot.event(event).status == 200


def drained(db: Database, timeout: float = 20.0) -> None:
    """Nothing pending for either platform: every message about what has happened so far was sent."""
    wait_until(lambda: not Outbox(db).items("pending"), timeout=timeout)


def slack_posts(slack: FakeSlack) -> list[str]:
    return [json.dumps(c.body) for c in slack.calls_to("chat.postMessage") + slack.calls_to("chat.update")]


def teams_posts(fake: FakeBotFramework) -> list[str]:
    return [json.dumps(c.body) for c in fake.sent() if c.body]


def assert_each_row_sent_once_by_its_platform(db: Database) -> None:
    rows = Outbox(db).items()
    assert rows and all(r.status == "sent" for r in rows), [(r.topic, r.kind, r.status, r.last_error) for r in rows]
    assert all(r.attempts == 1 for r in rows), [(r.topic, r.kind, r.attempts) for r in rows]


# -- one process ------------------------------------------------------------------------------------
def test_one_process_each_case_is_announced_on_the_platform_it_came_from(
    slack: FakeSlack, fake: FakeBotFramework, tmp_path: Path
) -> None:
    both = start_one_process(slack, fake, tmp_path / "policybot.db")
    try:
        # A Teams misuse report: the SLT card goes to the Teams SLT channel, never to Slack.
        ref = report_in_teams(both.teams)
        wait_until(lambda: fake.sent(TEAMS_SLT_CHANNEL))
        # A Slack misuse report: its card goes to Slack's SLT channel, never to Teams.
        report(both.slack, FRIEND_REQUEST, view_id="VBOTH01")
        # A Slack question escalated to SLT, and SLT's reply in its thread, reach the asker in Slack.
        thread = ask_slt_in_slack(both.slack)
        slt_reply_in_slack(both.slack, thread, "Expenses go to the office in the blue tray.")
        wait_until(lambda: any("blue tray" in c.body.get("text", "") for c in posts_to(slack, TA)))
        drained(both.db)

        [slack_report] = [r for r in both.slack.services.reports.all() if r.ref != ref]
        teams_cards = [c for c in fake.sent(TEAMS_SLT_CHANNEL) if c.body]
        assert len(teams_cards) == 1 and ref in json.dumps(teams_cards[0].body)
        assert slack_report.ref not in "".join(teams_posts(fake))
        assert "blue tray" not in "".join(teams_posts(fake)) and "expenses" not in "".join(teams_posts(fake))
        slack_cards = [c for c in posts_to(slack, SLT_CHANNEL) if slack_report.ref in c.body["text"]]
        assert len(slack_cards) == 1
        assert ref not in "".join(slack_posts(slack))  # the Teams report never reached Slack
        assert [t for t in (c.body.get("text", "") for c in posts_to(slack, TA)) if "blue tray" in t] != []
        assert_each_row_sent_once_by_its_platform(both.db)
        platforms = {(r.topic.split(":")[0], r.platform) for r in Outbox(both.db).items()}
        assert (ref, "teams") in platforms and (slack_report.ref, "slack") in platforms
        assert (ref, "slack") not in platforms and (slack_report.ref, "teams") not in platforms

        # SLT acknowledge the Teams report in Teams: the card is updated in Teams, Slack hears nothing.
        slack_calls = len(slack_posts(slack))
        reply = both.teams.send(both.teams.card_action("report_acknowledge", {"ref": ref}, user=SLT_MEMBER))
        assert reply.status == 200
        drained(both.db)
        assert len(slack_posts(slack)) == slack_calls
        assert any(c.method == "PUT" and ref in json.dumps(c.body) for c in fake.sent(TEAMS_SLT_CHANNEL))
    finally:
        both.stop()


# -- `policybot serve` as child processes -----------------------------------------------------------
def _env(slack: FakeSlack, fake: FakeBotFramework, db: Path) -> dict[str, str]:
    values = both_settings(slack, fake, db).model_dump(by_alias=True, exclude_unset=True, exclude_none=True)
    return clean_env(**{k: str(v) for k, v in values.items() if k.isupper()})


@dataclass
class Served:
    process: subprocess.Popen
    log: Path
    ports: dict[str, int]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


PORT_LINES = {
    "slack": r"serving HTTP on 127\.0\.0\.1:(\d+) \(Slack",
    "teams": r"serving Teams on 127\.0\.0\.1:(\d+)",
}


def serve(args: list[str], env: dict[str, str], log: Path, platforms: tuple[str, ...]) -> Served:
    with log.open("wb") as out:
        process = subprocess.Popen([*POLICYBOT, "serve", *args], env=env, stdout=out, stderr=out, cwd=log.parent)
    deadline = time.monotonic() + 60
    ports: dict[str, int] = {}
    while len(ports) < len(platforms):
        text = log.read_text(errors="replace")
        for platform in platforms:
            found = re.search(PORT_LINES[platform], text)
            if found:
                ports[platform] = int(found.group(1))
        if process.poll() is not None:
            raise AssertionError(f"policybot serve exited with {process.returncode}:\n{text}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"policybot serve did not start:\n{text}")
        time.sleep(0.05)
    return Served(process, log, ports)


def _reports_in_both(slack: FakeSlack, fake: FakeBotFramework, slack_url: str, teams_url: str, db: Path) -> None:
    """A Teams report and a Slack report, through the served processes; each card reaches its platform once."""
    slack_bot = RunningBot(slack, slack_url, None, None)
    teams_bot = RunningTeamsBot(fake, teams_url, None, None, None)  # type: ignore[arg-type]
    wait_until(lambda: teams_bot.get("/healthz").status == 200 and slack_bot.get("/healthz").status == 200)
    teams_ref = report_in_teams(teams_bot)
    report(slack_bot, FRIEND_REQUEST, view_id="VBOTH02")
    database = Database(db)
    drained(database)
    [slack_ref] = [
        r.payload["ref"] for r in Outbox(database).items() if r.kind == "report_card" and r.platform == "slack"
    ]
    teams_cards = [c for c in fake.sent(TEAMS_SLT_CHANNEL) if c.body]
    assert len(teams_cards) == 1 and teams_ref in json.dumps(teams_cards[0].body)
    assert slack_ref not in "".join(teams_posts(fake))
    assert teams_ref not in "".join(slack_posts(slack))
    assert len([c for c in posts_to(slack, SLT_CHANNEL) if slack_ref in c.body["text"]]) == 1
    assert_each_row_sent_once_by_its_platform(database)


def test_serve_slack_and_teams_in_one_process(slack: FakeSlack, fake: FakeBotFramework, tmp_path: Path) -> None:
    db = tmp_path / "policybot.db"
    served = serve(
        ["--slack", "--teams", "--http", "--host", "127.0.0.1", "--port", "0", "--teams-port", "0"],
        _env(slack, fake, db),
        tmp_path / "serve.log",
        ("slack", "teams"),
    )
    try:
        ports = served.ports
        _reports_in_both(slack, fake, f"http://127.0.0.1:{ports['slack']}", f"http://127.0.0.1:{ports['teams']}", db)
    finally:
        served.stop()
    assert served.process.returncode == 0  # SIGTERM: both stop, and the log says so
    assert "Traceback" not in served.log.read_text() and "stopping: SIGTERM received" in served.log.read_text()


def test_two_processes_share_one_database(slack: FakeSlack, fake: FakeBotFramework, tmp_path: Path) -> None:
    db = tmp_path / "policybot.db"
    env = _env(slack, fake, db)
    slack_process = serve(["--http", "--host", "127.0.0.1", "--port", "0"], env, tmp_path / "slack.log", ("slack",))
    teams_process = serve(["--teams", "--host", "127.0.0.1", "--port", "0"], env, tmp_path / "teams.log", ("teams",))
    try:
        _reports_in_both(
            slack,
            fake,
            f"http://127.0.0.1:{slack_process.ports['slack']}",
            f"http://127.0.0.1:{teams_process.ports['teams']}",
            db,
        )
    finally:
        slack_process.stop()
        teams_process.stop()
    for served in (slack_process, teams_process):
        assert "Traceback" not in served.log.read_text()


def test_a_slack_token_refused_does_not_stop_teams(slack: FakeSlack, fake: FakeBotFramework, tmp_path: Path) -> None:
    """One process serving both: Slack refusing the app-level token used to stop Teams with it."""
    slack.fail("apps.connections.open", "invalid_auth", times=1000)
    db = tmp_path / "policybot.db"
    env = {**_env(slack, fake, db), "SLACK_APP_TOKEN": "xapp-refused"}
    served = serve(
        ["--slack", "--teams", "--host", "127.0.0.1", "--teams-port", "0"], env, tmp_path / "serve.log", ("teams",)
    )
    try:
        wait_until(lambda: "Slack is not served, Teams goes on" in served.log.read_text(), timeout=30)
        teams_bot = RunningTeamsBot(fake, f"http://127.0.0.1:{served.ports['teams']}", None, None, None)  # type: ignore[arg-type]
        assert teams_bot.get("/healthz").status == 200 and served.process.poll() is None
        teams_ref = report_in_teams(teams_bot)
        drained(Database(db))
        assert any(teams_ref in json.dumps(c.body) for c in fake.sent(TEAMS_SLT_CHANNEL))
    finally:
        served.stop()
    log = served.log.read_text()
    assert "SLACK_APP_TOKEN: Slack refused it (invalid_auth)" in log and "Traceback" not in log
    assert served.process.returncode == 0 and "stopping: SIGTERM received" in log
