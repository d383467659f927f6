"""Teams' transport for the outbox runner (bot/delivery/runner.py): draws each kind of message for
Teams and sends it to the Bot Connector as a proactive message, answering the runner in its terms:
done (and where the message landed), retry after Retry-After (429), retry with back-off (5xx, a
refused connection, the token endpoint down), permanent (403/404: the bot is not in that chat or
was blocked), or in doubt (a timeout).

The connector cannot be searched for an earlier post, so a message in doubt is posted again: a
timeout can at worst show SLT a question twice, never lose it.
"""

from __future__ import annotations

import logging

from bot.cases.guidance import guidance_for
from bot.cases.misuse import purged_alert_title
from bot.delivery.transport import ADMIN_ALERT, Done, InDoubt, Message, Outcome, Permanent, Retry, RetryAfter
from bot.store.places import Place
from bot.store.question_log import SLT_QUESTION, SLT_REPLY
from bot.store.reports import DSL_ALERT, REPORTER_NOTICE, SLT_CARD
from bot.teams.account_delivery import AccountDeliveries
from bot.teams.cards import card_activity, slt_question_card, text_activity
from bot.teams.connector import ConnectorError
from bot.teams.misuse_reports import report_card
from bot.teams.report_cards import card_summary, dsl_alert_card, purged_dsl_alert_card, reporter_notice
from bot.teams.roles import TeamsRoles
from bot.teams.services import PLATFORM, TeamsServices

log = logging.getLogger(__name__)


class TeamsTransport:
    platform = PLATFORM
    name = "Teams"

    def __init__(self, services: TeamsServices) -> None:
        self.services = services
        self.roles = TeamsRoles(services)
        self.accounts = AccountDeliveries(self)

    def deliver(self, message: Message) -> Outcome:
        try:
            return self._deliver(message)
        except ConnectorError as exc:
            if exc.timed_out:
                return InDoubt()
            if exc.status == 429:
                return RetryAfter(exc.retry_after or 1.0)
            if exc.transient:
                hint = "check TEAMS_APP_ID / TEAMS_APP_PASSWORD" if exc.status in (400, 401) else ""
                return Retry(str(exc), hint)
            return Permanent(str(exc))

    def _deliver(self, message: Message) -> Outcome:
        item = message.item
        if item.kind == SLT_QUESTION:
            return self._slt_question(item.payload)
        if item.kind == SLT_REPLY:
            return self._slt_reply(item.payload)
        if item.kind == ADMIN_ALERT:
            return self._admin_alert(item.payload)
        if item.kind == SLT_CARD:
            return self._report_card(message)
        if item.kind == DSL_ALERT:
            return self._dsl_alert(message)
        if item.kind == REPORTER_NOTICE:
            return self._reporter_notice(item.payload)
        if item.kind in self.accounts.kinds:
            return self.accounts.deliver(message)
        return Permanent(f"{item.kind} is not sent in Teams yet")

    def post_to_channel(self, channel: str, activity: dict) -> Outcome:
        ref = self.services.channel_ref(channel)
        if ref is None:
            return Retry("no serviceUrl known yet", "add the bot to the team so Teams tells it where to post")
        message_id = self.services.connector.send(ref.service_url, ref.conversation, activity)
        return Done(Place(channel, message_id) if message_id else None)

    def card_in_place(self, message: Message, channel: str, activity: dict) -> Outcome:
        """A case's card: updated where it landed before (connector PUT), else posted to `channel`."""
        place = message.place
        if place is None:
            return self.post_to_channel(channel, activity)
        ref = self.services.channel_ref(place.conversation)
        if ref is None:
            return Retry("no serviceUrl known yet")
        self.services.connector.update(ref.service_url, ref.conversation, place.message_id, activity)
        return Done(place)

    def to_person(self, user_id: str, activity: dict) -> Outcome:
        """A message in someone's 1:1 chat with the bot."""
        chat = self.services.personal_chat(user_id)
        if chat is None:
            return Retry("no serviceUrl known yet")
        self.services.connector.send(chat.service_url, chat.conversation, activity)
        return Done()

    def _slt_question(self, payload: dict) -> Outcome:
        services = self.services
        logged = services.questions.get(int(payload["question"]))
        if logged is None:
            return Done()
        answer = services.book.ask(logged.school, logged.question)
        card = slt_question_card(logged.question, str(payload.get("name") or "A member of staff"), answer)
        channel = services.settings.teams_slt_channel or ""
        outcome = self.post_to_channel(channel, card_activity(card, "A policy question for SLT"))
        if isinstance(outcome, Done) and outcome.place is not None:
            # SLT's replies in this message's thread arrive with conversation id "<channel>;messageid=<id>".
            services.questions.record_slt_post(logged.id, channel, outcome.place.message_id)
        return outcome

    def _slt_reply(self, payload: dict) -> Outcome:
        services = self.services
        found = services.questions.slt_reply(int(payload["reply"]))
        if found is None or found[0].user_id is None:
            return Done()  # the question was purged, or never escalated: nobody to tell
        question, replier, text = found
        chat = services.personal_chat(question.user_id or "")
        if chat is None:
            return Retry("no serviceUrl known yet")
        notice = f"SLT ({replier}) replied to your question \u201c{question.question}\u201d:\n\n{text}"
        services.connector.send(chat.service_url, chat.conversation, text_activity(notice))
        return Done()

    def _admin_alert(self, payload: dict) -> Outcome:
        settings = self.services.settings
        channel = settings.teams_admin_channel or settings.teams_slt_channel or ""
        text = (
            f"policybot could not deliver {payload.get('failed')}: {payload.get('error')}. "
            "It is kept; see `policybot outbox`."
        )
        return self.post_to_channel(channel, text_activity(text))

    # -- misuse reports --------------------------------------------------------------------------
    def _report_card(self, message: Message) -> Outcome:
        """Post the case card, or update it in place where it landed: drawn from the case as it is now,
        so a card held up by an outage arrives showing the current state."""
        services = self.services
        report = services.reports.get(message.item.payload["ref"])
        if report is None:
            return Done()
        # The read-only card everyone sees; SLT members fetch their own view (bot/teams/user_views.py).
        activity = card_activity(report_card(services, self.roles, report), card_summary(report))
        if message.place is None and report.purged:
            return Done()  # never post a card for a case whose content has been deleted
        return self.card_in_place(message, services.settings.teams_slt_channel or "", activity)

    def _dsl_alert(self, message: Message) -> Outcome:
        services = self.services
        channel = services.settings.teams_dsl_channel
        if not channel:
            return Permanent("POLICYBOT_TEAMS_DSL_CHANNEL is not set")
        report = services.reports.get(message.item.payload["ref"])
        if report is None:
            return Done()
        if report.purged:
            # The alert quoted what happened and named the reporter: redraw it without them, where it landed.
            if message.place is None:
                return Done()  # never posted: nothing to take back
            card = purged_dsl_alert_card(report)
            return self.card_in_place(message, channel, card_activity(card, purged_alert_title(report.ref)))
        card = dsl_alert_card(report, services.name_of)
        return self.post_to_channel(channel, card_activity(card, f"URGENT: misuse report {report.ref}"))

    def _reporter_notice(self, payload: dict) -> Outcome:
        services = self.services
        report = services.reports.get(payload["ref"])
        if report is None:
            return Done()
        event = str(payload.get("event") or "received")
        guidance = guidance_for(services.book, report.school, report.category.id) if event == "received" else None
        chat = services.personal_chat(report.reporter_id)
        if chat is None:
            return Retry("no serviceUrl known yet")
        text = reporter_notice(services.book.school(report.school), report, event, guidance)
        services.connector.send(chat.service_url, chat.conversation, text_activity(text))
        return Done()
