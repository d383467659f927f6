"""A new school's policy, imported with `policybot kb import` and not edited, answers better when the
knowledge folder also holds reviewed schools: their example questions say what a question is about
(bot/matching/topic_prior.py), and the draft's clauses on that topic are helped.

Measured as the judges measure it, leaving one school out: each school's policy text is imported by
the real command into a folder holding the other four reviewed files and the vocabulary, and asked the
`check` half of its unseen questions (benchmarks/data, never tuned on). The same draft alone in a
folder, with only the vocabulary, is the comparison.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.answers import PolicyBook
from bot.evaluation import Case, Report, evaluate, read_cases
from tests.cli import POLICYBOT, clean_env
from tests.conftest import REPO

SCHOOLS = ["dobcroft", "hiltingbury", "howitt", "link-school", "rudyard-kipling"]
KNOWLEDGE = REPO / "knowledge"


def unseen_check_questions(school: str) -> list[Case]:
    lines = (REPO / "benchmarks" / "data" / f"unseen-{school}.jsonl").read_text(encoding="utf-8").splitlines()
    return read_cases(line for line in lines if json.loads(line)["split"] == "check")


def imported(folder: Path, school: str) -> None:
    """`policybot kb import` of the school's policy text into `folder`, as an IT person would run it."""
    folder.mkdir(parents=True)
    shutil.copy(KNOWLEDGE / "vocabulary.yaml", folder)
    done = subprocess.run(
        [*POLICYBOT, "kb", "import", str(KNOWLEDGE / "sources" / f"{school}.txt"), "--school", school,
         "--dir", str(folder)],
        env=clean_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    root = tmp_path_factory.mktemp("new-schools")
    outcomes: dict[str, Report] = {"alone": Report(), "beside": Report()}
    for school in SCHOOLS:
        only = root / "alone" / school
        imported(only, school)
        # The same draft (and its vectors) beside the four other reviewed files, none of its own.
        together = root / "beside" / school
        shutil.copytree(only, together)
        for other in SCHOOLS:
            if other != school:  # each reviewed file with its vectors, as an admin copies the folder
                shutil.copy(KNOWLEDGE / f"{other}.yaml", together)
                shutil.copy(KNOWLEDGE / "vectors" / f"{other}.npz", together / "vectors")
        questions = unseen_check_questions(school)
        outcomes["alone"].outcomes += evaluate(PolicyBook(only), questions).outcomes
        outcomes["beside"].outcomes += evaluate(PolicyBook(together), questions).outcomes
    return outcomes


def test_a_new_school_beside_reviewed_ones_finds_more_right_clauses(
    reports: dict[str, Report], capsys: pytest.CaptureFixture[str]
) -> None:
    alone, beside = reports["alone"], reports["beside"]
    with capsys.disabled():
        print(f"\n  imported drafts, top-1 / top-3: alone {alone.top1:.1%} / {alone.top3:.1%}, "
              f"beside reviewed schools {beside.top1:.1%} / {beside.top3:.1%}")  # fmt: skip
    assert beside.top3 > alone.top3
    assert beside.top1 >= alone.top1
    # The figures docs/performance.md reports (51.7% and 67.2%), as a floor.
    assert beside.top1 >= 0.50
    assert beside.top3 >= 0.65


def test_borrowed_topics_never_make_it_answer_what_the_policy_does_not_cover(reports: dict[str, Report]) -> None:
    assert reports["beside"].declined >= 0.95


def test_a_broken_file_beside_does_not_stop_the_others_answering(tmp_path: Path) -> None:
    """Every school's file is read for its example questions; one that cannot be read (not UTF-8, a
    copy under another name) is skipped with a log line, and the school asked about still answers."""
    shutil.copy(KNOWLEDGE / "vocabulary.yaml", tmp_path)
    shutil.copytree(KNOWLEDGE / "sources", tmp_path / "sources")
    (tmp_path / "vectors").mkdir()
    for school in ("howitt", "dobcroft"):
        shutil.copy(KNOWLEDGE / f"{school}.yaml", tmp_path)
        shutil.copy(KNOWLEDGE / "vectors" / f"{school}.npz", tmp_path / "vectors")
    (tmp_path / "broken.yaml").write_bytes(b"school:\n  id: broken\n  name: \xff\xfe not text\n")
    shutil.copy(KNOWLEDGE / "dobcroft.yaml", tmp_path / "dobcroft-old.yaml")
    done = subprocess.run(
        [*POLICYBOT, "ask", "--school", "howitt", "--json", "can I accept a friend request from a pupil?"],
        env=clean_env(POLICYBOT_KNOWLEDGE_DIR=str(tmp_path)), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["school"] == "howitt" and answer["matches"]
    assert "Traceback" not in done.stderr
