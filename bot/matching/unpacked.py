"""The model's layers as float32 on disk, mapped into memory at start instead of unpacked again.

The package ships the layers as int8 (85 MB); the arithmetic wants float32 (340 MB). Unpacking them
costs every process 0.2 to 1.2 s of its start (most of it the first touch of 340 MB of fresh memory,
slow on virtual machines) and its own 340 MB. So the first process keeps the unpacked layers in a
cache folder, and later ones map those files: the pages come from the operating system's file cache,
shared by every process that maps them (two `serve` workers, a cron job, `policybot ask`; the
process that unpacked keeps its own copy), and a start costs tens of milliseconds. A folder that
cannot be written, a disk with less than 2 GB to spare, or a file that is not what it should be,
costs only the old way of loading.

The folder is policybot's cache folder (bot/cache_folder.py). Files are named by a digest of the
packed layers (shape, scales, sampled values), so an upgrade to other weights writes new files;
another version's files are removed a day after they were written. Only files this user wrote and
nobody else can change are mapped.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import threading
from pathlib import Path

import numpy as np

from bot.atomic_file import written_whole
from bot.cache_folder import STALE_SECONDS, remove_if_older, trusted

log = logging.getLogger(__name__)

_OTHER_VERSION_SECONDS = 86_400
_SAMPLE = 16_384  # values read from the start, middle and end of the packed layers to name them
_SPARE_BYTES = 2 * 2**30  # left free on the disk after keeping a stack (about 110 MB each)


def layers(source: Path, scale: np.ndarray, name: str, folder: Path | None) -> np.ndarray:
    """The int8 stack `source` times its scales, as float32: mapped from `folder` when kept there."""
    if folder is None:
        return _unpack(source, scale)
    packed = np.load(source, mmap_mode="r")  # reads the header; pages only as they are touched
    path = folder / f"{name}-{_digest(name, packed, scale)}.npy"
    with contextlib.suppress(OSError, ValueError):
        if trusted(path):
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
    85 MB at every start would cost more than the mapping saves)."""
    flat = packed.reshape(-1)
    middle = len(flat) // 2
    samples = [flat[:_SAMPLE], flat[middle : middle + _SAMPLE], flat[-_SAMPLE:]]  # a few pages of 28 MB
    parts = [f"{name} {packed.shape}".encode(), scale.astype(np.float32).tobytes(), *(x.tobytes() for x in samples)]
    return hashlib.sha1(b"\0".join(parts)).hexdigest()[:16]


def _unpack(source: Path, scale: np.ndarray) -> np.ndarray:
    return np.multiply(np.load(source), scale, dtype=np.float32)


_warned: list[bool] = []


def _keep(array: np.ndarray, path: Path, prefix: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        for stale in path.parent.glob(f"{prefix}*.tmp"):  # left by a process stopped while writing
            remove_if_older(stale, STALE_SECONDS)
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
                remove_if_older(other, _OTHER_VERSION_SECONDS)
    except OSError as exc:
        # Said once a process, where a technician sees it: every start then takes a second or two longer
        if not _warned:
            _warned.append(True)
            log.warning(
                "policybot's cache folder %s cannot be written (%s), so every start unpacks the model again "
                "(a second or two); set POLICYBOT_MODEL_CACHE to a folder this user can write",
                path.parent,
                exc.strerror,
            )
