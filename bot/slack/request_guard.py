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
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")


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
    """What Bolt's `parse_body` will accept without raising: a JSON object, a form whose `payload` is a
    JSON object, or a plain form (slash commands)."""
    if not text:
        return True
    if content_type.split(";")[0].strip().lower() == "application/json" or text.startswith("{"):
        return _json_object(text)
    if "payload" in text:
        payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
        return payload is None or _json_object(payload)
    return True


def _json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        return False
