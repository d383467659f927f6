"""The IT technician backs up the bot's database while staff keep reporting, and can restore it."""

from __future__ import annotations

import gc
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.cases.accounts import ApplicationForm
from bot.cases.records import Actor, Refused
from bot.cli.main import main
from bot.store.applications import ApplicationBook
from bot.store.database import Database
from bot.store.reports import ReportBook
from tests.test_many_writers import report_form, submit_many


def test_a_backup_taken_while_reports_pour_in_is_a_consistent_database(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db = tmp_path / "policybot.db"
    submit_many(str(db), "BEFORE", 20)
    stop = threading.Event()

    def keep_writing(n: int) -> None:
        book, i = ReportBook(Database(db)), 0
        while not stop.is_set():
            i += 1
            book.submit("dobcroft", "UTA", report_form(f"W{n}-{i}"), f"VW{n}-{i}", platform="slack")

    writers = [threading.Thread(target=keep_writing, args=(n,)) for n in range(3)]
    for writer in writers:
        writer.start()
    try:
        copies = [tmp_path / f"backup-{n}.db" for n in range(3)]
        for copy in copies:
            assert main(["backup", str(copy), "--db", str(db)]) == 0
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert "integrity check ok" in capsys.readouterr().out

    final = {r.ref for r in ReportBook(Database(db)).all()}
    for copy in copies:
        assert not Path(f"{copy}-wal").exists()  # one self-contained file
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        refs = [r[0] for r in conn.execute("SELECT ref FROM reports ORDER BY id")]
        assert len(refs) >= 20 and set(refs) <= final
        assert refs == [f"MR-{i:04d}" for i in range(1, len(refs) + 1)]  # a prefix: nothing skipped
        # No half-written report: each has its timeline entry and all of its messages.
        assert conn.execute("SELECT count(*) FROM case_events WHERE action = 'submitted'").fetchone()[0] == len(refs)
        assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 3 * len(refs)
        conn.close()


def test_restoring_a_backup_brings_the_reports_back(tmp_path: Path) -> None:
    db, copy = tmp_path / "policybot.db", tmp_path / "backup.db"
    refs = submit_many(str(db), "R", 5)
    assert main(["backup", str(copy), "--db", str(db)]) == 0
    restored = tmp_path / "restored" / "policybot.db"
    restored.parent.mkdir()
    restored.write_bytes(copy.read_bytes())  # the restore in docs/reliability.md: copy the file into place
    assert [r.ref for r in ReportBook(Database(restored)).all()] == refs


def application_form() -> ApplicationForm:
    return ApplicationForm(
        "blog", "Year 5 blog", "class", "A blog for parents. It replaces the newsletter.", "Parents of Year 5",
        "UTA", "UTEACH", "year5@dobcroft.sheffield.sch.uk", "no", ("separate", "credentials", "monitored"),
    )  # fmt: skip


def test_after_a_restore_no_reference_is_given_twice(tmp_path: Path) -> None:
    """A report filed after the backup is lost by the restore, but its SLT card is still in the channel:
    a new report must not take its number, or a click on that old card would act on the new case."""
    db, copy = tmp_path / "policybot.db", tmp_path / "backup.db"
    submit_many(str(db), "R", 2)
    assert main(["backup", str(copy), "--db", str(db)]) == 0
    (lost,) = submit_many(str(db), "L", 1)
    applications = ApplicationBook(Database(db))
    lost_application = applications.submit("dobcroft", "UAP", application_form(), "VA1", platform="slack").ref
    assert lost_application == "AR-0001"

    restored = tmp_path / "restored" / "policybot.db"
    restored.parent.mkdir()
    restored.write_bytes(copy.read_bytes())
    (new,) = submit_many(str(restored), "N", 1)
    assert lost == "MR-0003" and new == "MR-10003"
    new_application = ApplicationBook(Database(restored)).submit(
        "dobcroft", "UAP", application_form(), "VA2", platform="slack"
    )
    assert new_application.ref == "AR-10001"

    slt = Actor("USLT", is_slt=True)
    book = ReportBook(Database(restored))
    with pytest.raises(Refused, match="There is no report MR-0003"):
        book.acknowledge(lost, slt)  # the old card's button
    assert book.get(new).state.value == "open"

    # The same backup restored again in the same place (Monday's copy, twice): the numbers the first
    # restore gave are on cards too, and are not given again. The bot is stopped for a restore: this
    # process lets go of the database first.
    del book
    gc.collect()
    restored.write_bytes(copy.read_bytes())
    for name in ("-wal", "-shm"):
        Path(f"{restored}{name}").unlink(missing_ok=True)
    assert submit_many(str(restored), "P", 1) == ["MR-10004"]

    # Restored twice (a backup of the restored database, restored in turn): numbers move on again
    again = tmp_path / "again.db"
    assert main(["backup", str(again), "--db", str(restored)]) == 0
    submit_many(str(restored), "M", 1)  # MR-10004, lost by the second restore
    second = tmp_path / "second" / "policybot.db"
    second.parent.mkdir()
    second.write_bytes(again.read_bytes())
    assert submit_many(str(second), "S", 1) == ["MR-20004"]


def test_an_existing_backup_is_not_overwritten_without_force(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db, copy = tmp_path / "policybot.db", tmp_path / "backup.db"
    submit_many(str(db), "F", 2)
    copy.write_text("last week's backup")
    assert main(["backup", str(copy), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists; use --force" in err
    assert copy.read_text() == "last week's backup"
    assert main(["backup", str(copy), "--db", str(db), "--force"]) == 0
    assert sqlite3.connect(copy).execute("SELECT count(*) FROM reports").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing-folder/backup.db", "does not exist"),
        (".", "is a folder"),
        ("policybot.db", "is the live database"),
    ],
)
def test_backup_problems_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture, target: str, message: str) -> None:
    db = tmp_path / "policybot.db"
    submit_many(str(db), "E", 1)
    assert main(["backup", str(tmp_path / target), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not list(tmp_path.glob(".*.partial"))  # no partial file left behind


def test_backup_of_a_missing_database_says_so(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["backup", str(tmp_path / "b.db"), "--db", str(tmp_path / "nope.db")]) == 2
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "nope.db").exists()


def test_backup_of_a_folder_or_another_kind_of_file_names_it(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["backup", str(tmp_path / "b.db"), "--db", str(tmp_path)]) == 2
    assert f"{tmp_path} is a folder; give the path of the database file" in capsys.readouterr().err
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database, but a long enough file to be read as one " * 40)
    assert main(["backup", str(tmp_path / "b.db"), "--db", str(notes)]) == 2
    assert f"{notes} is not a policybot database" in capsys.readouterr().err


@pytest.mark.parametrize("companion", ["-wal", "-shm", "-journal"])
def test_a_backup_never_replaces_the_live_database_s_own_files(
    tmp_path: Path, capsys: pytest.CaptureFixture, companion: str
) -> None:
    """`backup --force policybot.db-wal` (a slip of tab completion) once wrote a copy over the write-ahead
    log of the open database, which then read "file is not a database"."""
    db = tmp_path / "policybot.db"
    refs = submit_many(str(db), "W", 3)
    open_db = Database(db)  # the bot is running: its -wal and -shm files exist
    target = tmp_path / f"policybot.db{companion}"
    before = target.read_bytes() if target.exists() else None
    assert main(["backup", "--force", str(target), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is the live database or one of its own files" in err
    assert (target.read_bytes() if target.exists() else None) == before
    assert [r.ref for r in ReportBook(open_db).all()] == refs
    assert [r.ref for r in ReportBook(Database(db)).all()] == refs


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, which nobody can write in")
def test_a_backup_into_a_folder_it_cannot_write_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A read-only folder (here /proc: the tests may run as root, whom file permissions do not stop) once
    ended in mkstemp's traceback."""
    db = tmp_path / "policybot.db"
    submit_many(str(db), "R", 1)
    assert main(["backup", "/proc/policybot-backup.db", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write in folder /proc" in err and "Traceback" not in err
