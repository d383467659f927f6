"""Adaptive Cards for Teams, drawn with the Teams SDK's card models (microsoft-teams-cards): the
answer to a question, with Helpful / Not helpful / Ask SLT as `Action.Execute`, and the question
posted to SLT. Same content as Slack's answer (bot/slack/blocks/answer.py), same wording
(bot/render/wording.py). Every piece of user or policy text goes through `plain`, so it cannot
inject markdown links, emphasis or lists."""

from __future__ import annotations

import re
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    Container,
    ExecuteAction,
    TextBlock,
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

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
VERSION = "1.5"

HELPFUL = "answer_helpful"
NOT_HELPFUL = "answer_not_helpful"
ASK_SLT = "answer_ask_slt"

MAX_TEXT = 4000
# A line that card markdown would turn into a list item or a heading.
_LINE_START = re.compile(r"^(\s*)([-+*#]|\d+\.)(?=\s)", re.MULTILINE)
_ZERO_WIDTH = "\u200b"
_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # not between two letters or digits


def plain(text: str, limit: int = MAX_TEXT) -> str:
    """Text that card markdown shows as typed. Not with backslash escapes (not every Teams client
    honours them, and the backslashes would show): look-alikes and zero-width breaks instead."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    text = text.replace("*", "\u2217").replace("](", "]" + _ZERO_WIDTH + "(")  # no emphasis, no [link](url)
    # No _emphasis_: only an underscore at a word's edge can open or close it, so one inside a word (a
    # handle such as st_annes_pe, an email address the administrator copies) is left as typed.
    text = _EDGE_UNDERSCORE.sub("\u02cd", text).replace("`", "\u02cb")
    text = text.replace("<", "\u2039").replace(">", "\u203a")  # no <at> mention, no HTML
    text = text.replace("{{", "{" + _ZERO_WIDTH + "{")  # no {{DATE()}}: the cards' own dates use it
    text = re.sub(r"(?i)\b(https?|mailto|www)", lambda m: m.group(1)[0] + _ZERO_WIDTH + m.group(1)[1:], text)
    return _LINE_START.sub(lambda m: m.group(1) + _ZERO_WIDTH + m.group(2), text)


def many_chosen(raw: Any) -> tuple[str, ...]:
    """A dialog's multi-select value: Teams sends "a,b" (a string), some clients a list."""
    if isinstance(raw, list):
        return tuple(str(v) for v in raw if str(v))
    return tuple(v for v in str(raw or "").split(",") if v)


def _text(text: str, **extra: Any) -> TextBlock:
    return TextBlock(text=text, wrap=True, **extra)


def _clause_blocks(school: School, clause: Clause, label: str, line: str = "") -> list[Any]:
    label, line = verdict_parts(clause, label, line)
    blocks: list[Any] = [
        _text(f"**{plain(label)}:** {plain(line)}"),
        Container(style="emphasis", items=[_text(plain(quoted(clause)))]),
        _text(plain(f"{citation(school, clause)} · Policy {policy_dates(school)}"), is_subtle=True, size="Small"),
    ]
    for note in notes(school):
        blocks.append(_text(f"⚠️ {plain(note)}", color="Attention", size="Small"))
    return blocks


def _related(title: str, answer: Answer, clauses: list[Clause]) -> TextBlock:
    lines = [f"**{plain(title)}**"]
    for clause in clauses:
        heading = "" if section_and_heading(clause) == clause.section else f" {plain(clause.heading)}"
        lines.append(f"- **{plain(clause.section)}**{heading}: {plain(answer.line(clause))}")
    return _text("\n".join(lines), separator=True)


def _execute(title: str, verb: str, value: str, style: str | None = None) -> ExecuteAction:
    action = ExecuteAction(title=title, verb=verb, data={"q": value})
    if style:
        action.style = style  # type: ignore[assignment]
    return action


def answer_card(answer: Answer, button_value: str) -> dict[str, Any]:
    """The answer to a question; `button_value` names the question for the asker (bot/question_buttons.py)."""
    body: list[Any] = [_text(f"You asked: *{plain(answer.question, 500)}*", is_subtle=True)]
    best = answer.best if answer.answered else None
    if best is not None:
        body += _clause_blocks(answer.school, best.clause, answer.verdict_label, answer.verdict_line)
        related = [m.clause for m in answer.related]
        if related:
            body.append(_related("Related clauses", answer, related))
        actions = [_execute("Helpful", HELPFUL, button_value), _execute("Not helpful", NOT_HELPFUL, button_value)]
        if not answer.ranking.sure:
            actions.append(_execute("Ask SLT", ASK_SLT, button_value))
    else:
        body.append(_text(plain(not_covered(answer))))
        closest = [m.clause for m in answer.ranking.matches]
        if closest:
            body.append(_related("Closest clauses (may not answer your question)", answer, closest))
        body.append(_text(plain(f"Policy {policy_dates(answer.school)}"), is_subtle=True, size="Small"))
        actions = [
            _execute("Ask SLT", ASK_SLT, button_value, "positive"),
            _execute("Not helpful", NOT_HELPFUL, button_value),
        ]
    body.append(ActionSet(actions=actions))
    return _dump(AdaptiveCard(version=VERSION, body=body))


def help_card(school: School, examples: tuple[str, ...]) -> dict[str, Any]:
    lines = "\n".join(f"- {plain(q)}" for q in examples)
    body = [
        _text(
            f"**Ask me about the {plain(school.policy_title)}** of {plain(school.name)}. "
            "Write your question here in your own words; in a channel, @mention me and I'll answer you "
            "in this private chat."
        ),
        _text(f"**For example**\n{lines}"),
        _text(plain(f"Policy {policy_dates(school)}."), is_subtle=True, size="Small"),
        _text("To report misuse of social media to SLT in confidence, press Report misuse (or write "
              "\"report misuse\"). To apply for an official school account, press Request an account (or write "
              "\"request account\"). Write \"my reports\" or \"my applications\" to see where yours are."),
    ]
    # Imported here: those modules draw with this module's helpers.
    from bot.teams.account_form_cards import open_application_button
    from bot.teams.report_cards import open_dialog_button

    actions = [open_dialog_button(), open_application_button()]
    return _dump(AdaptiveCard(version=VERSION, body=body, actions=actions))


def slt_question_card(question: str, asker_name: str, answer: Answer) -> dict[str, Any]:
    body: list[Any] = [
        _text(f"**{plain(asker_name, 200)} asked a policy question the bot could not answer with confidence:**"),
        Container(style="emphasis", items=[_text(plain(question))]),
    ]
    closest = [m.clause for m in answer.ranking.matches]
    if closest:
        body.append(_related("Closest clauses", answer, closest))
    body.append(_text("Reply in this thread and policybot will pass your reply on to them.", is_subtle=True))
    return _dump(AdaptiveCard(version=VERSION, body=body))


def _dump(card: AdaptiveCard) -> dict[str, Any]:
    return card.model_dump(by_alias=True, exclude_none=True)


def card_activity(card: dict[str, Any], summary: str) -> dict[str, Any]:
    """A message carrying one card; `summary` is what notifications show (no `text`: Teams would split it)."""
    return {
        "type": "message",
        "summary": summary,
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card}],
    }


def text_activity(text: str) -> dict[str, Any]:
    """A plain-text message: `textFormat: plain` so nothing in it is read as markdown or a mention."""
    return {"type": "message", "textFormat": "plain", "text": text}
