"""Someone removed from the school's team in Teams (`conversationUpdate`, `membersRemoved`, event
`teamMemberRemoved`; Teams also sends it when a person is deleted from the tenant): Teams' equivalent
of Slack's deactivated user. The same core call as Slack's `user_change` (`user_left`) finds the
official accounts they led or moderated and queues one alert to SLT per account.

"The school's team" is the team that holds the SLT channel, learned from any activity in that channel
(bot/teams/activities.py remembers it). A removal from another team the bot is in (a class team) is
not a departure. Until an activity from the SLT channel has been seen the team is unknown, and a
removal from any team counts: a needless alert can be checked, a missed one leaves an account
without its lead.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from bot.store.conversation_refs import ConversationRef
from bot.teams.services import TeamsServices

log = logging.getLogger(__name__)

REMOVED = "teamMemberRemoved"


def slt_team_key(channel: str) -> str:
    return f"team-of:{channel}"


def remember_slt_team(services: TeamsServices, activity: dict[str, Any]) -> None:
    """An activity from the SLT channel names its team: kept, to tell the school's team from others."""
    channel_data = activity.get("channelData") or {}
    channel = (channel_data.get("channel") or {}).get("id")
    team = (channel_data.get("team") or {}).get("id")
    slt = services.settings.teams_slt_channel
    if slt and channel == slt and isinstance(team, str) and team:
        services.refs.remember(slt_team_key(slt), ConversationRef(team, str(activity.get("serviceUrl") or "")))


def remember_entra_id(services: TeamsServices, user: str, entra: str) -> None:
    """A person's Entra object id beside their Teams id, for a removal that arrives without it."""
    services.refs.remember(f"entra:{user}", ConversationRef(entra, ""))


def _ids(services: TeamsServices, member: dict[str, Any]) -> set[str]:
    """Leads and moderators are stored as the people picker gives them (Entra object ids): the removed
    person's, sent with the removal or remembered from their messages, and their Teams id as well."""
    teams_id, entra = member.get("id"), member.get("aadObjectId")
    if not isinstance(entra, str) and isinstance(teams_id, str):
        known = services.refs.get(f"entra:{teams_id}")
        entra = known.conversation if known else None
    return {i for i in (teams_id, entra) if isinstance(i, str) and i}


def removed_from_team(services: TeamsServices, activity: dict[str, Any]) -> None:
    channel_data = activity.get("channelData") or {}
    team = (channel_data.get("team") or {}).get("id")
    if channel_data.get("eventType") != REMOVED or not isinstance(team, str):
        return  # a group chat's or a meeting's members: nothing to do with the school's staff
    slt = services.settings.teams_slt_channel or ""
    school_team = services.refs.get(slt_team_key(slt))
    if school_team is not None and school_team.conversation != team:
        return
    bot = f"28:{services.app_id}"
    affected = 0
    try:
        for member in activity.get("membersRemoved") or []:
            if not isinstance(member, dict) or member.get("id") == bot:
                continue
            for person in _ids(services, member):
                affected += len(services.applications.user_left(person))
    except sqlite3.Error as exc:
        log.warning("could not check a departure against the register (%s)", exc)
    if affected:
        log.info("someone removed from the team led or moderated %d official account(s); SLT alerted", affected)
        services.wake_outbox()
