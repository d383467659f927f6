"""Misuse reports in Teams: the "report misuse" command and button (task/fetch opens the dialog), the
dialog sent (task/submit: checked by the core, stored with its MR- reference, then announced through
the outbox), and SLT's Acknowledge / Assign to me / Add note / Close (`Action.Execute` invokes).

Every rule is the core's: `check_form` for the dialog, the store (bot/store/reports.py) runs
bot/cases/misuse_rules.py in the transaction that makes each change, with the actor's roles read
fresh from Teams (bot/teams/roles.py). A refusal is shown to the person who clicked, in the core's words.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from bot.cases.guidance import guidance_for
from bot.cases.misuse import Report, check_form
from bot.cases.misuse_rules import may_view
from bot.cases.records import Actor, Refused
from bot.teams.invoke_answers import Response, card, dialog, dialog_data, dialog_message, message
from bot.teams.report_cards import (
    ACKNOWLEDGE,
    ADD_NOTE,
    ASSIGN,
    CLOSE,
    REPORT_DIALOG,
    VIEW,
    form_from_submit,
    purged_card,
    report_dialog,
    slt_card,
)
from bot.teams.roles import TeamsRoles
from bot.teams.services import PLATFORM, TeamsServices
from bot.teams.user_views import channel_viewers, refresh

log = logging.getLogger(__name__)

DIALOG_TITLE = "Report misuse"


def report_card(services: TeamsServices, roles: TeamsRoles, report: Report, *, may_act: bool = False) -> dict[str, Any]:
    """The SLT card as drawn now: read-only, asking the SLT channel's members to fetch their own view
    (notes may be added in any state, so the card keeps asking after it is closed). A purged report's
    card needs neither the policy's guidance nor the channel's members."""
    if report.purged:
        return purged_card(report)
    guidance = guidance_for(services.book, report.school, report.category.id)
    viewers = channel_viewers(roles, services.settings.teams_slt_channel)
    return slt_card(services.book.school(report.school), report, guidance, services.name_of,
                    refresh=refresh(VIEW, {"ref": report.ref}, viewers), may_act=may_act)


class TeamsMisuseReports:
    def __init__(self, services: TeamsServices) -> None:
        self.services = services
        self.roles = TeamsRoles(services)

    def is_dialog(self, activity: dict[str, Any]) -> bool:
        data = dialog_data(activity)
        return data is not None and data.get("dialog") == REPORT_DIALOG

    def fetch(self, activity: dict[str, Any]) -> Response:
        """task/fetch: a new, empty form with its own idempotency key."""
        return dialog(DIALOG_TITLE, report_dialog(uuid.uuid4().hex))

    def submit(self, activity: dict[str, Any]) -> Response:
        """task/submit: problems go back into the dialog next to their fields; a good form is stored
        (with the SLT card, DSL alert and receipt in the same transaction) before the reporter is told."""
        services = self.services
        data = dialog_data(activity) or {}
        key = str(data.get("key") or "")
        user = str((activity.get("from") or {}).get("id") or "")
        if not key or not user:
            return dialog_message("Sorry, that form has expired. Please use Report misuse again.")
        form = form_from_submit(data)
        errors = check_form(form, dt.date.today())
        if errors:
            return dialog(DIALOG_TITLE, report_dialog(key, data, errors))
        submitted = services.reports.submit(services.school_id, user, form, f"teams:{key}", platform=PLATFORM)
        services.wake_outbox()
        ref = submitted.report.ref
        log.info("misuse report %s submitted in Teams", ref)
        return dialog_message(f"Your report {ref} has been received and sent to SLT in confidence. "
                               "I've sent you a copy in our 1:1 chat.")

    def act(self, activity: dict[str, Any], verb: str, data: dict[str, Any]) -> Response:
        """An SLT card button. The actor's roles are asked of Teams now; the store applies the rule."""
        services = self.services
        user = str((activity.get("from") or {}).get("id") or "")
        ref = str(data.get("ref") or "")
        actor = self.roles.slt_actor(user)
        reports = services.reports
        if verb == VIEW:
            return self._view(actor, ref)
        try:
            if verb == ACKNOWLEDGE:
                reports.acknowledge(ref, actor)
                said = f"You acknowledged {ref}; the reporter has been told."
            elif verb == ASSIGN:
                reports.assign_to(ref, actor)
                said = f"{ref} is assigned to you."
            elif verb == ADD_NOTE:
                reports.add_note(ref, actor, str(data.get("note") or ""), f"teams:{activity.get('id')}")
                said = f"Note added to {ref}."
            else:
                assert verb == CLOSE
                note = str(data.get("note") or "") or None
                reports.close(ref, actor, str(data.get("outcome") or ""), note)
                said = f"{ref} is closed; the reporter has been told."
        except Refused as refused:
            return message(refused.text(services.name_of))
        services.wake_outbox()
        return message(said)

    def _view(self, actor: Actor, ref: str) -> Response:
        """Someone's own version of the SLT card: the note box, outcome list and buttons only if the core
        lets them act on the report now. Anyone the core does not let see the report (the reporter
        included: SLT's notes are not theirs to read) gets the refusal alone, the same for every ref,
        and keeps whatever their client already shows."""
        report = self.services.reports.get(ref)
        refused = may_view(ref, report, actor)
        if refused is not None:
            return message(refused.text(self.services.name_of))
        assert report is not None  # may_view refuses a report that does not exist
        # Seeing a report's content and acting on it are the same permission (misuse_rules.may_view).
        return card(report_card(self.services, self.roles, report, may_act=True))
