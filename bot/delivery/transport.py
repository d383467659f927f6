"""What the outbox runner asks of a chat platform, and the answers it understands.

A transport gets one message to deliver (the outbox row, where that topic's message landed before on
this platform, and whether an earlier attempt may have been taken) and draws it in the platform's
own format. It answers with one of the outcomes below; the runner does the rest (retries, back-off,
parking, the admin alert, recording where the message landed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.store.outbox import OutboxItem
from bot.store.places import Place

# Outbox kind every transport must send: a message the runner could not deliver, for the admin.
ADMIN_ALERT = "admin_alert"


@dataclass(frozen=True)
class Message:
    item: OutboxItem
    place: Place | None  # where this topic's message landed before on this platform, if it did
    in_doubt: bool  # an earlier attempt may have been taken: look before posting again


@dataclass(frozen=True)
class Done:
    place: Place | None = None  # where the message now is, when it is one a later change must find


@dataclass(frozen=True)
class RetryAfter:
    """The platform asked us to wait (a rate limit)."""

    seconds: float
    error: str = "ratelimited"


@dataclass(frozen=True)
class Retry:
    """A failure that may pass (an outage, a 5xx): tried again with back-off. `hint`: what to fix."""

    error: str
    hint: str = ""


@dataclass(frozen=True)
class Permanent:
    """Retrying will not help (the channel is gone, the bot is not in it): parked and the admin told."""

    error: str


@dataclass(frozen=True)
class InDoubt:
    """No answer in time: the platform may have taken the message. Tried again, looking first."""


Outcome = Done | RetryAfter | Retry | Permanent | InDoubt


class Transport(Protocol):
    platform: str  # the key in the places table: "slack", "teams"
    name: str  # for the log: "Slack"

    def deliver(self, message: Message) -> Outcome: ...
