"""`policybot teams package`: the Teams app package to upload in the Teams admin centre."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from bot.cli.common import fail

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("teams", help="Microsoft Teams: build the app package")
    sub = parser.add_subparsers(dest="teams_command", required=True, metavar="COMMAND")
    build = sub.add_parser(
        "package",
        help="build the app package zip (manifest.json and icons) for the Teams admin centre",
        description="Build the Teams app package: manifest.json (schema v1.25) with the bot id from "
        "TEAMS_APP_ID, personal and team scopes, the bot's commands, and the colour and outline icons.",
    )
    build.add_argument("--out", type=Path, default=Path("policybot-teams.zip"), help="where to write the zip")
    build.add_argument("--version", dest="app_version", default="1.0.0", help="the app's version (default 1.0.0)")
    build.add_argument("--website", default=None, help="your school's website (https), shown in the app's details")
    build.add_argument("--privacy", default=None, help="your privacy notice (https)")
    build.add_argument("--terms", default=None, help="your terms of use (https)")
    build.add_argument("--force", action="store_true", help="replace --out if it exists")
    build.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.teams.package import package

    app_id = (os.environ.get("TEAMS_APP_ID") or _from_dotenv("TEAMS_APP_ID") or "").strip()
    if not _GUID.match(app_id):
        return fail("TEAMS_APP_ID: set it to the Microsoft App ID of the Azure Bot (a GUID), then run this again")
    details = {"version": args.app_version}
    for name in ("website", "privacy", "terms"):
        # The school's website stands for the privacy notice and terms it does not give apart
        value = getattr(args, name) or (args.website if name != "website" else None)
        if value is not None:
            if not value.startswith("https://"):
                return fail(f"--{name} must be an https:// address")
            details[name] = value
    if args.out.exists() and not args.force:
        return fail(f"{args.out} already exists; use --force to replace it")
    try:
        args.out.write_bytes(package(app_id, **details))
    except OSError as exc:
        return fail(f"cannot write {args.out}: {exc.strerror or exc}")
    print(f"Wrote {args.out}: upload it in the Teams admin centre (Teams apps > Manage apps > Upload).")
    if args.website is None:
        print(
            "note: the app's details in Teams link to placeholder pages (www.example.com); build it again with "
            "--website (and --privacy, --terms if they are pages of their own) giving your school's pages"
        )
    return 0


def _from_dotenv(name: str) -> str | None:
    from bot.settings import Settings

    try:
        return Settings().teams_app_id if name == "TEAMS_APP_ID" else None
    except Exception:
        return None
