"""The buttons under an answer: Helpful / Not helpful, Share in channel, Ask SLT."""

from __future__ import annotations

import logging

from slack_bolt import App, Respond
from slack_sdk.errors import SlackApiError

from bot.question_buttons import question_for
from bot.slack.blocks.answer import ASK_SLT, HELPFUL, NOT_HELPFUL, SHARE, shared_blocks, slt_question_blocks
from bot.slack.listeners.clicks import ack_now
from bot.slack.posted import find_posted
from bot.slack.request_guard import is_slack_id
from bot.slack.services import Services
from bot.store.database import now
from bot.store.handled import first_time, forget
from bot.store.question_log import LoggedQuestion

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    questions = services.questions

    def _question(body: dict) -> LoggedQuestion | None:
        """The question under the clicked answer, only if the answer was drawn for the clicker."""
        try:
            value = body["actions"][0]["value"]
        except (KeyError, IndexError, TypeError):
            return None
        return question_for(services.button_key, value, body["user"]["id"], questions.get)

    def feedback(helpful: bool):
        def handler(body: dict, respond: Respond) -> None:
            logged = _question(body)
            if logged is None:
                respond(response_type="ephemeral", replace_original=False, text="That answer has expired.")
                return
            questions.set_feedback(logged.id, helpful)
            thanks = (
                "Thanks, glad it helped."
                if helpful
                else (
                    "Thanks for telling me. SLT review unhelpful answers to improve the bot; "
                    "use *Ask SLT* if you need an answer now."
                )
            )
            respond(response_type="ephemeral", replace_original=False, text=thanks)

        return handler

    def share(body: dict, respond: Respond) -> None:
        logged = _question(body)
        clause = services.book.clause(logged.school, logged.top_clause) if logged and logged.top_clause else None
        channel = (body.get("channel") or {}).get("id")
        if clause is None or not is_slack_id(channel) or logged is None:
            respond(response_type="ephemeral", replace_original=False, text="Sorry, I can't share that answer.")
            return
        school = services.book.school(logged.school)
        # A replayed click (the same signed request again) must not post the answer again.
        click = body.get("trigger_id") or (body.get("actions") or [{}])[0].get("action_ts")
        key = f"share:{logged.id}:{channel}:{click}"
        with services.db.transaction() as conn:
            if not first_time(conn, key):
                return
        try:
            services.client.chat_postMessage(
                channel=channel,
                text=clause.answer,
                blocks=shared_blocks(school, clause, body["user"]["id"]),
                unfurl_links=False,
            )
        except SlackApiError as exc:
            error = exc.response.get("error")
            log.info("share failed in %s: %s", channel, error)
            with services.db.transaction() as conn:
                forget(conn, key)
            hint = (
                "Invite me to the channel first (`/invite @policybot`)."
                if error in ("not_in_channel", "channel_not_found")
                else "Slack did not accept the message; try again."
            )
            respond(response_type="ephemeral", replace_original=False, text=f"I couldn't share it here. {hint}")
            return
        except OSError as exc:  # no answer in time: Slack may or may not have posted it
            log.info("share in %s got no answer from Slack (%s)", channel, exc)
            respond(
                response_type="ephemeral",
                replace_original=False,
                text="Slack didn't answer in time. If the answer is not in the channel in a minute, press Share again.",
            )
            with services.db.transaction() as conn:
                forget(conn, key)
            return
        respond(response_type="ephemeral", replace_original=False, text="Shared in this channel.")

    def ask_slt(body: dict, respond: Respond) -> None:
        user_id = body["user"]["id"]
        logged = _question(body)
        if logged is None:
            respond(response_type="ephemeral", replace_original=False, text="That question has expired.")
            return
        if not questions.escalate(logged.id, user_id):
            respond(response_type="ephemeral", replace_original=False, text="You've already sent this to SLT.")
            return
        answer = services.book.ask(logged.school, logged.question)
        channel = services.settings.slt_channel or ""  # required at start-up; "" is refused by Slack
        # Names the question, so that a post whose answer was lost can be told from another's.
        text = f"A policy question for SLT (question {logged.id})"
        since = now()
        where: tuple[str, str] | None
        try:
            posted = services.client.chat_postMessage(
                channel=channel, text=text, blocks=slt_question_blocks(logged.question, user_id, answer),
                unfurl_links=False,
            )  # fmt: skip
            where = (str(posted["channel"]), str(posted["ts"]))
        except (SlackApiError, OSError) as exc:
            where = _posted_after_all(exc, channel, text, since)
            if where is None:
                log.warning("could not post question %s to SLT: %s", logged.id, exc)
                questions.cancel_escalation(logged.id)
                respond(
                    response_type="ephemeral",
                    replace_original=False,
                    text="I couldn't reach the SLT channel just now. Please try *Ask SLT* again in a minute.",
                )
                return
        questions.record_slt_post(logged.id, where[0], where[1], "slack")
        respond(
            response_type="ephemeral",
            replace_original=False,
            text="Sent to SLT. When they reply, I'll message you here in policybot.",
        )

    def _posted_after_all(exc: Exception, channel: str, text: str, since: str) -> tuple[str, str] | None:
        """Where Slack put a post whose answer never came (a timeout: Slack may have posted it), so the
        thread SLT reply in is known; None when it did not post, or cannot be asked now."""
        if isinstance(exc, SlackApiError):
            return None
        try:
            ts = find_posted(services.client, channel, text, since, services.identity.user_id)
        except OSError:
            return None
        return (channel, ts) if ts else None

    # Acknowledge at once; the work (and any Slack calls) runs after the HTTP response has gone.
    app.action(HELPFUL)(ack=ack_now, lazy=[feedback(True)])
    app.action(NOT_HELPFUL)(ack=ack_now, lazy=[feedback(False)])
    app.action(SHARE)(ack=ack_now, lazy=[share])
    app.action(ASK_SLT)(ack=ack_now, lazy=[ask_slt])
