"""The IT person runs `policybot serve --http --workers 2` so answers use both CPU cores: both
workers answer, write to the one question log, run their own background threads, and stop cleanly."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.cli import POLICYBOT
from tests.fake_slack import FakeSlack
from tests.slack_app import SIGNING_SECRET, SLT_CHANNEL, RunningBot, answers_friending_a_parent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on Linux and macOS")


def _env(slack: FakeSlack, db: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "POLICYBOT_"))}
    return {
        **clean,
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "POLICYBOT_SCHOOL": "dobcroft",
        "POLICYBOT_SLT_CHANNEL": SLT_CHANNEL,
        "POLICYBOT_DB": str(db),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


def _wait_until_ready(bot: RunningBot, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[1]
        try:
            if bot.get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not become ready")


def test_two_workers_answer_and_share_one_question_log(slack: FakeSlack, tmp_path: Path) -> None:
    port, db = _free_port(), tmp_path / "policybot.db"
    server = subprocess.Popen(
        [*POLICYBOT, "serve", "--http", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=_env(slack, db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    bot = RunningBot(slack, f"http://127.0.0.1:{port}", None, None)
    try:
        _wait_until_ready(bot, server)
        if Path("/proc").is_dir():  # two worker processes under the one server
            deadline = time.monotonic() + 30
            while len(_children(server.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(_children(server.pid)) == 2

        # Each worker starts its own background threads after the fork: each learns the bot's id.
        slack.wait_for("auth.test", count=2)

        # Staff ask at the same time; whichever worker takes a question answers it in full.
        with ThreadPoolExecutor(max_workers=8) as pool:
            replies = list(
                pool.map(lambda _: bot.command("/policy", "can I accept a friend request from a parent?"), range(20))
            )
        assert all(r.status == 200 for r in replies)
        assert all(answers_friending_a_parent(r.body.decode()) for r in replies)

        # One question log for all workers, every question in it once.
        with sqlite3.connect(db) as conn:
            ids = [row[0] for row in conn.execute("SELECT id FROM questions")]
        assert len(ids) == len(set(ids)) == 20

        # A click on Helpful is handled after the acknowledgement, in whichever worker takes it.
        buttons = [e for b in replies[0].json()["blocks"] for e in b.get("elements", []) if "value" in e]
        value = next(e["value"] for e in buttons if e["action_id"] == "answer_helpful")
        question_id = value.split(".")[0]
        assert bot.click("answer_helpful", value).status == 200
        assert slack.wait_for_responses(1)[0]["text"] == "Thanks, glad it helped."
        with sqlite3.connect(db) as conn:
            [feedback] = conn.execute("SELECT feedback FROM questions WHERE id = ?", (int(question_id),)).fetchone()
        assert feedback == "helpful"
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=60)
    assert server.returncode == 0, errors
    assert "Traceback" not in errors


def test_workers_need_http_and_at_least_one() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "POLICYBOT_"))}
    for args, message in (
        (["--workers", "2"], "--workers needs --http"),
        (["--http", "--workers", "0"], "--workers must be 1 or more"),
    ):
        proc = subprocess.run(
            [*POLICYBOT, "serve", *args], env=env, capture_output=True, text=True, timeout=30, check=False
        )
        assert proc.returncode == 2
        assert message in proc.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_worker_opens_its_own_database_connection(tmp_path: Path) -> None:
    from bot.store.database import Database
    from bot.store.question_log import QuestionLog

    db = Database(tmp_path / "policybot.db")
    parents = db.connection()
    pid = os.fork()
    if pid == 0:  # the worker: SQLite connections must not cross a fork
        try:
            ok = db.connection() is not parents and QuestionLog(db).log("dobcroft", "q", None, False).id == 1
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert QuestionLog(db).get(1) is not None
