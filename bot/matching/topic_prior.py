"""What a question is about, learnt from every reviewed example question in the knowledge folder.

An imported policy that nobody has reviewed yet has no example questions: a question must meet its
clauses' own wording or meaning, and situations told in staff words often do not ("a mum keeps
messaging me on the class app" against "communication with parents must be professional"). The
other schools' reviewed files have thousands of such questions, each under a clause with topics
from the shared list (`friending-parents`, `photos-children`, ...). So the question is compared with
all of them; its nearest ones vote for their clauses' topics; and a clause with no example questions
of its own is helped in proportion to the share of the vote its topics get (`kb import` gives every
drafted clause topics from the same list).

Measured leaving one school out (benchmarks/quality.py, docs/matching.md): drafts' top-1 +4.4
points on `tune`, +1.6 on `check`; nothing changes for reviewed clauses, which have their own
examples.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from bot.knowledge.models import KnowledgeFile
from bot.matching.vectors import ClauseVectors

NEIGHBOURS = 60  # example questions that vote
# How fast a vote fades with distance from the closest example (cosine difference): at 0.1, an
# example 0.1 less similar than the closest weighs e^-1 as much.
TEMPERATURE = 0.1


@dataclass(frozen=True)
class TopicPrior:
    vectors: np.ndarray  # (examples, 384) unit vectors of reviewed example questions
    topics: tuple[tuple[str, ...], ...]  # each example's clause's topics

    @classmethod
    def from_schools(cls, schools: Iterable[tuple[KnowledgeFile, ClauseVectors]]) -> TopicPrior | None:
        """From each school's example questions whose clause has topics; None if there are none."""
        rows: list[np.ndarray] = []
        topics: list[tuple[str, ...]] = []
        for kb, vectors in schools:
            ends = [*vectors.starts[1:].tolist(), len(vectors.matrix)]
            for clause, start, end in zip(kb.clauses, vectors.starts.tolist(), ends, strict=True):
                examples = end - start - 2  # each clause's rows: its text, its answer, then its examples
                if clause.topics and examples > 0:
                    rows.append(vectors.matrix[start + 2 : end])
                    topics.extend([tuple(clause.topics)] * examples)
        if not rows:
            return None
        return cls(np.concatenate(rows), tuple(topics))

    def shares(self, question: np.ndarray) -> dict[str, float]:
        """Each topic's share (0..1, summing to 1) of the nearest example questions' vote."""
        cosines = self.vectors @ question
        k = min(NEIGHBOURS, len(cosines))
        nearest = np.argpartition(-cosines, k - 1)[:k]
        weights = np.exp((cosines[nearest] - cosines[nearest].max()) / TEMPERATURE)
        votes: defaultdict[str, float] = defaultdict(float)
        for row, weight in zip(nearest.tolist(), weights.tolist(), strict=True):
            for topic in self.topics[row]:
                votes[topic] += weight / len(self.topics[row])
        total = sum(votes.values())
        return {topic: vote / total for topic, vote in votes.items()}
