"""The knowledge folder's topic vote (topic_prior.py), kept in the cache folder between starts.

Building the vote reads every other school file of the folder and its sentence vectors: about 60 ms
of `policybot ask`'s start, more than half of indexing a school. It depends on nothing but those
files, their vectors and the code that builds it, so it is kept, with a digest of them all, and read
back in a few milliseconds while none of them has changed. A school file edited, a vector cache
rewritten (an edit encoded, an upgrade's model) or another version of this code: another digest, and
the vote is built afresh. A kept vote that is missing, damaged, someone else's or in a folder others
could change is ignored, as validated copies of the knowledge files are (knowledge/kept.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
from pathlib import Path

import numpy as np

from bot.atomic_file import written_whole
from bot.cache_folder import (
    mark_used,
    named_after,
    private_subfolder,
    read_trusted,
    remove_if_older,
    sweep,
    trusted,
)
from bot.knowledge import loader, models
from bot.knowledge.loader import bundled_knowledge_dir, school_files
from bot.matching import topic_prior, vectors
from bot.matching.semantic import DIMENSIONS, MODEL_NAME
from bot.matching.topic_prior import TopicPrior

log = logging.getLogger(__name__)

_SUBFOLDER = "topic-votes"
# This folder's vote before its files changed, unless another install sharing the cache still uses it
_REPLACED_SECONDS = 86_400


def _code() -> bytes:
    """The source of what decides a vote (which schools vote, with which vectors, how), so a change there
    needs no version number to be remembered; the number is for an install without its sources."""
    parts = [b"policybot topic vote 1", MODEL_NAME.encode()]
    # bot.answers picks the voters; it imports this module, so it is found, not imported
    sources = [m.__file__ for m in (models, loader, topic_prior, vectors)]
    with contextlib.suppress(ImportError, ValueError):
        spec = importlib.util.find_spec("bot.answers")
        sources.append(spec.origin if spec is not None else None)
    for source in sources:
        with contextlib.suppress(OSError, TypeError):
            parts.append(Path(source or "").read_bytes())
    return hashlib.sha256(b"\0".join(parts)).digest()


_CODE = _code()


def _version(path: Path) -> str:
    """Which version of a file this is, without reading it: a vector cache is rewritten whole."""
    try:
        stat = path.stat()
    except OSError:
        return "-"
    return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"


def digest(directory: Path, cache: Path) -> str:
    """What the folder's vote is built from: each school file's bytes, its vector cache's version and the
    package's caches (which stand in for a school's own where it lacks sentences), and the vectors
    kept in the cache folder `cache` for a folder that cannot be written."""
    h = hashlib.sha256(_CODE)
    for path in school_files(directory):
        h.update(f"\0{path.name}\0".encode())
        with contextlib.suppress(OSError):
            h.update(hashlib.sha256(path.read_bytes()).digest())
        h.update(_version(vectors.cache_path(directory, path.stem)).encode())
        h.update(_version(vectors.kept_path(cache, directory, path.stem)).encode())
    with contextlib.suppress(ModuleNotFoundError, OSError):
        for shipped in sorted((bundled_knowledge_dir() / vectors.CACHE_FOLDER).glob("*.npz")):
            h.update(f"\0{shipped.name}\0{_version(shipped)}".encode())
    return h.hexdigest()


def _paths(cache: Path, directory: Path, built_from: str) -> tuple[Path, Path]:
    """The vote's vectors (mapped, not read) and its topics, named by the folder and the digest: a file
    once written is never changed, so the two always belong together."""
    stem = cache / _SUBFOLDER / f"{named_after(directory)}-{built_from[:16]}"
    return stem.with_suffix(".npy"), stem.with_suffix(".json")


def recall(cache: Path | None, directory: Path, built_from: str) -> TopicPrior | None:
    """The folder's kept vote if it was built from exactly `built_from` (see `digest`), else None."""
    if cache is None:
        return None
    matrix_path, topics_path = _paths(cache, directory, built_from)
    try:
        raw = read_trusted(topics_path, cache)
        if raw is None or not trusted(matrix_path):
            return None
        record = json.loads(raw)
        if record.get("digest") != built_from:
            return None
        kinds = [tuple(str(t) for t in kind) for kind in record["kinds"]]
        topics = tuple(kinds[row] for row in record["rows"])
        matrix = np.load(matrix_path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):  # missing or damaged
        return None
    if matrix.dtype != np.float32 or matrix.ndim != 2 or matrix.shape[1] != DIMENSIONS or len(topics) != len(matrix):
        return None
    mark_used(matrix_path)
    mark_used(topics_path)
    return TopicPrior(matrix, topics)


def keep(cache: Path | None, directory: Path, built_from: str, prior: TopicPrior) -> None:
    """Best effort: a cache folder that cannot be written costs only the building at the next start."""
    if cache is None:
        return
    matrix_path, topics_path = _paths(cache, directory, built_from)
    try:
        if private_subfolder(cache, _SUBFOLDER) is None:
            log.info("topic vote not kept at %s: the folder is not this user's alone", matrix_path.parent)
            return
        with written_whole(matrix_path, 0o600) as out:  # first: the topics' file is what says it is there
            np.save(out, prior.vectors.astype(np.float32, copy=False), allow_pickle=False)
        with written_whole(topics_path, 0o600) as out:
            # A few lists of topics repeat over thousands of examples: each written once, the file is 25 KB
            # instead of 130 and reads in a millisecond
            kinds = list(dict.fromkeys(prior.topics))
            number = {kind: n for n, kind in enumerate(kinds)}
            rows = [number[kind] for kind in prior.topics]
            out.write(json.dumps({"digest": built_from, "kinds": kinds, "rows": rows}).encode())
        for earlier in matrix_path.parent.glob(f"{named_after(directory)}-*"):  # this folder's earlier votes
            if earlier not in (matrix_path, topics_path):
                remove_if_older(earlier, _REPLACED_SECONDS)
        sweep(matrix_path.parent)
    except OSError as exc:
        log.info("topic vote not kept at %s (%s)", matrix_path.parent, exc.strerror)
