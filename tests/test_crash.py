"""`kill -9` at the worst moments: a report is either fully stored and announced once the bot is back,
or the reporter was never told and nothing of it was written.

The bot runs as `policybot serve --http` in a child process against the fake Slack, and is killed with
SIGKILL: no clean-up runs. To kill it mid-send deterministically, the fake Slack holds
`chat.postMessage` open until the test releases it.

Also: an administrator's `policybot` command run beside the serving bot must not cost it anything it
stores afterwards (see the last test).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import re
import sqlite3
import subprocess
import threading
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answers import PolicyBook
from bot.slack.blocks.report_form import report_modal
from bot.store.database import Database
from bot.store.outbox import Outbox
from bot.store.reports import ReportBook
from tests.cli import POLICYBOT, clean_env
from tests.fake_slack import FakeSlack
from tests.misuse_steps import (
    FRIEND_REQUEST,
    SLT_MEMBERS,
    TA,
)
from tests.server_process import ServerProcess, start_server
from tests.slack_app import DSL_CHANNEL, SLT_CHANNEL, RunningBot, wait_until

CHILD_AT_RISK = dict(FRIEND_REQUEST, child_at_risk="yes")  # three messages: card, DSL alert, reporter's copy


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(members=dict(SLT_MEMBERS)).start()
    yield fake
    fake.stop()


class Life:
    """One database, and the bot processes that come and go on it."""

    def __init__(self, slack: FakeSlack, directory: Path) -> None:
        self.slack = slack
        self.directory = directory
        self.db = directory / "policybot.db"
        self.runs = 0
        self.server: ServerProcess | None = None

    def start(self) -> RunningBot:
        self.runs += 1
        self.server = start_server(self.slack, self.db, self.directory / f"serve-{self.runs}.log")
        return self.server.bot

    def kill(self) -> None:
        assert self.server is not None
        self.server.kill()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def logs(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.directory.glob("serve-*.log")))


@pytest.fixture
def life(slack: FakeSlack, tmp_path: Path) -> Iterator[Life]:
    running = Life(slack, tmp_path)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def form(book: PolicyBook) -> dict:
    return report_modal(book.school("dobcroft"), dt.date.today())


def submit(bot: RunningBot, form: dict, view_id: str) -> str | None:
    """Send a report; its reference if the reporter was told, None if no answer came."""
    try:
        reply = bot.submit_view(form, CHILD_AT_RISK, user=TA, view_id=view_id)
    # The server died mid-request: before answering, or after the headers and before the body.
    except (urllib.error.URLError, ConnectionError, http.client.HTTPException):
        return None
    assert reply.status == 200, reply
    found = re.search(r"MR-\d{4}", json.dumps(reply.json()))
    return found.group(0) if found else None


def messages_for(slack: FakeSlack, ref: str, channel: str) -> int:
    return sum(ref in (c.body.get("text") or "") for c in slack.delivered("chat.postMessage", channel))


def assert_whole(db: Path, ref: str) -> None:
    """The report, its first timeline entry and all three of its messages exist, or none would."""
    book = ReportBook(Database(db))
    report = book.get(ref)
    assert report is not None and report.form.what_happened == CHILD_AT_RISK["what_happened"]
    assert [e.action for e in report.timeline][:1] == ["submitted"]
    kinds = {i.kind for i in Outbox(Database(db)).items() if i.payload.get("ref") == ref}
    assert kinds == {"report_card", "report_dsl_alert", "report_reporter_notice"}


def assert_announced_once(slack: FakeSlack, db: Path, ref: str, kills: int = 1) -> None:
    """SLT's and the DSL's messages once each; the reporter's DM at least once, and at most once more per
    kill that could land between Slack taking it and the bot marking it sent (a DM cannot be looked up)."""
    outbox = Outbox(Database(db))
    try:
        wait_until(lambda: not outbox.items("pending"), timeout=20)
    except AssertionError:
        # Say what is stuck and what the bot said, so a rare failure can be read from CI's output.
        logs = "".join(p.read_text(errors="replace") for p in sorted(db.parent.glob("serve-*.log")))
        stuck = [(i.kind, i.attempts, i.last_error) for i in outbox.items("pending")]
        raise AssertionError(f"still waiting: {stuck}\ncalls: {[c.method for c in slack.calls]}\n{logs}") from None
    assert messages_for(slack, ref, SLT_CHANNEL) == 1  # a duplicate card is looked for before reposting
    assert messages_for(slack, ref, DSL_CHANNEL) == 1
    assert 1 <= messages_for(slack, ref, TA) <= 1 + kills


def test_killed_right_after_telling_the_reporter(slack: FakeSlack, life: Life, form: dict) -> None:
    bot = life.start()
    slack.hold("chat.postMessage")  # the card cannot have gone out before the kill
    ref = submit(bot, form, "VCRASH001")
    assert ref is not None
    life.kill()
    slack.release("chat.postMessage", act=False)
    assert_whole(life.db, ref)
    life.start()
    assert_announced_once(slack, life.db, ref)


@pytest.mark.parametrize("slack_posted_it", [True, False], ids=["slack-posted-it", "slack-never-got-it"])
def test_killed_while_slack_holds_the_card(slack: FakeSlack, life: Life, form: dict, slack_posted_it: bool) -> None:
    bot = life.start()
    slack.hold("chat.postMessage")
    ref = submit(bot, form, "VCRASH002")
    assert ref is not None
    held = slack.wait_held("chat.postMessage")
    assert held.body["channel"] == SLT_CHANNEL
    life.kill()
    slack.release("chat.postMessage", act=slack_posted_it)
    life.start()
    assert_announced_once(slack, life.db, ref)
    assert "were being sent when the bot stopped" in life.logs()


def test_killed_before_the_report_was_stored_the_reporter_is_never_told(
    slack: FakeSlack, life: Life, form: dict
) -> None:
    bot = life.start()
    # Hold SQLite's write lock from outside, so the submission waits inside its transaction.
    blocker = sqlite3.connect(life.db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    told: list[str | None] = []
    sender = threading.Thread(target=lambda: told.append(submit(bot, form, "VCRASH003")))
    sender.start()
    threading.Event().wait(0.5)  # time for the request to arrive and queue on the lock (not an assertion)
    life.kill()
    sender.join(10)
    blocker.execute("ROLLBACK")
    blocker.close()
    assert told == [None]  # no answer: the reporter sees Slack's error and can send again
    life.start()
    conn = Database(life.db).connection()
    for table in ("reports", "case_events", "outbox"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    assert slack.delivered("chat.postMessage") == []


def test_killed_at_random_moments_under_load_nothing_is_half_written(slack: FakeSlack, life: Life, form: dict) -> None:
    rng = random.Random(20240611)
    told: dict[str, str | None] = {}
    lock = threading.Lock()
    rounds = 3
    for round_ in range(rounds):
        bot = life.start()

        def one(view_id: str, bot: RunningBot = bot) -> None:
            ref = submit(bot, form, view_id)
            with lock:
                told[view_id] = ref

        senders = [threading.Thread(target=one, args=(f"VRAND{round_}{i:02d}",)) for i in range(12)]
        for sender in senders:
            sender.start()
        threading.Event().wait(rng.uniform(0.02, 0.25))
        life.kill()
        for sender in senders:
            sender.join(10)
    life.start()
    stored = {r.ref for r in ReportBook(Database(life.db)).all()}
    assert {ref for ref in told.values() if ref} <= stored  # everyone told "received" has a stored report
    for ref in stored:
        assert_whole(life.db, ref)
        # A DM still in flight at one kill is sent again at the next start, which the next kill may cut too.
        assert_announced_once(slack, life.db, ref, kills=rounds)
    assert "Traceback" not in life.logs()


def admin(*argv: str) -> str:
    done = subprocess.run([*POLICYBOT, *argv], env=clean_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_reports_sent_after_an_admin_command_are_kept(slack: FakeSlack, life: Life, form: dict) -> None:
    """Each command opens the database and closes it on exit. Had the bot's own SQLite locks been dropped
    (closing any descriptor of a file drops every POSIX lock the process holds on it), the command's exit
    would take it for the last user, checkpoint and delete the write-ahead log, and the bot would go on
    writing into the deleted file: reports acknowledged to staff, gone at the next restart."""
    bot = life.start()
    first = submit(bot, form, "VADMIN001")
    admin("outbox", "list", "--db", str(life.db))  # opens the database and exits, as any command does
    second = submit(bot, form, "VADMIN002")
    assert first and second and first != second
    assert_announced_once(slack, life.db, second)

    life.stop()
    out = admin("reports", "list", "--db", str(life.db))  # what a restart finds
    assert first in out and second in out


def test_stopped_by_systemd_it_says_so_and_keeps_what_it_had_not_sent(slack: FakeSlack, life: Life, form: dict) -> None:
    """`systemctl stop` sends SIGTERM: the log says the bot stopped and what it still had to send (before,
    the process ended without a line, as a crash does), and a restart sends it."""
    bot = life.start()
    slack.hold("chat.postMessage")
    ref = submit(bot, form, "VSTOP0001")
    assert ref is not None
    slack.wait_held("chat.postMessage")
    assert life.server is not None
    life.server.process.terminate()
    assert life.server.process.wait(timeout=10) == 0
    assert "stopping: SIGTERM received; 3 message(s) not yet sent are kept and sent at the next start" in life.logs()
    slack.release("chat.postMessage", act=False)
    life.start()
    assert_announced_once(slack, life.db, ref)


def test_started_with_nohup_a_hangup_does_not_stop_it(slack: FakeSlack, life: Life) -> None:
    """`nohup policybot serve` ignores SIGHUP; the stop handler must not take that back."""
    import signal

    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as nohup leaves it for the program it runs
    try:
        bot = life.start()
    finally:
        signal.signal(signal.SIGHUP, before)
    assert life.server is not None
    life.server.process.send_signal(signal.SIGHUP)
    assert bot.get("/healthz").status == 200 and life.server.process.poll() is None
    life.server.process.terminate()
    assert life.server.process.wait(timeout=10) == 0
    assert "stopping: SIGTERM received" in life.logs() and "SIGHUP" not in life.logs()
