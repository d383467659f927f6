"""User text shown in Slack messages: escaped so it cannot ping, link or format as Slack markup.

Slack's mrkdwn treats `<...>` as mentions and links (`<!channel>`, `<@U123>`, `<https://x|click>`);
escaping `&`, `<` and `>` (Slack's own rule) makes them plain text. A typed `@channel` without angle
brackets never pings, because we post with `link_names` off.
"""

from __future__ import annotations


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Text that fits a Block Kit field of `limit` characters, marked as cut when it had to be."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "\u2026"


def quote(text: str, limit: int) -> str:
    """Escaped text as an mrkdwn block quote, within `limit` characters."""
    quoted = "\n".join("> " + line for line in escape(text).splitlines() or [""])
    return clip(quoted, limit)


def mention(user_id: str | None) -> str:
    """A user id as a Slack mention (ids come from Slack itself, never from typed text)."""
    return f"<@{user_id}>" if user_id else "nobody"
