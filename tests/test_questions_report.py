"""SLT see what staff asked that the bot could not answer, most frequent first."""

from __future__ import annotations

import json

import pytest

from bot.cli.main import main
from bot.store.database import Database
from bot.store.question_log import QuestionLog


def test_report_lists_unanswered_and_unhelpful_most_frequent_first(tmp_path, capsys) -> None:
    db_path = tmp_path / "q.db"
    log = QuestionLog(Database(db_path))
    for _ in range(3):
        log.log("dobcroft", "Can I film the nativity?", None, answered=False)
    unhelpful = log.log("dobcroft", "can I friend a parent?", "dobcroft-6.7-2", answered=True)
    log.set_feedback(unhelpful.id, helpful=False)
    log.log("dobcroft", "can I post pics of kids?", "dobcroft-x", answered=True)  # fine: not listed
    assert main(["questions", "report", "--db", str(db_path), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["question"], r["times"]) for r in rows] == [
        ("can i film the nativity?", 3),
        ("can i friend a parent?", 1),
    ]
    assert rows[1]["not_helpful"] == 1


def test_report_without_a_database_says_so(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questions", "report", "--db", str(tmp_path / "none.db")]) == 2
    assert "no database" in capsys.readouterr().err
