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

from stats import percentile  # benchmarks/stats.py, beside this script

from bot.answers import PolicyBook
from bot.knowledge.loader import default_knowledge_dir, load_vocabulary
from bot.knowledge.models import KnowledgeFile
from bot.matching.index import ClauseIndex
from bot.matching.normalise import Normaliser

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
    time_queries_once = [index.rank(q, top=3) for q in QUESTIONS]  # warm caches, as a running bot has
    del time_queries_once
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


def main() -> None:
    book = PolicyBook(default_knowledge_dir())
    print("| knowledge base | clauses | build (ms) | p50 (ms) | p99 (ms) | memory (MiB) |")
    print("|---|---|---|---|---|---|")
    for school in book.school_ids():
        tracemalloc.start()
        start = time.perf_counter()
        index = book.index(school)
        build = (time.perf_counter() - start) * 1000
        memory = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        timings = time_queries(index, rounds=40)
        print(
            f"| {school} | {len(index.clauses)} | {build:.0f} | {percentile(timings, 50):.2f} "
            f"| {percentile(timings, 99):.2f} | {memory:.1f} |"
        )
    kb = synthetic(book, 10_000)
    tracemalloc.start()
    start = time.perf_counter()
    vocabulary = load_vocabulary(default_knowledge_dir())
    index = ClauseIndex(kb, Normaliser(vocabulary, [kb.school.name]))
    build = (time.perf_counter() - start) * 1000
    memory = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    timings = time_queries(index, rounds=5)
    print(
        f"| synthetic | {len(kb.clauses):,} | {build:.0f} | {percentile(timings, 50):.2f} "
        f"| {percentile(timings, 99):.2f} | {memory:.1f} |"
    )
    print(f"\n`policybot ask` start-up to answer (median of 7 runs): {startup_ms():.0f} ms")


if __name__ == "__main__":
    main()
