"""Data protection: closed misuse cases lose their content after the retention period, keeping an
anonymous statistics row; the question log keeps no one's user id unless they asked SLT."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from bot.cases.misuse import ReportForm
from bot.cases.records import Actor
from bot.cli.main import main
from bot.store.database import Database
from bot.store.reports import ReportBook
from tests.misuse_steps import (
    FRIEND_REQUEST,
    HEAD,
    TA,
    card_for,
    latest_card_update,
    report,
)
from tests.slack_app import RunningBot, wait_until

SECRET = "Mrs Example's son posted the Year 5 trip photos"  # words that must leave the disk
SLT = Actor(HEAD, is_slt=True)


def _days_ago(days: int) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat(timespec="seconds")


def closed_case(book: ReportBook, key: str, closed_days_ago: int | None) -> str:
    form = ReportForm(
        category="pupil_images",
        what_happened=f"{SECRET} ({key}).",
        child_at_risk="yes",
        where_seen="https://facebook.example/groups/year5",
        colleagues=("UCOLL0001",),
        others="Mrs Example, parent of a Year 5 pupil",
    )
    ref = book.submit("dobcroft", TA, form, f"V{key}", platform="slack").report.ref
    book.add_note(ref, SLT, f"Phoned Mrs Example about {key}.")
    if closed_days_ago is not None:
        book.close(ref, SLT, "content_removed", "Photos taken down the same day.")
        # Back-date the closure: the only way to have a case six years old in a test.
        book.db.connection().execute(
            "UPDATE reports SET closed_at = ? WHERE ref = ?", (_days_ago(closed_days_ago), ref)
        )
    return ref


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def cases(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    db = tmp_path / "policybot.db"
    book = ReportBook(Database(db))
    refs = {
        "closed 7 years ago": closed_case(book, "old", 7 * 366),
        "closed 5 years ago": closed_case(book, "recent", 5 * 365),
        "open for 8 years": closed_case(book, "open", None),
        "closed 6 years and a week ago": closed_case(book, "edge", 6 * 366 + 7),
    }
    return db, refs


def test_dry_run_lists_what_would_go_and_changes_nothing(cases, capsys: pytest.CaptureFixture) -> None:
    db, refs = cases
    before = dump(db)
    assert main(["retention", "purge", "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Would purge 2 closed case(s) closed more than 6 years ago" in out
    assert refs["closed 7 years ago"] in out and refs["closed 6 years and a week ago"] in out
    assert refs["closed 5 years ago"] not in out and refs["open for 8 years"] not in out
    # Each case as the governors' report names it, not the database's codes
    line = next(x for x in out.splitlines() if refs["closed 7 years ago"] in x)
    report = ReportBook(Database(db)).get(refs["closed 7 years ago"])
    assert report.category.label in line and (report.outcome_label or "-") in line and "_" not in line
    assert dump(db) == before
    assert all(not r.purged for r in ReportBook(Database(db)).all())


def test_purge_deletes_the_content_and_keeps_the_statistics(cases, capsys: pytest.CaptureFixture) -> None:
    db, refs = cases
    assert main(["retention", "purge", "--db", str(db)]) == 0
    assert "Purged 2 closed case(s)" in capsys.readouterr().out
    book = ReportBook(Database(db))

    old = book.get(refs["closed 7 years ago"])
    assert old.purged
    assert old.form.what_happened == "" and old.form.where_seen is None and old.form.others is None
    assert old.form.colleagues == () and old.reporter_id == "" and old.closed_by is None
    assert (old.category.id, old.child_risk, old.outcome) == ("pupil_images", "yes", "content_removed")
    assert old.submitted_at and old.acknowledged_at and old.closed_at
    assert [e.action for e in old.timeline] == ["submitted", "note", "note", "closed", "purged"]
    assert all(e.actor == "" for e in old.timeline[:-1]) and old.timeline[-1].actor == "policybot"
    assert [e.detail for e in old.timeline if e.action == "note"] == [None, None]

    for kept in ("closed 5 years ago", "open for 8 years"):
        report = book.get(refs[kept])
        assert not report.purged and SECRET in report.form.what_happened and report.reporter_id == TA

    # The words are gone from the disk, not just unlinked: secure_delete, then a WAL checkpoint.
    on_disk = b"".join(p.read_bytes() for p in db.parent.glob("policybot.db*"))
    assert b"(old)" not in on_disk and b"(edge)" not in on_disk and b"about old" not in on_disk
    assert b"(recent)" in on_disk  # the test can see text that is still meant to be there

    assert main(["retention", "purge", "--db", str(db)]) == 0
    assert "Purged 0 closed case(s)" in capsys.readouterr().out  # already done: nothing twice


def test_governors_export_still_counts_purged_cases(cases, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db, _ = cases
    assert main(["retention", "purge", "--db", str(db)]) == 0
    out = tmp_path / "governors.csv"
    assert main(["reports", "export", "--csv", str(out), "--include-details", "--db", str(db)]) == 0
    text = out.read_text()
    assert text.count("Pupil images without consent") == 4 and text.count(SECRET) == 2


def test_the_retention_period_is_a_setting(cases, capsys: pytest.CaptureFixture, monkeypatch) -> None:
    db, refs = cases
    monkeypatch.setenv("POLICYBOT_RETENTION_YEARS", "4")
    assert main(["retention", "purge", "--dry-run", "--db", str(db)]) == 0
    assert refs["closed 5 years ago"] in capsys.readouterr().out
    monkeypatch.setenv("POLICYBOT_RETENTION_YEARS", "six")
    assert main(["retention", "purge", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "whole number of years" in err


def test_a_purged_case_s_card_in_slack_is_redrawn_without_its_content(bot: RunningBot) -> None:
    report(bot, dict(FRIEND_REQUEST, what_happened=f"{SECRET} (card)."))
    card = card_for(bot, "MR-0001")
    assert SECRET in json.dumps(card.body["blocks"])
    bot.services.reports.close("MR-0001", SLT, "advice_given")
    latest_card_update(bot, "Closed")
    bot.services.db.connection().execute("UPDATE reports SET closed_at = ?", (_days_ago(7 * 366),))
    assert main(["retention", "purge", "--db", str(bot.services.db.path)]) == 0
    bot.services.wake_outbox()
    redrawn = latest_card_update(bot, "retention period")
    assert SECRET not in json.dumps(redrawn.body) and f"<@{TA}>" not in json.dumps(redrawn.body)
    wait_until(lambda: not bot.services.outbox.items("pending"))
    assert len([c for c in bot.slack.calls_to("chat.postMessage") if c.body.get("channel") == "GSLT0001"]) == 1


def test_the_question_log_keeps_no_user_id_unless_the_asker_escalates(bot: RunningBot) -> None:
    asked = [
        "can I accept a friend request from a parent?",
        "can I post photos of the children on facebook?",
        "where do I hand in my expenses form?",
    ]
    for question in asked:
        blocks = bot.command("/policy", question, user=TA).json()["blocks"]
        buttons = {e["action_id"]: e["value"] for b in blocks for e in b.get("elements", []) if "action_id" in e}
        bot.click("answer_not_helpful", buttons["answer_not_helpful"], user=TA)
    bot.slack.wait_for_responses(len(asked))
    blocks = bot.command("/policy", "where do I park at parents evening?", user="UASKER001").json()["blocks"]
    escalate = next(e["value"] for b in blocks for e in b.get("elements", []) if e.get("action_id") == "answer_ask_slt")
    bot.click("answer_ask_slt", escalate, user="UASKER001")
    bot.slack.wait_for("chat.postMessage")
    wait_until(lambda: bot.services.questions.get(int(escalate.split(".")[0])).user_id)

    rows = bot.services.db.connection().execute("SELECT id, user_id FROM questions ORDER BY id").fetchall()
    assert [r["user_id"] for r in rows] == [None, None, None, "UASKER001"]
    on_disk = b"".join(p.read_bytes() for p in Path(bot.services.db.path).parent.glob("policybot.db*"))
    assert TA.encode() not in on_disk  # not in any table, nor in the write-ahead log


def _dsl_alert_now(bot: RunningBot) -> dict:
    """The DSL channel's alert as Slack holds it now (its post, then any later update)."""
    posted = next(c for c in bot.slack.calls_to("chat.postMessage") if c.body.get("channel") == "GDSL0001")
    updates = [c for c in bot.slack.calls_to("chat.update") if c.body.get("channel") == "GDSL0001"]
    return (updates[-1] if updates else posted).body


@pytest.mark.parametrize("recorded", [True, False])
def test_a_purged_case_s_dsl_alert_is_redrawn_without_its_content(bot: RunningBot, recorded: bool) -> None:
    report(bot, dict(FRIEND_REQUEST, what_happened=f"{SECRET} (alert).", child_at_risk="yes"))
    wait_until(lambda: not bot.services.outbox.items("pending"))
    alert = _dsl_alert_now(bot)
    assert SECRET in json.dumps(alert) and f"<@{TA}>" in json.dumps(alert)
    if not recorded:  # an alert sent by an earlier version, which did not record where it was
        bot.services.db.connection().execute("DELETE FROM places WHERE topic LIKE '%:dsl'")
    bot.services.reports.close("MR-0001", SLT, "advice_given")
    bot.services.db.connection().execute("UPDATE reports SET closed_at = ?", (_days_ago(7 * 366),))
    assert main(["retention", "purge", "--db", str(bot.services.db.path)]) == 0
    bot.services.wake_outbox()
    redrawn = wait_until(lambda: "retention period" in json.dumps(_dsl_alert_now(bot)) and _dsl_alert_now(bot))
    assert SECRET not in json.dumps(redrawn) and f"<@{TA}>" not in json.dumps(redrawn)
    wait_until(lambda: not bot.services.outbox.items("pending"))
    assert len([c for c in bot.slack.calls_to("chat.postMessage") if c.body.get("channel") == "GDSL0001"]) == 1
