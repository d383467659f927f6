"""Block Kit for answers to /policy: the verdict, the quoted clause, where it is, related clauses.

Built with slack_sdk's block models, which refuse text over Slack's limits; every free-text field is
also clipped to its limit first, so even the longest clause renders.
"""

from __future__ import annotations

import copy
import functools

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.answers import Answer
from bot.knowledge.models import Clause, School
from bot.render.wording import (
    citation,
    not_covered,
    notes,
    policy_dates,
    quoted,
    section_and_heading,
    verdict_parts,
)
from bot.slack.escape import clip, escape, quote

SECTION_LIMIT = 3000
CONTEXT_LIMIT = 2000  # per context element (Slack allows 3000; leave room for formatting)

HELPFUL = "answer_helpful"
NOT_HELPFUL = "answer_not_helpful"
SHARE = "answer_share"
ASK_SLT = "answer_ask_slt"

EXAMPLE_QUESTIONS = (
    "can I accept a friend request from a parent?",
    "can I post photos of my class on my own Instagram?",
    "an ex-pupil messaged me on Snapchat, what do I do?",
    "can I moan about work in a private WhatsApp group?",
    "do I have to reply to comments on the school's Facebook at the weekend?",
)


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, CONTEXT_LIMIT))])


def clause_blocks(school: School, clause: Clause, label: str = "", line: str = "") -> list[Block]:
    """The verdict, the quoted clause and where to find it: shared by answers and shared answers.

    `label` and `line` are the answer's verdict for the asker's question; a shared answer, which never
    shows the question, uses the clause's own.
    """
    label, line = verdict_parts(clause, label, line)
    blocks: list[Block] = [
        _section(f"*{escape(label)}:* {escape(line)}"),
        _section(quote(quoted(clause), SECTION_LIMIT)),
        _context(escape(f"{citation(school, clause)} · Policy {policy_dates(school)}")),
    ]
    for note in notes(school):
        blocks.append(_context(f":warning: {escape(note)}"))
    return blocks


def _related(title: str, answer: Answer, clauses: list[Clause]) -> SectionBlock:
    lines = [f"*{title}*"]
    for clause in clauses:
        heading = "" if section_and_heading(clause) == clause.section else f" {escape(clause.heading)}"
        lines.append(f"• *{escape(clause.section)}*{heading}: {escape(answer.line(clause))}")
    return _section("\n".join(lines))


def _button(text: str, action_id: str, value: str, style: str | None = None, confirm: ConfirmObject | None = None):
    return ButtonElement(
        text=PlainTextObject(text=text), action_id=action_id, value=value, style=style, confirm=confirm
    )


def answer_blocks(answer: Answer, button_value: str) -> list[dict]:
    """The ephemeral reply to `/policy <question>`; `button_value` names the question (question_buttons.py)."""
    # In quotation marks, not _italics_: an underscore in the question would end them part-way.
    blocks: list[Block] = [_context(f"You asked: \u201c{escape(clip(answer.question, 500))}\u201d")]
    best = answer.best if answer.answered else None
    if best is not None:
        blocks += clause_blocks(answer.school, best.clause, answer.verdict_label, answer.verdict_line)
        related = [m.clause for m in answer.related]
        if related:
            blocks += [DividerBlock(), _related("Related clauses", answer, related)]
    else:
        blocks.append(_section(escape(not_covered(answer))))
        closest = [m.clause for m in answer.ranking.matches]
        if closest:
            blocks += [DividerBlock(), _related("Closest clauses (may not answer your question)", answer, closest)]
        blocks.append(_context(f"Policy {policy_dates(answer.school)}"))
    unsure = best is not None and not answer.ranking.sure
    actions = _answer_actions(button_value, answered=best is not None, unsure=unsure)
    return [*(b.to_dict() for b in blocks), actions]


def _answer_actions(value: str, answered: bool, unsure: bool) -> dict:
    """The buttons under an answer, each carrying the question id as its value."""
    actions = copy.deepcopy(_drawn_answer_actions(answered, unsure))
    for button in actions["elements"]:
        button["value"] = value
    return actions


@functools.cache
def _drawn_answer_actions(answered: bool, unsure: bool) -> dict:
    """Drawn once per kind: the block models' checks cost more than the rest of the answer's blocks."""
    if answered:
        buttons = [_button("Helpful", HELPFUL, "0"), _button("Not helpful", NOT_HELPFUL, "0")]
        buttons.append(_button("Share in channel", SHARE, "0"))
        if unsure:
            buttons.append(_ask_slt_button("0"))
    else:
        buttons = [_ask_slt_button("0", primary=True), _button("Not helpful", NOT_HELPFUL, "0")]
    return ActionsBlock(block_id="answer_actions", elements=buttons).to_dict()


def _ask_slt_button(value: str, primary: bool = False) -> ButtonElement:
    confirm = ConfirmObject(
        title="Send to SLT?",
        text="Your question and your name will be posted in the SLT channel. "
        "Their reply will come to you as a message from policybot.",
        confirm="Send",
        deny="Cancel",
    )
    return _button("Ask SLT", ASK_SLT, value, style="primary" if primary else None, confirm=confirm)


def help_blocks(school: School) -> list[dict]:
    examples = "\n".join(f"• `/policy {q}`" for q in EXAMPLE_QUESTIONS)
    blocks: list[Block] = [
        _section(
            f"*Ask me about the {escape(school.policy_title)}* of {escape(school.name)}. "
            "Type `/policy` and your question in your own words; only you will see my answer."
        ),
        _section(f"*For example*\n{examples}"),
        _context(f"Policy {policy_dates(school)}. `/report-misuse` reports a problem to SLT in confidence."),
    ]
    return [b.to_dict() for b in blocks]


def shared_blocks(school: School, clause: Clause, user_id: str) -> list[dict]:
    """An answer posted to a channel: the clause only, never the question that led to it."""
    blocks = [*clause_blocks(school, clause), _context(f"Shared by <@{user_id}> from `/policy`")]
    return [b.to_dict() for b in blocks]


def slt_question_blocks(question: str, user_id: str, answer: Answer) -> list[dict]:
    lines = [f"*<@{user_id}> asked a policy question the bot could not answer with confidence:*"]
    blocks: list[Block] = [_section("\n".join(lines)), _section(quote(question, SECTION_LIMIT))]
    closest = [m.clause for m in answer.ranking.matches]
    if closest:
        blocks.append(_related("Closest clauses", answer, closest))
    blocks.append(_context("Reply in this thread and policybot will pass your reply on to them."))
    return [b.to_dict() for b in blocks]
