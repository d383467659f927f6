"""Question-matching speed: per-query latency on the five schools and on a 10,000-clause school,
with and without matching by meaning, and start-up time of `policybot ask`. Prints Markdown tables
for docs/performance.md.

    python benchmarks/matching.py [--busy N]

`--busy N` keeps N other processes spinning on the CPU meanwhile: tail latency on a shared server.
"""

from __future__ import annotations

import argparse
import compileall
import functools
import itertools
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
from stats import numbered, percentile  # benchmarks/stats.py, beside this script

import bot
from bot.answers import PolicyBook
from bot.knowledge.loader import default_knowledge_dir, load_vocabulary
from bot.knowledge.models import Clause, KnowledgeFile
from bot.matching.index import ClauseIndex
from bot.matching.semantic import encoder
from bot.matching.vectors import ClauseVectors, clause_vectors

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


_ASKED = itertools.count(1)


def time_queries(index: ClauseIndex, rounds: int) -> list[float]:
    for question in QUESTIONS:  # warm the caches, as a running bot has them
        index.rank(question, top=3)
    timings = []
    for _ in range(rounds):
        for question in QUESTIONS:
            asked = numbered(question, next(_ASKED))  # across schools too: no question is a repeat
            start = time.perf_counter()
            index.rank(asked, top=3)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def synthetic(book: PolicyBook, size: int) -> tuple[KnowledgeFile, ClauseVectors]:
    """A school of `size` clauses made by re-using real clauses under new ids, words shuffled a little.

    Each gets its real clause's sentence vectors: the same work per query as vectors of its own,
    without encoding 80,000 sentences first.
    """
    rng = random.Random(7)
    real: list[tuple[Clause, np.ndarray]] = []
    for school in book.school_ids():
        index = book.index(school)
        vectors = clause_vectors(KnowledgeFile(school=index.school, clauses=index.clauses), book.directory)
        ends = [*vectors.starts[1:], len(vectors.matrix)]
        real += [(c, vectors.matrix[a:b]) for c, a, b in zip(index.clauses, vectors.starts, ends, strict=True)]
    clauses, blocks = [], []
    for i in range(size):
        base, block = real[i % len(real)]
        words = base.text.split()
        rng.shuffle(words)
        clauses.append(base.model_copy(update={"id": f"synthetic-{i}", "text": " ".join(words)}))
        blocks.append(block)
    school = book.index("dobcroft").school.model_copy(update={"id": "synthetic"})
    starts = np.cumsum([0] + [len(b) for b in blocks[:-1]]).astype(np.intp)
    return KnowledgeFile(school=school, clauses=clauses), ClauseVectors(np.vstack(blocks), starts)


def startup_ms(meaning: str, runs: int = 7) -> float:
    # As `pip install .` leaves the package: compiled. A checkout run with PYTHONDONTWRITEBYTECODE (or
    # read-only) would otherwise compile every changed module again at each start.
    compileall.compile_dir(Path(bot.__file__).parent, quiet=1)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot.cli.main", "ask", "--school", "howitt", "can I friend a parent?"],
            check=True,
            capture_output=True,
            env={**os.environ, "POLICYBOT_MEANING": meaning},
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


def busy(processes: int) -> list[subprocess.Popen[bytes]]:
    """Processes that keep cores busy, as other services on a shared school server do."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=0, metavar="N", help="keep N other processes busy meanwhile")
    args = parser.parse_args()
    burners = busy(args.busy)
    try:
        run()
    finally:
        for burner in burners:
            burner.kill()


def run() -> None:
    encoder().encode(["load the model once, as a running bot has it"])
    vocabulary = load_vocabulary(default_knowledge_dir())
    kb, vectors = synthetic(PolicyBook(default_knowledge_dir()), 10_000)
    for meaning in (False, True):
        book = PolicyBook(default_knowledge_dir(), meaning=meaning)
        print(f"\nMatching by meaning {'on (the default)' if meaning else 'off (POLICYBOT_MEANING=off)'}\n")
        print("| knowledge base | clauses | build (ms) | p50 (ms) | p99 (ms) | memory (MiB) |")
        print("|---|---|---|---|---|---|")
        for school in book.school_ids():
            measure(school, functools.partial(book.index, school), rounds=20)
        chosen = vectors if meaning else None
        measure("synthetic", functools.partial(ClauseIndex.for_school, kb, vocabulary, vectors=chosen), rounds=3)
    for switch in ("off", "on"):
        print(f"\n`policybot ask` start-up to answer, meaning {switch} (median of 7 runs): {startup_ms(switch):.0f} ms")


if __name__ == "__main__":
    main()
