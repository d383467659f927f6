"""The question engine: a school's policy, its clause index, and answers to staff questions.

Front ends hold one `PolicyBook` and call `ask`; schools are loaded on first use so a CLI call
about one school never parses the other schools' files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.loader import KnowledgeError, load_file, load_vocabulary
from bot.knowledge.models import Clause, KnowledgeFile, School
from bot.matching.index import ClauseIndex, Match, Ranking
from bot.matching.normalise import Normaliser
from bot.questions import clean_question


class UnknownSchoolError(LookupError):
    def __init__(self, school_id: str, known: list[str]) -> None:
        self.school_id = school_id
        self.known = known
        listing = ", ".join(known) if known else "none found"
        super().__init__(f"unknown school id {school_id!r}; known school ids: {listing}")


@dataclass(frozen=True)
class Answer:
    school: School
    question: str
    ranking: Ranking

    @property
    def answered(self) -> bool:
        return self.ranking.answered

    @property
    def best(self) -> Match | None:
        return self.ranking.best

    @property
    def related(self) -> tuple[Match, ...]:
        return self.ranking.matches[1:]

    def review_overdue(self, today: dt.date | None = None) -> bool:
        return self.school.is_past_review(today or dt.date.today())


class PolicyBook:
    """Every school in a knowledge directory, indexed lazily."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._indexes: dict[str, ClauseIndex] = {}

    def school_ids(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.yaml") if p.stem != "vocabulary")

    def index(self, school_id: str) -> ClauseIndex:
        if school_id not in self._indexes:
            path = self.directory / f"{school_id}.yaml"
            if not path.is_file() or school_id == "vocabulary":
                raise UnknownSchoolError(school_id, self.school_ids())
            kb = load_file(path)
            if kb.school.id != school_id:
                raise KnowledgeError(f"{path}: school id {kb.school.id!r} does not match the file name")
            self._indexes[school_id] = self._build(kb)
        return self._indexes[school_id]

    def _build(self, kb: KnowledgeFile) -> ClauseIndex:
        names = [kb.school.name, kb.school.id.replace("-", " ")]
        return ClauseIndex(kb, Normaliser(load_vocabulary(self.directory), names))

    def school(self, school_id: str) -> School:
        return self.index(school_id).school

    def clause(self, school_id: str, clause_id: str) -> Clause | None:
        return self.index(school_id).clause(clause_id)

    def ask(self, school_id: str, question: str, top: int = 3) -> Answer:
        """Rank the school's clauses for the question. Raises QuestionError or UnknownSchoolError."""
        index = self.index(school_id)
        cleaned = clean_question(question)
        return Answer(index.school, cleaned, index.rank(cleaned, top=max(top, 1)))
