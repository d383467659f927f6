"""What every kind of case shares: who acts, what they may not do, and the timeline's entries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    at: str
    actor: str
    action: str
    detail: str | None


@dataclass(frozen=True)
class Actor:
    """Who is acting, and their roles at this moment (the adapter asks its chat tool)."""

    user_id: str
    is_slt: bool
    is_admin: bool = False


class Refused(Exception):
    """An action that is not allowed, or no longer possible; the message is for the person who tried.

    `{who}` in the message stands for `who` (a user id), for the adapter to write its own way.
    `field`, when set, names the form field the refusal is about, so a form can show it there.
    """

    def __init__(self, message: str, who: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.who = who
        self.field = field

    def text(self, mention: Callable[[str], str]) -> str:
        return self.message.replace("{who}", mention(self.who) if self.who else "someone")


NOT_SLT_OVERVIEW = "Only members of the SLT channel can see the open cases."


def may_see_open_cases(actor: Actor) -> Refused | None:
    """The counts of open cases and the list of open misuse reports (every reporter's, oldest first):
    SLT only. Everyone sees their own reports and applications, in their own words."""
    return None if actor.is_slt else Refused(NOT_SLT_OVERVIEW)
