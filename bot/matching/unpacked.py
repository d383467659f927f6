"""The model's layers as float32 on disk, mapped into memory at start instead of unpacked again.

The package ships the layers as int8 (110 MB); the arithmetic wants float32 (340 MB). Unpacking them
costs every process 0.2 to 1.2 s of its start (most of it the first touch of 340 MB of fresh memory,
slow on virtual machines) and its own 340 MB. So the first process keeps the unpacked layers in a
cache folder, and later ones map those files: the pages come from the operating system's file cache,
shared by every process that maps them (two `serve` workers, a cron job, `policybot ask`; the
process that unpacked keeps its own copy), and a start costs tens of milliseconds. A folder that
cannot be written, a disk with less than 2 GB to spare, or a file that is not what it should be,
costs only the old way of loading.

The folder: `POLICYBOT_MODEL_CACHE` (`off` keeps nothing), else `$XDG_CACHE_HOME/policybot`, else
`~/.cache/policybot`. Files are named by a digest of the packed layers (shape, scales, sampled
values), so an upgrade to other weights writes new files; another version's files are removed a
day after they were written. Only files this user wrote and nobody else can change are mapped.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import threading
import time
from pathlib import Path

import numpy as np

from bot.atomic_file import written_whole

log = logging.getLogger(__name__)

OFF = "off"
_STALE_SECONDS = 600  # a half-written file this old was left by a process that stopped
_OTHER_VERSION_SECONDS = 86_400
_SAMPLE = 16_384  # values read from the start, middle and end of the packed layers to name them
_SPARE_BYTES = 2 * 2**30  # left free on the disk after keeping a stack (about 110 MB each)


def cache_folder() -> Path | None:
    """Where unpacked layers are kept, from the settings (environment, then `.env`); None to keep none."""
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


def layers(source: Path, scale: np.ndarray, name: str, folder: Path | None) -> np.ndarray:
    """The int8 stack `source` times its scales, as float32: mapped from `folder` when kept there."""
    if folder is None:
        return _unpack(source, scale)
    packed = np.load(source, mmap_mode="r")  # reads the header; pages only as they are touched
    path = folder / f"{name}-{_digest(name, packed, scale)}.npy"
    with contextlib.suppress(OSError, ValueError):
        if _trusted(path):
            mapped = np.load(path, mmap_mode="r")
            if mapped.dtype == np.float32 and mapped.shape == packed.shape:
                return mapped
        log.info("unpacked model layers at %s are not as expected; unpacking again", path)
    unpacked = _unpack(source, scale)
    # Written beside the first question rather than before it: the answer does not wait for 110 MB of
    # disk writes. Not a daemon thread, so a command that answers and exits still finishes the file.
    threading.Thread(target=_keep, args=(unpacked, path, f"{name}-"), name=f"keep-{name}", daemon=False).start()
    return unpacked


def _digest(name: str, packed: np.ndarray, scale: np.ndarray) -> str:
    """Names the packed layers: their shape, their scales and samples of their values (reading all
    110 MB at every start would cost more than the mapping saves)."""
    flat = packed.reshape(-1)
    middle = len(flat) // 2
    samples = [flat[:_SAMPLE], flat[middle : middle + _SAMPLE], flat[-_SAMPLE:]]  # a few pages of 28 MB
    parts = [f"{name} {packed.shape}".encode(), scale.astype(np.float32).tobytes(), *(x.tobytes() for x in samples)]
    return hashlib.sha1(b"\0".join(parts)).hexdigest()[:16]


def _trusted(path: Path) -> bool:
    """Only a file this user wrote, that nobody else can change: mapped weights decide every answer,
    and a file truncated under a mapping stops the process."""
    stat = path.stat()
    if hasattr(os, "getuid") and stat.st_uid != os.getuid():
        return False
    return stat.st_mode & 0o022 == 0


def _unpack(source: Path, scale: np.ndarray) -> np.ndarray:
    return np.multiply(np.load(source), scale, dtype=np.float32)


def _keep(array: np.ndarray, path: Path, prefix: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        for stale in path.parent.glob(f"{prefix}*.tmp"):  # left by a process stopped while writing
            _remove_if_older(stale, _STALE_SECONDS)
        free = shutil.disk_usage(path.parent).free
        if free < array.nbytes + _SPARE_BYTES:
            # A faster start is not worth a full disk: the database and the outbox must still be written.
            log.info("unpacked model layers not kept at %s: only %d MB free", path.parent, free // 2**20)
            return
        with written_whole(path, 0o600, prefix=prefix) as out:
            np.save(out, array)
        for other in path.parent.glob(f"{prefix}*.npy"):
            # Another version's layers, written over a day ago (two installs may share the folder for a
            # while; at worst each writes its own again once a day)
            if other != path:
                _remove_if_older(other, _OTHER_VERSION_SECONDS)
    except OSError as exc:
        log.info("unpacked model layers not kept at %s (%s); each start unpacks them", path.parent, exc.strerror)


def _remove_if_older(path: Path, seconds: float) -> None:
    with contextlib.suppress(OSError):
        if time.time() - path.stat().st_mtime > seconds:
            path.unlink()
