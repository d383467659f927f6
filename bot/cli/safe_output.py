"""What the command line writes out of the database: CSV files a spreadsheet opens, and text a terminal
shows. Both hold words staff typed in Slack, so neither may be read as instructions."""

from __future__ import annotations

import os
import re
import stat
import sys
import unicodedata
from pathlib import Path
from typing import TextIO

from bot.cli.common import CliError

# A spreadsheet (Excel, LibreOffice, Google Sheets) runs a cell that starts with one of these as a
# formula: `=HYPERLINK(...)` becomes a live link, `=cmd|...` once ran programs (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")

# Characters that change how text reads rather than being text: control characters (ESC starts a
# terminal's escape sequences, e.g. clearing the screen or setting the window title) and the
# bidirectional overrides that reorder what is shown.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def spreadsheet_cell(value: str) -> str:
    """`value` as a cell a spreadsheet shows as text: a leading apostrophe before a would-be formula
    (the apostrophe is how spreadsheets themselves mark text). Our own numbers, e.g. -0.5, stay numbers."""
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def spreadsheet_row(values: list[str]) -> list[str]:
    return [spreadsheet_cell(v) for v in values]


def terminal_text(text: str) -> str:
    """`text` with control characters shown as escapes (`\\x1b`, `\\u202e`) instead of acted on."""
    return "".join(_escaped(c) for c in text)


def _escaped(char: str) -> str:
    if char in _BIDI_CONTROLS or unicodedata.category(char) == "Cc":
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char


STDOUT = "-"  # `--csv -`: the CSV on standard output (a pipe into another program); what it says goes to stderr


def export_target(csv_path: str, database: Path, force: bool) -> Path | None:
    """Where an export may be written (None: standard output): never over the live database or its
    -wal/-shm companions (that destroys every record), and not over an existing file unless `--force`;
    otherwise CliError."""
    from bot.store.database import database_files

    if csv_path == STDOUT:
        return None
    target = Path(csv_path)
    if target.resolve() in database_files(database):
        raise CliError(f"{target} is the bot's database; choose another file for the export")
    if target.is_dir():
        raise CliError(f"{target} is a folder; give a file name, e.g. {target / 'export.csv'}")
    if target.exists() and not force:
        raise CliError(f"{target} already exists; use --force to replace it")
    return target


def export_says(target: Path | None) -> TextIO:
    """Where an export's own lines go ("Wrote 3 report(s) to ..."): never into the CSV on stdout."""
    return sys.stderr if target is None else sys.stdout


def export_name(target: Path | None) -> str:
    return "standard output" if target is None else str(target)


def _private_stdout() -> TextIO:
    """Standard output for a CSV, with a file export's safeguards: never a terminal (what staff typed could
    hold escape sequences a terminal acts on, and a CSV is for a program or a file), and a file it is
    redirected to (`> export.csv`) made private like one `--csv FILE` writes."""
    if sys.stdout is None:
        raise CliError("standard output is closed; give a file instead: --csv FILE")
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation is both: standard output replaced by no file
        raise CliError("standard output is no file or pipe here; give a file instead: --csv FILE") from None
    if os.isatty(descriptor):
        raise CliError("--csv - does not write to a terminal; pipe it into a program or give a file: --csv FILE")
    if hasattr(os, "fchmod") and stat.S_ISREG(os.fstat(descriptor).st_mode):
        try:
            os.fchmod(descriptor, 0o600)
        except OSError as exc:
            # `sudo -u policybot policybot reports export --csv - > file`: the shell made the file, as
            # another user; left as it is, others on the server could read the reports in it.
            why = (
                "belongs to another user"
                if hasattr(os, "geteuid") and os.fstat(descriptor).st_uid != os.geteuid()
                else f"cannot have its permissions changed ({exc.strerror})"
            )
            raise CliError(
                f"the file standard output goes to {why}, so it cannot be made readable only by its owner; "
                "nothing was written to it. Give a file instead: --csv FILE"
            ) from None
    sys.stdout.flush()
    return open(descriptor, "w", newline="", encoding="utf-8", closefd=False)


def private_csv(target: Path | None) -> TextIO:
    """`target` opened for a CSV only its owner can read (0600, an existing file tightened too): an
    export holds case records, and with `--include-details` what the reporter wrote. None: standard
    output, left open (where it goes is the caller's choice)."""
    if target is None:
        return _private_stdout()
    # O_BINARY: Windows would otherwise turn the csv module's "\r\n" into "\r\r\n"
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    try:
        # A regular file only (`--csv /dev/null` is no export to protect); not on Windows, where the
        # folder's access list decides.
        if hasattr(os, "fchmod") and stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.fchmod(descriptor, 0o600)
    except OSError:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "w", newline="", encoding="utf-8")
