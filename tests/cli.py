"""How tests run the command line: through this interpreter (`python -m bot.cli.main`), so the suite
passes whether or not the venv's `bin/` is on PATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

POLICYBOT = [sys.executable, "-m", "bot.cli.main"]


def clean_env(**settings: str) -> dict[str, str]:
    """The environment without any SLACK_ or POLICYBOT_ variable of the person running the tests."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "POLICYBOT_"))}
    return {**kept, **settings}


def imported(policy: Path, school: str, knowledge: Path) -> dict[str, str]:
    """`policybot kb import` of `policy` as `school` into the folder `knowledge`, words only (no sentence
    vectors to encode); the environment that points the command line at that folder."""
    env = clean_env(POLICYBOT_KNOWLEDGE_DIR=str(knowledge), POLICYBOT_MEANING="off")
    done = subprocess.run([*POLICYBOT, "kb", "import", str(policy), "--school", school], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return env
