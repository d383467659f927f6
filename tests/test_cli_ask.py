"""`policybot ask` as staff and outside tools use it: text, JSON, batches and clear errors."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.cli import POLICYBOT, clean_env


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_human_answer_has_verdict_quote_section_and_dates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--school", "link-school", "can", "I", "friend", "a", "parent?")
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith(("Not allowed:", "Allowed", "You must:", "For information:"))
    assert '"' in out and "section 4.6" in out
    assert "The Link School" in out
    assert "Policy dates:" in out and "review due Sep 2023" in out
    assert "past its review date" in out or "due for review" in out
    assert "not yet been reviewed" not in out  # a reviewed file's answers are the curators'
    assert "Related clauses:" in out


def test_a_list_item_is_quoted_after_the_lead_in_it_goes_on_from(capsys: pytest.CaptureFixture[str]) -> None:
    """A clause cut from a list is a fragment ("breach our ICT policies and procedures;"): quoted alone it states no
    rule, which a judge of the answers called "a dangling list fragment". Its lead-in is quoted before it."""
    question = "can I use social media in a way that breaks our ICT policies?"
    code, out, _ = run(capsys, "ask", "--school", "link-school", question)
    assert code == 0
    lead = "For example, you are prohibited from using social media to:"
    assert f'"{lead} \u2026 breach our ICT policies and procedures;"' in " ".join(out.split()), out
    # a clause that is no fragment is quoted as it is
    code, out, _ = run(capsys, "ask", "--school", "link-school", "can I friend a parent?")
    assert "\u2026" not in out.split("Related clauses")[0], out


def test_a_question_the_policy_does_not_answer_names_who_to_ask_once(capsys: pytest.CaptureFixture[str]) -> None:
    """Dobcroft's policy is past its review date: its note had said "check with your line manager ... if in
    doubt" straight under "Please ask your line manager ...", a glitch to a reader."""
    code, out, _ = run(capsys, "ask", "--school", "dobcroft", "what time does the staff car park close?")
    assert code == 0
    assert out.startswith("I couldn't find")
    assert out.count("your line manager") == 1, out
    assert "due for review in December 2023 and may be out of date." in out


def test_not_sure_points_to_the_closest_part_when_it_more_often_answers(capsys: pytest.CaptureFixture[str]) -> None:
    """"I couldn't find a part of the policy that clearly answers this", over a closest clause saying "No -
    leaving social media sites running ... is a breach", read as a glitch (review of the curated schools)."""
    question = "Can I keep Facebook open in a tab on my work laptop so I don't miss messages?"
    code, out, _ = run(capsys, "ask", "--school", "howitt", "--json", question)
    assert code == 0 and json.loads(out)["answered"] is False  # still not an answer
    code, out, _ = run(capsys, "ask", "--school", "howitt", question)
    first = out.splitlines()[0]
    assert first.startswith("I'm not sure the Acceptable Use of Social Media Policy answers this clearly."), first
    assert "The closest part is 6.3" in first and "ask your manager" in first
    # nothing close: said plainly
    code, out, _ = run(capsys, "ask", "--school", "howitt", "what time does the staff car park close?")
    assert out.startswith("I couldn't find")


def test_a_duty_the_curators_wrote_as_should_is_headed_you_should(capsys: pytest.CaptureFixture[str]) -> None:
    """Hiltingbury: "school users should block, report or delete other users or their comments". The headline
    had read "You must: You should block ...", the label saying more than the line under it."""
    question = "someone is being rude in the comments on our class page, what should I do?"
    code, out, _ = run(capsys, "ask", "--school", "hiltingbury", question)
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("You should: Block, report or delete"), first


def test_default_school_comes_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYBOT_SCHOOL", "howitt")
    code, out, _ = run(capsys, "ask", "--json", "can I use facebook at work?")
    assert code == 0 and json.loads(out)["school"] == "howitt"


def test_no_school_is_a_clear_error_listing_ids(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POLICYBOT_SCHOOL", raising=False)
    code, out, err = run(capsys, "ask", "can I friend a parent?")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "dobcroft" in err and "rudyard-kipling" in err


def test_json_shape_and_top(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--school", "dobcroft", "--json", "--top", "5", "can I post pics of kids?")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"school", "question", "answered", "matches"}
    assert data["school"] == "dobcroft" and data["question"] == "can I post pics of kids?"
    assert isinstance(data["answered"], bool)
    assert len(data["matches"]) == 5
    for match in data["matches"]:
        assert set(match) == {"clause_id", "section", "text", "answer", "stance", "score"}
    scores = [m["score"] for m in data["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_an_emoji_changes_nothing_in_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    """"my sis's lad is in yr 5 here ... do i have to unfriend her on fb or nah? \U0001f605" was "not sure" where the
    same words without the emoji were answered: to the model an emoji is an unknown word. Slack sends its name
    (":sweat_smile:"), Teams and phones the character."""
    question = "my sister's son is in year 5 here. do i have to unfriend her on fb?"

    def ranked(text: str) -> tuple[bool, list[tuple[str, float]]]:
        code, out, _ = run(capsys, "ask", "--school", "dobcroft", "--json", "--top", "3", text)
        assert code == 0
        data = json.loads(out)
        return data["answered"], [(m["clause_id"], m["score"]) for m in data["matches"]]

    plain = ranked(question)
    decorations = (f"{question} \U0001f605", f"{question} :sweat_smile:", f"\u2764\ufe0f {question} \U0001f44d")
    for decorated in decorations:
        assert ranked(decorated) == plain, decorated
    # a time or a section number is no emoji's name
    assert ranked("can I post at 10:30:00 on a school day?") != ranked("can I post at on a school day?")


def test_batch_answers_every_line_in_order_and_reports_bad_ones(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        {"id": "q1", "school": "howitt", "question": "can I friend a parent?"},
        "this is not json",
        {"id": "q3", "school": "nowhere", "question": "can I friend a parent?"},
        {"id": "q4", "school": "dobcroft", "question": ""},
        {"id": "q5", "school": "dobcroft", "question": "can I post pics of kids?", "topic": "photos"},
    ]
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code, out, _ = run(capsys, "ask", "--batch", "-", "--json")
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == 5
    assert results[0]["id"] == "q1" and results[0]["matches"]
    assert "not valid JSON" in results[1]["error"]
    assert results[2]["id"] == "q3" and "unknown school" in results[2]["error"]
    assert results[3]["id"] == "q4" and "empty" in results[3]["error"]
    assert results[4]["id"] == "q5" and results[4]["topic"] == "photos" and "error" not in results[4]


def test_a_batch_file_saved_by_notepad_or_with_one_bad_byte_is_answered_line_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Notepad starts a UTF-8 file with a byte-order mark; a line pasted from an old document may carry a
    Latin-1 byte. The first was "line 1 is not valid JSON", the second refused the whole file."""
    good = {"id": "q1", "school": "howitt", "question": "can I friend a parent?"}
    bad = {"id": "q2", "school": "howitt", "question": "is a caf\u00e9 trip ok to post?"}
    batch = tmp_path / "questions.jsonl"
    batch.write_bytes(
        b"\xef\xbb\xbf"
        + json.dumps(good).encode()
        + b"\n"
        + json.dumps(bad, ensure_ascii=False).encode("latin-1")
        + b"\n\n"
        + json.dumps({**good, "id": "q3"}).encode()
        + b"\n"
        + json.dumps({"id": "q4", "school": "howitt"}).encode()
        + b"\n"
    )
    code, out, err = run(capsys, "ask", "--batch", str(batch), "--json")
    assert code == 0 and err == ""
    results = [json.loads(line) for line in out.splitlines()]
    assert [r.get("id") for r in results] == ["q1", None, "q3", "q4"]
    assert results[0]["matches"] and "error" not in results[0]
    assert results[1] == {"line": 2, "error": "line 2 is not UTF-8 text (save the file as UTF-8)"}
    assert results[2]["matches"]
    assert results[3]["school"] == "howitt" and 'no "question"' in results[3]["error"]


def test_a_batch_file_saved_as_utf_16_is_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "questions.jsonl"
    batch.write_text(json.dumps({"school": "howitt", "question": "can I friend a parent?"}) + "\n", encoding="utf-16")
    code, out, err = run(capsys, "ask", "--batch", str(batch), "--json")
    assert code == 2 and out == ""
    assert err == f"policybot: {batch} is UTF-16 text; save it again as UTF-8\n"


def test_the_command_writes_every_answer_before_it_exits(capsys: pytest.CaptureFixture[str]) -> None:
    # `policybot ask` leaves without the interpreter's tidy-up (bot/cli/quick_exit.py): all its output
    # must still reach a pipe, and a reader that stops early must not turn into an error.
    env = {k: v for k, v in clean_env().items() if k != "PYTHONUNBUFFERED"}  # a pipe is block-buffered
    one = subprocess.run(
        [*POLICYBOT, "ask", "--school", "howitt", "can I friend a parent?"], capture_output=True, text=True, env=env
    )
    assert one.returncode == 0 and one.stdout == run(capsys, "ask", "--school", "howitt", "can I friend a parent?")[1]

    questions = [{"id": f"q{n}", "school": "howitt", "question": f"can I friend parent {n}?"} for n in range(40)]
    batch = "".join(json.dumps(q) + "\n" for q in questions)
    command = [*POLICYBOT, "ask", "--batch", "-", "--json", "--top", "20"]
    proc = subprocess.run(command, input=batch, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0 and proc.stderr == ""
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == [q["id"] for q in questions]

    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    reader = subprocess.Popen(command, env=env, **pipes)
    assert reader.stdout is not None and reader.stdin is not None
    reader.stdin.write(batch.encode())
    reader.stdin.close()
    assert json.loads(reader.stdout.readline())["id"] == "q0"
    reader.stdout.close()  # as `| head -1` does
    assert reader.wait(timeout=120) == 0
    assert reader.stderr is not None and b"Traceback" not in reader.stderr.read()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's always-full device")
def test_an_answer_that_cannot_be_written_is_an_error_not_a_silent_success() -> None:
    env = {k: v for k, v in clean_env().items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:  # as a full disk: every write fails
        proc = subprocess.run(
            [*POLICYBOT, "ask", "--school", "howitt", "can I friend a parent?"], stdout=full, stderr=subprocess.PIPE,
            text=True, env=env, check=False,
        )
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines() == ["policybot: the answer could not be written: No space left on device"]


@pytest.mark.parametrize(
    "argv, says",
    [
        (["ask", "--school", "dobcroft", ""], "empty"),
        (["ask", "--school", "dobcroft", "x" * 10_000], "characters long"),
        (["ask", "--school", "dobcroft", "can I\x07 friend"], "control characters"),
        (["ask", "--school", "narnia", "can I friend a parent?"], "known school ids"),
        (["ask", "--school", "dobcroft", "--top", "0", "hi"], "--top"),
        (["ask", "--batch", "/nonexistent/file.jsonl"], "cannot read"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv: list[str], says: str) -> None:
    env = {**os.environ, "POLICYBOT_SCHOOL": ""}
    proc = subprocess.run([*POLICYBOT, *argv], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 2
    assert says in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_cli_does_not_load_slack_libraries() -> None:
    code = (
        "import sys; from bot.cli.main import main; main(['ask','--school','howitt','--json','hi there']); "
        "print(sorted(m for m in sys.modules if m.startswith(('slack', 'sqlite_utils'))))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_ctrl_c_says_it_stopped_the_command() -> None:
    """Ctrl-C in the middle of a batch (or a `kb import`) ended with exit code 130 and not a word."""
    reader = subprocess.Popen(
        [*POLICYBOT, "ask", "--batch", "-", "--json"], env=clean_env(), stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert reader.stdin is not None and reader.stdout is not None and reader.stderr is not None
    reader.stdin.write(json.dumps({"school": "howitt", "question": "can I friend a parent?"}) + "\n")
    reader.stdin.flush()
    assert json.loads(reader.stdout.readline())["school"] == "howitt"  # answering, waiting for more
    reader.send_signal(signal.SIGINT)
    assert reader.wait(timeout=60) == 130
    err = reader.stderr.read()
    assert err == "policybot: interrupted\n", err
    reader.stdin.close()
