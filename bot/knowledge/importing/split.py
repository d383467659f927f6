"""Blocks -> draft clauses: each with the section reference as the school numbers it, its heading,
and its verbatim text.

A clause is a numbered paragraph, an unnumbered paragraph, a bullet or a lettered item. A list's
lead-in ("Employees have a responsibility to:") is kept with its first item when it is one short
sentence the items complete, as the curated knowledge base does; a lead-in that stands on its own
("... the following documents:") stays its own clause. DO / DO NOT lists set each item's polarity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.knowledge.importing.blocks import Block, Layout
from bot.knowledge.importing.extract import REGISTER

_NUMBERED = re.compile(r"^(?:section\s+)?(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<rest>\S.*)$", re.IGNORECASE)
_LETTERED = re.compile(r"^\(?(?P<letter>[a-z]|[ivx]{1,4})\)\s+(?P<rest>\S.*)$")
_APPENDIX = re.compile(r"^(?P<label>appendix(?:\s+[0-9a-z]{1,3}\b)?)[\s:.\-\u2013]*(?P<rest>.*)$", re.IGNORECASE)
_URL_ONLY = re.compile(r"^<?(?:https?://|www\.)\S+>?$")
_FIELD = re.compile(r"^(?P<key>[^:]{1,60}):\s*(?P<value>.*)$")
_FIELD_WORDS = re.compile(
    r"\b(date|approved|adopted|reviewed?|ratified|agreed|signed|signature|name|headteacher|chair|version|"
    r"author|owner|status|committee)\b",
    re.IGNORECASE,
)
_DATE_WORDS = re.compile(
    r"^(?:reviewed?|date[ds]?|approved|adopted|updated|ratified|agreed|version|v|on|of|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|\d{1,4}(?:st|nd|rd|th)?|[\d./-]+)$",
    re.IGNORECASE,
)
_MARKERS = {
    "do": "do",
    "dos": "do",
    "do's": "do",
    "the dos": "do",
    "the do's": "do",
    "do not": "dont",
    "don't": "dont",
    "dont": "dont",
    "donts": "dont",
    "don'ts": "dont",
    "the don'ts": "dont",
    "the donts": "dont",
    "do nots": "dont",
}
# A colon line ending in one of these words leads into a list; otherwise a short colon line is a heading.
_LEAD_WORDS = {
    "to", "by", "are", "is", "be", "include", "includes", "including", "ensure", "not", "following", "as",
    "that", "have", "has", "involved", "were", "was", "will", "should", "must", "may", "can", "of", "for",
    "with", "on", "in", "the", "a", "an", "and", "or", "these", "this", "what", "example", "examples",
}  # fmt: skip
# A colon line saying one of these is a sentence leading into a list, whatever its last word.
_VERBS = {"must", "should", "will", "shall", "would", "can", "could", "may", "might", "are", "is", "need", "needs"}
_RULE_VERBS = {"must", "mustn't", "should", "shouldn't", "shall", "will", "never", "cannot", "can't"}
_QUESTION_WORDS = {"what", "when", "who", "how", "why", "where", "which"}  # "What staff must do": a title
_MAX_HEADING_WORDS = 10
_STYLED_HEADING_WORDS = 20
_SENTENCES = re.compile(r"[.!?][\"'\u201d\u2019)]?\s+[A-Z\"'\u201c\u2018]")
_FRONT_PAGE = "Front page"
# "[Table of pupil incidents and sanctions omitted from this extract.]": a note on the text, not a title
# (not a template's optional wording: "[Staff may use their personal mobile phones in the staff room only.]")
_EDITORS_NOTE = re.compile(r"^\[[^\]]*\b(?:omitted|removed|insert|delete|extract|table)\b[^\]]*\]$", re.IGNORECASE)
# What opens a statement rather than an instruction, inside a DO or DO NOT list
_STATEMENT = re.compile(r"(?:all|the|this|these|those|that|it|any|such|note|please note)\b", re.IGNORECASE)
_MAX_DEPTH = 2
# A heading that names who ("SLT", "Administrator/Moderator", "Online safety Coordinator", "This policy:"), not a
# topic ("Passwords", "Appendix 2", "Who to contact")
_PEOPLE = (
    r"(?:staff|slt|smt|head\s*teachers?|heads?|teachers?|governors?|governing|administrators?|moderators?|"
    r"co-?ordinators?|leaders?|leadership|managers?|management|officers?|leads?|dsl|dpo|senco|technicians?|pupils?|"
    r"students?|learners?|parents?|carers?|volunteers?|employees?|users?|team|committee|board|trustees?|clerk|bursar|"
    r"caretaker|this policy)"
)
NAMES_PEOPLE = re.compile(rf"(?i)^(?!who\b).*\b{_PEOPLE}\b")
# A heading that is about who, rather than a topic that names them: "SLT", "Parents/Carers", "By Staff",
# "Inappropriate use of social networking sites by Parents or Carers" (not "Education - pupils")
_ABOUT_PEOPLE = re.compile(rf"(?i)^(?:by\s+)?(?:the\s+)?{_PEOPLE}\b|\bby\s+(?:the\s+)?{_PEOPLE}\b[^.]*$")
# A list whose items are phrases rather than rules: none longer than this, and the middle one no longer
# than the next.
_PHRASE_WORDS = 8
_SHORT_PHRASE_WORDS = 5
# A lead-in ending in one of these is followed by what someone must, may or will do: rules, even short.
_RULES_FOLLOW = {
    "that", "to", "they", "you", "we", "i", "staff", "will", "should", "must", "not", "shall", "can", "may", "always",
    "never", "do", "don't", "dont",
}  # fmt: skip


@dataclass(frozen=True)
class DraftClause:
    section: str
    heading: str
    text: str
    line: int  # where the clause starts in the policy text
    lead_in: str | None = None  # the sentence introducing the list this item belongs to
    # The lead-in of the list that the lead-in itself is an item of: "... must not:" above "Bring the
    # organisation into disrepute, for example by:", whose items say no rule word of their own.
    outer_lead_in: str | None = None
    polarity: str | None = None  # "do" or "dont" inside a DO / DO NOT list
    # The numbered section's title ("Roles and Responsibilities" for "3."), which `section` gives as its number.
    section_title: str | None = None
    # The heading a list stands under with no lead-in, which its items complete: "SLT" over "- Approve account
    # creation", "Online safety Coordinator:" over "- leads the online safety committee".
    subject: str | None = None


@dataclass
class _Node:
    block: Block
    text: str
    letter: str | None = None
    children: list[_Node] = field(default_factory=list)


def _sentence_case(text: str) -> str:
    """'PERSONAL USE OF SOCIAL MEDIA' -> 'Personal use of social media'; mixed case is left as written."""
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 3:
        return text[:1].upper() + text[1:].lower()
    return text


def list_marker(text: str) -> str | None:
    """"do" or "dont" when `text` titles a DO / DO NOT list ("The Don'ts:"), else None."""
    return _MARKERS.get(text.strip().rstrip(":").strip().lower().replace("\u2019", "'"))


def _marker(block: Block) -> str | None:
    return list_marker(block.text)


def _is_field(block: Block, following: Block | None) -> bool:
    """A cover-page or sign-off line: 'Date approved: 24.1.23', 'Signed:', 'Reviewed August 2024'."""
    text = block.text
    if block.bullet:
        return False
    if "....." in text or "\u2026\u2026" in text or (REGISTER in text and _FIELD.match(text)):
        return True  # a blank to fill in, or a row of a version history
    words = text.split()
    if len(words) <= 6 and all(_DATE_WORDS.match(w.strip(",:;")) for w in words):
        return True
    found = _FIELD.match(text)
    if not found or len(words) > _MAX_HEADING_WORDS + 2:
        return False
    key, value = found.group("key"), found.group("value").strip()
    # "Headteacher and Senior Leaders:" over a list, "Governors:" over "Governors are responsible for ...": no
    # form's blank is followed by a list, nor by a sentence about what it names ("Department:" over a rule is)
    names_subject = following is not None and _opens_with(following.text, key) and not _FIELD_WORDS.search(key)
    if not value and not block.tabbed and following is not None and (following.bullet or names_subject):
        return False
    if block.tabbed or _FIELD_WORDS.search(key):
        return True
    return not value and len(key.split()) <= 3


def _opens_with(text: str, key: str) -> bool:
    """Whether `text` is a sentence that starts with the key's first word ("Governors are responsible ...")."""
    words, named = text.split(), key.split()
    return bool(words) and bool(named) and words[0].lower() == named[0].lower() and text.rstrip().endswith((".", ":"))


def _heading_title(block: Block, styled: bool = False) -> str | None:
    """The heading's words when the block is a heading (numbering stripped), else None. `styled`: the
    document itself styles it as a heading (Word's "Heading 1"), whatever its length or wording."""
    if block.bullet or "://" in block.text:
        return None
    text = block.text.strip()
    numbered = _NUMBERED.match(text)
    title = numbered.group("rest") if numbered else text
    words = title.split()
    # Styled a heading in Word, it is one however long or worded, unless it reads as a rule: templates
    # put numbered clauses in "Heading 2" for their outline numbers ("1.1 Staff must not accept ...")
    rule = any(w.lower() in _RULE_VERBS for w in words) and words[0].lower() not in _QUESTION_WORDS
    if styled and words and not title.endswith((".", ";")) and len(words) <= _STYLED_HEADING_WORDS and not rule:
        return _sentence_case(title.rstrip(":").strip())
    if not words or len(words) > _MAX_HEADING_WORDS or not any(c.isalpha() for c in title):
        return None
    if title[:1].islower() or title.endswith((".", ";", "?", "!", ",")):
        return None
    if (
        any(w.lower() in _RULE_VERBS for w in words)
        and not _title_case(words)
        and words[0].lower() not in _QUESTION_WORDS
    ):
        return None  # a rule that lacks its full stop ("Staff must never friend a pupil"), not a title
    if title.endswith(":") and (
        len(words) > 8
        or words[-1].rstrip(":").lower() in _LEAD_WORDS
        or "," in title
        # "Staff must ensure that they:", "... as follows:"; not a list's title ("What Staff Can Do Online:")
        or (any(w.lower() in _VERBS for w in words) and not _title_case(words))
    ):
        return None
    return _sentence_case(title.rstrip(":").strip())


def _title_case(words: list[str]) -> bool:
    lettered = [w for w in words if w[:1].isalpha()]
    return len(lettered) > 1 and sum(w[:1].isupper() for w in lettered) * 3 >= len(lettered) * 2


def _numbering(block: Block) -> tuple[str | None, str]:
    found = _NUMBERED.match(block.text)
    if found:
        return found.group("number"), found.group("rest")
    return None, block.text


def _is_lead_in(text: str) -> bool:
    return text.rstrip().endswith(":")


def _continues_into_items(text: str) -> bool:
    """'...as part of the induction of new staff' + lower-case bullets: one sentence, one clause."""
    return not text.rstrip().endswith((".", ":", ";", "?", "!")) and len(text.split()) > _MAX_HEADING_WORDS


def _owns_items(text: str, first_item: Block) -> bool:
    """Whether the list after a paragraph is its own: after a lead-in ("... have a responsibility to:"),
    or when the items finish its sentence ("... as part of" + lower-case bullets, or "... on sites such
    as" + "Facebook"). A paragraph that only lacks a full stop (a quotation, say) before items that are
    whole sentences is not their lead-in: its words would be read into each item's stance and answer
    line."""
    return _is_lead_in(text) or (_continues_into_items(text) and _finishes_a_sentence(first_item.text))


def _finishes_a_sentence(item: str) -> bool:
    """A list item that completes the sentence before it: lower case, or no sentence of its own."""
    return item[:1].islower() or not item.rstrip().endswith((".", "!", "?"))


def _words(text: str) -> int:
    return sum(any(c.isalnum() for c in word) for word in text.split())


def _list_of_phrases(node: _Node) -> bool:
    """A lead-in whose items are a few words each ("personal data must be:" + "Accurate", "Secure", ...; "a
    working group made up of:" + "Headteacher", "Governors", ...): one clause. Alone, "Accurate" answers
    nothing and says nothing of what it is an item of."""
    kids = node.children
    if not _is_lead_in(node.text) or _SENTENCES.search(node.text) or len(kids) < 2 or any(k.children for k in kids):
        return False  # a paragraph of several sentences ends in the lead-in: the list is not all it says
    if node.text.rstrip(": ").split()[-1].lower() in _RULES_FOLLOW:
        return False  # "Staff should ensure that:" + "their passwords are kept private": each item is a rule
    if "following" in node.text.lower():
        return False  # "... the following policies:": each item is a document a question can name
    if any(k.text.rstrip().endswith((".", "!", "?")) for k in kids[:-1]):
        return False  # items that are sentences of their own
    lengths = sorted(_words(k.text) for k in kids)
    return lengths[-1] <= _PHRASE_WORDS and lengths[(len(lengths) - 1) // 2] <= _SHORT_PHRASE_WORDS


def _subject_of(heading: Block, following: Block | None) -> bool:
    """Whether the line below a heading only goes on with it: a sentence starting with a plain lower-case
    word ("are responsible for ..."), not a lettered item ("a) staff must not"), a name written in lower
    case ("iPads must not", "e-safety is") or the heading's own last word again."""
    if following is None or following.bullet or heading.text.rstrip().endswith(":"):
        return False
    first = following.text.split()[0] if following.text.split() else ""
    return (
        first.isalpha()
        and first.islower()
        and _LETTERED.match(following.text) is None
        and _NUMBERED.match(heading.text) is None
        and first != heading.text.split()[-1].lower()
    )


def _merge_first(node: _Node) -> bool:
    """One short lead-in sentence the items complete: kept with the first item."""
    text = node.text
    first = node.children[0]
    return (
        _is_lead_in(text) and not _SENTENCES.search(text) and "following" not in text.lower() and first.letter is None
    )


class _Splitter:
    def __init__(self, layout: Layout) -> None:
        self.contents = {_norm(e.title): e for e in layout.contents if e.title}
        self.number: str | None = None
        self.number_title: str | None = None
        self.path: list[str] = []
        self.marker: tuple[str, str] | None = None  # (label as written, "do"/"dont")
        self.label: str | None = None  # a list's own title ("This policy:"), for its items only
        self.titles: dict[str, str] = {}  # numbered headings: "6" -> "Key Principles"
        self.appendix: list[str] = []  # the path's first title, while it is an appendix's
        self.parts: set[str] = set()  # plain headings written with a colon ("Governors:"): parts of the one above
        # Whether every heading under the one above so far names people ("SLT", "Administrator/Moderator", "Staff")
        self.people_only = False
        self.last_was_heading = False
        self.seen_content = False
        self.clauses: list[DraftClause] = []

    # ---------------------------------------------------------------- where we are
    def heading(self) -> str:
        if self.path:
            return self.path[-1]
        return self.number_title or _FRONT_PAGE

    def section(self, letter: str | None = None) -> str:
        parts: list[str] = []
        if self.number:
            parts.append(f"{self.number}({letter})" if letter else self.number)
        elif letter:
            parts.append(f"({letter})")
        parts.extend(self.path[-_MAX_DEPTH:])
        if self.label:
            parts.append(self.label)
        if self.marker:
            parts.append(self.marker[0])
        if not parts or (letter and not self.number and len(parts) == 1):
            parts.insert(0, self.number_title or _FRONT_PAGE)
        return " - ".join(parts)

    def on_heading(self, block: Block, title: str) -> None:
        number, _ = _numbering(block)
        appendix = _APPENDIX.match(block.text)
        entry = self.contents.get(_norm(title))
        self.marker = None
        people_only, self.people_only = self.people_only, False
        if number and not appendix:
            self.number, self.number_title, self.path = number, title, []
            self.titles[number] = title
            self.appendix = []
        elif appendix or (entry and entry.label and not entry.label[:1].isdigit()):
            label = _sentence_case(appendix.group("label")) if appendix else entry.label  # type: ignore[union-attr]
            rest = appendix.group("rest").strip() if appendix else title
            self.number, self.number_title = None, None
            self.path = [label, rest] if rest else [label]
            self.appendix = self.path[:1]
        elif self.last_was_heading or not self.path:
            # Plain text does not say how deep a heading is; two levels name a place well enough.
            self.path = [*self.path, title][-_MAX_DEPTH:]
            self.people_only = _ABOUT_PEOPLE.search(title) is not None
        elif block.text.rstrip().endswith(":"):
            # "Governors:" after the paragraph under "Roles and Responsibilities": a part of the heading above
            # (kept whole here; `section` names the last two)
            self.path = [*self._titled(), title]
        else:
            # the parts named with a colon end with their heading: "Staff Actions / Sanctions" > "Incidents:"
            # is over when "Staff (and Volunteer) Acceptable Use Policy Agreement" begins
            above = self._titled()
            names_people = _ABOUT_PEOPLE.search(title) is not None
            if above == self.appendix:
                self.path = [*above, title]  # an appendix holds every heading after it
            elif people_only and not names_people and len(above) > 1:
                # "Roles & Responsibilities" > "SLT", "Administrator/Moderator", "Staff" is over when "Monitoring"
                # begins: a heading that names no one is not another role
                self.path = [*above[:-2], title]
            else:
                self.path = [*above[:-1], title]
            self.people_only = people_only and names_people
        if block.text.rstrip().endswith(":") and not appendix and not number:
            self.parts.add(title)
        self.label = None
        self.last_was_heading = True

    def _titled(self) -> list[str]:
        """The path without the parts named with a colon at its end."""
        path = list(self.path)
        while path and path[-1] in self.parts:
            path.pop()
        return path

    def in_part(self) -> bool:
        """Whether the place so far ends in a part named with a colon ("Governors:")."""
        return bool(self.path) and self.path[-1] in self.parts

    def on_numbered_paragraph(self, number: str) -> None:
        """'6.4 Any communications...' sits under heading 6, not under the 6.3 heading before it."""
        self.number, self.path, self.marker = number, [], None
        parts = number.split(".")
        for depth in range(len(parts), 0, -1):
            title = self.titles.get(".".join(parts[:depth]))
            if title:
                self.number_title = title
                return

    def on_content(self) -> None:
        if not self.seen_content and len(self.path) > 1 and not self.number:
            self.path = self.path[-1:]  # title-page lines are not part of the first section's name
        self.seen_content = True
        self.last_was_heading = False

    # ---------------------------------------------------------------- clauses
    def add(
        self,
        text: str,
        block: Block,
        letter: str | None,
        lead_in: str | None,
        outer: str | None = None,
        subject: str | None = None,
    ) -> None:
        self.clauses.append(
            DraftClause(
                section=self.section(letter),
                heading=self.heading(),
                text=text,
                line=block.line,
                lead_in=lead_in,
                outer_lead_in=outer if lead_in else None,
                # "All of the above applies to both open and private sections ..." under DO NOT is no instruction
                polarity=self.marker[1] if self.marker and not _STATEMENT.match(text) else None,
                section_title=self.number_title if self.number else None,
                subject=None if lead_in else subject,
            )
        )

    def emit(
        self, node: _Node, top: bool, lead_in: str | None, outer: str | None = None, subject: str | None = None
    ) -> None:
        kids = node.children
        if not kids:
            self.add(node.text, node.block, node.letter, lead_in, outer, subject)
        elif _list_of_phrases(node) or (
            _continues_into_items(node.text)
            and all(not k.children for k in kids)
            and _finishes_a_sentence(kids[0].text)
        ):
            # One clause, joined by spaces as the policy's own words run (a quoted clause is word for word)
            self.add(" ".join([node.text, *(k.text for k in kids)]), node.block, node.letter, lead_in, outer)
        elif len(kids) == 1 and not kids[0].children:
            self.add(f"{node.text} {kids[0].text}", node.block, node.letter, lead_in, outer)
        elif top and _merge_first(node):
            first = kids[0]
            self.add(f"{node.text} {first.text}", node.block, node.letter, lead_in, outer)
            for grandchild in first.children:
                self.emit(grandchild, False, first.text, node.text)
            for kid in kids[1:]:
                self.emit(kid, False, node.text, lead_in)
        else:
            self.add(node.text, node.block, node.letter, lead_in, outer)
            for kid in kids:
                self.emit(kid, False, node.text, lead_in)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _node(block: Block) -> _Node:
    lettered = _LETTERED.match(block.text)
    if lettered:
        return _Node(block, lettered.group("rest"), lettered.group("letter"))
    return _Node(block, block.text)


def _is_item(block: Block) -> bool:
    """A bullet that belongs to a list (a numbered bullet such as '- 4.6 ...' is a paragraph)."""
    return block.bullet and _NUMBERED.match(block.text) is None


def _run(blocks: list[Block], i: int, min_level: int, stop: set[int], owned: bool = False) -> tuple[list[_Node], int]:
    """The list items from blocks[i] on, nested by level; a bullet ending in ':' owns the same-level items after it,
    up to one written in another form (`_ends_owned_run`)."""
    nodes: list[_Node] = []
    while _more_items(blocks, i, min_level, stop) and not (nodes and blocks[i].parted):
        if owned and nodes and _ends_owned_run(nodes, blocks[i]):
            break
        block = blocks[i]
        node = _node(block)
        i += 1
        if i < len(blocks) and i not in stop and _is_item(blocks[i]):
            if blocks[i].level > block.level:
                node.children, i = _run(blocks, i, block.level + 1, stop)
                if not nodes and not _owns_items(node.text, node.children[0].block) and not _more_items(
                    blocks, i, block.level, stop
                ):
                    # "- their own on-line activity" / " - the on-line activity of learners": one item, not a
                    # lead-in, with every item after it deeper: a first item written a level too high
                    nodes = [_Node(block, node.text, node.letter), *node.children]
                    return nodes, i
            elif blocks[i].level == block.level and _is_lead_in(block.text):
                node.children, i = _run(blocks, i, block.level, stop, owned=True)
        nodes.append(node)
    return nodes, i


def _ends_owned_run(owned: list[_Node], block: Block) -> bool:
    """Whether an item at the level of its lead-in's is the flattened list's next step, not the lead-in's: "Other
    instances to report to the police would include:" owns "incidents of 'grooming' behaviour", "criminally racist
    material" ..., not "Isolate the computer in question as best you can.", the procedure's next step, which a
    text without indents writes at the same level."""
    return all(node.text[:1].islower() for node in owned) and block.text[:1].isupper()


def _more_items(blocks: list[Block], i: int, level: int, stop: set[int]) -> bool:
    """Whether blocks[i] is an item of the list at `level` or deeper."""
    return i < len(blocks) and i not in stop and _is_item(blocks[i]) and blocks[i].level >= level


def _join_links(blocks: list[Block]) -> list[Block]:
    """A line that is only a web address belongs to the line naming it ('Teacher's Standards 2012' + URL)."""
    out: list[Block] = []
    for block in blocks:
        if out and _URL_ONLY.match(block.text) and not block.bullet:
            out[-1].text = f"{out[-1].text} {block.text}"
        else:
            out.append(block)
    return out


def split(layout: Layout) -> list[DraftClause]:
    blocks = _join_links(layout.blocks)
    splitter = _Splitter(layout)
    # Headings, DO/DO NOT markers, form fields and editor's notes are not content; list items never run across them.
    stop: set[int] = set()
    titles: dict[int, str] = {}
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if _marker(block) or _is_field(block, following) or _EDITORS_NOTE.match(block.text.strip()):
            stop.add(i)
            continue
        title = _heading_title(block, block.text in layout.headings)
        if title:
            stop.add(i)
            titles[i] = title
            if _subject_of(block, following):
                # "Teaching and Support Staff" over "are responsible for ensuring that:": the heading is
                # also the subject of the sentence below it, which means nothing without it.
                following.text = f"{block.text.strip()} {following.text}"  # type: ignore[union-attr]
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if i in titles:
            names_list = (
                block.text.endswith(":")
                and i + 1 < len(blocks)
                and _is_item(blocks[i + 1])
                and not _APPENDIX.match(block.text)  # "Appendix 1:" over a list is still an appendix
            )
            # after "Governors:", "Headteacher and Senior Leaders:" over a list is the next part, not the list's name
            if names_list and not splitter.last_was_heading and not splitter.in_part():
                splitter.label = titles[i]  # names the list that follows, not a new section
            else:
                splitter.on_heading(block, titles[i])
            i += 1
            continue
        marker = _marker(block)
        if marker:
            splitter.marker = (block.text.strip().rstrip(":").strip(), marker)
            i += 1
            continue
        if _EDITORS_NOTE.match(block.text.strip()):
            # "[Table of pupil incidents and sanctions omitted from this extract.]": the editor's words, not the
            # school's, standing where the school's content was
            splitter.on_content()
            i += 1
            continue
        if i in stop:  # a form field: dates are read from the whole text by `details`
            i += 1
            continue
        under = splitter.label or (splitter.path[-1] if splitter.last_was_heading and splitter.path else None)
        splitter.on_content()
        if _is_item(block):
            nodes, i = _run(blocks, i, 0, stop)
            for node in nodes:
                splitter.emit(node, False, None, subject=under)
            splitter.label = None
            continue
        splitter.label = None
        number, rest = _numbering(block)
        if number:
            splitter.on_numbered_paragraph(number)
        node = _node(Block(rest, False, 0, block.line))
        i += 1
        if i < len(blocks) and i not in stop and _is_item(blocks[i]) and _owns_items(node.text, blocks[i]):
            node.children, i = _run(blocks, i, 0, stop)
        splitter.emit(node, True, None)
    return splitter.clauses
