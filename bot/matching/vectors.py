"""Meaning vectors of a school's clauses, kept beside its knowledge file so a start-up computes none.

Each clause is represented by the vectors of its text, its answer line and each example question; the
best of them speaks for the clause. Encoding a school's thousand sentences takes tens of seconds, so
they are cached in `<knowledge folder>/vectors/<school>.npz`, keyed by a hash of each sentence and
the model's name: an edited clause re-encodes only what changed, and another model's cache is not
read. The bundled knowledge base ships its cache; `kb import` writes one for a new school; a folder
that cannot be written to (a service account's read-only copy) has its vectors kept in policybot's
cache folder instead, so only the first start encodes them. A folder holding copies of the bundled
files takes their vectors from the package. Other schools' vectors, read only for their example
questions (topic_prior.py), are taken from caches alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO

import numpy as np

from bot.atomic_file import written_whole
from bot.cache_folder import cache_folder, mark_used, named_after, private_subfolder, sweep, trusted
from bot.knowledge.draft_words import answer_in_policy_words, imports_own_line, split_parts
from bot.knowledge.loader import bundled_knowledge_dir
from bot.knowledge.models import Clause, KnowledgeFile
from bot.matching.semantic import DIMENSIONS, MODEL_NAME, encoder, int8_rows

log = logging.getLogger(__name__)

CACHE_FOLDER = "vectors"
_KEPT_SUBFOLDER = "vectors"  # in policybot's cache folder, for knowledge folders that cannot be written
# Encoding this many makes a start wait long enough to say so: a clause text can take a second on a
# busy server, and 96 of an imported policy's sentences once kept a start silent for 20 s.
_SAY_SENTENCES = 10
_INT8 = "vectors_int8"
_READ_KEPT = 32  # cache files read and kept; more only after many edits in a long-running process
_read: dict[Path, tuple[tuple[int, int, int], Mapping[str, np.ndarray]]] = {}
_read_lock = threading.Lock()


@dataclass(frozen=True)
class ClauseVectors:
    """All sentence vectors of one school, grouped by clause: rows `starts[i]:starts[i+1]` are clause i's."""

    matrix: np.ndarray  # (sentences, 768) float32, unit length
    starts: np.ndarray  # (clauses,) int, the first row of each clause
    unranked: np.ndarray | None = None  # rows that speak for no clause in the ranking (`_ranked_parts`)

    def best_per_clause(self, query: np.ndarray) -> np.ndarray:
        """The cosine of each clause's closest sentence to the query vector."""
        cosines = self.matrix @ query
        if self.unranked is not None:
            cosines[self.unranked] = -1.0
        return np.maximum.reduceat(cosines, self.starts)

    def examples(self, clause: int, count: int) -> np.ndarray:
        """The vectors of clause number `clause`'s `count` example questions (see `sentences`)."""
        first = self.starts[clause] + LEADING_SENTENCES
        return self.matrix[first : first + count]

    def parts(self, clause: int, examples: int) -> np.ndarray:
        """The vectors of the parts of clause number `clause` (`own_parts`), after its `examples` examples."""
        end = self.starts[clause + 1] if clause + 1 < len(self.starts) else len(self.matrix)
        return self.matrix[self.starts[clause] + LEADING_SENTENCES + examples : end]


# Each clause's sentences, in this order: its heading and text, its answer line, its examples, then the parts of
# an unreviewed draft's clause (`own_parts`).
LEADING_SENTENCES = 2  # before the examples


def sentences(clause: Clause) -> list[str]:
    return [f"{clause.heading}: {clause.text}", clause.answer, *clause.examples, *own_parts(clause)]


def own_parts(clause: Clause) -> list[str]:
    """Each sentence (or rule of a sentence) of a clause nobody has reviewed, whose answer line is still the
    import's (its first words, or a list item's framed by its lead-in or "Don't"): the verdict answers with the
    part a question is about (bot/verdicts.py), and words shared had chosen it worse than meaning. A reviewed line
    speaks for its whole clause."""
    if clause.examples or not answer_in_policy_words(clause):
        return []
    found = split_parts(clause.text)
    return found if len(found) > 1 else []


def _key(text: str) -> str:
    # The model's name is part of the key: a cache written by another model (an upgrade) is never read.
    return hashlib.sha1(f"{MODEL_NAME}\n{text}".encode()).hexdigest()[:20]


def cache_path(directory: Path, school_id: str) -> Path:
    return directory / CACHE_FOLDER / f"{school_id}.npz"


def _read_cache(path: Path) -> Mapping[str, np.ndarray]:
    """The cache's vectors by key (empty if it is missing or unreadable). A start reads each school's
    cache twice (its own index, and other schools' example questions): each version of a file is
    read once, and every caller shares it, read-only."""
    try:
        with path.open("rb") as file:
            stat = os.fstat(file.fileno())  # the version of the very file read below
            version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            with _read_lock:
                kept = _read.get(path)
            if kept is not None and kept[0] == version:
                return kept[1]
            vectors = _vectors(file)
    except (OSError, ValueError, KeyError):
        return MappingProxyType({})
    with _read_lock:
        if len(_read) >= _READ_KEPT:
            _read.clear()
        _read[path] = (version, vectors)
    return vectors


def _vectors(file: BinaryIO) -> Mapping[str, np.ndarray]:
    with np.load(file) as data:
        if _INT8 in data:  # since 2026-11-30: int8, a scale per row
            vectors = np.multiply(data[_INT8], data["scales"][:, None], dtype=np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        else:  # float16, as earlier versions wrote them: still valid, no need to encode again
            vectors = data["vectors"].astype(np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != DIMENSIONS:
            return MappingProxyType({})  # another model's vectors under a key that happens to match: encode again
        vectors.setflags(write=False)
        return MappingProxyType(dict(zip(data["keys"].tolist(), vectors, strict=True)))


def _write_cache(path: Path, known: dict[str, np.ndarray], mode: int = 0o644) -> bool:
    """Best effort, written whole (atomic_file.py), so a reader never sees half a file. The int8 values
    go under their own name: an earlier version, after a rollback, finds no `vectors` it would
    misread and encodes again. 0644 beside the knowledge file: not confidential, and the service
    account may differ from whoever built it."""
    keys = sorted(known)
    # Half the size of float16; a cosine moves by 0.0002 on average, 0.0015 at most (bundled sentences).
    values, scales = int8_rows(np.stack([known[k] for k in keys]))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with written_whole(path, mode) as out:
            arrays: dict[str, Any] = {"keys": np.array(keys), _INT8: values, "scales": scales[:, 0]}
            np.savez(out, **arrays)
    except OSError as exc:
        log.info("meaning vectors not cached at %s (%s)", path, exc.strerror)
        return False
    return True


def kept_path(cache: Path, directory: Path, school_id: str) -> Path:
    """Where the school's vectors are kept when its knowledge folder cannot be written: policybot's
    cache folder (bot/cache_folder.py), named after the knowledge folder."""
    return cache / _KEPT_SUBFOLDER / f"{school_id}-{named_after(directory)}.npz"


def _read_kept(directory: Path, school_id: str) -> Mapping[str, np.ndarray]:
    cache = cache_folder()
    if cache is None:
        return MappingProxyType({})
    path = kept_path(cache, directory, school_id)
    try:
        if not trusted(path):  # what is kept decides answers: only this user's own file
            return MappingProxyType({})
    except OSError:
        return MappingProxyType({})
    mark_used(path)
    return _read_cache(path)


def _keep(directory: Path, school_id: str, known: dict[str, np.ndarray]) -> None:
    cache = cache_folder()
    try:
        folder = private_subfolder(cache, _KEPT_SUBFOLDER) if cache is not None else None
    except OSError:
        folder = None
    if cache is None or folder is None or not _write_cache(kept_path(cache, directory, school_id), known, 0o600):
        log.warning("meaning vectors of %s cannot be kept anywhere: they are encoded again at each start", school_id)
        return
    sweep(folder)


@cache
def _shipped() -> dict[str, np.ndarray]:
    """Every sentence vector the bundled knowledge base ships, by sentence hash (about 7 MB)."""
    known: dict[str, np.ndarray] = {}
    try:
        folder = bundled_knowledge_dir() / CACHE_FOLDER
    except ModuleNotFoundError:  # run from a checkout without the bundled package: encode instead
        return known
    for path in sorted(folder.glob("*.npz")):
        known.update(_read_cache(path))
    return known


def _from_caches(keys: list[str], directory: Path | None, school_id: str) -> tuple[dict[str, np.ndarray], bool]:
    """The vectors of `keys` that the school's cache or the package's has, and whether the school's
    own cache has them all (else it is worth writing again)."""
    known = _read_cache(cache_path(directory, school_id)) if directory is not None else {}
    if all(k in known for k in keys):  # the usual start: the package's caches need not be read
        return {k: known[k] for k in keys}, True
    if directory is not None:  # a read-only knowledge folder's vectors, kept in the cache folder
        known = {**_read_kept(directory, school_id), **known}
    # A folder holding copies of the bundled files (a new school's folder beside the reviewed ones)
    # takes their vectors from the package instead of encoding thousands of sentences again. A
    # vector depends on its sentence's text alone, so nothing else of the bundled files comes along.
    shipped = _shipped()
    found = {k: known[k] if k in known else shipped[k] for k in keys if k in known or k in shipped}
    return found, False


def uncached(kb: KnowledgeFile, directory: Path) -> int:
    """How many of the school's sentences no cache has: what encoding it would take."""
    keys = {_key(s) for clause in kb.clauses for s in sentences(clause)}
    found, _ = _from_caches(list(keys), directory, kb.school.id)
    return len(keys) - len(found)


def cached_vectors(kb: KnowledgeFile, directory: Path) -> ClauseVectors | None:
    """The school's vectors if its cache (or the package's) has every one of them; never encodes or
    writes. For reading other schools' example questions, which must not cost a start-up minutes."""
    keys = [_key(s) for clause in kb.clauses for s in sentences(clause)]
    found, _ = _from_caches(keys, directory, kb.school.id)
    if len(found) < len(set(keys)):
        return None
    return _grouped(kb, np.stack([found[k] for k in keys]))


def _grouped(kb: KnowledgeFile, matrix: np.ndarray) -> ClauseVectors:
    parts = [len(own_parts(clause)) for clause in kb.clauses]
    counts = [LEADING_SENTENCES + len(c.examples) + n for c, n in zip(kb.clauses, parts, strict=True)]
    ends = np.cumsum(counts)
    starts = (ends - counts).astype(np.intp)
    # a clause's parts are its last rows
    unranked = [
        row
        for clause, end, n in zip(kb.clauses, ends.tolist(), parts, strict=True)
        if n and not _ranked_parts(clause)
        for row in range(end - n, end)
    ]
    return ClauseVectors(matrix, starts, np.array(unranked, dtype=np.intp) if unranked else None)


def _ranked_parts(clause: Clause) -> bool:
    """Whether a clause's parts also speak for it in the ranking: an unreviewed clause's own first words' parts do
    (on `tune`, leave-one-out drafts' top-3 129 -> 132 of 180), a list item's framed by its lead-in or "Don't" do
    not (drafts 132 -> 131, the other template's top-1 26 -> 25 of 36, one more out-of-scope question answered):
    their first sentence read with its lead-in is what the ranking knew them by."""
    return imports_own_line(clause)


def clause_vectors(kb: KnowledgeFile, directory: Path | None, announce: bool = False) -> ClauseVectors:
    """The school's vectors, from the caches where they have them, encoding (and caching) the rest.
    `announce`: log a warning before a long encoding (a start of `ask` or `serve` that will wait)."""
    wanted = [s for clause in kb.clauses for s in sentences(clause)]
    keys = [_key(s) for s in wanted]
    found, cache_complete = _from_caches(keys, directory, kb.school.id)
    missing = list(dict.fromkeys(text for text, k in zip(wanted, keys, strict=True) if k not in found))
    if missing:
        if announce and len(missing) >= _SAY_SENTENCES:  # seconds to minutes: whoever waits should know why
            log.warning("encoding %d sentences of %s for matching by meaning, once", len(missing), kb.school.id)
        for text, vector in zip(missing, encoder().encode(missing), strict=True):
            found[_key(text)] = vector
    # This school's current sentences only; a folder that cannot be written keeps them in the cache folder.
    written = directory is None or cache_complete or _write_cache(cache_path(directory, kb.school.id), found)
    if directory is not None and not written and missing:
        _keep(directory, kb.school.id, found)
    return _grouped(kb, np.stack([found[k] for k in keys]))
