"""Reading a submitted modal: every input's value by block id, whatever kind of element it is."""

from __future__ import annotations

from typing import Any

from bot.slack.escape import is_user_id


def submitted_values(view: dict[str, Any]) -> dict[str, Any]:
    """{block_id: value}: text for text inputs, the option value for selects and radios, a list for
    checkboxes and multi-selects, the ISO date for date pickers; None when left empty."""
    values: dict[str, Any] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        for element in actions.values():
            values[block_id] = _value(element)
    return values


def _value(element: dict[str, Any]) -> str | list[str] | None:
    """Only text, or a list of texts, whatever a request put there: a value of another shape reads as
    left empty, so the form says which field to fill in rather than failing."""
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons", "external_select"):
        option = element.get("selected_option")
        return one(option.get("value")) if isinstance(option, dict) else None
    if kind in ("checkboxes", "multi_static_select"):
        options = element.get("selected_options")
        chosen = [one(o.get("value")) for o in options if isinstance(o, dict)] if isinstance(options, list) else []
        return [value for value in chosen if value is not None]
    if kind == "multi_users_select":
        users = element.get("selected_users")
        return [user for user in users if isinstance(user, str)] if isinstance(users, list) else []
    if kind == "users_select":
        return one(element.get("selected_user"))
    if kind == "datepicker":
        return one(element.get("selected_date"))
    return one(element.get("value"))


def one(value: Any) -> str | None:
    """A single choice (a select, a radio, a date, a person): None unless it came as one text. A block
    sent as another kind of element than the form draws (a list for a select) reads as left empty."""
    return value if isinstance(value, str) else None


def many(value: Any) -> tuple[str, ...]:
    """Several choices (checkboxes, multi-selects): () unless they came as a list (not a text cut into
    letters)."""
    return tuple(value) if isinstance(value, list) else ()


def text_or_none(value: Any) -> str | None:
    """A text input as typed, or None when left blank (blank inputs arrive as null or whitespace)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value


def user_field_errors(view: dict[str, Any]) -> dict[str, str]:
    """Errors for person pickers holding something other than Slack user ids. Slack's own pickers
    cannot send such a value; a forged request can (`UDEPUTY01> <!channel`), and it must not be stored
    and later drawn as markup on a card."""
    errors: dict[str, str] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        for element in (actions or {}).values():
            kind = element.get("type")
            if kind == "users_select":
                chosen = [element.get("selected_user")] if element.get("selected_user") is not None else []
            elif kind == "multi_users_select":
                chosen = element.get("selected_users") or []
                chosen = chosen if isinstance(chosen, list) else [chosen]
            else:
                continue
            if not all(is_user_id(user) for user in chosen):
                errors[block_id] = "Please choose people from the list."
    return errors
