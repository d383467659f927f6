"""`/report-misuse`: the form, storing the report, and SLT's triage buttons and modals.

A submission is stored (with its notifications in the outbox) before the modal is answered, so
the reporter is only told "received" about a report that is safely written.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3

from slack_bolt import Ack, App, Respond

from bot.cases import misuse_rules as rules
from bot.cases.guidance import guidance_for
from bot.cases.misuse import check_form
from bot.cases.records import Actor, Refused
from bot.slack.blocks.forms import submitted_values, text_or_none, user_field_errors
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
from bot.slack.escape import mention
from bot.slack.listeners.clicks import ack_now, open_form, tell_clicker
from bot.slack.services import Services

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    reports = services.reports

    def actor(user_id: str) -> Actor:
        # Every triage step changes a case (or opens the form that will), so SLT membership is asked of
        # Slack each time: someone just removed from the SLT channel is refused at once.
        return Actor(user_id, services.is_slt(user_id, fresh=True))

    # -- the form --------------------------------------------------------------------------------
    def show_report_form(body: dict, respond: Respond) -> None:
        sorry = f"please try `/report-misuse` again in a minute, or speak to {services.school.report_to} directly."
        open_form(services.client, body, respond, report_modal(services.school, dt.date.today()), sorry)

    app.command("/report-misuse")(ack=ack_now, lazy=[show_report_form])

    @app.view(CALLBACK)
    def submit(ack: Ack, body: dict, view: dict) -> None:
        form = form_from_view(view)
        errors = user_field_errors(view) or check_form(form, dt.date.today())
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
                tell_clicker(services.client, body, respond, refused.text(mention))
                return
            services.wake_outbox()

        return handler

    def open_triage_modal(make_view, rule):
        def handler(body: dict, respond: Respond) -> None:
            ref = body["actions"][0]["value"]
            who = actor(body["user"]["id"])
            refused = rule(ref, reports.get(ref), who)
            if refused:
                tell_clicker(services.client, body, respond, refused.text(mention))
                return
            open_form(services.client, body, respond, make_view(ref), "please click again.")

        return handler

    app.action(ACKNOWLEDGE)(ack=ack_now, lazy=[change(reports.acknowledge)])
    app.action(ASSIGN)(ack=ack_now, lazy=[change(reports.assign_to)])
    app.action(ADD_NOTE)(ack=ack_now, lazy=[open_triage_modal(note_modal, rules.may_add_note)])
    app.action(CLOSE)(ack=ack_now, lazy=[open_triage_modal(close_modal, rules.may_close)])

    @app.view(NOTE_CALLBACK)
    def add_note(ack: Ack, body: dict, view: dict) -> None:
        note = text_or_none(submitted_values(view).get("note")) or ""
        try:
            reports.add_note(view["private_metadata"], actor(body["user"]["id"]), note, idempotency_key=view["id"])
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
