"""Stored times (UTC, ISO 8601) as each reader should see them: in their own time zone, so a report
made at 00:30 in British Summer Time is not dated the day before.

Slack and Teams each have a token the app renders in the reader's zone (Slack's `<!date>`, Teams'
`{{DATE()}}` / `{{TIME()}}`); the terminal shows the server's local time, with its zone named.
"""

from __future__ import annotations

import datetime as dt


def _parsed(iso: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # stored without a zone: UTC


def local(iso: str | None, with_time: bool = True) -> str:
    """For the terminal: '2026-06-01 00:30 BST' on a server in UK time."""
    moment = _parsed(iso) if iso else None
    if moment is None:
        return iso or ""
    shown = moment.astimezone()
    return shown.strftime("%Y-%m-%d %H:%M %Z" if with_time else "%Y-%m-%d")


def slack(iso: str | None, with_time: bool = True) -> str:
    """Slack's date token: each reader sees the moment in their own zone; the ISO text where it cannot."""
    moment = _parsed(iso) if iso else None
    if moment is None:
        return iso or ""
    shape = "{date_short_pretty} {time}" if with_time else "{date_short_pretty}"
    return f"<!date^{int(moment.timestamp())}^{shape}|{iso}>"


def teams(iso: str | None, with_time: bool = True) -> str:
    """Adaptive Cards' date and time functions, which Teams renders in the reader's zone and language."""
    moment = _parsed(iso) if iso else None
    if moment is None:
        return iso or ""
    stamp = moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{{{{DATE({stamp}, SHORT)}}}} {{{{TIME({stamp})}}}}" if with_time else f"{{{{DATE({stamp}, SHORT)}}}}"


def utc(iso: str | None, with_time: bool = True) -> str:
    """Where no reader's zone can be used (a Teams fact, which takes no date function): UTC, said so."""
    moment = _parsed(iso) if iso else None
    if moment is None:
        return iso or ""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d")
