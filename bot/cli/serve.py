"""`policybot serve`: run the Slack app (Socket Mode by default, or HTTP with --http), the Teams bot
(--teams), or both in one process on one database (--slack --teams)."""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING, Any

from bot.cli.common import CliError, book, fail, one_line_each

if TYPE_CHECKING:  # Slack libraries are imported only when serving
    from slack_bolt import App

    from bot.settings import Settings
    from bot.slack.services import Services
    from bot.store.database import Database
    from bot.teams.services import TeamsServices

TEAMS_PORT = 3978


def _configure_logging() -> None:
    """The same log lines for every way of serving."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Slack's own libraries log request bodies at debug, httpx every request URL at info: keep them at
    # warning so reports stay private and the log readable.
    for name in ("slack_bolt", "slack_sdk", "policybot.bolt", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # waitress warns on every queued request under load; the queue is expected, not a fault.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def _announce(settings: Settings, warnings: list[str] | None = None) -> None:
    """Once it can start: what it serves (a wrong database or folder shows at once), and what it should
    be told (a channel not set)."""
    from bot.settings import start_line

    # A misspelt setting was said already, on standard error, when the settings were read (cli/common.py)
    log = logging.getLogger("policybot")
    log.info("starting: %s", start_line(settings))
    for line in warnings or []:
        log.warning("%s", line)


def _stop_on_signals(db: Database, platforms: tuple[str, ...]) -> None:
    """systemd stops the bot with SIGTERM: say so in the log, and what this process still had to send for
    `platforms` (it is kept, and sent at the next start). Without this the process ended without a line,
    like a crash. A signal the process was started to ignore (`nohup`'s SIGHUP) stays ignored."""
    import signal
    import sqlite3

    from bot.store.outbox import Outbox

    def stop(signum: int, _frame: object) -> None:
        try:
            waiting = Outbox(db).waiting(platforms)
        except sqlite3.Error:
            waiting = 0
        kept = f"; {waiting} message(s) not yet sent are kept and sent at the next start" if waiting else ""
        logging.getLogger("policybot").info("stopping: %s received%s", signal.Signals(signum).name, kept)
        raise SystemExit(0)

    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        number = getattr(signal, name, None)  # Windows has no SIGHUP
        if number is not None and signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, stop)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; give a number from 1 to 65535 (0: any free port)")
    return port


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "serve",
        help="run the bot: Slack (Socket Mode, or --http), Teams (--teams), or both (--slack --teams)",
        description="Run the bot. For Slack: Socket Mode (needs SLACK_APP_TOKEN, no public URL) unless --http, "
        "which serves Slack requests at /slack/events and readiness at /healthz. For Teams (--teams): Bot "
        "Framework requests at /api/messages. --slack --teams serves both from one process and one database.",
    )
    parser.add_argument(
        "--slack", action="store_true", help="run the Slack app (the default); with --teams, both in one process"
    )
    parser.add_argument("--http", action="store_true", help="serve Slack over HTTP instead of Socket Mode")
    parser.add_argument(
        "--teams",
        action="store_true",
        help="run the Microsoft Teams bot: activities at /api/messages, readiness at /healthz "
        "(default port 3978; see docs/teams.md); instead of Slack, or beside it with --slack",
    )
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on with --http (default 0.0.0.0)")
    parser.add_argument(
        "--port",
        type=_port,
        default=None,
        help="port to listen on with --http or --teams, 1-65535 (default 3000, Teams 3978; 0: any free port); "
        "with --slack --teams, Slack's (--http only)",
    )
    parser.add_argument(
        "--teams-port",
        type=_port,
        default=None,
        help="with --slack --teams: the Teams bot's port (default 3978), beside Slack's",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="with --http: server processes, one per CPU core for the most answers a second "
        "(default 1; more than 1 needs Linux or macOS)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.settings import SettingsError, load_settings, slack_warnings

    if args.teams and args.slack:
        return _serve_both(args)
    if args.teams:
        if args.http or args.workers != 1:
            return fail("--teams serves HTTP in one process; leave out --http and --workers (or add --slack)")
        if args.port is None:
            args.port = args.teams_port
        return _serve_teams(args)
    if args.teams_port is not None:
        return fail("--teams-port is for --teams; add --teams (with --slack to serve both)")
    if not args.http and args.port is not None:  # Socket Mode listens on nothing: the port would be ignored
        return fail("--port is for --http (Socket Mode needs no port); add --http, or leave out --port")
    if args.port is None:
        args.port = 3000
    if args.workers < 1:
        return fail("--workers must be 1 or more")
    if args.workers > 1 and not args.http:
        return fail("--workers needs --http (Socket Mode runs one process)")
    try:
        settings = load_settings(http=args.http, known_schools=book().school_ids())
    except SettingsError as exc:
        return fail(one_line_each(exc.problems))
    _configure_logging()

    from bot.slack.app import build_app
    from bot.slack.services import PLATFORM, build_services

    try:
        services = build_services(settings)
    except Exception as exc:  # a broken knowledge base or database path: say which, don't trace
        return fail(f"cannot start: {exc}")
    _announce(settings, slack_warnings(settings))
    if args.workers == 1:  # gunicorn's arbiter handles the signals of --workers and logs them itself
        _stop_on_signals(services.db, (PLATFORM,))
    app = build_app(services)
    if args.http:
        return _serve_http(app, services, args)
    return _serve_socket_mode(app, services)


def _serve_socket_mode(app: App, services: Services, teams_serving: bool = False) -> int:
    """`teams_serving`: Teams is served by this process too, and must not stop because Slack refuses
    its token: the error is logged, and Teams goes on."""
    import threading

    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.slack.socket_mode import SocketModeTokenError, connect, socket_mode_web_client

    services.start_background()
    logging.getLogger("policybot").info("connecting to Slack in Socket Mode")
    handler = SocketModeHandler(app, services.settings.slack_app_token, web_client=socket_mode_web_client(services))
    try:
        connect(handler)
    except SocketModeTokenError as exc:
        if not teams_serving:
            return fail(str(exc))
        logging.getLogger("policybot").error("%s; Slack is not served, Teams goes on", exc)
        threading.Event().wait()
        return 0
    logging.getLogger("policybot").info("connected to Slack in Socket Mode; serving")
    threading.Event().wait()  # slack_sdk's threads serve and reconnect; this one waits for SIGTERM
    return 0


def _serve_http(app: App, services: Services, args: argparse.Namespace) -> int:
    log = logging.getLogger("policybot")
    secret = services.settings.slack_signing_secret or ""
    if args.workers > 1:
        try:
            from bot.slack.http_workers import serve_workers
        except ImportError as exc:  # gunicorn does not run on Windows
            return fail(f"--workers needs gunicorn, which runs on Linux and macOS ({exc})")
        problem = _cannot_listen(args.host, args.port)
        if problem:
            return fail(problem)
        log.info("serving HTTP with %d workers (Slack requests at /slack/events)", args.workers)
        serve_workers(app, secret, args.host, args.port, args.workers, in_each_worker=services.start_background)
        return 0
    from bot.slack.http_server import make_server

    try:
        server = make_server(app, secret, args.host, args.port)
    except OSError as exc:  # in use, a privileged port, an unknown host
        return fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    services.start_background()
    log.info("serving HTTP on %s:%s (Slack requests at /slack/events)", args.host, server.effective_port)
    try:
        server.run()
    finally:
        server.close()
    return 0


def _serve_teams(args: argparse.Namespace) -> int:
    from bot.settings import SettingsError, load_teams_settings

    try:
        settings = load_teams_settings(known_schools=book().school_ids())
    except SettingsError as exc:
        return fail(one_line_each(exc.problems))
    _configure_logging()

    from bot.teams.services import PLATFORM, build_services

    try:
        services = build_services(settings)
    except Exception as exc:  # a broken knowledge base or database path: say which, don't trace
        return fail(f"cannot start: {exc}")
    from bot.settings import teams_warnings

    _announce(settings, teams_warnings(settings))
    _stop_on_signals(services.db, (PLATFORM,))
    server = _teams_server(services, args.host, TEAMS_PORT if args.port is None else args.port)
    try:
        server.run()
    finally:
        server.close()
    return 0


def _teams_server(services: TeamsServices, host: str, port: int) -> Any:
    """Teams' HTTP server bound to host:port (not yet serving), with its outbox runner started; a port
    that cannot be had is one line (CliError), as for Slack."""
    from bot.teams.http_server import make_server

    try:
        server = make_server(services, host, port)
    except OSError as exc:  # in use, a privileged port, an unknown host
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    services.start_background()
    logging.getLogger("policybot").info(
        "serving Teams on %s:%s (activities at /api/messages)", host, server.effective_port
    )
    return server


def _serve_both(args: argparse.Namespace) -> int:
    """Slack and Teams in one process on one database: one core (database, policy index), each
    platform's adapter and outbox runner, which sends only that platform's notifications. Teams listens
    on its own port (waitress serves one platform's path per server); Slack in Socket Mode needs none."""
    import threading

    if args.workers != 1:
        return fail("--slack --teams runs one process; leave out --workers (or serve Slack and Teams separately)")
    if args.port is not None and not args.http:
        return fail("--port is Slack's HTTP port; in Socket Mode give Teams' port as --teams-port")
    settings = _both_settings(args.http)
    if settings is None:
        return 2
    from bot.settings import slack_warnings, teams_warnings

    _configure_logging()

    from bot.slack.app import build_app
    from bot.slack.services import PLATFORM as SLACK
    from bot.slack.services import build_services
    from bot.teams.services import PLATFORM as TEAMS
    from bot.teams.services import build_services as build_teams_services
    from bot.wiring import core_parts

    try:
        core = core_parts(settings)
        slack = build_services(settings, core=core)
        teams = build_teams_services(settings, core=core)
    except Exception as exc:  # a broken knowledge base or database path: say which, don't trace
        return fail(f"cannot start: {exc}")
    _announce(settings, [*slack_warnings(settings), *teams_warnings(settings)])
    _stop_on_signals(slack.db, (SLACK, TEAMS))
    teams_server = _teams_server(teams, args.host, TEAMS_PORT if args.teams_port is None else args.teams_port)
    threading.Thread(target=teams_server.run, name="teams-http", daemon=True).start()
    app = build_app(slack)
    if args.http:
        if args.port is None:
            args.port = 3000
        return _serve_http(app, slack, args)
    return _serve_socket_mode(app, slack, teams_serving=True)


def _both_settings(http: bool) -> Settings | None:
    """The settings both platforms need, or None once every problem of either is printed."""
    from bot.settings import SettingsError, load_settings, load_teams_settings

    schools = book().school_ids()
    problems: list[str] = []
    settings = None
    for load in (
        lambda: load_settings(http=http, known_schools=schools),
        lambda: load_teams_settings(known_schools=schools),
    ):
        try:
            settings = load()
        except SettingsError as exc:
            problems += [p for p in exc.problems if p not in problems]
    if problems:
        fail(one_line_each(problems))
    return None if problems else settings


def _cannot_listen(host: str, port: int) -> str | None:
    """Why gunicorn could not bind, asked before it starts: it would retry for 5 s and exit with a
    log line that does not name the port."""
    import socket

    try:
        with socket.create_server((host, port), reuse_port=False) as probe:
            probe.close()
    except OSError as exc:
        return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None
