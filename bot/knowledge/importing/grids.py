"""Ruled tables of three or more columns on a PDF page, read as the Word reader reads tables (tables.py).

pdfminer gives a table's cells as pieces of lines: "Pornography" and, far to its right, "X" under
"Unacceptable" read as "Pornography X", and a header whose titles wrap in narrow columns reads as
"Acceptable for Unacceptable at certain nominated ...". Which column a mark or a cell is in is what
the table says, so the table is rebuilt from the rules drawn around its cells and handed to
`tables.table_lines`: the SWGfL template's "User actions" grid reads "- Pornography: Unacceptable", as
it does from Word.

A table is two or more horizontal rules of the same width stacked on the page, its sides ruled between
them, cut into three or more columns by vertical rules, as Word draws a table with borders. A table
Word carries over the page goes on where it left off (`goes_on`). Its
text goes cell by cell: each piece of a line (cut where a gap of a character's width or more parts it)
into the row and the column it starts in. A table without borders is found from how its text lines up
(unruled.py) and read the same way; one of two columns is read as before (columns.py reads two columns
side by side).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from bot.knowledge.importing.columns import BULLET, ENDS_SENTENCE, ITEM, lower_case_word
from bot.knowledge.importing.tables import TITLE_WORDS, is_mark, table_lines

_COLUMNS = 3  # vertical rules part the table into this many columns at least (two are columns.py's)
_SAME = 4.0  # points: rules this close are one rule (a double border's two lines), no row or column
_SIDE = 6.0  # points: ends this close are the table's side (a thick outer border sticks out further)
_NARROW = 2.0  # points: a rectangle this thin is a drawn rule
# A contents line's page number or pages: "3", "3-4", "iv"
_PAGE_REFERENCE = re.compile(r"^\W*(?:\d+|[ivxlc]+)(?:\s*[-\u2013]\s*(?:\d+|[ivxlc]+))?\W*$")  # "X" is a mark
_WORDS = re.compile(r"[A-Za-z]{2}")
_HEADER_ROWS = 3  # header rows Word may repeat at the top of each page
_SHORT_LINE = 0.15  # of a cell's width: a line ending a sentence this far short of its side ends a paragraph
_SHORT_POINTS = 30.0  # points, at least
_SHORTEST = 40.0  # points: a horizontal rule shorter than this underlines a word, it does not rule a table
# An e-mail or web address a narrow cell cut after a full stop, a slash or a hyphen: it goes on on the next
# line, and its full stop ends no sentence ("office@oakfield.sch." / "uk")
ADDRESS_CUT = re.compile(r"(?:^|\s)(?=\S*@|www\.|https?://)\S*[./_@-]$", re.IGNORECASE)


@dataclass(frozen=True)
class Rules:
    """A page's drawn rules, in the text's coordinates (top: distance from the page's top)."""

    across: list[tuple[float, float, float]]  # (top, x0, x1)
    down: list[tuple[float, float, float]]  # (x, top0, top1)


def rules_of(objects: list, page_height: float) -> Rules:
    """The horizontal and vertical rules of a page's drawn rectangles and lines (pdfminer's LTRect and
    LTLine): a thin rectangle is a rule, a wider one drawn round (a cell's box) gives its four edges."""
    from pdfminer.layout import LTLine, LTRect

    across: list[tuple[float, float, float]] = []
    down: list[tuple[float, float, float]] = []
    for item in objects:
        if not isinstance(item, (LTRect, LTLine)):
            continue
        x0, y0, x1, y1 = item.bbox
        top, bottom = page_height - y1, page_height - y0
        if y1 - y0 <= _NARROW:
            across.append((top, x0, x1))
        elif x1 - x0 <= _NARROW:
            down.append((x0, top, bottom))
        elif isinstance(item, LTRect) and item.stroke:
            across += [(top, x0, x1), (bottom, x0, x1)]
            down += [(x0, top, bottom), (x1, top, bottom)]
        # A wide rectangle filled and not drawn round is a cell's shading: a table shaded only in its header
        # row and first column has no edges round its other cells, and taking the shading for rules read
        # each row's marks as one cell merged across ("Pornography: Acceptable" for a cross under
        # "Unacceptable"). Such a table is read as one without borders.
    return Rules(across, down)


Line = tuple[str, bool]  # a cell's line, and whether it ends a paragraph of the cell


@dataclass
class Table:
    """A ruled table found on a page: its cells' lines, and the page lines it was read from."""

    top: float
    columns: list[float]  # the column edges, left to right
    rows: list[list[list[Line]]]  # each row's cells, each cell's lines top to bottom
    lines: list[dict]  # the page's lines inside it
    at_top: bool  # nothing of the page above it: it may go on from the page before
    at_bottom: bool  # nothing below it: it may go on over the page


@dataclass(frozen=True)
class Box:
    """Where a ruled table is on its page."""

    edges: list[float]  # its rows' edges, top to bottom
    columns: list[float]  # its columns' edges, left to right
    starts: list[list[int]]  # for each row, the columns a cell starts at (a merged cell spans to the next)


def box_of(line: dict, boxes: list[Box]) -> int | None:
    """The number of the ruled table the line is inside, if any."""
    middle = line["top"] + line["height"] / 2
    for number, box in enumerate(boxes):
        inside_x = line["x0"] >= box.columns[0] - _SIDE and line["x1"] <= box.columns[-1] + _SIDE
        if box.edges[0] <= middle <= box.edges[-1] and inside_x:
            return number
    return None


def unruled_columns(lines: list[dict]) -> bool:
    """Whether the page holds text set in columns outside any ruled table (a table drawn without
    borders), which read line by line may mix its cells up (`kb import` says so): pieces of lines, cut by
    wide gaps, that stand under each other in three columns or more besides the first, or in two with
    rows of three pieces. Prose fills the width, so its pieces overlap into one column; a bulleted list
    has one besides its bullets; a contents page's lines end with their page numbers and are left out."""
    rows: dict[int, list[tuple[str, float, float]]] = {}
    for line in lines:
        if line.get("table") is None:
            rows.setdefault(round(line["top"]), []).extend(line.get("segments", ()))
    pieces = []
    wide = 0
    for top, segments in rows.items():
        segments.sort(key=lambda segment: segment[1])
        if len(segments) < 2 or _PAGE_REFERENCE.match(segments[-1][0]):
            continue
        # a form's labels ("Signed:", "Date:") and lines to write on ("______") are no columns of text
        words = [
            (x0, x1)
            for text, x0, x1 in segments[1:]
            if (_WORDS.search(text) and not text.endswith(":")) or is_mark(text)
        ]
        wide += len(words) >= _COLUMNS - 1
        pieces += [(x0, x1, top) for x0, x1 in words]
    columns: list[tuple[float, set[int]]] = []  # pieces overlapping across the page's width: a column
    for x0, x1, top in sorted(pieces):
        if columns and x0 <= columns[-1][0]:
            columns[-1] = (max(columns[-1][0], x1), columns[-1][1] | {top})
        else:
            columns.append((x1, {top}))
    standing = sum(len(tops) >= 2 for _, tops in columns)
    return standing >= _COLUMNS or (standing >= _COLUMNS - 1 and wide >= 2)


def tables_on(lines: list[dict], boxes: list[Box]) -> list[Table]:
    """The ruled tables of a page whose lines (sorted by top) each come with their `segments` (text, x0,
    x1), cut at wide gaps, and the number of the box they are in (`table`, `box_of`): each piece goes
    into the row and the cell it starts in (a merged cell's first column, as the Word reader puts it)."""
    tables = []
    for number, box in enumerate(boxes):
        edges, columns = box.edges, box.columns
        inside = [line for line in lines if line.get("table") == number]
        if not inside:
            continue
        cells: list[list[list[tuple[float, float, float, str]]]] = [[[] for _ in columns[1:]] for _ in edges[1:]]
        for line in inside:
            middle = line["top"] + line["height"] / 2
            row = max(i for i, edge in enumerate(edges[:-1]) if edge <= middle)
            for text, x0, x1 in line.get("segments", [(line["text"], line["x0"], line["x1"])]):
                column = max((j for j, edge in enumerate(columns[:-1]) if edge <= x0 + 1.0), default=0)
                start = max((j for j in box.starts[row] if j <= column), default=0)
                cells[row][start].append((line["top"], x0, x1, text))
        rows = []
        for row, row_cells in enumerate(cells):
            if not any(row_cells):
                continue
            ends = [*box.starts[row][1:], len(columns) - 1]
            rights = {start: columns[end] for start, end in zip(box.starts[row], ends, strict=True)}
            rows.append(
                [
                    _lines_of(cell, columns[j], rights[j]) if cell else []  # text is only put where a cell starts
                    for j, cell in enumerate(row_cells)
                ]
            )
        rest = [line for line in lines if line.get("table") != number]
        tables.append(
            Table(
                top=edges[0],
                columns=columns,
                rows=rows,
                lines=inside,
                at_top=not any(line["top"] < edges[0] for line in rest),
                at_bottom=not any(line["top"] > edges[-1] for line in rest),
            )
        )
    return tables


def goes_on(before: Table, after: Table) -> bool:
    """Whether `after`, at the top of a page, is the rest of `before`, at the bottom of the page before;
    if so it is joined to it. Header rows Word repeats on the new page are dropped, and a row Word broke
    over the page goes on in the same cells. A table that starts under a header row of its own (an empty
    corner cell, then titles) is a table of its own; a first row of short cells is more often the next
    row of a table carried over without its header."""
    if not (before.at_bottom and after.at_top) or len(before.columns) != len(after.columns):
        return False
    if any(abs(a - b) > _SAME for a, b in zip(before.columns, after.columns, strict=True)):
        return False
    rows = after.rows
    repeated = 0
    while repeated < min(_HEADER_ROWS, len(rows), len(before.rows) - 1) and rows[repeated] == before.rows[repeated]:
        repeated += 1
    if not repeated and rows and before.rows and not rows[0][0] and _titles(rows[0]) and _titles(before.rows[0]):
        return False
    rows = rows[repeated:]
    if rows and before.rows and _goes_on_row(before.rows, rows[0]):
        before.rows[-1] = [mine + theirs for mine, theirs in zip(before.rows[-1], rows[0], strict=True)]
        rows = rows[1:]
    before.rows += rows
    before.lines += after.lines
    before.at_bottom = after.at_bottom
    return True


def _titles(row: list[list[Line]]) -> bool:
    """Whether a row reads as a header row: two titles or more, each of a few words starting with a capital,
    no mark, no digit (a phone number, a date), no address and no full stop."""
    cells = [" ".join(text for text, _ in cell) for cell in row if cell]
    return len(cells) >= 2 and all(
        len(cell.split()) <= TITLE_WORDS
        and cell[:1].isupper()
        and not is_mark(cell)
        and not re.search(r"[\d@]", cell)
        and not cell.rstrip().endswith(".")
        for cell in cells
    )


def _goes_on_row(rows_above: list[list[list[Line]]], first: list[list[Line]]) -> bool:
    """Whether the first row on the new page is the rest of the row the page before ended with: in a cell
    filled above, a sentence left unfinished goes on in lower case (never a name such as "iPads"), or the
    first cell goes on with a label left unfinished in fewer cells than any row above fills ("Activity
    number" / "25 with devices"). A mark under a choice already marked above, or a capital after a
    finished sentence, starts a row of its own (a label merged down over the page's break)."""
    last = rows_above[-1]
    both = [(mine, theirs) for mine, theirs in zip(last, first, strict=True) if mine and theirs]
    if any(is_mark(mine[-1][0]) and is_mark(theirs[0][0]) for mine, theirs in both):
        return False
    going_on = any(
        lower_case_word(theirs[0][0]) and not mine[-1][0].rstrip().endswith(ENDS_SENTENCE) for mine, theirs in both
    )
    if not first[0]:
        return bool(last[0]) and (going_on or not both)
    if not last[0] or last[0][-1][0].rstrip().endswith(ENDS_SENTENCE):
        return False
    label = first[0][0][0]
    fewer = sum(map(bool, first)) < min((sum(map(bool, row)) for row in rows_above), default=0)
    return lower_case_word(label) or (fewer and not label[:1].isupper())


def grid_lines(table: Table, join: Callable[[str, str], str]) -> list[dict]:
    """The lines the Word reader would give the table (tables.table_lines), one `grid` line each, in its
    place on the page. A cell's paragraphs as Word keeps them apart: its wrapped lines joined by `join` (a
    word broken over two lines is made whole again), a new one at an item (a bullet, "1.", "a)") and
    after a line that ends a sentence short of the cell's side."""
    rows = [[_paragraphs(cell, join) for cell in row] for row in table.rows]
    height = median(line["height"] for line in table.lines)
    left, right = table.columns[0], table.columns[-1]
    # at the table's top, a hundredth of a point apart: sorted with the page's lines by top, they keep
    # their order and their place, and no line of the page falls between them
    return [
        {"text": text, "x0": left, "x1": right, "top": table.top + n * 0.01, "height": height, "grid": True}
        for n, text in enumerate(table_lines(rows))
    ]


def _lines_of(pieces: list[tuple[float, float, float, str]], left: float, right: float) -> list[Line]:
    """A cell's lines (the pieces at one height, left to right), each marked where it ends a paragraph: it
    ends a sentence well short of the cell's right side, where the next word would have fitted."""
    lines: list[tuple[float, float, list[str]]] = []
    for top, _, x1, text in sorted(pieces):
        if lines and abs(top - lines[-1][0]) <= 1.0:
            lines[-1] = (lines[-1][0], max(lines[-1][1], x1), [*lines[-1][2], text])
        else:
            lines.append((top, x1, [text]))
    short = right - max(_SHORT_LINE * (right - left), _SHORT_POINTS)
    return [
        (" ".join(parts), x1 < short and _ends_sentence(" ".join(parts).rstrip())) for _, x1, parts in lines
    ]


def _ends_sentence(text: str) -> bool:
    return text.endswith(ENDS_SENTENCE) and not ADDRESS_CUT.search(text)


def _paragraphs(lines: list[Line], join: Callable[[str, str], str]) -> list[str]:
    paragraphs: list[str] = []
    ended = True
    for text, ends in lines:
        bullet = BULLET.match(text)
        if bullet:  # an item of its own, its glyph left out as the Word reader has none
            paragraphs.append(text[bullet.end() :])
        elif ended or ITEM.match(text):
            paragraphs.append(text)
        else:
            paragraphs[-1] = join(paragraphs[-1], text)
        ended = ends
    return paragraphs


def table_boxes(rules: Rules) -> list[Box]:
    """The ruled tables on a page: each one's row edges (tops of its horizontal rules), column edges and
    where its cells start."""
    across = _merged_across(rules.across)
    tables: list[Box] = []
    chain: list[tuple[float, float, float]] = []
    for rule in [*across, (float("inf"), 0.0, 0.0)]:
        if chain and _same_table(chain, rule, rules.down):
            chain.append(rule)
            continue
        if len(chain) >= 2:  # a row at least: a table's part on a page it goes on to may hold one
            found = _columns(chain, rules.down)
            if found is not None:
                edges = [top for top, _, _ in chain]
                starts = [_starts(found, top, bottom, rules.down) for top, bottom in pairwise(edges)]
                tables.append(Box(edges, found, starts))
        chain = [rule]
    return tables


def _same_table(chain: list[tuple[float, float, float]], below: tuple[float, float, float], down: list) -> bool:
    """Whether a rule below the table's rules so far edges one of its rows: it is as wide as the table,
    or runs from one of its sides into it (the rule under a merged cell stops at that cell), and a side of
    the table is ruled down to it (two tables of one width with a heading between are two tables)."""
    _, left, right = chain[0]
    if below[1] < left - _SIDE or below[2] > right + _SIDE:
        return False
    if abs(below[1] - left) > _SIDE and abs(below[2] - right) > _SIDE:
        return False
    above = chain[-1][0]
    return any(
        min(abs(x - left), abs(x - right)) <= _SIDE and top0 <= above + _SAME and top1 >= below[0] - _SAME
        for x, top0, top1 in down
    )


def _starts(columns: list[float], top: float, bottom: float, down: list[tuple[float, float, float]]) -> list[int]:
    """The columns a cell of the row between `top` and `bottom` starts at: the first, and each whose left
    edge is ruled down the row (none is inside a cell merged across columns)."""
    middle = (top + bottom) / 2
    return [
        j
        for j, x in enumerate(columns[:-1])
        if j == 0 or any(abs(rule - x) <= _SAME and top0 <= middle <= top1 for rule, top0, top1 in down)
    ]


def _merged_across(across: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Horizontal rules at one height joined into one where they touch (a row's cells each draw their own
    edge), shortest left out."""
    merged: list[tuple[float, float, float]] = []
    for top, x0, x1 in sorted(across):
        if merged and abs(top - merged[-1][0]) <= _SAME and x0 <= merged[-1][2] + _SAME:
            merged[-1] = (merged[-1][0], merged[-1][1], max(merged[-1][2], x1))
        else:
            merged.append((top, x0, x1))
    return [rule for rule in merged if rule[2] - rule[1] >= _SHORTEST]


def _columns(chain: list[tuple[float, float, float]], down: list[tuple[float, float, float]]) -> list[float] | None:
    """The column edges of a table ruled by `chain`: the table's sides and every vertical rule inside."""
    top, bottom = chain[0][0], chain[-1][0]
    left, right = chain[0][1], chain[0][2]
    xs = sorted(
        x
        for x, top0, top1 in down
        if left - _SIDE <= x <= right + _SIDE and top0 < bottom - _SAME and top1 > top + _SAME
    )
    edges = [left]
    for x in xs:
        if x - edges[-1] > _SAME:
            edges.append(x)
    if right - edges[-1] > _SAME:
        edges.append(right)
    edges[-1] = max(edges[-1], right)  # a side drawn twice, or thick, is the table's own side
    return edges if len(edges) - 1 >= _COLUMNS and all(b > a for a, b in pairwise(edges)) else None
