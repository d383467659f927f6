"""HTTP mode: Bolt behind waitress (a production WSGI server), Slack requests at /slack/events,
readiness at GET /healthz, and oversized bodies refused before anything parses them."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

from bot.slack.request_guard import check_request, hide_payload_word, media_type

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's largest payloads (a big modal's state) are tens of kilobytes.
MAX_BODY_BYTES = 512 * 1024
# Slack sends a whole request at once. A connection that takes longer than this to send one (headers
# and body), or sends nothing at all, is closed: otherwise a "slow loris" that trickles a byte every few
# seconds into each of waitress's 100 connections would keep every request, /healthz included, out.
REQUEST_SECONDS = 10

StartResponse = Callable[..., object]


def _plain(start_response: StartResponse, status: str, body: str) -> Iterable[bytes]:
    data = body.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]


class SlackHttpApp:
    """The WSGI application served in HTTP mode."""

    def __init__(self, app: App, signing_secret: str) -> None:
        self._slack = SlackRequestHandler(app, path=EVENTS_PATH)
        self._verifier = SignatureVerifier(signing_secret)
        self.ready = threading.Event()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            if self.ready.is_set():
                return _plain(start_response, "200 OK", "ok\n")
            return _plain(start_response, "503 Service Unavailable", "starting\n")
        if path != EVENTS_PATH:
            return _plain(start_response, "404 Not Found", "not found\n")
        if method != "POST":
            return _plain(start_response, "405 Method Not Allowed", "POST only\n")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _plain(start_response, "400 Bad Request", "bad Content-Length\n")
        if length > MAX_BODY_BYTES:
            return _plain(start_response, "413 Content Too Large", "request body too large\n")
        body = environ["wsgi.input"].read(length) if length else b""
        refusal = check_request(
            self._verifier,
            environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
            environ.get("HTTP_X_SLACK_SIGNATURE"),
            environ.get("CONTENT_TYPE", ""),
            body,
        )
        if refusal is not None:
            return _plain(start_response, refusal.status, refusal.reason + "\n")
        rewritten = hide_payload_word(body, environ.get("CONTENT_TYPE", ""))
        if rewritten is not None:
            # Bolt checks the signature again, over the body it is given: sign the rewritten one.
            body = rewritten
            timestamp = environ["HTTP_X_SLACK_REQUEST_TIMESTAMP"]
            environ["HTTP_X_SLACK_SIGNATURE"] = self._verifier.generate_signature(timestamp=timestamp, body=body)
            environ["CONTENT_LENGTH"] = str(len(body))
        environ["wsgi.input"] = io.BytesIO(body)  # Bolt reads the body again
        # Bolt compares the media type case-sensitively; `Application/JSON` is the same type.
        content_type = environ.get("CONTENT_TYPE", "")
        environ["CONTENT_TYPE"] = media_type(content_type) + content_type[len(content_type.split(";")[0]) :]
        return self._slack(environ, start_response)  # type: ignore[arg-type]  # the WSGI server's start_response


class _DeadlineChannel(HTTPChannel):
    """A connection that must deliver each request within the server's deadline."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.reading_since = time.monotonic()

    def received(self, data: bytes) -> bool:
        if self.request is None:  # the first bytes of a new request
            self.reading_since = time.monotonic()
        return super().received(data)


def _close_slow_requests(server: BaseWSGIServer, request_seconds: float) -> None:
    """Add to waitress's periodic clean-up (which closes idle connections) the closing of connections
    still sending a request after `request_seconds`, however steadily they trickle."""
    idle_cleanup = server.maintenance

    def maintenance(now: float) -> None:
        idle_cleanup(now)
        cutoff = time.monotonic() - request_seconds
        for channel in list(server.active_channels.values()):
            if channel.request is not None and not channel.requests and channel.reading_since < cutoff:
                channel.will_close = True

    server.channel_class = _DeadlineChannel
    server.maintenance = maintenance


def make_server(
    app: App, signing_secret: str, host: str, port: int, threads: int = 16, request_seconds: int = REQUEST_SECONDS
):
    """A waitress server (not yet serving); `.effective_port` is the bound port, `.run()` serves."""
    wsgi = SlackHttpApp(app, signing_secret)
    sockets: dict = {}
    server = create_server(
        wsgi,
        map=sockets,
        host=host,
        port=port,
        threads=threads,
        ident="policybot",
        max_request_body_size=MAX_BODY_BYTES,
        channel_timeout=request_seconds,  # silent connections
        cleanup_interval=1,  # look for slow and silent connections every second
    )
    for listener in list(sockets.values()):  # one per address the host name has
        if isinstance(listener, BaseWSGIServer):
            _close_slow_requests(listener, request_seconds)
    wsgi.ready.set()
    return server
