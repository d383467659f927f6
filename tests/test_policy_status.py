"""Staff are told when their school's policy was never approved: Link School's is marked DRAFT with
no approval date, and Howitt's approval date is left blank, so neither is called "adopted"."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.cli.main import main
from bot.knowledge.models import School
from bot.render.wording import review_warning
from tests.slack_app import start_bot


@pytest.mark.parametrize(
    "school, says",
    [
        ("link-school", "draft dated Sep 2022, not yet approved, review due Sep 2023"),
        ("howitt", "dated Jan 2018, approval date left blank in the policy"),
        ("dobcroft", "adopted May 2017, reviewed Nov 2021, review due Dec 2023"),
    ],
)
def test_the_terminal_answer_gives_the_policy_s_status(school: str, says: str, capsys) -> None:
    assert main(["ask", "--school", school, "can I friend a parent?"]) == 0
    out = capsys.readouterr().out
    assert f"Policy dates: {says}." in out
    if school != "dobcroft":
        assert "adopted" not in out


@pytest.mark.parametrize("school, says", [("link-school", "not yet approved"), ("howitt", "approval date left blank")])
def test_slack_answers_and_app_home_give_the_policy_s_status(slack, tmp_path, school: str, says: str) -> None:
    bot = start_bot(slack, tmp_path / "p.db", school=school)
    try:
        answer = json.dumps(bot.command("/policy", "can I friend a parent?").json())
        bot.event({"type": "app_home_opened", "user": "UTA00001", "channel": "D1", "tab": "home", "event_ts": "1.1"})
        home = json.dumps(slack.wait_for("views.publish")[-1].body["view"])
    finally:
        bot.stop()
    for shown in (answer, home):
        assert says in shown
        assert "adopted" not in shown


def test_an_old_policy_without_a_review_date_is_said_to_be_old(capsys) -> None:
    """Howitt's policy is dated January 2018 and names no review date: staff are told how old it is. Rudyard
    Kipling's, reviewed in August 2024 with no review date, is not old enough to be in doubt."""
    assert main(["ask", "--school", "howitt", "can I friend a parent?"]) == 0
    assert "Note: This policy is dated January 2018 and names no review date, so it may be out of date" in (
        capsys.readouterr().out
    )
    assert main(["ask", "--school", "rudyard-kipling", "can I friend a parent?"]) == 0
    assert "may be out of date" not in capsys.readouterr().out


def test_a_policy_without_a_review_date_is_in_doubt_after_three_years() -> None:
    school = School.model_validate(
        {"id": "oakfield", "name": "Oakfield", "policy_title": "Social Media Policy", "source": "oakfield.txt",
         "adopted": dt.date(2023, 3, 1), "report_to": "the Headteacher"}
    )  # fmt: skip
    assert review_warning(school, dt.date(2026, 2, 28)) is None
    warning = review_warning(school, dt.date(2026, 3, 2))
    assert warning is not None and warning.startswith("This policy is dated March 2023 and names no review date")
