"""A Word (.docx) policy -> plain text, read with python-docx.

Body paragraphs and table rows in document order; page headers and footers live outside the body
in Word, so they never reach the text. Bullets are Word list paragraphs (a "List ..." style or
list numbering), nested by their list level; Word's automatic numbers ("1.", "a)") are not in
the paragraph text, so they are rendered from the document's numbering definitions.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.knowledge.importing.extract import Extracted, ExtractError

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.text.paragraph import Paragraph

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _open(path: Path) -> WordDocument:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ExtractError(f"{path.name}: not a readable Word document ({exc.__class__.__name__})") from exc
    except OSError as exc:
        raise ExtractError(f"cannot read {path}: {exc.strerror}") from exc


class _Numbering:
    """Word's automatic list numbers: numId/ilvl -> the format of each level, and running counters."""

    def __init__(self, document: WordDocument) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str]] = {}  # (numId, ilvl) -> (numFmt, lvlText)
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for node in root.findall(f"{_W}abstractNum"):
            levels = {}
            for level in node.findall(f"{_W}lvl"):
                fmt = level.find(f"{_W}numFmt")
                text = level.find(f"{_W}lvlText")
                levels[int(level.get(f"{_W}ilvl", "0"))] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else "",
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in root.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            numbered = abstract.get(ref.get(f"{_W}val")) if ref is not None else None
            for ilvl, spec in (numbered or {}).items():
                self.formats[(num.get(f"{_W}numId"), ilvl)] = spec

    def label(self, num_id: str, ilvl: int) -> tuple[str, bool]:
        """(the rendered number, e.g. '4.6' or '(a)', or '' for a bullet; whether it is a bullet)."""
        fmt, text = self.formats.get((num_id, ilvl), ("bullet", ""))
        if fmt in ("bullet", "none"):
            return "", True
        counts = self.counters.setdefault(num_id, [0] * 9)
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0

        def render(found: re.Match[str]) -> str:
            level = int(found.group(1)) - 1
            value = max(counts[level], 1)
            level_fmt = self.formats.get((num_id, level), ("decimal", ""))[0]
            if level_fmt == "lowerLetter":
                return chr(ord("a") + (value - 1) % 26)
            if level_fmt == "upperLetter":
                return chr(ord("A") + (value - 1) % 26)
            if level_fmt == "lowerRoman":
                return _roman(value).lower()
            return str(value)

        return re.sub(r"%(\d)", render, text).strip(), False


def _roman(value: int) -> str:
    out = ""
    for number, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out, value = out + letters, value - number
    return out


def _num_pr(element: Any) -> tuple[str | None, int | None]:
    num_pr = element.find(f"{_W}numPr") if element is not None else None
    if num_pr is None:
        return None, None
    num_id, ilvl = num_pr.find(f"{_W}numId"), num_pr.find(f"{_W}ilvl")
    value = num_id.get(f"{_W}val") if num_id is not None else None
    return (value if value != "0" else None), (int(ilvl.get(f"{_W}val")) if ilvl is not None else None)


def _list_level(paragraph: Paragraph) -> tuple[str | None, int, bool]:
    """(numId, level, is a list paragraph): from the paragraph's own numbering, else its style's.

    Word's "List Bullet 2" style carries its level in its name, not always in its numbering.
    """
    style = paragraph.style
    name = (style.name or "").lower() if style is not None else ""
    digit = re.search(r"(\d)$", name)
    style_level = int(digit.group(1)) - 1 if digit and name.startswith("list") else None
    num_id, ilvl = _num_pr(paragraph._p.pPr)
    if num_id is None:
        num_id, style_ilvl = _num_pr(getattr(style.element, "pPr", None) if style is not None else None)
        ilvl = style_level if style_level is not None else style_ilvl
    level = ilvl if ilvl is not None else (style_level or 0)
    return num_id, level, num_id is not None or name.startswith("list")


def _paragraph_line(paragraph: Paragraph, numbering: _Numbering) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    num_id, level, listed = _list_level(paragraph)
    if not listed:
        return text
    if num_id is not None:
        label, bullet = numbering.label(num_id, level)
        if not bullet:
            return f"{' ' * level}{label} {text}"
    return f"{' ' * level}- {text}"


def read_docx(path: Path) -> Extracted:
    document = _open(path)
    numbering = _Numbering(document)
    lines: list[str] = []
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            line = _paragraph_line(item, numbering)
            if line:
                lines.extend([line, ""])
        elif isinstance(item, Table):
            for row in item.rows:
                cells = [c.text.strip() for c in row.cells]
                # Merged cells repeat their text in python-docx; keep each value once.
                unique = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                if unique:
                    lines.extend(["\t".join(unique), ""])
    return Extracted("\n".join(lines).rstrip() + "\n")
