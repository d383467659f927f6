"""Comparing clause text with the policy it was quoted from.

The policy files are conversions from Word/PDF: `**bold**` and `*italic*` markers, bullets split
over lines, curly quotes. A clause is verbatim when it matches the source once both sides are
folded the same way, so staff can trust every quoted word is their policy's.
"""

from __future__ import annotations

import re

_MARKUP = re.compile(r"\*+")
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-"})
_BULLET = re.compile(r"^[ \t]*(?:[-\u2022\u25cf\u25aa][ \t]+)+", re.MULTILINE)
# "1.1 ", "6.4 ", "(a) ", "3.1(f) ": the number is the section reference, not part of the clause text.
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?(?:\s*\([a-z]\))?|\([a-z0-9]+\)|[a-z]\))\s+", re.IGNORECASE)


def fold(text: str) -> str:
    """The comparison form: no markup, straight quotes, single spaces."""
    text = _MARKUP.sub("", text.translate(_QUOTES))
    return _SPACE.sub(" ", text).strip()


def source_lines(source: str, page_headers: list[str]) -> list[tuple[int, str]]:
    """(line number, line) of the policy, without bullet markers or repeated page headers."""
    headers = {fold(h) for h in page_headers}
    return [
        (number, raw)
        for number, raw in enumerate(_BULLET.sub("", source).splitlines(), start=1)
        if fold(raw) not in headers
    ]


def without_numbering(line: str) -> str:
    return _NUMBERING.sub("", line, count=1)


def folded_source(source: str, page_headers: list[str]) -> str:
    return fold("\n".join(line for _, line in source_lines(source, page_headers)))


def is_verbatim(text: str, folded: str) -> bool:
    return fold(text) in folded
