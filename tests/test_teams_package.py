"""`policybot teams package` builds a zip the Teams admin centre accepts: manifest.json valid against
the v1.25 schema (checked offline), the bot id from TEAMS_APP_ID, personal and team scopes, the
commands, and icons of the sizes Teams requires."""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile

import jsonschema
from PIL import Image

from tests.cli import POLICYBOT
from tests.conftest import SHARED

SCHEMA = SHARED / "fixtures" / "teams" / "manifest-schema" / "MicrosoftTeams.v1.25.schema.json"
APP_ID = "00000000-0000-0000-0000-0000000000a1"


def _run(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TEAMS_", "POLICYBOT_", "SLACK_"))}
    return subprocess.run(
        [*POLICYBOT, "teams", "package", *args],
        env={**clean, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_package_is_valid_against_the_v1_25_schema(tmp_path) -> None:
    result = _run(tmp_path, "--out", "app.zip", "--website", "https://dobcroft.example.sch.uk", TEAMS_APP_ID=APP_ID)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "app.zip") as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        color = Image.open(io.BytesIO(archive.read("color.png")))
        outline = Image.open(io.BytesIO(archive.read("outline.png")))
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(manifest)
    assert manifest["manifestVersion"] == "1.25"
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID and manifest["id"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team"}
    titles = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert {"help", "report misuse", "my reports", "request account", "my applications", "register"} <= set(titles)
    assert manifest["developer"]["websiteUrl"] == "https://dobcroft.example.sch.uk"
    # The school's own site for the privacy notice and terms it did not give apart, never a placeholder
    assert manifest["developer"]["privacyUrl"] == manifest["developer"]["termsOfUseUrl"] == "https://dobcroft.example.sch.uk"
    assert "placeholder" not in result.stdout
    assert color.size == (192, 192) and outline.size == (32, 32)
    # the outline icon is white on transparent, as Teams requires
    raw = outline.convert("RGBA").tobytes()
    pixels = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]
    assert {pixel[:3] for pixel in pixels if pixel[3]} == {(255, 255, 255)}


def test_without_an_app_id_it_says_what_to_set(tmp_path) -> None:
    result = _run(tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().startswith("policybot: TEAMS_APP_ID") and "Traceback" not in result.stderr


def test_without_a_website_it_says_the_links_are_placeholders_and_keeps_an_old_package(tmp_path) -> None:
    result = _run(tmp_path, "--out", "app.zip", TEAMS_APP_ID=APP_ID)
    assert result.returncode == 0, result.stderr
    assert "placeholder pages" in result.stdout and "--website" in result.stdout
    again = _run(tmp_path, "--out", "app.zip", TEAMS_APP_ID=APP_ID)
    assert again.returncode == 2 and "app.zip already exists; use --force" in again.stderr
    assert _run(tmp_path, "--out", "app.zip", "--force", TEAMS_APP_ID=APP_ID).returncode == 0
