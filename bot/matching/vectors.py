"""Meaning vectors of a school's clauses, kept beside its knowledge file so a start-up computes none.

Each clause is represented by the vectors of its text, its answer line and each example question; the
best of them speaks for the clause. Encoding a school's thousand sentences takes tens of seconds, so
they are cached in `<knowledge folder>/vectors/<school>.npz`, keyed by a hash of each sentence and
the model's name: an edited clause re-encodes only what changed, and another model's cache is not
read. The bundled knowledge base ships its cache; `kb import` writes one for a new school; a folder
that cannot be written to is encoded in memory at start-up. A folder holding copies of the bundled
files takes their vectors from the package. Other schools' vectors, read only for their example
questions (topic_prior.py), are taken from caches alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from bot.knowledge.loader import bundled_knowledge_dir
from bot.knowledge.models import Clause, KnowledgeFile
from bot.matching.semantic import DIMENSIONS, MODEL_NAME, encoder

log = logging.getLogger(__name__)

CACHE_FOLDER = "vectors"


@dataclass(frozen=True)
class ClauseVectors:
    """All sentence vectors of one school, grouped by clause: rows `starts[i]:starts[i+1]` are clause i's."""

    matrix: np.ndarray  # (sentences, 768) float32, unit length
    starts: np.ndarray  # (clauses,) int, the first row of each clause

    def best_per_clause(self, query: np.ndarray) -> np.ndarray:
        """The cosine of each clause's closest sentence to the query vector."""
        return np.maximum.reduceat(self.matrix @ query, self.starts)

    def examples(self, clause: int) -> np.ndarray:
        """The vectors of clause number `clause`'s example questions (see `sentences`)."""
        end = self.starts[clause + 1] if clause + 1 < len(self.starts) else len(self.matrix)
        return self.matrix[self.starts[clause] + LEADING_SENTENCES : end]


# Each clause's sentences, in this order: its heading and text, its answer line, then its examples.
LEADING_SENTENCES = 2  # before the examples


def sentences(clause: Clause) -> list[str]:
    return [f"{clause.heading}: {clause.text}", clause.answer, *clause.examples]


def _key(text: str) -> str:
    # The model's name is part of the key: a cache written by another model (an upgrade) is never read.
    return hashlib.sha1(f"{MODEL_NAME}\n{text}".encode()).hexdigest()[:20]


def cache_path(directory: Path, school_id: str) -> Path:
    return directory / CACHE_FOLDER / f"{school_id}.npz"


def _read_cache(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path) as data:
            if data["vectors"].ndim != 2 or data["vectors"].shape[1] != DIMENSIONS:
                return {}  # another model's vectors under a key that happens to match: encode again
            return dict(zip(data["keys"].tolist(), data["vectors"].astype(np.float32), strict=True))
    except (OSError, ValueError, KeyError):
        return {}


def _write_cache(path: Path, known: dict[str, np.ndarray]) -> None:
    """Best effort, written whole then renamed, so a reader never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
        os.fchmod(fd, 0o644)  # not confidential, and the service account may differ from whoever built it
        with os.fdopen(fd, "wb") as out:
            keys = sorted(known)
            np.savez(out, keys=np.array(keys), vectors=np.stack([known[k] for k in keys]).astype(np.float16))
        os.replace(tmp, path)
    except OSError as exc:
        log.info("meaning vectors not cached at %s (%s); they are computed at each start", path, exc.strerror)


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


def cached_vectors(kb: KnowledgeFile, directory: Path) -> ClauseVectors | None:
    """The school's vectors if its cache (or the package's) has every one of them; never encodes or
    writes. For reading other schools' example questions, which must not cost a start-up minutes."""
    known = _read_cache(cache_path(directory, kb.school.id))
    shipped = _shipped()
    wanted = [s for clause in kb.clauses for s in sentences(clause)]
    rows = [known.get(_key(s), shipped.get(_key(s))) for s in wanted]
    if any(row is None for row in rows):
        return None
    return _grouped(kb, np.stack([r for r in rows if r is not None]).astype(np.float32))


def _grouped(kb: KnowledgeFile, matrix: np.ndarray) -> ClauseVectors:
    counts = [len(sentences(clause)) for clause in kb.clauses]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
    return ClauseVectors(matrix, starts)


def clause_vectors(kb: KnowledgeFile, directory: Path | None) -> ClauseVectors:
    """The school's vectors, from the cache where it has them, encoding (and caching) the rest."""
    path = cache_path(directory, kb.school.id) if directory is not None else None
    known = _read_cache(path) if path is not None else {}
    wanted = [s for clause in kb.clauses for s in sentences(clause)]
    missing = list(dict.fromkeys(s for s in wanted if _key(s) not in known))
    if missing:
        # A folder holding copies of the bundled files (a new school's folder beside the reviewed ones)
        # takes their vectors from the package instead of encoding thousands of sentences again. A
        # vector depends on its sentence's text alone, so nothing else of the bundled files comes along.
        shipped = _shipped()
        for text in missing:
            if _key(text) in shipped:
                known[_key(text)] = shipped[_key(text)]
        missing = [text for text in missing if _key(text) not in known]
        for text, vector in zip(missing, encoder().encode(missing) if missing else [], strict=True):
            known[_key(text)] = vector
        if path is not None:
            current = {_key(s) for s in wanted}
            _write_cache(path, {k: v for k, v in known.items() if k in current})
    return _grouped(kb, np.stack([known[_key(s)] for s in wanted]).astype(np.float32))
