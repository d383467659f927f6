"""HTTP mode: Bolt behind waitress (a production WSGI server), Slack requests at /slack/events,
readiness at GET /healthz, and oversized bodies refused before anything parses them."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from waitress.server import create_server

from bot.slack.request_guard import check_request, media_type

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's largest payloads (a big modal's state) are tens of kilobytes.
MAX_BODY_BYTES = 512 * 1024

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
        environ["wsgi.input"] = io.BytesIO(body)  # Bolt reads the body again
        # Bolt compares the media type case-sensitively; `Application/JSON` is the same type.
        content_type = environ.get("CONTENT_TYPE", "")
        environ["CONTENT_TYPE"] = media_type(content_type) + content_type[len(content_type.split(";")[0]) :]
        return self._slack(environ, start_response)


def make_server(app: App, signing_secret: str, host: str, port: int, threads: int = 16):
    """A waitress server (not yet serving); `.effective_port` is the bound port, `.run()` serves."""
    wsgi = SlackHttpApp(app, signing_secret)
    server = create_server(
        wsgi, host=host, port=port, threads=threads, ident="policybot", max_request_body_size=MAX_BODY_BYTES
    )
    wsgi.ready.set()
    return server
