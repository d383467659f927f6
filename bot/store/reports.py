"""Misuse reports in SQLite: submitted once, triaged by SLT, every step on the case's timeline.

Each change and the notifications it causes are one transaction, and each transition checks the
case's state in its UPDATE, so of two SLT clicking at once exactly one wins.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from bot.cases import misuse_rules as rules
from bot.cases.misuse import OUTCOMES, Report, ReportForm, State
from bot.cases.records import Actor, Refused
from bot.store.database import Database, now
from bot.store.generation import reference_number
from bot.store.handled import first_time
from bot.store.outbox import case_platform, enqueue, enqueue_refresh
from bot.store.timeline import add_event, events

# Outbox kinds a chat adapter must know how to send.
SLT_CARD = "report_card"  # post or update the case card in the SLT channel
DSL_ALERT = "report_dsl_alert"
REPORTER_NOTICE = "report_reporter_notice"  # payload: {"event": "received" | "acknowledged" | "closed"}


Rule = Callable[[str, Report | None, Actor], Refused | None]


def _raise(refused: Refused | None) -> None:
    if refused is not None:
        raise refused


def _form(row: sqlite3.Row) -> ReportForm:
    return ReportForm(
        category=row["category"],
        what_happened=row["what_happened"],
        child_at_risk=row["child_at_risk"],
        where_seen=row["where_seen"],
        happened_on=row["happened_on"],
        colleagues=tuple(json.loads(row["colleagues"])),
        others=row["others"],
        actions_taken=tuple(json.loads(row["actions_taken"])),
    )


@dataclass(frozen=True)
class Submitted:
    report: Report
    created: bool  # False: the same form was submitted before (a retry or a double click)


class ReportBook:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- submitting ------------------------------------------------------------------------------
    def submit(
        self, school: str, reporter_id: str, form: ReportForm, idempotency_key: str, *, platform: str
    ) -> Submitted:
        """`platform`: where it was submitted; every notification of the case goes there. The same key
        again from the same person (a retry, a double click) returns the first report; the key is theirs
        alone, so a form key someone else sends files their own."""
        idempotency_key = f"{reporter_id}:{idempotency_key}"
        with self.db.transaction() as conn:
            existing = conn.execute("SELECT ref FROM reports WHERE idempotency_key = ?", (idempotency_key,)).fetchone()
            if existing:
                return Submitted(self._get(conn, existing["ref"]), created=False)
            cursor = conn.execute(
                """INSERT INTO reports (idempotency_key, chat_platform, school, submitted_at, reporter_id, category,
                       what_happened, where_seen, happened_on, colleagues, others, child_at_risk, actions_taken)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    idempotency_key,
                    platform,
                    school,
                    now(),
                    reporter_id,
                    form.category,
                    form.what_happened,
                    form.where_seen,
                    form.happened_on,
                    json.dumps(list(form.colleagues)),
                    form.others,
                    form.child_at_risk,
                    json.dumps(list(form.actions_taken)),
                ),
            )
            ref = f"MR-{reference_number(conn, cursor.lastrowid or 0, 'MR', self.db.path):04d}"
            conn.execute("UPDATE reports SET ref = ? WHERE id = ?", (ref, cursor.lastrowid))
            add_event(conn, ref, reporter_id, "submitted", None)
            enqueue(conn, f"{ref}:slt", SLT_CARD, {"ref": ref}, platform=platform)
            report = self._get(conn, ref)
            if report.child_risk.alerts_dsl:
                enqueue(conn, f"{ref}:dsl", DSL_ALERT, {"ref": ref}, platform=platform)
            notice = {"ref": ref, "event": "received"}
            enqueue(conn, f"{ref}:reporter", REPORTER_NOTICE, notice, platform=platform)
            return Submitted(report, created=True)

    # -- triage (SLT only) -----------------------------------------------------------------------
    def acknowledge(self, ref: str, actor: Actor) -> Report:
        with self.db.transaction() as conn:
            report = self._checked(conn, ref, actor, rules.may_acknowledge)
            platform = case_platform(conn, "reports", ref)
            self._mark_acknowledged(conn, report, actor, platform)
            add_event(conn, ref, actor.user_id, "acknowledged", None)
            enqueue_refresh(conn, f"{ref}:slt", SLT_CARD, {"ref": ref}, platform=platform)
            return self._get(conn, ref)

    def assign_to(self, ref: str, actor: Actor) -> Report:
        """Assign the case to the actor. Taking a case on also acknowledges it."""
        with self.db.transaction() as conn:
            report = self._checked(conn, ref, actor, rules.may_assign)
            platform = case_platform(conn, "reports", ref)
            if report.state is State.OPEN:
                self._mark_acknowledged(conn, report, actor, platform)
                add_event(conn, ref, actor.user_id, "acknowledged", None)
            conn.execute("UPDATE reports SET assignee = ? WHERE ref = ?", (actor.user_id, ref))
            add_event(conn, ref, actor.user_id, "assigned", actor.user_id)
            enqueue_refresh(conn, f"{ref}:slt", SLT_CARD, {"ref": ref}, platform=platform)
            return self._get(conn, ref)

    def add_note(self, ref: str, actor: Actor, text: str, idempotency_key: str | None = None) -> Report:
        """`idempotency_key` (the note form's view id): the same form submitted again adds no second note."""
        _raise(rules.check_note(text))
        with self.db.transaction() as conn:
            self._checked(conn, ref, actor, rules.may_add_note)
            # The form's key is the sender's own for this report: another's can never swallow this note.
            once = f"note:{ref}:{actor.user_id}:{idempotency_key}"
            if idempotency_key is not None and not first_time(conn, once):
                return self._get(conn, ref)
            add_event(conn, ref, actor.user_id, "note", text)
            enqueue_refresh(conn, f"{ref}:slt", SLT_CARD, {"ref": ref}, platform=case_platform(conn, "reports", ref))
            return self._get(conn, ref)

    def close(self, ref: str, actor: Actor, outcome: str, note: str | None = None) -> Report:
        _raise(rules.check_closing(outcome, note))
        with self.db.transaction() as conn:
            report = self._checked(conn, ref, actor, rules.may_close)
            platform = case_platform(conn, "reports", ref)
            if report.state is State.OPEN:
                self._mark_acknowledged(conn, report, actor, platform)
            conn.execute(
                "UPDATE reports SET state = 'closed', closed_at = ?, closed_by = ?, outcome = ? WHERE ref = ?",
                (now(), actor.user_id, outcome, ref),
            )
            if note and note.strip():
                add_event(conn, ref, actor.user_id, "note", note)
            add_event(conn, ref, actor.user_id, "closed", OUTCOMES[outcome])
            enqueue_refresh(conn, f"{ref}:slt", SLT_CARD, {"ref": ref}, platform=platform)
            notice = {"ref": ref, "event": "closed"}
            enqueue(conn, f"{ref}:reporter", REPORTER_NOTICE, notice, platform=platform)
            return self._get(conn, ref)

    # -- reading ---------------------------------------------------------------------------------
    def get(self, ref: str) -> Report | None:
        conn = self.db.connection()
        row = conn.execute("SELECT ref FROM reports WHERE ref = ?", (ref.strip().upper(),)).fetchone()
        return self._get(conn, row["ref"]) if row else None

    def all(self, open_only: bool = False) -> list[Report]:
        conn = self.db.connection()
        sql = "SELECT ref FROM reports" + (" WHERE state != 'closed'" if open_only else "") + " ORDER BY id"
        return [self._get(conn, r["ref"]) for r in conn.execute(sql).fetchall()]

    def by_reporter(self, reporter_id: str, limit: int = 10) -> list[Report]:
        conn = self.db.connection()
        rows = conn.execute(
            "SELECT ref FROM reports WHERE reporter_id = ? ORDER BY id DESC LIMIT ?", (reporter_id, limit)
        ).fetchall()
        return [self._get(conn, r["ref"]) for r in rows]

    def open_count(self) -> int:
        return self.db.connection().execute("SELECT count(*) FROM reports WHERE state != 'closed'").fetchone()[0]

    # -- internals -------------------------------------------------------------------------------
    def _checked(self, conn: sqlite3.Connection, ref: str, actor: Actor, rule: Rule) -> Report:
        """The report, read inside the caller's transaction, once `rule` allows the step."""
        row = conn.execute("SELECT ref FROM reports WHERE ref = ?", (ref,)).fetchone()
        report = self._get(conn, ref) if row else None
        _raise(rule(ref, report, actor))
        assert report is not None  # every rule refuses a missing report
        return report

    def _mark_acknowledged(self, conn: sqlite3.Connection, report: Report, actor: Actor, platform: str) -> None:
        cursor = conn.execute(
            "UPDATE reports SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ? "
            "WHERE ref = ? AND state = 'open'",
            (now(), actor.user_id, report.ref),
        )
        if cursor.rowcount == 1:
            notice = {"ref": report.ref, "event": "acknowledged"}
            enqueue(conn, f"{report.ref}:reporter", REPORTER_NOTICE, notice, platform=platform)

    @staticmethod
    def _get(conn: sqlite3.Connection, ref: str) -> Report:
        row = conn.execute("SELECT * FROM reports WHERE ref = ?", (ref,)).fetchone()
        return Report(
            ref=row["ref"],
            school=row["school"],
            submitted_at=row["submitted_at"],
            reporter_id=row["reporter_id"],
            form=_form(row),
            state=State(row["state"]),
            acknowledged_at=row["acknowledged_at"],
            acknowledged_by=row["acknowledged_by"],
            assignee=row["assignee"],
            closed_at=row["closed_at"],
            closed_by=row["closed_by"],
            outcome=row["outcome"],
            purged=row["purged_at"] is not None,
            timeline=events(conn, ref),
        )
