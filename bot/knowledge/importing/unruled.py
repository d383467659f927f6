"""Tables of three or more columns set without borders on a PDF page (a Word table with no borders, or with
shading only), found from how their text lines up, so that grids.py reads them cell by cell as it reads
ruled ones.

Read line by line, such a table mixes its cells up ("Pornography X", "Acceptable at Unacceptable" /
"certain times"), and which column a mark stands in is lost. A table is taken to start at a header row:
three or more titles side by side on one line, each a few words starting with a capital. Its columns are
the header's, and it goes on down the page as long as every piece of each line stays inside one column
(a line of prose runs across them and ends it). A new row starts where the first column starts a new
label with a capital or a number (not a wrapped one going on), or where a mark stands under a choice the
row has marked already.
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
_TITLE = re.compile(r"^[A-Z][^.:;!?]*$")


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
    titles = [text for text, _, _ in row[2]]
    return len(titles) >= _COLUMNS and all(
        _TITLE.match(text) and len(text.split()) <= TITLE_WORDS and not is_mark(text) for text in titles
    )


def _table_from(rows: list[Row], start: int) -> tuple[Box, int] | None:
    """The table whose header row is `rows[start]`, and the index of the first row after it; None if that
    row heads no table."""
    head = rows[start]
    if not _is_header(head):
        return None
    titles = head[2]
    # where each column's text may start, and how far it may reach: up to the next title
    starts = [x0 for _, x0, _ in titles]
    # Titles set in two lines and centred up and down stand above and below the header's one-line titles,
    # between its columns: the header is not what it seems, and the table is left as it was.
    if start > 0 and head[0] - rows[start - 1][1] <= _height(head) and not _under_titles(rows[start - 1], titles):
        return None
    end = start + 1
    gaps: list[float] = []
    while end < len(rows) and _fits(rows[end], starts):
        gap = rows[end][0] - rows[end - 1][1]
        # a wider gap than the table's own ends it: a heading or a paragraph after the table
        if gap > _GAP * _height(head) or (len(gaps) >= _ROWS and gap > 1.5 * max(gaps) + 1.0):
            break
        gaps.append(gap)
        end += 1
    body = rows[start + 1 : end]
    if not all(_under_titles(row, titles) for row in _continued_header(body, starts)):
        return None
    left = min(x0 for _, _, pieces in rows[start:end] for _, x0, _ in pieces)
    first_title = starts[0] if left >= starts[0] - _SLACK else None  # a header with an empty corner cell
    tops = _row_tops(body, first_title if first_title is not None else left, starts)
    if len(tops) < _ROWS:
        return None
    # a column's edge halfway across the gap before its title: text centred under a title starts left of it
    edges = [left - 1.0]
    for (_, _, x1), (_, x0, _) in pairwise(titles):
        edges.append((x1 + x0) / 2)
    if first_title is None:  # the labels' column before the first title
        edges.insert(1, (max(x1 for _, _, pieces in body for _, x0, x1 in pieces if x0 < starts[0]) + starts[0]) / 2)
    right = max(x1 for _, _, pieces in rows[start:end] for _, _, x1 in pieces)
    edges.append(right + 1.0)
    row_edges = [head[0] - 1.0, *(top - 0.5 for top in tops), rows[end - 1][1] + 1.0]
    columns = len(edges) - 1
    return Box(row_edges, edges, [list(range(columns))] * (len(row_edges) - 1)), end


def _continued_header(body: list[Row], starts: list[float]) -> list[Row]:
    """The lines under the header before the first label: its titles' wrapped lines."""
    out = []
    for row in body:
        if any(x0 < _second(starts, starts[0]) - _SLACK for _, x0, _ in row[2]):
            break
        out.append(row)
    return out


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


def _row_tops(body: list[Row], first: float, starts: list[float]) -> list[float]:
    """The tops of the table's rows below its header: where the first column starts a new label, or a
    mark stands under a choice the row has marked already. Lines before the first label go on with the
    header (its titles' wrapped lines)."""
    tops: list[float] = []
    marked: set[int] = set()
    for top, _, pieces in body:
        label = next((text for text, x0, _ in pieces if x0 < _second(starts, first) - _SLACK), None)
        columns = {_column(x0, starts) for text, x0, _ in pieces if is_mark(text)}
        # "Using school" / "systems to run ...", "On-line gaming" / "(educational)": one label wrapped
        new_label = label is not None and (label[:1].isupper() or label[:1].isdigit())
        if new_label or (tops and columns & marked):
            tops.append(top)
            marked = set()
        marked |= columns
    return tops


def _second(starts: list[float], first: float) -> float:
    """Where the second column starts: the labels' column ends there."""
    later = [start for start in starts if start > first + _SLACK]
    return later[0] if later else float("inf")


def _column(x0: float, starts: list[float]) -> int:
    return max((j for j, start in enumerate(starts) if start <= x0 + _SLACK), default=0)
