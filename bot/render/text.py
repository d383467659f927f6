"""Answers drawn for a terminal (the CLI's human-readable output)."""

from __future__ import annotations

import textwrap

from bot.answers import Answer
from bot.render.wording import citation, not_covered, notes, policy_dates, quoted, section_and_heading, verdict

_WIDTH = 100


def _quote(text: str) -> str:
    # a web address in the policy stays whole, to be copied
    wrapped = textwrap.fill(
        text, _WIDTH, initial_indent='  "', subsequent_indent="   ", break_on_hyphens=False, break_long_words=False
    )
    return wrapped + '"'


def render_answer(answer: Answer) -> str:
    school = answer.school
    lines: list[str] = []
    best = answer.best
    if answer.answered and best is not None:
        lines.append(verdict(best.clause, answer.verdict_label, answer.verdict_line))
        lines.append("")
        lines.append(_quote(quoted(best.clause)))
        lines.append(f"  - {citation(school, best.clause)}")
        related = answer.related
    else:
        lines.append(not_covered(answer))
        related = answer.ranking.matches
    lines.append(f"  Policy dates: {policy_dates(school)}.")
    for note in notes(school, advise=answer.answered):
        lines.append(f"  Note: {note}")
    if related:
        lines.append("")
        lines.append("Related clauses:" if answer.answered else "Closest clauses (may not answer your question):")
        for match in related:
            lines.append(f"  - {section_and_heading(match.clause)}: {answer.line(match.clause)}")
    return "\n".join(lines)
