"""`policybot serve --teams`: activities at POST /api/messages behind waitress, readiness at GET /healthz.

Every activity's bearer token is checked (bot/teams/auth.py) before anything is stored or sent; a
request without a valid one gets 401, and one from another Microsoft 365 tenant than the school's
(TEAMS_TENANT_ID) gets 403. Invokes are answered in the HTTP response itself."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from typing import Any

from bot.teams.activities import TeamsActivities
from bot.teams.auth import KeysUnavailable, Unauthorized
from bot.teams.services import TeamsServices
from bot.web_server import StartResponse, first_answer, make_waitress, plain, read_body

log = logging.getLogger(__name__)

MESSAGES_PATH = "/api/messages"
# Teams activities are a few kilobytes; a dialog submission tens.
MAX_BODY_BYTES = 256 * 1024


def _reply(start_response: StartResponse, status: str, body: object = None) -> Iterable[bytes]:
    if body is None:
        start_response(status, [("Content-Length", "0")])
        return [b""]
    data = (body if isinstance(body, str) else json.dumps(body)).encode()
    kind = "text/plain; charset=utf-8" if isinstance(body, str) else "application/json; charset=utf-8"
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(data)))])
    return [data]


_STATUS = {200: "200 OK", 400: "400 Bad Request", 401: "401 Unauthorized", 500: "500 Internal Server Error"}
_OBJECTS = ("from", "conversation", "recipient", "channelData")
_OBJECTS_IN_CHANNEL_DATA = ("channel", "team", "tenant")
_LISTS = ("entities", "membersAdded", "membersRemoved", "attachments")
_STRINGS = ("type", "name", "channelId", "serviceUrl", "id", "text", "replyToId")


class TeamsHttpApp:
    def __init__(self, services: TeamsServices) -> None:
        self.services = services
        self.activities = TeamsActivities(services)
        self.ready = threading.Event()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        answer = first_answer(environ, MESSAGES_PATH, self.ready)
        if answer is not None:
            return plain(start_response, *answer)
        authorization = environ.get("HTTP_AUTHORIZATION")
        if not authorization:
            return _reply(start_response, "401 Unauthorized", "a Bot Framework token is required\n")
        body = read_body(environ, MAX_BODY_BYTES)
        if isinstance(body, tuple):
            return plain(start_response, *body)
        try:
            activity = json.loads(body or b"null")
        except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
            activity = None
        if not isinstance(activity, dict) or not _well_shaped(activity):
            return _reply(start_response, "400 Bad Request", "the body must be a JSON activity\n")
        try:
            self.services.validator.check(authorization, activity.get("serviceUrl"), activity.get("channelId"))
        except Unauthorized as exc:
            # The reason can quote the token's own header (its key id): one line, however it was written.
            log.warning("refused an activity: %s", " ".join(str(exc).split())[:300])
            return _reply(start_response, "401 Unauthorized", "invalid Bot Framework token\n")
        except KeysUnavailable as exc:
            log.error("cannot check tokens: %s", exc)
            return _reply(start_response, "503 Service Unavailable", "cannot check tokens just now\n")
        tenant = self.services.settings.teams_tenant_id
        if tenant and _tenant(activity) != tenant.lower():
            # A genuine Teams activity, but from another organisation's Teams: its sender is nobody the
            # school knows, and its serviceUrl must not become where the bot sends SLT's cards.
            log.warning("ignored an activity from another Microsoft 365 tenant (%s)", _tenant(activity) or "none named")
            return _reply(start_response, "403 Forbidden", "this bot serves one school's Microsoft 365 tenant\n")
        try:
            status, answer_body = self.activities.handle(activity)
        except Exception:
            log.exception("error handling a %s activity", activity.get("type"))
            return _reply(start_response, "500 Internal Server Error", "error\n")
        return _reply(start_response, _STATUS.get(status, f"{status} Status"), answer_body)


def make_server(services: TeamsServices, host: str, port: int, threads: int = 16) -> Any:
    """A waitress server (not yet serving); `.effective_port` is the bound port, `.run()` serves."""
    wsgi = TeamsHttpApp(services)
    server = make_waitress(wsgi, host, port, threads, MAX_BODY_BYTES)
    wsgi.ready.set()
    return server


def _well_shaped(activity: dict) -> bool:
    """Each part a handler reads has the type the Bot Framework gives it, or is absent (or null, as
    some clients send), so no handler trips over a string where an object should be: a signed but
    malformed activity gets 400, not 500."""

    def has(holder: dict, part: str, kind: type) -> bool:
        return isinstance(holder.get(part), kind | type(None))

    if not all(has(activity, part, dict) for part in _OBJECTS):
        return False
    if not all(has(_part(activity, "channelData"), part, dict) for part in _OBJECTS_IN_CHANNEL_DATA):
        return False
    if not all(has(activity, part, list) for part in _LISTS):
        return False
    if not all(isinstance(item, dict) for part in _LISTS for item in activity.get(part) or ()):
        return False
    if not all(has(activity, part, str) for part in _STRINGS):
        return False
    mentions = [e.get("mentioned") for e in activity.get("entities") or () if e.get("type") == "mention"]
    if not all(isinstance(m, dict | type(None)) for m in mentions):
        return False
    conversation = _part(activity, "conversation")
    if conversation and not isinstance(conversation.get("id"), str):  # where every reply would go
        return False
    return has(_part(activity, "from"), "id", str)


def _part(activity: dict, name: str) -> dict:
    return activity.get(name) or {}


def _tenant(activity: dict) -> str:
    """The Microsoft 365 tenant an activity comes from, as Teams names it (lower case), or ""."""
    tenant = _part(_part(activity, "channelData"), "tenant").get("id") or _part(activity, "conversation").get(
        "tenantId"
    )
    return tenant.lower() if isinstance(tenant, str) else ""
