"""`policybot serve` tells the IT person every missing or malformed setting, one line each."""

from __future__ import annotations

import os
import subprocess

from tests.cli import POLICYBOT


def _serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "POLICYBOT_"))}
    return subprocess.run(
        [*POLICYBOT, "serve", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        cwd="/",
    )


def test_nothing_set_lists_each_missing_setting() -> None:
    proc = _serve({}, "--http")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert [line.split(":")[1].strip() for line in lines] == [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "POLICYBOT_SLT_CHANNEL",
        "POLICYBOT_SCHOOL",
    ]
    assert "Traceback" not in proc.stderr


def test_malformed_settings_say_what_is_wrong() -> None:
    proc = _serve({"SLACK_BOT_TOKEN": "xoxp-user-token", "POLICYBOT_SLT_CHANNEL": "#slt", "SLACK_APP_TOKEN": "x"})
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN: must be a bot token starting with xoxb-" in proc.stderr
    assert "POLICYBOT_SLT_CHANNEL: must be a channel id" in proc.stderr
    assert "SLACK_APP_TOKEN: must be an app-level token" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_school_is_named() -> None:
    proc = _serve(
        {
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_APP_TOKEN": "xapp-1",
            "POLICYBOT_SLT_CHANNEL": "G0SLT0001",
            "POLICYBOT_SCHOOL": "hogwarts",
        }
    )
    assert proc.returncode == 2
    assert "POLICYBOT_SCHOOL: unknown school 'hogwarts'" in proc.stderr
