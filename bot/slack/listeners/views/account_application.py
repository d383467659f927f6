"""The application form submitted (new, or changed after SLT asked): checked, stored, confirmed."""

from __future__ import annotations

import logging
import sqlite3

from slack_bolt import Ack, App

from bot.cases.accounts import check_application
from bot.cases.records import Refused
from bot.slack.blocks.account_form import CALLBACK, confirmation_view, form_from_view
from bot.slack.blocks.forms import user_field_errors
from bot.slack.listeners.accounts_common import colleague
from bot.slack.services import PLATFORM, Services

log = logging.getLogger("bot.slack.listeners.account_applications")


def register(app: App, services: Services) -> None:
    applications = services.applications

    @app.view(CALLBACK)
    def submit(ack: Ack, body: dict, view: dict) -> None:
        form = form_from_view(view)
        errors = user_field_errors(view) or check_application(form, services.settings.school_email_domain)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        user = body["user"]["id"]
        ref = view.get("private_metadata") or ""
        try:
            if ref:
                application = applications.resubmit(ref, user, form, idempotency_key=view["id"])
            else:
                application = applications.submit(
                    services.school_id, user, form, idempotency_key=view["id"], platform=PLATFORM
                )
        except Refused as refused:
            ack(response_action="errors", errors={"reason": refused.text(colleague)})
            return
        except sqlite3.Error as exc:
            # SQLite says what failed ("database or disk is full"), never what the form held
            log.error("could not store an account application: %s (%s)", exc, exc.__class__.__name__)
            ack(response_action="errors", errors={"reason": "Sorry, I couldn't save this just now. Press Send again."})
            return
        services.wake_outbox()
        log.info("account application %s stored (version %d)", application.ref, application.version)
        ack(response_action="update", view=confirmation_view(application))
