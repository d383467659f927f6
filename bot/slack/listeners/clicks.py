"""What every button and slash-command listener does the same way: acknowledge at once, answer the
person who clicked privately, and open a form without failing the click when Slack will not."""

from __future__ import annotations

import logging

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


def ack_now(ack: Ack) -> None:
    """The acknowledgement for listeners whose work runs lazily, after the HTTP response has gone."""
    ack()


def tell_clicker(client: WebClient, body: dict, respond: Respond | None, text: str) -> None:
    """A private reply to whoever clicked: in place under a message, as a DM from the Home tab (which
    has no response_url). Failing to send it must not fail the click."""
    try:
        if body.get("response_url") and respond is not None:
            respond(response_type="ephemeral", replace_original=False, text=text)
        else:
            client.chat_postMessage(channel=body["user"]["id"], text=text)
    except Exception as exc:  # Slack may be unreachable; the reply itself changed nothing
        log.warning("could not reply to a click: %s", exc.__class__.__name__)


def open_form(
    client: WebClient, body: dict, respond: Respond | None, view: dict, sorry: str = "please try again in a minute."
) -> None:
    """Open a modal with the click's trigger_id; if Slack will not, say so to the clicker."""
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except (SlackApiError, OSError) as exc:
        # Slack's error code (invalid_auth: a wrong SLACK_BOT_TOKEN) says what to fix; never the view itself
        error = exc.response.get("error") if isinstance(exc, SlackApiError) and exc.response is not None else None
        log.warning("could not open a form: %s", error or exc.__class__.__name__)
        tell_clicker(client, body, respond, f"Sorry, Slack didn't open the form just now; {sorry}")
