"""Reading `knowledge/*.yaml` into models, keeping YAML line numbers for error messages."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.knowledge.models import KnowledgeFile, Vocabulary

VOCABULARY_FILE = "vocabulary.yaml"
# `knowledge/` in the repository, installed as this package (setup.py maps it), so a plain
# `pip install .` carries the knowledge base and an editable install reads the checkout's copy.
BUNDLED_PACKAGE = "bot.bundled_knowledge"


def bundled_knowledge_dir() -> Path:
    """The knowledge base shipped with the package. pip always unpacks packages, so this is a folder."""
    return Path(str(resources.files(BUNDLED_PACKAGE)))


def default_knowledge_dir() -> Path:
    """`POLICYBOT_KNOWLEDGE_DIR`, else the bundled knowledge base."""
    configured = os.environ.get("POLICYBOT_KNOWLEDGE_DIR")
    if configured:
        return Path(configured)
    return bundled_knowledge_dir()


class KnowledgeError(Exception):
    """The knowledge base cannot be loaded; the message says where and why."""


_NO_ALIASES = "uses a YAML alias (*name); knowledge files must spell every value out"


class _KnowledgeLoader(yaml.SafeLoader):
    """YAML without aliases. Knowledge files never need `*name` references, and they are what makes a
    "billion laughs" file: a few lines of nested aliases that expand to billions of strings once
    anything walks the data (validating it, or printing it in an error message)."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, _NO_ALIASES, event.start_mark)
        return super().compose_node(parent, index)  # type: ignore[arg-type]  # typeshed says int; PyYAML passes any key


# libyaml's parser, where PyYAML was built with it: a curated school file (a few thousand lines) parses
# in a few milliseconds instead of 0.2 s, most of `policybot ask`'s start-up otherwise.
_FAST_LOADER: type | None = getattr(yaml, "CSafeLoader", None)


def parse_yaml(text: str) -> Any:
    """Safe YAML (plain data only) without aliases; raises yaml.YAMLError."""
    if _FAST_LOADER is None:
        return yaml.load(text, Loader=_KnowledgeLoader)  # a SafeLoader: plain data only
    # libyaml's composer cannot be overridden, so aliases are refused from its event stream first,
    # before anything could expand them. An alias is written `*name`: text without a `*` has none, and
    # skips that pass (a fifth of reading a school's file).
    events = yaml.parse(text, Loader=_FAST_LOADER) if "*" in text else ()
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            at = event.start_mark  # libyaml's own mark type: only its line and column are needed
            mark = yaml.Mark("", 0, at.line, at.column, None, 0) if at is not None else None
            raise yaml.composer.ComposerError(None, None, _NO_ALIASES, mark)
    return yaml.load(text, Loader=_FAST_LOADER)  # CSafeLoader: plain data only


def _compose(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=_KnowledgeLoader)


def _problem(exc: yaml.YAMLError) -> str:
    """One short line: where and what, never the file's content."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}: " if mark is not None else ""
    return f"{where}{getattr(exc, 'problem', None) or exc.__class__.__name__}"


@dataclass(frozen=True)
class Located:
    """A raw YAML mapping with the line it starts on (1-based)."""

    data: dict
    line: int


@dataclass(frozen=True)
class RawFile:
    path: Path
    school: Located | None
    clauses: list[Located]


def read_raw(path: Path) -> RawFile:
    """Parse one school file without validating it, so every clause can be checked on its own."""
    text = path.read_text(encoding="utf-8")
    try:
        node = _compose(text)
        data = parse_yaml(text)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {_problem(exc)}") from exc
    if not isinstance(data, dict) or node is None:
        raise KnowledgeError(f"{path}: expected a mapping with 'school' and 'clauses'")
    lines = {key.value: value for key, value in node.value}
    school = None
    if isinstance(data.get("school"), dict):
        school = Located(data["school"], lines["school"].start_mark.line + 1)
    clauses: list[Located] = []
    raw_clauses = data.get("clauses")
    if isinstance(raw_clauses, list):
        for item, item_node in zip(raw_clauses, lines["clauses"].value, strict=True):
            clauses.append(Located(item if isinstance(item, dict) else {}, item_node.start_mark.line + 1))
    return RawFile(path, school, clauses)


def load_file(path: Path, kept_in: Path | None = None) -> KnowledgeFile:
    """One school file, validated. `kept_in`: a cache folder holding validated copies (kept.py), read
    instead of the YAML when made from the same bytes, and written when not."""
    from bot.knowledge import kept  # only callers that pass a cache folder need it

    try:
        raw = path.read_bytes()
        recalled = kept.recall(kept_in, path, raw)
        if recalled is not None:
            return recalled
        data = parse_yaml(raw.decode("utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {_problem(exc)}") from exc
    except UnicodeDecodeError as exc:
        raise KnowledgeError(f"{path}: not a text file in UTF-8 (byte {exc.start})") from exc
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    try:
        knowledge = KnowledgeFile.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError(f"{path}: {exc}") from exc
    kept.keep(kept_in, path, raw, knowledge)
    return knowledge


def school_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name != VOCABULARY_FILE)


@cache
def load_vocabulary(directory: Path) -> Vocabulary:
    path = directory / VOCABULARY_FILE
    if not path.exists():
        return Vocabulary()
    try:
        return Vocabulary.model_validate(parse_yaml(path.read_text(encoding="utf-8")) or {})
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {_problem(exc)}") from exc
    except ValidationError as exc:
        raise KnowledgeError(f"{path}: {exc}") from exc
