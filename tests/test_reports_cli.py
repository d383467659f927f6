"""SLT and governors read the misuse-report records from the command line."""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from bot.cases.misuse import ReportForm
from bot.cases.records import Actor
from bot.cli.main import main
from bot.store.database import Database
from bot.store.reports import ReportBook
from tests.cli import POLICYBOT, clean_env

HEAD = Actor("UHEAD0001", is_slt=True)


def _reports(tmp_path):
    db = tmp_path / "policybot.db"
    book = ReportBook(Database(db))
    first = ReportForm("pupil_contact", "An ex-pupil sent me a friend request.", "no", where_seen="Instagram")
    second = ReportForm("parent_post", "A parent posted my name and a complaint, <!channel>.", "yes")
    book.submit("dobcroft", "UTA00001", first, "V1", platform="slack")
    book.submit("dobcroft", "UTEACH001", second, "V2", platform="slack")
    book.acknowledge("MR-0001", HEAD)
    book.add_note("MR-0001", HEAD, "Spoke to the TA.")
    book.close("MR-0001", HEAD, "advice_given")
    return db


def test_list_show_and_open_only(tmp_path, capsys) -> None:
    db = _reports(tmp_path)
    assert main(["reports", "list", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "MR-0001" in out and "MR-0002" in out and "Advice given" in out
    assert main(["reports", "list", "--open", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "MR-0002" in out and "MR-0001" not in out
    assert main(["reports", "show", "mr-0001", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "An ex-pupil sent me a friend request." in out
    # Each line: the time in the server's own zone, named ("2026-12-01 09:00 GMT"), who, what
    assert [line.split()[4] for line in out.split("timeline:")[1].strip().splitlines()] == [
        "submitted",
        "acknowledged",
        "note:",
        "closed:",
    ]


def test_export_for_governors_has_no_free_text_unless_asked(tmp_path, capsys) -> None:
    db = _reports(tmp_path)
    target = tmp_path / "reports.csv"
    assert main(["reports", "export", "--csv", str(target), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Contact from a pupil or ex-pupil" in out and "Advice given" in out
    rows = list(csv.DictReader(target.open()))
    assert [r["ref"] for r in rows] == ["MR-0001", "MR-0002"]
    assert rows[0]["outcome"] == "Advice given" and rows[0]["hours_to_acknowledge"] != ""
    assert rows[1]["child_at_risk"] == "Yes" and rows[1]["closed_at"] == ""
    assert "friend request" not in target.read_text() and "UTA00001" not in target.read_text()
    assert main(["reports", "export", "--csv", str(target), "--include-details", "--force", "--db", str(db)]) == 0
    detailed = list(csv.DictReader(target.open()))
    assert detailed[1]["what_happened"] == "A parent posted my name and a complaint, <!channel>."  # as typed


def test_an_export_is_readable_by_its_owner_only(tmp_path, capsys) -> None:
    """Case records, and with --include-details what reporters wrote: 0600 like the database, even over a
    file others could read (--force)."""
    db = _reports(tmp_path)
    target = tmp_path / "reports.csv"
    target.write_text("last term's export")
    target.chmod(0o644)
    assert main(["reports", "export", "--csv", str(target), "--include-details", "--force", "--db", str(db)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    accounts = tmp_path / "accounts.csv"
    assert main(["accounts", "export", "--csv", str(accounts), "--db", str(db)]) == 0
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600


def test_an_export_to_standard_output_is_the_csv_alone(tmp_path) -> None:
    """`--csv -` pipes the CSV into another program; what the command says goes to stderr, not into it.
    Before, it wrote a file named "-"."""
    db = _reports(tmp_path)
    first_columns = {}
    for command in ("reports", "accounts"):
        proc = subprocess.run(
            [*POLICYBOT, command, "export", "--csv", "-", "--db", str(db)],
            capture_output=True,
            text=True,
            env=clean_env(),
            cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stderr
        assert "to standard output." in proc.stderr
        first_columns[command] = [row[0] for row in csv.reader(io.StringIO(proc.stdout))]
        if command == "reports":
            assert "By category:" in proc.stderr
    assert first_columns == {"reports": ["ref", "MR-0001", "MR-0002"], "accounts": ["platform"]}
    assert not (tmp_path / "-").exists()


def test_standard_output_keeps_a_file_export_s_safeguards(tmp_path) -> None:
    """What reporters wrote is no text for a terminal (escape sequences), a file it is redirected to is
    private like any export, and a closed or vanished reader is one line or nothing, never a traceback."""
    db = _reports(tmp_path)
    command = [*POLICYBOT, "reports", "export", "--csv", "-", "--include-details", "--db", str(db)]

    import pty

    leader, terminal = pty.openpty()
    try:
        on_terminal = subprocess.run(command, stdout=terminal, stderr=subprocess.PIPE, text=True, env=clean_env())
    finally:
        os.close(leader)
        os.close(terminal)
    assert on_terminal.returncode == 2
    assert on_terminal.stderr.strip() == (
        "policybot: --csv - does not write to a terminal; pipe it into a program or give a file: --csv FILE"
    )

    redirected = tmp_path / "details.csv"
    with redirected.open("w") as out:  # `> details.csv`: made with the umask's 0644
        assert subprocess.run(command, stdout=out, stderr=subprocess.DEVNULL, env=clean_env()).returncode == 0
    assert stat.S_IMODE(redirected.stat().st_mode) == 0o600
    assert "A parent posted my name" in redirected.read_text()

    closing = ["sh", "-c", 'exec "$@" >&-', "sh"]  # started with standard output closed
    closed = subprocess.run([*closing, *command], capture_output=True, text=True, env=clean_env())
    assert closed.returncode == 2 and closed.stderr.strip() == (
        "policybot: standard output is closed; give a file instead: --csv FILE"
    )

    for kind in ("reports", "accounts"):  # `| head -0`: the reader is gone before anything is written
        reader_gone = subprocess.Popen(
            [*POLICYBOT, kind, "export", "--csv", "-", "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=clean_env(),
        )
        assert reader_gone.stdout is not None and reader_gone.stderr is not None
        reader_gone.stdout.close()
        assert reader_gone.wait(timeout=30) == 0
        assert reader_gone.stderr.read() == b""


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="runs the export as another user: needs root and setpriv (as CI has)",
)
def test_standard_output_to_another_user_s_file_is_refused() -> None:
    """`sudo -u policybot policybot reports export --csv - > file`: the shell makes the file as another
    user, so the export cannot make it private; it writes nothing to it and says why."""
    shared = Path(tempfile.mkdtemp(prefix="policybot-export-"))
    try:
        shared.chmod(0o777)  # the other user reaches the database; the file it writes to is root's
        db = _reports(shared)
        for made in shared.iterdir():  # the database and its write-ahead log
            made.chmod(0o666)
        rootsfile = shared / "out.csv"
        rootsfile.touch(mode=0o644)
        as_nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        command = [*as_nobody, *POLICYBOT, "reports", "export", "--csv", "-", "--include-details", "--db", str(db)]
        with rootsfile.open("w") as out:
            proc = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, text=True, env=clean_env())
        assert proc.returncode == 2
        assert proc.stderr.strip() == (
            "policybot: the file standard output goes to belongs to another user, so it cannot be made readable "
            "only by its owner; nothing was written to it. Give a file instead: --csv FILE"
        )
        assert rootsfile.read_text() == ""
    finally:
        shutil.rmtree(shared)


def test_unknown_reference_or_missing_database_is_one_line(tmp_path, capsys) -> None:
    db = _reports(tmp_path)
    assert main(["reports", "show", "MR-9999", "--db", str(db)]) == 2
    assert capsys.readouterr().err.strip() == "policybot: no report MR-9999"
    assert main(["reports", "list", "--db", str(tmp_path / "nope.db")]) == 2
    assert "no database at" in capsys.readouterr().err


def test_a_wrong_db_path_leaves_that_file_as_it_was(tmp_path, capsys) -> None:
    """`--db knowledge/vocabulary.yaml` was refused as "not a policybot database", but the file had
    already been made private (0600) on the way."""
    other = tmp_path / "vocabulary.yaml"
    other.write_text("phrases: {}\n")
    other.chmod(0o644)
    assert main(["reports", "list", "--db", str(other)]) == 2
    assert "is not a policybot database" in capsys.readouterr().err
    assert stat.S_IMODE(other.stat().st_mode) == 0o644 and other.read_text() == "phrases: {}\n"
