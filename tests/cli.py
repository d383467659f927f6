"""How tests run the command line: through this interpreter (`python -m bot.cli.main`), so the suite
passes whether or not the venv's `bin/` is on PATH."""

from __future__ import annotations

import os
import sys

POLICYBOT = [sys.executable, "-m", "bot.cli.main"]


def clean_env(**settings: str) -> dict[str, str]:
    """The environment without any SLACK_ or POLICYBOT_ variable of the person running the tests."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "POLICYBOT_"))}
    return {**kept, **settings}
