"""Answer quality on the dev questions meets the bar set in the knowledge-base issue."""

from __future__ import annotations

import json

import pytest

from bot.answers import PolicyBook
from bot.evaluation import evaluate, read_cases
from tests.conftest import DEV_QUESTIONS


@pytest.mark.skipif(not DEV_QUESTIONS.exists(), reason="shared/eval is not beside this checkout")
def test_dev_questions_meet_the_quality_bar(book: PolicyBook) -> None:
    with DEV_QUESTIONS.open() as lines:
        report = evaluate(book, read_cases(lines))
    misses = [f"{o.case.id}: {o.case.question}" for o in report.misses()]
    assert report.top1 >= 0.90, misses
    assert report.top3 >= 0.97, misses
    assert report.declined >= 0.85, misses


def test_everyday_school_questions_outside_the_policy_are_declined(book: PolicyBook) -> None:
    """30 questions staff ask about school life that no social-media policy covers (written for this
    test, not tuned on): the bot must say the policy does not cover them."""
    from tests.conftest import REPO

    with (REPO / "tests" / "data" / "out_of_scope.jsonl").open() as lines:
        report = evaluate(book, read_cases(lines))
    assert report.declined >= 0.85, [o.case.question for o in report.misses()]


def test_unseen_questions_in_six_styles_meet_the_measured_bar(book: PolicyBook) -> None:
    """The `check` half of benchmarks/data (written from the policies alone, never tuned on): the figures
    docs/performance.md reports, as a floor, so a change that makes answers worse fails here."""
    from tests.conftest import REPO

    lines = []
    for path in sorted((REPO / "benchmarks" / "data").glob("unseen-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item["split"] == "check" and item["school"] in book.school_ids():
                lines.append(line)
    report = evaluate(book, read_cases(lines))
    confident = [o for o in report.outcomes if o.answered]
    right = sum(o.case.in_scope and o.rank_of_hit == 1 for o in confident) / len(confident)
    assert len(lines) == 260  # 210, and 50 tempting questions no policy answers (unseen-tempting.jsonl)
    assert report.top1 >= 0.83
    assert report.top3 >= 0.94
    assert report.declined >= 0.90
    assert report.answered_in_scope >= 0.62
    assert right >= 0.89
