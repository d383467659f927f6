"""The report form submitted: checked, stored with its notifications, then confirmed.

The report is stored (with its notifications in the outbox) before the modal is answered, so the
reporter is only told "received" about a report that is safely written.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3

from slack_bolt import Ack, App

from bot.cases.guidance import guidance_for
from bot.cases.misuse import check_form
from bot.slack.blocks.forms import user_field_errors
from bot.slack.blocks.report_form import CALLBACK, confirmation_view, form_from_view
from bot.slack.listeners.misuse_common import LOGGER
from bot.slack.services import PLATFORM, Services

log = logging.getLogger(LOGGER)


def register(app: App, services: Services) -> None:
    @app.view(CALLBACK)
    def submit(ack: Ack, body: dict, view: dict) -> None:
        form = form_from_view(view)
        errors = user_field_errors(view) or check_form(form, dt.date.today())
        if errors:
            ack(response_action="errors", errors=errors)
            return
        try:
            submitted = services.reports.submit(
                services.school_id, body["user"]["id"], form, idempotency_key=view["id"], platform=PLATFORM
            )
        except sqlite3.Error as exc:
            # SQLite says what failed ("database or disk is full"), never what the form held
            log.error("could not store a misuse report: %s (%s)", exc, exc.__class__.__name__)
            ack(
                response_action="errors",
                errors={"what_happened": "Sorry, I couldn't save your report just now. Please press Send again."},
            )
            return
        services.wake_outbox()
        report = submitted.report
        if submitted.created:
            log.info("misuse report %s stored", report.ref)
        guidance = guidance_for(services.book, report.school, report.category.id)
        ack(response_action="update", view=confirmation_view(services.school, report, guidance))
