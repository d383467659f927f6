"""Was this message posted already? Asked before posting again after an attempt whose outcome is
unknown: the process died mid-send, or Slack did not answer in time. Slack has no idempotency key for
`chat.postMessage`, so the channel's recent history is the only record of what it accepted.

Used for the private SLT and DSL channels (the app has `groups:history`); a direct message to the
reporter cannot be checked this way (no `im:history`), so it may, rarely, arrive twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

_MAX_PAGES = 50  # of 200 messages: far more than a channel holds since a message was first tried
# Clocks differ; look a little further back than the record says.
_SLACK_CLOCK_MARGIN_SECONDS = 300


def find_posted(client: WebClient, channel: str, text: str, since_iso: str, bot_user_id: str | None) -> str | None:
    """The ts of a message the bot posted in `channel` with exactly `text` since `since_iso`, or None.

    A Slack error (e.g. a missing scope) means "cannot tell": None, and the caller posts. Connection
    errors propagate, so the send is retried later rather than guessed."""
    oldest = dt.datetime.fromisoformat(since_iso).timestamp() - _SLACK_CLOCK_MARGIN_SECONDS
    cursor = None
    followed: set[str] = set()
    try:
        for _ in range(_MAX_PAGES):
            page = client.conversations_history(channel=channel, oldest=str(oldest), limit=200, cursor=cursor)
            messages: list[dict[str, Any]] = page.get("messages", [])
            for message in messages:
                ours = message.get("bot_id") or (bot_user_id and message.get("user") == bot_user_id)
                if ours and message.get("text") == text:
                    return message["ts"]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
            if cursor in followed:
                break
            followed.add(cursor)
        # Slack giving pages without end (a repeated cursor, or more than anyone posts in a day) would
        # hold the outbox's sender, and every later message, for ever: cannot tell, so post.
        log.warning("gave up looking through %s for an earlier copy (its pages did not end); posting", channel)
        return None
    except SlackApiError as exc:
        log.warning("could not check %s for an earlier copy (%s); posting", channel, exc.response.get("error"))
        return None
