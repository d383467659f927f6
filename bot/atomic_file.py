"""Files written whole or not at all: under a temporary name beside the target, flushed to the disk,
then renamed over it, so a reader (or a process mapping the file) never sees half of one, even after
a power cut, and a failed write leaves nothing behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def written_whole(path: Path, mode: int, prefix: str | None = None) -> Iterator[BinaryIO]:
    """Write to the yielded file; `path` appears, with `mode`, only when the block ends without error."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix or f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())  # the data on disk before the name points at it
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)  # a failed write's half file; after the rename there is nothing here
