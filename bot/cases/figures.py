"""The governors' figures for misuse reports: how fast SLT acknowledged and closed cases, and what
kinds and outcomes there were. Computed here so every way of showing them (CSV, a chat command)
gives the same numbers."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

from bot.cases.misuse import Report

STILL_OPEN = "(still open)"


def hours_between(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds() / 3600


def hours_to_acknowledge(report: Report) -> float | None:
    return hours_between(report.submitted_at, report.acknowledged_at)


def days_to_close(report: Report) -> float | None:
    hours = hours_between(report.submitted_at, report.closed_at)
    return None if hours is None else hours / 24


@dataclass(frozen=True)
class Figures:
    by_category: list[tuple[str, int]]  # most frequent first
    by_outcome: list[tuple[str, int]]
    median_hours_to_acknowledge: float | None
    longest_hours_to_acknowledge: float | None


def figures(reports: list[Report]) -> Figures:
    ack = [h for h in (hours_to_acknowledge(r) for r in reports) if h is not None]
    return Figures(
        by_category=Counter(r.category.label for r in reports).most_common(),
        by_outcome=Counter(r.outcome_label or STILL_OPEN for r in reports).most_common(),
        median_hours_to_acknowledge=statistics.median(ack) if ack else None,
        longest_hours_to_acknowledge=max(ack) if ack else None,
    )
