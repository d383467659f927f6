"""Knowledge files as YAML: plain data only, no aliases, and YAML line numbers for `kb check`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.loader import KnowledgeError

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


def parsed(path: Path, raw: bytes) -> Any:
    """The file's plain data, or KnowledgeError saying where and why it cannot be read."""
    try:
        return parse_yaml(raw.decode("utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {_problem(exc)}") from exc
    except UnicodeDecodeError as exc:
        raise KnowledgeError(f"{path}: not a text file in UTF-8 (byte {exc.start})") from exc
