"""The folder's topic vote is kept in the cache folder (bot/matching/kept_vote.py) and read back at
later starts: the same answers as a start that builds it, an edit to any school file of the folder
always seen, and a kept vote that is damaged or changeable by others never believed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.answers import PolicyBook
from bot.knowledge.loader import default_knowledge_dir

QUESTIONS = [
    ("howitt", "can I friend a parent?"),
    ("howitt", "a mum keeps messaging me on the class app, what do I do"),
    ("dobcroft", "can I post photos of my class on my own instagram?"),
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), copy)  # with the vector caches: nothing to encode
    return copy


def _answers(folder: Path, keep: bool = True) -> list[tuple[tuple[str, ...], tuple[float, ...], float]]:
    """A new start's ranking for each question: clause ids, scores and confidence."""
    book = PolicyBook(folder, keep_copies=keep)
    out = []
    for school, question in QUESTIONS:
        ranking = book.ask(school, question).ranking
        matches = ranking.matches
        out.append((tuple(m.clause.id for m in matches), tuple(m.score for m in matches), ranking.confidence))
    return out


def _votes(kept_cache: Path) -> list[Path]:
    return sorted((kept_cache / "topic-votes").iterdir())


def test_a_later_start_reads_the_kept_vote_and_answers_as_one_that_builds_it(folder: Path, kept_cache: Path) -> None:
    built = _answers(folder, keep=False)  # nothing kept: every start builds the vote
    assert not (kept_cache / "topic-votes").exists()
    first = _answers(folder)
    kept = _votes(kept_cache)
    assert [p.suffix for p in kept] == [".json", ".npy"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in kept)
    assert (kept_cache / "topic-votes").stat().st_mode & 0o777 == 0o700
    stamps = [p.stat().st_mtime_ns for p in kept]
    later = _answers(folder)
    assert [p.stat().st_mtime_ns for p in _votes(kept_cache)] == stamps  # read, not built and written again
    assert first == later == built


def test_an_edited_school_file_is_voted_afresh(folder: Path, kept_cache: Path) -> None:
    before = _answers(folder)
    # Another school's reviewed clauses lose their topics: they no longer vote for howitt's questions.
    path = folder / "link-school.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for clause in data["clauses"]:
        clause["topics"] = []
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    after = _answers(folder)
    assert after == _answers(folder, keep=False)  # as a start that builds the vote from the files
    assert after != before  # and not the earlier vote, kept from before the edit
    assert len(_votes(kept_cache)) == 4  # the earlier vote stays a day, for another install sharing the cache folder


def test_a_damaged_or_unsafe_kept_vote_is_not_believed(folder: Path, kept_cache: Path) -> None:
    first = _answers(folder)
    matrix = next(p for p in _votes(kept_cache) if p.suffix == ".npy")
    matrix.write_bytes(b"not an array")
    assert _answers(folder) == first
    topics = next(p for p in _votes(kept_cache) if p.suffix == ".json")
    record = json.loads(topics.read_text(encoding="utf-8"))
    topics.write_text(json.dumps({**record, "digest": "0" * 64}), encoding="utf-8")  # built from other files
    assert _answers(folder) == first
    for path in _votes(kept_cache):
        os.chmod(path, 0o666)  # anyone could have written it
    assert _answers(folder) == first
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in _votes(kept_cache))  # built and kept again, privately


def test_the_kept_vote_is_the_folders_whichever_school_is_asked_first(folder: Path, kept_cache: Path) -> None:
    PolicyBook(folder).ask("rudyard-kipling", "can I post photos of the school fair?")  # builds and keeps it
    assert _answers(folder) == _answers(folder, keep=False)  # howitt first, the vote read back


def test_a_vote_in_a_folder_others_can_change_is_not_believed(folder: Path, kept_cache: Path) -> None:
    built = _answers(folder)
    matrix = next(p for p in _votes(kept_cache) if p.suffix == ".npy")
    np.save(matrix, np.zeros_like(np.load(matrix)))  # a vote no start would build: nothing near anything
    assert _answers(folder) != built  # believed: the file is this user's, in this user's folder
    (kept_cache / "topic-votes").chmod(0o770)  # now the group could have put it there
    assert _answers(folder) == built
