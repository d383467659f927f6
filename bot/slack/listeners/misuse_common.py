"""What the misuse-report listeners share: the actor, asked of Slack at the moment of acting."""

from __future__ import annotations

from bot.cases.records import Actor
from bot.slack.services import Services

# The listeners keep the logger name they had as one module, so log filters and alerts still match.
LOGGER = "bot.slack.listeners.misuse_reports"


def actor(services: Services, user_id: str) -> Actor:
    # Every triage step changes a case (or opens the form that will), so SLT membership is asked of
    # Slack each time: someone just removed from the SLT channel is refused at once.
    return Actor(user_id, services.is_slt(user_id, fresh=True))


def colleague(_: str) -> str:
    """How a view's error message names another person (a modal cannot show a mention)."""
    return "a colleague"
