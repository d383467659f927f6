"""Reading order for a PDF page set partly in two columns: a table of Do's and Don'ts, or prose in two
columns. pdfminer gives each column's lines as lines of their own; sorted by height alone they interleave
("Check with a senior leader before ..." / "Don't make comments ..." / "that may have ..."), and the
paragraphs read as nonsense. Here the lines side by side are read column by column instead.

A stretch of the page is in two columns when lines in its left half and lines in its right half sit at
the same heights, again and again, and read as prose (a few words a line, not a form's labels and
values). It ends at a line across the page, or at a line in one column only after a paragraph's gap
(a heading below the table).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import pairwise
from statistics import median

from bot.knowledge.importing.tables import rule_title

_SIDE = 0.1  # of the text's width: a line in the left column ends before the middle plus this
_PAIRED = 1.5  # line heights: a line of the other column this close in height sits beside it
_OWN_GAP = 2.0  # line heights: a wider gap from its column's previous line ends a two-column stretch
_PAIRS = 2  # lines of each column that sit beside the other's, at least, to read a stretch as columns
_PROSE_WORDS = 4  # a column's lines hold this many words (median), at least: prose, not a form
_SAME_ROW = 0.5  # line heights: a right line this close in height to a left one is in the same table row
# Bullet glyphs as PDFs set them (pdf.py reads items by them too)
BULLETS = "\u2022\u25cf\u25aa\u25e6\uf0b7\u2013-o\u27a2\u25a0\u25a1\u2043"
BULLET = re.compile(rf"^[{re.escape(BULLETS)}]\s+")  # a bullet glyph and its space ("o" alone starts words)
# An item of a list: a bullet, or a number or letter and its stop ("1.", "a)", "(ii)").
ITEM = re.compile(rf"^\s*(?:[{re.escape(BULLETS)}*]|\(?(?:\d{{1,2}}|[A-Za-z]|[ivx]{{1,4}})[.)])\s")
# What a line that ends a sentence ends with: the next line does not go on with it
ENDS_SENTENCE = (".", "!", "?", ":", ";", '"', "\u201d", ")")
_RAGGED = 0.2  # of a column's width: a line ending this close to the column's right edge ran to it


def in_reading_order(lines: list[dict]) -> list[dict]:
    """The page's lines (text, x0, x1, top, height; sorted by top) with each two-column stretch read
    left column first. Lines read in a column are marked `in_column`, the first of each `column_start`
    (the right column's first also `after_column`), and the right column's lines are moved onto the left
    one's margin (x0, x1), so indents and bullet levels read alike. A table whose rows belong together
    is read row by row, each row one line."""
    if len(lines) < 2 * _PAIRS:
        return lines
    left_edge = min(line["x0"] for line in lines)
    right_edge = max(line["x1"] for line in lines)
    middle, slack = (left_edge + right_edge) / 2, (right_edge - left_edge) * _SIDE
    height = median(line["height"] for line in lines)

    def side(line: dict) -> str:
        """Where a line starts says its column (a right column's last line may be one short word)."""
        if line["x0"] >= middle - slack:
            return "right"
        return "left" if line["x1"] <= middle + slack else "full"

    sides = [side(line) for line in lines]
    tops = [line["top"] for line in lines]  # sorted: the lines beside a line are found by bisection
    reach = _PAIRED * height

    def beside(i: int) -> bool:
        if sides[i] == "full":
            return False
        start, end = bisect_left(tops, tops[i] - reach), bisect_right(tops, tops[i] + reach)
        return any(sides[j] not in ("full", sides[i]) for j in range(start, end))

    paired = [beside(i) for i in range(len(lines))]
    out: list[dict] = []
    stretch: list[int] = []
    last_top: dict[str, float] = {}
    for i, (line, where) in enumerate(zip(lines, sides, strict=True)):
        ends = where == "full" or (
            not paired[i] and line["top"] - last_top.get(where, float("-inf")) > _OWN_GAP * height
        )
        if ends:
            out += _read(lines, sides, paired, stretch)
            stretch, last_top = [], {}
        stretch.append(i)
        last_top[where] = line["top"]
    return out + _read(lines, sides, paired, stretch)


def _read(lines: list[dict], sides: list[str], paired: list[bool], stretch: list[int]) -> list[dict]:
    """The stretch's lines, column by column if it is set in two columns, else as they are. A stretch
    starts with the line that ended the one before: one across the page stays first."""
    columns = {where: [i for i in stretch if sides[i] == where] for where in ("left", "right")}
    beside = all(sum(paired[i] for i in columns[where]) >= _PAIRS for where in ("left", "right"))
    prose = beside and all(
        median(len(lines[i]["text"].split()) for i in columns[where]) >= _PROSE_WORDS for where in ("left", "right")
    )
    # A column of wrapped sentences beside short lines (a title block: the school's name, "Signed .....")
    # is prose too; a form's labels and values never go on in lower case.
    in_columns = beside and (prose or any(_wrapped(lines, columns[where]) >= _PAIRS for where in ("left", "right")))
    if not in_columns:
        return [lines[i] for i in stretch]
    rows = _rows(lines, columns["left"], columns["right"])
    if rows is not None:
        return [
            dict(lines[i], text=f"{lines[i]['text']} {lines[rows[i]]['text']}", x1=lines[rows[i]]["x1"])
            if i in rows
            else lines[i]
            for i in stretch
            if sides[i] != "right"
        ]
    shift = min(lines[i]["x0"] for i in columns["right"]) - min(lines[i]["x0"] for i in columns["left"])
    out = [lines[i] for i in stretch if sides[i] == "full"]
    out += [dict(lines[i], column_start=n == 0, in_column=True) for n, i in enumerate(columns["left"])]
    out += [
        dict(
            lines[i],
            x0=lines[i]["x0"] - shift,
            x1=lines[i]["x1"] - shift,
            column_start=n == 0,
            in_column=True,
            after_column=n == 0 and lines[columns["left"][-1]]["x1"] >= _wrap_edge(lines, columns["left"]),
        )
        for n, i in enumerate(columns["right"])
    ]
    return out


def lower_case_word(text: str) -> bool:
    """Whether the line starts with a word in lower case, as a sentence going on does; "iPads" and
    "eSafety" are names, which start a sentence as they are."""
    return bool(re.match(r"[a-z]+(?![A-Z])\b", text))


def _wrapped(lines: list[dict], column: list[int]) -> int:
    """How many of the column's lines go on with the sentence of the line just above them: it ran to the
    column's edge (a form's value, "the Full Governing Body", starts in lower case under a short one)."""
    edge = _wrap_edge(lines, column)
    return sum(
        lower_case_word(lines[i]["text"])
        and not lines[before]["text"].rstrip().endswith(ENDS_SENTENCE)
        and lines[i]["top"] - lines[before]["top"] <= _PAIRED * lines[before]["height"]
        and lines[before]["x1"] >= edge
        for before, i in pairwise(column)
    )


def _wrap_edge(lines: list[dict], column: list[int]) -> float:
    """How far right a line of the column reaches when its sentence wraps: near the column's right edge."""
    left, right = min(lines[j]["x0"] for j in column), max(lines[j]["x1"] for j in column)
    return right - _RAGGED * (right - left)


def _rows(lines: list[dict], left: list[int], right: list[int]) -> dict[int, int] | None:
    """Each left line's right line, when the two columns are a table whose rows belong together ("A pupil
    sends you a friend request" | "Decline it and tell the DSL"): one line a cell, side by side, none going
    on with the line above. Two lists side by side under titles ("Do's" | "Don'ts") are no such rows."""
    titled = rule_title(lines[left[0]]["text"]) or rule_title(lines[right[0]]["text"])
    if len(left) != len(right) or titled or any(ITEM.match(lines[i]["text"]) for i in left + right):
        return None  # lists side by side: each column's items are its own
    height = median(lines[i]["height"] for i in left + right)
    if any(abs(lines[i]["top"] - lines[j]["top"]) > _SAME_ROW * height for i, j in zip(left, right, strict=True)):
        return None
    if any(lower_case_word(lines[i]["text"]) for i in left + right):
        return None
    return dict(zip(left, right, strict=True))
