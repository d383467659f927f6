"""SLT replies in the thread under an escalated question; the asker gets the reply as a DM.

The reply is stored before the event is acknowledged and sent through the outbox, so a Slack failure
delays it instead of losing it, and a retried or replayed event (the same message) is passed on once.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App

from bot.slack.escape import is_user_id
from bot.slack.services import PLATFORM, Services

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    def thread_reply(event: dict) -> None:
        thread_ts = event.get("thread_ts")
        if (
            not thread_ts
            or event.get("channel") != services.settings.slt_channel
            or event.get("bot_id")
            or event.get("subtype")
            or event.get("ts") == thread_ts
        ):
            return
        asked = services.questions.by_slt_thread(event["channel"], thread_ts)
        replier = event.get("user")
        if asked is None or asked.user_id is None or not is_user_id(replier):
            return
        text = event.get("text") or ""
        if services.questions.store_slt_reply(
            asked.id, event["channel"], str(event.get("ts")), str(replier), str(text), platform=PLATFORM
        ):
            services.wake_outbox()
        else:
            log.info("SLT reply %r for question %s was passed on before; not again", event.get("ts"), asked.id)

    def on_message(ack: Ack, event: dict) -> None:
        # Stored before Slack hears "received": a crash in between cannot lose the reply (Slack sends the
        # event again), and two replies sent a moment apart are stored, and passed on, in the order Slack
        # sent them. It is a few database statements, far inside Slack's three seconds.
        thread_reply(event)
        ack()

    app.event("message")(on_message)
