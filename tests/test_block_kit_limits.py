"""Every message the answer flow can draw stays inside Slack's Block Kit limits, for every clause."""

from __future__ import annotations

from bot.answers import Answer, PolicyBook
from bot.matching.index import Match, Ranking
from bot.question_buttons import button_value
from bot.slack.blocks.answer import answer_blocks, help_blocks, shared_blocks, slt_question_blocks
from bot.slack.blocks.home import home_view
from bot.store.question_log import LoggedQuestion

MAX_BLOCKS = 50
SECTION_TEXT = 3000
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
# The button value names the question by id: the longest id the buttons accept.
_LONGEST_ID = LoggedQuestion(10**12 - 1, "dobcroft", "q", None, True, None, "2026-12-01T09:00:00+00:00")


def _check(blocks: list[dict]) -> None:
    assert 0 < len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_TEXT
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
            assert all(len(e["text"]) <= 3000 for e in block["elements"])
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            for button in block["elements"]:
                assert len(button["text"]["text"]) <= BUTTON_TEXT
                assert len(button["value"]) <= BUTTON_VALUE


def test_every_clause_renders_within_limits(book: PolicyBook) -> None:
    for school_id in book.school_ids():
        index = book.index(school_id)
        school = index.school
        clauses = index.clauses
        longest = max(clauses, key=lambda c: len(c.text))
        assert len(longest.text) > 300
        for clause in clauses:
            matches = (Match(clause, 0.9, 1.0), *(Match(c, 0.5, 0.5) for c in clauses[:19]))
            for answered in (True, False):
                answer = Answer(school, "q" * 500, Ranking("q" * 500, ("q",), matches, answered))
                _check(answer_blocks(answer, button_value(b"k" * 32, _LONGEST_ID, "U0123456789ABCDEF")))
                _check(slt_question_blocks("<!channel> " * 300, "U1", answer))
            _check(shared_blocks(school, clause, "U1"))
        _check(help_blocks(school))
        _check(home_view(school, {"Open misuse reports": 10**6})["blocks"])
