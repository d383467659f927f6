"""Activities from Teams, after their token was checked (bot/teams/http_server.py): questions in a 1:1
chat or by @mention in a channel, the buttons under an answer (`adaptiveCard/action` invokes), SLT
replies in the thread of a question sent to them, the bot being added to a team, and someone removed
from the school's team (bot/teams/departures.py).

Each handler asks the core (PolicyBook, the question log and its outbox) and draws the reply; no rule
is decided here. Returns the HTTP answer: (status, JSON body or None).
"""

from __future__ import annotations

import html
import logging
import re
import sqlite3
from typing import Any

from bot.answers import Answer
from bot.question_buttons import button_value, question_for
from bot.questions import QuestionError
from bot.render.wording import summary
from bot.store.conversation_refs import ConversationRef
from bot.store.question_log import LoggedQuestion
from bot.teams.account_applications import TeamsAccountApplications
from bot.teams.account_cards import VERBS as ACCOUNT_VERBS
from bot.teams.account_form_cards import application_prompt_card
from bot.teams.account_register import TeamsRegister
from bot.teams.cards import (
    ASK_SLT,
    HELPFUL,
    NOT_HELPFUL,
    answer_card,
    card_activity,
    help_card,
    text_activity,
)
from bot.teams.connector import ConnectorError
from bot.teams.departures import remember_entra_id, remember_slt_team, removed_from_team
from bot.teams.invoke_answers import UNKNOWN_BUTTON, Response, card_action, dialog_message, message
from bot.teams.misuse_reports import TeamsMisuseReports
from bot.teams.my_cases import TeamsMyCases
from bot.teams.register_cards import VERBS as REGISTER_VERBS
from bot.teams.report_cards import VERBS as REPORT_VERBS
from bot.teams.report_cards import report_prompt_card
from bot.teams.services import PLATFORM, TeamsServices

log = logging.getLogger(__name__)

OK: Response = (200, None)

_HELP_WORDS = {"", "help", "?", "hi", "hello"}
_EXAMPLES = (
    "can I accept a friend request from a parent?",
    "can I post photos of my class on my own Instagram?",
    "an ex-pupil messaged me on Snapchat, what do I do?",
)
_REPORT_WORDS = {"report misuse", "report-misuse", "/report-misuse", "report"}
_ACCOUNT_WORDS = {"request account", "request-account", "/request-account", "request an account"}
_REGISTER_WORDS = {"register", "accounts", "the register", "register of accounts"}
_MY_REPORTS_WORDS = {"my reports", "reports", "my misuse reports", "my report"}
_MY_APPLICATIONS_WORDS = {"my applications", "applications", "my account applications", "my application"}
_TAG = re.compile(r"<[^>]{0,200}>")
# Said in the channel when a question there is answered privately; never repeats the question.
ANSWERED_PRIVATELY = "I've answered you in our 1:1 chat, so the answer and anything you ask next stay between us."


class TeamsActivities:
    def __init__(self, services: TeamsServices) -> None:
        self.services = services
        self.reports = TeamsMisuseReports(services)
        self.accounts = TeamsAccountApplications(services)
        self.register = TeamsRegister(services)
        self.mine = TeamsMyCases(services)

    # -- routing ---------------------------------------------------------------------------------
    def handle(self, activity: dict[str, Any]) -> Response:
        self._remember_where(activity)
        kind = activity.get("type")
        if kind == "message":
            return self._message(activity)
        if kind == "invoke" and activity.get("name") == "adaptiveCard/action":
            return self._card_action(activity)
        if kind == "invoke" and activity.get("name") in ("task/fetch", "task/submit"):
            return self._dialog(activity)
        if kind == "invoke":
            return message(UNKNOWN_BUTTON)
        if kind == "conversationUpdate" and self._bot_added_to_personal_chat(activity):
            self._send(activity["serviceUrl"], activity["conversation"]["id"], card_activity(
                help_card(self.services.school, _EXAMPLES), "How to ask"
            ))
            return OK
        if kind == "conversationUpdate" and activity.get("membersRemoved"):
            removed_from_team(self.services, activity)
            return OK
        return OK  # installationUpdate, typing...: nothing to do beyond remembering

    def _dialog(self, activity: dict[str, Any]) -> Response:
        """A dialog opened (task/fetch) or sent (task/submit): each workflow knows its own by its data."""
        fetch = activity.get("name") == "task/fetch"
        for workflow in (self.reports, self.accounts):
            if workflow.is_dialog(activity):
                return workflow.fetch(activity) if fetch else workflow.submit(activity)
        # Answered as a dialog answer (what Teams waits for after task/fetch or task/submit), not a card's.
        return dialog_message(UNKNOWN_BUTTON)

    def _bot_added_to_personal_chat(self, activity: dict[str, Any]) -> bool:
        """The app installed for one person: welcome them with the help card (how to ask, Report misuse)."""
        if (activity.get("conversation") or {}).get("conversationType") != "personal":
            return False
        bot = f"28:{self.services.app_id}"
        return any(isinstance(m, dict) and m.get("id") == bot for m in activity.get("membersAdded") or [])

    def _remember_where(self, activity: dict[str, Any]) -> None:
        """Keep the serviceUrl (opaque, per tenant) and each user's 1:1 chat, for proactive messages."""
        service_url = activity.get("serviceUrl")
        conversation = activity.get("conversation") or {}
        if not isinstance(service_url, str) or not isinstance(conversation.get("id"), str):
            return
        refs = self.services.refs
        try:
            refs.remember("service", ConversationRef("", service_url))
            channel = ((activity.get("channelData") or {}).get("channel") or {}).get("id")
            if isinstance(channel, str):
                refs.remember(f"channel:{channel}", ConversationRef(channel, service_url))
                remember_slt_team(self.services, activity)
            user = (activity.get("from") or {}).get("id")
            name = (activity.get("from") or {}).get("name")
            if isinstance(user, str) and isinstance(name, str) and not user.startswith("28:"):
                self.services.remember_name(user, name)
                # People pickers give Entra object ids: remembered too, so a chosen lead shows by name.
                entra = (activity.get("from") or {}).get("aadObjectId")
                if isinstance(entra, str):
                    self.services.remember_name(entra, name)
                    remember_entra_id(self.services, user, entra)
            if conversation.get("conversationType") == "personal" and isinstance(user, str):
                refs.remember(f"user:{user}", ConversationRef(conversation["id"], service_url))
        except sqlite3.Error as exc:
            log.warning("could not remember where a conversation is (%s)", exc)

    # -- messages --------------------------------------------------------------------------------
    def _message(self, activity: dict[str, Any]) -> Response:
        conversation = activity.get("conversation") or {}
        sender = activity.get("from") or {}
        if str(sender.get("id", "")).startswith("28:"):
            return OK  # a bot, ourselves included
        kind = conversation.get("conversationType")
        if kind == "personal":
            self._answer(activity, _text(activity), activity["serviceUrl"], conversation["id"])
            return OK
        if kind == "channel":
            if self._slt_reply(activity):
                return OK
            if self._mentions_bot(activity):
                self._channel_question(activity)
        return OK

    def _mentions_bot(self, activity: dict[str, Any]) -> bool:
        bot = f"28:{self.services.app_id}"
        return any(
            e.get("type") == "mention" and (e.get("mentioned") or {}).get("id") == bot
            for e in activity.get("entities") or []
            if isinstance(e, dict)
        )

    def _channel_question(self, activity: dict[str, Any]) -> None:
        """A question by @mention in a channel: answered in the asker's 1:1 chat, as Slack answers only
        the asker; the channel is told where the answer went, without repeating it."""
        services = self.services
        user = str((activity.get("from") or {}).get("id", ""))
        try:
            chat = services.personal_chat(user)
        except ConnectorError as exc:
            log.warning("could not open a 1:1 chat to answer a channel question (%s)", exc)
            chat = None
        thread = activity["conversation"]["id"]
        if chat is None:
            self._send(activity["serviceUrl"], thread, text_activity(
                "I couldn't open a private chat with you. Please message me directly (find policybot under Apps)."
            ))
            return
        self._answer(activity, _text(activity), chat.service_url, chat.conversation)
        notice = {**text_activity(ANSWERED_PRIVATELY), "replyToId": activity.get("id")}
        self._send(activity["serviceUrl"], thread, notice)

    def _answer(self, activity: dict[str, Any], text: str, service_url: str, conversation: str) -> None:
        services = self.services
        user = str((activity.get("from") or {}).get("id", ""))
        if text.strip().lower() in _REPORT_WORDS:
            self._send(service_url, conversation, card_activity(report_prompt_card(), "Report misuse"))
            return
        if text.strip().lower() in _ACCOUNT_WORDS:
            self._send(service_url, conversation, card_activity(application_prompt_card(), "Request an account"))
            return
        if text.strip().lower() in _REGISTER_WORDS:
            shown = self.register.shown_to(user)
            reply = text_activity(shown) if isinstance(shown, str) else card_activity(shown, "Register of accounts")
            self._send(service_url, conversation, reply)
            return
        if text.strip().lower() in _MY_REPORTS_WORDS:
            self._send(service_url, conversation, card_activity(self.mine.reports(user), "Your misuse reports"))
            return
        if text.strip().lower() in _MY_APPLICATIONS_WORDS:
            card = self.mine.applications(user)
            self._send(service_url, conversation, card_activity(card, "Your account applications"))
            return
        if text.strip().lower() in _HELP_WORDS:
            self._send(service_url, conversation, card_activity(help_card(services.school, _EXAMPLES), "How to ask"))
            return
        try:
            answer = services.book.ask(services.school_id, text)
        except QuestionError as exc:
            self._send(service_url, conversation, text_activity(f"Sorry, I can't look that up: {exc}."))
            return
        card = answer_card(answer, button_value(services.button_key, self._log(answer), user))
        self._send(service_url, conversation, card_activity(card, summary(answer)))

    def _log(self, answer: Answer) -> LoggedQuestion | None:
        best = answer.best.clause.id if answer.best else None
        try:
            return self.services.questions.log(self.services.school_id, answer.question, best, answer.answered)
        except sqlite3.Error as exc:
            # The answer matters more than the log: answer anyway (its buttons will say it has expired).
            log.warning("could not log a question (%s); answered it anyway", exc)
            return None

    def _send(self, service_url: str, conversation: str, activity: dict[str, Any]) -> None:
        """An interactive reply: tried twice; a reply that still fails is logged (the asker can ask again)."""
        for attempt in (1, 2):
            try:
                self.services.connector.send(service_url, conversation, activity)
                return
            except ConnectorError as exc:
                if attempt == 2 or not exc.transient or exc.timed_out:
                    log.warning("could not send a reply in Teams (%s)", exc)
                    return

    # -- SLT replies -----------------------------------------------------------------------------
    def _slt_reply(self, activity: dict[str, Any]) -> bool:
        services = self.services
        channel = ((activity.get("channelData") or {}).get("channel") or {}).get("id")
        conversation = str(activity["conversation"]["id"])
        root = conversation.partition(";messageid=")[2]
        if not root or not isinstance(channel, str) or channel != services.settings.teams_slt_channel:
            return False
        asked = services.questions.by_slt_thread(channel, root)
        if asked is None or asked.user_id is None:
            return False
        text = _text(activity)
        if not text:
            return True
        replier = str((activity.get("from") or {}).get("name") or "SLT")
        if services.questions.store_slt_reply(
            asked.id, channel, str(activity.get("id")), replier, text, platform=PLATFORM
        ):
            services.wake_outbox()
        return True

    # -- buttons under an answer -----------------------------------------------------------------
    def _card_action(self, activity: dict[str, Any]) -> Response:
        services = self.services
        action = card_action(activity)
        if action is None:
            return message(UNKNOWN_BUTTON)
        verb, data = action
        if verb in REPORT_VERBS:
            return self.reports.act(activity, verb, data)
        if verb in ACCOUNT_VERBS:
            return self.accounts.act(activity, verb, data)
        if verb in REGISTER_VERBS:
            return self.register.act(activity, verb, data)
        if verb not in (HELPFUL, NOT_HELPFUL, ASK_SLT):
            return message(UNKNOWN_BUTTON)
        user = str((activity.get("from") or {}).get("id", ""))
        logged = question_for(services.button_key, data.get("q"), user, services.questions.get)
        if logged is None:
            return message("That answer has expired.")
        if verb in (HELPFUL, NOT_HELPFUL):
            services.questions.set_feedback(logged.id, verb == HELPFUL)
            if verb == HELPFUL:
                return message("Thanks, glad it helped.")
            return message(
                "Thanks for telling me. SLT review unhelpful answers to improve the bot; "
                "use Ask SLT if you need an answer now."
            )
        name = str((activity.get("from") or {}).get("name") or "A member of staff")
        if not services.questions.escalate_through_outbox(logged.id, user, name, platform=PLATFORM):
            return message("You've already sent this to SLT.")
        services.wake_outbox()
        return message("Sent to SLT. When they reply, I'll message you here in policybot.")


def _text(activity: dict[str, Any]) -> str:
    """The message's text without the bot's @mention (and without the HTML some clients send)."""
    text = str(activity.get("text") or "")
    for entity in activity.get("entities") or []:
        if isinstance(entity, dict) and entity.get("type") == "mention" and isinstance(entity.get("text"), str):
            text = text.replace(entity["text"], " ")
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


