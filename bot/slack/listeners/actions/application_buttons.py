"""The buttons on an application: the applicant's Edit, SLT's Approve / Reject / Request changes, and
the administrator's "Mark as created". Each asks the rule in bot/cases/account_rules.py first."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, Respond

from bot.cases import account_rules as rules
from bot.cases.records import Actor, Refused
from bot.slack.blocks.account_card import APPROVE, CREATE, EDIT, REJECT, REQUEST_CHANGES, create_modal, reason_modal
from bot.slack.blocks.account_form import application_modal
from bot.slack.escape import mention
from bot.slack.listeners.accounts_common import actor
from bot.slack.listeners.clicks import ack_now, open_form, tell_clicker
from bot.slack.services import Services

Handler = Callable[[dict, Respond], None]


def register(app: App, services: Services) -> None:
    applications = services.applications

    def refuse(body: dict, respond: Respond, refused: Refused) -> None:
        tell_clicker(services.client, body, respond, refused.text(mention))

    def edit(body: dict, respond: Respond) -> None:
        ref = body["actions"][0]["value"]
        application = applications.get(ref)
        refused = rules.may_resubmit(ref, application, body["user"]["id"])
        if refused or application is None:
            refuse(body, respond, refused or Refused(rules.NOT_APPLICANT))
        else:
            open_form(services.client, body, respond, application_modal(application.applicant_id, previous=application))

    def approve(body: dict, respond: Respond) -> None:
        try:
            applications.approve(body["actions"][0]["value"], actor(services, body["user"]["id"]))
        except Refused as refused:
            refuse(body, respond, refused)
            return
        services.wake_outbox()

    def ask_reason(changes: bool) -> Handler:
        def handler(body: dict, respond: Respond) -> None:
            ref = body["actions"][0]["value"]
            refused = rules.may_decide(ref, applications.get(ref), actor(services, body["user"]["id"]))
            if refused:
                refuse(body, respond, refused)
            else:
                open_form(services.client, body, respond, reason_modal(ref, changes))

        return handler

    def ask_created(body: dict, respond: Respond) -> None:
        ref = body["actions"][0]["value"]
        application = applications.get(ref)
        user = body["user"]["id"]
        # Only the administrator role matters here: Slack is asked about that channel alone.
        who = Actor(user, is_slt=False, is_admin=services.is_admin(user, fresh=True))
        refused = rules.may_mark_created(ref, application, who, applications.created_by(ref))
        if refused or application is None:
            refuse(body, respond, refused or Refused(f"There is no application {ref}."))
        else:
            open_form(services.client, body, respond, create_modal(ref, application.form.handle))

    app.action(EDIT)(ack=ack_now, lazy=[edit])
    app.action(APPROVE)(ack=ack_now, lazy=[approve])
    app.action(REJECT)(ack=ack_now, lazy=[ask_reason(changes=False)])
    app.action(REQUEST_CHANGES)(ack=ack_now, lazy=[ask_reason(changes=True)])
    app.action(CREATE)(ack=ack_now, lazy=[ask_created])
