"""The case card SLT triage from, the DSL's alert, the reporter's notices, and the triage modals."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.cases.guidance import Guidance
from bot.cases.misuse import (
    ACTIONS_TAKEN,
    MAX_NOTE,
    OUTCOMES,
    PURGED_ALERT_DETAILS,
    PURGED_DETAILS,
    Report,
    State,
    purged_alert_title,
)
from bot.cases.misuse_rules import Step, steps_open
from bot.cases.records import Event
from bot.knowledge.models import School
from bot.render import times
from bot.render.wording import citation
from bot.slack.escape import clip, escape, mention, quote

ACKNOWLEDGE = "report_acknowledge"
ASSIGN = "report_assign"
ADD_NOTE = "report_add_note"
CLOSE = "report_close"
NOTE_CALLBACK = "report_note"
CLOSE_CALLBACK = "report_close_modal"
VALUE = "value"

TIMELINE_SHOWN = 12  # the newest entries on the card; `policybot reports show` has them all


def _state_line(report: Report) -> str:
    if report.state is State.CLOSED:
        outcome = escape(report.outcome_label or "")
        return f":white_check_mark: *Closed* by {mention(report.closed_by)} {times.slack(report.closed_at)}: {outcome}"
    if report.state is State.ACKNOWLEDGED:
        return f":eyes: *Acknowledged* by {mention(report.acknowledged_by)} {times.slack(report.acknowledged_at)}"
    return ":new: *Open*, not yet acknowledged"


def _event_line(event: Event) -> str:
    words = {
        "submitted": "submitted the report",
        "acknowledged": "acknowledged it",
        "assigned": "took it on",
        "closed": f"closed it: {escape(event.detail or '')}",
    }
    if event.action == "note":
        return f"{times.slack(event.at)} {mention(event.actor)} added a note:\n{quote(event.detail or '', 600)}"
    return f"{times.slack(event.at)} {mention(event.actor)} {words.get(event.action, escape(event.action))}"


def card_blocks(school: School, report: Report, guidance: Guidance, dsl_channel: str | None) -> list[dict]:
    form = report.form
    risk = report.child_risk
    risk_text = escape(risk.label)
    if risk.alerts_dsl:
        risk_text = f":rotating_light: *{risk_text}*" + (
            " (DSL alerted)" if dsl_channel else " (no DSL channel set: tell the DSL)"
        )
    done = ", ".join(ACTIONS_TAKEN.get(a, a) for a in form.actions_taken) or "Not said"
    fields = [
        MarkdownTextObject(text=f"*Category*\n{escape(report.category.label)}"),
        MarkdownTextObject(text=f"*Reported by*\n{'_deleted_' if report.purged else mention(report.reporter_id)}"),
        MarkdownTextObject(text=f"*Submitted*\n{times.slack(report.submitted_at)}"),
        MarkdownTextObject(text=f"*Could a child be at risk?*\n{risk_text}"),
        MarkdownTextObject(text=f"*Assigned to*\n{mention(report.assignee)}"),
        MarkdownTextObject(text=f"*Reporter has*\n{escape(done)}"),
    ]
    details = [f"*What happened*\n{quote(form.what_happened or '', 2400)}"]
    if form.where_seen:
        details.append(f"*Where:* {escape(clip(form.where_seen, 500))}")
    if form.happened_on:
        details.append(f"*When:* {escape(form.happened_on)}")
    people = " ".join(mention(u) for u in form.colleagues)
    if form.others:
        people = (people + " " if people else "") + escape(clip(form.others, 500))
    if people:
        details.append(f"*People involved:* {people}")
    if report.purged:
        details = [f"_{PURGED_DETAILS}_"]
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"{'URGENT: ' if risk.alerts_dsl else ''}Misuse report {report.ref}", 150)),
        SectionBlock(text=MarkdownTextObject(text=_state_line(report))),
        SectionBlock(fields=fields),
        SectionBlock(text=MarkdownTextObject(text=clip("\n".join(details), 3000))),
    ]
    policy = [
        f"{escape(citation(school, clause))}: {escape(clip(clause.text, 600))}"
        for clause in (guidance.reporting_clause, guidance.meanwhile_clause)
        if clause is not None
    ]
    if policy:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip("*Policy:* " + "\n".join(policy), 2000))]))
    if not report.purged:
        blocks.append(DividerBlock())
        events = report.timeline[-TIMELINE_SHOWN:]
        hidden = len(report.timeline) - len(events)
        lines = [_event_line(e) for e in events]
        if hidden:
            lines.insert(0, f"_{hidden} earlier entries: `policybot reports show {report.ref}`_")
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip("\n".join(lines), 3000))]))
    buttons = []
    steps = steps_open(report)
    if Step.ACKNOWLEDGE in steps:
        buttons.append(ButtonElement(text="Acknowledge", action_id=ACKNOWLEDGE, value=report.ref, style="primary"))
    if Step.ASSIGN in steps:
        buttons.append(ButtonElement(text="Assign to me", action_id=ASSIGN, value=report.ref))
    if Step.NOTE in steps:
        buttons.append(ButtonElement(text="Add note", action_id=ADD_NOTE, value=report.ref))
    if Step.CLOSE in steps:
        buttons.append(ButtonElement(text="Close with outcome", action_id=CLOSE, value=report.ref))
    blocks.append(ActionsBlock(block_id=f"triage:{report.ref}", elements=buttons))
    return [b.to_dict() for b in blocks]


def card_text(report: Report) -> str:
    """The notification text: no details, since notifications show on lock screens."""
    urgent = "URGENT " if report.child_risk.alerts_dsl else ""
    return f"{urgent}Misuse report {report.ref}: {report.category.label}"


def dsl_alert_text(report: Report) -> str:
    return f"URGENT: possible safeguarding concern in misuse report {report.ref}"


def purged_dsl_alert_text(report: Report) -> str:
    return purged_alert_title(report.ref)


def purged_dsl_alert_blocks(report: Report) -> list[dict]:
    text = (
        f"*{purged_dsl_alert_text(report)}.*\n{PURGED_ALERT_DETAILS} "
        f"Kept for statistics: {escape(report.category.label)}, closed {times.slack(report.closed_at or '')}."
    )
    return [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]


def dsl_alert_blocks(report: Report, slt_link: str | None) -> list[dict]:
    form = report.form
    text = (
        f":rotating_light: *URGENT: possible child safeguarding concern in misuse report {report.ref}*\n"
        f"The reporter answered *{escape(report.child_risk.label)}* to 'could a child be at risk?'.\n"
        f"*Category:* {escape(report.category.label)}\n*Reported by:* {mention(report.reporter_id)} "
        f"{times.slack(report.submitted_at)}\n*What happened*\n{quote(form.what_happened or '', 2000)}"
    )
    footer = (
        "SLT triage it on the case card"
        + (f": <{slt_link}|open the card>" if slt_link else " in the SLT channel")
        + "."
    )
    return [
        SectionBlock(text=MarkdownTextObject(text=clip(text, 3000))).to_dict(),
        ContextBlock(elements=[MarkdownTextObject(text=footer)]).to_dict(),
    ]


def reporter_notice_text(report: Report, event: str, next_steps: str) -> str:
    if event == "received":
        return next_steps
    if event == "acknowledged":
        return (
            f"SLT have acknowledged your misuse report *{report.ref}* ({escape(report.category.label)}) "
            "and are looking into it. Thank you for reporting it."
        )
    return (
        f"Your misuse report *{report.ref}* ({escape(report.category.label)}) has been closed by SLT. "
        "Thank you for reporting it. If anything else happens, use `/report-misuse` again."
    )


def note_modal(ref: str) -> dict:
    return View(
        type="modal",
        callback_id=NOTE_CALLBACK,
        private_metadata=ref,
        title=clip(f"Note on {ref}", 24),
        submit="Add note",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id="note",
                label="Note (SLT only; the reporter never sees it)",
                element=PlainTextInputElement(action_id=VALUE, multiline=True, max_length=MAX_NOTE),
            )
        ],
    ).to_dict()


def close_modal(ref: str) -> dict:
    return View(
        type="modal",
        callback_id=CLOSE_CALLBACK,
        private_metadata=ref,
        title=clip(f"Close {ref}", 24),
        submit="Close case",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id="outcome",
                label="Outcome",
                element=StaticSelectElement(
                    action_id=VALUE,
                    placeholder="Choose one",
                    options=[Option(value=k, label=v) for k, v in OUTCOMES.items()],
                ),
            ),
            InputBlock(
                block_id="note",
                label="Closing note (SLT only)",
                optional=True,
                element=PlainTextInputElement(action_id=VALUE, multiline=True, max_length=MAX_NOTE),
            ),
        ],
    ).to_dict()
