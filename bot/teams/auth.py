"""Who may post to /api/messages: the Bot Connector, proved by its signed JWT.

Checked on every request, before anything is parsed further or stored: the signature (against the
keys named by `jwks_uri` in the OpenID configuration at TEAMS_OPENID_METADATA_URL), the issuer (the
configuration's `issuer`), the audience (our app id), the expiry and not-before (5 minutes' clock
tolerance, as Microsoft's SDKs allow), the `serviceurl` claim against the activity's `serviceUrl`, that
the activity is from Teams (`channelId` msteams), and that the signing key is endorsed for Teams
(`msteams` in the key's `endorsements`): the Bot Framework signs for many channels, and neither a token
minted for Web Chat nor a Web Chat activity (whose sender names itself) may act for a Teams user.

Why PyJWT here and not microsoft-teams-apps' validator: that one derives the keys URL from the
metadata URL by rewriting `/openidconfiguration` to `/keys` instead of reading `jwks_uri`, and comes
with its own async server, so it cannot be pointed at a local stand-in by a metadata URL alone.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

# Clock tolerance for exp/nbf, as botbuilder allows.
LEEWAY_SECONDS = 300
log = logging.getLogger(__name__)

# The Bot Framework rotates keys; the configuration is re-read at least daily (its documented advice).
METADATA_SECONDS = 24 * 3600
# After a failed re-read, what was read before stays in use and the next try is this much later;
# but not for ever: a key Microsoft has since withdrawn must not be trusted through a long outage.
RETRY_SECONDS = 600
STALE_SECONDS = 7 * 24 * 3600
ALGORITHMS = ["RS256", "RS384", "RS512"]
TEAMS_CHANNEL = "msteams"  # the only channel this bot serves


class Unauthorized(Exception):
    """The request's token is missing or does not prove it came from the Bot Connector (401)."""


class KeysUnavailable(Exception):
    """The OpenID configuration or keys could not be read: nothing can be checked (503, Teams retries)."""


class _EndorsedKeys(jwt.PyJWKClient):
    """The keys, remembering which channels each is endorsed for (PyJWK keeps only the key)."""

    def __init__(self, uri: str, timeout: int, before: _EndorsedKeys | None = None) -> None:
        """`before`: the keys read from an earlier address, in use until this one answers."""
        super().__init__(uri, timeout=timeout)
        self.endorsements: dict[str, frozenset[str]] = before.endorsements if before else {}
        self._last: Any = before._last if before else None
        self._last_at: float = before._last_at if before else 0.0

    def fetch_data(self) -> Any:
        try:
            data = super().fetch_data()
            jwt.PyJWKSet.from_dict(data)  # usable keys: a maintenance page or an empty set is no answer
        except (jwt.PyJWKClientError, jwt.PyJWKSetError, ValueError) as exc:
            if self._last is None or time.monotonic() - self._last_at > STALE_SECONDS:
                raise jwt.PyJWKClientConnectionError(f"no usable signing keys at {self.uri}: {exc}") from exc
            # Keys are published well before they sign anything and retired slowly: while Microsoft's
            # key page is unreachable or broken, the set read last still proves who is talking. Cached
            # again, so the page is tried once that copy expires, not at every message.
            log.warning("could not re-read the Bot Framework's signing keys (%s); using those read before", exc)
            if self.jwk_set_cache is not None:
                self.jwk_set_cache.put(self._last)
            return self._last
        self._last, self._last_at = data, time.monotonic()
        keys = data.get("keys") if isinstance(data, dict) else None
        self.endorsements = {
            str(k.get("kid")): frozenset(str(e) for e in k.get("endorsements") or () if isinstance(e, str))
            for k in keys or ()
            if isinstance(k, dict)
        }
        return data


@dataclass
class _Metadata:
    issuer: str
    jwks: _EndorsedKeys
    read_at: float  # when it was read, or is taken to have been (a failed re-read sets the next try)
    fresh_at: float  # when it was last read successfully


class TokenValidator:
    def __init__(self, app_id: str, metadata_url: str, timeout: float = 10.0) -> None:
        self.app_id = app_id
        self.metadata_url = metadata_url
        self.timeout = timeout
        self._metadata: _Metadata | None = None
        self._lock = threading.Lock()
        self._reading = False  # a re-read is under way on another thread

    def _current(self) -> _Metadata:
        with self._lock:
            metadata = self._metadata
            if metadata is not None and time.monotonic() - metadata.read_at <= METADATA_SECONDS:
                return metadata
            if metadata is not None and time.monotonic() - metadata.fresh_at <= STALE_SECONDS:
                # Due to be read again: read on another thread, so no message waits on Microsoft's page
                # (up to the timeout, every retry, while it hangs); this one is checked against the last.
                if not self._reading:
                    self._reading = True
                    threading.Thread(target=self._read_again, name="openid-configuration", daemon=True).start()
                return metadata
        return self._read()  # nothing usable yet: this message waits for it

    def _read_again(self) -> None:
        try:
            self._read()
        except KeysUnavailable as exc:  # only once what was read is over a week old
            log.error("%s", exc)
        finally:
            with self._lock:
                self._reading = False

    def _read(self) -> _Metadata:
        """The configuration read from Microsoft (or the last one, while that fails for under a week)."""
        try:
            response = httpx.get(self.metadata_url, timeout=self.timeout)
            response.raise_for_status()
            document = response.json()
            issuer, jwks_uri = str(document["issuer"]), str(document["jwks_uri"])
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            where = self.metadata_url
            with self._lock:
                if self._metadata is None or time.monotonic() - self._metadata.fresh_at > STALE_SECONDS:
                    raise KeysUnavailable(f"cannot read the OpenID configuration at {where}: {exc}") from exc
                # A day-old configuration (and its keys) is still Microsoft's: an outage of that one page
                # must not turn every message away.
                log.warning("could not re-read the OpenID configuration at %s (%s); using the last one", where, exc)
                self._metadata.read_at = time.monotonic() - METADATA_SECONDS + RETRY_SECONDS
                return self._metadata
        with self._lock:
            before = self._metadata.jwks if self._metadata is not None else None
            if before is not None and before.uri == jwks_uri:
                keys = before  # the same keys, and what was last read of them
            else:
                keys = _EndorsedKeys(jwks_uri, timeout=int(self.timeout), before=before)
            self._metadata = _Metadata(issuer, keys, time.monotonic(), time.monotonic())
            return self._metadata

    def check(self, authorization: str | None, service_url: object, channel_id: object = TEAMS_CHANNEL) -> dict:
        """The token's claims, or Unauthorized saying why (for the log, never shown to the caller)."""
        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthorized("no bearer token")
        token = authorization.removeprefix("Bearer ").strip()
        metadata = self._current()
        try:
            key = metadata.jwks.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            raise KeysUnavailable(f"cannot read the signing keys: {exc}") from exc
        except (jwt.PyJWKClientError, jwt.InvalidTokenError) as exc:
            raise Unauthorized(f"unknown signing key: {exc}") from exc
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                audience=[self.app_id, f"api://{self.app_id}", f"api://botid-{self.app_id}"],
                issuer=metadata.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"invalid token: {exc}") from exc
        claimed = claims.get("serviceurl")
        if not isinstance(claimed, str) or not isinstance(service_url, str):
            raise Unauthorized("no serviceurl claim or no serviceUrl in the activity")
        if claimed.rstrip("/") != service_url.rstrip("/"):
            raise Unauthorized("the token's serviceurl is not the activity's serviceUrl")
        if channel_id != TEAMS_CHANNEL:
            # A Web Chat or Direct Line token, properly signed for its own channel: there the sender
            # names itself (`from.id` is whatever the page says), so it can never speak for a Teams user.
            raise Unauthorized(f"the activity is not from Teams (channel {channel_id!r})")
        if channel_id not in metadata.jwks.endorsements.get(str(key.key_id), frozenset()):
            raise Unauthorized(f"the signing key is not endorsed for the channel {channel_id!r}")
        return claims
