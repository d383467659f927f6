"""Slack's transport for the outbox runner (bot/delivery/runner.py): draws each kind of message in
Block Kit, sends or updates it, and answers the runner in its terms: done (and where the message
landed), retry after Retry-After (429), retry with back-off (5xx, refused connections, a wrong token),
permanent (the channel is gone, the bot is not in it: the runner parks it and alerts the admin), or in
doubt (a timeout).

Messages are rendered from the record's state when sent, so a card that was stuck behind an outage
shows the case as it is now, not as it was. When an earlier attempt is in doubt (a timeout, or the
previous sender died mid-send), a channel message is looked for in the channel before it is posted
again, so the SLT card and the DSL alert arrive once.
"""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.cases.guidance import guidance_for
from bot.cases.misuse import Report
from bot.delivery.runner import TIMED_OUT
from bot.delivery.transport import (
    ADMIN_ALERT,
    Done,
    InDoubt,
    Message,
    Outcome,
    Permanent,
    Retry,
    RetryAfter,
)
from bot.slack.blocks.account_card import (
    admin_card,
    applicant_notice,
    application_card,
    application_card_text,
    register_alert_text,
)
from bot.slack.blocks.report_card import (
    card_blocks,
    card_text,
    dsl_alert_blocks,
    dsl_alert_text,
    purged_dsl_alert_blocks,
    purged_dsl_alert_text,
    reporter_notice_text,
)
from bot.slack.blocks.report_form import next_steps_text
from bot.slack.escape import clip, mention
from bot.slack.posted import find_posted
from bot.slack.services import PLATFORM, Services
from bot.store.applications import ADMIN_CARD, APP_CARD, APPLICANT_NOTICE, REGISTER_ALERT
from bot.store.places import Place
from bot.store.question_log import SLT_REPLY
from bot.store.reports import DSL_ALERT, REPORTER_NOTICE, SLT_CARD

log = logging.getLogger(__name__)

# Slack errors that retrying will not fix; someone has to change a setting or invite the bot.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "missing_scope",
        "not_allowed_token_type",
        "restricted_action",
        "invalid_blocks",
        "msg_too_long",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
    }
)


# Errors that mean the token is wrong: retried (a fixed token and a restart cure them), but said plainly.
TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"})

# Slack's limit for a message's text.
MAX_MESSAGE_CHARS = 40_000

# When redrawing a purged case's card: the message is gone already, which is what purging wanted.
_CARD_GONE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed", "channel_not_found"})

# slack_sdk logs every failed request at error level; the deliverer logs each failure itself, with the
# message it concerns and what happens next, so the client's own line would only repeat it.
_client_log = logging.getLogger(f"{__name__}.client")
_client_log.setLevel(logging.CRITICAL)


class PermanentError(Exception):
    pass


def delivery_client(services: Services) -> WebClient:
    """A client that does not retry by itself: the outbox retries, so one failure is one log line and
    a 429 never blocks the sender for its Retry-After."""
    settings = services.settings
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,  # type: ignore[arg-type]  # seconds; urllib takes a float
        retry_handlers=[],
        logger=_client_log,
    )


class SlackTransport:
    """Draws each kind of outbox message in Block Kit and sends it with the Web API; tells the runner
    (bot/delivery/runner.py) how it went in the runner's terms."""

    platform = PLATFORM
    name = "Slack"

    def __init__(self, services: Services, client: WebClient | None = None) -> None:
        self.services = services
        self.client = client or delivery_client(services)
        self._senders: dict[str, Callable[[Message], Place | None]] = {
            SLT_CARD: self._slt_card,
            DSL_ALERT: self._dsl_alert,
            REPORTER_NOTICE: self._reporter_notice,
            ADMIN_ALERT: self._admin_alert,
            APP_CARD: self._application_card,
            ADMIN_CARD: self._admin_card,
            APPLICANT_NOTICE: self._applicant_notice,
            REGISTER_ALERT: self._register_alert,
            SLT_REPLY: self._slt_reply,
        }

    def deliver(self, message: Message) -> Outcome:
        try:
            place = self._senders[message.item.kind](message)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
            if exc.response.status_code == 429:
                return RetryAfter(_retry_after(exc.response.headers))
            if error in PERMANENT_ERRORS:
                return Permanent(error)
            if error in TOKEN_ERRORS:
                return Retry(error, hint="Slack rejected the bot token: check SLACK_BOT_TOKEN")
            return Retry(error)
        except PermanentError as exc:
            return Permanent(str(exc))
        except OSError as exc:  # refused, reset, timed out: Slack is unreachable
            reason = _unreachable(exc)
            return InDoubt() if reason == TIMED_OUT else Retry(reason)
        return Done(place)

    # -- what each kind of message is ------------------------------------------------------------
    def _slt_card(self, message: Message) -> Place | None:
        services = self.services
        report = services.reports.get(message.item.payload["ref"])
        if report is None:
            return None
        school = services.book.school(report.school)
        guidance = guidance_for(services.book, report.school, report.category.id)
        blocks = card_blocks(school, report, guidance, services.settings.dsl_channel)
        text = card_text(report)
        channel = services.settings.slt_channel or ""
        place = message.place
        if place is None and message.in_doubt:
            earlier = self._posted_before(channel, text, report.submitted_at)
            place = Place(channel, earlier) if earlier else None
        if place is not None:
            try:
                self.client.chat_update(channel=place.conversation, ts=place.message_id, text=text, blocks=blocks)
            except SlackApiError as exc:
                # A purged case's card may be long gone (Slack's own retention): nothing left to redraw.
                if not (report.purged and exc.response.get("error") in _CARD_GONE):
                    raise
                log.info("outbox: card for purged %s is no longer in Slack", report.ref)
            return place
        if report.purged:
            return None  # never post a card for a case whose content has been deleted
        return self._post(channel, text, blocks)

    def _dsl_alert(self, message: Message) -> Place | None:
        services = self.services
        channel = services.settings.dsl_channel
        if not channel:
            raise PermanentError("POLICYBOT_DSL_CHANNEL is not set")
        report = services.reports.get(message.item.payload["ref"])
        if report is None:
            return None
        text = dsl_alert_text(report)
        if report.purged:
            return self._redraw_purged_dsl_alert(report, message.place, channel, text)
        if message.in_doubt:
            earlier = self._posted_before(channel, text, report.submitted_at)
            if earlier:
                return Place(channel, earlier)
        # Where it landed is recorded, so the retention purge can take the report's words out later.
        return self._post(channel, text, dsl_alert_blocks(report, None))

    def _redraw_purged_dsl_alert(self, report: Report, place: Place | None, channel: str, text: str) -> Place | None:
        """The alert quoted what happened and named the reporter: redraw it without them. An alert sent
        before alerts were recorded is looked for in the channel by its text."""
        if place is None:
            ts = self._posted_before(channel, text, report.submitted_at)
            place = Place(channel, ts) if ts else None
        if place is None:
            log.info("outbox: no DSL alert for purged %s found in Slack", report.ref)
            return None
        try:
            self.client.chat_update(
                channel=place.conversation,
                ts=place.message_id,
                text=purged_dsl_alert_text(report),
                blocks=purged_dsl_alert_blocks(report),
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in _CARD_GONE:
                raise
            log.info("outbox: DSL alert for purged %s is no longer in Slack", report.ref)
        return place

    def _reporter_notice(self, message: Message) -> Place | None:
        services = self.services
        report = services.reports.get(message.item.payload["ref"])
        if report is None:
            return None
        event = message.item.payload.get("event", "received")
        next_steps = ""
        if event == "received":
            guidance = guidance_for(services.book, report.school, report.category.id)
            next_steps = next_steps_text(services.book.school(report.school), report, guidance)
        self._post(report.reporter_id, reporter_notice_text(report, event, next_steps))
        return None  # a new message each time: nothing to find later

    def _post(self, channel: str | None, text: str, blocks: list[dict] | None = None) -> Place:
        if not channel:
            raise PermanentError("no channel set")
        posted = self.client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
        )
        return Place(posted["channel"], posted["ts"])

    def _draw_card(
        self, message: Message, channel: str | None, text: str, blocks: list[dict], since: str
    ) -> Place | None:
        """Update a card in place if it was posted, else post it: after an interrupted or timed-out
        attempt, first look for the card in the channel so it is not posted twice."""
        if message.place is not None:
            place = message.place
            self.client.chat_update(channel=place.conversation, ts=place.message_id, text=text, blocks=blocks)
            return place
        if message.in_doubt and channel:
            earlier = self._posted_before(channel, text, since)
            if earlier:
                self.client.chat_update(channel=channel, ts=earlier, text=text, blocks=blocks)
                return Place(channel, earlier)
        return self._post(channel, text, blocks)

    def _application_card(self, message: Message) -> Place | None:
        services = self.services
        application = services.applications.get(message.item.payload["ref"])
        if application is None:
            return None
        existing = services.applications.active_on_platform(application.form.platform, excluding_ref=application.ref)
        blocks = application_card(application, existing, services.settings.school_email_domain)
        text = application_card_text(application)
        return self._draw_card(message, services.settings.slt_channel, text, blocks, application.submitted_at)

    def _admin_card(self, message: Message) -> Place | None:
        services = self.services
        application = services.applications.get(message.item.payload["ref"])
        if application is None:
            return None
        if not services.settings.admin_channel:
            raise PermanentError("POLICYBOT_ADMIN_CHANNEL is not set")
        account = services.applications.account(application.account_id) if application.account_id else None
        text = f"Please create an official {application.platform_label} account ({application.ref})"
        since = application.decided_at or application.submitted_at
        blocks = admin_card(application, account)
        return self._draw_card(message, services.settings.admin_channel, text, blocks, since)

    def _applicant_notice(self, message: Message) -> Place | None:
        services = self.services
        application = services.applications.get(message.item.payload["ref"])
        if application is None:
            return None
        account = services.applications.account(application.account_id) if application.account_id else None
        text, blocks = applicant_notice(application, message.item.payload.get("event", "received"), account)
        self._post(application.applicant_id, text, blocks)
        return None

    def _register_alert(self, message: Message) -> Place | None:
        services = self.services
        account = services.applications.account(int(message.item.payload["account"]))
        if account is None:
            return None
        self._post(services.settings.slt_channel, register_alert_text(account, message.item.payload["user"]))
        return None

    def _slt_reply(self, message: Message) -> Place | None:
        found = self.services.questions.slt_reply(int(message.item.payload["reply"]))
        if found is None or not found[0].user_id:
            return None
        question, replier, text = found
        quoted = "\n".join("> " + line for line in text.splitlines()) or ">"
        said = f"{mention(replier)} from SLT replied to your policy question:\n{quoted}"
        # Slack refuses a message over 40,000 characters (msg_too_long): pass on what fits.
        self._post(question.user_id, clip(said, MAX_MESSAGE_CHARS))
        return None

    def _admin_alert(self, message: Message) -> Place | None:
        settings = self.services.settings
        payload = message.item.payload
        self.client.chat_postMessage(
            channel=settings.admin_channel or settings.slt_channel or "",
            text=(
                f":warning: policybot could not deliver {payload.get('failed')}: Slack said "
                f"`{payload.get('error')}`. Check the channel ids in the bot's settings and that policybot is "
                "invited to those channels, then run `policybot outbox retry` on the server. Nothing was lost."
            ),
            unfurl_links=False,
        )
        return None

    def _posted_before(self, channel: str, text: str, since_iso: str) -> str | None:
        return find_posted(self.client, channel, text, since_iso, self.services.identity.user_id)


def _unreachable(exc: OSError) -> str:
    """One phrase for the log: timed out (Slack may have acted), refused, or another network error."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return TIMED_OUT
    if isinstance(reason, ConnectionRefusedError):
        return "unreachable: connection refused"
    return f"unreachable: {reason.__class__.__name__}"


def _retry_after(headers: dict) -> float:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return max(1.0, float(value if isinstance(value, str) else value[0]))
            except (TypeError, ValueError):
                break
    return 1.0
