"""A whole staff room reporting at once: many threads and processes writing to one SQLite file get
unique references, lose nothing and never see "database is locked"."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from bot.cases.misuse import ReportForm
from bot.store.database import Database
from bot.store.reports import ReportBook

THREADS, PER_THREAD = 16, 25
PROCESSES, PER_PROCESS = 4, 50


def report_form(n: str) -> ReportForm:
    return ReportForm(
        category="parent_post",
        what_happened=f"Report {n}: a parent posted about a class trip.",
        child_at_risk="not_sure",
    )


def submit_many(db_path: str, writer: str, count: int) -> list[str]:
    """One writer (a thread or a process) with its own connection, submitting `count` reports."""
    book = ReportBook(Database(db_path))
    return [
        book.submit(
            "dobcroft", f"U{writer}", report_form(f"{writer}-{i}"), f"V{writer}-{i}", platform="slack"
        ).report.ref
        for i in range(count)
    ]


def test_many_writers_at_once_get_unique_references_and_nothing_is_lost(tmp_path: Path) -> None:
    db = str(tmp_path / "policybot.db")
    Database(db)  # create the schema once, as `serve` does at start-up
    refs: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def thread_writer(n: int) -> None:
        try:
            made = submit_many(db, f"T{n}", PER_THREAD)
        except BaseException as exc:  # "database is locked" would land here
            errors.append(exc)
            return
        with lock:
            refs.extend(made)

    # Processes first (spawned, so no thread is copied mid-lock), then threads, all writing together.
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        pending = pool.starmap_async(submit_many, [(db, f"P{n}", PER_PROCESS) for n in range(PROCESSES)])
        threads = [threading.Thread(target=thread_writer, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for made in pending.get(timeout=60):
            refs.extend(made)

    assert errors == []
    total = THREADS * PER_THREAD + PROCESSES * PER_PROCESS
    assert len(refs) == total and len(set(refs)) == total
    conn = Database(db).connection()
    assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == total
    assert conn.execute("SELECT count(DISTINCT ref) FROM reports").fetchone()[0] == total
    # Each report came with its timeline entry and both of its messages, in the same transaction.
    assert conn.execute("SELECT count(*) FROM case_events WHERE action = 'submitted'").fetchone()[0] == total
    assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 3 * total
