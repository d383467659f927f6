"""Socket Mode start-up that survives Slack being unreachable (a server that boots before its network,
or a Slack outage): keep trying, with back-off, one log line per attempt, and serve once connected.

slack_sdk reconnects by itself once a first session was opened; only that first connection is ours to
retry. Its WebSocket step does not raise when it fails (it logs and leaves the session closed), so
success is judged by `is_connected()`, not by the absence of an exception.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.services import Services

log = logging.getLogger("policybot")

# Slack's answers that no retry will change: the app-level token is wrong, revoked or lacks the scope.
_TOKEN_ERRORS = {
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "missing_scope",
    "not_allowed_token_type",
}


class SocketModeTokenError(Exception):
    """Slack refused the app-level token; the message says what to fix."""


def socket_mode_web_client(services: Services) -> WebClient:
    """The client that asks Slack for a Socket Mode URL (apps.connections.open, with the app token).
    No retry handlers and a silent logger: `connect` retries and writes the one line per attempt;
    otherwise slack_sdk logs an error for each of its own retries."""
    quiet = logging.getLogger("policybot.socket_mode_url")
    quiet.setLevel(logging.CRITICAL)
    quiet.propagate = False
    settings = services.settings
    return WebClient(
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,  # type: ignore[arg-type]  # urllib takes a float
        logger=quiet,
        retry_handlers=[],
        proxy=services.client.proxy,
    )


def backoff(first: float = 1.0, longest: float = 60.0) -> Iterator[float]:
    """1, 2, 4 ... seconds, then every `longest` seconds: quick when the network is a moment late,
    gentle on Slack during an outage."""
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, longest)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return f"Slack answered {exc.response.get('error') or exc.response.status_code}"
    reason = getattr(exc, "reason", None) or exc  # urllib's URLError wraps the socket error
    return f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__


def connect(handler: SocketModeHandler, stop: threading.Event | None = None, longest_wait: float = 60.0) -> bool:
    """Open the first Socket Mode session, retrying until it is open (True) or `stop` is set (False).
    Raises SocketModeTokenError when Slack refuses the token."""
    stop = stop or threading.Event()
    client = handler.client
    for attempt, delay in enumerate(backoff(longest=longest_wait), start=1):
        try:
            client.connect_to_new_endpoint()
            if client.is_connected():
                if attempt > 1:
                    log.info("connected to Slack in Socket Mode after %d attempts", attempt)
                return True
            problem = "the WebSocket connection to Slack did not open"
        except SlackApiError as exc:
            if exc.response.get("error") in _TOKEN_ERRORS:
                raise SocketModeTokenError(
                    f"SLACK_APP_TOKEN: Slack refused it ({exc.response.get('error')}); generate an app-level token "
                    "with connections:write (Basic Information > App-Level Tokens)"
                ) from exc
            problem = _reason(exc)
        except Exception as exc:  # any network failure: refused, no route, DNS, TLS, timeout
            problem = _reason(exc)
        log.warning(
            "cannot reach Slack (attempt %d: %s); Socket Mode will try again in %.0f s", attempt, problem, delay
        )
        if stop.wait(delay):
            return False
    return False  # the back-off never ends; this line only satisfies the type checker
