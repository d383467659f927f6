"""A policy file -> plain text: one paragraph per line, bullets as `- ` (one leading space per level).

That is the shape of the curated policy texts in `knowledge/sources/`, so everything after this step
reads Word, PDF and text policies the same way, and the text written beside the draft is what its
clauses are checked against.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED = (".docx", ".pdf", ".txt", ".md")

# Between the fields of one row of a register table (a version history): such a line is no clause and
# states no date of the policy (tables.py writes it; split.py and details.py read it so).
REGISTER = " | "

# Called with (pages done, pages in all) while a long document is read.
Progress = Callable[[int, int], None]


class ExtractError(Exception):
    """The file cannot be read as a policy; the message says why, in one line."""


@dataclass(frozen=True)
class Extracted:
    text: str
    pages: int = 1
    removed: tuple[str, ...] = field(default=())  # page headers/footers dropped by their position on the page
    notes: tuple[str, ...] = field(default=())  # what the reader noticed, for whoever imports it
    # A short line repeated word for word is a running header that a conversion left in the text; a Word
    # document keeps its headers apart, so there it is the policy's own words (a lead-in used twice).
    repeats_are_headers: bool = True
    headings: frozenset[str] = field(default=frozenset())  # lines styled as headings (Word's "Heading 1" ...)


def extract(path: Path, progress: Progress | None = None) -> Extracted:
    suffix = path.suffix.lower()
    if path.is_dir():
        raise ExtractError(f"{path} is a folder; give the policy file inside it ({', '.join(SUPPORTED)})")
    if suffix in (".doc", ".dot", ".dotx", ".rtf", ".odt"):
        raise ExtractError(f"{path.name}: open it in Word and save it as a Word Document (.docx), then import that")
    if suffix not in SUPPORTED:
        raise ExtractError(f"{path.name}: unsupported file type {suffix or '(none)'}; use {', '.join(SUPPORTED)}")
    if not path.is_file():
        raise ExtractError(f"{path}: no such file")
    if suffix == ".docx":
        from bot.knowledge.importing.word import read_docx

        return read_docx(path)
    if suffix == ".pdf":
        from bot.knowledge.importing.pdf import read_pdf

        return read_pdf(path, progress)
    text = _read_text(path)
    return Extracted(_from_markdown(text) if suffix == ".md" else text)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"cannot read {path}: {exc.strerror}") from exc
    if b"\x00" in raw[:4096]:
        raise ExtractError(f"{path.name}: this is not a text file (save the policy as .docx, .pdf or .txt)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Windows' own "Save as text"
    return text.replace("\r\n", "\n").replace("\r", "\n")


_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_BULLET = re.compile(r"^(\s*)[*+]\s+")


def _from_markdown(text: str) -> str:
    """Markdown headings and bullets in the plain-text shape; soft-wrapped paragraph lines joined."""
    out: list[str] = []
    joinable = False  # the previous line is paragraph or bullet text that a wrapped line continues
    for raw in text.splitlines():
        heading = bool(_MD_HEADING.match(raw))
        line = _MD_BULLET.sub(lambda m: m.group(1) + "- ", _MD_HEADING.sub("", raw.rstrip()))
        starts_item = bool(re.match(r"\s*(?:-|\d+[.)])\s", line))
        if joinable and line.strip() and not heading and not starts_item:
            out[-1] += " " + line.strip()
            continue
        out.append(line)
        joinable = bool(line.strip()) and not heading
    return "\n".join(out) + "\n"
