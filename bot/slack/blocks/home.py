"""The App Home tab: what the bot does, example questions, the policy's dates, and SLT's counts."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.knowledge.models import School
from bot.render.wording import policy_dates, review_warning
from bot.slack.blocks.answer import EXAMPLE_QUESTIONS
from bot.slack.escape import escape


def home_view(school: School, slt_counts: dict[str, int] | None) -> dict:
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
    warning = review_warning(school)
    if warning:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f":warning: {escape(warning)}")]))
    if slt_counts is not None:
        lines = [f"• {label}: *{count}*" for label, count in slt_counts.items()]
        blocks += [
            DividerBlock(),
            SectionBlock(text=MarkdownTextObject(text="*For SLT*\n" + "\n".join(lines))),
        ]
    return View(type="home", blocks=blocks).to_dict()
