"""A PDF policy -> plain text, read with pdfminer.six (which gives each line's position on the page).

Positions are what turn a PDF back into paragraphs: a wider gap between lines starts a paragraph,
a bullet glyph starts an item and its distance from the margin gives its level, and lines that
repeat at the top or bottom of most pages (with their page numbers) are the running header and
footer, left out of the text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

from bot.knowledge.importing.columns import BULLET, ENDS_SENTENCE, in_reading_order, lower_case_word
from bot.knowledge.importing.extract import Extracted, ExtractError, Progress
from bot.knowledge.importing.grids import (
    ADDRESS_CUT,
    Box,
    Table,
    box_of,
    goes_on,
    grid_lines,
    rules_of,
    table_boxes,
    tables_on,
    unruled_columns,
)
from bot.knowledge.importing.sideways import is_sideways, is_slanted, sideways_lines
from bot.knowledge.importing.unruled import unruled_boxes

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$|^-\s*\d{1,3}\s*-$", re.IGNORECASE)
_EDGE_LINES = 3  # rows of lines at the top and at the bottom of a page that may be a running header/footer
_SAME_ROW = 1.0  # points: lines whose tops are this close are one row
_PARAGRAPH_GAP = 1.35  # a gap this many times the line pitch starts a paragraph
_RESIZED = 0.1  # a line whose type is this much larger or smaller than the line before starts a paragraph
_HEADING_SHORT = 0.25  # of the text's width: ... when the line before ends this far short of the margin
_PITCH_QUANTILE = 5  # the line pitch is the shortest fifth of line-to-line distances
_INDENT_TOLERANCE = 3.0  # points: bullets this close to each other are at one level
_CONTINUED_LINES = 3.0  # line heights: a column's line this close below goes on with the sentence above
_GUTTER = 8.0  # font sizes: a gap this wide inside a line parts two columns, not two words
_WIDE_GAP = 1.0  # font sizes: a gap this wide inside a line may part a table's cells (grids.py)
_ONE_LINE = 100.0  # pdfminer's char_margin: gaps up to this many characters' widths stay within a line
Page = tuple[float, list[dict], list[Box]]  # a page's height, its lines and its ruled tables (grids.py)


def _pages(path: Path, progress: Progress | None) -> tuple[list[Page], dict[int, str], dict[int, str]]:
    """Each page's height, its lines, top to bottom (text, left edge `x0`, distance from the top), and the
    rules drawn on it (a table's borders, grids.py); and by page, the text left out of the lines: set at a
    slant across it (a watermark such as "DRAFT"), and set sideways outside a table (a margin's strapline)."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    # A line is everything at one height: a bullet and its text stay together however wide the tab
    # after the bullet is; a gap as wide as a gutter is cut later (_parts), and columns read in turn
    # (columns.py).
    layout = LAParams(char_margin=_ONE_LINE)
    try:
        with path.open("rb") as file:
            document_pages = list(PDFPage.create_pages(PDFDocument(PDFParser(file))))
            resources = PDFResourceManager()
            device = PDFPageAggregator(resources, laparams=layout)
            interpreter = PDFPageInterpreter(resources, device)
            pages = []
            slanted: dict[int, str] = {}
            aside: dict[int, str] = {}
            for number, page in enumerate(document_pages, start=1):
                interpreter.process_page(page)
                result = device.get_result()
                lines, turned, watermark = [], [], []
                for box in result:
                    for line in box if isinstance(box, LTTextContainer) else ():
                        if not isinstance(line, LTTextLine):
                            continue
                        items = list(line)
                        # a glyph not set level (matrix b or c not 0) is rare: looked at closer only then
                        odd = [ch for ch in items if isinstance(ch, LTChar) and (ch.matrix[1] or ch.matrix[2])]
                        sideways = [char for char in odd if is_sideways(char)]
                        aslant = [char for char in odd if is_slanted(char)]
                        if sideways or aslant:  # turned titles are read apart, in their own direction
                            turned += sideways
                            watermark += aslant
                            apart = {id(char) for char in sideways + aslant}
                            items = [item for item in items if id(item) not in apart]
                        lines += [dict(part, top=result.height - line.y1, height=line.height) for part in _parts(items)]
                rules = rules_of(list(result), result.height)
                lines += sideways_lines(turned, result.height, rules.down)
                if watermark:
                    slanted[number] = "".join(ch.get_text() for ch in sorted(watermark, key=lambda ch: ch.x0))
                ordered = sorted(lines, key=lambda line: (line["top"], line["x0"]))
                boxes = table_boxes(rules)
                for line in ordered:
                    line["table"] = box_of(line, boxes)
                # tables without borders, found from how their text lines up (unruled.py), read as ruled ones
                unruled = unruled_boxes([line for line in ordered if line["table"] is None])
                for line in ordered:
                    found = box_of(line, unruled) if line["table"] is None else None
                    if found is not None:
                        line["table"] = len(boxes) + found
                boxes += unruled
                # Sideways text outside a table is a margin's strapline or label, not the policy's: set in
                # among the page's lines by its top, it cut a paragraph in two.
                margin = [line for line in ordered if line.get("sideways") and line["table"] is None]
                if margin:
                    aside[number] = " ".join(line["text"] for line in margin)
                    gone = {id(line) for line in margin}
                    ordered = [line for line in ordered if id(line) not in gone]
                pages.append((float(result.height), ordered, boxes))
                if progress:
                    progress(number, len(document_pages))
            return pages, slanted, aside
    except OSError as exc:
        raise ExtractError(f"cannot read {path}: {exc.strerror}") from exc
    except Exception as exc:  # pdfminer raises many types for a damaged or encrypted file; all mean "unreadable"
        if "password" in exc.__class__.__name__.lower() or "encrypt" in exc.__class__.__name__.lower():
            raise ExtractError(
                f"{path.name}: the PDF is password-protected; remove the password (or save it again from Word) "
                "and import that"
            ) from exc
        raise ExtractError(f"{path.name}: not a readable PDF ({exc.__class__.__name__})") from exc


def _parts(line: list[Any]) -> list[dict]:
    """A line's text with its left and right edges (`text`, `x0`, `x1`); cut in two where a gap as wide as a
    column's gutter parts it (a table's header row, "The Do's" ... "The Don'ts"), so each part keeps its
    column. Each part also comes as its `segments`, cut at every gap of a character's width or more (a
    table's cells, grids.py), and with its type's `size` (most of its glyphs': a raised note mark is
    smaller, and the line's height would count it)."""
    from pdfminer.layout import LTChar

    out = []
    for part in _cut(line, _GUTTER):
        text, x0, x1 = _said(part)
        if text:
            segments = [said for segment in _cut(part, _WIDE_GAP) if (said := _said(segment))[0]]
            size = median(round(item.size, 1) for item in part if isinstance(item, LTChar))
            out.append({"text": text, "x0": x0, "x1": x1, "segments": segments, "size": size})
    return out


def _cut(items: list[Any], gap: float) -> list[list[Any]]:
    """`items` (a line's glyphs and pdfminer's spaces) cut wherever glyphs stand `gap` font sizes apart."""
    from pdfminer.layout import LTChar

    parts: list[list[Any]] = [[]]
    last = None
    for item in items:
        if isinstance(item, LTChar):
            if last is not None and item.x0 - last.x1 > gap * max(item.size, 1.0):
                parts.append([])
            last = item
        parts[-1].append(item)
    return parts


def _said(items: list[Any]) -> tuple[str, float, float]:
    from pdfminer.layout import LTChar

    glyphs = [g for g in items if isinstance(g, LTChar)]
    # pdfminer writes a wide gap as a space beside the text's own: a justified line's words would be two
    # spaces apart
    text = " ".join("".join(item.get_text() for item in items).split())
    return (text, glyphs[0].x0, glyphs[-1].x1) if text and glyphs else ("", 0.0, 0.0)


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _at_edge(lines: list[dict]) -> list[dict]:
    """The page's lines in its first and last few rows (a row: the lines at one height, as a running
    header's left and right parts are, "Version 3.1" ... "Reviewed September 2024")."""
    row_of: dict[int, float] = {}  # a line -> the top of its row's first line
    rows: list[float] = []
    for line in lines:  # sorted by top
        if not rows or line["top"] - rows[-1] > _SAME_ROW:
            rows.append(line["top"])
        row_of[id(line)] = rows[-1]
    edge = set(rows[:_EDGE_LINES] + rows[-_EDGE_LINES:])
    return [line for line in lines if row_of[id(line)] in edge]


def _running_lines(pages: list[Page]) -> tuple[set[str], set[str]]:
    """Keys of lines found at a page's top or bottom edge on at least half the pages (and two or more):
    those outside ruled tables, and those inside them, counted apart (a header row Word repeats over a
    table on every page is no running header, unless the whole table is)."""
    plain: Counter[str] = Counter()
    tabled: Counter[str] = Counter()
    for _, lines, _ in pages:
        edge = _at_edge(lines)
        plain.update({_key(line["text"]) for line in edge if line.get("table") is None})
        tabled.update({_key(line["text"]) for line in edge if line.get("table") is not None})
    needed = max(2, (len(pages) + 1) // 2)
    return {key for key, n in plain.items() if n >= needed}, {key for key, n in tabled.items() if n >= needed}


def _running(lines: list[dict], plain: set[str], tabled: set[str]) -> list[dict]:
    """The page's running header and footer lines and page numbers: lines at its edge that repeat, and
    ruled tables at its edge (a header laid out as a table) whose every line repeats."""
    edge = _at_edge(lines)
    at_edge = {id(line) for line in edge}

    def repeats(line: dict, keys: set[str]) -> bool:
        return _key(line["text"]) in keys or bool(_PAGE_NUMBER.match(line["text"].strip()))

    whole = {
        line["table"]
        for line in edge
        if line.get("table") is not None
        and all(
            id(other) in at_edge and repeats(other, tabled) for other in lines if other.get("table") == line["table"]
        )
    }
    return [line for line in edge if line["table"] in whole or (line.get("table") is None and repeats(line, plain))]


def _levels(pages: list[Page], removed: set[int]) -> list[float]:
    """The distinct left positions of bullets, outermost first."""
    positions = sorted(
        line["x0"] for _, lines, _ in pages for line in lines if id(line) not in removed and BULLET.match(line["text"])
    )
    levels: list[float] = []
    for x in positions:
        if not levels or x - levels[-1] > _INDENT_TOLERANCE:
            levels.append(x)
    return levels


def _line_pitch(pages: list[list[dict]]) -> float:
    """The distance between wrapped lines of one paragraph: the short end of all line-to-line distances
    (most gaps in a policy are between one-line paragraphs and bullets, so the median is too wide)."""
    pitches = sorted(
        b["top"] - a["top"]
        for lines in pages
        for a, b in pairwise(line for line in lines if not line.get("grid"))
        if b["top"] > a["top"]
    )
    return pitches[len(pitches) // _PITCH_QUANTILE] if pitches else 0.0


_HYPHENATED = re.compile(r"(?<![\w-])([A-Za-z]+)-$")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def _joined(paragraph: str, line: str, words: set[str]) -> str:
    """A wrapped line added to its paragraph; a word hyphenated across the break ("pro-" / "fessional")
    is put back together, unless the document writes it with its hyphen elsewhere ("e-safety")."""
    end = _HYPHENATED.search(paragraph)
    start = _WORD.match(line)
    if end is None or start is None or not line[:1].islower():
        return f"{paragraph} {line}"
    head, tail = end.group(1), start.group(0).split("-")[0]
    whole = f"{head}{tail}".lower()
    # A hyphen that belongs to the word stays: the policy writes it so elsewhere ("e-safety"), or the next
    # part is itself hyphenated ("child-" / "on-child"). Otherwise the word is joined only when it is one:
    # the policy uses it unbroken, or English has it ("pro-" / "fessional"); "self-" / "harm" stays.
    keep = f"{head}-{tail}".lower() in words or "-" in start.group(0) or not _a_word(whole, words)
    return f"{paragraph}{line}" if keep else f"{paragraph[:-1]}{line}"


_ENDINGS = ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "al", "ment", "ments", "ion", "ions")


def _a_word(word: str, words: set[str]) -> bool:
    """Whether `word` is one: the policy uses it unbroken, or English has it, as it is or with a British
    spelling or a common ending ("minimise", "delegated", "behaviours")."""
    english = _english()
    american = word.replace("isation", "ization").replace("ise", "ize").replace("our", "or")
    forms = {word, american} | {
        form[: -len(ending)] + extra
        for form in (word, american)
        for ending in _ENDINGS
        if form.endswith(ending) and len(form) - len(ending) > 3
        for extra in ("", "e")
    }
    return word in words or any(form in english for form in forms)


@cache
def _english() -> frozenset[str]:
    """Whole English words: the sentence model's vocabulary, which ships with the package."""
    from importlib import resources

    try:
        spec = json.loads((resources.files("bot.matching") / "model" / "tokenizer.json").read_text(encoding="utf-8"))
        vocabulary = spec["model"]["vocab"]
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()
    return frozenset(word for word in vocabulary if word.isalpha() and len(word) > 2)


_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s")  # "4.", "4.1", "4.1.2 ": a numbered section or point
# ... with its full stop or its sub-number, then a capital: not a note mark set before a sentence ("1 Staff
# must ..."), nor a sentence's number wrapped to the line's start ("1.5 hours", "3.15 pm")
_POINT = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.\s+[A-Z(]|^\d{1,2}(?:\.\d{1,2})+\s+[A-Z(]")
_MARGIN_SLACK = 12.0  # points: a line ending this close to the text's right edge ran to the margin


def _runs_on(last: dict, first: dict, right: float) -> bool:
    """Whether a page's first line goes on with the sentence the page before left unfinished (never a
    table's: its lines are whole)."""
    text = last["text"].strip()
    return (
        not last.get("grid")
        and last["x1"] >= right - _MARGIN_SLACK
        and not text.endswith(ENDS_SENTENCE)
        and not BULLET.match(first["text"].strip())
        and abs(first["x0"] - last["x0"]) <= _INDENT_TOLERANCE  # the same column, not a heading or an item
        and not _NUMBERED.match(first["text"].strip())  # a numbered section starts
    )


def _goes_on(line: dict, previous: dict | None) -> bool:
    """A line in a column that finishes the sentence of the one above it: a table's cells are often set
    with wider spacing than the text, so the gap alone would cut a cell's sentence in two. The right
    column's first line goes on with the left column's last, in prose whose sentence runs over the gutter."""
    if line.get("after_column"):
        return (
            previous is not None
            and lower_case_word(line["text"])
            and not previous["text"].rstrip().endswith(ENDS_SENTENCE)
        )
    return (
        previous is not None
        and bool(line.get("in_column"))
        and not line.get("column_start")
        and lower_case_word(line["text"])
        and not previous["text"].rstrip().endswith(ENDS_SENTENCE)
        and line["top"] - previous["top"] <= _CONTINUED_LINES * previous["height"]
    )


def _with_tables(pages: list[list[dict]], boxes: list[list[Box]], words: set[str]) -> list[list[dict]]:
    """Each page's lines with its ruled tables read cell by cell (grids.py), a table carried over the page
    read whole where it starts."""
    found = [tables_on(lines, page_boxes) for lines, page_boxes in zip(pages, boxes, strict=True)]
    last: Table | None = None
    shown: list[list[Table]] = []
    for tables in found:
        mine: list[Table] = []
        for table in tables:
            if not mine and last is not None and goes_on(last, table):
                continue
            mine.append(table)
            last = table
        last = last if tables else None
        shown.append(mine)
    out = []
    for lines, tables, own in zip(pages, found, shown, strict=True):
        gone = {id(line) for table in tables for line in table.lines}
        grid = [line for table in own for line in grid_lines(table, lambda a, b: _joined_in_cell(a, b, words))]
        out.append(sorted([line for line in lines if id(line) not in gone] + grid, key=lambda x: (x["top"], x["x0"])))
    return out


def _joined_in_cell(paragraph: str, line: str, words: set[str]) -> str:
    """A cell's wrapped line added to its paragraph. A narrow column breaks a long word without a hyphen
    ("Unaccepta" / "ble", "education" / "al"): made whole when the two parts together are a word and apart
    they are not both words ("may" / "be", "with" / "in" stay apart), when neither part is a word ("insecur"
    / "e"), or when the policy writes it whole. An e-mail or web address cut after a full stop, a slash or
    a hyphen goes on without a space ("office@oakfield.sch." / "uk")."""
    if ADDRESS_CUT.search(paragraph) and re.match(r"[a-z0-9]", line):
        return f"{paragraph}{line}"
    head, tail = re.search(r"[A-Za-z]{3,}$", paragraph), re.match(r"[a-z]+\b", line)
    if head is None or tail is None:
        return _joined(paragraph, line, words)
    first, rest = head.group(0).lower(), tail.group(0)
    apart = _a_word(first, set()) and (rest in _SHORT_WORDS or _a_word(rest, set()))
    # Two words that make one the policy writes whole elsewhere ("Monitor" / "ing", "Safe" / "guarding") are
    # that word, unless the second is a word of two letters ("with" / "in", "may" / "be").
    whole = first + rest in words and rest not in _SHORT_WORDS
    # Neither part a word ("insecur" / "e"): one word, whether or not the word list knows it whole
    pieces = not _a_word(first, set()) and rest not in _SHORT_WORDS and not _a_word(rest, set())
    joined = (not apart or whole) and (_a_word(first + rest, words) or pieces)
    return f"{paragraph}{line}" if joined else _joined(paragraph, line, words)


# Words of one or two letters, which the English word list (words of three letters or more) leaves out
_SHORT_WORDS = frozenset(
    {"a", "i", "am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me", "my", "no", "of"}
    | {"oh", "ok", "on", "or", "so", "to", "up", "us", "we"}
)


def read_pdf(path: Path, progress: Progress | None = None) -> Extracted:
    pages, slanted, aside = _pages(path, progress)
    plain, tabled = _running_lines(pages) if len(pages) > 1 else (set(), set())
    removed_text: list[str] = []
    removed: set[int] = set()
    for _, lines, _ in pages:
        for line in _running(lines, plain, tabled):
            removed.add(id(line))
            removed_text.append(line["text"])
    levels = _levels(pages, removed)
    kept_lines = [[line for line in lines if id(line) not in removed] for _, lines, _ in pages]
    unruled = [number for number, lines in enumerate(kept_lines, start=1) if unruled_columns(lines)]
    words = {word.lower() for lines in kept_lines for line in lines for word in _WORD.findall(line["text"])}
    tables = _with_tables(kept_lines, [boxes for *_, boxes in pages], words)
    kept_pages = [in_reading_order(lines) for lines in tables]
    pitch = _line_pitch(kept_pages)
    paragraphs: list[str] = []
    last_line: dict | None = None  # the previous page's last line
    right = max((line["x1"] for lines in kept_pages for line in lines), default=0.0)
    left = min((line["x0"] for lines in kept_pages for line in lines), default=0.0)
    for kept in kept_pages:
        previous = None
        if kept and last_line is not None and _runs_on(last_line, kept[0], right):
            # A sentence broken by the page break, going on with a capital ("... in breach of the" / "Council's
            # policies ..."): the line before reached the margin and ended no sentence.
            paragraphs[-1] = _joined(paragraphs[-1], kept[0]["text"].strip(), words)
            previous, kept = kept[0], kept[1:]
        for line in kept:
            text = line["text"].strip()
            if line.get("grid"):  # a table's line as tables.py wrote it: a paragraph of its own
                paragraphs.append(text)
                previous = line
                continue
            bullet = BULLET.match(text)
            gap: float | None = line["top"] - previous["top"] if previous else None
            # A line starting left of the one before is a new paragraph after a (wrapped) bullet item.
            outdented = previous is not None and line["x0"] < previous["x0"] - _INDENT_TOLERANCE
            # A heading in a larger type is its own paragraph, however little space follows it; a sentence
            # pasted in another size, inside a paragraph whose lines run to the margin, is not.
            resized = (
                previous is not None
                and "size" in line
                and "size" in previous
                and abs(line["size"] - previous["size"]) > _RESIZED * previous["size"]
                and previous["x1"] < right - _HEADING_SHORT * (right - left)
            )
            # "2. Staff must ..." after a finished sentence starts a paragraph, however little space is between
            numbered = (
                previous is not None
                and _POINT.match(text) is not None
                and previous["text"].rstrip().endswith(ENDS_SENTENCE)
            )
            new_paragraph = (
                previous is None
                or previous.get("grid")  # a table's lines are whole
                or gap is None
                or gap > pitch * _PARAGRAPH_GAP
                or outdented
                or resized
                or numbered
                or line.get("column_start")
            )
            if new_paragraph and _goes_on(line, previous):
                new_paragraph = False
            if bullet:
                level = min(range(len(levels)), key=lambda i: abs(levels[i] - line["x0"])) if levels else 0
                paragraphs.append(f"{' ' * level}- {text[bullet.end() :]}")
            elif new_paragraph or previous is None:
                paragraphs.append(text)
            else:
                paragraphs[-1] = _joined(paragraphs[-1], text, words)
            previous = line
        last_line = previous or last_line
    if not "".join(paragraphs).strip():
        raise ExtractError(f"{path.name}: no text found (a scanned PDF has none: export the policy from Word instead)")
    notes: tuple[str, ...] = (
        (
            f"page(s) {', '.join(map(str, unruled))} hold text set in three or more columns that was not read as "
            "a table (a table without borders, or tables side by side?): it was read line by line, so its cells "
            "may be mixed up; check those clauses against the PDF, or import the Word file",
        )
        if unruled
        else ()
    )
    if slanted:
        marks = ", ".join(dict.fromkeys(" ".join(text.split()) for text in slanted.values()))
        notes += (
            f"text set at a slant across page(s) {', '.join(map(str, slanted))} ({marks}) was left out as a "
            "watermark",
        )
    if aside:
        texts = "; ".join(dict.fromkeys(aside.values()))
        notes += (
            f"text set sideways outside a table on page(s) {', '.join(map(str, aside))} ({texts}) was left out, "
            "as a margin's label; check it says nothing of the policy's own",
        )
    return Extracted("\n\n".join(paragraphs) + "\n", pages=len(pages), removed=tuple(removed_text), notes=notes)
