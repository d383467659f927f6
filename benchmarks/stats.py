"""Small helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
from pathlib import Path

# What staff type into /policy, in their own words: the load both HTTP benchmarks send.
QUESTIONS = [
    "can I accept a friend request from a parent?",
    "can i post pics of my class on my own insta",
    "an ex pupil messaged me on snapchat what do I do",
    "is it ok to moan about work in a whatsapp group",
    "do I have to reply to comments on the school facebook at weekends",
]
CLOCK = os.sysconf("SC_CLK_TCK")


def numbered(question: str, n: int) -> str:
    """The question worded a little differently for each n. The model keeps the vectors of the questions
    asked lately, and a benchmark of repeats would time that memory, not the model."""
    return f"{question} ({n})"


def distinct_question(n: int) -> str:
    """The n-th question of a benchmark: one of QUESTIONS, numbered."""
    return numbered(QUESTIONS[n % len(QUESTIONS)], n + 1)


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile by nearest rank (samples need not be sorted)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK
