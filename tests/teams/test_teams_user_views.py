"""The refresh clause of a user-specific view: whose Teams client asks for its own version of a card.
Teams takes at most 60 ids; the clause must stay the same from one drawing to the next."""

from __future__ import annotations

from microsoft_teams.cards import AdaptiveCard, RefreshDefinition

from bot.teams.cards import _dump
from bot.teams.user_views import MAX_USER_IDS, refresh


def test_at_most_60_people_are_asked_automatically_and_nobody_twice() -> None:
    people = [f"29:1person{n:03d}" for n in range(75)]
    clause = _dump_refresh(refresh("application_view", {"ref": "AR-0001"}, people + people[:5]))
    assert MAX_USER_IDS == 60
    assert clause["userIds"] == people[:60]
    assert clause["action"] == {"type": "Action.Execute", "title": "Refresh", "verb": "application_view",
                                "data": {"ref": "AR-0001"}}


def test_nobody_named_means_refresh_by_hand_only() -> None:
    assert _dump_refresh(refresh("report_view", {"ref": "MR-0001"}, []))["userIds"] == []


def _dump_refresh(clause: RefreshDefinition) -> dict:
    return _dump(AdaptiveCard(version="1.5", body=[], refresh=clause))["refresh"]
