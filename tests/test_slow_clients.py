"""Slow-loris: connections that send headers and then trickle the body, one byte at a time, must not
keep Slack's requests or /healthz out. Only 127.0.0.1, a bounded number of connections, bounded in time."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request

from bot.slack.app import build_app
from bot.slack.http_server import make_server
from bot.slack.services import build_services
from tests.slack_app import SIGNING_SECRET, settings_for
from tests.waitress_close import close_server

SLOW_CONNECTIONS = 110  # more than waitress's 100-connection limit
TRICKLE_SECONDS = 0.5  # one body byte this often: never idle, never finished
ATTACK_SECONDS = 12.0


def _trickle(port: int, stop: threading.Event, opened: list[socket.socket]) -> None:
    try:
        conn = socket.create_connection(("127.0.0.1", port), timeout=2)
    except OSError:
        return
    opened.append(conn)
    try:
        conn.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n"
        )
        while not stop.wait(TRICKLE_SECONDS):
            conn.sendall(b"{")
    except OSError:
        pass  # the server closed it: what should happen
    finally:
        conn.close()


def _healthz(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
            return response.status
    except OSError:
        return None


def test_slow_request_bodies_are_cut_off_and_healthz_still_answers(slack, tmp_path) -> None:
    services = build_services(settings_for(slack, tmp_path / "policybot.db"))
    server = make_server(build_app(services), SIGNING_SECRET, "127.0.0.1", 0, request_seconds=2)
    threading.Thread(target=server.run, daemon=True).start()
    port = server.effective_port
    stop, opened = threading.Event(), []
    attackers = [threading.Thread(target=_trickle, args=(port, stop, opened), daemon=True) for _ in range(110)]
    try:
        for attacker in attackers:
            attacker.start()
        deadline = time.monotonic() + 5
        while len(opened) < SLOW_CONNECTIONS and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(opened) == SLOW_CONNECTIONS
        # Within the deadline plus a clean-up round, /healthz answers while the attack goes on.
        started = time.monotonic()
        answered_after = None
        while time.monotonic() - started < ATTACK_SECONDS - 2:
            if _healthz(port) == 200:
                answered_after = time.monotonic() - started
                break
        assert answered_after is not None, "/healthz never answered during the attack"
        assert answered_after < 6, answered_after
        # And it keeps answering: the slow connections are closed as they pass the deadline.
        assert _healthz(port) == 200
    finally:
        stop.set()
        for attacker in attackers:
            attacker.join(timeout=5)
        close_server(server)
        services.identity.stop()
