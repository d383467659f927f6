"""What counts as a question the bot can answer, and why it refuses the rest.

Every front end (CLI, Slack, Teams) checks a question here first, so staff see the same words
whichever way they ask.
"""

from __future__ import annotations

import unicodedata

MAX_QUESTION_CHARS = 500
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


class QuestionError(ValueError):
    """A question that cannot be asked; the message is meant for the person who typed it."""


def clean_question(raw: str) -> str:
    """The question with its spacing tidied, or a QuestionError saying what is wrong with it."""
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in raw):
        raise QuestionError("the question contains control characters; please type it as plain text")
    question = " ".join(raw.split())
    if not question:
        raise QuestionError("the question is empty; try something like: can I friend a parent on Facebook?")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(question):,} characters long; please ask in at most {MAX_QUESTION_CHARS} "
            "characters, one question at a time"
        )
    return question
