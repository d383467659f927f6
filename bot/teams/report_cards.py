"""Adaptive Cards for misuse reports in Teams, drawn with the SDK's card models: the report dialog
(same fields as Slack's form, bot/slack/blocks/report_form.py), the SLT card with Acknowledge, Assign
to me, Add note and Close (`Action.Execute`), the DSL alert and the reporter's messages. Every piece
of user text goes through `plain`. No rule is decided here: the fields' checks are the core's
(`bot/cases/misuse.py: check_form`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    Choice,
    ChoiceSetInput,
    Container,
    DateInput,
    ExecuteAction,
    Fact,
    FactSet,
    QueryData,
    RefreshDefinition,
    SubmitAction,
    TextInput,
)

from bot.cases.guidance import Guidance
from bot.cases.misuse import (
    ACTIONS_TAKEN,
    CATEGORIES,
    MAX_NOTE,
    MAX_SHORT_TEXT,
    MAX_WHAT_HAPPENED,
    OUTCOMES,
    PURGED_ALERT_DETAILS,
    PURGED_DETAILS,
    ChildRisk,
    Report,
    ReportForm,
    State,
    purged_alert_title,
)
from bot.cases.misuse_rules import Step, steps_open
from bot.knowledge.models import Clause, School
from bot.render import times
from bot.render.wording import citation
from bot.teams.cards import VERSION, _dump, _text, many_chosen, plain

REPORT_DIALOG = "report_misuse"  # `dialog` in a task/fetch or task/submit's data
ACKNOWLEDGE = "report_acknowledge"
ASSIGN = "report_assign"
ADD_NOTE = "report_note"
CLOSE = "report_close"
VIEW = "report_view"  # the refresh verb: "show me my version of this card" (bot/teams/user_views.py)
VERBS = (ACKNOWLEDGE, ASSIGN, ADD_NOTE, CLOSE, VIEW)

FIELDS = ("category", "what_happened", "where_seen", "happened_on", "colleagues", "others", "child_at_risk",
          "actions_taken")

Names = Callable[[str], str]  # a Teams user id -> the name to show


def _error(errors: dict[str, str], name: str) -> list[Any]:
    return [_text(f"⚠️ {plain(errors[name])}", color="Attention", size="Small")] if name in errors else []


def open_dialog_button() -> SubmitAction:
    """The button that opens the report dialog (Teams sends task/fetch with this data)."""
    return SubmitAction(title="Report misuse", data={"msteams": {"type": "task/fetch"}, "dialog": REPORT_DIALOG})


def report_prompt_card() -> dict[str, Any]:
    """The answer to the "report misuse" command: bots cannot open a dialog from a message, so a button."""
    body = [
        _text("**Report misuse of social media** to SLT in confidence. The form asks what happened, where "
              "and when, who was involved and whether a child could be at risk."),
        ActionSet(actions=[open_dialog_button()]),
    ]
    return _dump(AdaptiveCard(version=VERSION, body=body))


def report_dialog(
    key: str, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    """The report form. `key` is the form's idempotency key (as Slack's view id): a retried or
    double-clicked submission is one report. Problems show under their field; values are kept."""
    values, errors = values or {}, errors or {}

    def value(name: str) -> str | None:
        got = values.get(name)
        return str(got) if got not in (None, "") else None

    body: list[Any] = []
    if errors:
        body.append(_text("Please check the fields marked ⚠️.", color="Attention", weight="Bolder"))
    body += [
        ChoiceSetInput(id="category", label="What kind of misuse is it?", is_required=True, style="compact",
                       choices=[Choice(title=c.label, value=c.id) for c in CATEGORIES], value=value("category")),
        *_error(errors, "category"),
        TextInput(id="what_happened", label="What happened?", is_required=True, is_multiline=True,
                  max_length=MAX_WHAT_HAPPENED, value=value("what_happened"),
                  placeholder="What was posted or sent, by whom (if known), and anything else SLT should know"),
        *_error(errors, "what_happened"),
        TextInput(id="where_seen", label="Where? (platform and link)", max_length=MAX_SHORT_TEXT,
                  value=value("where_seen")),
        *_error(errors, "where_seen"),
        DateInput(id="happened_on", label="When did it happen?",
                  value=value("happened_on") or dt.date.today().isoformat()),
        *_error(errors, "happened_on"),
        ChoiceSetInput(id="colleagues", label="Colleagues involved", is_multi_select=True,
                       choices=[], choices_data=QueryData(dataset="graph.microsoft.com/users"),
                       value=value("colleagues")),
        TextInput(id="others", label="Anyone else involved", max_length=MAX_SHORT_TEXT, value=value("others")),
        *_error(errors, "others"),
        ChoiceSetInput(id="child_at_risk", label="Could a child be at risk?", is_required=True, style="expanded",
                       choices=[Choice(title=r.label, value=r.value) for r in ChildRisk],
                       value=value("child_at_risk")),
        *_error(errors, "child_at_risk"),
        ChoiceSetInput(id="actions_taken", label="What have you done so far?", is_multi_select=True,
                       style="expanded", choices=[Choice(title=t, value=v) for v, t in ACTIONS_TAKEN.items()],
                       value=value("actions_taken")),
        *_error(errors, "actions_taken"),
    ]
    send = SubmitAction(title="Send to SLT", data={"dialog": REPORT_DIALOG, "key": key})
    return _dump(AdaptiveCard(version=VERSION, body=body, actions=[send]))


def form_from_submit(data: dict[str, Any]) -> ReportForm:
    """The submitted dialog as the core's ReportForm, exactly as typed."""

    def one(name: str) -> str | None:
        raw = data.get(name)
        return str(raw) if raw not in (None, "") else None

    return ReportForm(
        category=one("category"),
        what_happened=one("what_happened"),
        child_at_risk=one("child_at_risk"),
        where_seen=one("where_seen"),
        happened_on=one("happened_on"),
        colleagues=many_chosen(data.get("colleagues")),
        others=one("others"),
        actions_taken=many_chosen(data.get("actions_taken")),
    )


def _state_line(report: Report, names: Names) -> str:
    if report.state is State.CLOSED:
        return f"Closed by {plain(names(report.closed_by or ''))}: {plain(report.outcome_label or '')}"
    if report.state is State.ACKNOWLEDGED:
        return f"Acknowledged by {plain(names(report.acknowledged_by or ''))}"
    return "Open, not yet acknowledged"


_WORDS = {"submitted": "reported it", "acknowledged": "acknowledged it", "assigned": "took it on",
          "note": "added a note", "closed": "closed it"}


def _clause(school: School, clause: Clause) -> str:
    return f"{plain(clause.text)} ({plain(citation(school, clause))})"


def slt_card(
    school: School, report: Report, guidance: Guidance, names: Names, *,
    refresh: RefreshDefinition | None = None, may_act: bool = False,
) -> dict[str, Any]:
    """The case card in the SLT channel, drawn from the report as it is now. `may_act`: the view of
    someone the core lets act (the note box, the outcome list and the buttons). The card posted to the
    channel is the read-only version."""
    if report.purged:
        return purged_card(report)
    form = report.form
    urgent = report.child_risk.alerts_dsl
    title = _title(report)
    facts = [
        Fact(title="Reporter", value=plain(names(report.reporter_id), 200)),
        Fact(title="Submitted", value=times.utc(report.submitted_at)),
        Fact(title="Child could be at risk", value=report.child_risk.label + (" (DSL alerted)" if urgent else "")),
        Fact(title="Status", value=_state_line(report, names)),
        Fact(title="Assigned to", value=plain(names(report.assignee)) if report.assignee else "nobody yet"),
    ]
    if form.where_seen:
        facts.append(Fact(title="Where", value=plain(form.where_seen)))
    if form.happened_on:
        facts.append(Fact(title="When", value=form.happened_on))
    if form.colleagues:
        # The people picker gives Entra object ids; no name is known for them until they write to the bot.
        facts.append(Fact(title="Colleagues involved (Entra ids)", value=plain(", ".join(form.colleagues))))
    if form.others:
        facts.append(Fact(title="Anyone else", value=plain(form.others)))
    if form.actions_taken:
        facts.append(Fact(title="Done so far", value=", ".join(ACTIONS_TAKEN.get(a, a) for a in form.actions_taken)))
    body: list[Any] = [
        _text(f"**{plain(title)}**", size="Medium", color="Attention" if urgent else "Default"),
        FactSet(facts=facts),
        Container(style="emphasis", items=[_text(plain(form.what_happened or ""))]),
    ]
    for clause in (guidance.reporting_clause, guidance.meanwhile_clause):
        if clause is not None:
            body.append(_text(_clause(school, clause), is_subtle=True, size="Small"))
    timeline = [
        f"- {times.teams(e.at)} {plain(names(e.actor))} {_WORDS.get(e.action, plain(e.action))}"
        + (f": {plain(e.detail)}" if e.detail and e.action in ("note", "closed") else "")
        for e in report.timeline
    ]
    body.append(_text("**Timeline**\n" + "\n".join(timeline), separator=True, size="Small"))
    if not may_act:
        return _dump(AdaptiveCard(version=VERSION, body=body, refresh=refresh))
    data = {"ref": report.ref}
    actions: list[Any] = []
    steps = steps_open(report)
    if Step.ACKNOWLEDGE in steps:
        actions.append(ExecuteAction(title="Acknowledge", verb=ACKNOWLEDGE, data=data))
    if Step.ASSIGN in steps:
        actions.append(ExecuteAction(title="Assign to me", verb=ASSIGN, data=data))
    if Step.NOTE in steps:
        body.append(TextInput(id="note", label="Note (SLT only)", is_multiline=True, max_length=MAX_NOTE))
        actions.append(ExecuteAction(title="Add note", verb=ADD_NOTE, data=data))
    if Step.CLOSE in steps:
        body.append(ChoiceSetInput(id="outcome", label="Outcome (to close)", style="compact",
                                   choices=[Choice(title=t, value=v) for v, t in OUTCOMES.items()]))
        actions.append(ExecuteAction(title="Close", verb=CLOSE, data=data))
    body.append(ActionSet(actions=actions))
    return _dump(AdaptiveCard(version=VERSION, body=body, refresh=refresh))


def _title(report: Report) -> str:
    urgent = "🚨 URGENT: " if report.child_risk.alerts_dsl else ""
    return f"{urgent}Misuse report {report.ref}: {report.category.label}"


def purged_card(report: Report) -> dict[str, Any]:
    """Past the retention period: what stays for statistics, nothing of what was reported or by whom,
    and no buttons (there is nothing left to act on)."""
    title = _title(report)
    facts = [
        Fact(title="Reporter", value="deleted"),
        Fact(title="Submitted", value=times.utc(report.submitted_at)),
        Fact(title="Closed", value=times.utc(report.closed_at, with_time=False)),
    ]
    body = [_text(f"**{plain(title)}**", size="Medium"), FactSet(facts=facts), _text(PURGED_DETAILS, is_subtle=True)]
    return _dump(AdaptiveCard(version=VERSION, body=body))


def purged_dsl_alert_card(report: Report) -> dict[str, Any]:
    body = [
        _text(f"**{plain(purged_alert_title(report.ref))}**"),
        _text(f"{PURGED_ALERT_DETAILS} Kept for statistics: {plain(report.category.label)}, "
              f"closed {times.teams(report.closed_at, with_time=False)}."),
    ]
    return _dump(AdaptiveCard(version=VERSION, body=body))


def card_summary(report: Report) -> str:
    """What notifications show: the reference and category only (lock screens)."""
    urgent = "URGENT: " if report.child_risk.alerts_dsl else ""
    return f"{urgent}Misuse report {report.ref}: {report.category.label}"


def dsl_alert_card(report: Report, names: Names) -> dict[str, Any]:
    body = [
        _text(f"**🚨 URGENT: possible safeguarding concern in misuse report {report.ref}**", color="Attention"),
        FactSet(facts=[
            Fact(title="Kind", value=plain(report.category.label)),
            Fact(title="Reporter", value=plain(names(report.reporter_id), 200)),
            Fact(title="Child could be at risk", value=report.child_risk.label),
        ]),
        Container(style="emphasis", items=[_text(plain(report.form.what_happened or ""))]),
        _text("The case card is in the SLT channel.", is_subtle=True, size="Small"),
    ]
    return _dump(AdaptiveCard(version=VERSION, body=body))


def reporter_notice(school: School, report: Report, event: str, guidance: Guidance | None) -> str:
    """Plain text for the reporter's 1:1 chat; never SLT's notes or the outcome."""
    label = report.category.label
    if event == "acknowledged":
        return f"SLT have acknowledged your misuse report {report.ref} ({label}) and are looking into it. Thank you."
    if event == "closed":
        return (f"Your misuse report {report.ref} ({label}) has been closed by SLT. Thank you for reporting it. "
                "If anything else happens, use \"report misuse\" again.")
    lines = [
        f"Your report {report.ref} has been received and sent to SLT in confidence.",
        "What happens next: SLT will look at it and acknowledge it; I'll message you when they do, and again "
        "when it is closed. Only SLT (and the safeguarding lead, if a child could be at risk) see it.",
    ]
    if report.child_risk.alerts_dsl:
        lines.append("You said a child could be at risk, so the Designated Safeguarding Lead has been alerted too. "
                     "If a child is in immediate danger, call 999 and tell the DSL in person now.")
    if guidance is not None and guidance.reporting_clause is not None:
        lines.append(f"Why report: the policy says \u201c{guidance.reporting_clause.text}\u201d "
                     f"({citation(school, guidance.reporting_clause)})")
    if guidance is not None and guidance.meanwhile_clause is not None:
        lines.append(f"Meanwhile, the policy says \u201c{guidance.meanwhile_clause.text}\u201d "
                     f"({citation(school, guidance.meanwhile_clause)})")
    lines.append("Don't reply to or engage with the people involved, and keep any screenshots.")
    return "\n\n".join(lines)
