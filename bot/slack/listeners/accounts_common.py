"""What the account-application listeners share: the actor, asked of Slack at the moment of acting."""

from __future__ import annotations

from bot.cases.records import Actor
from bot.slack.services import Services


def actor(services: Services, user_id: str) -> Actor:
    # Asked of Slack at the moment of acting: someone just removed from a channel has lost the role.
    return Actor(user_id, services.is_slt(user_id, fresh=True), services.is_admin(user_id, fresh=True))


def colleague(_: str) -> str:
    """How a view's error message names another person (a modal cannot show a mention)."""
    return "a colleague"
