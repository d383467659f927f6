"""User-specific views (Adaptive Card universal actions): a card posted to a channel is the read-only
version everyone sees; its `refresh` clause names the people whose Teams client asks the bot, on
opening the card, for their own version (an `adaptiveCard/action` invoke with the refresh verb). The
bot answers each of them with the version their roles allow at that moment, so buttons are shown
only to people who may press them.

`userIds` is only who is asked automatically; what each person sees is decided when they ask, with
their roles read fresh. Teams takes at most 60 ids; anyone beyond them (or anyone, when the members
could not be read) can still choose Refresh on the message and gets the same honest answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from microsoft_teams.cards import ExecuteAction, RefreshDefinition

from bot.teams.connector import ConnectorError
from bot.teams.roles import TeamsRoles

log = logging.getLogger(__name__)

MAX_USER_IDS = 60  # Teams' limit on `refresh.userIds`


def refresh(verb: str, data: dict[str, Any], user_ids: Iterable[str]) -> RefreshDefinition:
    """The card's refresh clause: `verb` with `data` comes back when a named person opens the card."""
    chosen = list(dict.fromkeys(user_ids))[:MAX_USER_IDS]
    return RefreshDefinition(action=ExecuteAction(title="Refresh", verb=verb, data=data), user_ids=chosen)


def channel_viewers(roles: TeamsRoles, channel: str | None) -> list[str]:
    """The members of `channel` to refresh automatically, sorted so the card does not change from one
    drawing to the next; none when Teams cannot be asked (manual Refresh still works)."""
    if not channel:
        return []
    try:
        members = roles.members(channel)
    except ConnectorError as exc:
        log.warning("could not list %s for a user-specific view: %s", channel, exc)
        return []
    return sorted(members)
