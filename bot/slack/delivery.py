"""Sends the outbox to Slack: retries 5xx, timeouts and refused connections with backoff, honours
429 Retry-After, and parks permanent errors (the channel is gone, the bot is not in it) with an alert
to the admin instead of retrying them forever.

Messages are rendered from the record's state when sent, so a card that was stuck behind an outage
shows the case as it is now, not as it was.

Only the process holding the `SenderLock` sends. When a send's outcome is unknown (a timeout, or
the previous sender died mid-send), a channel message is looked for in the channel before it is
posted again, so the SLT card and the DSL alert arrive once.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import urllib.error
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.cases.guidance import guidance_for
from bot.cases.misuse import Report
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
from bot.slack.services import Services
from bot.store.applications import ADMIN_CARD, APP_CARD, APPLICANT_NOTICE, REGISTER_ALERT
from bot.store.outbox import INTERRUPTED, OutboxItem, enqueue
from bot.store.question_log import SLT_REPLY
from bot.store.reports import DSL_ALERT, REPORTER_NOTICE, SLT_CARD
from bot.store.sender_lock import SenderLock

log = logging.getLogger(__name__)

ADMIN_ALERT = "admin_alert"

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

TIMED_OUT = "timed out"
# After these, Slack may have posted the message although the bot never heard back.
IN_DOUBT = frozenset({TIMED_OUT, INTERRUPTED})
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
        timeout=settings.slack_timeout,  # seconds; urllib takes a float
        retry_handlers=[],
        logger=_client_log,
    )


class Deliverer:
    def __init__(
        self,
        services: Services,
        client: WebClient | None = None,
        idle_seconds: float = 1.0,
        max_backoff: float = 300.0,
    ) -> None:
        self.services = services
        self.client = client or delivery_client(services)
        self.idle_seconds = idle_seconds
        self.max_backoff = max_backoff
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.lock = SenderLock(services.db.path)
        self._senders: dict[str, Callable[[OutboxItem], None]] = {
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

    # -- running ---------------------------------------------------------------------------------
    def start(self) -> Deliverer:
        self._thread = threading.Thread(target=self._loop, name="outbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.services.outbox_signal.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.lock.release()

    def _loop(self) -> None:
        signal = self.services.outbox_signal
        while not self._stop.is_set():
            try:
                if self._take_over() and self.deliver_one():
                    continue
                due = self.services.outbox.next_due_in()
            except sqlite3.Error as exc:
                log.error("outbox: database error (%s); trying again shortly", exc)
                due = None
            signal.wait(self.idle_seconds if due is None else min(self.idle_seconds, due))
            signal.clear()

    def _take_over(self) -> bool:
        """Whether this process is the sender: it holds the lock, or has just taken it."""
        if self.lock.held:
            return True
        if not self.lock.acquire():
            return False  # another bot process on this database sends; take over if it stops
        if self.lock.exclusive:
            resumed = self.services.outbox.release_interrupted()
            if resumed:
                log.warning("outbox: %d message(s) were being sent when the bot stopped; sending them now", resumed)
        return True

    def deliver_one(self) -> bool:
        """Send the next due message, if any. True when there was one (sent or not)."""
        outbox = self.services.outbox
        item = outbox.claim()
        if item is None:
            return False
        label = f"{item.kind} for {item.payload.get('ref', item.topic)}"
        try:
            self._senders[item.kind](item)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
            if exc.response.status_code == 429:
                delay = _retry_after(exc.response.headers)
                log.warning("outbox: Slack rate-limited %s; retrying in %ss", label, delay)
                outbox.retry_later(item.id, delay, "ratelimited")
            elif error in PERMANENT_ERRORS:
                self._park(item, label, error)
            elif error in TOKEN_ERRORS:
                self._retry(item, label, error, hint="Slack rejected the bot token: check SLACK_BOT_TOKEN")
            else:
                self._retry(item, label, error)
        except PermanentError as exc:
            self._park(item, label, str(exc))
        except OSError as exc:  # refused, reset, timed out: Slack is unreachable
            self._retry(item, label, _unreachable(exc))
        except Exception as exc:  # a bug must not stop every other message; keep this one for later
            log.exception("outbox: unexpected error sending %s", label)
            self._retry(item, label, f"error: {exc.__class__.__name__}")
        else:
            outbox.sent(item.id)
            log.info("outbox: sent %s", label)
        return True

    def _retry(self, item: OutboxItem, label: str, error: str, hint: str = "") -> None:
        delay = min(self.max_backoff, 2.0 ** max(0, item.attempts - 1))
        log.warning(
            "outbox: could not send %s (%s)%s; attempt %d, retrying in %.0fs",
            label,
            error,
            f"; {hint}" if hint else "",
            item.attempts,
            delay,
        )
        self.services.outbox.retry_later(item.id, delay, error)

    def _park(self, item: OutboxItem, label: str, error: str) -> None:
        log.error("outbox: Slack refused %s (%s); kept, not retried, admin alerted", label, error)
        self.services.outbox.give_up(item.id, error)
        if item.kind != ADMIN_ALERT:
            with self.services.db.transaction() as conn:
                enqueue(conn, "admin", ADMIN_ALERT, {"failed": label, "error": error})

    # -- what each kind of message is ------------------------------------------------------------
    def _slt_card(self, item: OutboxItem) -> None:
        services = self.services
        report = services.reports.get(item.payload["ref"])
        if report is None:
            return
        school = services.book.school(report.school)
        guidance = guidance_for(services.book, report.school, report.category.id)
        blocks = card_blocks(school, report, guidance, services.settings.dsl_channel)
        text = card_text(report)
        channel = services.settings.slt_channel or ""
        if not report.slt_ts and item.last_error in IN_DOUBT:
            earlier = self._posted_before(channel, text, report.submitted_at)
            if earlier:
                services.reports.record_card(report.ref, channel, earlier)
                report = services.reports.get(report.ref) or report
        if report.slt_ts and report.slt_channel:
            try:
                self.client.chat_update(channel=report.slt_channel, ts=report.slt_ts, text=text, blocks=blocks)
            except SlackApiError as exc:
                # A purged case's card may be long gone (Slack's own retention): nothing left to redraw.
                if not (report.purged and exc.response.get("error") in _CARD_GONE):
                    raise
                log.info("outbox: card for purged %s is no longer in Slack", report.ref)
            return
        if report.purged:
            return  # never post a card for a case whose content has been deleted
        posted = self.client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
        )
        services.reports.record_card(report.ref, posted["channel"], posted["ts"])

    def _dsl_alert(self, item: OutboxItem) -> None:
        services = self.services
        channel = services.settings.dsl_channel
        if not channel:
            raise PermanentError("POLICYBOT_DSL_CHANNEL is not set")
        report = services.reports.get(item.payload["ref"])
        if report is None:
            return
        text = dsl_alert_text(report)
        if report.purged:
            self._redraw_purged_dsl_alert(report, channel, text)
            return
        if item.last_error in IN_DOUBT:
            earlier = self._posted_before(channel, text, report.submitted_at)
            if earlier:
                services.reports.record_message(f"{report.ref}:dsl", channel, earlier)
                return
        posted = self.client.chat_postMessage(
            channel=channel,
            text=text,
            blocks=dsl_alert_blocks(report, None),
            unfurl_links=False,
            unfurl_media=False,
        )
        # Recorded so the retention purge can take the report's words out of the DSL channel later.
        services.reports.record_message(f"{report.ref}:dsl", posted["channel"], posted["ts"])

    def _redraw_purged_dsl_alert(self, report: Report, channel: str, text: str) -> None:
        """The alert quoted what happened and named the reporter: redraw it without them. An alert sent
        before alerts were recorded is looked for in the channel by its text."""
        where = self.services.reports.message(f"{report.ref}:dsl")
        if where is None:
            ts = self._posted_before(channel, text, report.submitted_at)
            where = (channel, ts) if ts else None
        if where is None:
            log.info("outbox: no DSL alert for purged %s found in Slack", report.ref)
            return
        try:
            self.client.chat_update(
                channel=where[0],
                ts=where[1],
                text=purged_dsl_alert_text(report),
                blocks=purged_dsl_alert_blocks(report),
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in _CARD_GONE:
                raise
            log.info("outbox: DSL alert for purged %s is no longer in Slack", report.ref)

    def _reporter_notice(self, item: OutboxItem) -> None:
        services = self.services
        report = services.reports.get(item.payload["ref"])
        if report is None:
            return
        event = item.payload.get("event", "received")
        next_steps = ""
        if event == "received":
            guidance = guidance_for(services.book, report.school, report.category.id)
            next_steps = next_steps_text(services.book.school(report.school), report, guidance)
        self.client.chat_postMessage(
            channel=report.reporter_id,
            text=reporter_notice_text(report, event, next_steps),
            unfurl_links=False,
            unfurl_media=False,
        )

    def _post(self, channel: str | None, text: str, blocks: list[dict] | None = None) -> tuple[str, str]:
        if not channel:
            raise PermanentError("no channel set")
        posted = self.client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
        )
        return posted["channel"], posted["ts"]

    def _draw_card(
        self,
        item: OutboxItem,
        posted: tuple[str | None, str | None],
        channel: str,
        text: str,
        blocks: list[dict],
        since: str,
    ) -> tuple[str, str] | None:
        """Update a card in place if it was posted, else post it: after an interrupted or timed-out
        attempt, first look for the card in the channel so it is not posted twice. Returns where a
        newly posted (or found) card is, for the record."""
        if posted[0] and posted[1]:
            self.client.chat_update(channel=posted[0], ts=posted[1], text=text, blocks=blocks)
            return None
        if item.last_error in IN_DOUBT:
            earlier = self._posted_before(channel, text, since)
            if earlier:
                self.client.chat_update(channel=channel, ts=earlier, text=text, blocks=blocks)
                return channel, earlier
        return self._post(channel, text, blocks)

    def _application_card(self, item: OutboxItem) -> None:
        services = self.services
        application = services.applications.get(item.payload["ref"])
        if application is None:
            return
        existing = services.applications.active_on_platform(application.form.platform, excluding_ref=application.ref)
        blocks = application_card(application, existing, services.settings.school_email_domain)
        text = application_card_text(application)
        where = (application.slt_channel, application.slt_ts)
        posted = self._draw_card(item, where, services.settings.slt_channel, text, blocks, application.submitted_at)
        if posted:
            services.applications.record_card(application.ref, "slt", *posted)

    def _admin_card(self, item: OutboxItem) -> None:
        services = self.services
        application = services.applications.get(item.payload["ref"])
        if application is None:
            return
        if not services.settings.admin_channel:
            raise PermanentError("POLICYBOT_ADMIN_CHANNEL is not set")
        account = services.applications.account(application.account_id) if application.account_id else None
        text = f"Please create an official {application.platform_label} account ({application.ref})"
        where = (application.admin_channel, application.admin_ts)
        since = application.decided_at or application.submitted_at
        posted = self._draw_card(
            item, where, services.settings.admin_channel, text, admin_card(application, account), since
        )
        if posted:
            services.applications.record_card(application.ref, "admin", *posted)

    def _applicant_notice(self, item: OutboxItem) -> None:
        services = self.services
        application = services.applications.get(item.payload["ref"])
        if application is None:
            return
        account = services.applications.account(application.account_id) if application.account_id else None
        text, blocks = applicant_notice(application, item.payload.get("event", "received"), account)
        self._post(application.applicant_id, text, blocks)

    def _register_alert(self, item: OutboxItem) -> None:
        services = self.services
        account = services.applications.account(int(item.payload["account"]))
        if account is None:
            return
        self._post(services.settings.slt_channel, register_alert_text(account, item.payload["user"]))

    def _slt_reply(self, item: OutboxItem) -> None:
        found = self.services.questions.slt_reply(int(item.payload["reply"]))
        if found is None or not found[0].user_id:
            return
        question, replier, text = found
        quoted = "\n".join("> " + line for line in text.splitlines()) or ">"
        message = f"{mention(replier)} from SLT replied to your policy question:\n{quoted}"
        # Slack refuses a message over 40,000 characters (msg_too_long): pass on what fits.
        self._post(question.user_id, clip(message, MAX_MESSAGE_CHARS))

    def _admin_alert(self, item: OutboxItem) -> None:
        settings = self.services.settings
        channel = settings.admin_channel or settings.slt_channel
        self.client.chat_postMessage(
            channel=channel,
            text=(
                f":warning: policybot could not deliver {item.payload.get('failed')}: Slack said "
                f"`{item.payload.get('error')}`. Check the channel ids in the bot's settings and that policybot is "
                "invited to those channels, then run `policybot outbox retry` on the server. Nothing was lost."
            ),
            unfurl_links=False,
        )

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
