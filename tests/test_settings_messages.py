"""An IT technician's settings mistakes, as the command line tells them: one line each, in words about
the setting, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli import POLICYBOT, clean_env
from tests.conftest import REPO


def _ask(folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`policybot ask` run in `folder`, so it reads the `.env` there."""
    return subprocess.run(
        [*POLICYBOT, "ask", "--school", "howitt", "can I friend a parent?"],
        cwd=folder,
        env=clean_env(**{"POLICYBOT_MEANING": "off", **env}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_dot_env_saved_as_utf_16_is_named(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("POLICYBOT_SCHOOL=howitt\n", encoding="utf-16")  # Notepad's "Unicode"
    proc = subprocess.run(
        [*POLICYBOT, "ask", "can I friend a parent?"], cwd=tmp_path, env=clean_env(), capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    problem = "not UTF-8 text; save it again as UTF-8 (invalid start byte)"
    assert proc.stderr == f"policybot: {tmp_path / '.env'}: {problem}\n"


def test_settings_of_the_wrong_kind_are_one_line_each_in_plain_words(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("POLICYBOT_RETENTION_YEARS=six\n", encoding="utf-8")
    proc = _ask(tmp_path, POLICYBOT_MEANING="maybe")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        "policybot: POLICYBOT_RETENTION_YEARS: must be a whole number of years from 1 to 100",
        "policybot: POLICYBOT_MEANING: should be on or off (or true / false, yes / no, 1 / 0)",
    ]


def test_a_knowledge_folder_in_the_home_folder_or_missing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(REPO / "knowledge", home / "kb", ignore=shutil.ignore_patterns("vectors", "*.bak"))
    (tmp_path / ".env").write_text("POLICYBOT_KNOWLEDGE_DIR=~/kb\n", encoding="utf-8")  # no shell to expand ~
    proc = _ask(tmp_path, HOME=str(home))
    assert proc.returncode == 0, proc.stderr
    assert "Acceptable Use of Social Media Policy" in proc.stdout  # Howitt's, from that folder

    (tmp_path / ".env").write_text("POLICYBOT_KNOWLEDGE_DIR=~/kb-typo\n", encoding="utf-8")
    proc = _ask(tmp_path, HOME=str(home))
    assert proc.returncode == 2
    expected = f"the knowledge folder {home / 'kb-typo'} does not exist (check POLICYBOT_KNOWLEDGE_DIR)"
    assert proc.stderr == f"policybot: {expected}\n"


@pytest.mark.parametrize("meaning", ["off", "no", "0", "false"])
def test_meaning_off_in_every_spelling_the_message_offers(tmp_path: Path, meaning: str) -> None:
    assert _ask(tmp_path, POLICYBOT_MEANING=meaning).returncode == 0
