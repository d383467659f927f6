"""Small helpers shared by the benchmark scripts."""

from __future__ import annotations


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile by nearest rank (samples need not be sorted)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
