""""my reports" and "my applications" in the 1:1 chat: Teams has no App Home, so these show what
Slack's Home tab shows. Everyone gets their own cases only (the store is asked by their Teams id);
whether SLT's part is added is the core's `may_see_open_cases`, with the SLT role read fresh."""

from __future__ import annotations

from typing import Any

from bot.cases.records import may_see_open_cases
from bot.teams.overview_cards import my_applications_card, my_reports_card
from bot.teams.roles import TeamsRoles
from bot.teams.services import TeamsServices


class TeamsMyCases:
    def __init__(self, services: TeamsServices) -> None:
        self.services = services
        self.roles = TeamsRoles(services)

    def _slt_counts(self, user: str) -> dict[str, int] | None:
        return self.services.slt_counts() if may_see_open_cases(self.roles.slt_actor(user)) is None else None

    def reports(self, user: str) -> dict[str, Any]:
        services = self.services
        counts = self._slt_counts(user)
        open_reports = services.reports.all(open_only=True) if counts is not None else []
        return my_reports_card(services.reports.by_reporter(user), counts, open_reports, services.name_of)

    def applications(self, user: str) -> dict[str, Any]:
        services = self.services
        return my_applications_card(services.applications.by_applicant(user), self._slt_counts(user))
