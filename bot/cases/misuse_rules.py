"""Every rule of misuse-report triage, written once: who may act on a report, in which state.

Each function returns a `Refused` (the sentence for the person who tried) or None. The store calls
them inside the transaction that makes the change; an adapter calls the same function before it
shows a form, so a form is never opened for a step the store would refuse.
"""

from __future__ import annotations

from enum import StrEnum

from bot.cases.misuse import MAX_NOTE, OUTCOMES, Report, State
from bot.cases.records import Actor, Refused

NOT_SLT = "Only members of the SLT channel can act on misuse reports."


class Step(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    ASSIGN = "assign"
    NOTE = "note"
    CLOSE = "close"


def steps_open(report: Report) -> tuple[Step, ...]:
    """The triage steps a report's state still allows, in the order a card offers them: acknowledge
    while open; take on and close until closed; notes in any state (a closed case can gain a follow-up)."""
    steps = []
    if report.state is State.OPEN:
        steps.append(Step.ACKNOWLEDGE)
    if report.state is not State.CLOSED:
        steps.append(Step.ASSIGN)
    steps.append(Step.NOTE)
    if report.state is not State.CLOSED:
        steps.append(Step.CLOSE)
    return tuple(steps)


def may_act(ref: str, report: Report | None, actor: Actor) -> Refused | None:
    """Any triage step: only SLT, and only on a report that exists."""
    if not actor.is_slt:
        return Refused(NOT_SLT)
    if report is None:
        return Refused(f"There is no report {ref}.")
    return None


def may_view(ref: str, report: Report | None, actor: Actor) -> Refused | None:
    """Seeing a report's content (what happened, SLT's notes, the timeline) outside the SLT channel's
    card: SLT only. Asked before the report is looked at, so the refusal is the same whether or not
    `ref` exists and says nothing about the case."""
    return may_act(ref, report, actor)


def already(report: Report) -> Refused:
    """The refusal for a step someone else's earlier step has made impossible (the first one wins)."""
    if report.state is State.CLOSED:
        return Refused(f"{report.ref} was already closed by {{who}} ({report.outcome_label}).", report.closed_by)
    return Refused(f"{report.ref} was already acknowledged by {{who}}.", report.acknowledged_by)


def may_acknowledge(ref: str, report: Report | None, actor: Actor) -> Refused | None:
    refused = may_act(ref, report, actor)
    if refused or report is None:
        return refused
    return already(report) if Step.ACKNOWLEDGE not in steps_open(report) else None


def may_assign(ref: str, report: Report | None, actor: Actor) -> Refused | None:
    """Taking a case on (which also acknowledges it): not once it is closed, not twice."""
    refused = may_act(ref, report, actor)
    if refused or report is None:
        return refused
    if Step.ASSIGN not in steps_open(report):
        return already(report)
    if report.assignee == actor.user_id:
        return Refused(f"{report.ref} is already assigned to you.")
    return None


def may_add_note(ref: str, report: Report | None, actor: Actor) -> Refused | None:
    """Notes may be added in any state: a closed case can still gain a follow-up."""
    return may_act(ref, report, actor)


def may_close(ref: str, report: Report | None, actor: Actor) -> Refused | None:
    refused = may_act(ref, report, actor)
    if refused or report is None:
        return refused
    return already(report) if Step.CLOSE not in steps_open(report) else None


def check_note(text: str) -> Refused | None:
    if not text.strip():
        return Refused("The note is empty.", field="note")
    if len(text) > MAX_NOTE:
        return Refused(f"Please keep a note under {MAX_NOTE:,} characters.", field="note")
    return None


def check_closing(outcome: str, note: str | None) -> Refused | None:
    if outcome not in OUTCOMES:
        return Refused("Please choose an outcome.", field="outcome")
    if note and len(note) > MAX_NOTE:
        return Refused(f"Please keep a note under {MAX_NOTE:,} characters.", field="note")
    return None
