"""The fake Bot Framework itself: what it publishes and how it fails, so a Teams test that passes
against it passes for the right reason."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import quote, urlencode

import jwt
import pytest

from tests.fake_bot_framework import APP_ID, APP_PASSWORD, FakeBotFramework, member


@pytest.fixture
def fake():
    fake = FakeBotFramework().start()
    yield fake
    fake.stop()


def _get(url: str, token: str | None = None) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def _bot_token(fake: FakeBotFramework) -> str:
    form = urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": APP_ID,
            "client_secret": APP_PASSWORD,
            "scope": "https://api.botframework.com/.default",
        }
    ).encode()
    with urllib.request.urlopen(urllib.request.Request(fake.token_url, data=form), timeout=5) as response:
        return json.loads(response.read())["access_token"]


def test_its_tokens_verify_against_the_keys_named_by_its_openid_configuration(fake) -> None:
    metadata = _get(fake.openid_url)
    key = jwt.PyJWKClient(metadata["jwks_uri"]).get_signing_key_from_jwt(fake.activity_token())
    claims = jwt.decode(
        fake.activity_token(), key.key, algorithms=["RS256"], audience=APP_ID, issuer=metadata["issuer"]
    )
    assert claims["serviceurl"] == fake.service_url


def test_it_pages_members_and_refuses_connector_calls_without_a_bot_token(fake) -> None:
    channel = "19:slt@thread.tacv2"
    fake.members[channel] = [member(f"29:user{i}", f"User {i}", f"aad-{i}") for i in range(5)]
    base = f"{fake.service_url}v3/conversations/{quote(channel)}/pagedmembers"
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(base)
    assert refused.value.code == 401
    token = _bot_token(fake)
    seen, page = [], _get(base, token)
    seen += page["members"]
    while "continuationToken" in page:
        page = _get(f"{base}?continuationToken={page['continuationToken']}", token)
        seen += page["members"]
    assert [m["id"] for m in seen] == [f"29:user{i}" for i in range(5)]


def test_it_fails_on_demand_with_retry_after(fake) -> None:
    token = _bot_token(fake)
    fake.fail("send", "429", retry_after=7)
    url = f"{fake.service_url}v3/conversations/{quote('a:1x')}/activities"
    request = urllib.request.Request(url, data=b"{}", headers={"Authorization": f"Bearer {token}"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as limited:
        urllib.request.urlopen(request, timeout=5)
    assert limited.value.code == 429 and limited.value.headers["Retry-After"] == "7"
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 201
    assert [c.failed for c in fake.calls] == ["429", None]
