"""The value of the buttons under an answer (Slack and Teams): the question's id, tied to the asker.

The question log keeps no user id (staff ask anonymously), so the tie is carried by the button: an HMAC
of the id and the asker's user id, with a key kept in the database. Slack shows the answer only to the
asker, but a signed request can name any question id; with the tag, "Ask SLT" or "Helpful" on someone
else's question is refused, and no user id is stored to make that possible.

The tag covers the question as logged (its time and text) too. A database restored from a backup gives
the ids of questions asked after the backup again, to new questions; a button drawn before the restore
names such an id, and without this its "Ask SLT" would send another member of staff's question to SLT
under the clicker's name. A question log that could not be written draws buttons that never match.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable

from bot.store.question_log import LoggedQuestion

_VALUE = re.compile(r"^([0-9]{1,12})\.([0-9a-f]{32})$")
_NEVER = "0." + "0" * 32  # no question has id 0


def button_value(key: bytes, question: LoggedQuestion | None, user_id: str) -> str:
    return f"{question.id}.{_tag(key, question, user_id)}" if question is not None else _NEVER


def question_for(
    key: bytes, value: object, user_id: str, logged: Callable[[int], LoggedQuestion | None]
) -> LoggedQuestion | None:
    """The logged question if the button was drawn for `user_id` under this very question; else None."""
    found = _VALUE.match(value) if isinstance(value, str) else None
    if found is None:
        return None
    question = logged(int(found.group(1)))
    if question is None or not hmac.compare_digest(found.group(2), _tag(key, question, user_id)):
        return None
    return question


def _tag(key: bytes, question: LoggedQuestion, user_id: str) -> str:
    # As a JSON list, so no field's text (a Teams user id holds ":") can pass for a boundary between two
    message = json.dumps([question.id, user_id, question.asked_at, question.question])
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]
