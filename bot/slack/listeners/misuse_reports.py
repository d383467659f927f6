"""`/report-misuse`: the form, storing the report, and SLT's triage buttons and modals.

A submission is stored (with its notifications in the outbox) before the modal is answered, so
the reporter is only told "received" about a report that is safely written.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3

from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackApiError

from bot.cases.guidance import guidance_for
from bot.cases.misuse import check_form
from bot.cases.records import Actor, Refused
from bot.slack.blocks.forms import submitted_values, text_or_none
from bot.slack.blocks.report_card import (
    ACKNOWLEDGE,
    ADD_NOTE,
    ASSIGN,
    CLOSE,
    CLOSE_CALLBACK,
    NOTE_CALLBACK,
    close_modal,
    note_modal,
)
from bot.slack.blocks.report_form import CALLBACK, confirmation_view, form_from_view, report_modal
from bot.slack.services import Services

log = logging.getLogger(__name__)


def _mention(user_id: str) -> str:
    return f"<@{user_id}>"


def _tell(respond: Respond, text: str) -> None:
    """An ephemeral reply to whoever clicked; failing to send it must not fail the click."""
    try:
        respond(response_type="ephemeral", replace_original=False, text=text)
    except Exception as exc:  # the response_url is Slack's too, and may be unreachable
        log.warning("could not reply to a click: %s", exc.__class__.__name__)


def register(app: App, services: Services) -> None:
    reports = services.reports

    def actor(user_id: str) -> Actor:
        # Every triage step changes a case (or opens the form that will), so SLT membership is asked of
        # Slack each time: someone just removed from the SLT channel is refused at once.
        return Actor(user_id, services.is_slt(user_id, fresh=True))

    # -- the form --------------------------------------------------------------------------------
    def open_form(body: dict, respond: Respond) -> None:
        try:
            services.client.views_open(
                trigger_id=body["trigger_id"], view=report_modal(services.school, dt.date.today())
            )
        except (SlackApiError, OSError) as exc:
            log.warning("could not open the report form: %s", exc.__class__.__name__)
            _tell(
                respond,
                "Sorry, Slack didn't open the report form just now. Please try `/report-misuse` again in a minute, "
                f"or speak to {services.school.report_to} directly.",
            )

    app.command("/report-misuse")(ack=_ack, lazy=[open_form])

    @app.view(CALLBACK)
    def submit(ack: Ack, body: dict, view: dict) -> None:
        form = form_from_view(view)
        errors = check_form(form, dt.date.today())
        if errors:
            ack(response_action="errors", errors=errors)
            return
        try:
            submitted = reports.submit(services.school_id, body["user"]["id"], form, idempotency_key=view["id"])
        except sqlite3.Error as exc:
            log.error("could not store a misuse report: %s", exc.__class__.__name__)
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

    # -- triage buttons on the SLT card ----------------------------------------------------------
    def change(step):
        def handler(body: dict, respond: Respond) -> None:
            ref = body["actions"][0]["value"]
            try:
                step(ref, actor(body["user"]["id"]))
            except Refused as refused:
                _tell(respond, refused.text(_mention))
                return
            services.wake_outbox()

        return handler

    def open_triage_modal(make_view, closing: bool):
        def handler(body: dict, respond: Respond) -> None:
            ref = body["actions"][0]["value"]
            who = actor(body["user"]["id"])
            report = reports.get(ref)
            if not who.is_slt:
                _tell(respond, "Only members of the SLT channel can act on misuse reports.")
                return
            if report is None:
                _tell(respond, f"There is no report {ref}.")
                return
            if closing and report.closed_by:
                _tell(respond, f"{ref} was already closed by {_mention(report.closed_by)} ({report.outcome_label}).")
                return
            try:
                services.client.views_open(trigger_id=body["trigger_id"], view=make_view(ref))
            except (SlackApiError, OSError) as exc:
                log.warning("could not open a triage form: %s", exc.__class__.__name__)
                _tell(respond, "Slack didn't open the form just now; please click again.")

        return handler

    app.action(ACKNOWLEDGE)(ack=_ack, lazy=[change(reports.acknowledge)])
    app.action(ASSIGN)(ack=_ack, lazy=[change(reports.assign_to)])
    app.action(ADD_NOTE)(ack=_ack, lazy=[open_triage_modal(note_modal, closing=False)])
    app.action(CLOSE)(ack=_ack, lazy=[open_triage_modal(close_modal, closing=True)])

    @app.view(NOTE_CALLBACK)
    def add_note(ack: Ack, body: dict, view: dict) -> None:
        note = text_or_none(submitted_values(view).get("note")) or ""
        try:
            reports.add_note(view["private_metadata"], actor(body["user"]["id"]), note)
        except Refused as refused:
            ack(response_action="errors", errors={"note": refused.text(lambda u: "a colleague")})
            return
        services.wake_outbox()
        ack()

    @app.view(CLOSE_CALLBACK)
    def close(ack: Ack, body: dict, view: dict) -> None:
        values = submitted_values(view)
        try:
            reports.close(
                view["private_metadata"],
                actor(body["user"]["id"]),
                values.get("outcome") or "",
                text_or_none(values.get("note")),
            )
        except Refused as refused:
            ack(response_action="errors", errors={"outcome": refused.text(lambda u: "a colleague")})
            return
        services.wake_outbox()
        ack()


def _ack(ack: Ack) -> None:
    ack()
