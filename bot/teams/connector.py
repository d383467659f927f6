"""The Bot Connector REST API, as far as policybot uses it: the bot's own token (client credentials
at TEAMS_TOKEN_URL), sending and updating activities, opening a 1:1 chat, and paged members.

Every call raises `ConnectorError` on failure, saying whether it may pass (5xx, 429 with its
Retry-After, a timeout: the connector may have taken the message) so the outbox runner and the
interactive paths each decide what to do.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

SCOPE = "https://api.botframework.com/.default"
# Renew the bot's token this long before it expires.
TOKEN_MARGIN_SECONDS = 300
_MAX_MEMBER_PAGES = 100  # of 500 members: 50,000, more than any school's team


@dataclass
class ConnectorError(Exception):
    status: int | None  # None: no answer (timeout, refused connection)
    detail: str
    retry_after: float | None = None
    timed_out: bool = False

    def __str__(self) -> str:
        return f"{self.status or 'no answer'}: {self.detail}"

    @property
    def transient(self) -> bool:
        return self.status is None or self.status == 429 or self.status >= 500 or self.status == 401


class BotToken:
    """The bot's outgoing token, fetched once and renewed before it runs out."""

    def __init__(self, token_url: str, app_id: str, password: str, timeout: float) -> None:
        self.token_url = token_url
        self.app_id = app_id
        self.password = password
        self.timeout = timeout
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def get(self, renew: bool = False) -> str:
        with self._lock:
            if renew or self._token is None or time.monotonic() > self._expires - TOKEN_MARGIN_SECONDS:
                self._token, self._expires = self._fetch()
            return self._token

    def _fetch(self) -> tuple[str, float]:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.app_id,
            "client_secret": self.password,
            "scope": SCOPE,
        }
        try:
            response = httpx.post(self.token_url, data=form, timeout=self.timeout)
        except httpx.TimeoutException as exc:
            raise ConnectorError(None, f"token endpoint timed out: {exc}", timed_out=True) from exc
        except httpx.HTTPError as exc:
            raise ConnectorError(None, f"token endpoint unreachable: {exc}") from exc
        if response.status_code != 200:
            raise ConnectorError(
                response.status_code,
                f"the token endpoint refused the bot's credentials ({_short(response)}); "
                "check TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID",
            )
        body = response.json()
        return str(body["access_token"]), time.monotonic() + float(body.get("expires_in", 3600))


def _short(response: httpx.Response) -> str:
    return response.text[:200].replace("\n", " ")


class Connector:
    def __init__(self, token: BotToken, timeout: float) -> None:
        self.token = token
        self.timeout = timeout
        self._client = httpx.Client(timeout=timeout)

    def _call(self, method: str, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self.token.get(renew=attempt == 2)}"}
            try:
                response = self._client.request(method, url, json=body, headers=headers)
            except httpx.TimeoutException as exc:
                raise ConnectorError(None, f"timed out: {exc}", timed_out=True) from exc
            except httpx.HTTPError as exc:
                raise ConnectorError(None, f"unreachable: {exc}") from exc
            if response.status_code == 401 and attempt == 1:
                continue  # the token was revoked or rotated early: one fresh token, then give up
            if response.status_code >= 400:
                retry_after = None
                if response.status_code == 429:
                    try:
                        retry_after = float(response.headers.get("Retry-After") or 1)
                    except ValueError:
                        retry_after = 1.0
                raise ConnectorError(response.status_code, _short(response), retry_after)
            # 201 with a ResourceResponse, or 202 / 200 with no body
            try:
                return response.json() if response.content else {}
            except ValueError:
                return {}
        raise AssertionError("unreachable")

    @staticmethod
    def _conversation_url(service_url: str, conversation_id: str) -> str:
        return f"{service_url.rstrip('/')}/v3/conversations/{quote(conversation_id, safe='')}"

    def send(self, service_url: str, conversation_id: str, activity: dict[str, Any]) -> str | None:
        """Post an activity; the new message's id (None when the connector answered 202 without one)."""
        body = self._call("POST", f"{self._conversation_url(service_url, conversation_id)}/activities", activity)
        return str(body["id"]) if body.get("id") else None

    def update(self, service_url: str, conversation_id: str, activity_id: str, activity: dict[str, Any]) -> None:
        url = f"{self._conversation_url(service_url, conversation_id)}/activities/{quote(activity_id, safe='')}"
        self._call("PUT", url, {**activity, "id": activity_id})

    def open_personal_chat(self, service_url: str, user_id: str, tenant_id: str | None) -> str:
        """The 1:1 conversation with a user (created, or the existing one returned)."""
        bot = {"id": f"28:{self.token.app_id}"}
        body: dict[str, Any] = {"isGroup": False, "members": [{"id": user_id}], "bot": bot}
        if tenant_id:
            body["tenantId"] = tenant_id
            body["channelData"] = {"tenant": {"id": tenant_id}}
        answer = self._call("POST", f"{service_url.rstrip('/')}/v3/conversations", body)
        return str(answer["id"])

    def members(self, service_url: str, conversation_id: str) -> list[dict[str, Any]]:
        """Every member of a channel's conversation (a private channel: its own members), page by page."""
        url = f"{self._conversation_url(service_url, conversation_id)}/pagedmembers?pageSize=500"
        found: list[dict[str, Any]] = []
        page = self._call("GET", url)
        found += page.get("members") or []
        followed: set[str] = set()
        while page.get("continuationToken"):
            token = str(page["continuationToken"])
            if token in followed or len(followed) >= _MAX_MEMBER_PAGES:
                # A connector giving pages without end would hold the click that asked forever.
                raise ConnectorError(502, "the connector's pages of members did not end")
            followed.add(token)
            page = self._call("GET", f"{url}&continuationToken={quote(token, safe='')}")
            found += page.get("members") or []
        return found
