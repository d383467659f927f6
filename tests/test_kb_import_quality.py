"""Importing each of the five plain-text policies reproduces the curated clause texts.

The curated knowledge base was split by people; the importer must find at least 95% of its clauses
with the same (folded) text, per school, and the same policy dates.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.importing.draft import make_draft
from bot.knowledge.loader import load_file
from bot.knowledge.source_text import fold
from tests.conftest import REPO, SHARED

SCHOOLS = ["dobcroft", "hiltingbury", "howitt", "link-school", "rudyard-kipling"]
POLICIES = SHARED / "policies"
_MOST_PARTS = 3  # a paragraph split into at most this many clauses
pytestmark = pytest.mark.skipif(not POLICIES.is_dir(), reason="needs ../shared/policies")


def clause_match(school: str, policy: Path) -> tuple[int, int]:
    """(curated clauses found with the same text in the import, curated clauses). A paragraph the curators split
    into one clause per rule, the parts one after another ("Dobcroft 7.0": occasional use, then its ban on spam),
    is found when the import has the paragraph."""
    curated = [fold(c.text) for c in load_file(REPO / "knowledge" / f"{school}.yaml").clauses]
    imported = {fold(c["text"]) for c in make_draft(policy, school).clauses}
    found = [text in imported for text in curated]
    for start in range(len(curated)):
        for end in range(start + 2, min(start + _MOST_PARTS, len(curated)) + 1):
            if " ".join(curated[start:end]) in imported:
                found[start:end] = [True] * (end - start)
    return sum(found), len(curated)


@pytest.mark.parametrize("school", SCHOOLS)
def test_importing_the_policy_text_finds_the_curated_clauses(school: str, capsys: pytest.CaptureFixture[str]) -> None:
    found, total = clause_match(school, POLICIES / f"{school}.txt")
    with capsys.disabled():
        print(f"\n  {school}: {found}/{total} curated clauses imported with the same text ({found / total:.1%})")
    assert found / total >= 0.95


@pytest.mark.parametrize("school", SCHOOLS)
def test_policy_dates_are_read_as_the_curators_read_them(school: str) -> None:
    curated = load_file(REPO / "knowledge" / f"{school}.yaml").school
    details = make_draft(POLICIES / f"{school}.txt", school).details
    assert (details.adopted, details.reviewed, details.review_due) == (
        curated.adopted,
        curated.reviewed,
        curated.review_due,
    )
    assert details.policy_title == curated.policy_title
