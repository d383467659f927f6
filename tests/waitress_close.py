"""Stopping a waitress server that a test started on its own thread."""

from __future__ import annotations

import threading
from typing import Any


def close_server(server: Any) -> None:
    """Close the server from its own loop thread: closing its sockets from the test's thread while that
    thread is in select() made the loop fail with EBADF (an unhandled thread exception in a later test).
    If the loop has already closed its sockets, the trigger went with them and pulling it fails with
    EBADF (seen once in a Slack test, once in a Teams one): then they are closed from here."""
    closed = threading.Event()

    def close() -> None:
        server.close()
        closed.set()

    try:
        server.trigger.pull_trigger(close)
    except OSError:
        server.close()
    else:
        if not closed.wait(5):  # the loop thread is gone: nothing else will close them
            server.close()
    server.task_dispatcher.shutdown()
