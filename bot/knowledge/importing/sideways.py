"""Text set sideways in a PDF: a table's column titles turned to read up the page (the SWGfL template's
"Refer to Headteacher", "Refer to Police" over its columns of crosses), or down it.

pdfminer lays out a page's characters in horizontal lines, so the letters of titles standing side by side
come out interleaved and backwards ("r e h c a o e t t r d e a f e e H R"). Here each turned character is
taken out of its line and the turned text is read in its own direction: letter after letter up (or down)
the page, a space where the gap between two letters is a word's, lines left to right (right to left for
text turned the other way). The lines of one title stand close beside each other, with no column's rule
between them; they are given to grids.py in reading order, which reads them as a cell's lines.
"""

from __future__ import annotations

from itertools import pairwise
from statistics import median
from typing import Any

_WORD_GAP = 0.15  # font sizes: a gap this wide between two letters of a turned line parts two words
_SAME_LINE = 0.25  # font sizes: letters whose left edges are this close stand in one turned line
_LINE_BREAK = 1.0  # font sizes: a longer gap along a turned line starts another text
_BESIDE = 0.5  # font sizes: turned lines this close side by side are one title's lines
_SLANT = 0.17  # the sine of 10 degrees: a crooked scan's text layer leans less, a watermark far more
_LINE_STEP = 1.5  # points: a title's lines given tops this far apart, in reading order (grids.py reads a
# cell's lines top to bottom, and joins a word a narrow cell broke over two: "Headteach" / "er")


def is_sideways(char: Any) -> bool:
    """Whether a glyph is turned a quarter turn: its text runs up or down the page."""
    a, b, _, d = char.matrix[:4]
    return abs(a) < 1e-3 and abs(d) < 1e-3 and abs(b) > 1e-3


def is_slanted(char: Any) -> bool:
    """Whether a glyph is set at a slant, well off level and short of a quarter turn: a watermark ("DRAFT"
    across the page), never a policy's own text (a crooked scan's lines lean by a degree or two)."""
    a, b, _, d = char.matrix[:4]
    sine = abs(b) / max((a * a + b * b) ** 0.5, 1e-9)
    return sine > _SLANT and (abs(a) > 1e-3 or abs(d) > 1e-3)


Rule = tuple[float, float, float]  # a vertical rule drawn on the page: x, and its top and bottom from the page's top


def sideways_lines(chars: list[Any], page_height: float, down: list[Rule]) -> list[dict]:
    """The turned characters of a page as lines like pdf.py's (`text`, `x0`, `x1`, `top`, `height`,
    `segments`, `size`): a title's lines one after the other, in its place. Lines a vertical rule of
    `down` stands between (a table's column edge) belong to two titles, however close."""
    lines: list[list[Any]] = []
    for up in (True, False):
        columns: list[list[Any]] = []  # letters standing at one distance from the page's left edge
        for char in sorted((ch for ch in chars if _reads_up(ch) == up), key=lambda ch: ch.x0):
            if columns and char.x0 - columns[-1][0].x0 <= _SAME_LINE * _size(char):
                columns[-1].append(char)
            else:
                columns.append([char])
        for column in columns:
            column.sort(key=lambda ch: _along(ch, up))
            lines.append([column[0]])
            for before, after in pairwise(column):
                if _gap(before, after, up) > _LINE_BREAK * _size(after):
                    lines.append([])
                lines[-1].append(after)
    return [line for title in _titles(lines, page_height, down) for line in _as_lines(title, page_height)]


def _reads_up(char: Any) -> bool:
    """Whether a turned glyph's text reads up the page (turned a quarter turn to the left), not down it."""
    return bool(char.matrix[1] > 0)


def _along(char: Any, up: bool) -> float:
    """How far along its line a letter stands: from the foot of the page for text that reads up."""
    return char.y0 if up else -char.y1


def _gap(before: Any, after: Any, up: bool) -> float:
    return after.y0 - before.y1 if up else before.y0 - after.y1


def _size(char: Any) -> float:
    """The type's size: across a turned line, which is the glyph's width on the page (pdfminer's `size` is
    its height there, the letter's advance)."""
    return max(float(char.x1 - char.x0), 1.0)


def _text(line: list[Any]) -> str:
    up = _reads_up(line[0])
    words = [line[0].get_text()]
    for before, after in pairwise(line):
        if _gap(before, after, up) > _WORD_GAP * _size(after):
            words.append(" ")
        words.append(after.get_text())
    return " ".join("".join(words).split())


def _titles(lines: list[list[Any]], page_height: float, down: list[Rule]) -> list[list[list[Any]]]:
    """Turned lines grouped into titles: the next line of a title stands just beside the last, in reading
    order (to the right for text that reads up, to the left for text that reads down), along the same
    stretch of the page."""
    titles: list[list[list[Any]]] = []
    for up in (True, False):
        ordered = sorted((line for line in lines if _reads_up(line[0]) == up), key=lambda line: line[0].x0)
        if not up:
            ordered.reverse()
        for line in ordered:
            last = titles[-1][-1] if titles and _reads_up(titles[-1][0][0]) == up else None
            if last is not None and _beside(last, line, up) and not _ruled_between(last, line, page_height, down):
                titles[-1].append(line)
            else:
                titles.append([line])
    return titles


def _beside(last: list[Any], line: list[Any], up: bool) -> bool:
    size = median(_size(ch) for ch in line)
    apart = min(ch.x0 for ch in line) - max(ch.x1 for ch in last) if up else min(ch.x0 for ch in last) - max(
        ch.x1 for ch in line
    )
    overlap = min(max(ch.y1 for ch in last), max(ch.y1 for ch in line)) - max(
        min(ch.y0 for ch in last), min(ch.y0 for ch in line)
    )
    return -_BESIDE * size <= apart <= _BESIDE * size and overlap > 0


def _ruled_between(one: list[Any], other: list[Any], page_height: float, down: list[Rule]) -> bool:
    """Whether a rule stands between two turned lines: between their middles, as a glyph's box can reach
    over the cell's edge."""
    left, right = sorted(sum(ch.x0 + ch.x1 for ch in line) / (2 * len(line)) for line in (one, other))
    top = page_height - max(ch.y1 for ch in one + other)
    bottom = page_height - min(ch.y0 for ch in one + other)
    return any(left <= x <= right and top0 < bottom and top1 > top for x, top0, top1 in down)


def _as_lines(title: list[list[Any]], page_height: float) -> list[dict]:
    """A title's lines, in reading order, each with the title's edges and a top a little below the one
    before."""
    chars = [ch for line in title for ch in line]
    x0, x1 = min(ch.x0 for ch in chars), max(ch.x1 for ch in chars)
    y0, y1 = min(ch.y0 for ch in chars), max(ch.y1 for ch in chars)
    size = median(round(_size(ch), 1) for ch in chars)
    out = []
    for number, line in enumerate(title):
        text = _text(line)
        out.append(
            {
                "text": text,
                "x0": x0,
                "x1": x1,
                # placed in its cell by its middle: a turned glyph's box can reach over the cell's edge
                "segments": [(text, (x0 + x1) / 2, x1)],
                "size": size,
                "top": page_height - y1 + number * _LINE_STEP,
                "height": y1 - y0 - number * _LINE_STEP,
                "sideways": True,
            }
        )
    return out
