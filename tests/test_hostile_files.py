"""Files an attacker (or an accident) could put where the bot reads: a knowledge file built to explode
when read, and a policy whose file name holds a line break. Each fails fast, or works, in one line."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.knowledge.loader import load_file
from tests.conftest import REPO, SHARED

# Nine levels of nine aliases: 9**9 (387 million) strings once anything walks the data.
BILLION_LAUGHS = (
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    + "school: *i\nclauses: *i\n"
)


def _limit_memory() -> None:
    # The unfixed bot runs out of memory on this file; keep that from disturbing the machine.
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


@pytest.mark.parametrize(
    "command",
    [
        ["kb", "check"],
        ["ask", "--school", "evil", "can I friend a parent?"],
        ["ask", "--school", "dobcroft", "hi there"],
    ],
)
def test_a_billion_laughs_knowledge_file_fails_fast_with_a_clear_line(tmp_path: Path, command: list[str]) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    (knowledge / "evil.yaml").write_text(BILLION_LAUGHS)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli.main", *command],
            env={"PATH": "/usr/bin:/bin", "POLICYBOT_KNOWLEDGE_DIR": str(knowledge)},
            capture_output=True,
            text=True,
            timeout=20,
            preexec_fn=_limit_memory,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("still reading the file after 20 s")
    assert time.monotonic() - started < 10
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    if command[-1] == "hi there":  # another school's file is not even read
        assert done.returncode == 0, done.stderr
        return
    assert done.returncode != 0
    [line] = [x for x in (done.stdout + done.stderr).splitlines() if "evil.yaml" in x]
    assert "alias" in line and len(line) < 300


def test_a_knowledge_file_with_an_alias_is_refused_by_the_loader(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text(BILLION_LAUGHS)
    with pytest.raises(Exception, match="alias") as raised:
        load_file(path)
    assert "lol" not in str(raised.value)


@pytest.mark.skipif(not (SHARED / "policies").is_dir(), reason="needs ../shared/policies")
def test_a_policy_file_name_with_a_line_break_imports_to_a_draft_that_loads(tmp_path: Path, capsys) -> None:
    policy = tmp_path / "Social media policy\nDRAFT v2.txt"
    policy.write_text((SHARED / "policies" / "dobcroft.txt").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "knowledge" / "newschool.yaml"
    assert main(["kb", "import", str(policy), "--school", "newschool", "--out", str(out)]) == 0
    capsys.readouterr()
    draft = load_file(out)
    assert draft.school.id == "newschool" and draft.clauses
    assert "DRAFT v2.txt" in out.read_text().splitlines()[0]  # the name is still shown, on one line
