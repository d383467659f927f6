"""A Word (.docx) policy -> plain text, read from the document's XML with python-docx.

Body paragraphs and tables in document order; page headers and footers live outside the body in
Word, so they never reach the text. The text is what the document shows with every tracked change
accepted (inserted words in, deleted ones out), and includes text in content controls, fields'
shown results, hyperlinks and text boxes. A line break inside a paragraph (Shift+Enter) continues
the paragraph. Bullets are Word list paragraphs (a "List ..." style or list numbering), nested by
their list level; Word's automatic numbers ("1.", "a)") are not in the paragraph text, so they are
rendered from the document's numbering definitions: a lettered or roman item as `(a)`, a numbered
list under a lead-in ("... have a responsibility to:") as bullets, other numbers as sections.
Tables are read by their shape (`tables.py`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.knowledge.importing.extract import Extracted, ExtractError
from bot.knowledge.importing.tables import table_lines

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Never shown: deleted or moved-away text, field codes, properties, note marks, and the older copy of a
# text box Word keeps for other readers (mc:Fallback), which would repeat the box.
_HIDDEN = {
    f"{_W}{name}"
    for name in (
        "del",
        "moveFrom",
        "delText",
        "instrText",
        "pPr",
        "rPr",
        "sdtPr",
        "footnoteRef",
        "endnoteRef",
        "commentReference",
        "annotationRef",
    )
} | {f"{_MC}Fallback"}
_TRACKED = {f"{_W}{name}" for name in ("ins", "del", "moveFrom", "moveTo")}
_NOTE_REFERENCES = {f"{_W}footnoteReference": "footnotes", f"{_W}endnoteReference": "endnotes"}
# A sentence leading into its list ("Employees must not:", "Managers have a responsibility to:"); not a
# form's "Signature of Chair of Governors:"
_LEAD_IN = re.compile(
    r"\b(?:must|should|shall|will|may|can|cannot|need|needs|are|is|have|has|include|includes)\b|"
    r"\b(?:to|that|by|following|as follows|such as)\s*:$",
    re.IGNORECASE,
)
_LETTERS = ("lowerLetter", "upperLetter", "lowerRoman")  # items; "I.", "II." number sections
# An old Word file (.doc) and a password-protected .docx are both OLE compound files, not zip packages.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _open(path: Path) -> WordDocument:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with path.open("rb") as file:
            start = file.read(8)
    except OSError as exc:
        raise ExtractError(f"cannot read {path}: {exc.strerror}") from exc
    if start == _OLE:
        raise ExtractError(
            f"{path.name}: this is an old Word file (.doc) or a password-protected one: open it in Word, "
            "remove any password, and save it as a Word Document (.docx)"
        )
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
        self.starts: dict[tuple[str, int], int] = {}  # (numId, ilvl) -> the level's first number
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        style_links: dict[str, str] = {}  # a list style's name -> the abstractNum that defines it
        links: dict[str, str] = {}  # abstractNum -> the list style it takes its levels from
        for node in root.findall(f"{_W}abstractNum"):
            levels = {}
            for level in node.findall(f"{_W}lvl"):
                fmt, text, first = (level.find(f"{_W}{name}") for name in ("numFmt", "lvlText", "start"))
                levels[int(level.get(f"{_W}ilvl", "0"))] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else "",
                    _number(first, 1),
                )
            key = node.get(f"{_W}abstractNumId", "")
            abstract[key] = levels
            defines, uses = node.find(f"{_W}styleLink"), node.find(f"{_W}numStyleLink")
            if defines is not None:
                style_links[defines.get(f"{_W}val", "")] = key
            if uses is not None:
                links[key] = uses.get(f"{_W}val", "")
        for num in root.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            key = ref.get(f"{_W}val", "") if ref is not None else ""
            linked = links.get(key)
            levels = abstract.get(style_links.get(linked, key) if linked else key) or {}
            restarts = {
                int(override.get(f"{_W}ilvl", "0")): _number(override.find(f"{_W}startOverride"), _NO_RESTART)
                for override in num.findall(f"{_W}lvlOverride")
            }
            for ilvl, (fmt, text, first) in levels.items():
                num_id = num.get(f"{_W}numId", "")
                self.formats[(num_id, ilvl)] = (fmt, text)
                restart = restarts.get(ilvl, _NO_RESTART)
                self.starts[(num_id, ilvl)] = restart if restart != _NO_RESTART else first

    def format(self, num_id: str, ilvl: int) -> tuple[str, str]:
        return self.formats.get((num_id, ilvl), ("bullet", ""))

    def label(self, num_id: str, ilvl: int) -> tuple[str, bool]:
        """The rendered number, e.g. '4.6' or 'a)', counting this paragraph; whether it starts its list."""
        counts = self.counters.setdefault(num_id, [self.starts.get((num_id, i), 1) - 1 for i in range(9)])
        first = counts[ilvl] == self.starts.get((num_id, ilvl), 1) - 1
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = self.starts.get((num_id, deeper), 1) - 1

        def render(found: re.Match[str]) -> str:
            level = int(found.group(1)) - 1
            # A level above this one that has not counted yet shows its first number, as Word does
            value = counts[level] if level >= ilvl else max(counts[level], self.starts.get((num_id, level), 1))
            level_fmt = self.format(num_id, level)[0]
            if level_fmt == "lowerLetter":
                return chr(ord("a") + (value - 1) % 26)
            if level_fmt == "upperLetter":
                return chr(ord("A") + (value - 1) % 26)
            if level_fmt == "lowerRoman":
                return _roman(value).lower()
            if level_fmt == "upperRoman":
                return _roman(value)
            return str(value)

        return re.sub(r"%(\d)", render, self.format(num_id, ilvl)[1]).strip(), first


_NO_RESTART = -1  # no startOverride: the level keeps its own start


def _number(element: Any, default: int) -> int:
    try:
        return int(element.get(f"{_W}val")) if element is not None else default
    except (TypeError, ValueError):
        return default


def _roman(value: int) -> str:
    out = ""
    for number, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out, value = out + letters, value - number
    return out


def _num_pr(element: Any) -> tuple[str | None, int | None]:
    """(numId, ilvl) as set on a paragraph or style; numId "0" is numbering switched off ("None")."""
    num_pr = element.find(f"{_W}numPr") if element is not None else None
    if num_pr is None:
        return None, None
    num_id, ilvl = num_pr.find(f"{_W}numId"), num_pr.find(f"{_W}ilvl")
    value = num_id.get(f"{_W}val") if num_id is not None else None
    return value, (int(ilvl.get(f"{_W}val")) if ilvl is not None else None)


class _Reader:
    def __init__(self, document: WordDocument) -> None:
        self.document = document
        self.numbering = _Numbering(document)
        self.tracked = False
        self.previous = ""  # the text of the paragraph before, to tell a lead-in's numbered list
        self.item_lists: dict[tuple[str, int], bool] = {}  # (numId, level) -> its numbers count list items
        self.headings: set[str] = set()  # lines of paragraphs styled "Heading 1", "Heading 2" ...
        # A footnote can hold a rule ("This includes former pupils under 18"): its text is read in brackets
        # where the paragraph cites it, so the clause keeps it. Comments are reviewers' remarks, not policy.
        self.notes = {kind: self._notes(kind) for kind in ("footnotes", "endnotes")}
        self.notes_read = 0
        self.notes_left_out: list[tuple[str, str]] = []  # (where the note was, its text)

    def _notes(self, kind: str) -> dict[str, Any]:
        """The document's footnotes or endnotes by id (Word's separator lines left out)."""
        from docx.oxml.parser import parse_xml

        for rel in self.document.part.rels.values():
            if rel.reltype.endswith(f"/{kind}") and not rel.is_external:
                try:
                    root = parse_xml(rel.target_part.blob)
                except Exception:  # a damaged notes part: the body is still the policy
                    return {}
                return {
                    note.get(f"{_W}id", ""): note
                    for note in root
                    if note.tag == f"{_W}{kind[:-1]}" and note.get(f"{_W}type") in (None, "normal")
                }
        return {}

    def _note(self, reference: Any) -> str:
        """The text of the note a reference cites; notes cited inside a note are not followed (a note
        citing itself would never end)."""
        note = self.notes[_NOTE_REFERENCES[reference.tag]].get(reference.get(f"{_W}id", ""))
        if note is None:
            return ""
        text = " ".join(" ".join(self._text(p, [], None).split()) for p in note.iter(f"{_W}p")).strip()
        if text:
            self.notes_read += 1
        return text

    def blocks(self, parent: Any) -> list[str]:
        """The lines of the paragraphs and tables under `parent` (the body, a cell, a content control)."""
        lines: list[str] = []
        for child in parent:
            if child.tag == f"{_W}p":
                lines.extend(self.paragraph(child))
            elif child.tag == f"{_W}tbl":
                rows = [self._row(row) for row in child.iter(f"{_W}tr") if _own(row, child, f"{_W}tbl")]
                lines.extend(table_lines([row for row in rows if any(row)]))
            elif child.tag == f"{_W}sdt" and not _is_contents(child) and not _placeholder(child):
                content = child.find(f"{_W}sdtContent")
                lines.extend(self.blocks(content) if content is not None else [])
            elif child.tag in (f"{_W}customXml", f"{_W}ins", f"{_W}moveTo"):
                lines.extend(self.blocks(child))
        return lines

    def _row(self, row: Any) -> list[list[str]]:
        """The row's cells, a merged cell followed by a blank one for each further column it spans, so
        columns line up with the header's (tables.py reads "Staff" over three columns as their title)."""
        cells: list[list[str]] = []
        for cell in row.iter(f"{_W}tc"):
            if _own(cell, row, f"{_W}tr"):
                cells.append(self.blocks(cell))
                cells.extend([] for _ in range(_span(cell) - 1))
        return cells

    def paragraph(self, p: Any) -> list[str]:
        boxes: list[Any] = []
        notes: list[str] = []
        text = self._text(p, boxes, notes).replace("\u00ad", "").strip()  # a typed soft hyphen shows nothing
        # A paragraph of only a note's mark: the note is the paragraph.
        lines = [self._with_notes(self._line(p, text), notes)] if text else list(notes)
        for box in boxes:
            lines.extend(self.blocks(box))
        return lines

    def _with_notes(self, line: str, notes: list[str]) -> str:
        """The line with the notes it cites in brackets at its end. Not a lead-in's ("Employees must not:"):
        its closing words tell the importer how its items read; nor a heading's, which would no longer be
        known as one. Their notes are named instead."""
        if line.strip() in self.headings:
            self.notes_left_out += [("a heading", note) for note in notes]
            return line
        if line.endswith(":"):
            self.notes_left_out += [("a line leading into a list", note) for note in notes]
            return line
        return " ".join([line, *(f"({note})" for note in notes)])

    def _text(self, element: Any, boxes: list[Any], notes: list[str] | None) -> str:
        """The paragraph's text as Word shows it; the texts of the notes it cites are added to `notes`
        (None: inside a note, whose own references are not followed)."""
        parts: list[str] = []
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):  # an XML comment
                continue
            if tag in _TRACKED:
                self.tracked = True
            if tag in _HIDDEN:
                continue
            if tag in _NOTE_REFERENCES:
                if notes is not None and (cited := self._note(child)):
                    notes.append(cited)
            elif tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag == f"{_W}tab":
                parts.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append(" ")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{_W}sym":  # a Wingdings tick or cross: a mark in a table, whichever glyph
                parts.append("\u2713")
            elif tag == f"{_W}txbxContent":
                boxes.append(child)
            elif tag != f"{_W}softHyphen":
                parts.append(self._text(child, boxes, notes))
        return "".join(parts)

    def _line(self, p: Any, text: str) -> str:
        from docx.text.paragraph import Paragraph

        style = Paragraph(p, self.document._body).style
        name = (style.name or "").lower() if style is not None else ""
        digit = re.search(r"(\d)$", name)
        style_level = int(digit.group(1)) - 1 if digit and name.startswith("list") else None
        num_id, ilvl = _num_pr(p.find(f"{_W}pPr"))
        if num_id is None:  # Word's "List Bullet 2" style carries its level in its name
            num_id, style_ilvl = _num_pr(getattr(style.element, "pPr", None) if style is not None else None)
            ilvl = style_level if style_level is not None else style_ilvl
        level = ilvl if ilvl is not None else (style_level or 0)
        previous, self.previous = self.previous, text
        line = self._numbered(num_id, level, name, text, previous if not name.startswith("heading") else "")
        if name.startswith("heading"):
            self.headings.add(line.strip())
        return line

    def _numbered(self, num_id: str | None, level: int, name: str, text: str, previous: str) -> str:
        if num_id == "0":  # a heading whose numbering the author switched off ("Appendix 1")
            return text
        if num_id is None:
            return f"{' ' * level}- {text}" if name.startswith("list") else text
        fmt, pattern = self.numbering.format(num_id, level)
        if fmt in ("bullet", "none"):
            return f"{' ' * level}- {text}"
        label, first = self.numbering.label(num_id, level)
        if fmt in _LETTERS:  # the shape the splitter knows a lettered item by, whatever Word showed
            return f"{' ' * level}- ({label.strip('().').lower()}) {text}"
        if first:  # a list of one number per item right under a lead-in sentence: items, not sections
            lead_in = previous.endswith(":") and bool(_LEAD_IN.search(previous))
            self.item_lists[(num_id, level)] = lead_in and pattern.count("%") == 1
        if self.item_lists.get((num_id, level)):
            return f"{' ' * level}- {text}"
        return f"{' ' * level}{label} {text}"


def _own(element: Any, container: Any, tag: str) -> bool:
    """An element of this row or table (`tag`), not of a table nested inside it; rows and cells a content
    control or custom XML wraps (a template's repeating section) are its own too."""
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent is container


def _span(cell: Any) -> int:
    found = cell.find(f"{_W}tcPr/{_W}gridSpan")
    try:
        return max(1, int(found.get(f"{_W}val"))) if found is not None else 1
    except (TypeError, ValueError):
        return 1


def _placeholder(sdt: Any) -> bool:
    """A content control nobody filled in shows its prompt ("Click or tap here to enter text."), no policy."""
    return sdt.find(f"{_W}sdtPr/{_W}showingPlcHdr") is not None


def _is_contents(sdt: Any) -> bool:
    gallery = sdt.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
    return gallery is not None and "contents" in (gallery.get(f"{_W}val") or "").lower()


def read_docx(path: Path) -> Extracted:
    document = _open(path)
    reader = _Reader(document)
    lines = reader.blocks(document.element.body)
    notes = []
    if reader.tracked:
        notes.append(
            "the document has tracked changes: it was read with all of them accepted; accept or reject them in Word "
            "and import it again if that is not the policy"
        )
    if reader.notes_read > len(reader.notes_left_out):
        notes.append(
            f"{reader.notes_read - len(reader.notes_left_out)} footnote(s) or endnote(s) were read in brackets into "
            "the paragraphs that cite them"
        )
    notes += [
        f"a note on {where} was left out (add it by hand if it holds a rule): {left_out}"
        for where, left_out in reader.notes_left_out
    ]
    text = "\n\n".join(lines).rstrip() + "\n" if lines else ""
    return Extracted(text, notes=tuple(notes), repeats_are_headers=False, headings=frozenset(reader.headings))
