"""HTTP mode on several processes (`serve --http --workers N`): gunicorn forks N workers from the
process that built the app, all accepting on one port. One Python process answers on one CPU core
at a time (the GIL); workers use them all. Linux and macOS only (gunicorn); a single process is
served by waitress (http_server.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt import App

from bot.slack.http_server import SlackHttpApp
from bot.web_server import REQUEST_SECONDS


class _Gunicorn(BaseApplication):
    def __init__(self, wsgi: SlackHttpApp, options: dict[str, Any]) -> None:
        self._wsgi = wsgi
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._options.items():
            self.cfg.set(name, value)
        if "control_socket_disable" in self.cfg.settings:  # newer gunicorn: no control socket in ~/.gunicorn
            self.cfg.set("control_socket_disable", True)

    def load(self) -> SlackHttpApp:
        return self._wsgi


def serve_workers(
    app: App, signing_secret: str, host: str, port: int, workers: int, in_each_worker: Callable[[], None]
) -> None:
    """Serve until stopped (SIGTERM/SIGINT). `in_each_worker` runs in each worker just after it is
    forked, before it serves: the place to start its background threads."""
    wsgi = SlackHttpApp(app, signing_secret)
    wsgi.ready.set()
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        # One request at a time per worker, taken from the shared listening socket only when the worker
        # is free, so the kernel's queue is the one queue: the fairest order and no GIL contention.
        # Slow Web API calls run as lazy listeners in background threads, never in the request.
        "worker_class": "sync",
        "preload_app": True,
        "post_fork": lambda _arbiter, _worker: in_each_worker(),
        "proc_name": "policybot",
        # A sync worker reads one request at a time, so a client trickling its body holds the worker:
        # gunicorn replaces a worker busy this long. Slack's requests are answered within 3 s.
        "timeout": REQUEST_SECONDS,
    }
    _Gunicorn(wsgi, options).run()
