"""Knowledge files (school files and the vocabulary) as last validated, kept as JSON in the cache
folder (bot/cache_folder.py).

PyYAML builds a school file's thousands of strings one Python call at a time, even with libyaml: 12
to 20 ms a file, and a start reads every school file of the folder (their example questions vote on
topics, matching/topic_prior.py), 60 to 100 ms of `policybot ask`'s start. The same records read
back from JSON take about 1 ms a file, validated again as they are read. A copy holds only the
fields the file gave, so the records are the YAML's own: a school that leaves `reporting_clause`
out (the bot finds one) is not read back as one that set it to null (the policy has none).

One copy per knowledge file (named by a digest of the file's path), holding a digest of the YAML's
bytes and of the models' source: an edited file, or another version of the models, no longer
matches, and the YAML is read again and kept anew. A copy that is missing, damaged, someone else's
or in a folder others could change is ignored. Copies nobody has read for a week are removed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.atomic_file import written_whole
from bot.cache_folder import mark_used, named_after, private_subfolder, read_trusted, sweep
from bot.knowledge import models as models_module

log = logging.getLogger(__name__)
Model = TypeVar("Model", bound=BaseModel)


def _format() -> bytes:
    """Part of every digest: a copy made by code that validated differently is never believed. The
    models' own source is part of it, so a change there needs no one to remember a version number."""
    try:
        models = Path(models_module.__file__ or "").read_bytes()
    except OSError:
        models = b""
    return b"policybot knowledge 2\n" + hashlib.sha256(models).digest()


_FORMAT = _format()
_SUBFOLDER = "knowledge"


def _copy_path(folder: Path, source: Path) -> Path:
    return folder / _SUBFOLDER / f"{source.stem[:40]}-{named_after(source)}.json"


def _digest(raw: bytes) -> str:
    return hashlib.sha256(_FORMAT + raw).hexdigest()


def recall(folder: Path | None, source: Path, raw: bytes, model: type[Model]) -> Model | None:
    """The kept copy of `source` as `model` if it was made from exactly these bytes, else None."""
    if folder is None:
        return None
    path = _copy_path(folder, source)
    try:
        text = read_trusted(path, folder)
        if text is None:
            return None
        kept = json.loads(text)
        if kept.get("digest") != _digest(raw):
            return None
        recalled = model.model_validate(kept["file"])
    except (OSError, ValueError, KeyError, AttributeError, ValidationError):  # ValueError: damaged JSON
        return None
    mark_used(path)
    return recalled


def keep(folder: Path | None, source: Path, raw: bytes, knowledge: BaseModel) -> None:
    """Best effort: a folder that cannot be written costs only the YAML's time at the next start."""
    if folder is None:
        return
    path = _copy_path(folder, source)
    # Only what the file said: a field left out ("find the reporting clause") is not the same as one
    # set to its default ("this policy has none").
    said = knowledge.model_dump(mode="json", exclude_unset=True)
    record = {"source": str(source), "digest": _digest(raw), "file": said}
    try:
        if private_subfolder(folder, _SUBFOLDER) is None:
            log.info("validated copies not kept at %s: the folder is not this user's alone", path.parent)
            return
        with written_whole(path, 0o600) as out:
            out.write(json.dumps(record, ensure_ascii=False).encode())
        sweep(path.parent)  # copies in use are marked when read (recall)
    except OSError as exc:
        log.info("validated copy of %s not kept at %s (%s)", source.name, path.parent, exc.strerror)
