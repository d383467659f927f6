"""The value of the buttons under an answer (Slack and Teams): the question's id, tied to the asker.

The question log keeps no user id (staff ask anonymously), so the tie is carried by the button: an HMAC
of the id and the asker's user id, with a key kept in the database. Slack shows the answer only to the
asker, but a signed request can name any question id; with the tag, "Ask SLT" or "Helpful" on someone
else's question is refused, and no user id is stored to make that possible.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_VALUE = re.compile(r"^([0-9]{1,12})\.([0-9a-f]{32})$")


def button_value(key: bytes, question_id: int, user_id: str) -> str:
    return f"{question_id}.{_tag(key, question_id, user_id)}"


def question_for(key: bytes, value: object, user_id: str) -> int | None:
    """The question id if the button was drawn for `user_id`; None for anything else."""
    found = _VALUE.match(value) if isinstance(value, str) else None
    if found is None:
        return None
    question_id = int(found.group(1))
    return question_id if hmac.compare_digest(found.group(2), _tag(key, question_id, user_id)) else None


def _tag(key: bytes, question_id: int, user_id: str) -> str:
    return hmac.new(key, f"{question_id}:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]
