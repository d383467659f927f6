"""manifest.yml is a valid Slack app manifest, checked offline against Slack's own JSON schema."""

from __future__ import annotations

import json

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from tests.conftest import FIXTURES, REPO

_REMOTE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.{}.json"


def _validator() -> Draft7Validator:
    registry = Registry()
    for version in ("1.0.0", "2.0.0"):
        schema = json.loads((FIXTURES / f"manifest.schema.{version}.json").read_text())
        registry = registry.with_resource(_REMOTE.format(version), Resource.from_contents(schema))
    top = json.loads((FIXTURES / "manifest.schema.json").read_text())
    return Draft7Validator(top, registry=registry)


def test_the_schema_setup_tells_valid_from_invalid() -> None:
    validator = _validator()
    for version in ("v1", "v2"):
        valid = json.loads((FIXTURES / f"manifest.example.{version}.valid.json").read_text())
        invalid = json.loads((FIXTURES / f"manifest.example.{version}.invalid.json").read_text())
        assert list(validator.iter_errors(valid)) == []
        assert list(validator.iter_errors(invalid)) != []


def test_manifest_is_valid() -> None:
    manifest = yaml.safe_load((REPO / "manifest.yml").read_text())
    errors = [f"{list(e.path)}: {e.message}" for e in _validator().iter_errors(manifest)]
    assert errors == []


def test_manifest_has_the_three_commands_socket_mode_and_app_home() -> None:
    manifest = yaml.safe_load((REPO / "manifest.yml").read_text())
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == {"/policy", "/report-misuse", "/request-account"}
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {"commands", "chat:write", "groups:read", "groups:history", "users:read"}
