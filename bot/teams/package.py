"""The Teams app package: manifest.json (schema v1.25), a 192x192 colour icon and a 32x32 white
outline icon, zipped flat, for upload in the Teams admin centre (docs/teams.md)."""

from __future__ import annotations

import io
import json
import zipfile
from importlib.resources import files
from typing import Any

MANIFEST_VERSION = "1.25"
SCHEMA_URL = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.25/MicrosoftTeams.schema.json"
ACCENT = "#1F4E79"

COMMANDS = (
    ("help", "How to ask, with examples"),
    ("report misuse", "Report misuse of social media to SLT in confidence"),
    ("my reports", "Where your misuse reports are (and, for SLT, the open reports)"),
    ("request account", "Apply for an official school social-media account"),
    ("my applications", "Where your official account applications are"),
    ("register", "The register of official accounts (SLT and the administrator)"),
    ("can I accept a friend request from a parent?", "Ask about the social media policy"),
)


def manifest(
    app_id: str,
    *,
    version: str = "1.0.0",
    developer: str = "policybot",
    website: str = "https://www.example.com/policybot",
    privacy: str = "https://www.example.com/policybot/privacy",
    terms: str = "https://www.example.com/policybot/terms",
) -> dict[str, Any]:
    """The app manifest; the app's id is the bot's id (TEAMS_APP_ID), as Teams expects for a bot-only app."""
    commands = [{"title": title[:32], "description": description[:128]} for title, description in COMMANDS]
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {"name": developer, "websiteUrl": website, "privacyUrl": privacy, "termsOfUseUrl": terms},
        "name": {"short": "policybot", "full": "policybot: the school's social media policy"},
        "description": {
            "short": "Answers staff questions from the school's social media policy.",
            "full": "Ask policybot about the school's social media policy in a 1:1 chat, or @mention it in a "
            "channel and it answers you privately. It quotes the clause, its section and the policy's dates, "
            "and sends a question it cannot answer to the Senior Leadership Team, whose reply comes back to you.",
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal", "team"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": ["personal"], "commands": commands},
                    {"scopes": ["team"], "commands": commands},
                ],
            }
        ],
        # Channel messages without an @mention (SLT replying in a question's thread) reach the bot only
        # with this resource-specific consent, granted when the app is added to the team.
        "authorization": {
            "permissions": {
                "resourceSpecific": [{"name": "ChannelMessage.Read.Group", "type": "Application"}],
            }
        },
        "validDomains": [],
    }


def icon(name: str) -> bytes:
    return (files("bot.teams") / "icons" / name).read_bytes()


def package(app_id: str, **details: str) -> bytes:
    """The zip to upload: manifest.json and the two icons at its top level."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest(app_id, **details), indent=2))
        archive.writestr("color.png", icon("color.png"))
        archive.writestr("outline.png", icon("outline.png"))
    return buffer.getvalue()
