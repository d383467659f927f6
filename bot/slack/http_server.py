"""HTTP mode: Bolt behind waitress (a production WSGI server), Slack requests at /slack/events,
readiness at GET /healthz, and oversized bodies refused before anything parses them."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot.slack.request_guard import check_request, hide_payload_word, media_type
from bot.web_server import REQUEST_SECONDS, StartResponse, first_answer, make_waitress, plain, read_body

EVENTS_PATH = "/slack/events"
# Slack's largest payloads (a big modal's state) are tens of kilobytes.
MAX_BODY_BYTES = 512 * 1024


class SlackHttpApp:
    """The WSGI application served in HTTP mode."""

    def __init__(self, app: App, signing_secret: str) -> None:
        self._slack = SlackRequestHandler(app, path=EVENTS_PATH)
        self._verifier = SignatureVerifier(signing_secret)
        self.ready = threading.Event()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        answer = first_answer(environ, EVENTS_PATH, self.ready)
        if answer is not None:
            return plain(start_response, *answer)
        body = read_body(environ, MAX_BODY_BYTES)
        if isinstance(body, tuple):
            return plain(start_response, *body)
        refusal = check_request(
            self._verifier,
            environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
            environ.get("HTTP_X_SLACK_SIGNATURE"),
            environ.get("CONTENT_TYPE", ""),
            body,
        )
        if refusal is not None:
            return plain(start_response, refusal.status, refusal.reason + "\n")
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


def make_server(
    app: App, signing_secret: str, host: str, port: int, threads: int = 16, request_seconds: int = REQUEST_SECONDS
) -> Any:
    """A waitress server (not yet serving); `.effective_port` is the bound port, `.run()` serves."""
    wsgi = SlackHttpApp(app, signing_secret)
    server = make_waitress(wsgi, host, port, threads, MAX_BODY_BYTES, request_seconds)
    wsgi.ready.set()
    return server
