"""`policybot serve --teams` says at start-up, in one line, what it can run without but should not:
without an administrator channel, approved account applications have nobody to create them."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

from bot.settings import Settings, teams_warnings
from tests.cli import POLICYBOT, clean_env
from tests.fake_bot_framework import APP_ID, APP_PASSWORD, TENANT_ID, FakeBotFramework
from tests.teams_app import ADMIN_CHANNEL, DSL_CHANNEL, SLT_CHANNEL

ADMIN_WARNING = "POLICYBOT_TEAMS_ADMIN_CHANNEL: not set, so approved account applications cannot reach an administrator"


def _serve_until_listening(fake: FakeBotFramework, tmp_path: Path, **extra: str) -> str:
    """Start `serve --teams` on a free port, wait for it to listen, stop it; its log."""
    env = clean_env(
        TEAMS_APP_ID=APP_ID,
        TEAMS_APP_PASSWORD=APP_PASSWORD,
        TEAMS_TENANT_ID=TENANT_ID,
        TEAMS_OPENID_METADATA_URL=fake.openid_url,
        TEAMS_TOKEN_URL=fake.token_url,
        POLICYBOT_SCHOOL="dobcroft",
        POLICYBOT_TEAMS_SLT_CHANNEL=SLT_CHANNEL,
        POLICYBOT_DB=str(tmp_path / "policybot.db"),
        **extra,
    )
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*POLICYBOT, "serve", "--teams", "--host", "127.0.0.1", "--port", "0"],
            env=env, stdout=log, stderr=log, cwd=tmp_path,
        )
    try:
        deadline = time.monotonic() + 30
        while not re.search(r"serving Teams on 127\.0\.0\.1:\d+", log_path.read_text(errors="replace")):
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "serve --teams did not start"
            time.sleep(0.05)
    finally:
        process.terminate()
        code = process.wait(timeout=10)
    log_text = log_path.read_text(errors="replace")
    assert code == 0 and "stopping: SIGTERM received" in log_text  # systemctl stop, said in the log
    return log_text


def test_without_the_admin_channel_serve_warns_once_at_start_up(tmp_path) -> None:
    fake = FakeBotFramework().start()
    try:
        log = _serve_until_listening(fake, tmp_path)
    finally:
        fake.stop()
    warnings = [line for line in log.splitlines() if ADMIN_WARNING in line]
    assert len(warnings) == 1, log
    assert " WARNING " in warnings[0]
    assert "until it is set" in warnings[0]
    assert "Traceback" not in log


def test_with_the_admin_and_dsl_channels_there_is_nothing_to_warn_about() -> None:
    values = {"TEAMS_APP_ID": APP_ID, "POLICYBOT_TEAMS_SLT_CHANNEL": SLT_CHANNEL}
    both = {"POLICYBOT_TEAMS_ADMIN_CHANNEL": ADMIN_CHANNEL, "POLICYBOT_TEAMS_DSL_CHANNEL": DSL_CHANNEL}
    assert teams_warnings(Settings.model_validate({**values, **both})) == []
    assert [w.split(":")[0] for w in teams_warnings(Settings.model_validate(values))] == [
        "POLICYBOT_TEAMS_DSL_CHANNEL",
        "POLICYBOT_TEAMS_ADMIN_CHANNEL",
    ]
