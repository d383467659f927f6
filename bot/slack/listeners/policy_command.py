"""`/policy <question>`: answered in the acknowledgement itself, visible only to the asker."""

from __future__ import annotations

import logging
import sqlite3

from slack_bolt import Ack, App

from bot.question_buttons import button_value
from bot.questions import QuestionError
from bot.render.wording import summary
from bot.slack.blocks.answer import answer_blocks, help_blocks
from bot.slack.escape import escape
from bot.slack.services import Services

log = logging.getLogger(__name__)

_HELP_WORDS = {"", "help", "?", "-h", "--help"}


def register(app: App, services: Services) -> None:
    @app.command("/policy")
    def policy(ack: Ack, command: dict) -> None:
        text = command.get("text") or ""
        school = services.school
        if text.strip().lower() in _HELP_WORDS:
            ack(response_type="ephemeral", text="How to ask policybot", blocks=help_blocks(school))
            return
        try:
            answer = services.book.ask(services.school_id, text)
        except QuestionError as exc:
            ack(response_type="ephemeral", text=f"Sorry, I can't look that up: {escape(str(exc))}.")
            return
        best = answer.best.clause.id if answer.best else None
        try:
            logged = services.questions.log(services.school_id, answer.question, best, answer.answered)
        except sqlite3.Error as exc:
            # The answer matters more than the log: answer anyway (its buttons will say it has expired).
            log.warning("could not log a question (%s); answered it anyway", exc)
            logged = None
        buttons = button_value(services.button_key, logged, command.get("user_id") or "")
        ack(response_type="ephemeral", text=escape(summary(answer)), blocks=answer_blocks(answer, buttons))
