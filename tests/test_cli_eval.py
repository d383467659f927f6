"""`policybot eval`: a school's office manager checks the bot against questions of their own
(docs/load-your-policy.md, step 7), from a file that may come from Notepad or have a line wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import main

QUESTIONS = [
    {"id": "q1", "school": "howitt", "question": "can I friend a parent on facebook?",
     "gold": ["it would be inappropriate for Social Workers to have service users and their families"]},
    {"id": "q2", "school": "howitt", "question": "what time does the school day start?", "gold": []},
]  # fmt: skip


def _eval(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, str, str]:
    code = main(["eval", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_file_from_notepad_is_read_and_scored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "our-questions.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "".join(json.dumps(q) + "\n" for q in QUESTIONS).encode())
    code, out, err = _eval(capsys, path)
    assert code == 0 and err == ""
    assert out.splitlines()[0] == "questions: 2 (1 in scope, 1 out of scope)"
    assert "out-of-scope declined: 100.0%" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (json.dumps({"question": "can I friend a parent?", "gold": []}).encode(), 'line 1 has no "school"'),
        ('{"school": "howitt", "question": "caf\u00e9?", "gold": []}'.encode("latin-1"), "is not UTF-8 text"),
        (b"not json at all", "line 1: expected"),
    ],
    ids=["no school", "latin-1", "not json"],
)
def test_a_bad_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "our-questions.jsonl"
    path.write_bytes(content + b"\n")
    code, out, err = _eval(capsys, path)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "codec" not in err and "Traceback" not in err
