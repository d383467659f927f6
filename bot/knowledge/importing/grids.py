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
into the row and the column it starts in. A table without borders, and one of two columns, are read
as before (columns.py reads two columns side by side).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from bot.knowledge.importing.columns import BULLETS, ENDS_SENTENCE, lower_case_word
from bot.knowledge.importing.tables import is_mark, table_lines

_BULLET = re.compile(rf"^[{re.escape(BULLETS)}]\s")  # a bullet glyph and its space ("o" alone starts words)
_COLUMNS = 3  # vertical rules part the table into this many columns at least (two are columns.py's)
_SAME = 4.0  # points: rules this close are one rule (a double border's two lines), no row or column
_SIDE = 6.0  # points: ends this close are the table's side (a thick outer border sticks out further)
_NARROW = 2.0  # points: a rectangle this thin is a drawn rule
_TITLE_WORDS = 4  # a header row's titles (as tables.py reads them)
_SHORTEST = 40.0  # points: a horizontal rule shorter than this underlines a word, it does not rule a table


@dataclass(frozen=True)
class Rules:
    """A page's drawn rules, in the text's coordinates (top: distance from the page's top)."""

    across: list[tuple[float, float, float]]  # (top, x0, x1)
    down: list[tuple[float, float, float]]  # (x, top0, top1)


def rules_of(objects: list, page_height: float) -> Rules:
    """The horizontal and vertical rules of a page's drawn rectangles and lines (pdfminer's LTRect and
    LTLine): a thin rectangle is a rule, a wider one (a cell's box or its shading) gives its four edges."""
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
        elif isinstance(item, LTRect):
            across += [(top, x0, x1), (bottom, x0, x1)]
            down += [(x0, top, bottom), (x1, top, bottom)]
    return Rules(across, down)


@dataclass
class Table:
    """A ruled table found on a page: its cells' lines, and the page lines it was read from."""

    top: float
    columns: list[float]  # the column edges, left to right
    rows: list[list[list[str]]]  # each row's cells, each cell's lines top to bottom
    lines: list[dict]  # the page's lines inside it
    at_top: bool  # nothing of the page above it: it may go on from the page before
    at_bottom: bool  # nothing below it: it may go on over the page


Box = tuple[list[float], list[float]]  # a ruled table's row edges (tops) and column edges


def table_boxes(rules: Rules) -> list[Box]:
    """The ruled tables on a page: each one's row edges and column edges."""
    return _tables(rules)


def box_of(line: dict, boxes: list[Box]) -> int | None:
    """The number of the ruled table the line is inside, if any."""
    middle = line["top"] + line["height"] / 2
    for number, (edges, columns) in enumerate(boxes):
        inside_x = line["x0"] >= columns[0] - _SIDE and line["x1"] <= columns[-1] + _SIDE
        if edges[0] <= middle <= edges[-1] and inside_x:
            return number
    return None


def tables_on(lines: list[dict], boxes: list[Box]) -> list[Table]:
    """The ruled tables of a page whose lines (sorted by top) each come with their `segments` (text, x0,
    x1), cut at wide gaps, and the number of the box they are in (`table`, `box_of`): each piece goes
    into the row and the column it starts in."""
    tables = []
    for number, (edges, columns) in enumerate(boxes):
        top, bottom = edges[0], edges[-1]
        inside = [line for line in lines if line.get("table") == number]
        if not inside:
            continue
        cells: list[list[list[tuple[float, float, str]]]] = [[[] for _ in columns[1:]] for _ in edges[1:]]
        for line in inside:
            middle = line["top"] + line["height"] / 2
            row = max(i for i, edge in enumerate(edges[:-1]) if edge <= middle)
            for text, x0, _ in line.get("segments", [(line["text"], line["x0"], line["x1"])]):
                column = max((j for j, edge in enumerate(columns[:-1]) if edge <= x0 + 1.0), default=0)
                cells[row][column].append((line["top"], x0, text))
        rest = [line for line in lines if line.get("table") != number]
        tables.append(
            Table(
                top=top,
                columns=columns,
                rows=[[_lines_of(cell) for cell in row] for row in cells if any(row)],
                lines=inside,
                at_top=not any(line["top"] < top for line in rest),
                at_bottom=not any(line["top"] > bottom for line in rest),
            )
        )
    return tables


def goes_on(before: Table, after: Table) -> bool:
    """Whether `after`, at the top of a page, is the rest of `before`, at the bottom of the page before;
    if so it is joined to it. A header row Word repeats on the new page is dropped, and a row Word broke
    over the page goes on in the same cells: its text there goes on with sentences left unfinished above
    (in lower case; never a name such as "iPads", nor a mark or a title in a cell already filled)."""
    if not (before.at_bottom and after.at_top) or len(before.columns) != len(after.columns):
        return False
    if any(abs(a - b) > _SAME for a, b in zip(before.columns, after.columns, strict=True)):
        return False
    rows = after.rows
    if rows and before.rows and rows[0] == before.rows[0]:
        rows = rows[1:]  # the header row again
    elif rows and before.rows and _titles(rows[0]) and _titles(before.rows[0]):
        return False  # a table of its own under other titles, on the next page
    if rows and before.rows and _goes_on_row(before.rows[-1], rows[0]):
        before.rows[-1] = [mine + theirs for mine, theirs in zip(before.rows[-1], rows[0], strict=True)]
        rows = rows[1:]
    before.rows += rows
    before.lines += after.lines
    before.at_bottom = after.at_bottom
    return True


def _titles(row: list[list[str]]) -> bool:
    """Whether a row reads as a header row: two titles or more, each of a few words, and no mark."""
    cells = [" ".join(cell) for cell in row if cell]
    return len(cells) >= 2 and all(len(cell.split()) <= _TITLE_WORDS and not is_mark(cell) for cell in cells)


def _goes_on_row(last: list[list[str]], first: list[list[str]]) -> bool:
    both = [(mine, theirs) for mine, theirs in zip(last, first, strict=True) if mine and theirs]
    return bool(both) and all(
        lower_case_word(theirs[0]) and not mine[-1].rstrip().endswith(ENDS_SENTENCE) for mine, theirs in both
    )


def grid_lines(table: Table, join: Callable[[str, str], str]) -> list[dict]:
    """The lines the Word reader would give the table (tables.table_lines), one `grid` line each, in its
    place on the page. A cell's lines are one paragraph, joined by `join` (a word broken over two lines
    is made whole again); a bullet starts another."""
    rows = [[_paragraphs(cell, join) for cell in row] for row in table.rows]
    height = median(line["height"] for line in table.lines)
    left, right = table.columns[0], table.columns[-1]
    return [
        {"text": text, "x0": left, "x1": right, "top": table.top + n * 0.01, "height": height, "grid": True}
        for n, text in enumerate(table_lines(rows))
    ]


def _lines_of(pieces: list[tuple[float, float, str]]) -> list[str]:
    """A cell's lines: the pieces at one height, left to right."""
    lines: list[tuple[float, list[str]]] = []
    for top, _, text in sorted(pieces):
        if lines and abs(top - lines[-1][0]) <= 1.0:
            lines[-1][1].append(text)
        else:
            lines.append((top, [text]))
    return [" ".join(parts) for _, parts in lines]


def _paragraphs(lines: list[str], join: Callable[[str, str], str]) -> list[str]:
    paragraphs: list[str] = []
    for line in lines:
        if paragraphs and not _BULLET.match(line):
            paragraphs[-1] = join(paragraphs[-1], line)
        else:
            paragraphs.append(line)
    return paragraphs


def _tables(rules: Rules) -> list[Box]:
    """Each ruled table on the page: its row edges (tops of its horizontal rules) and column edges."""
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
                tables.append(([top for top, _, _ in chain], found))
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
