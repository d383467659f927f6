"""The App Home tab: what the bot does, example questions, the policy's dates, and SLT's counts."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.cases.accounts import Account, Application
from bot.cases.misuse import Report
from bot.knowledge.models import School
from bot.render import times
from bot.render.wording import notes, policy_dates
from bot.slack.blocks.account_card import register_blocks
from bot.slack.blocks.answer import EXAMPLE_QUESTIONS
from bot.slack.escape import clip, escape

LISTED = 10  # reports listed on the tab; `policybot reports list` has them all


def _report_line(report: Report, for_slt: bool) -> str:
    submitted = times.slack(report.submitted_at, with_time=False)
    if for_slt:
        flag = " :rotating_light:" if report.child_risk.alerts_dsl else ""
        who = f", with <@{report.assignee}>" if report.assignee else ""
        return f"• *{report.ref}*{flag} {escape(report.category.label)} ({submitted}, {report.state}{who})"
    return f"• *{report.ref}* {escape(report.category.label)} ({submitted}): {report.state.reporter_label}"


def home_view(
    school: School,
    slt_counts: dict[str, int] | None,
    my_reports: Sequence[Report] = (),
    slt_open_reports: Sequence[Report] = (),
    my_applications: Sequence[Application] = (),
    register: list[Account] | None = None,
) -> dict:
    examples = "\n".join(f"• `/policy {q}`" for q in EXAMPLE_QUESTIONS)
    blocks = [
        HeaderBlock(text="policybot"),
        SectionBlock(
            text=MarkdownTextObject(
                text=f"I answer questions about *{escape(school.name)}*'s *{escape(school.policy_title)}*, "
                "quoting the policy itself, and I run its processes in Slack:\n"
                "• `/policy <question>`: what the policy says (only you see the answer)\n"
                "• `/report-misuse`: report misuse of social media to SLT in confidence\n"
                "• `/request-account`: apply for an official school social-media account"
            )
        ),
        SectionBlock(text=MarkdownTextObject(text=f"*Try asking*\n{examples}")),
        ContextBlock(elements=[MarkdownTextObject(text=f"Policy {policy_dates(school)}.")]),
    ]
    for note in notes(school):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f":warning: {escape(note)}")]))
    if my_reports:
        lines = [_report_line(r, for_slt=False) for r in my_reports[:LISTED]]
        blocks += [
            DividerBlock(),
            SectionBlock(text=MarkdownTextObject(text="*Your misuse reports*\n" + "\n".join(lines))),
        ]
    if my_applications:
        lines = [
            f"• *{a.ref}* {escape(a.platform_label)} {escape(a.form.handle or '')}: {a.state.label}"
            for a in my_applications[:LISTED]
        ]
        blocks += [
            DividerBlock(),
            SectionBlock(text=MarkdownTextObject(text=clip("*Your account applications*\n" + "\n".join(lines), 3000))),
        ]
    if slt_counts is not None:
        lines = [f"• {label}: *{count}*" for label, count in slt_counts.items()]
        blocks += [
            DividerBlock(),
            SectionBlock(text=MarkdownTextObject(text="*For SLT*\n" + "\n".join(lines))),
        ]
        if slt_open_reports:
            listed = [_report_line(r, for_slt=True) for r in slt_open_reports[:LISTED]]
            more = len(slt_open_reports) - LISTED
            if more > 0:
                listed.append(f"_…and {more} more: `policybot reports list --open`_")
            blocks.append(
                SectionBlock(text=MarkdownTextObject(text="*Open misuse reports, oldest first*\n" + "\n".join(listed)))
            )
    if register is not None:
        blocks.append(DividerBlock())
        return View(type="home", blocks=[b.to_dict() for b in blocks] + register_blocks(register)).to_dict()
    return View(type="home", blocks=blocks).to_dict()
