"""The bodies Teams expects in the HTTP answer to an invoke: a dialog to show (or keep showing) and a
dialog closed with a message (task/fetch, task/submit), and for `adaptiveCard/action` either a short
message to the person who pressed or a card that replaces theirs (a user-specific view)."""

from __future__ import annotations

from typing import Any

from bot.teams.cards import CARD_CONTENT_TYPE

Response = tuple[int, dict[str, Any] | None]


def dialog(title: str, card: dict[str, Any]) -> Response:
    value = {"title": title, "height": "large", "width": "medium",
             "card": {"contentType": CARD_CONTENT_TYPE, "content": card}}
    return 200, {"task": {"type": "continue", "value": value}}


def dialog_message(text: str) -> Response:
    """Closes the dialog (or answers its opening) with a message."""
    return 200, {"task": {"type": "message", "value": text}}


def message(value: str) -> Response:
    """An `adaptiveCard/action` answered with a short message to the person who pressed."""
    return 200, {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": value}


def card(content: dict[str, Any]) -> Response:
    """An `adaptiveCard/action` answered with a card: it replaces the card for this person only."""
    return 200, {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": content}
