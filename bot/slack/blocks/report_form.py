"""The /report-misuse modal, what it sends back, and the confirmation the reporter sees."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.cases.guidance import Guidance
from bot.cases.misuse import (
    ACTIONS_TAKEN,
    CATEGORIES,
    MAX_SHORT_TEXT,
    MAX_WHAT_HAPPENED,
    ChildRisk,
    Report,
    ReportForm,
)
from bot.knowledge.models import Clause, School
from bot.render.wording import citation
from bot.slack.blocks.forms import many, one, submitted_values, text_or_none
from bot.slack.escape import clip, escape, quote

CALLBACK = "report_misuse"
VALUE = "value"  # every input's action id; the block id names the field


def _input(field: str, label: str, element: Any, optional: bool = False, hint: str | None = None) -> InputBlock:
    return InputBlock(block_id=field, label=label, element=element, optional=optional, hint=hint)


def report_modal(school: School, today: dt.date) -> dict:
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"This goes to *SLT only*, in confidence, as the policy asks ({escape(school.report_to)}). "
                "You'll get a reference and be told when SLT pick it up."
            )
        ),
        _input(
            "category",
            "What kind of misuse is it?",
            StaticSelectElement(
                action_id=VALUE,
                placeholder="Choose one",
                options=[Option(value=c.id, label=c.label[:75]) for c in CATEGORIES],
            ),
        ),
        _input(
            "what_happened",
            "What happened?",
            PlainTextInputElement(action_id=VALUE, multiline=True, max_length=MAX_WHAT_HAPPENED),
            hint="Facts only: what was posted or sent, by whom if you know. Don't paste pupils' full names.",
        ),
        _input(
            "where_seen",
            "Where? (platform, and a link if you have one)",
            PlainTextInputElement(
                action_id=VALUE, max_length=MAX_SHORT_TEXT, placeholder="e.g. Facebook, a comment on the PTA page"
            ),
            optional=True,
        ),
        _input(
            "happened_on",
            "When did it happen?",
            DatePickerElement(action_id=VALUE, initial_date=today.isoformat()),
            optional=True,
        ),
        _input(
            "colleagues",
            "Colleagues involved",
            UserMultiSelectElement(action_id=VALUE, placeholder="Pick people in Slack"),
            optional=True,
        ),
        _input(
            "others",
            "Anyone else involved (parents, pupils, others)",
            PlainTextInputElement(
                action_id=VALUE, max_length=MAX_SHORT_TEXT, placeholder="e.g. a parent of a Year 4 pupil"
            ),
            optional=True,
        ),
        _input(
            "child_at_risk",
            "Could a child be at risk?",
            RadioButtonsElement(
                action_id=VALUE,
                options=[Option(value=r.value, label=r.label) for r in ChildRisk],
            ),
            hint="'Yes' or 'Not sure' also alerts the Designated Safeguarding Lead straight away.",
        ),
        _input(
            "actions_taken",
            "What have you done so far?",
            CheckboxesElement(action_id=VALUE, options=[Option(value=k, label=v) for k, v in ACTIONS_TAKEN.items()]),
            optional=True,
        ),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK,
        title="Report misuse",
        submit="Send to SLT",
        close="Cancel",
        blocks=blocks,
    ).to_dict()


def form_from_view(view: dict[str, Any]) -> ReportForm:
    values = submitted_values(view)
    return ReportForm(
        category=one(values.get("category")),
        what_happened=one(values.get("what_happened")),
        child_at_risk=one(values.get("child_at_risk")),
        where_seen=text_or_none(values.get("where_seen")),
        happened_on=one(values.get("happened_on")),
        colleagues=many(values.get("colleagues")),
        others=text_or_none(values.get("others")),
        actions_taken=many(values.get("actions_taken")),
    )


def _clause_quote(school: School, clause: Clause, limit: int = 1200) -> str:
    return f"{quote(clause.text, limit)}\n_{escape(citation(school, clause))}_"


def next_steps_text(school: School, report: Report, guidance: Guidance) -> str:
    """What the reporter is told on submitting: the reference, what happens next, the policy's words."""
    lines = [
        f"*Your report {report.ref} has been received* and sent to SLT in confidence.",
        "",
        "*What happens next:* SLT will look at it and acknowledge it; I'll message you when they do, "
        "and again when it is closed. Only SLT (and the safeguarding lead, if a child could be at risk) see it.",
    ]
    if report.child_risk.alerts_dsl:
        lines.append(
            ":rotating_light: You said a child could be at risk, so the Designated Safeguarding Lead "
            "has been alerted too. If a child is in immediate danger, call 999 and tell the DSL in person now."
        )
    if guidance.reporting_clause is not None:
        lines += ["", "*Why report:* the policy says", _clause_quote(school, guidance.reporting_clause)]
    if guidance.meanwhile_clause is not None:
        lines += ["", "*Meanwhile, the policy says:*", _clause_quote(school, guidance.meanwhile_clause)]
    lines += ["", "Don't reply to or engage with the people involved, and keep any screenshots."]
    return "\n".join(lines)


def confirmation_view(school: School, report: Report, guidance: Guidance) -> dict:
    text = next_steps_text(school, report, guidance)
    return View(
        type="modal",
        title="Report sent",
        close="Done",
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=clip(text, 3000))),
            ContextBlock(
                elements=[PlainTextObject(text=f"Reference {report.ref}. A copy is in your messages from policybot.")]
            ),
        ],
    ).to_dict()
