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

from pathlib import Path

from bot.file_lock import FileLock


class SenderLock(FileLock):
    def __init__(self, db_path: Path | str, platform: str) -> None:
        super().__init__(Path(f"{db_path}.{platform}.sender.lock"))
