"""The model's unpacked layers are kept between starts (bot/matching/unpacked.py): later starts map
them and answer exactly as an unpacking start does; a folder that cannot hold them costs nothing but
time."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from bot.matching import unpacked
from bot.matching.semantic import read_floats
from tests.cli import POLICYBOT, clean_env

QUESTION = "can I friend a parent?"
STACKS = ("mpnet-attention", "mpnet-intermediate", "mpnet-output")


def _ask(cwd: Path, **settings: str) -> str:
    result = subprocess.run(
        [*POLICYBOT, "ask", "--school", "howitt", "--json", QUESTION],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean_env(**settings),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout


def _kept(folder: Path, *besides: Path) -> dict[str, Path]:
    return {path.name.rsplit("-", 1)[0]: path for path in folder.glob("mpnet-*.npy") if path not in besides}


def test_the_first_start_keeps_the_layers_and_later_starts_map_them_with_the_same_answer(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    old = xdg / "policybot" / "mpnet-attention-0123456789abcdef.npy"  # an earlier version's, unused for days
    old.parent.mkdir(parents=True)
    old.write_bytes(b"not these weights")
    os.utime(old, (time.time() - 3 * 86400, time.time() - 3 * 86400))
    beside = old.with_name("mpnet-output-fedcba9876543210.npy")  # another install's, in use today
    beside.write_bytes(b"another install's weights")
    stopped = old.with_name("mpnet-output-abandoned.tmp")  # a process stopped an hour ago while writing
    stopped.write_bytes(b"half a file")
    os.utime(stopped, (time.time() - 3600, time.time() - 3600))
    writing = old.with_name("mpnet-output-in-progress.tmp")  # another process writing now
    writing.write_bytes(b"being written")
    unpacking = _ask(tmp_path, XDG_CACHE_HOME=str(xdg), POLICYBOT_MODEL_CACHE="off")
    assert sorted((xdg / "policybot").iterdir()) == sorted([old, beside, stopped, writing])  # `off`: nothing kept

    first = _ask(tmp_path, XDG_CACHE_HOME=str(xdg))
    kept = _kept(xdg / "policybot", beside)
    assert sorted(kept) == sorted(STACKS) and not old.exists() and beside.exists()
    assert not stopped.exists() and writing.exists()
    assert all(path.stat().st_size > 100_000_000 and path.stat().st_mode & 0o077 == 0 for path in kept.values())
    written = {name: path.stat().st_mtime_ns for name, path in kept.items()}

    later = _ask(tmp_path, XDG_CACHE_HOME=str(xdg))
    assert first == later == unpacking
    assert {name: path.stat().st_mtime_ns for name, path in kept.items()} == written

    # A file someone else could have changed is not mapped: it is unpacked and written again, private.
    kept["mpnet-intermediate"].chmod(0o666)
    assert _ask(tmp_path, XDG_CACHE_HOME=str(xdg)) == unpacking
    assert kept["mpnet-intermediate"].stat().st_mode & 0o777 == 0o600
    assert kept["mpnet-intermediate"].stat().st_mtime_ns != written["mpnet-intermediate"]


def test_the_setting_in_env_chooses_the_folder_and_a_damaged_file_is_unpacked_again(tmp_path: Path) -> None:
    folder = tmp_path / "model-cache"
    (tmp_path / ".env").write_text(f"POLICYBOT_MODEL_CACHE={folder}\n", encoding="utf-8")
    expected = _ask(tmp_path, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    assert sorted(_kept(folder)) == sorted(STACKS) and not (tmp_path / "xdg").exists()

    damaged = _kept(folder)["mpnet-output"]
    size = damaged.stat().st_size
    with damaged.open("r+b") as file:  # a disk that filled up under an earlier version, say
        file.truncate(size // 2)
    assert _ask(tmp_path) == expected
    assert damaged.stat().st_size == size


def test_a_folder_that_cannot_hold_the_layers_still_answers(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the folder would be", encoding="utf-8")
    expected = _ask(tmp_path, POLICYBOT_MODEL_CACHE="off")
    assert _ask(tmp_path, POLICYBOT_MODEL_CACHE=str(not_a_folder)) == expected
    assert not_a_folder.read_text(encoding="utf-8") == "a file where the folder would be"


def test_a_nearly_full_disk_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """340 MB of layers must not take the last space the database and the outbox need."""
    model = resources.files("bot.matching") / "model"
    scale = read_floats(model)["output.scale"]
    real_usage = shutil.disk_usage
    monkeypatch.setattr(
        shutil, "disk_usage", lambda where: real_usage(where)._replace(free=1_500_000_000)
    )  # 1.5 GB free: more than the file, less than the file and the 2 GB kept spare
    with resources.as_file(model / "mpnet-output.npy") as source:
        layers = unpacked.layers(source, scale, "mpnet-output", tmp_path / "cache")
        expected = np.multiply(np.load(source), scale, dtype=np.float32)
    for thread in threading.enumerate():  # the layers are kept (or not) beside the first question
        if thread.name.startswith("keep-"):
            thread.join()
    assert np.array_equal(layers, expected)
    assert list((tmp_path / "cache").iterdir()) == []
