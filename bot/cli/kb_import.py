"""`policybot kb import` and `policybot kb diff`: load a school's own policy, and review a new version."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.common import fail, knowledge_dir, settings
from bot.file_lock import FileLock
from bot.knowledge.importing.extract import SUPPORTED, ExtractError, Progress
from bot.knowledge.loader import KnowledgeError, load_file
from bot.knowledge.models import School
from bot.matching.vectors import cache_path, clause_vectors, uncached

if TYPE_CHECKING:
    from bot.knowledge.importing.draft import Draft

# The importer's modules (and PyYAML) are imported by the commands that use them: `policybot ask` starts
# faster.


def register(sub: argparse._SubParsersAction) -> None:
    importing = sub.add_parser(
        "import",
        help="make a draft clause file from a school's Word, PDF or text policy",
        description="Split POLICY into clauses (numbered paragraphs, lettered items, bullets, DO / DO NOT "
        "lists) with section, heading and verbatim text; guess stance, topics, an answer line and the policy's "
        "dates; write knowledge/ID.yaml (marked draft) and the policy text under knowledge/sources/. "
        "Re-importing keeps the ids, answers and example questions of clauses whose text did not change.",
    )
    importing.add_argument("policy", metavar="POLICY", help=f"the policy file ({', '.join(SUPPORTED)})")
    importing.add_argument("--school", required=True, metavar="ID", help="school id, e.g. st-marys-primary")
    importing.add_argument("--name", help="the school's name as staff know it, e.g. \"St Mary's Primary School\"")
    importing.add_argument("--out", metavar="FILE", help="where to write the draft (default: knowledge/ID.yaml)")
    importing.add_argument("--dir", help="knowledge directory for the default --out")
    importing.add_argument("--previous", metavar="FILE", help="earlier clause file to keep reviewed work from "
                           "(default: the file being replaced with --force)")  # fmt: skip
    importing.add_argument("--force", action="store_true", help="replace an existing file (it is kept as FILE.bak)")
    importing.set_defaults(run=run_import)

    diff = sub.add_parser(
        "diff",
        help="show added, removed and changed clauses between two versions of a school's file",
        description="Compare two clause files of one school (e.g. knowledge/ID.yaml.bak and knowledge/ID.yaml "
        "after a re-import) and list the clauses added, removed and changed, with the changed words.",
    )
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.set_defaults(run=run_diff)


@contextmanager
def _progress(label: str) -> Iterator[Progress]:
    """"Reading policy.pdf: page 3 of 40" on one line of the terminal while a long document is read,
    cleared when done; nothing when output is piped or logged (a log should not fill with pages)."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    shown = 0

    def update(done: int, total: int) -> None:
        nonlocal shown
        # Cut to the terminal's width: a wrapped line cannot be written over with "\r".
        line = f"{label}: page {done} of {total}"[: shutil.get_terminal_size().columns - 1]
        sys.stderr.write("\r" + line.ljust(shown))
        sys.stderr.flush()
        shown = len(line)

    try:
        yield update
    finally:
        if shown:
            sys.stderr.write("\r" + " " * shown + "\r")
            sys.stderr.flush()


def _load_previous(path: Path) -> dict[str, Any] | None:
    """The reviewed file a new import keeps the work of: read as every knowledge file is (yaml_text.py:
    no aliases, so no "billion laughs"; a short error without the file's content)."""
    from bot.knowledge.importing.draft import DraftError
    from bot.knowledge.loader import KnowledgeError
    from bot.knowledge.yaml_text import parsed

    try:
        data = parsed(path, path.read_bytes())
    except OSError as exc:
        raise DraftError(f"cannot read the previous version {path}: {exc.strerror or exc}") from exc
    except KnowledgeError as exc:
        raise DraftError(f"cannot read the previous version: {exc}") from exc
    return data if isinstance(data, dict) else None


def _previous_text(path: Path, previous: dict[str, Any]) -> str | None:
    """The policy text the previous file was cut from (its `sources/` file), if it is there to read."""
    school = previous.get("school")
    source = school.get("source") if isinstance(school, dict) else None
    if not isinstance(source, str) or not source:
        return None
    try:
        return (path.parent / "sources" / Path(source).name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def run_import(args: argparse.Namespace) -> int:
    from bot.knowledge.importing.draft import DraftError, check_target

    policy = Path(args.policy)
    args.school = args.school.strip().lower()  # ids are not case-sensitive anywhere else: ST-ANNES is st-annes
    if args.name is not None and any(ord(c) < 32 or ord(c) == 127 for c in args.name):
        return fail("--name must be the school's name on one line, without control characters")
    out = Path(args.out) if args.out else knowledge_dir(args.dir) / f"{args.school}.yaml"
    try:
        check_target(out, args.school)
    except DraftError as exc:
        return fail(str(exc))
    # Two imports of one school at once would each keep the reviewed work of the file they read, and the
    # later write would lose the other's; the lock sits beside the file, for as long as this import runs.
    lock = FileLock(out.with_name(f".{out.name}.import.lock"))
    try:
        busy = out.parent.is_dir() and not lock.acquire()
    except OSError:  # a folder this user cannot write: the draft cannot be written either, and says so
        busy = False
    if busy:
        return fail(f"another `kb import` of {out.name} is running; run this one when it has finished")
    try:
        return _import(args, policy, out)
    finally:
        lock.release()


def _import(args: argparse.Namespace, policy: Path, out: Path) -> int:
    from bot.knowledge.importing.draft import DraftError, make_draft, read_drafted, write_draft

    try:
        if out.exists() and not args.force:
            raise DraftError(f"{out} already exists; add --force to replace it (reviewed clauses are kept)")
        previous_path = Path(args.previous) if args.previous else (out if out.exists() else None)
        previous = _load_previous(previous_path) if previous_path else None
        previous_text = _previous_text(previous_path, previous) if previous_path and previous else None
        drafted = None
        if previous_path and previous and isinstance(previous.get("school"), dict):
            drafted = read_drafted(previous_path.parent, str(previous["school"].get("source") or ""))
        with _progress(f"Reading {policy.name}") as progress:
            draft = make_draft(policy, args.school, args.name, previous, progress, previous_text, drafted)
        backup = write_draft(draft, policy, out, args.force)
    except (DraftError, ExtractError) as exc:
        return fail(str(exc))
    _summary(draft, out, backup)
    _meaning_vectors(out)
    print("Next: review the draft (docs/load-your-policy.md), then run `policybot kb check`.")
    return 0


def _meaning_vectors(out: Path) -> None:
    """Encode the draft's sentences now, so the first question after an import is answered at once."""
    if not settings().meaning or out.suffix != ".yaml":
        return
    try:
        kb = load_file(out)
    except KnowledgeError:
        return  # `kb check` says what is wrong
    missing = uncached(kb, out.parent)  # a re-import finds most of its sentences cached already
    if missing:
        where = cache_path(out.parent, kb.school.id)
        # Flushed: piped into a log (tee), the line would otherwise wait for the minute it announces.
        print(
            f"  encoding {missing} sentences (each clause's text and answer line, its example questions, and each "
            f"sentence of a clause not yet reviewed) for matching by meaning, once, {_minutes(missing)} "
            f"(kept in {where})",
            flush=True,
        )
    clause_vectors(kb, out.parent)


def _minutes(sentences: int) -> str:
    """How long encoding takes, roughly: about 8 sentences a second on one core of a busy machine."""
    seconds = sentences / 8
    if seconds < 50:
        return "under a minute"
    minutes = max(1, round(seconds / 60))
    return "about a minute" if minutes == 1 else f"about {minutes} minutes"


def _summary(draft: Draft, out: Path, backup: Path | None) -> None:
    school = draft.data["school"]
    # A .txt or .md file has no pages to count.
    pages = f" from {draft.pages} page(s)" if draft.pages > 1 else ""
    print(f"Wrote {out}: {len(draft.clauses)} clauses{pages} of {school['name']}'s policy")
    print(f"  policy text: {out.parent / 'sources' / draft.source_name}")
    # A policy is called adopted only when it says it was approved (bot/render/wording.py does the same)
    status = school.get("status")
    adopted = {"draft": "draft dated", "unapproved": "dated"}.get(str(status), "adopted")
    names = {"adopted": adopted, "reviewed": "reviewed", "review_due": "review due"}
    dates = [f"{names[k]} {school[k]}" for k in ("adopted", "reviewed", "review_due") if school.get(k)]
    print(f"  dates: {', '.join(dates) or 'none found'}; misuse reported to: {school['report_to']}")
    if school.get("dates_note"):
        # "Reviewed August 2024" is kept as 2024-08-01, and "Date of review: January 2024" read as the review due:
        # the policy's own words let whoever imports it check the reading (review of two imports)
        print(f"  dates read from: {school['dates_note']}")
    read = School.model_validate(school)
    if read.is_past_review(dt.date.today()):
        # the import's own output is where the IT person sees it first (review of a new school's import)
        print(
            f"  the policy was due for review in {read.review_due:%B %Y}: staff are told it may be out of date beside "
            "every answer until a newer version is imported"
        )
    if status == "draft":
        print("  status: draft (the policy is marked DRAFT): staff are told it is not yet approved")
    elif status == "unapproved":
        print("  status: unapproved (its approval date is left blank): staff are told so with every answer")
    if draft.page_headers:
        print(f"  page headers left out: {'; '.join(draft.page_headers)}")
    if draft.merged:
        m = draft.merged
        print(
            f"  kept from the previous version: {len(m.unchanged)} unchanged; {len(m.changed)} changed "
            f"(answers re-drafted), {len(m.added)} new, {len(m.removed)} removed"
        )
        if m.refreshed:
            print(
                f"  {len(m.refreshed)} unchanged clause(s) nobody had touched (no example questions, still as "
                "drafted) take this version's answer, stance and topics"
            )
        if m.reread:
            shown = "; ".join(f"{cid}: {kept} (now read as {now})" for cid, kept, now in m.reread[:5])
            print(
                f"  note: {len(m.reread)} clause(s) without example questions keep their stance, though this "
                f"version reads it differently: {shown}{'; ...' if len(m.reread) > 5 else ''}. The file was "
                "imported before kb import recorded what it drafted, so a reviewer's choice cannot be told from "
                "a guess: check them"
            )
    for note in draft.notes:
        print(f"  note: {note}")
    unreviewed = sum(1 for clause in draft.clauses if not clause.get("examples"))
    if unreviewed:
        # "256 clauses" alone said nothing of the work a draft waits for (review of a new school's import)
        print(
            f"  to review: {unreviewed} of {len(draft.clauses)} clauses have no example questions, and their answer "
            "lines are the policy's own words: until a reviewer writes them, staff get fewer confident answers "
            "(`policybot kb check` lists them)"
        )
    if backup:
        print(f"  the previous file is kept as {backup}: see the changes with `policybot kb diff {backup} {out}`")


def run_diff(args: argparse.Namespace) -> int:
    from bot.knowledge.importing.diff import diff_policies, render_diff

    try:
        old, new = load_file(Path(args.old)), load_file(Path(args.new))
    except KnowledgeError as exc:
        return fail(str(exc).splitlines()[0])
    except OSError as exc:
        return fail(f"cannot read {exc.filename}: {exc.strerror}")
    if old.school.id != new.school.id:
        return fail(f"{args.old} is {old.school.id}'s file and {args.new} is {new.school.id}'s: compare two "
                    "versions of one school's file")  # fmt: skip
    for line in render_diff(diff_policies(old, new)):
        print(line)
    return 0
