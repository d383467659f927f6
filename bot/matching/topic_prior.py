"""What a question is about, by the vote of the knowledge folder's example questions.

Every reviewed clause carries example questions in staff words and topics from the shared list
(`friending-parents`, `photos-children`, ...). A question is compared with all the folder's example
questions; its nearest ones vote for their clauses' topics; and a clause gains in proportion to the
share of the vote its own topics get. Most of all a clause with no example questions of its own: an
imported policy nobody has reviewed yet, whose clauses `kb import` tags from the same list, so a new
school learns from the reviewed schools beside it ("a mum keeps messaging me on the class app"
finds "communication with parents must be professional"). A reviewed clause gains less; its own
examples already speak for it. Weights and figures: docs/matching.md (section 3).
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
    vectors: np.ndarray  # (examples, 768) unit vectors of reviewed example questions
    topics: tuple[tuple[str, ...], ...]  # each example's clause's topics

    @classmethod
    def from_schools(cls, schools: Iterable[tuple[KnowledgeFile, ClauseVectors]]) -> TopicPrior | None:
        """From each school's example questions whose clause has topics; None if there are none."""
        rows: list[np.ndarray] = []
        topics: list[tuple[str, ...]] = []
        for kb, vectors in schools:
            for number, clause in enumerate(kb.clauses):
                examples = vectors.examples(number, len(clause.examples))
                if clause.topics and len(examples):
                    rows.append(examples)
                    topics.extend([tuple(clause.topics)] * len(examples))
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
