"""The school's details as the policy states them: name, policy title, dates, who misuse goes to.

Dates are read where the text gives them ("Date approved: 24.1.23", "Review Date: December 2023",
"Reviewed August 2024", "To be reviewed: Annually"); nothing is invented when it does not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from bot.knowledge.importing.extract import REGISTER

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+)?{_MONTH}\.?,?\s+(?P<year>(?:19|20)\d\d)\b"
    r"|\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4}|\d{2})\b"
    r"|\b(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)\b",
    re.IGNORECASE,
)
_DUE = re.compile(r"next review|review(?:\s+is)? due|due for review|to be reviewed|review by|date for review", re.I)
# "Date of review: January 2018" is the next review on a cover that gives no other, but the last one
# beside a "Date of next review: January 2019".
_REVIEW_DATE = re.compile(r"review date|date of review", re.I)
_REVIEWED = re.compile(r"\b(?:reviewed|last review|updated|revised)\b", re.IGNORECASE)
# Stronger words first: "adopted ... on 16.5.17" says more than a "Date:" on the cover.
_ADOPTED = [
    re.compile(p, re.IGNORECASE) for p in (r"\badopted\b", r"\bapproved\b", r"\bagreed\b", r"\bratified\b", r"\bdate\b")
]
_EVERY = re.compile(r"review\w*\W+(?:\w+\W+){0,4}?(annually|every (?:year|(\d|two|three) years))", re.IGNORECASE)
_WORD_NUMBERS = {"two": 2, "three": 3}
_SCHOOL = re.compile(
    r"\b((?:The )?(?:[A-Z][\w'&.-]*\s){1,5}?(?:(?:Junior|Infant|Primary|Secondary|High|Community|Grammar|"
    r"Church of England|C of E|CE|RC|Catholic|Special)\s)*(?:School|Academy|College)(?: and Nursery)?)\b"
)
# Words that make no school's name on their own: "A School Personal Data template is available" names none.
_GENERIC_NAME = {
    "the", "a", "an", "any", "each", "every", "our", "your", "this", "that", "school", "schools", "junior", "infant",
    "primary", "secondary", "high", "community",
}  # fmt: skip
_REPORT = re.compile(
    r"\b(?:report(?:ed|ing)?\b[^.;:]{0,60}?\bto|inform)\s+(?P<who>(?:the|your|their|a)\s+[^.,;:()]{3,60})",
    re.IGNORECASE,
)
_WHO_END = re.compile(r"\s+(?:if|and|so|as|immediately|who|when|where|without|for|in|on|by|via|before|or)\b.*$", re.I)
_HEAD_LINES = 40  # the cover page and the first section
_SAID_CHARS = 160  # of the sentence a detail was read from, in the import's notes


@dataclass
class Details:
    name: str
    policy_title: str
    adopted: dt.date | None = None
    reviewed: dt.date | None = None
    review_due: dt.date | None = None
    dates_note: str | None = None
    report_to: str = "the Headteacher"
    status: str = "approved"  # "draft" (marked so), "unapproved" (its approval is a blank left to fill in)
    notes: list[str] = field(default_factory=list)  # what was guessed rather than read, for the summary


def _date(found: re.Match[str]) -> dt.date | None:
    try:
        if found.group("month"):
            day = int(found.group("day") or 1)
            return dt.date(int(found.group("year")), _MONTHS[found.group("month").lower()[:3].rstrip(".")], day)
        if found.group("d"):
            year = int(found.group("y"))
            return dt.date(year + 2000 if year < 100 else year, int(found.group("m")), int(found.group("d")))
        return dt.date(int(found.group("iy")), int(found.group("im")), int(found.group("id")))
    except (ValueError, KeyError):
        return None


def _add_years(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def _review_words(before: str) -> bool:
    """Whether a date is introduced as a review date, not the date the policy bears."""
    return bool(_DUE.search(before) or _REVIEW_DATE.search(before) or _REVIEWED.search(before))


def read_dates(lines: list[str]) -> tuple[dt.date | None, dt.date | None, dt.date | None, str | None]:
    """(adopted, reviewed, review_due, the lines that state them)."""
    adopted: tuple[int, dt.date] | None = None  # (strength rank, date)
    reviewed = due = review_date = None
    every: int | None = None
    noted: list[str] = []
    for line in lines:
        if REGISTER in line:  # a row of a version history: when earlier versions were written
            continue
        text = " ".join(line.split())
        start, used = 0, False
        for found in _DATE.finditer(text):
            date = _date(found)
            before = text[start : found.start()]
            start = found.end()
            if date is None:
                continue
            if _DUE.search(before):
                due = due or date
            elif _REVIEW_DATE.search(before):
                review_date = review_date or date
            elif _REVIEWED.search(before):
                reviewed = reviewed or date
            else:
                ranks = [i for i, pattern in enumerate(_ADOPTED) if pattern.search(before)]
                if not ranks:
                    continue
                if adopted is None or ranks[0] < adopted[0]:
                    adopted = (ranks[0], date)
            used = True
        interval = _EVERY.search(text)
        if interval and every is None:
            word = interval.group(2)
            every = 1 if not word else int(_WORD_NUMBERS.get(word, word) if not word.isdigit() else word)
            used = True
        if used and text.rstrip(".") not in noted:  # a line repeated on every page is noted once
            noted.append(text.rstrip("."))
    if review_date is not None:
        if due is None:
            due = review_date
        elif review_date < due:
            reviewed = reviewed or review_date
    adopted_date = adopted[1] if adopted else None
    if adopted_date is None and reviewed is None:
        # "Acceptable Use of Social Media Policy January 2018": a cover date is when it was adopted.
        for line in lines[:_HEAD_LINES]:
            cover = None if REGISTER in line else _DATE.search(line)
            if cover and _date(cover) and not _review_words(line[: cover.start()]):
                adopted_date = _date(cover)
                stated = " ".join(line.split()).rstrip(".")
                if stated not in noted:
                    noted.append(stated)
                break
    if due is None and every and (reviewed or adopted_date):
        due = _add_years(reviewed or adopted_date, every)  # type: ignore[arg-type]
    return adopted_date, reviewed, due, "; ".join(noted) or None


def _school_name(lines: list[str], fallback: str) -> str:
    for line in lines[:_HEAD_LINES]:
        found = re.match(r"\s*name of (?:the )?school\s*:\s*(.+)$", line, re.IGNORECASE)
        if found:
            return found.group(1).strip()
    counts: Counter[str] = Counter()
    for line in lines:
        for found in _SCHOOL.finditer(line):
            name = found.group(1).strip()
            if {w.lower() for w in name.split()} - _GENERIC_NAME:
                counts[name] += 1
    if counts:
        best = max(counts.values())
        return max((n for n, c in counts.items() if c == best), key=len)
    return fallback


def _policy_title(lines: list[str]) -> str:
    for line in lines[:_HEAD_LINES]:
        text = " ".join(line.split())
        if "policy" in text.lower() and len(text.split()) <= 10 and not text.endswith((".", ":")):
            title = _DATE.sub("", text).strip(" -,")
            return title.title() if title.isupper() else title
    return "Social Media Policy"


def _report_to(text: str) -> tuple[str, str] | None:
    """Who misuse is reported to, and the sentence that says so."""
    for sentence in re.split(r"(?<=[.;])\s+", text):
        if not re.search(r"misuse|breach|concern|abuse|report", sentence, re.IGNORECASE):
            continue
        found = _REPORT.search(sentence)
        if found:
            who = _WHO_END.sub("", found.group("who")).strip()
            if len(who.split()) <= 6:
                line = sentence[sentence.rfind("\n", 0, found.start()) + 1 :].split("\n", 1)[0]
                return re.sub(r"^their\b", "your", who, flags=re.IGNORECASE), line.strip(" -\t")
    return None


_DRAFT_MARK = re.compile(r"^\s*draft\s*(?:version|copy|policy)?\s*$", re.IGNORECASE)
# Approval by the school's governance: "Agreed by Governing Board on.....", "Signed..... (Chair)"; not a
# staff agreement's "Signed: ........" for each reader
_APPROVAL_WORDS = re.compile(
    r"\b(?:approved|agreed|adopted|ratified)\b|\bsigned\b.*\b(?:chair|governors?|governing|headteacher|head teacher)\b",
    re.IGNORECASE,
)
_COVER_LINES = 40
# Dots or a line left to fill in; two ellipsis characters at least (one is punctuation)
_BLANK = re.compile(r"\.{4,}|\u2026{2,}|_{4,}|\(date\)", re.IGNORECASE)


def _status(lines: list[str]) -> str:
    """What the policy itself says of its approval: a line "DRAFT", or an approval left blank to fill
    in ("Agreed by Governing Board on..... (Date)"). Staff are then told it is not approved."""
    if any(_DRAFT_MARK.match(line) for line in lines):
        return "draft"
    # On the cover only: a staff agreement at the end ("Signed: ........") is for each reader to sign
    # A line that holds a date was filled in, whatever dots are left around it ("......12 January 2024......")
    if any(
        _APPROVAL_WORDS.search(line) and _BLANK.search(line) and not _DATE.search(line) for line in lines[:_COVER_LINES]
    ):
        return "unapproved"
    return "approved"


def _around(sentence: str, words: str) -> str:
    """At most `_SAID_CHARS` of a sentence, with the words read from it: its first characters had cut off
    "... is regularly monitored in order that any misuse / attempted…" before "the Headteacher / Senior Leader"
    it named (review of a new school's import)."""
    if len(sentence) <= _SAID_CHARS:
        return sentence
    found = sentence.lower().find(words.lower())
    # the window ends a little after the words read, or starts at the sentence's start when they are not in it
    after = min(len(sentence), found + len(words) + _SAID_CHARS // 4)
    start = max(0, after - _SAID_CHARS) if found >= 0 else 0
    end = min(len(sentence), start + _SAID_CHARS)
    piece = sentence[start:end]
    if start > 0:
        piece = "\u2026" + piece.split(" ", 1)[-1]
    if end < len(sentence):
        piece = piece.rsplit(" ", 1)[0] + "\u2026"
    return piece


def read_details(text: str, school_id: str, name: str | None) -> Details:
    lines = text.splitlines()
    fallback_name = school_id.replace("-", " ").title()
    details = Details(name=name or _school_name(lines, fallback_name), policy_title=_policy_title(lines))
    details.adopted, details.reviewed, details.review_due, details.dates_note = read_dates(lines)
    details.status = _status(lines)
    report_to = _report_to(text)
    if report_to:
        details.report_to, said = report_to
        # "Report instances to their manager, if they are subject to abuse" is about being abused, not about
        # misuse: a reviewer should see what it was read from (review of a school's first import)
        said = _around(said, details.report_to)
        details.notes.append(f"who misuse is reported to ({details.report_to}) was read from: {said}")
    else:
        details.notes.append("who misuse is reported to is not stated; 'the Headteacher' was assumed")
    if not (details.adopted or details.reviewed):
        details.notes.append("no policy date found in the text")
    return details
