"""Validated copies of the knowledge files are kept in the cache folder (bot/knowledge/kept.py) and
read instead of the YAML at later starts: the same answers, an edit to a file always seen, and a copy
that is damaged, changeable by others or not valid is never believed."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from bot.answers import PolicyBook
from bot.knowledge.loader import KnowledgeError, default_knowledge_dir

QUESTION = "can I friend a parent?"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), copy, ignore=shutil.ignore_patterns("vectors"))
    return copy


def _answer(folder: Path) -> tuple[str, str, str]:
    """A new start's best clause for the question: its id, answer line and quoted text. Words only:
    the copies are about reading the files, and the model's layers would go to the same folder."""
    best = PolicyBook(folder, meaning=False).ask("howitt", QUESTION).best
    assert best is not None
    return best.clause.id, best.clause.answer, best.clause.text


def _copies(kept_cache: Path) -> dict[str, Path]:
    return {path.name.rsplit("-", 1)[0]: path for path in (kept_cache / "knowledge").glob("*.json")}


def _edit_copy(path: Path, change: str) -> None:
    """What a copy would say if it had been changed (by someone else, or a fault) after it was kept."""
    record = json.loads(path.read_text(encoding="utf-8"))
    for clause in record["file"]["clauses"]:
        clause["answer"] = change
    path.write_text(json.dumps(record), encoding="utf-8")


def test_a_later_start_reads_the_kept_copies_and_answers_the_same(folder: Path, kept_cache: Path) -> None:
    first = _answer(folder)
    copies = _copies(kept_cache)
    assert sorted(copies) == ["howitt", "vocabulary"]  # words only: the other schools' files are not read
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in copies.values())
    assert (kept_cache / "knowledge").stat().st_mode & 0o777 == 0o700 and kept_cache.stat().st_mode & 0o077 == 0
    assert _answer(folder) == first

    # Proof that the copy is what a later start reads: an answer line changed in it is what staff see.
    _edit_copy(copies["howitt"], "changed in the copy")
    assert _answer(folder)[1] == "changed in the copy"


def test_an_edited_file_is_read_again_and_kept_anew(folder: Path, kept_cache: Path) -> None:
    clause_id, answer, _ = _answer(folder)
    month_old = kept_cache / "knowledge" / "dobcroft-0123456789abcdef.json"  # a folder tried once, long ago
    month_old.write_text("{}", encoding="utf-8")
    os.utime(month_old, (time.time() - 31 * 86400, time.time() - 31 * 86400))
    recent = month_old.with_name("link-school-0123456789abcdef.json")  # another folder's, in use
    recent.write_text("{}", encoding="utf-8")
    source = folder / "howitt.yaml"
    text = source.read_text(encoding="utf-8")
    assert text.count(answer) == 1
    source.write_text(text.replace(answer, "Edited by SLT this morning."), encoding="utf-8")
    assert _answer(folder)[:2] == (clause_id, "Edited by SLT this morning.")
    assert "Edited by SLT this morning." in _copies(kept_cache)["howitt"].read_text(encoding="utf-8")
    assert recent.exists() and not month_old.exists()


def test_a_copy_in_use_is_not_removed_as_unused(folder: Path, kept_cache: Path) -> None:
    expected = _answer(folder)
    copy = _copies(kept_cache)["howitt"]
    eight_days = time.time() - 8 * 86400
    os.utime(copy, (eight_days, eight_days))
    assert _answer(folder) == expected  # read from the copy, which is marked as used
    assert copy.stat().st_mtime > eight_days + 86400
    vocabulary = folder / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # kept again: a clean-up
    assert _answer(folder) == expected
    assert copy.exists()


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda path: path.chmod(0o666), id="writable by others"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[:5000]), id="cut short"),
        pytest.param(lambda path: path.write_text("[1, 2]", encoding="utf-8"), id="another shape"),
        pytest.param(
            lambda path: path.write_text(path.read_text(encoding="utf-8").replace('"must"', '"maybe"'), "utf-8"),
            id="not valid knowledge",
        ),
    ],
)
def test_a_copy_that_cannot_be_believed_is_ignored_and_replaced(folder: Path, kept_cache: Path, spoil) -> None:
    expected = _answer(folder)
    copy = _copies(kept_cache)["howitt"]
    _edit_copy(copy, "changed in the copy")  # were it believed, this would show
    spoil(copy)
    assert _answer(folder) == expected
    assert copy.stat().st_mode & 0o777 == 0o600 and "changed in the copy" not in copy.read_text(encoding="utf-8")


def test_off_keeps_nothing_and_a_broken_file_is_never_kept(folder: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("POLICYBOT_MODEL_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # where copies would go were `off` ignored
    expected = _answer(folder)
    assert not (tmp_path / "xdg").exists()

    monkeypatch.setenv("POLICYBOT_MODEL_CACHE", str(tmp_path / "cache"))
    assert _answer(folder) == expected
    broken = folder / "howitt.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("stance: must", "stance: maybe", 1), "utf-8")
    with pytest.raises(KnowledgeError, match=r"howitt\.yaml"):
        _answer(folder)  # the error names the file, as without copies: the kept copy of the old text is not used


def test_a_folder_used_once_can_keep_no_copies(folder: Path, kept_cache: Path) -> None:
    """Benchmarks build temporary folders by the dozen: they ask for no copies, and none are written."""
    best = PolicyBook(folder, meaning=False, keep_copies=False).ask("howitt", QUESTION).best
    assert best is not None and best.clause.id == _answer(folder)[0]
    assert sorted(_copies(kept_cache)) == ["howitt", "vocabulary"]  # only the second book's
    for copy in _copies(kept_cache).values():
        copy.unlink()
    PolicyBook(folder, meaning=False, keep_copies=False).ask("howitt", QUESTION)
    assert _copies(kept_cache) == {}


def test_a_copy_in_a_folder_others_can_change_is_not_believed(folder: Path, kept_cache: Path) -> None:
    expected = _answer(folder)
    copy = _copies(kept_cache)["howitt"]
    _edit_copy(copy, "changed in the copy")
    copy.parent.chmod(0o777)  # anyone could have put this file here
    assert _answer(folder) == expected
    assert "changed in the copy" in copy.read_text(encoding="utf-8")  # nor kept in such a folder


def test_a_field_the_file_leaves_out_stays_left_out(folder: Path, kept_cache: Path) -> None:
    """A school without `reporting_clause` has one found for it (cases/guidance.py); read back from its
    copy it must not become a school whose policy has none."""
    source = folder / "howitt.yaml"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    source.write_text("".join(line for line in lines if "reporting_clause:" not in line), encoding="utf-8")
    first = PolicyBook(folder, meaning=False).school("howitt")
    later = PolicyBook(folder, meaning=False).school("howitt")
    assert "howitt" in _copies(kept_cache)
    assert "reporting_clause" not in first.model_fields_set
    assert later == first and later.model_fields_set == first.model_fields_set
