"""What the command line writes out of the database is safe to open: an export never destroys the
database, a spreadsheet never runs a formula someone typed, a terminal never obeys an escape sequence
someone typed, and the database itself is readable by its owner only."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest

from bot.cases.accounts import ApplicationForm
from bot.cases.misuse import ReportForm
from bot.cases.records import Actor
from bot.cli.main import main
from bot.store.applications import ApplicationBook
from bot.store.database import Database
from bot.store.reports import ReportBook

HEAD = Actor("UHEAD0001", is_slt=True)
ADMIN = Actor("UADMIN001", is_slt=False, is_admin=True)
FORMULA = '=HYPERLINK("https://evil.example","Our page")'
CLEAR_SCREEN = "\x1b[2J"
WINDOW_TITLE = "\x1b]0;you have been hacked\x07"


def _database(tmp_path, handle: str = FORMULA, what_happened: str = "A parent posted about me on Facebook.") -> str:
    db = Database(tmp_path / "policybot.db")
    reports = ReportBook(db)
    reports.submit(
        "dobcroft",
        "UTA00001",
        ReportForm("parent_post", what_happened, "no", where_seen="+44 7700"),
        "V1",
        platform="slack",
    )
    reports.add_note("MR-0001", HEAD, f"Rang the parent. {CLEAR_SCREEN}{WINDOW_TITLE}")
    applications = ApplicationBook(db)
    form = ApplicationForm(
        "blog", "Year 5 blog", "class", "A blog for parents. It replaces the newsletter.", "Parents of Year 5",
        "UTA00001", "UTEACH001", "year5@dobcroft.sheffield.sch.uk", "no", ("separate", "credentials", "monitored"),
    )  # fmt: skip
    applications.submit("dobcroft", "UTA00001", form, "VAPPLY1", platform="slack")
    applications.approve("AR-0001", HEAD)
    applications.mark_created("AR-0001", ADMIN, "Year 5 blog", "https://blog.example/year5", credentials_stored=True)
    # Some hostile handles read like passwords, which the core now refuses; a database written before
    # the check holds them anyway, and the export must neutralise what is stored.
    db.connection().execute("UPDATE accounts SET handle = ?", (handle,))
    return str(tmp_path / "policybot.db")


@pytest.mark.parametrize("command", [["reports", "export"], ["reports", "export", "--include-details"]])
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_an_export_over_the_live_database_is_refused(tmp_path, capsys, command, suffix) -> None:
    db = _database(tmp_path)
    target = db + suffix
    assert main([*command, "--csv", target, "--db", db]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("policybot: ") and "database" in err and "\n" not in err
    assert not os.path.exists(target) or b"ref,school" not in Path(target).read_bytes()
    assert main(["reports", "list", "--db", db]) == 0  # the records are all still there
    assert "MR-0001" in capsys.readouterr().out


def test_an_export_over_the_database_through_posix_environment_is_refused(tmp_path, capsys, monkeypatch) -> None:
    db = _database(tmp_path)
    monkeypatch.setenv("POLICYBOT_DB", db)
    assert main(["accounts", "export", "--csv", db]) == 2
    assert "database" in capsys.readouterr().err
    assert main(["accounts", "list"]) == 0


def test_an_existing_file_is_replaced_only_with_force(tmp_path, capsys) -> None:
    db = _database(tmp_path)
    target = tmp_path / "governors.csv"
    target.write_text("last term's figures\n")
    for command in (["reports", "export"], ["accounts", "export"]):
        assert main([*command, "--csv", str(target), "--db", db]) == 2
        assert "already exists; use --force" in capsys.readouterr().err
        assert target.read_text() == "last term's figures\n"
    assert main(["reports", "export", "--csv", str(target), "--force", "--db", db]) == 0
    assert "MR-0001" in target.read_text()
    assert main(["accounts", "export", "--csv", str(tmp_path), "--db", db]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_typed_formulas_reach_the_spreadsheet_as_text(tmp_path) -> None:
    db = _database(tmp_path)
    accounts = tmp_path / "register.csv"
    assert main(["accounts", "export", "--csv", str(accounts), "--db", db]) == 0
    [row] = list(csv.DictReader(accounts.open(newline="")))
    assert row["handle"] == "'" + FORMULA  # a spreadsheet shows it, it does not run it
    assert row["url"] == "https://blog.example/year5"
    reports = tmp_path / "reports.csv"
    assert main(["reports", "export", "--csv", str(reports), "--include-details", "--db", db]) == 0
    [report] = list(csv.DictReader(reports.open(newline="")))
    assert report["where"] == "'+44 7700" and report["reporter"] == "UTA00001"
    for cell in (*row.values(), *report.values()):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(tmp_path, start) -> None:
    db = _database(tmp_path, handle=f"{start}cmd|' /C calc'!A0")
    target = tmp_path / "register.csv"
    assert main(["accounts", "export", "--csv", str(target), "--db", db]) == 0
    [row] = list(csv.DictReader(target.open(newline="")))
    assert row["handle"] == f"'{start}cmd|' /C calc'!A0"


def test_escape_sequences_are_shown_not_obeyed(tmp_path, capsys) -> None:
    db = _database(tmp_path, handle=f"Year5{CLEAR_SCREEN}", what_happened=f"A parent posted {WINDOW_TITLE} about me.")
    assert main(["reports", "show", "MR-0001", "--db", db]) == 0
    shown = capsys.readouterr().out
    assert main(["accounts", "list", "--db", db]) == 0
    listed = capsys.readouterr().out
    for out in (shown, listed):
        assert "\x1b" not in out and "\x07" not in out
    assert "A parent posted \\x1b]0;you have been hacked\\x07 about me." in shown
    assert "Rang the parent. \\x1b[2J\\x1b]0;you have been hacked\\x07" in shown
    assert "Year5\\x1b[2J" in listed


def test_a_right_to_left_override_is_shown_as_an_escape(tmp_path, capsys) -> None:
    db = _database(tmp_path, what_happened="Posted a photo of \u202egpj.exe on the class page.")
    assert main(["reports", "show", "MR-0001", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\\u202egpj.exe" in out


def test_the_database_and_its_companions_are_private_to_the_bot(tmp_path) -> None:
    db = Database(tmp_path / "policybot.db")
    ReportBook(db).submit(
        "dobcroft", "UTA00001", ReportForm("other", "Something happened online.", "no"), "V1", platform="slack"
    )
    files = [tmp_path / name for name in ("policybot.db", "policybot.db-wal", "policybot.db-shm")]
    assert all(f.exists() for f in files)
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_an_existing_world_readable_database_is_made_private(tmp_path) -> None:
    path = tmp_path / "policybot.db"
    Database(path)
    for f in tmp_path.iterdir():
        f.chmod(0o644)
    Database(path)
    for f in tmp_path.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
