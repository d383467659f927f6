"""An advisory lock on a file, taken without waiting: one process at a time does a thing.

`flock`: the kernel drops it when its holder exits, however it exits (kill -9 included), so a crash
never leaves it held. Where `flock` does not exist (Windows) every process gets it, and `exclusive`
says so.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def exclusive(self) -> bool:
        """Whether holding the lock proves no other process holds it."""
        return fcntl is not None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock if it is free (never waits). True if this process now holds it."""
        if self._fd is not None:
            return True
        if fcntl is None:
            self._fd = -1
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None and self._fd >= 0:
            os.close(self._fd)  # closing the descriptor releases the flock
        self._fd = None
