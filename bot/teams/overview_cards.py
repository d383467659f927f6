"""What Slack's App Home shows, as cards for Teams' 1:1 chat ("my reports", "my applications"): a
person's own misuse reports and account applications and where each one is, and, for SLT, the
counts of open cases and the open reports, oldest first. Same content and words as
bot/slack/blocks/home.py: a reporter sees the core's `reporter_label` only, never the outcome or
SLT's notes. Who sees SLT's part is the core's (`may_see_open_cases`), asked by bot/teams/my_cases.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.cases.accounts import Application
from bot.cases.misuse import Report
from bot.render import times
from bot.teams.cards import VERSION, _dump, _text, plain

LISTED = 10  # as on Slack's Home tab; `policybot reports list` has them all
Names = Callable[[str], str]


def _own_report_line(report: Report) -> str:
    day = times.teams(report.submitted_at, with_time=False)
    return f"- **{report.ref}** {plain(report.category.label)} ({day}): {report.state.reporter_label}"


def _open_report_line(report: Report, names: Names) -> str:
    flag = " ⚠️" if report.child_risk.alerts_dsl else ""
    who = f", with {plain(names(report.assignee))}" if report.assignee else ""
    day = times.teams(report.submitted_at, with_time=False)
    return f"- **{report.ref}**{flag} {plain(report.category.label)} ({day}, {report.state}{who})"


def _slt_part(counts: dict[str, int]) -> list[Any]:
    lines = "\n".join(f"- {plain(label)}: **{count}**" for label, count in counts.items())
    return [_text(f"**For SLT**\n{lines}", separator=True)]


def my_reports_card(
    mine: Sequence[Report], slt_counts: dict[str, int] | None = None, open_reports: Sequence[Report] = (),
    names: Names = str,
) -> dict[str, Any]:
    if mine:
        lines = "\n".join(_own_report_line(r) for r in mine[:LISTED])
        body = [_text(f"**Your misuse reports**\n{lines}")]
    else:
        body = [_text("You haven't reported any misuse. To report misuse in confidence, write \"report misuse\".")]
    if slt_counts is not None:
        body += _slt_part(slt_counts)
        if open_reports:
            listed = [_open_report_line(r, names) for r in open_reports[:LISTED]]
            more = len(open_reports) - LISTED
            if more > 0:
                listed.append(f"…and {more} more: policybot reports list --open")
            body.append(_text("**Open misuse reports, oldest first**\n" + "\n".join(listed)))
    return _dump(AdaptiveCard(version=VERSION, body=body))


def my_applications_card(mine: Sequence[Application], slt_counts: dict[str, int] | None = None) -> dict[str, Any]:
    if mine:
        lines = "\n".join(
            f"- **{a.ref}** {plain(a.platform_label)} {plain(a.form.handle or '', 200)}: {a.state.label}"
            for a in mine[:LISTED]
        )
        body = [_text(f"**Your account applications**\n{lines}")]
    else:
        body = [_text("You haven't applied for an official school account. To apply, write \"request account\".")]
    if slt_counts is not None:
        body += _slt_part(slt_counts)
    return _dump(AdaptiveCard(version=VERSION, body=body))
