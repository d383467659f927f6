"""Answer quality on a set of staff questions with known answers (`policybot eval`).

A hit means the clause's text contains one of the question's gold snippets (the policy words that
answer it); a question with no gold snippets is out of scope and must be declined.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.answers import PolicyBook
from bot.knowledge.source_text import fold


@dataclass(frozen=True)
class Case:
    id: str
    school: str
    question: str
    gold: tuple[str, ...]

    @property
    def in_scope(self) -> bool:
        return bool(self.gold)


@dataclass(frozen=True)
class Outcome:
    case: Case
    answered: bool
    clause_ids: tuple[str, ...]
    rank_of_hit: int | None  # 1-based rank of the first clause holding a gold snippet
    features: dict[str, float] = field(default_factory=dict)  # what the answer decision saw

    @property
    def ok(self) -> bool:
        return self.rank_of_hit == 1 if self.case.in_scope else not self.answered


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def _in_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.in_scope]

    def _share(self, hits: int, total: int) -> float:
        return hits / total if total else 1.0

    @property
    def top1(self) -> float:
        scoped = self._in_scope()
        return self._share(sum(o.rank_of_hit == 1 for o in scoped), len(scoped))

    @property
    def top3(self) -> float:
        scoped = self._in_scope()
        return self._share(sum(o.rank_of_hit is not None and o.rank_of_hit <= 3 for o in scoped), len(scoped))

    @property
    def declined(self) -> float:
        out = [o for o in self.outcomes if not o.case.in_scope]
        return self._share(sum(not o.answered for o in out), len(out))

    @property
    def answered_in_scope(self) -> float:
        scoped = self._in_scope()
        return self._share(sum(o.answered for o in scoped), len(scoped))

    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


def read_cases(lines: Iterable[str]) -> list[Case]:
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            cases.append(
                Case(
                    str(item.get("id", number)),
                    item["school"],
                    item["question"],
                    tuple(item.get("gold") or ()),
                )
            )
        except KeyError as exc:
            missing = exc.args[0]
            raise ValueError(f'line {number} has no "{missing}" (each line: {{"school", "question", "gold"}})') from exc
        except (json.JSONDecodeError, TypeError) as exc:
            raise ValueError(f'line {number}: expected {{"school", "question", "gold"}} ({exc})') from exc
    return cases


def evaluate(book: PolicyBook, cases: Iterable[Case], top: int = 3) -> Report:
    report = Report()
    for case in cases:
        answer = book.ask(case.school, case.question, top=top)
        ids = tuple(m.clause.id for m in answer.ranking.matches)
        gold = [fold(g).lower() for g in case.gold]
        rank = next(
            (
                r
                for r, match in enumerate(answer.ranking.matches, start=1)
                if any(g in fold(match.clause.text).lower() for g in gold)
            ),
            None,
        )
        report.outcomes.append(Outcome(case, answer.answered, ids, rank, answer.ranking.features))
    return report
