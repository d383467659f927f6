"""`policybot serve`: run the Slack app (Socket Mode by default, or HTTP with --http)."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

from bot.cli.common import book, fail

if TYPE_CHECKING:  # Slack libraries are imported only when serving
    from slack_bolt import App

    from bot.slack.services import Services


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "serve",
        help="run the Slack app",
        description="Run the Slack app. Socket Mode (needs SLACK_APP_TOKEN, no public URL) unless --http, "
        "which serves Slack requests at /slack/events and readiness at /healthz.",
    )
    parser.add_argument("--http", action="store_true", help="serve HTTP instead of Socket Mode")
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on with --http (default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=3000, help="port to listen on with --http (default 3000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="with --http: server processes, one per CPU core for the most answers a second "
        "(default 1; more than 1 needs Linux or macOS)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.settings import SettingsError, load_settings

    if args.workers < 1:
        return fail("--workers must be 1 or more")
    if args.workers > 1 and not args.http:
        return fail("--workers needs --http (Socket Mode runs one process)")
    try:
        settings = load_settings(http=args.http, known_schools=book().school_ids())
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"policybot: {problem}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Slack's own libraries log request bodies at debug; keep them at warning so reports stay private.
    logging.getLogger("slack_bolt").setLevel(logging.WARNING)
    logging.getLogger("slack_sdk").setLevel(logging.WARNING)
    logging.getLogger("policybot.bolt").setLevel(logging.WARNING)
    # waitress warns on every queued request under load; the queue is expected, not a fault.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    from bot.slack.app import build_app
    from bot.slack.services import build_services

    try:
        services = build_services(settings)
    except Exception as exc:  # a broken knowledge base or database path: say which, don't trace
        return fail(f"cannot start: {exc}")
    app = build_app(services)
    if args.http:
        return _serve_http(app, services, args)
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    services.start_background()
    logging.getLogger("policybot").info("connecting to Slack in Socket Mode")
    SocketModeHandler(app, settings.slack_app_token).start()
    return 0


def _serve_http(app: App, services: Services, args: argparse.Namespace) -> int:
    log = logging.getLogger("policybot")
    secret = services.settings.slack_signing_secret or ""
    if args.workers > 1:
        try:
            from bot.slack.http_workers import serve_workers
        except ImportError as exc:  # gunicorn does not run on Windows
            return fail(f"--workers needs gunicorn, which runs on Linux and macOS ({exc})")
        log.info("serving HTTP with %d workers (Slack requests at /slack/events)", args.workers)
        serve_workers(app, secret, args.host, args.port, args.workers, in_each_worker=services.start_background)
        return 0
    from bot.slack.http_server import make_server

    server = make_server(app, secret, args.host, args.port)
    services.start_background()
    log.info("serving HTTP on %s:%s (Slack requests at /slack/events)", args.host, server.effective_port)
    try:
        server.run()
    finally:
        server.close()
    return 0
