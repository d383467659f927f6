"""Grids of marks of three or more columns set without borders on a PDF page (a Word table with no borders,
or with shading only), found from how their text lines up, so that grids.py reads them cell by cell as it
reads ruled ones. A table of text without borders is left to be read line by line (its words are kept,
and `kb import` names its page): tab-aligned lines in ordinary text line up the same way.

Read line by line, such a table mixes its cells up ("Pornography X", "Acceptable at Unacceptable" /
"certain times"), and which column a mark stands in is lost. A table is taken to start at a header row:
three or more titles side by side on one line, each a few words starting with a capital. Its columns are
the header's, and it goes on down the page as long as every piece of each line stays inside one column
(a line of prose runs across them and ends it). Where its rows start is read as Word sets them
(`_row_starts`), and where it ends from its gaps and its last mark.
"""

from __future__ import annotations

import re
from itertools import pairwise

from bot.knowledge.importing.grids import Box
from bot.knowledge.importing.tables import TITLE_WORDS, is_mark

_COLUMNS = 3  # titles side by side: two columns are columns.py's
_ROWS = 2  # rows under the header, at least
_SAME_ROW = 1.0  # points: pieces whose tops are this close are one line of the table
_SLACK = 3.0  # points: a piece may reach this far past its column's title
_GAP = 2.5  # line heights: a longer gap ends the table
_WRAPPED = 0.6  # line heights: a wider gap above a line is no paragraph's wrap
_TITLE = re.compile(r"^[A-Z][^.:;!?]*$")
_SHORT = re.compile(r"^[^.:;!?]*$")
_DATED = re.compile(r"\b(?:19|20)\d\d\b|\b(?:version|page|issue|v)\s*\d", re.IGNORECASE)


def unruled_boxes(lines: list[dict]) -> list[Box]:
    """Where the page's tables without borders are, as grids.py describes a ruled table: `lines` are the
    page's lines outside any ruled table, sorted by top, each with its `segments` (text, x0, x1)."""
    rows = _rows_of_text(lines)
    boxes: list[Box] = []
    i = 0
    while i < len(rows):
        found = _table_from(rows, i)
        if found is None:
            i += 1
            continue
        box, i = found
        boxes.append(box)
    return boxes


Row = tuple[float, float, list[tuple[str, float, float]]]  # top, bottom, pieces left to right


def _rows_of_text(lines: list[dict]) -> list[Row]:
    rows: list[Row] = []
    for line in lines:
        pieces = list(line.get("segments", [(line["text"], line["x0"], line["x1"])]))
        bottom = line["top"] + line["height"]
        if rows and abs(line["top"] - rows[-1][0]) <= _SAME_ROW:
            top, low, before = rows[-1]
            rows[-1] = (top, max(low, bottom), sorted(before + pieces, key=lambda piece: piece[1]))
        else:
            rows.append((line["top"], bottom, sorted(pieces, key=lambda piece: piece[1])))
    return rows


def _is_header(row: Row) -> bool:
    """Three titles or more: a few words each, starting with a capital, no mark, no year or version
    ("Version 2   Approved by Governors   Review 2025" heads no table; "KS1   KS2   KS3" may)."""
    titles = [text for text, _, _ in row[2]]
    return len(titles) >= _COLUMNS and all(
        _TITLE.match(text) and len(text.split()) <= TITLE_WORDS and not is_mark(text) and not _DATED.search(text)
        for text in titles
    )


def _title_pieces(row: Row) -> bool:
    """Whether a line is pieces of titles: two or more, each a few words without a full stop."""
    return len(row[2]) >= 2 and all(len(text.split()) <= TITLE_WORDS and _SHORT.match(text) for text, _, _ in row[2])


def _table_from(rows: list[Row], start: int) -> tuple[Box, int] | None:
    """The table whose header row is `rows[start]`, and the index of the first row after it; None if that
    row heads no table."""
    head = rows[start]
    if not _is_header(head):
        return None
    titles = head[2]
    starts = [x0 for _, x0, _ in titles]  # where each title's column starts
    # Titles set in two lines and centred up and down stand above and below the header's one-line titles,
    # between its columns: the header is not what it seems, and the table is left as it was.
    above = rows[start - 1] if start > 0 else None
    if above and head[0] - above[1] <= _height(head) and _title_pieces(above) and not _under_titles(above, titles):
        return None
    end = start + 1
    marked = False
    while end < len(rows) and _fits(rows[end], starts) and rows[end][0] - rows[end - 1][1] <= _GAP * _height(head):
        # Under a grid of marks, a row of titles is the next table's header, and a line alone just above it
        # that table's heading (a register's rows, "Online Safety Lead   Ms Asha Patel   Extension 214", look
        # like titles too).
        heading = end + 1 < len(rows) and len(rows[end][2]) == 1 and _is_header(rows[end + 1])
        if marked and (_is_header(rows[end]) or heading):
            break
        marked = marked or any(is_mark(text) for text, _, _ in rows[end][2])
        end += 1
    left = min(x0 for _, _, pieces in rows[start:end] for _, x0, _ in pieces)
    # the columns' starts, the labels' first: before the first title when its corner cell is empty
    columns = starts if left >= starts[0] - _SLACK else [left, *starts]
    lines = [[(_column(x0, columns), text, x0, x1) for text, x0, x1 in row[2]] for row in rows[start + 1 : end]]
    firsts = _row_starts(lines, rows[start:end], columns)
    # A wider gap than the body's own ends the table: a heading or a paragraph after it. Lines of one label
    # alone at its end are that too: a row of the table says something in another column.
    body_end = _body_end(rows[start + 1 : end], firsts)
    firsts = [first for first in firsts if first < body_end]
    while firsts and all(column == 0 for piece in lines[firsts[-1] : body_end] for column, *_ in piece):
        body_end = firsts.pop()
    grid_end = _grid_end(lines, firsts, body_end) if len(firsts) >= _ROWS else None
    if grid_end is None:
        return None
    body_end = grid_end
    firsts = [first for first in firsts if first < body_end]
    end = start + 1 + body_end
    if not all(_under_titles(row, titles) for row in rows[start + 1 : start + 1 + firsts[0]]):
        return None  # the header's wrapped titles stand under its titles
    # a column's edge halfway across the gap before its title: text centred under a title starts left of it
    edges = [left - 1.0]
    for (_, _, x1), (_, x0, _) in pairwise(titles):
        edges.append((x1 + x0) / 2)
    if len(columns) > len(starts):  # the labels' column before the first title
        widest = max(x1 for line in lines for column, _, _, x1 in line if column == 0)
        edges.insert(1, (widest + starts[0]) / 2)
    right = max(x1 for _, _, pieces in rows[start:end] for _, _, x1 in pieces)
    edges.append(right + 1.0)
    row_edges = [head[0] - 1.0, *(rows[start + 1 + first][0] - 0.5 for first in firsts), rows[end - 1][1] + 1.0]
    return Box(row_edges, edges, [list(range(len(edges) - 1))] * (len(row_edges) - 1)), end


Piece = tuple[int, str, float, float]  # its column, text, left and right


def _grid_end(lines: list[list[Piece]], firsts: list[int], body_end: int) -> int | None:
    """Where the body of a grid of marks ends, or None if the table is none. Only a grid of marks is read:
    read line by line it loses which choice each mark is under, while a table of text keeps its words (and
    the import names its page); and lines set with tabs in ordinary text (a signature block, a version
    history, a contents page) line up like a table of text. After the last line with a mark, a line in
    capitals alone in the labels' column is a heading after the table, not the rest of a label ("File
    sharing ... X" / "Sanctions"; a wrapped label goes on in lower case: "Use of social" / "media")."""
    values = [text for line in lines[firsts[0] : body_end] for column, text, _, _ in line if column > 0]
    with_marks = [any(is_mark(text) for column, text, _, _ in line if column > 0) for line in lines[:body_end]]
    if not values or not all(map(is_mark, values)) or sum(with_marks) < _ROWS:
        return None
    last_mark = max(number for number, has in enumerate(with_marks) if has)
    for number in range(last_mark + 1, body_end):
        if lines[number] and lines[number][0][1][:1].isupper():
            return number
    return body_end


def _row_starts(lines: list[list[Piece]], rows: list[Row], columns: list[float]) -> list[int]:
    """Which lines below the header start the table's rows. The lines before the first label go on with
    the header (its titles' wrapped lines). Below, Word sets every cell of a row from the row's top, so a
    line starts a row where a piece stands in a column the row so far has nothing in ("Pornography ... X"
    / "Online gaming ... X" under another choice), where a mark stands under a choice the row has marked,
    or where a piece's first word would have fitted on its cell's line above (Word wraps only a word that
    does not fit), or where more space stands above it than between a paragraph's lines. Otherwise it goes
    on with its row: "Using school" / "systems to run a private business", "Accessing ... for" /
    "Educational purposes)". `rows` are the header's line and these lines, for their heights; `columns`
    where each column starts."""
    rights: dict[int, float] = {}  # how far each column's text reaches: its widest line
    for line in lines:
        for column, _, _, x1 in line:
            rights[column] = max(rights.get(column, 0.0), x1)
    firsts: list[int] = []
    # the row's last line in each column, its text and right edge; at first the header's titles, whose
    # wrapped lines ("Acceptable at" / "certain times", "Use of" / "technology") go on with them
    above = {_column(x0, columns): (text, x1) for text, x0, x1 in rows[0][2]}
    for number, line in enumerate(lines):
        if rows[number + 1][0] - rows[number][1] > _WRAPPED * _height(rows[number + 1]) or any(
            _starts_a_row(piece, above, rights) for piece in line
        ):
            firsts.append(number)
            above = {}
        for column, text, _, x1 in line:
            above[column] = (text, x1)
    return firsts


def _starts_a_row(piece: Piece, above: dict[int, tuple[str, float]], rights: dict[int, float]) -> bool:
    column, text, x0, x1 = piece
    if column not in above:
        return True
    before, end = above[column]
    if is_mark(text) or is_mark(before):
        return True
    word = text.split()[0]
    width = (x1 - x0) / max(len(text), 1) * (len(word) + 1)
    return end + width <= rights[column] - _SLACK


def _body_end(body: list[Row], firsts: list[int]) -> int:
    """Where the table's body ends: at a row whose gap above is wider, by half as much again, than the
    widest between its rows so far (once it has two): a heading or a paragraph after the table."""
    gaps: list[float] = []
    for first in firsts[1:]:
        gap = body[first][0] - body[first - 1][1]
        if len(gaps) >= _ROWS - 1 and gap > 1.5 * max(gaps) + 1.0:
            return first
        gaps.append(gap)
    return len(body)


def _under_titles(row: Row, titles: list[tuple[str, float, float]]) -> bool:
    """Whether every piece of a line stands under one of the titles: starting where it starts, or centred
    where it is centred."""
    return all(
        any(abs(x0 - t0) <= _SLACK or abs((x0 + x1) / 2 - (t0 + t1) / 2) <= _SLACK for _, t0, t1 in titles)
        for _, x0, x1 in row[2]
    )


def _height(row: Row) -> float:
    return max(row[1] - row[0], 1.0)


def _fits(row: Row, starts: list[float]) -> bool:
    """Whether every piece of the line stays inside one column: from where it starts to the next title."""
    for _, x0, x1 in row[2]:
        after = [start for start in starts if start > x0 + _SLACK]
        if after and x1 > after[0] + _SLACK:
            return False
    return bool(row[2])


def _column(x0: float, starts: list[float]) -> int:
    return max((j for j, start in enumerate(starts) if start <= x0 + _SLACK), default=0)
