"""Plain policy text -> blocks (paragraphs and bullets), with what is not policy set aside.

Set aside: a contents page, page headers/footers that a Word/PDF conversion repeats inside the text,
and the line breaks a page break or a wrapped bullet put in the middle of a sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.knowledge.source_text import fold

_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[-\u2022\u25cf\u25aa\u25e6\u2013\uf0b7*+o])[ \t]+(?P<rest>\S.*)$")
# A typed lettered item ("(a)<tab>breach our ..."): an item of the list its lead-in opens, as a bullet is.
_LETTER_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<rest>\(?(?:[a-z]|[ivx]{1,4})\)\s+\S.*)$")
_CONTENTS = re.compile(r"^\s*(?:table of )?contents\s*:?\s*$", re.IGNORECASE)
_PAGE_REF = re.compile(r"(?:\s+|\t)(?:p(?:age)?\.?\s*)?\d+\s*$", re.IGNORECASE)
_SECTION_NUMBER = re.compile(r"^\s*(?:section\s+)?\d{1,2}(?:\.\d{1,2})*\.?\s", re.IGNORECASE)
_SENTENCE_END = (".", ";", "?", "!", ",", ":")  # a line ending ":" leads into a list
# A line at least this long that stops mid-sentence was broken by the page, not by the author.
_WRAPPED_LINE = 60
_MAX_HEADER_WORDS = 12
# "Ratified by the Policy Committee: 7th December 2021", printed twice on a cover: a date the policy states,
# read by `details`, not a running header to leave out (review of a school's first import)
_DATED_FIELD = re.compile(
    r"^[^:]{0,60}\b(?:ratified|approved|adopted|agreed|reviewed?|date)\b[^:]{0,60}:.*\b(?:19|20)\d\d\b", re.IGNORECASE
)


@dataclass
class Block:
    text: str  # the words, without bullet marker or `*` markup
    bullet: bool
    level: int  # bullet nesting, 0 = outermost
    line: int  # 1-based line in the text
    last_line_length: int = 0  # of the block's last physical line, to tell a page-broken sentence
    tabbed: bool = False  # the line held a tab: a form field or table row, such as "Date approved:<TAB>24.1.23"
    # A blank line parts this bullet from the bullet before it, whose list was written line by line: a new list,
    # as "Using school systems to run a private business" after the list of content users must not visit. (Word
    # and PDF text has a blank line after every paragraph, so there no list is written line by line.)
    parted: bool = False

    @property
    def ends_sentence(self) -> bool:
        return self.text.rstrip().endswith((".", ":", ";", "?", "!", ")", '"', "\u201d"))


@dataclass(frozen=True)
class ContentsEntry:
    label: str  # "1", "6.1", "Appendix 1"
    title: str


@dataclass
class Layout:
    blocks: list[Block]
    page_headers: list[str] = field(default_factory=list)
    contents: list[ContentsEntry] = field(default_factory=list)
    headings: set[str] = field(default_factory=set)  # lines the document itself styles as headings (Word)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


def _key(line: str) -> str:
    """A contents line and the heading it points to compare equal: no 'SECTION', page number or punctuation."""
    line = _PAGE_REF.sub("", line.strip())
    line = re.sub(r"^section\s+", "", line, flags=re.IGNORECASE)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", line.lower()).split())


def _title_key(line: str) -> str:
    return " ".join(w for w in _key(line).split() if not w.isdigit())


def _contents_entry(line: str) -> ContentsEntry:
    parts = [p.strip() for p in re.split(r"\t+| {2,}", _PAGE_REF.sub("", line.strip())) if p.strip()]
    if len(parts) >= 2:
        return ContentsEntry(parts[0].rstrip("."), " ".join(parts[1:]))
    # A PDF's contents line has single spaces where Word had tabs: "Appendix 1 Social networking standards".
    match = re.match(r"^(appendix\s+\w+|\d{1,2}(?:\.\d{1,2})*)\.?\s+(.*)$", parts[0] if parts else "", re.IGNORECASE)
    if match:
        return ContentsEntry(match.group(1), match.group(2))
    return ContentsEntry("", parts[0] if parts else "")


def _contents_lines(lines: list[str]) -> tuple[set[int], list[ContentsEntry]]:
    """Indexes of a contents page's lines, and its entries. It ends where its first entry reappears."""
    skip: set[int] = set()
    entries: list[ContentsEntry] = []
    inside = False
    keys: set[str] = set()
    for i, line in enumerate(lines):
        if _CONTENTS.match(line):
            inside, keys = True, set()
            skip.add(i)
            continue
        if not inside or not line.strip():
            continue
        if _key(line) in keys or _title_key(line) in keys or len(line.split()) > _MAX_HEADER_WORDS:
            inside = False
            continue
        entry = _contents_entry(line)
        entries.append(entry)
        keys.update({_key(line), _title_key(entry.title)})
        skip.add(i)
    return skip, entries


def _page_headers(lines: list[str], skip: set[int]) -> list[str]:
    """Short lines repeated word for word: the running header or footer of a converted document."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for i, line in enumerate(lines):
        text = line.strip()
        if i in skip or not text or _BULLET.match(line) or _SECTION_NUMBER.match(line):
            continue
        words = len(text.split())
        if words < 2 or words > _MAX_HEADER_WORDS or text.endswith(_SENTENCE_END) or _DATED_FIELD.match(text):
            continue
        key = fold(text).lower()
        counts[key] += 1
        first.setdefault(key, text)
    return [first[k] for k, n in counts.items() if n >= 2]


def read_blocks(text: str, repeats_are_headers: bool = True, headings: Iterable[str] = ()) -> Layout:
    lines = text.splitlines()
    skip, contents = _contents_lines(lines)
    headers = _page_headers(lines, skip) if repeats_are_headers else []
    header_keys = {fold(h).lower() for h in headers}
    blocks: list[Block] = []
    indents: list[int] = []  # indent widths of the bullet run in progress, outermost first
    previous_blank = True
    tight = False  # the last bullet came on the line after another: its list is written line by line
    page_break = False  # a running header since the last block: a list goes on across it
    for i, raw in enumerate(lines):
        if i in skip or fold(raw.strip()).lower() in header_keys:
            previous_blank = page_break = True
            continue
        if not raw.strip():
            previous_blank = True
            continue
        bullet = _BULLET.match(raw) or _LETTER_ITEM.match(raw)
        if bullet:
            indent = len(bullet.group("indent").expandtabs(4))
            while indents and indent < indents[-1]:
                indents.pop()
            if not indents or indent > indents[-1]:
                indents.append(indent)
            words = bullet.group("rest")
            level = len(indents) - 1
            after_bullet = bool(blocks) and blocks[-1].bullet
            # parted only from a list written line by line (its last item on the line after the one before),
            # at this item's level or deeper
            parted = previous_blank and not page_break and after_bullet and tight and blocks[-1].level >= level
            tight = after_bullet and not previous_blank
            blocks.append(Block(_clean(words), True, level, i + 1, len(raw.strip()), parted=parted))
        elif blocks and not previous_blank and raw[:1].isspace():
            # An indented line straight after a paragraph or bullet: the same sentence, wrapped.
            blocks[-1].text = _clean(blocks[-1].text + " " + raw)
            blocks[-1].last_line_length = len(raw.strip())
        elif blocks and _continues(blocks[-1], raw):
            blocks[-1].text = _clean(blocks[-1].text + " " + raw)
            blocks[-1].last_line_length = len(raw.strip())
        else:
            indents = []
            tight = False
            blocks.append(Block(_clean(raw), False, 0, i + 1, len(raw.strip()), "\t" in raw.strip()))
        previous_blank = page_break = False
    return Layout([b for b in blocks if b.text], headers, contents, {_clean(h) for h in headings})


def _continues(previous: Block, raw: str) -> bool:
    """A page break split a sentence: the last line ran to the margin and the next starts in lower case."""
    text = raw.strip()
    return (
        text[:1].islower()
        and not previous.ends_sentence
        and previous.last_line_length >= _WRAPPED_LINE
        and not _SECTION_NUMBER.match(raw)
    )
