"""User text shown in Slack messages: escaped so it cannot ping, link or format as Slack markup.

Slack's mrkdwn treats `<...>` as mentions and links (`<!channel>`, `<@U123>`, `<https://x|click>`);
escaping `&`, `<` and `>` (Slack's own rule) makes them plain text. A typed `@channel` without angle
brackets does not ping while we post with `link_names` off; a word joiner after the `@` keeps it so
if that ever changes. Right-to-left overrides are dropped: they reorder the text around them, so a
card could show words in another order than the reporter typed.
"""

from __future__ import annotations

import re

_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_WORD_JOINER = "\u2060"
# A Slack user id: U or W, then capitals and digits (what users_select and the `user` field carry).
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")


def escape(text: str) -> str:
    text = text.translate(_BIDI_CONTROLS).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + _WORD_JOINER + m.group(1), text)


def is_user_id(value: object) -> bool:
    return isinstance(value, str) and USER_ID.match(value) is not None


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
    """A user id as a Slack mention. Ids come from Slack, but a forged request could carry anything in
    a user field: what is not a user id is shown as plain text, never as markup."""
    if not user_id:
        return "nobody"
    return f"<@{user_id}>" if is_user_id(user_id) else escape(user_id)
