"""The rules of an account application and of the register as plain functions: who decides, in
which state, never on one's own application, first decision wins, no password in any field, and the
administrator's confirmation that the login details are stored. No SQLite, no Slack."""

from __future__ import annotations

import dataclasses

import pytest

from bot.cases import account_rules as rules
from bot.cases.accounts import Account, AccountStatus, Application, ApplicationForm, AppState
from bot.cases.records import Actor

HEAD = Actor("UHEAD", is_slt=True)
TA_IN_SLT = Actor("UTA", is_slt=True)
ADMIN = Actor("UADMIN", is_slt=False, is_admin=True)
TEACHER = Actor("UTEACH", is_slt=False)
FORM = ApplicationForm(
    "blog", "Year 5 blog", "class", "A blog for parents. It replaces the newsletter.", "Parents of Year 5",
    "UTA", "UTEACH", "year5@dobcroft.sheffield.sch.uk", "no", ("separate", "credentials", "monitored"),
)  # fmt: skip
SUBMITTED = Application("AR-0001", "dobcroft", "UTA", AppState.SUBMITTED, 1, FORM, "2025-01-06T09:00:00+00:00")
REJECTED = dataclasses.replace(SUBMITTED, state=AppState.REJECTED, decided_by="UHEAD")
APPROVED = dataclasses.replace(SUBMITTED, state=AppState.APPROVED, decided_by="UHEAD")
LIVE = dataclasses.replace(APPROVED, state=AppState.LIVE)
ACCOUNT = Account(
    1, "AR-0001", "blog", "Year 5 blog", None, "class", "UTA", "UTEACH", "UHEAD", "2025-01-06", "UADMIN",
    "2025-01-07", AccountStatus.ACTIVE,
)  # fmt: skip


def said(refused) -> str | None:
    return refused.text(lambda u: f"@{u}") if refused else None


def test_slt_decide_but_never_on_their_own_application() -> None:
    assert rules.may_decide("AR-0001", SUBMITTED, HEAD) is None
    assert said(rules.may_decide("AR-0001", SUBMITTED, TEACHER)) == rules.NOT_SLT
    assert said(rules.may_decide("AR-0001", SUBMITTED, ADMIN)) == rules.NOT_SLT
    assert "your own application" in said(rules.may_decide("AR-0001", SUBMITTED, TA_IN_SLT))
    assert said(rules.may_decide("AR-0009", None, HEAD)) == "There is no application AR-0009."
    # Someone else learns nothing about which references exist.
    assert said(rules.may_decide("AR-0009", None, TEACHER)) == rules.NOT_SLT


def test_only_slt_see_an_application_and_others_cannot_tell_which_exist() -> None:
    for application in (SUBMITTED, APPROVED, LIVE):
        assert rules.may_view("AR-0001", application, HEAD) is None
        assert rules.may_view("AR-0001", application, TA_IN_SLT) is None  # their own: the channel shows it anyway
    for someone in (TEACHER, ADMIN):
        assert said(rules.may_view("AR-0001", SUBMITTED, someone)) == rules.NOT_SLT
        assert said(rules.may_view("AR-0009", None, someone)) == rules.NOT_SLT
    assert said(rules.may_view("AR-0009", None, HEAD)) == "There is no application AR-0009."


@pytest.mark.parametrize(("application", "verb"), [(REJECTED, "rejected"), (APPROVED, "approved"), (LIVE, "approved")])
def test_the_first_decision_wins_and_the_refusal_says_which_it_was(application: Application, verb: str) -> None:
    assert said(rules.may_decide("AR-0001", application, HEAD)) == f"AR-0001 was already {verb} by @UHEAD."


def test_only_the_applicant_changes_an_application_and_only_when_asked_to() -> None:
    asked = dataclasses.replace(SUBMITTED, state=AppState.CHANGES_REQUESTED)
    assert rules.may_resubmit("AR-0001", asked, "UTA") is None
    assert said(rules.may_resubmit("AR-0001", asked, "UTEACH")) == rules.NOT_APPLICANT
    assert "no longer waiting for changes" in said(rules.may_resubmit("AR-0001", SUBMITTED, "UTA"))


def test_a_reason_must_be_given_and_must_not_hold_a_password() -> None:
    assert said(rules.check_reason("  ", changes=False)) == "Please give the reason: the applicant is told it."
    assert said(rules.check_reason("", changes=True)) == "Please say what should change."
    refused = rules.check_reason("Use the school login, password: Summer2024!", changes=True)
    assert refused is not None and refused.field == "reason" and "looks like a password" in refused.message
    assert rules.check_reason("TikTok's minimum age is 13; our pupils are younger.", changes=False) is None


def test_only_the_administrator_marks_an_approved_account_created_once() -> None:
    assert rules.may_mark_created("AR-0001", APPROVED, ADMIN) is None
    assert said(rules.may_mark_created("AR-0001", APPROVED, HEAD)) == rules.NOT_ADMIN
    assert said(rules.may_mark_created("AR-0009", None, HEAD)) == rules.NOT_ADMIN  # not "there is no AR-0009"
    assert said(rules.may_mark_created("AR-0009", None, ADMIN)) == "There is no application AR-0009."
    assert (
        said(rules.may_mark_created("AR-0001", SUBMITTED, ADMIN)) == "AR-0001 is not approved (awaiting slt decision)."
    )
    assert said(rules.may_mark_created("AR-0001", LIVE, ADMIN, "UADMIN")) == (
        "AR-0001 was already marked as created by @UADMIN."
    )


def test_created_needs_a_handle_no_password_anywhere_and_the_login_details_stored() -> None:
    assert rules.check_created("Year 5 blog", "https://dobcroft.sch.uk/year5", credentials_stored=True) is None
    problems = rules.created_problems("pwd: Dobcr0ft#2024", "Pa55_w0rd!", False)
    assert [p.field for p in problems] == ["handle", "url", "credentials"]
    assert said(rules.check_created("Year 5 blog", None, credentials_stored=False)) == rules.CREDENTIALS_NOT_STORED
    assert rules.check_created(" ", None, True).field == "handle"


def test_every_text_field_of_the_form_is_checked_for_passwords() -> None:
    assert rules.check_form_passwords(FORM) is None
    leaked = dataclasses.replace(FORM, audience="Parents; login is admin / Dobcr0ft#2024")
    assert rules.check_form_passwords(leaked).field == "audience"


def test_slt_and_the_administrator_keep_the_register_while_an_account_is_active() -> None:
    assert rules.may_change_register(ACCOUNT, HEAD) is None and rules.may_change_register(ACCOUNT, ADMIN) is None
    assert said(rules.may_change_register(ACCOUNT, TEACHER)) == rules.NOT_REGISTER_KEEPER
    assert rules.may_keep_register(HEAD) is None and rules.may_keep_register(ADMIN) is None
    assert said(rules.may_keep_register(TEACHER)) == rules.NOT_REGISTER_KEEPER  # nor see its buttons
    closed = dataclasses.replace(ACCOUNT, status=AccountStatus.CLOSED, closed_by="UHEAD")
    assert said(rules.may_change_register(closed, HEAD)) == "That account was already closed by @UHEAD."
    assert said(rules.may_change_register(None, HEAD)) == "That account is no longer active in the register."
    assert (
        said(rules.check_new_lead(ACCOUNT, "UTEACH")) == "The lead and the second moderator must be different people."
    )
    assert said(rules.check_closing(AccountStatus.ACTIVE, None)) == "Choose closed or handed over."


def test_only_a_submitted_application_offers_the_decision_and_never_to_its_applicant() -> None:
    assert rules.awaits_decision(SUBMITTED)
    assert not any(rules.awaits_decision(a) for a in (REJECTED, APPROVED, LIVE))
    members = ["UHEAD", "UTA", "UDEPUTY"]
    assert rules.may_be_asked_to_decide(SUBMITTED, members) == ["UHEAD", "UDEPUTY"]  # UTA applied
    assert rules.may_be_asked_to_decide(APPROVED, members) == []
    # the same rule as the decision itself
    assert all((rules.may_decide("AR-0001", a, HEAD) is None) == rules.awaits_decision(a)
               for a in (SUBMITTED, REJECTED, APPROVED, LIVE))


def test_only_an_approved_application_offers_create_account() -> None:
    assert rules.awaits_creation(APPROVED)
    assert not any(rules.awaits_creation(a) for a in (SUBMITTED, REJECTED, LIVE))
    assert all((rules.may_mark_created("AR-0001", a, ADMIN) is None) == rules.awaits_creation(a)
               for a in (SUBMITTED, REJECTED, APPROVED, LIVE))


def test_created_refused_as_one_sentence_names_every_problem_and_the_first_field() -> None:
    refused = rules.check_created(" ", None, credentials_stored=False)
    assert refused is not None and refused.field == "handle"
    assert refused.message == f"Please give the account's handle or name as created. {rules.CREDENTIALS_NOT_STORED}"


def test_a_closing_choice_is_closed_or_handed_over_and_nothing_else() -> None:
    assert rules.closing_status("closed") is AccountStatus.CLOSED
    assert rules.closing_status("transferred") is AccountStatus.TRANSFERRED
    for chosen in (None, "", "active", "deleted"):
        assert rules.closing_status(chosen) is None
        assert said(rules.check_closing(rules.closing_status(chosen), None)) == rules.NO_CLOSING_CHOSEN
    assert rules.check_closing(rules.closing_status("closed"), "Archived.") is None
