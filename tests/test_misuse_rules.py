"""The triage rules as plain functions: who may act on a misuse report, in which state. No SQLite,
no Slack: each rule is asked directly, as the store and every chat adapter ask it."""

from __future__ import annotations

import dataclasses

from bot.cases import misuse_rules as rules
from bot.cases.misuse import Report, ReportForm, State
from bot.cases.records import Actor

HEAD = Actor("UHEAD", is_slt=True)
DEPUTY = Actor("UDEPUTY", is_slt=True)
TA = Actor("UTA", is_slt=False)
OPEN = Report(
    "MR-0001", "dobcroft", "2025-01-06T09:00:00+00:00", "UTA", ReportForm("other", "Something.", "no"), State.OPEN
)
ACKNOWLEDGED = dataclasses.replace(OPEN, state=State.ACKNOWLEDGED, acknowledged_by="UHEAD", assignee="UHEAD")
CLOSED = dataclasses.replace(ACKNOWLEDGED, state=State.CLOSED, closed_by="UDEPUTY", outcome="advice_given")


def said(refused, mention=lambda u: f"@{u}") -> str | None:
    return refused.text(mention) if refused else None


def test_only_slt_act_on_a_report_whatever_its_state() -> None:
    for rule in (rules.may_acknowledge, rules.may_assign, rules.may_add_note, rules.may_close):
        for report in (OPEN, ACKNOWLEDGED, CLOSED, None):
            assert said(rule("MR-0001", report, TA)) == rules.NOT_SLT


def test_only_slt_see_a_report_and_others_cannot_tell_which_exist() -> None:
    for report in (OPEN, ACKNOWLEDGED, CLOSED):
        assert rules.may_view("MR-0001", report, HEAD) is None
        assert said(rules.may_view("MR-0001", report, TA)) == rules.NOT_SLT  # TA is the reporter
    assert said(rules.may_view("MR-0099", None, TA)) == rules.NOT_SLT
    assert said(rules.may_view("MR-0099", None, HEAD)) == "There is no report MR-0099."


def test_a_missing_report_is_named() -> None:
    assert said(rules.may_close("MR-0099", None, HEAD)) == "There is no report MR-0099."


def test_the_first_acknowledgement_wins_and_names_who_made_it() -> None:
    assert rules.may_acknowledge("MR-0001", OPEN, DEPUTY) is None
    assert said(rules.may_acknowledge("MR-0001", ACKNOWLEDGED, DEPUTY)) == "MR-0001 was already acknowledged by @UHEAD."


def test_a_closed_case_cannot_be_closed_or_taken_on_again_but_can_gain_a_note() -> None:
    expected = "MR-0001 was already closed by @UDEPUTY (Advice given)."
    assert said(rules.may_close("MR-0001", CLOSED, HEAD)) == expected
    assert said(rules.may_assign("MR-0001", CLOSED, HEAD)) == expected
    assert rules.may_add_note("MR-0001", CLOSED, HEAD) is None


def test_taking_on_a_case_twice_is_refused_but_a_colleague_may_take_it_over() -> None:
    assert said(rules.may_assign("MR-0001", ACKNOWLEDGED, HEAD)) == "MR-0001 is already assigned to you."
    assert rules.may_assign("MR-0001", ACKNOWLEDGED, DEPUTY) is None


def test_notes_and_outcomes_are_checked_before_anything_is_stored() -> None:
    assert said(rules.check_note("   ")) == "The note is empty."
    assert "under 3,000" in said(rules.check_note("x" * 3001))
    assert said(rules.check_closing("shrugged", None)) == "Please choose an outcome."
    assert rules.check_closing("advice_given", "Spoke to the parent.") is None


def test_the_governors_figures_come_from_the_records_alone() -> None:
    from bot.cases.figures import days_to_close, figures, hours_to_acknowledge

    quick = dataclasses.replace(
        CLOSED, acknowledged_at="2025-01-06T11:00:00+00:00", closed_at="2025-01-08T09:00:00+00:00"
    )
    slow = dataclasses.replace(ACKNOWLEDGED, acknowledged_at="2025-01-07T09:00:00+00:00")
    assert hours_to_acknowledge(quick) == 2.0 and days_to_close(quick) == 2.0 and days_to_close(slow) is None
    summary = figures([quick, slow, OPEN])
    assert summary.by_outcome == [("(still open)", 2), ("Advice given", 1)]
    assert (summary.median_hours_to_acknowledge, summary.longest_hours_to_acknowledge) == (13.0, 24.0)


def test_only_slt_see_the_open_cases_and_a_reporter_sees_where_theirs_is_never_its_outcome() -> None:
    from bot.cases.records import NOT_SLT_OVERVIEW, may_see_open_cases

    assert may_see_open_cases(HEAD) is None
    assert said(may_see_open_cases(TA)) == NOT_SLT_OVERVIEW
    assert said(may_see_open_cases(Actor("UADMIN", is_slt=False, is_admin=True))) == NOT_SLT_OVERVIEW
    assert [r.state.reporter_label for r in (OPEN, ACKNOWLEDGED, CLOSED)] == [
        "sent to SLT", "acknowledged by SLT", "closed"]
    assert all(CLOSED.outcome_label not in s.reporter_label for s in State)


def test_the_steps_a_card_offers_are_the_ones_its_state_allows() -> None:
    S = rules.Step
    assert rules.steps_open(OPEN) == (S.ACKNOWLEDGE, S.ASSIGN, S.NOTE, S.CLOSE)
    assert rules.steps_open(ACKNOWLEDGED) == (S.ASSIGN, S.NOTE, S.CLOSE)
    assert rules.steps_open(CLOSED) == (S.NOTE,)  # a closed case can still gain a follow-up
    # the same answer the rules give SLT when the step is taken (DEPUTY has not taken any case on)
    taken = {S.ACKNOWLEDGE: rules.may_acknowledge, S.ASSIGN: rules.may_assign, S.NOTE: rules.may_add_note,
             S.CLOSE: rules.may_close}
    for report in (OPEN, ACKNOWLEDGED, CLOSED):
        assert {s for s, rule in taken.items() if rule("MR-0001", report, DEPUTY) is None} == set(
            rules.steps_open(report))
