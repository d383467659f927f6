"""A Word table -> lines of the plain-text shape (extract.py), read by the table's shape.

Cells are read as lines of their own, never glued together, and the table's shape says how:

- **marked columns** (a header row of choices, then one row per activity with an "X" or tick under
  one of them, as the SWGfL template's "User Actions"): a bullet `activity: the marked column's title`;
- **labelled rows** (a short label, then text: "SLT" | one duty per paragraph): the label as a
  heading, then each paragraph of the row as a bullet;
- **columns of rules** (a header row such as "Do" | "Don't", then items in every column): each
  column's title as a heading, then its items as bullets; under other titles ("Situation" | "What to
  do") each row is one case, `title: text; title: text`;
- **records** (every cell a few words: a cover page's dates, a version history): `title: value` for
  each cell under a header row of titles, or for each label and value of a two-column table. A
  version number starting a row is then never taken for a section number.
- anything else: each cell's lines in reading order.
"""

from __future__ import annotations

import itertools
import re

from bot.knowledge.importing.extract import REGISTER
from bot.knowledge.importing.split import list_marker

Cell = list[str]  # a cell's lines, as the reader renders paragraphs
Row = list[Cell]

_MARKS = {"x", "\u2713", "\u2714", "\u2715", "\u2717", "\u2718", "\u221a", "y", "yes", "\u2022", "\u25cf", "*"}
_LABEL_WORDS = 6  # a row's label: a role, a heading
_RECORD_WORDS = 8  # every cell of a record table
TITLE_WORDS = 4  # a header row's titles
_BULLET = re.compile(r"^\s*(?:-|\u2022|\(?[a-z]{1,4}\))\s")
_DIGIT = re.compile(r"\d")
# Titles of columns of rules besides a DO / DO NOT list's own (split.list_marker)
_RULE_TITLES = {
    "acceptable", "unacceptable", "allowed", "not allowed", "permitted", "not permitted", "never", "always",
    "yes", "no", "should", "should not", "must", "must not", "dos and don'ts", "do's and don'ts", "avoid",
    "appropriate", "inappropriate", "recommended", "not recommended", "good practice", "best practice",
    "bad practice", "poor practice",
}  # fmt: skip
_EDGE_MARKS = re.compile(r"^\W+|\W+$")
# The titles of a version history's columns
_HISTORY = re.compile(
    r"^(?:version|v|issue|date|author|owner|changes?|amendments?|revision|reviewed by|approved by)\b", re.IGNORECASE
)


def _two_level_header(rows: list[Row]) -> list[Row]:
    """A title spanning columns over the titles of each ("Staff" over "Allowed" | "Not allowed") as one
    header row: "Staff: Allowed" | "Staff: Not allowed"."""
    if len(rows) < 3:
        return rows
    top, below = rows[0], rows[1]
    spanned = [j for j in range(1, len(top)) if not _text(top[j]) and any(_text(c) for c in top[:j])]
    if not spanned or len(below) < len(top) or not all(_text(below[j]) for j in spanned):
        return rows
    if any(_words(cell) > TITLE_WORDS for cell in below[1:]):
        return rows
    merged: Row = []
    above = ""
    for j, cell in enumerate(below):
        above = _text(top[j]) if j < len(top) and _text(top[j]) else above
        title = _text(cell)
        merged.append([f"{above}: {title}" if above and title and j > 0 else title or above])
    return [merged, *rows[2:]]


def is_mark(text: str) -> bool:
    """Whether a cell's text is a mark ("X", a tick) under one of a grid's choices."""
    return text.strip().lower() in _MARKS


def _text(cell: Cell) -> str:
    return " ".join(line.strip() for line in cell)


def _words(cell: Cell) -> int:
    return len(_text(cell).split())


def _as_bullets(cell: Cell) -> list[str]:
    return [line if _BULLET.match(line) else f"- {line.strip()}" for line in cell if line.strip()]


def table_lines(rows: list[Row]) -> list[str]:
    rows = [row for row in rows if any(_text(cell) for cell in row)]
    titles: list[str] = []
    while rows and sum(1 for cell in rows[0] if _text(cell)) == 1 and len(rows) > 1:
        titles.append(next(_text(cell) for cell in rows[0] if _text(cell)))  # a title row across the table
        rows = rows[1:]
    if not rows:
        return titles
    rows = _two_level_header(rows)
    width = max(len(row) for row in rows)
    for shape in (_marked, _records, _labelled, _columns):
        lines = shape(rows, width)
        if lines is not None:
            return titles + lines
    return titles + [line for row in rows for cell in row for line in cell if line.strip()]


def _marked(rows: list[Row], width: int) -> list[str] | None:
    header, body = rows[0], rows[1:]
    if width < 3 or not body or not all(_text(cell) for cell in header[1:]):
        return None
    lines = [_text(header[0])] if _text(header[0]) else []
    marked_any = False
    for row in body:
        others = [_text(cell).lower() for cell in row[1:]]
        if any(value and value not in _MARKS for value in others):
            return None
        chosen = [_text(header[j + 1]) for j, value in enumerate(others) if value and j + 1 < len(header)]
        marked_any = marked_any or bool(chosen)
        label = _text(row[0])
        lines.append(f"- {label}: {', '.join(chosen)}" if chosen and label else label)
    return [line for line in lines if line] if marked_any else None


def _records(rows: list[Row], width: int) -> list[str] | None:
    if width >= 2 and len(rows) > 2 and sum(bool(_HISTORY.search(_text(cell))) for cell in rows[0]) >= 2:
        # A version history (Version | Date | Author | Changes), however long a change is told
        return [REGISTER.join(_titled(rows[0], row)) for row in rows[1:]]
    if width < 2 or any(_words(cell) > _RECORD_WORDS for row in rows for cell in row):
        return None
    header = rows[0]
    # Three or more columns of a few words: a header row naming what each column holds. Two: a header
    # row only when the first column's cells are values (a version number, a date); otherwise each row
    # is a label and its value ("Review date" | "January 2024").
    titled = len(rows) > 1 and (
        width > 2
        or (
            not any(_DIGIT.search(_text(cell)) for cell in header)
            and any(_DIGIT.search(_text(row[0])) for row in rows[1:])
        )
    )
    if titled:
        pairs = [_titled(header, row) for row in rows[1:]]
        # One row is a form ("Review date: January 2024", read for the policy's dates); several are a
        # register (a version history), a line a row, its fields apart by REGISTER: details.py reads no
        # policy date from a history.
        return pairs[0] if len(pairs) == 1 else [REGISTER.join(row) for row in pairs]
    if width > 2:
        return None
    lines = []
    for row in rows:
        label, value = _text(row[0]).rstrip(":"), _text(row[1]) if len(row) > 1 else ""
        lines.append(f"{label}: {value}" if label and value else label or value)
    return lines


def _labelled(rows: list[Row], width: int) -> list[str] | None:
    body = rows[1:] if _is_header(rows[0]) and len(rows) > 1 else rows
    labels = [_text(row[0]) for row in body]
    if width < 2 or any(len(label.split()) > _LABEL_WORDS or label.endswith(".") for label in labels):
        return None
    if not any(_words(cell) > _RECORD_WORDS for row in body for cell in row[1:]):
        return None
    # A column of short values under a title ("Reports to" | "Headteacher", "When" | "Termly") says what
    # each value is: "Reports to: Headteacher" reads on its own, under its role, where "Headteacher" does not.
    # Only under a header of titles (no digit, no full stop: a first row of names is no header), and never
    # for a column of dates ("Date: September 2021" would be read as the policy's own date).
    header = rows[0] if body is not rows and all(_titled_cell(cell) for cell in rows[0]) else []
    values = {
        j
        for j in range(1, width)
        if j < len(header)
        and _text(header[j])
        and all(
            len(row[j]) <= 1 and _words(row[j]) <= _RECORD_WORDS and not _DIGIT.search(_text(row[j]))
            for row in body
            if j < len(row)
        )
    }
    lines: list[str] = []
    for row, label in zip(body, labels, strict=True):
        if label:
            lines.append(label.rstrip(":"))
        for j, cell in enumerate(row[1:], start=1):
            if j in values and _text(cell):
                lines.append(f"- {_text(header[j]).rstrip(':')}: {_text(cell)}")
            else:
                lines.extend(_as_bullets(cell))
    return lines


def _titled_cell(cell: Cell) -> bool:
    return not _DIGIT.search(_text(cell)) and not _text(cell).endswith(".")


def rule_title(text: str) -> bool:
    """Whether `text` titles a column or list of rules ("The Do's:", "Don't", "Acceptable", "Good practice"),
    in a Word table or side by side in a PDF (columns.py)."""
    key = _EDGE_MARKS.sub("", text.replace("\u2019", "'")).lower()
    return list_marker(key) is not None or key.removeprefix("the ") in _RULE_TITLES


def _columns(rows: list[Row], width: int) -> list[str] | None:
    """Columns of a rule each ("Do" | "Don't"): a row's cells have nothing to do with each other, so each
    column is a list under its title. Under other titles ("Situation" | "What to do") a row is one case,
    and its cells are kept together, each after its title."""
    header, body = rows[0], rows[1:]
    if width < 2 or not body or not _is_header(header):
        return None
    if not all(rule_title(_text(t)) for t in header):
        return ["; ".join(_titled(header, row)) for row in body]
    lines: list[str] = []
    for j, title in enumerate(header):
        items = [line for row in body if j < len(row) for line in _as_bullets(row[j])]
        if items:
            lines.extend([_text(title), *items] if _text(title) else items)
    return lines


def _titled(header: Row, row: Row) -> list[str]:
    """Each cell of `row` after its column's title: "Review date: January 2024" (a cell past the header's
    last title as it is, never dropped)."""
    said = []
    empty: Cell = []
    title: Cell
    cell: Cell
    for title, cell in itertools.zip_longest(header, row, fillvalue=empty):
        if _text(cell):
            said.append(f"{_text(title).rstrip(':')}: {_text(cell)}" if _text(title) else _text(cell))
    return said


def _is_header(row: Row) -> bool:
    return all(_text(cell) and _words(cell) <= TITLE_WORDS for cell in row)
