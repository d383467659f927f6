"""Question-matching speed: per-query latency on the five schools and on a 10,000-clause school,
and start-up time of `policybot ask`. Prints a Markdown table for docs/performance.md.

    python benchmarks/matching.py
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable

from stats import percentile  # benchmarks/stats.py, beside this script

from bot.answers import PolicyBook
from bot.knowledge.loader import default_knowledge_dir, load_vocabulary
from bot.knowledge.models import KnowledgeFile
from bot.matching.index import ClauseIndex

QUESTIONS = [
    "can I friend a parent on facebook?",
    "a pupil sent me a follow request on insta",
    "can i post pics of my class on my own fb",
    "is it ok to moan about work on whatsapp",
    "what should I do if a parent is abusive about me online",
    "can I use the school logo on my tutoring page",
    "do I have to reply to comments on the school account at the weekend",
    "can I go on tiktok in my lunch break",
    "an ex pupil messaged me on snapchat",
    "whats for school dinner this week",
    "can i put a disclaimer on my twitter",
    "who do I report a colleague's post to",
]


def time_queries(index: ClauseIndex, rounds: int) -> list[float]:
    for question in QUESTIONS:  # warm the caches, as a running bot has them
        index.rank(question, top=3)
    timings = []
    for _ in range(rounds):
        for question in QUESTIONS:
            start = time.perf_counter()
            index.rank(question, top=3)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def synthetic(book: PolicyBook, size: int) -> KnowledgeFile:
    """A school of `size` clauses made by re-using real clauses under new ids, words shuffled a little."""
    rng = random.Random(7)
    real = [c for school in book.school_ids() for c in book.index(school).clauses]
    clauses = []
    for i in range(size):
        base = real[i % len(real)]
        words = base.text.split()
        rng.shuffle(words)
        clauses.append(base.model_copy(update={"id": f"synthetic-{i}", "text": " ".join(words)}))
    school = book.index("dobcroft").school.model_copy(update={"id": "synthetic"})
    return KnowledgeFile(school=school, clauses=clauses)


def startup_ms(runs: int = 7) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot.cli.main", "ask", "--school", "howitt", "can I friend a parent?"],
            check=True,
            capture_output=True,
        )
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def measure(name: str, build: Callable[[], ClauseIndex], rounds: int) -> None:
    """Build an index (timed, memory traced), then time queries on it; print one table row."""
    tracemalloc.start()
    start = time.perf_counter()
    index = build()
    build_ms = (time.perf_counter() - start) * 1000
    memory = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    timings = time_queries(index, rounds)
    print(
        f"| {name} | {len(index.clauses):,} | {build_ms:.0f} | {percentile(timings, 50):.2f} "
        f"| {percentile(timings, 99):.2f} | {memory:.1f} |"
    )


def main() -> None:
    book = PolicyBook(default_knowledge_dir())
    print("| knowledge base | clauses | build (ms) | p50 (ms) | p99 (ms) | memory (MiB) |")
    print("|---|---|---|---|---|---|")
    for school in book.school_ids():
        measure(school, lambda school=school: book.index(school), rounds=40)
    kb = synthetic(book, 10_000)
    vocabulary = load_vocabulary(default_knowledge_dir())
    measure("synthetic", lambda: ClauseIndex.for_school(kb, vocabulary), rounds=5)
    print(f"\n`policybot ask` start-up to answer (median of 7 runs): {startup_ms():.0f} ms")


if __name__ == "__main__":
    main()
