"""Who is SLT, DSL or an administrator in Teams: the members of that channel's conversation, read
through the Bot Connector's paged members API (every page, following `continuationToken`).

Asked fresh before every change (no cache): someone removed from the SLT channel a moment ago cannot
act. If the connector cannot be asked, the answer is "no": refusing is the safe failure.
"""

from __future__ import annotations

import logging

from bot.cases.records import Actor
from bot.teams.connector import ConnectorError
from bot.teams.services import TeamsServices

log = logging.getLogger(__name__)


class TeamsRoles:
    def __init__(self, services: TeamsServices) -> None:
        self.services = services

    def members(self, channel: str) -> frozenset[str]:
        ref = self.services.channel_ref(channel)
        if ref is None:
            raise ConnectorError(None, "no serviceUrl known yet")
        found = self.services.connector.members(ref.service_url, channel)
        return frozenset(str(m.get("id")) for m in found if isinstance(m, dict) and m.get("id"))

    def is_member(self, channel: str | None, user_id: str) -> bool:
        if not channel or not user_id:
            return False
        try:
            return user_id in self.members(channel)
        except ConnectorError as exc:
            log.warning("could not list the members of %s: %s", channel, exc)
            return False

    def is_slt(self, user_id: str) -> bool:
        return self.is_member(self.services.settings.teams_slt_channel, user_id)

    def is_dsl(self, user_id: str) -> bool:
        return self.is_member(self.services.settings.teams_dsl_channel, user_id)

    def is_admin(self, user_id: str) -> bool:
        return self.is_member(self.services.settings.teams_admin_channel, user_id)

    def slt_actor(self, user_id: str) -> Actor:
        """The person acting on a case, with their SLT role read from Teams at this moment."""
        return Actor(user_id, self.is_slt(user_id))

    def admin_actor(self, user_id: str) -> Actor:
        """Marking an account created needs only the administrator role: Teams is asked about that channel alone."""
        return Actor(user_id, is_slt=False, is_admin=self.is_admin(user_id))

    def register_actor(self, user_id: str) -> Actor:
        """The register is kept by SLT and the administrator: both roles, read now."""
        return Actor(user_id, self.is_slt(user_id), self.is_admin(user_id))
