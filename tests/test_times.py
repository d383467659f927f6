"""Times as staff read them: a report made at 00:30 in British Summer Time is dated that day, not the
day before, wherever it is shown."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from bot.render import times

STORED = "2026-06-01T23:30:00+00:00"  # what the database holds: UTC


@pytest.fixture
def uk_server() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/London"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_the_terminal_shows_the_server_s_own_time_and_names_its_zone(uk_server: None) -> None:
    assert times.local(STORED) == "2026-06-02 00:30 BST"
    assert times.local("2026-12-01T09:05:00+00:00") == "2026-12-01 09:05 GMT"
    assert times.local(STORED, with_time=False) == "2026-06-02"


def test_slack_and_teams_get_the_moment_for_each_reader_s_own_zone() -> None:
    assert times.slack(STORED) == "<!date^1780356600^{date_short_pretty} {time}|2026-06-01T23:30:00+00:00>"
    assert times.teams(STORED) == "{{DATE(2026-06-01T23:30:00Z, SHORT)}} {{TIME(2026-06-01T23:30:00Z)}}"
    assert times.utc(STORED) == "2026-06-01 23:30 UTC"  # where a card cannot localise, it says UTC


def test_no_time_shows_nothing_and_a_malformed_one_shows_as_stored() -> None:
    assert times.local(None) == times.slack(None) == times.teams(None) == ""
    assert times.local("sometime") == "sometime"
