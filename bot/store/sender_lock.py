"""One outbox sender per database and platform, even with several bot processes, and no wait after a crash.

The lock is an advisory `flock` on a file beside the database, one per platform
(`policybot.db.slack.sender.lock`, `policybot.db.teams.sender.lock`): Slack's runner and Teams' runner
send side by side, in one process or two, and each platform has one sender. The kernel drops it when its holder
exits, however it exits (kill -9 included), so whoever takes it next knows that every message still
claimed was claimed by a sender that is gone, and can send it again at once instead of waiting for
the claim's lease to run out. Where `flock` does not exist (Windows) every process may send and a
crashed sender's messages wait for their lease, as before.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class SenderLock:
    def __init__(self, db_path: Path | str, platform: str) -> None:
        self.path = Path(f"{db_path}.{platform}.sender.lock")
        self._fd: int | None = None

    @property
    def exclusive(self) -> bool:
        """Whether holding the lock proves no other sender is running."""
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
