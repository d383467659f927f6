"""Who is SLT (or DSL, or an administrator): the members of that channel, asked of Slack.

Displays (App Home) use a cache of at most a minute. Decisions (acknowledging, closing, approving)
pass `fresh=True` and ask Slack every time, so someone removed from the SLT channel a moment ago
cannot act: the cost is one `conversations.members` call per click, which SLT make a few times a day.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

_MAX_PAGES = 100  # of 200 members: 20,000, more than any school's channel

CACHE_SECONDS = 60.0


class ChannelMembers:
    def __init__(self, client: WebClient, bot_user_id: Callable[[], str | None], ttl: float = CACHE_SECONDS) -> None:
        self._client = client
        self._bot_user_id = bot_user_id
        self._ttl = ttl
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}

    def members(self, channel: str, fresh: bool = False) -> frozenset[str]:
        """Every member of the channel, following Slack's cursor pagination; the bot itself excluded.
        `fresh` skips the cache (and refreshes it)."""
        with self._lock:
            cached = self._cache.get(channel)
            if not fresh and cached and time.monotonic() - cached[0] < self._ttl:
                return cached[1]
        found: set[str] = set()
        cursor = None
        followed: set[str] = set()
        for _ in range(_MAX_PAGES):
            response = self._client.conversations_members(channel=channel, cursor=cursor, limit=200)
            found.update(response.get("members", []))
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
            if cursor in followed:
                break
            followed.add(cursor)
        if cursor:  # still a page to follow: a repeated cursor, or the page limit reached
            # Slack giving pages without end (the same page again, or more than any school's channel
            # holds) would hold the click that asked forever; the members seen so far decide (someone
            # missing is refused: the safe failure).
            log.warning("Slack's pages of %s's members did not end; using the %d seen", channel, len(found))
        found.discard(self._bot_user_id() or "")
        members = frozenset(found)
        with self._lock:
            self._cache[channel] = (time.monotonic(), members)
        return members

    def is_member(self, channel: str | None, user_id: str, fresh: bool = False) -> bool:
        """False when the channel is unset or Slack cannot be asked: refusing is the safe failure."""
        if not channel:
            return False
        try:
            return user_id in self.members(channel, fresh=fresh)
        except SlackApiError as exc:
            log.warning("could not list members of %s: %s", channel, exc.response.get("error"))
            return False
        except OSError as exc:
            log.warning("could not reach Slack to list members of %s: %s", channel, exc)
            return False
