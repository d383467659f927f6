"""Example questions for a new draft, borrowed from the closest reviewed clauses of other schools.

A draft has no example questions, and example questions in staff words are what lets "can I add a
kid's mum on fb" find "accept friend requests from parents". Many UK policies derive from the same
council templates, so the reviewed clauses of other schools in the same knowledge folder often say
the same thing in other words. Each draft clause borrows the example questions of the reviewed
clauses whose words are closest to its own (TF-IDF cosine over the matcher's own terms); a clause
that resembles nothing borrows nothing. The reviewer sees them in the draft like any other example,
and keeps, edits or deletes them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.knowledge.models import Clause, KnowledgeFile, Vocabulary
from bot.matching.normalise import Normaliser

# Tuned on the tuning half of benchmarks/data (docs/matching.md); below this, clauses share only
# the common words of every policy.
MIN_SIMILARITY = 0.3
DONORS_PER_CLAUSE = 3
MAX_BORROWED = 12


@dataclass(frozen=True)
class _Vector:
    weights: dict[str, float]
    norm: float


def _vector(terms: Sequence[str], idf: dict[str, float]) -> _Vector:
    counts = Counter(terms)
    weights = {t: (1 + math.log(c)) * idf.get(t, 0.0) for t, c in counts.items()}
    return _Vector(weights, math.sqrt(sum(w * w for w in weights.values())) or 1.0)


def _cosine(a: _Vector, b: _Vector) -> float:
    small, large = (a, b) if len(a.weights) <= len(b.weights) else (b, a)
    return sum(w * large.weights.get(t, 0.0) for t, w in small.weights.items()) / (a.norm * b.norm)


def _donor_terms(normaliser: Normaliser, clause: Clause) -> list[str]:
    return normaliser.terms(f"{clause.heading} {clause.text} {clause.answer}")


def borrow_examples(clauses: list[dict[str, Any]], donors: Sequence[KnowledgeFile], vocabulary: Vocabulary) -> int:
    """Fill the `examples` of draft clauses that have none; returns how many clauses borrowed."""
    normaliser = Normaliser(vocabulary, [d.school.name for d in donors])
    donor_clauses = [c for kb in donors if not kb.school.draft for c in kb.clauses if c.examples]
    if not donor_clauses:
        return 0
    donor_terms = [_donor_terms(normaliser, c) for c in donor_clauses]
    draft_terms = [normaliser.terms(f"{c['heading']} {c['text']} {c['answer']}") for c in clauses]
    df: Counter[str] = Counter()
    for terms in [*donor_terms, *draft_terms]:
        df.update(set(terms))
    n = len(donor_terms) + len(draft_terms)
    idf = {t: math.log(n / c) for t, c in df.items()}
    donor_vectors = [_vector(terms, idf) for terms in donor_terms]
    borrowed = 0
    for clause, terms in zip(clauses, draft_terms, strict=True):
        if clause.get("examples"):
            continue
        vector = _vector(terms, idf)
        ranked = sorted(
            ((sim, i) for i, dv in enumerate(donor_vectors) if (sim := _cosine(vector, dv)) >= MIN_SIMILARITY),
            reverse=True,
        )[:DONORS_PER_CLAUSE]
        examples: list[str] = []
        for _, i in ranked:
            examples.extend(e for e in donor_clauses[i].examples if e not in examples)
        if examples:
            clause["examples"] = examples[:MAX_BORROWED]
            borrowed += 1
    return borrowed
