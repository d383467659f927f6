"""Matching by meaning: the shipped sentence model, and the per-school cache of clause vectors."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.answers import PolicyBook
from bot.knowledge.loader import default_knowledge_dir, load_file
from bot.matching import kept_vote
from bot.matching.semantic import DIMENSIONS, embed_words, encoder, uint4_groups
from bot.matching.vectors import _key as vector_key
from bot.matching.vectors import cache_path, sentences
from tests.cli import POLICYBOT, clean_env


def test_a_paraphrase_is_closer_than_an_unrelated_sentence() -> None:
    question, paraphrase, unrelated = encoder().encode(
        [
            "a boy I taught years ago messaged me on instagram",
            "contact with former pupils through social networking sites",
            "the staff car park is closed at weekends",
        ]
    )
    assert question @ paraphrase > question @ unrelated + 0.2
    assert np.allclose(np.linalg.norm([question, paraphrase, unrelated], axis=1), 1.0, atol=1e-4)


def test_every_text_gets_its_own_vector_in_order() -> None:
    texts = ["can I friend a parent?", "x", "a much longer sentence about posting photographs of pupils online " * 3]
    together = encoder().encode(texts)
    alone = np.vstack([encoder().encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def _school_folder(tmp_path: Path, school: str = "hiltingbury", with_cache: bool = True) -> Path:
    folder = tmp_path / "knowledge"
    (folder / "sources").mkdir(parents=True)
    bundled = default_knowledge_dir()
    shutil.copy(bundled / "vocabulary.yaml", folder)
    shutil.copy(bundled / f"{school}.yaml", folder)
    shutil.copy(bundled / "sources" / f"{school}.txt", folder / "sources")
    if with_cache:  # the bundled cache, so a test encodes only what it changes (a school takes tens of seconds)
        cache_path(folder, school).parent.mkdir()
        shutil.copy(cache_path(bundled, school), cache_path(folder, school))
    return folder


def _cached_keys(folder: Path, school: str) -> set[str]:
    with np.load(cache_path(folder, school)) as data:
        return set(data["keys"].tolist())


def test_the_first_question_caches_the_vectors_and_an_edit_re_encodes_only_what_changed(tmp_path: Path) -> None:
    folder = _school_folder(tmp_path)
    assert PolicyBook(folder).ask("hiltingbury", "can I use the school logo on my instagram?").answered
    before = _cached_keys(folder, "hiltingbury")

    path = folder / "hiltingbury.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["clauses"][0]["examples"] = ["a brand new example question about nothing in particular"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    PolicyBook(folder).ask("hiltingbury", "can I use the school logo on my instagram?")
    after = _cached_keys(folder, "hiltingbury")

    assert len(after - before) == 1  # the new example
    assert before - after  # the replaced examples are dropped from the cache
    assert stat.S_IMODE(cache_path(folder, "hiltingbury").stat().st_mode) == 0o644


def test_a_folder_that_cannot_be_written_still_answers(tmp_path: Path) -> None:
    # No cache, and none can be made: a file stands where the cache folder would be (file permissions
    # would not stop the root user the tests may run as). A few clauses, so encoding them is quick.
    folder = _few_clauses(_school_folder(tmp_path, with_cache=False))
    cache_path(folder, "hiltingbury").parent.write_text("not a folder", encoding="utf-8")

    answer = PolicyBook(folder).ask("hiltingbury", "can I use the school logo on my instagram?")
    assert answer.best is not None and "logo" in answer.best.clause.text.lower()


def _read_only_folder_with_a_new_sentence(tmp_path: Path, example: str) -> Path:
    """Hiltingbury's few clauses in a folder whose vector cache cannot be written (a file stands where its
    folder would be), with one example question no bundled file holds, so a start must encode it."""
    folder = _few_clauses(_school_folder(tmp_path, with_cache=False))
    cache_path(folder, "hiltingbury").parent.write_text("not a folder", encoding="utf-8")
    path = folder / "hiltingbury.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["clauses"][0]["examples"] = [example]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def test_a_folder_that_cannot_be_written_keeps_its_vectors_in_the_cache_folder(
    tmp_path: Path, kept_cache: Path
) -> None:
    """A service account's read-only knowledge folder once had every start encode its new sentences again
    (70 s a start for an imported policy); they are kept in the cache folder after the first."""
    folder = _read_only_folder_with_a_new_sentence(tmp_path, "a question about the logo no bundled file has held")
    question = "can I use the school logo on my instagram?"

    first = PolicyBook(folder).ask("hiltingbury", question)
    kept = list((kept_cache / "vectors").glob("hiltingbury-*.npz"))
    assert len(kept) == 1 and stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    written = kept[0].stat()
    second = PolicyBook(folder).ask("hiltingbury", question)
    again = kept[0].stat()
    assert (again.st_ino, again.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)  # read, not written anew
    assert first.best is not None and second.best is not None
    assert second.best.clause.id == first.best.clause.id and "logo" in second.best.clause.text.lower()
    assert second.ranking.confidence == pytest.approx(first.ranking.confidence, abs=1e-3)


@pytest.mark.parametrize(("new", "said"), [(12, True), (1, False)])
def test_a_start_that_must_encode_says_so_first(tmp_path: Path, caplog, new: int, said: bool) -> None:
    """A first start after an import or an upgrade can wait seconds to minutes for the model: it says why,
    unless it is a moment's work."""
    folder = _few_clauses(_school_folder(tmp_path))
    path = folder / "hiltingbury.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["clauses"][0]["examples"] = [f"may I put the logo on flyer number {n}?" for n in range(new)]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    caplog.set_level(logging.WARNING)
    PolicyBook(folder).ask("hiltingbury", "can I use the school logo on my instagram?")
    told = [r.getMessage() for r in caplog.records if "for matching by meaning" in r.getMessage()]
    assert told == ([f"encoding {new} sentences of hiltingbury for matching by meaning, once"] if said else [])


def test_vectors_kept_for_a_read_only_folder_count_in_its_topic_vote(tmp_path: Path, kept_cache: Path) -> None:
    """The folder's kept topic vote is named by what it was built from; vectors kept in the cache folder
    are part of that, or a vote built before a school's vectors were kept would be recalled after."""
    folder = _read_only_folder_with_a_new_sentence(tmp_path, "another question about the logo, never bundled")
    before = kept_vote.digest(folder, kept_cache)
    PolicyBook(folder).ask("hiltingbury", "can I use the school logo on my instagram?")
    assert list((kept_cache / "vectors").glob("hiltingbury-*.npz"))
    assert kept_vote.digest(folder, kept_cache) != before


def _few_clauses(folder: Path) -> Path:
    """Hiltingbury's logo clause and four others, so encoding them all is quick."""
    path = folder / "hiltingbury.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    logo = [c for c in data["clauses"] if "logo" in c["text"].lower()]
    data["clauses"] = logo + [c for c in data["clauses"] if c not in logo][:4]
    data["school"].pop("reporting_clause", None)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def _sentence_only_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]  # the all-MiniLM-L6-v2 releases' key


@pytest.mark.parametrize("key", [_sentence_only_key, vector_key], ids=["old key", "same key"])
def test_vectors_an_earlier_model_cached_are_encoded_again_not_mixed_in(
    tmp_path: Path, key: Callable[[str], str]
) -> None:
    # An upgrade to a new sentence model finds the old model's cache: vectors of another size and
    # meaning, under the old key, or under the same key if a model change forgot to rename it.
    folder = _few_clauses(_school_folder(tmp_path, with_cache=False))
    kb = load_file(folder / "hiltingbury.yaml")
    old_keys = [key(s) for c in kb.clauses for s in sentences(c)]
    old_vectors = np.random.default_rng(0).normal(size=(len(old_keys), 384)).astype(np.float16)
    cache_path(folder, "hiltingbury").parent.mkdir()
    np.savez(cache_path(folder, "hiltingbury"), keys=np.array(old_keys), vectors=old_vectors)

    answer = PolicyBook(folder).ask("hiltingbury", "can I use the school logo on my instagram?")

    assert answer.best is not None and "logo" in answer.best.clause.text.lower()
    with np.load(cache_path(folder, "hiltingbury")) as data:  # rewritten with this model's vectors
        assert data["vectors_int8"].shape[1] == DIMENSIONS
        # under a name no earlier version reads: after a rollback it encodes again instead of taking
        # int8 values for float ones (cosines a thousand times too large)
        assert "vectors" not in data.files


def test_a_cache_the_previous_release_wrote_is_still_read(tmp_path: Path) -> None:
    # Releases before 2026-11-30 cached float16 vectors; now int8 with a scale per row (half the size).
    # A school's cache from then is still right for this model: read as it is, not encoded again.
    folder = _few_clauses(_school_folder(tmp_path, with_cache=False))
    kb = load_file(folder / "hiltingbury.yaml")
    texts = list(dict.fromkeys(s for c in kb.clauses for s in sentences(c)))
    cache_path(folder, "hiltingbury").parent.mkdir()
    np.savez(
        cache_path(folder, "hiltingbury"),
        keys=np.array([vector_key(t) for t in texts]),
        vectors=encoder().encode(texts).astype(np.float16),
    )
    written = cache_path(folder, "hiltingbury").read_bytes()

    answer = PolicyBook(folder).ask("hiltingbury", "can I use the school logo on my instagram?")

    assert answer.best is not None and "logo" in answer.best.clause.text.lower()
    assert cache_path(folder, "hiltingbury").read_bytes() == written  # nothing needed encoding again


def test_meaning_can_be_switched_off(tmp_path: Path) -> None:
    folder = _school_folder(tmp_path, with_cache=False)
    result = subprocess.run(
        [*POLICYBOT, "ask", "--school", "hiltingbury", "--json", "can I use the school logo on my instagram?"],
        capture_output=True,
        text=True,
        env=clean_env(POLICYBOT_KNOWLEDGE_DIR=str(folder), POLICYBOT_MEANING="off"),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '"answered": true' in result.stdout
    assert not cache_path(folder, "hiltingbury").exists()  # nothing was encoded


def test_the_bundled_knowledge_base_ships_its_vectors(book: PolicyBook) -> None:
    for school in book.school_ids():
        assert cache_path(default_knowledge_dir(), school).exists(), school


@pytest.mark.parametrize(
    "school, question, expected",
    [
        # No word of the question is in the clause: only meaning connects them.
        ("hiltingbury", "who keeps an eye on replies under the school's posts, and how often?", "monitored"),
        ("dobcroft", "a lad I taught years ago wants to connect with me online", "pupil"),
    ],
)
def test_questions_without_the_policy_s_words_find_the_clause(
    book: PolicyBook, school: str, question: str, expected: str
) -> None:
    top = [m.clause.text.lower() for m in book.ask(school, question).ranking.matches]
    assert any(expected in text for text in top), top


def test_while_every_core_encodes_other_questions_a_question_is_ranked_by_words(
    book: PolicyBook, caplog: pytest.LogCaptureFixture
) -> None:
    # A burst (a whole training session asking at once) must not queue questions behind the model
    # past Slack's 3 s: after a short wait a question is ranked by words alone. The test holds the
    # model's cores itself, as other questions being encoded would. (A question no other test asks: a
    # question asked before is answered from the model's recent questions.)
    question = "may I put the school's logo on my own instagram page?"
    with _every_core_busy(), caplog.at_level("INFO", logger="bot.matching.index"):
        busy = book.ask("hiltingbury", question)
    calm = book.ask("hiltingbury", question)

    assert busy.best is not None and "logo" in busy.best.clause.text.lower()
    assert busy.ranking.features["meaning"] == 0.0
    assert "meaning skipped" in caplog.text
    assert calm.ranking.features["meaning"] > 0.3


def test_a_question_asked_lately_keeps_its_meaning_while_every_core_is_busy(
    book: PolicyBook, caplog: pytest.LogCaptureFixture
) -> None:
    # In a burst most questions are the same few (a training session trying the example): those are
    # not queued behind the model at all.
    question = "is it OK to use the school logo on my instagram bio?"
    calm = book.ask("hiltingbury", question)
    with _every_core_busy(), caplog.at_level("INFO", logger="bot.matching.index"):
        again = book.ask("hiltingbury", question)
        other = book.ask("hiltingbury", "may I show the school badge in my profile picture?")

    assert again.ranking.features["meaning"] == calm.ranking.features["meaning"] > 0.3
    assert again.best is not None and calm.best is not None and again.best.clause.id == calm.best.clause.id
    assert other.ranking.features["meaning"] == 0.0  # a new question still waits, then goes by words
    assert caplog.text.count("meaning skipped") == 1


@contextlib.contextmanager
def _every_core_busy() -> Iterator[None]:
    model = encoder()
    held = 0
    while model._cores.acquire(blocking=False):
        held += 1
    try:
        yield
    finally:
        for _ in range(held):
            model._cores.release()


def test_packed_word_embeddings_come_back_within_half_a_step() -> None:
    """The word embeddings ship 4-bit (tools/pack_mpnet.py): what the encoder reads back is each value to
    within half its group's step, a group of equal values exactly."""
    rng = np.random.default_rng(7)
    rows = rng.normal(0, 0.05, size=(50, 64)).astype(np.float32)
    rows[3, :32] = 0.25  # one group of equal values
    packed, groups = uint4_groups(rows, 32)
    assert packed.shape == (50, 32) and packed.dtype == np.uint8
    ids = np.array([[3, 0, 49], [7, 7, 1]])
    back = embed_words({"word.q": packed, "word.groups": groups}, ids)
    steps = groups[..., 0].astype(np.float32)[ids]  # (2, 3, groups)
    error = np.abs(back - rows[ids]).reshape(*ids.shape, 2, 32)
    assert (error <= steps[..., None] / 2 + 1e-4).all()
    assert np.allclose(back[0, 0, :32], 0.25, atol=1e-4)
    # The byte order the shipped file was written in: the low nibble is the first value
    one_byte = {"word.q": np.array([[0x21]], np.uint8), "word.groups": np.array([[[1.0, 0.0]]], np.float16)}
    assert embed_words(one_byte, np.array([0])).tolist() == [[1.0, 2.0]]
