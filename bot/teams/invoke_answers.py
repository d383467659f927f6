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


UNKNOWN_BUTTON = "Sorry, I don't know that button."


def _dict(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def dialog_data(activity: dict[str, Any]) -> dict[str, Any] | None:
    """A dialog invoke's `value.data`, or None when any step of it is not an object: the token proves
    who sent the activity, not that its body has the shape a Teams client gives it."""
    value = _dict(activity.get("value")) or {}
    return _dict(value.get("data", {}))


def card_action(activity: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """An `adaptiveCard/action` invoke's verb and data, or None when they are not a string and an object."""
    action = _dict((_dict(activity.get("value")) or {}).get("action"))
    if action is None or not isinstance(action.get("verb"), str):
        return None
    data = action.get("data")
    data = {} if data is None else _dict(data)
    return None if data is None else (action["verb"], data)
