"""Fit the answer decision (`Tuning.decision` in bot/matching/index.py) on the tuning questions.

The bot should answer when its best clause is right and say "not sure" otherwise. Each question of
the `tune` half of benchmarks/data is asked of the curated knowledge base and of the imported,
unedited drafts (as benchmarks/quality.py builds them); the ranking's features and whether its best
clause was right are fitted with a logistic regression. Prints the weights to paste into `Tuning`
and, per threshold, what share would be answered and how many of those answers are right.

    python benchmarks/calibrate.py [--l2 0.05]

Never fit on `check`: that half is only for reporting.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

from quality import CURATED, DATA, DECOY, imported_folder, keep_vectors, policy_path, read_set

from bot.answers import PolicyBook
from bot.evaluation import evaluate
from bot.knowledge.loader import default_knowledge_dir

Row = tuple[str, dict[str, float], bool, bool]  # knowledge base, features, right, in scope


def collect(split: str) -> list[Row]:
    questions = read_set(split, sorted(DATA.glob("unseen-*.jsonl")))
    rows: list[Row] = []

    def add(kind: str, book: PolicyBook, school: str) -> None:
        cases = [c for c, _ in questions[school]]
        for outcome in evaluate(book, cases).outcomes:
            if outcome.features:
                rows.append((kind, outcome.features, outcome.rank_of_hit == 1, outcome.case.in_scope))

    curated = PolicyBook(default_knowledge_dir())
    with tempfile.TemporaryDirectory() as tmp:
        for school in CURATED:
            add("curated", curated, school)
            folder = imported_folder(Path(tmp) / "loo", school, [s for s in CURATED if s != school])
            add("loo", PolicyBook(folder, keep_copies=False), school)
            keep_vectors(folder, school)
        if policy_path(DECOY).exists():
            folder = imported_folder(Path(tmp) / "decoy", DECOY, CURATED)
            add("decoy", PolicyBook(folder, keep_copies=False), DECOY)
            keep_vectors(folder, DECOY)
    return rows


def fit(rows: list[Row], names: list[str], l2: float, steps: int = 4000) -> list[float]:
    """Logistic regression by gradient descent on standardised features; weights in raw units."""
    columns = [[r[1][n] for r in rows] for n in names]
    means = [sum(c) / len(c) for c in columns]
    spreads = [math.sqrt(sum((x - m) ** 2 for x in c) / len(c)) or 1.0 for c, m in zip(columns, means, strict=True)]
    xs = [[(r[1][n] - m) / s for n, m, s in zip(names, means, spreads, strict=True)] for r in rows]
    ys = [1.0 if r[2] else 0.0 for r in rows]
    w = [0.0] * (len(names) + 1)
    for _ in range(steps):
        grad = [0.0] * len(w)
        for x, y in zip(xs, ys, strict=True):
            z = w[0] + sum(a * b for a, b in zip(w[1:], x, strict=True))
            error = 1 / (1 + math.exp(-max(-30.0, min(30.0, z)))) - y
            grad[0] += error
            for j, value in enumerate(x, start=1):
                grad[j] += error * value
        w = [wj - 0.5 * (g / len(xs) + (l2 * wj if j else 0.0)) for j, (wj, g) in enumerate(zip(w, grad, strict=True))]
    raw = [wj / s for wj, s in zip(w[1:], spreads, strict=True)]
    bias = w[0] - sum(r * m for r, m in zip(raw, means, strict=True))
    return [bias, *raw]


def confidence(weights: list[float], names: list[str], features: dict[str, float]) -> float:
    z = weights[0] + sum(w * features[n] for w, n in zip(weights[1:], names, strict=True))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--l2", type=float, default=0.05)
    args = parser.parse_args()
    rows = collect("tune")
    names = sorted(rows[0][1])
    weights = fit(rows, names, args.l2)
    print("decision = (")
    print(f'    ("bias", {weights[0]:.3f}),')
    for name, weight in zip(names, weights[1:], strict=True):
        print(f'    ("{name}", {weight:.3f}),')
    print(")")
    for threshold in (0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        cells = []
        for kind in ("curated", "loo", "decoy"):
            mine = [r for r in rows if r[0] == kind]
            if not mine:
                continue
            scoped = [r for r in mine if r[3]]
            answered = [r for r in mine if confidence(weights, names, r[1]) >= threshold]
            right = sum(r[2] for r in answered)
            cells.append(
                f"{kind}: answers {sum(r in answered for r in scoped) / len(scoped):.0%} of in-scope, "
                f"{right}/{len(answered)} right"
            )
        print(f"threshold {threshold:.2f}: " + "; ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
