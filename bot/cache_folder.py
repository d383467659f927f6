"""policybot's cache folder: what a start can read instead of working out again (the model's unpacked
layers, bot/matching/unpacked.py; validated knowledge files, bot/knowledge/kept.py; each knowledge
folder's topic vote, bot/matching/kept_vote.py).

`POLICYBOT_MODEL_CACHE` (`off` keeps nothing), else `$XDG_CACHE_HOME/policybot`, else
`~/.cache/policybot`. Everything in it can be deleted at any time: the next start works it out again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from pathlib import Path

OFF = "off"
STALE_SECONDS = 600  # a half-written file this old was left by a process that stopped
_UNUSED_SECONDS = 7 * 86_400  # what nobody has read for a week (a folder tried once) is removed
_USED_SECONDS = 86_400  # a file read is marked as used at most once a day


def cache_folder() -> Path | None:
    """The folder, from the settings (environment, then `.env`); None to keep nothing."""
    from bot.settings import SettingsError, local_settings

    try:
        chosen = local_settings().model_cache
    except SettingsError:  # another setting is wrong (the command says so): this one may be `off`
        return None
    if chosen is not None:
        return None if chosen.strip().lower() == OFF else Path(chosen).expanduser()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "policybot"
    try:
        return Path.home() / ".cache" / "policybot"
    except RuntimeError:  # no home folder at all (a bare service account): keep nothing
        return None


def trusted(path: Path) -> bool:
    """Only a file this user wrote, that nobody else can change, in a folder nobody else can change,
    is read back: what is kept decides answers (and a file truncated under a mapping stops the
    process). Raises OSError if it is missing."""
    return _ours(path.stat()) and folders_ours(path.parent)


def read_trusted(path: Path, root: Path) -> bytes | None:
    """The file's bytes if it and its folders up to `root` are this user's alone, read from the very
    file checked (opened once, never through a symbolic link); None if not. Raises OSError if it
    cannot be read."""
    if not folders_ours(path.parent, root):
        return None
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as file:
        return file.read() if _ours(os.fstat(file.fileno())) else None


def private_subfolder(cache: Path, name: str) -> Path | None:
    """`cache/name`, made if missing, closed to others; None if it or a folder above it up to `cache`
    is not this user's alone (nothing kept there would be believed). Raises OSError."""
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = cache / name
    folder.mkdir(exist_ok=True, mode=0o700)
    return folder if folders_ours(folder, cache) else None


def folders_ours(folder: Path, root: Path | None = None) -> bool:
    """Whether `folder`, and the folders above it up to `root`, are this user's and closed to others:
    otherwise someone could put another file in the place of one kept there."""
    while True:
        if not _ours(folder.stat()):
            return False
        if root is None or folder == root or folder == folder.parent:
            return True
        folder = folder.parent


def _ours(stat: os.stat_result) -> bool:
    if not hasattr(os, "getuid"):
        # Windows: its mode bits say every file is writable, and access lists, not owners and modes, keep
        # the user's profile folder private. Checking them would rewrite 340 MB of layers at every start.
        return True
    return stat.st_uid == os.getuid() and stat.st_mode & 0o022 == 0


def named_after(path: Path) -> str:
    """A short name for what is kept on behalf of `path` (a knowledge file, a knowledge folder)."""
    return hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:16]


def mark_used(path: Path) -> None:
    """A kept file just read is in use: `sweep` is not to remove it as unused."""
    with contextlib.suppress(OSError):  # a folder since made read-only: the file is still good
        if time.time() - path.stat().st_mtime > _USED_SECONDS:
            os.utime(path)


def sweep(folder: Path) -> None:
    """Removes from `folder` what nobody has read for a week, and what a stopped process half wrote."""
    with contextlib.suppress(OSError):
        for other in folder.iterdir():
            remove_if_older(other, STALE_SECONDS if other.suffix == ".tmp" else _UNUSED_SECONDS)


def remove_if_older(path: Path, seconds: float) -> None:
    with contextlib.suppress(OSError):
        if time.time() - path.stat().st_mtime > seconds:
            path.unlink()
