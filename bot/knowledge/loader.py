"""Reading `knowledge/*.yaml` into models: from the validated copies kept in the cache folder where
they are current (kept.py), else from the YAML (yaml_text.py, imported only then)."""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.knowledge import kept
from bot.knowledge.models import KnowledgeFile, Vocabulary

VOCABULARY_FILE = "vocabulary.yaml"
# `knowledge/` in the repository, installed as this package (setup.py maps it), so a plain
# `pip install .` carries the knowledge base and an editable install reads the checkout's copy.
BUNDLED_PACKAGE = "bot.bundled_knowledge"


def bundled_knowledge_dir() -> Path:
    """The knowledge base shipped with the package. pip always unpacks packages, so this is a folder."""
    return Path(str(resources.files(BUNDLED_PACKAGE)))


def inside_installed_package(folder: Path) -> bool:
    """Whether `folder` is the knowledge base a plain `pip install` put inside the package, which the next
    install replaces; an editable install's is the checkout's own `knowledge/`, beside pyproject.toml."""
    try:
        bundled = bundled_knowledge_dir()
    except ModuleNotFoundError:  # run from a checkout that was never installed: there is no package copy
        return False
    return folder.resolve() == bundled.resolve() and not (bundled.parent / "pyproject.toml").is_file()


def default_knowledge_dir() -> Path:
    """`POLICYBOT_KNOWLEDGE_DIR`, else the bundled knowledge base."""
    configured = os.environ.get("POLICYBOT_KNOWLEDGE_DIR")
    if configured:
        return Path(configured).expanduser()  # "~/kb" from a .env or a service file, where no shell expands it
    return bundled_knowledge_dir()


class KnowledgeError(Exception):
    """The knowledge base cannot be loaded; the message says where and why."""


Model = TypeVar("Model", bound=BaseModel)


def describe(exc: ValidationError) -> str:
    """What is wrong, one `field: problem` per error, without pydantic's links and input dumps."""
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "value"
        parts.append(f"{field}: {err['msg']}")
    return "; ".join(parts)


def _read(path: Path, model: type[Model], kept_in: Path | None, empty_means: dict | None = None) -> Model:
    """The file as `model`, from its kept copy when made from the same bytes, else from the YAML (and
    kept). `empty_means`: the data an empty file stands for, if it may be empty."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    recalled = kept.recall(kept_in, path, raw, model)
    if recalled is not None:
        return recalled
    from bot.knowledge.yaml_text import parsed  # PyYAML is needed only when no copy is current

    data = parsed(path, raw)
    try:
        result = model.model_validate(empty_means if not data and empty_means is not None else data)
    except ValidationError as exc:
        raise KnowledgeError(f"{path}: {describe(exc)} (`policybot kb check` gives the line)") from exc
    kept.keep(kept_in, path, raw, result)
    return result


def load_file(path: Path, kept_in: Path | None = None) -> KnowledgeFile:
    """One school file, validated. `kept_in`: a cache folder holding validated copies (kept.py), read
    instead of the YAML when made from the same bytes, and written when not."""
    return _read(path, KnowledgeFile, kept_in)


def school_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name != VOCABULARY_FILE)


@cache
def load_vocabulary(directory: Path, kept_in: Path | None = None) -> Vocabulary:
    path = directory / VOCABULARY_FILE
    if not path.exists():
        return Vocabulary()
    return _read(path, Vocabulary, kept_in, empty_means={})
