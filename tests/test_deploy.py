"""The systemd unit and the cron lines in deploy/ work as written: the right user, folder, settings
file and restart policy; cron lines that escape `%`, use the venv's path and read the same `.env`."""

from __future__ import annotations

import configparser
import re
import shlex
import subprocess
import sys
from pathlib import Path

from bot.cli.main import build_parser
from bot.store.database import Database
from bot.store.question_log import QuestionLog
from tests.cli import clean_env
from tests.conftest import REPO

UNIT = REPO / "deploy" / "policybot.service"
CRON = REPO / "deploy" / "policybot.cron"
VENV_POLICYBOT = "/opt/policybot/.venv/bin/policybot"
CONFIG_DIR = "/etc/policybot"


def _unit() -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    unit.read_string(UNIT.read_text())
    return unit


def _cron_jobs() -> list[tuple[str, str]]:
    """(user, command) of each job line in /etc/cron.d format."""
    jobs = []
    for line in CRON.read_text().splitlines():
        if not line.strip() or line.startswith("#") or re.match(r"^[A-Z_]+=", line):
            continue
        fields = line.split(None, 6)
        assert len(fields) == 7, f"not minute hour day month weekday user command: {line}"
        jobs.append((fields[5], fields[6]))
    return jobs


def test_the_unit_runs_serve_as_its_own_user_after_the_network_restarting_on_failure() -> None:
    unit = _unit()
    assert "network-online.target" in unit["Unit"]["After"]
    assert "network-online.target" in unit["Unit"]["Wants"]
    service = unit["Service"]
    assert service["User"] == "policybot"
    assert service["Restart"] == "on-failure"
    assert service["WorkingDirectory"] == CONFIG_DIR
    # The settings systemd passes are the `.env` the commands read from the working directory.
    assert service["EnvironmentFile"] == f"{CONFIG_DIR}/.env"
    assert service["StateDirectory"] == "policybot"  # /var/lib/policybot, owned by the service user
    executable, *args = shlex.split(service["ExecStart"])
    assert executable == VENV_POLICYBOT
    assert build_parser().parse_args(args).command == "serve"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_cron_lines_use_the_venv_escape_percent_and_run_as_the_service_user() -> None:
    jobs = _cron_jobs()
    jobs_run = sorted(tuple(command.split("&&")[1].split()[1:3]) for _, command in jobs)
    assert jobs_run == [("backup", "--force"), ("retention", "purge")]
    for user, command in jobs:
        assert user == "policybot"
        assert command.startswith(f"cd {CONFIG_DIR} && {VENV_POLICYBOT} ")
        assert re.search(r"(?<!\\)%", command) is None, f"unescaped % in: {command}"


def test_cron_lines_work_as_written(tmp_path: Path) -> None:
    """Each job run by sh as cron would (`\\%` unescaped), with this checkout's paths swapped in."""
    config, backups = tmp_path / "etc", tmp_path / "backups"
    config.mkdir()
    backups.mkdir()
    db = tmp_path / "lib" / "policybot.db"
    db.parent.mkdir()
    QuestionLog(Database(db)).log("dobcroft", "can I film the nativity?", None, answered=False)
    (config / ".env").write_text(f"POLICYBOT_SCHOOL=dobcroft\nPOLICYBOT_DB={db}\n")
    outputs = []
    for _, command in _cron_jobs():
        as_cron_runs_it = (
            command.replace("\\%", "%")
            .replace(CONFIG_DIR, str(config))
            .replace(VENV_POLICYBOT, f"{sys.executable} -m bot.cli.main")
            .replace("/var/backups/policybot", str(backups))
        )
        proc = subprocess.run(
            ["/bin/sh", "-c", as_cron_runs_it], env=clean_env(), capture_output=True, text=True, timeout=60, check=False
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert any("Purged 0 closed case(s)" in out for out in outputs)
    [copy] = backups.glob("policybot-*.db")
    assert re.fullmatch(r"policybot-[A-Z][a-z]{2}\.db", copy.name)  # one a weekday, kept for a week
    assert not (config / "policybot.db").exists()  # the database from .env, not a new one in the folder


def test_the_readme_s_settings_file_has_no_comment_after_a_value() -> None:
    """systemd's EnvironmentFile would take `dobcroft   # your school` as the value."""
    readme = (REPO / "README.md").read_text()
    block = readme.split("SLACK_BOT_TOKEN=xoxb-...", 1)[1].split("```", 1)[0]
    for line in block.splitlines():
        if "=" in line and not line.strip().startswith("#"):
            assert "#" not in line, line
