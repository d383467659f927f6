"""`/request-account`: the application form, SLT's decision, the administrator creating the account,
and the register of official accounts on App Home."""

from __future__ import annotations

import logging
import sqlite3

from slack_bolt import Ack, App, Respond

from bot.cases import account_rules as rules
from bot.cases.accounts import AccountStatus, check_application
from bot.cases.records import Actor, Refused
from bot.slack.blocks.account_card import (
    APPROVE,
    CHANGE_LEAD,
    CHANGES_CALLBACK,
    CLOSE_ACCOUNT,
    CLOSE_CALLBACK,
    CREATE,
    CREATE_CALLBACK,
    EDIT,
    LEAD_CALLBACK,
    REJECT,
    REJECT_CALLBACK,
    REQUEST_CHANGES,
    close_account_modal,
    create_modal,
    lead_modal,
    reason_modal,
)
from bot.slack.blocks.account_form import CALLBACK, application_modal, confirmation_view, form_from_view
from bot.slack.blocks.forms import submitted_values, text_or_none, user_field_errors
from bot.slack.escape import mention
from bot.slack.listeners.app_home import publish_home
from bot.slack.listeners.clicks import ack_now, open_form, tell_clicker
from bot.slack.services import Services

log = logging.getLogger(__name__)

def _colleague(_: str) -> str:
    return "a colleague"


def register(app: App, services: Services) -> None:
    applications = services.applications

    def actor(user_id: str) -> Actor:
        # Asked of Slack at the moment of acting: someone just removed from a channel has lost the role.
        return Actor(user_id, services.is_slt(user_id, fresh=True), services.is_admin(user_id, fresh=True))

    def tell(body: dict, respond: Respond | None, text: str) -> None:
        tell_clicker(services.client, body, respond, text)

    def open_view(body: dict, respond: Respond | None, view: dict) -> None:
        open_form(services.client, body, respond, view)

    # -- applying --------------------------------------------------------------------------------
    def show_application_form(body: dict, respond: Respond) -> None:
        open_view(body, respond, application_modal(body["user_id"]))

    app.command("/request-account")(ack=ack_now, lazy=[show_application_form])

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
                application = applications.submit(services.school_id, user, form, idempotency_key=view["id"])
        except Refused as refused:
            ack(response_action="errors", errors={"reason": refused.text(_colleague)})
            return
        except sqlite3.Error as exc:
            log.error("could not store an account application: %s", exc.__class__.__name__)
            ack(response_action="errors", errors={"reason": "Sorry, I couldn't save this just now. Press Send again."})
            return
        services.wake_outbox()
        log.info("account application %s stored (version %d)", application.ref, application.version)
        ack(response_action="update", view=confirmation_view(application))

    def edit(body: dict, respond: Respond) -> None:
        ref = body["actions"][0]["value"]
        application = applications.get(ref)
        refused = rules.may_resubmit(ref, application, body["user"]["id"])
        if refused or application is None:
            tell(body, respond, refused.text(mention) if refused else "")
        else:
            open_view(body, respond, application_modal(application.applicant_id, previous=application))

    app.action(EDIT)(ack=ack_now, lazy=[edit])

    # -- SLT decide ------------------------------------------------------------------------------
    def approve(body: dict, respond: Respond) -> None:
        try:
            applications.approve(body["actions"][0]["value"], actor(body["user"]["id"]))
        except Refused as refused:
            tell(body, respond, refused.text(mention))
            return
        services.wake_outbox()

    def ask_reason(changes: bool):
        def handler(body: dict, respond: Respond) -> None:
            ref = body["actions"][0]["value"]
            who = actor(body["user"]["id"])
            refused = rules.may_decide(ref, applications.get(ref), who)
            if refused:
                tell(body, respond, refused.text(mention))
            else:
                open_view(body, respond, reason_modal(ref, changes))

        return handler

    app.action(APPROVE)(ack=ack_now, lazy=[approve])
    app.action(REJECT)(ack=ack_now, lazy=[ask_reason(changes=False)])
    app.action(REQUEST_CHANGES)(ack=ack_now, lazy=[ask_reason(changes=True)])

    def decision_with_reason(step):
        def handler(ack: Ack, body: dict, view: dict) -> None:
            reason = text_or_none(submitted_values(view).get("reason")) or ""
            try:
                step(view["private_metadata"], actor(body["user"]["id"]), reason)
            except Refused as refused:
                ack(response_action="errors", errors={"reason": refused.text(_colleague)})
                return
            services.wake_outbox()
            ack()

        return handler

    app.view(REJECT_CALLBACK)(decision_with_reason(applications.reject))
    app.view(CHANGES_CALLBACK)(decision_with_reason(applications.request_changes))

    # -- the administrator creates the account ---------------------------------------------------
    def ask_created(body: dict, respond: Respond) -> None:
        ref = body["actions"][0]["value"]
        application = applications.get(ref)
        user = body["user"]["id"]
        # Only the administrator role matters here: Slack is asked about that channel alone.
        who = Actor(user, is_slt=False, is_admin=services.is_admin(user, fresh=True))
        refused = rules.may_mark_created(ref, application, who, applications.created_by(ref))
        if refused or application is None:
            tell(body, respond, refused.text(mention) if refused else "")
        else:
            open_view(body, respond, create_modal(ref, application.form.handle))

    app.action(CREATE)(ack=ack_now, lazy=[ask_created])

    @app.view(CREATE_CALLBACK)
    def created(ack: Ack, body: dict, view: dict) -> None:
        values = submitted_values(view)
        handle = text_or_none(values.get("handle")) or ""
        url = text_or_none(values.get("url"))
        stored = "stored" in (values.get("credentials") or [])
        problems = rules.created_problems(handle, url, stored)
        if problems:
            ack(response_action="errors", errors={p.field or "handle": p.message for p in reversed(problems)})
            return
        try:
            applications.mark_created(
                view["private_metadata"], actor(body["user"]["id"]), handle, url, credentials_stored=stored
            )
        except Refused as refused:
            ack(response_action="errors", errors={"handle": refused.text(_colleague)})
            return
        services.wake_outbox()
        ack()

    # -- the register (App Home) -----------------------------------------------------------------
    def register_modal(make):
        def handler(body: dict, respond: Respond) -> None:
            who = actor(body["user"]["id"])
            value = str(body["actions"][0].get("value") or "")
            # The register's buttons carry the account's number; anything else is a forged or stale click.
            account = (
                applications.account(int(value)) if value.isascii() and value.isdigit() and len(value) < 12 else None
            )
            refused = rules.may_change_register(account, who)
            if refused or account is None:
                tell(body, None, refused.text(mention) if refused else "")
            else:
                open_view(body, None, make(account))

        return handler

    app.action(CHANGE_LEAD)(ack=ack_now, lazy=[register_modal(lead_modal)])
    app.action(CLOSE_ACCOUNT)(ack=ack_now, lazy=[register_modal(close_account_modal)])

    def register_change(field: str, step):
        def handler(ack: Ack, body: dict, view: dict) -> None:
            values = submitted_values(view)
            user = body["user"]["id"]
            bad_people = user_field_errors(view)
            if bad_people:
                ack(response_action="errors", errors=bad_people)
                return
            try:
                step(int(view["private_metadata"]), actor(user), values)
            except Refused as refused:
                ack(response_action="errors", errors={field: refused.text(_colleague)})
                return
            except ValueError:
                ack(response_action="errors", errors={field: "Please choose one."})
                return
            ack()
            publish_home(services, user)

        return handler

    app.view(LEAD_CALLBACK)(
        register_change(
            "lead", lambda account_id, who, v: applications.change_lead(account_id, who, v.get("lead") or "")
        )
    )
    app.view(CLOSE_CALLBACK)(
        register_change(
            "status",
            lambda account_id, who, v: applications.close_account(
                account_id, who, AccountStatus(v.get("status") or ""), text_or_none(v.get("note"))
            ),
        )
    )

    # -- staff leaving ---------------------------------------------------------------------------
    def user_change(event: dict) -> None:
        user = event.get("user") or {}
        if user.get("deleted") and user.get("id"):
            affected = applications.user_left(user["id"])
            if affected:
                log.info("a deactivated user led or moderated %d official account(s); SLT alerted", len(affected))
                services.wake_outbox()

    app.event("user_change")(ack=lambda ack: ack(), lazy=[user_change])
