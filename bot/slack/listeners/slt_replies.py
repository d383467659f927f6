"""SLT replies in the thread under an escalated question; the asker gets the reply as a DM."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.slack.services import Services

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
        if asked is None or asked.user_id is None:
            return
        text = event.get("text") or ""
        quoted = "\n".join("> " + line for line in text.splitlines()) or ">"
        try:
            services.client.chat_postMessage(
                channel=asked.user_id,
                text=f"<@{event.get('user')}> from SLT replied to your policy question:\n{quoted}",
                unfurl_links=False,
            )
        except (SlackApiError, OSError) as exc:
            log.warning("could not pass SLT reply on for question %s: %s", asked.id, exc)

    # Events are acknowledged at once; the Slack calls run after the HTTP response has gone.
    app.event("message")(ack=lambda ack: ack(), lazy=[thread_reply])
