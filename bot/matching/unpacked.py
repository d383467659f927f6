"""The model's layers as float32 on disk, mapped into memory at start instead of unpacked again.

The package ships the layers as int8 (110 MB); the arithmetic wants float32 (340 MB). Unpacking them
costs every process 0.2 to 1.2 s of its start (most of it the first touch of 340 MB of fresh memory,
slow on virtual machines) and its own 340 MB. So the first process keeps the unpacked layers in a
cache folder, and later ones map those files: the pages come from the operating system's file cache,
shared by every process that maps them (two `serve` workers, a cron job, `policybot ask`), and a
start costs tens of milliseconds. A folder that cannot be written, a disk with less than 2 GB to
spare, or a file that is not what it should be, costs only the old way of loading.

The folder: `POLICYBOT_MODEL_CACHE` (`off` keeps nothing), else `$XDG_CACHE_HOME/policybot`, else
`~/.cache/policybot`. Files are named by a digest of the packed layers, so an upgrade to other
weights writes new files and removes the old.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

OFF = "off"
_STALE_SECONDS = 600  # a half-written file this old was left by a process that stopped
_SPARE_BYTES = 2 * 2**30  # left free on the disk after keeping a stack (about 110 MB each)


def cache_folder() -> Path | None:
    """Where unpacked layers are kept, from the settings (environment, then `.env`); None to keep none."""
    from bot.settings import SettingsError, local_settings

    try:
        chosen = local_settings().model_cache
    except SettingsError:  # another setting is wrong: the command says so itself; the model needs none
        chosen = None
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
    shape = np.load(source, mmap_mode="r").shape  # reads the header only
    digest = hashlib.sha1(f"{name} {shape}".encode() + scale.astype(np.float32).tobytes()).hexdigest()[:16]
    path = folder / f"{name}-{digest}.npy"
    with contextlib.suppress(OSError, ValueError):
        mapped = np.load(path, mmap_mode="r")
        if mapped.dtype == np.float32 and mapped.shape == shape:
            return mapped
        log.info("unpacked model layers at %s are not as expected; unpacking again", path)
    unpacked = _unpack(source, scale)
    # Written beside the first question rather than before it: the answer does not wait for 110 MB of
    # disk writes. Not a daemon thread, so a command that answers and exits still finishes the file.
    threading.Thread(target=_keep, args=(unpacked, path, f"{name}-"), name=f"keep-{name}", daemon=False).start()
    return unpacked


def _unpack(source: Path, scale: np.ndarray) -> np.ndarray:
    return np.multiply(np.load(source), scale, dtype=np.float32)


def _keep(array: np.ndarray, path: Path, prefix: str) -> None:
    """Written whole and renamed into place: a process mapping the file never sees half of it."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        for stale in path.parent.glob(f"{prefix}*.tmp"):  # left by a process stopped while writing
            with contextlib.suppress(OSError):
                if time.time() - stale.stat().st_mtime > _STALE_SECONDS:
                    stale.unlink()
        free = shutil.disk_usage(path.parent).free
        if free < array.nbytes + _SPARE_BYTES:
            # A faster start is not worth a full disk: the database and the outbox must still be written.
            log.info("unpacked model layers not kept at %s: only %d MB free", path.parent, free // 2**20)
            return
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            np.save(out, array)
        os.replace(tmp, path)
        tmp = None
        for old in path.parent.glob(f"{prefix}*.npy"):  # an earlier version's weights
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("unpacked model layers not kept at %s (%s); each start unpacks them", path.parent, exc.strerror)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
