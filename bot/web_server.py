"""What every platform's HTTP endpoint shares: the health check, the path and method gate, the body
limit, and a waitress server that closes slow and silent connections.

A Slack or Teams adapter supplies only its own request handling (signature or token, payload); the
protections against slow clients and oversized bodies are one mechanism, so no platform goes without.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

HEALTH_PATH = "/healthz"
# A platform sends a whole request at once. A connection that takes longer than this to send one (headers
# and body), or sends nothing at all, is closed: otherwise a "slow loris" that trickles a byte every few
# seconds into each of waitress's 100 connections would keep every request, /healthz included, out.
REQUEST_SECONDS = 10

StartResponse = Callable[..., object]


def plain(start_response: StartResponse, status: str, body: str) -> Iterable[bytes]:
    data = body.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]


def first_answer(environ: dict, path: str, ready: threading.Event) -> tuple[str, str] | None:
    """The answer to a request that is not a POST to the platform's path (health, 404, 405), else None."""
    requested = environ.get("PATH_INFO", "")
    method = environ.get("REQUEST_METHOD", "GET")
    if requested == HEALTH_PATH and method in ("GET", "HEAD"):
        return ("200 OK", "ok\n") if ready.is_set() else ("503 Service Unavailable", "starting\n")
    if requested != path:
        return "404 Not Found", "not found\n"
    if method != "POST":
        return "405 Method Not Allowed", "POST only\n"
    return None


def read_body(environ: dict, max_bytes: int) -> bytes | tuple[str, str]:
    """The request body, or the refusal (400, 413) when its length is unreadable or too large."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "400 Bad Request", "bad Content-Length\n"
    if length > max_bytes:
        return "413 Content Too Large", "request body too large\n"
    return environ["wsgi.input"].read(length) if length else b""


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
    server.maintenance = maintenance  # type: ignore[method-assign]


def make_waitress(
    wsgi: Any, host: str, port: int, threads: int, max_body_bytes: int, request_seconds: int = REQUEST_SECONDS
) -> Any:
    """A waitress server (not yet serving); `.effective_port` is the bound port, `.run()` serves."""
    sockets: dict = {}
    server = create_server(
        wsgi,
        map=sockets,
        host=host,
        port=port,
        threads=threads,
        ident="policybot",
        max_request_body_size=max_body_bytes,
        channel_timeout=request_seconds,  # silent connections
        cleanup_interval=1,  # look for slow and silent connections every second
    )
    for listener in list(sockets.values()):  # one per address the host name has
        if isinstance(listener, BaseWSGIServer):
            _close_slow_requests(listener, request_seconds)
    return server
