"""A school's IT technician installs policybot with a plain (non-editable) `pip install` and runs it
from any folder: the knowledge base travels inside the package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import clean_env
from tests.conftest import REPO


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """policybot built from this checkout and installed (not linked) into a folder of its own."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def _run(installed: Path, cwd: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    # The installed copy first on the path; dependencies come from this interpreter's site-packages.
    return subprocess.run(
        [sys.executable, "-m", "bot.cli.main", *argv],
        env=clean_env(PYTHONPATH=str(installed), **env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_installed_package_carries_the_knowledge_base(installed: Path) -> None:
    bundled = installed / "bot" / "bundled_knowledge"
    assert sorted(p.name for p in bundled.glob("*.yaml")) == sorted(p.name for p in (REPO / "knowledge").glob("*.yaml"))
    assert (bundled / "sources" / "dobcroft.txt").is_file()


def test_a_plain_install_answers_from_any_folder(installed: Path, tmp_path: Path) -> None:
    where = _run(installed, tmp_path, "--version")
    assert where.stdout.startswith("policybot ")
    proc = _run(installed, tmp_path, "ask", "--school", "dobcroft", "can I friend a parent?")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Not allowed:")
    assert "Dobcroft Junior School" in proc.stdout
    # It ran the installed copy, not this checkout.
    code = "import bot; print(bot.__file__)"
    imported = subprocess.run(
        [sys.executable, "-c", code], env=clean_env(PYTHONPATH=str(installed)), cwd=tmp_path, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    assert imported.stdout.strip().startswith(str(installed))


def test_policybot_knowledge_dir_still_overrides_the_bundled_one(installed: Path, tmp_path: Path) -> None:
    own = tmp_path / "our-policy"
    own.mkdir()
    shutil.copy(REPO / "knowledge" / "howitt.yaml", own)
    shutil.copy(REPO / "knowledge" / "vocabulary.yaml", own)
    proc = _run(installed, tmp_path, "schools", POLICYBOT_KNOWLEDGE_DIR=str(own))
    assert proc.returncode == 0, proc.stderr
    assert [line.split()[0] for line in proc.stdout.splitlines()] == ["howitt"]


def test_an_import_never_writes_into_the_installed_package(installed: Path, tmp_path: Path) -> None:
    """With no knowledge folder of its own set, `kb import` once wrote the school's reviewed work inside the
    venv, where the next `pip install` replaces it (and a service user cannot write)."""
    policy = tmp_path / "policy.txt"
    policy.write_text("1. Staff must not accept friend requests from pupils.\n", encoding="utf-8")
    bundled = installed / "bot" / "bundled_knowledge"
    before = sorted(p.name for p in bundled.iterdir())
    proc = _run(installed, tmp_path, "kb", "import", str(policy), "--school", "st-annes", POLICYBOT_MEANING="off")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "set POLICYBOT_KNOWLEDGE_DIR" in proc.stderr
    assert sorted(p.name for p in bundled.iterdir()) == before
    own = tmp_path / "our-knowledge"
    shutil.copytree(bundled, own)  # as the message says
    proc = _run(installed, tmp_path, "kb", "import", str(policy), "--school", "st-annes", POLICYBOT_MEANING="off",
                POLICYBOT_KNOWLEDGE_DIR=str(own))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (own / "st-annes.yaml").is_file()
