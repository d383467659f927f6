"""Account applications in Teams: the "request account" dialog (task/fetch opens it, task/submit sends
it: checked by the core, stored with its AR- reference, then announced through the outbox), SLT's
Approve / Reject / Request changes and the administrator's Create account (`Action.Execute` invokes),
and each SLT member's own view of the decision card (the refresh verb; bot/teams/user_views.py).

Every rule is the core's: `check_application` for the dialog, and the store (bot/store/applications.py)
runs bot/cases/account_rules.py in the transaction that makes each change, with the actor's roles read
fresh from Teams (bot/teams/roles.py). Whether someone's view shows the buttons is `may_decide`, the
same rule the store applies when they press one. A refusal is shown in the core's words.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from typing import Any

from bot.cases import account_rules as rules
from bot.cases.accounts import Application, check_application
from bot.cases.records import Refused
from bot.teams.account_cards import APPROVE, CREATE, REJECT, REQUEST_CHANGES, VIEW, application_card
from bot.teams.account_form_cards import APPLICATION_DIALOG, application_dialog, form_from_submit, picker_errors
from bot.teams.invoke_answers import Response, card, dialog, dialog_data, dialog_message, message
from bot.teams.roles import TeamsRoles
from bot.teams.services import PLATFORM, TeamsServices
from bot.teams.user_views import channel_viewers, refresh

log = logging.getLogger(__name__)

DIALOG_TITLE = "Official account"


def slt_card(
    services: TeamsServices, roles: TeamsRoles, application: Application, *, may_decide: bool = False,
    why_not: str | None = None,
) -> dict[str, Any]:
    """The SLT card as drawn now. While it waits for a decision it asks the SLT channel's members (not
    the applicant, who may never decide) to fetch their own view; once decided everyone sees the same."""
    existing = services.applications.active_on_platform(application.form.platform, excluding_ref=application.ref)
    clause = None
    if rules.awaits_decision(application):
        members = channel_viewers(roles, services.settings.teams_slt_channel)
        clause = refresh(VIEW, {"ref": application.ref}, rules.may_be_asked_to_decide(application, members))
    return application_card(application, existing, services.settings.school_email_domain, services.known_name,
                            refresh=clause, may_decide=may_decide, why_not=why_not)


class TeamsAccountApplications:
    def __init__(self, services: TeamsServices) -> None:
        self.services = services
        self.roles = TeamsRoles(services)

    def is_dialog(self, activity: dict[str, Any]) -> bool:
        data = dialog_data(activity)
        return data is not None and data.get("dialog") == APPLICATION_DIALOG

    # -- the applicant ---------------------------------------------------------------------------
    def fetch(self, activity: dict[str, Any]) -> Response:
        """task/fetch: a new form with its own idempotency key, or, with a reference, the applicant's last
        answers for the changes SLT asked for (if the core still lets them change it)."""
        data = dialog_data(activity) or {}
        sender = activity.get("from") or {}
        entra = sender.get("aadObjectId") if isinstance(sender.get("aadObjectId"), str) else None
        ref = str(data.get("ref") or "")
        if not ref:
            return dialog(DIALOG_TITLE, application_dialog(uuid.uuid4().hex, entra))
        application = self.services.applications.get(ref)
        refused = rules.may_resubmit(ref, application, str(sender.get("id") or ""))
        if refused is not None:
            return dialog_message(refused.text(self.services.name_of))
        assert application is not None  # may_resubmit refuses an application that does not exist
        return dialog(f"Change {application.ref}", application_dialog(uuid.uuid4().hex, entra, previous=application))

    def submit(self, activity: dict[str, Any]) -> Response:
        """task/submit: problems go back into the dialog under their fields with everything kept; a good
        form is stored (with the SLT card and the receipt in the same transaction) before anyone is told."""
        services = self.services
        data = dialog_data(activity) or {}
        sender = activity.get("from") or {}
        key, user = str(data.get("key") or ""), str(sender.get("id") or "")
        entra = sender.get("aadObjectId") if isinstance(sender.get("aadObjectId"), str) else None
        if not key or not user:
            return dialog_message("Sorry, that form has expired. Please use Request an account again.")
        ref = str(data.get("ref") or "")
        previous = None
        if ref:
            # Someone else's ref must not draw their application (SLT's feedback, the title) into the
            # answer: the applicant is checked before anything of it is used. Whether it still waits
            # for changes is the store's to say, after its replay check, so a retried send stays one.
            found = services.applications.get(ref)
            refused = rules.is_applicant(found, user)
            if refused is not None:
                return dialog_message(refused.text(services.name_of))
            assert found is not None  # is_applicant refuses an application that does not exist
            previous = found
        title = f"Change {previous.ref}" if previous else DIALOG_TITLE
        form = form_from_submit(data)
        errors = picker_errors(form) or check_application(form, services.settings.school_email_domain)
        if errors:
            return dialog(title, application_dialog(key, entra, data, errors, previous))
        try:
            if ref:
                application = services.applications.resubmit(ref, user, form, f"teams:{key}")
            else:
                application = services.applications.submit(
                    services.school_id, user, form, f"teams:{key}", platform=PLATFORM
                )
        except Refused as refused:
            if refused.field:
                errors = {refused.field: refused.text(services.name_of)}
                return dialog(title, application_dialog(key, entra, data, errors, previous))
            return dialog_message(refused.text(services.name_of))
        except sqlite3.Error as exc:
            # SQLite says what failed ("database or disk is full"), never what the form held
            log.error("could not store an account application: %s (%s)", exc, exc.__class__.__name__)
            errors = {"reason": "Sorry, I couldn't save this just now. Press Send again."}
            return dialog(title, application_dialog(key, entra, data, errors, previous))
        services.wake_outbox()
        log.info("account application %s stored in Teams (version %d)", application.ref, application.version)
        return dialog_message(f"Your application {application.ref} has been sent to SLT. "
                              "I've sent you a copy in our 1:1 chat.")

    # -- SLT and the administrator ---------------------------------------------------------------
    def act(self, activity: dict[str, Any], verb: str, data: dict[str, Any]) -> Response:
        """A button on the SLT or administrator card, or a refresh asking for someone's own view."""
        services = self.services
        user = str((activity.get("from") or {}).get("id") or "")
        ref = str(data.get("ref") or "")
        if verb == VIEW:
            return self._view(user, ref)
        applications = services.applications
        try:
            if verb == APPROVE:
                applications.approve(ref, self.roles.slt_actor(user))
                said = f"You approved {ref}. The administrator has been asked to create it; the applicant is told."
            elif verb == REJECT:
                applications.reject(ref, self.roles.slt_actor(user), str(data.get("reason") or ""))
                said = f"You rejected {ref}. The applicant is told your reason."
            elif verb == REQUEST_CHANGES:
                applications.request_changes(ref, self.roles.slt_actor(user), str(data.get("reason") or ""))
                said = f"You asked for changes to {ref}. The applicant is told what to change."
            else:
                assert verb == CREATE
                said = self._created(ref, user, data)
        except Refused as refused:
            return message(refused.text(services.name_of))
        services.wake_outbox()
        return message(said)

    def _created(self, ref: str, user: str, data: dict[str, Any]) -> str:
        # The store asks `may_mark_created` first and then `check_created` (every problem at once, as the
        # Slack form shows them all): someone who may not create the account is told so, not what is
        # wrong with the form.
        handle = str(data.get("handle") or "")
        url = str(data.get("url") or "").strip() or None
        stored = str(data.get("credentials") or "") == "stored"
        actor = self.roles.admin_actor(user)
        self.services.applications.mark_created(ref, actor, handle, url, credentials_stored=stored)
        return f"{ref} is in the register as {handle}. The applicant is told it is live."

    def _view(self, user: str, ref: str) -> Response:
        """Someone's own version of the SLT card: the buttons only if the core would let them decide now.
        Anyone the core does not let see the application gets the refusal alone (no reason, no people),
        the same whether or not `ref` exists, and keeps whatever their client already shows."""
        actor = self.roles.slt_actor(user)
        application = self.services.applications.get(ref)
        refused = rules.may_view(ref, application, actor)
        if refused is not None:
            return message(refused.text(self.services.name_of))
        assert application is not None  # may_view refuses an application that does not exist
        refused = rules.may_decide(ref, application, actor)
        why_not = refused.text(self.services.name_of) if refused else None
        return card(slt_card(self.services, self.roles, application, may_decide=refused is None, why_not=why_not))
