"""Answer quality on the dev questions meets the bar set in the knowledge-base issue."""

from __future__ import annotations

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
