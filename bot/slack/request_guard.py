"""The gate in front of Bolt in HTTP mode: a request must be signed by Slack and parse the way Slack
sends it, or it is refused with a 4xx before any listener or parser sees it.

Bolt checks signatures too, but it parses the body first and raises on a malformed timestamp
(`int("abc")`), a non-ASCII signature (`hmac.compare_digest` refuses non-ASCII str) or a body that is
not JSON; each of those would be an unauthenticated 500 with a traceback. Here they are a 401 or a 400.

The comparison itself is slack_sdk's `SignatureVerifier.is_valid`, which ends in `hmac.compare_digest`
(constant time), and refuses timestamps more than five minutes from now.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TypeGuard
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")
# Slack's ids: a capital letter, then capitals and digits (U012AB3CD, W0123, C0STAFF01).
SLACK_ID = re.compile(r"^[A-Z][A-Z0-9]{2,30}$")


@dataclass(frozen=True)
class Refusal:
    status: str  # a WSGI status line
    reason: str  # short, for the response body; never echoes the request


UNSIGNED = Refusal("401 Unauthorized", "invalid request")
MALFORMED = Refusal("400 Bad Request", "malformed request")


def check_request(
    verifier: SignatureVerifier, timestamp: str | None, signature: str | None, content_type: str, body: bytes
) -> Refusal | None:
    """None when the request is Slack's and well-formed; otherwise why not."""
    if not timestamp or not signature or not _TIMESTAMP.match(timestamp) or not _SIGNATURE.match(signature):
        return UNSIGNED
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        # Slack always sends UTF-8; the verifier would raise decoding anything else.
        return UNSIGNED
    if not verifier.is_valid(text, timestamp, signature):
        return UNSIGNED
    return None if _parses_like_slack(text, content_type) else MALFORMED


def _parses_like_slack(text: str, content_type: str) -> bool:
    """What Bolt's `parse_body` will accept without raising, and with the fields every listener relies
    on: a JSON object (Events API), a form whose `payload` is a JSON object naming the user who acted
    (buttons, forms), or a plain form (slash commands) naming the user who typed it."""
    if not text:
        return True
    if media_type(content_type) == "application/json" or text.lstrip().startswith("{"):
        envelope = _json_object(text)
        return envelope is not None and _event_well_typed(envelope)
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in fields:
        payload = _json_object(fields["payload"])
        return payload is not None and _names_user(payload.get("user")) and _payload_well_typed(payload)
    if "command" in fields:
        return is_slack_id(fields.get("user_id"))
    return True


def _payload_well_typed(payload: dict) -> bool:
    """The parts Bolt and the listeners read have the types Slack gives them (or are absent): a list of
    action objects, a view object with its id, metadata and state. Bolt's own matching would otherwise
    raise on `actions: ["x"]` before any listener could refuse it in words."""
    actions = payload.get("actions")
    if actions is not None and not (
        isinstance(actions, list)
        and all(isinstance(a, dict) and isinstance(a.get("action_id", ""), str) for a in actions)
        and all(isinstance(a.get("value", ""), str | type(None)) for a in actions)
    ):
        return False
    if payload.get("type") == "block_actions" and not actions:
        return False
    view = payload.get("view")
    if view is None:
        return payload.get("type") not in ("view_submission", "view_closed")
    if not isinstance(view, dict) or not isinstance(view.get("id"), str):
        return False
    state = view.get("state", {})
    values = state.get("values", {}) if isinstance(state, dict) else None
    if not isinstance(view.get("private_metadata", ""), str) or not isinstance(values, dict):
        return False
    blocks = values.values()
    return all(isinstance(block, dict) and all(isinstance(e, dict) for e in block.values()) for block in blocks)


def _event_well_typed(envelope: dict) -> bool:
    """An Events API envelope's event is an object, and the ids the listeners read are text."""
    if "event" not in envelope:
        return True  # url_verification and the like
    event = envelope["event"]
    if not isinstance(event, dict):
        return False
    return all(isinstance(event.get(key, ""), str | type(None)) for key in ("type", "ts", "thread_ts", "channel"))


def media_type(content_type: str) -> str:
    """`application/json` from `Application/JSON; charset=utf-8`: media types are case-insensitive."""
    return content_type.split(";")[0].strip().lower()


def _names_user(user: object) -> bool:
    return isinstance(user, dict) and is_slack_id(user.get("id"))


def is_slack_id(value: object) -> TypeGuard[str]:
    """A user, channel or team id as Slack writes them (nothing else can be put in a log line or a call)."""
    return isinstance(value, str) and bool(SLACK_ID.match(value))


def _json_object(text: str) -> dict | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        return None
    return value if isinstance(value, dict) else None


def hide_payload_word(body: bytes, content_type: str) -> bytes | None:
    """A form body Bolt would misread, rewritten so it reads it as sent; None when it reads it right.

    Bolt takes any form body containing the letters "payload" for a button or form submission and
    looks for a `payload` field; a slash command whose text merely contains the word ("/policy what
    is a payload") then matches no listener and Slack shows the user an error. Percent-encoding the
    "p" keeps every field's value the same once decoded, and Bolt then parses the form as a form.
    """
    text = body.decode("utf-8")
    if media_type(content_type) == "application/json" or text.lstrip().startswith("{") or "payload" not in text:
        return None
    if "payload" in dict(parse_qsl(text, keep_blank_values=True)):
        return None
    return text.replace("payload", "%70ayload").encode("utf-8")
