"""Running the commands as an IT technician and SLT would: the same settings for every command,
help that names real commands, one-line errors for bad ports and database paths, and the small
things a user notices."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.store.database import Database
from bot.store.question_log import QuestionLog
from tests.cli import POLICYBOT, clean_env
from tests.slack_app import SIGNING_SECRET, SLT_CHANNEL, wait_until

# Settings that pass `serve`'s checks without any network: Slack's address is a closed local port.
SERVE_ENV = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_APP_TOKEN": "xapp-1",
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "SLACK_API_URL": "http://127.0.0.1:9/api/",
    "POLICYBOT_SCHOOL": "dobcroft",
    "POLICYBOT_SLT_CHANNEL": SLT_CHANNEL,
}


def _cli(cwd: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*POLICYBOT, *argv], env=clean_env(**env), cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def _one_line_error(proc: subprocess.CompletedProcess[str], says: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert says in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr


# -- every command reads the same settings, .env included -------------------------------------------


@pytest.fixture
def school_folder(tmp_path: Path) -> Path:
    """The folder the bot runs in: a `.env` naming the school and a database elsewhere."""
    db = tmp_path / "data" / "policybot.db"
    db.parent.mkdir()
    log = QuestionLog(Database(db))
    log.log("howitt", "Can I film the nativity?", None, answered=False)
    folder = tmp_path / "srv"
    folder.mkdir()
    (folder / ".env").write_text(f"POLICYBOT_SCHOOL=Howitt\nPOLICYBOT_DB={db}\nPOLICYBOT_RETENTION_YEARS=7\n")
    return folder


def test_ask_reads_the_school_from_dot_env(school_folder: Path) -> None:
    proc = _cli(school_folder, "ask", "--json", "can I friend a parent?")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["school"] == "howitt"


@pytest.mark.parametrize(
    "argv, says",
    [
        (["questions", "report"], "can i film the nativity?"),
        (["reports", "list"], "No reports."),
        (["accounts", "list"], "The register is empty."),
        (["outbox", "list"], "0 waiting, 0 refused by the chat platform"),
        (["retention", "purge", "--dry-run"], "more than 7 years ago"),
    ],
)
def test_every_command_uses_the_database_in_dot_env(school_folder: Path, argv: list[str], says: str) -> None:
    proc = _cli(school_folder, *argv)
    assert proc.returncode == 0, proc.stderr
    assert says in proc.stdout
    assert not (school_folder / "policybot.db").exists()  # no stray database in the current folder


def test_backup_uses_the_database_in_dot_env(school_folder: Path) -> None:
    proc = _cli(school_folder, "backup", "copy.db")
    assert proc.returncode == 0, proc.stderr
    assert "1 question(s)" in proc.stdout


def test_the_environment_wins_over_dot_env(school_folder: Path) -> None:
    proc = _cli(school_folder, "ask", "--json", "can I friend a parent?", POLICYBOT_SCHOOL="dobcroft")
    assert json.loads(proc.stdout)["school"] == "dobcroft"


def test_a_bad_setting_in_dot_env_is_one_line(school_folder: Path) -> None:
    (school_folder / ".env").write_text("POLICYBOT_RETENTION_YEARS=six\n")
    _one_line_error(_cli(school_folder, "retention", "purge"), "POLICYBOT_RETENTION_YEARS: must be a whole number")


# -- questions report -------------------------------------------------------------------------------


def test_questions_report_lists_questions_nobody_gave_feedback_on(tmp_path: Path, capsys) -> None:
    db = tmp_path / "q.db"
    log = QuestionLog(Database(db))
    for _ in range(2):
        log.log("dobcroft", "Can I film the nativity?", None, answered=False)
    assert main(["questions", "report", "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split() == ["2", "2", "0", "0", "can", "i", "film", "the", "nativity?"]
    assert main(["questions", "report", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["not_helpful"] == 0


def test_questions_report_keeps_the_terminal_safe_and_knows_its_schools(tmp_path: Path, capsys) -> None:
    db = tmp_path / "q.db"
    QuestionLog(Database(db)).log("dobcroft", "can I post \u202egnp.exe\x1b[2J this?", None, answered=False)
    assert main(["questions", "report", "--db", str(db), "--school", "Dobcroft"]) == 0
    out = capsys.readouterr().out
    assert "\\u202e" in out and "\\x1b" in out and "\u202e" not in out and "\x1b" not in out
    assert main(["questions", "report", "--db", str(db), "--school", "hogwarts"]) == 2
    assert "unknown school 'hogwarts'; known: dobcroft" in capsys.readouterr().err


# -- ports --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_an_impossible_port_is_refused(tmp_path: Path, port: str) -> None:
    _one_line_error(_cli(tmp_path, "serve", "--http", "--port", port, **SERVE_ENV), "is not a port")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_in_use_is_named(tmp_path: Path, workers: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        proc = _cli(
            tmp_path, "serve", "--http", "--host", "127.0.0.1", "--port", port, "--workers", workers,
            POLICYBOT_DB=str(tmp_path / "p.db"), **SERVE_ENV,
        )  # fmt: skip
    assert proc.returncode == 2
    assert f"policybot: cannot listen on 127.0.0.1:{port}: Address already in use" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- help hints -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, hint",
    [
        ([], "see 'policybot --help'"),
        (["kb", "import"], "see 'policybot kb import --help'"),
        (["reports", "show"], "see 'policybot reports show --help'"),
        (["retention", "purge", "--nonsense"], "see 'policybot retention purge --help'"),
        (["ask", "--top", "x"], "see 'policybot ask --help'"),
    ],
)
def test_usage_errors_point_at_the_command_s_own_help(argv: list[str], hint: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert hint in capsys.readouterr().err


# -- database paths -----------------------------------------------------------------------------------


def test_serve_names_a_database_folder_that_does_not_exist(tmp_path: Path) -> None:
    proc = _cli(tmp_path, "serve", "--http", "--port", "0", POLICYBOT_DB="/nonexistent/dir/p.db", **SERVE_ENV)
    _one_line_error(proc, "the folder /nonexistent/dir does not exist")
    assert "/nonexistent/dir/p.db" in proc.stderr


@pytest.mark.parametrize(
    "db, says",
    [("/etc/passwd", "/etc/passwd is not a policybot database"), ("/tmp", "/tmp is a folder")],
)
@pytest.mark.parametrize("argv", [["reports", "list"], ["accounts", "list"], ["retention", "purge", "--dry-run"]])
def test_a_database_path_that_is_not_a_database(tmp_path: Path, argv: list[str], db: str, says: str) -> None:
    _one_line_error(_cli(tmp_path, *argv, "--db", db), says)


def test_a_database_a_newer_version_has_used_is_refused_not_misread(tmp_path: Path) -> None:
    """After an update and a rollback, this version would write rows without what the newer one added."""
    import sqlite3

    db = tmp_path / "policybot.db"
    _cli(tmp_path, "reports", "list", "--db", str(db))  # made and migrated by this version
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")  # as a later version would leave it
    _one_line_error(_cli(tmp_path, "reports", "list", "--db", str(db)), "last used by a newer version of policybot")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 99


# -- start-up log -----------------------------------------------------------------------------------


def test_start_up_does_not_warn_about_the_token(slack, tmp_path: Path) -> None:
    from tests.server_process import start_server

    server = start_server(slack, tmp_path / "p.db", tmp_path / "serve.log")
    try:
        log = server.log()
    finally:
        server.stop()
    assert "serving HTTP" in log
    assert "token" not in log.lower()


# -- small things -----------------------------------------------------------------------------------


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == "policybot 0.2.0"


def test_schools_lists_every_school_id(capsys) -> None:
    assert main(["schools"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == [
        "dobcroft", "hiltingbury", "howitt", "link-school", "rudyard-kipling",
    ]  # fmt: skip
    assert "Dobcroft Junior School" in out


def test_a_school_id_in_capitals_is_the_same_school(capsys, monkeypatch) -> None:
    monkeypatch.delenv("POLICYBOT_SCHOOL", raising=False)
    assert main(["ask", "--school", "Dobcroft", "--json", "can I friend a parent?"]) == 0
    assert json.loads(capsys.readouterr().out)["school"] == "dobcroft"


def test_a_heading_that_is_the_section_is_said_once(capsys) -> None:
    assert main(["ask", "--school", "hiltingbury", "can I post photos of the children on my facebook?"]) == 0
    out = capsys.readouterr().out
    assert "Use of images:" in out
    assert "Use of images Use of images" not in out
    assert "(Use of images)" not in out


def test_the_length_limit_is_worded_as_it_works(capsys) -> None:
    assert main(["ask", "--school", "dobcroft", "can I friend a parent " + "x" * 478]) == 0  # 500 characters
    assert main(["ask", "--school", "dobcroft", "can I friend a parent " + "x" * 479]) == 2
    assert "at most 500 characters" in capsys.readouterr().err


def test_start_up_names_what_it_runs_on_and_what_is_missing(slack, tmp_path: Path) -> None:
    """A misspelt DSL channel used to be ignored without a word: child-risk reports then alerted nobody."""
    from tests.server_process import start_server

    server = start_server(
        slack, tmp_path / "p.db", tmp_path / "serve.log", POLICYBOT_DSL_CHANNEL="", POLICYBOT_DSL_CHANEL="G0123ABCDEG"
    )
    try:
        log = server.log()
    finally:
        server.stop()
    assert f"school dobcroft; database {(tmp_path / 'p.db').resolve()}; knowledge folder" in log
    assert "POLICYBOT_DSL_CHANEL: not a policybot setting (did you mean POLICYBOT_DSL_CHANNEL?)" in log
    assert "POLICYBOT_DSL_CHANNEL: not set, so a report of a child at risk alerts no designated safeguarding" in log


def test_a_bot_token_slack_refuses_is_named_at_start_up(slack, tmp_path: Path) -> None:
    """HTTP mode starts without asking Slack; a wrong token used to show only as 'will retry'."""
    from tests.server_process import start_server

    server = start_server(slack, tmp_path / "p.db", tmp_path / "serve.log", SLACK_BOT_TOKEN="xoxb-not-the-right-one")
    try:
        line = wait_until(lambda: next((x for x in server.log().splitlines() if "SLACK_BOT_TOKEN" in x), None))
    finally:
        server.stop()
    assert " ERROR " in line and "Slack refused it (invalid_auth)" in line
    assert "xoxb-not-the-right-one" not in server.log()


def test_a_misspelt_setting_is_named_with_the_one_meant(school_folder: Path) -> None:
    (school_folder / ".env").write_text("POLICYBOT_RETENTION_YEAR=3\nPOLICYBOT_SCHOOL=howitt\n")
    proc = _cli(school_folder, "ask", "--json", "can I friend a parent?")
    assert proc.returncode == 0 and json.loads(proc.stdout)["school"] == "howitt"
    assert (
        "policybot: warning: POLICYBOT_RETENTION_YEAR: not a policybot setting "
        "(did you mean POLICYBOT_RETENTION_YEARS?); it is ignored"
    ) in proc.stderr


def test_a_line_of_env_that_is_no_setting_is_said_once_with_its_line(school_folder: Path) -> None:
    """The `=` left out: the setting is not set. python-dotenv said "could not parse statement starting at
    line 2" five times for one question, without naming the file. Only the name is shown: the line may
    hold a secret, and the warning goes to the service's log."""
    secret = "8f14e45fceea167a5a36dedd4bea2543"
    (school_folder / ".env").write_text(
        f"POLICYBOT_SCHOOL=howitt\n\n# Slack\nSLACK_SIGNING_SECRET {secret}\nf00dfeedbeefcafe 1234\n"
        "POLICYBOT_RETENTION_YEARS=six\n"
    )
    proc = _cli(school_folder, "reports", "list")
    assert proc.stderr.splitlines() == [
        f"policybot: warning: {(school_folder / '.env').resolve()} line 4: SLACK_SIGNING_SECRET: not read (a "
        "setting is NAME=value on one line, a quoted value closed on the same line; a comment is a line starting "
        "with #); it is ignored",
        # a secret pasted on a line of its own: none of it is shown
        f"policybot: warning: {(school_folder / '.env').resolve()} line 5: not read (a setting is NAME=value on "
        "one line, a quoted value closed on the same line; a comment is a line starting with #); it is ignored",
        # said before the setting that stops the command: everything to mend in .env at once
        "policybot: POLICYBOT_RETENTION_YEARS: must be a whole number of years from 1 to 100",
    ]
    assert secret[:4] not in proc.stderr and "f00d" not in proc.stderr


def test_a_comment_after_a_value_is_refused(school_folder: Path) -> None:
    """systemd's EnvironmentFile keeps "# ..." as part of the value: the bot used a database named
    "policybot.db # live" while cron's commands, reading .env, used policybot.db."""
    proc = _cli(school_folder, "reports", "list", POLICYBOT_DB=f"{school_folder}/p.db # live")
    _one_line_error(proc, "POLICYBOT_DB: holds a comment after the value; put the comment on a line of its own")


def test_a_file_system_refusal_is_one_line(tmp_path: Path) -> None:
    proc = _cli(tmp_path, "questions", "report", "--db", str(tmp_path / ("x" * 300 + ".db")))
    _one_line_error(proc, "File name too long")


def test_serve_names_a_knowledge_folder_with_no_schools(tmp_path: Path) -> None:
    proc = _cli(tmp_path, "serve", "--http", **SERVE_ENV, POLICYBOT_KNOWLEDGE_DIR=str(tmp_path / "missing"))
    assert proc.returncode == 2
    assert f"POLICYBOT_KNOWLEDGE_DIR: {tmp_path / 'missing'} holds no school files" in proc.stderr
    assert "unknown school" not in proc.stderr


def test_a_cache_folder_that_cannot_be_written_is_said_once(tmp_path: Path) -> None:
    """Every start then unpacks the model again (a second or two): a technician should know why."""
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    cache = str(not_a_folder)
    proc = _cli(tmp_path, "ask", "--school", "howitt", "can I friend a parent?", POLICYBOT_MODEL_CACHE=cache)
    assert proc.returncode == 0 and "Not allowed" in proc.stdout
    assert proc.stderr.count("cannot be written") == 1
    assert f"policybot's cache folder {not_a_folder} cannot be written" in proc.stderr
    assert "POLICYBOT_MODEL_CACHE" in proc.stderr and "Traceback" not in proc.stderr


def test_small_mistakes_are_caught_with_what_was_meant(tmp_path: Path) -> None:
    _one_line_error(_cli(tmp_path, "serve", "--port", "5000", **SERVE_ENV), "--port is for --http")
    _one_line_error(_cli(tmp_path, "ask", "--school", "dobcroftt", "hi"), "(did you mean dobcroft?)")
    proc = _cli(tmp_path, "serve", "--http", **{**SERVE_ENV, "POLICYBOT_SLACK_TIMEOUT": "ten"})
    assert proc.returncode == 2 and "POLICYBOT_SLACK_TIMEOUT: should be a number of seconds" in proc.stderr
    proc = _cli(tmp_path, "serve", "--http", **{**SERVE_ENV, "POLICYBOT_SLT_CHANNEL": "G0123ABCDEF "})
    assert "not 'G0123ABCDEF '" in proc.stderr  # the stray space, shown


def test_kb_import_takes_a_school_id_in_capitals_and_refuses_a_name_on_two_lines(tmp_path: Path) -> None:
    policy = tmp_path / "policy.txt"
    policy.write_text("Staff must not accept pupils as friends on social media.\n")
    env = {"POLICYBOT_MEANING": "off"}
    proc = _cli(tmp_path, "kb", "import", str(policy), "--school", "ST-ANNES", "--dir", str(tmp_path / "kb"), **env)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "kb" / "st-annes.yaml").is_file()
    proc = _cli(tmp_path, "kb", "import", str(policy), "--school", "oak", "--name", "Oak\nField", **env)
    _one_line_error(proc, "--name must be the school's name on one line")
