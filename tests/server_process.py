"""`policybot serve --http` as a real child process against the fake Slack: for crash tests (which kill
it with SIGKILL) and the load benchmark (which must not share the server's GIL)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.cli import POLICYBOT
from tests.fake_slack import FakeSlack
from tests.slack_app import ADMIN_CHANNEL, DSL_CHANNEL, SIGNING_SECRET, SLT_CHANNEL, RunningBot


@dataclass
class ServerProcess:
    process: subprocess.Popen
    log_path: Path
    bot: RunningBot  # signed requests to it (no in-process services: read the database instead)

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no handler, no atexit, no flush; what a power-cut-free crash looks like."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(slack: FakeSlack, db: Path, log_path: Path, timeout: float = 30.0, **env: str) -> ServerProcess:
    """Start the server on a free port and wait until /healthz answers."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "POLICYBOT_"))}
    settings = {
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "POLICYBOT_SCHOOL": "dobcroft",
        "POLICYBOT_SLT_CHANNEL": SLT_CHANNEL,
        "POLICYBOT_DSL_CHANNEL": DSL_CHANNEL,
        "POLICYBOT_ADMIN_CHANNEL": ADMIN_CHANNEL,
        "POLICYBOT_DB": str(db),
        **env,
    }
    log = log_path.open("wb")
    process = subprocess.Popen(
        [*POLICYBOT, "serve", "--http", "--host", "127.0.0.1", "--port", "0"],
        env={**clean, **settings},
        stdout=log,
        stderr=log,
        cwd=db.parent,
    )
    log.close()
    deadline = time.monotonic() + timeout
    port = None
    while port is None:
        found = re.search(r"serving HTTP on 127\.0\.0\.1:(\d+)", log_path.read_text(errors="replace"))
        port = int(found.group(1)) if found else None
        if process.poll() is not None:
            raise RuntimeError(f"policybot serve exited with {process.returncode}:\n{log_path.read_text()}")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("policybot serve did not start")
        time.sleep(0.05)
    server = ServerProcess(process, log_path, RunningBot(slack, f"http://127.0.0.1:{port}", None, None))
    while server.bot.get("/healthz").status != 200:
        time.sleep(0.05)
    return server
