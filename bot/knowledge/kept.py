"""Knowledge files (school files and the vocabulary) as last validated, kept as JSON in the cache
folder (bot/cache_folder.py).

PyYAML builds a school file's thousands of strings one Python call at a time, even with libyaml: 12
to 20 ms a file, and a start reads every school file of the folder (their example questions vote on
topics, matching/topic_prior.py), 60 to 100 ms of `policybot ask`'s start. The same records read
back from JSON take about 1 ms a file, validated again as they are read, so nothing reaches an
answer that the models would not accept from the YAML.

One copy per knowledge file (named by a digest of the file's path), holding a digest of the YAML's
bytes: an edited file no longer matches and is read from its YAML again, then kept anew. A copy
that is missing, damaged, someone else's or changeable by others is ignored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.atomic_file import written_whole
from bot.cache_folder import remove_if_older, trusted

log = logging.getLogger(__name__)
Model = TypeVar("Model", bound=BaseModel)

# Part of the digest: a release that validates or reads files differently reads its own copies.
_FORMAT = b"policybot knowledge 1\n"
_SUBFOLDER = "knowledge"
_UNUSED_SECONDS = 7 * 86_400  # copies of files nobody reads any more (a folder tried once) go after a week
_STALE_SECONDS = 600  # a half-written copy this old was left by a process that stopped


def _copy_path(folder: Path, source: Path) -> Path:
    named = hashlib.sha1(str(source.resolve()).encode()).hexdigest()[:16]
    return folder / _SUBFOLDER / f"{source.stem[:40]}-{named}.json"


def _digest(raw: bytes) -> str:
    return hashlib.sha256(_FORMAT + raw).hexdigest()


def recall(folder: Path | None, source: Path, raw: bytes, model: type[Model]) -> Model | None:
    """The kept copy of `source` as `model` if it was made from exactly these bytes, else None."""
    if folder is None:
        return None
    path = _copy_path(folder, source)
    try:
        if not trusted(path):
            return None
        kept = json.loads(path.read_bytes())
        if kept.get("digest") != _digest(raw):
            return None
        return model.model_validate(kept["file"])
    except (OSError, ValueError, KeyError, AttributeError, ValidationError):  # ValueError: damaged JSON
        return None


def keep(folder: Path | None, source: Path, raw: bytes, knowledge: BaseModel) -> None:
    """Best effort: a folder that cannot be written costs only the YAML's time at the next start."""
    if folder is None:
        return
    path = _copy_path(folder, source)
    record = {"source": str(source), "digest": _digest(raw), "file": knowledge.model_dump(mode="json")}
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.parent.mkdir(exist_ok=True, mode=0o700)
        with written_whole(path, 0o600) as out:
            out.write(json.dumps(record, ensure_ascii=False).encode())
        for other in path.parent.iterdir():
            # A copy in use is never written again, so this also drops those of folders still used: they
            # are read from their YAML once more and kept again. Half files of a stopped process go sooner.
            remove_if_older(other, _STALE_SECONDS if other.suffix == ".tmp" else _UNUSED_SECONDS)
    except OSError as exc:
        log.info("validated copy of %s not kept at %s (%s)", source.name, path.parent, exc.strerror)
