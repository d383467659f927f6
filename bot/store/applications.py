"""Account applications and the register of official accounts, in SQLite.

As with misuse reports: each change and the messages it causes are one transaction, each
transition names the state it expects in its UPDATE (the first decision wins), and every step is
on the application's timeline. Every submitted version of the form is kept.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3

from bot.cases import account_rules as rules
from bot.cases.accounts import Account, AccountStatus, Application, ApplicationForm, AppState
from bot.cases.records import Actor, Refused
from bot.store.database import Database, now
from bot.store.generation import reference_number
from bot.store.outbox import case_platform, enqueue, enqueue_refresh
from bot.store.timeline import add_event, events

# Outbox kinds a chat adapter must know how to send.
APP_CARD = "application_card"  # post or update the application card in the SLT channel
ADMIN_CARD = "application_admin_card"  # post or update the "create the account" card for the administrator
APPLICANT_NOTICE = "application_applicant_notice"  # payload event: received|approved|rejected|changes|live
REGISTER_ALERT = "register_alert"  # payload: account id and the departed user


def _form_json(form: ApplicationForm) -> str:
    return json.dumps(dataclasses.asdict(form))


def _form(text: str) -> ApplicationForm:
    values = json.loads(text)
    values["confirmations"] = tuple(values.get("confirmations") or ())
    return ApplicationForm(**values)


def _raise(refused: Refused | None) -> None:
    if refused is not None:
        raise refused


class ApplicationBook:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- applying --------------------------------------------------------------------------------
    def submit(
        self, school: str, applicant_id: str, form: ApplicationForm, idempotency_key: str, *, platform: str
    ) -> Application:
        """A new application; the same key again (a retry, a double click) returns the first one.
        `platform`: where it was made; every notification of the application goes there. The key is the
        applicant's own: one someone else sends is a new application of theirs."""
        _raise(rules.check_form_passwords(form))
        idempotency_key = f"{applicant_id}:{idempotency_key}"
        with self.db.transaction() as conn:
            known = self._by_key(conn, idempotency_key)
            if known:
                return known
            cursor = conn.execute(
                "INSERT INTO applications (idempotency_key, chat_platform, school, applicant_id, submitted_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (idempotency_key, platform, school, applicant_id, now()),
            )
            ref = f"AR-{reference_number(conn, cursor.lastrowid or 0, 'AR', self.db.path):04d}"
            conn.execute("UPDATE applications SET ref = ? WHERE id = ?", (ref, cursor.lastrowid))
            self._version(conn, ref, 1, idempotency_key, form)
            add_event(conn, ref, applicant_id, "submitted", None)
            enqueue(conn, f"{ref}:slt", APP_CARD, {"ref": ref}, platform=platform)
            notice = {"ref": ref, "event": "received"}
            enqueue(conn, f"{ref}:applicant", APPLICANT_NOTICE, notice, platform=platform)
            return self._get(conn, ref)

    def resubmit(self, ref: str, applicant_id: str, form: ApplicationForm, idempotency_key: str) -> Application:
        """The applicant's changed form after SLT asked for changes: a new version, decided afresh."""
        _raise(rules.check_form_passwords(form))
        idempotency_key = f"{applicant_id}:{idempotency_key}"
        with self.db.transaction() as conn:
            known = self._by_key(conn, idempotency_key)
            if known:
                return known
            application = self._find(conn, ref)
            _raise(rules.may_resubmit(ref, application, applicant_id))
            assert application is not None
            version = application.version + 1
            conn.execute(
                "UPDATE applications SET state = 'submitted', version = ?, decided_by = NULL, decided_at = NULL, "
                "decision_reason = NULL WHERE ref = ? AND state = 'changes_requested'",
                (version, ref),
            )
            self._version(conn, ref, version, idempotency_key, form)
            add_event(conn, ref, applicant_id, "resubmitted", f"version {version}")
            platform = case_platform(conn, "applications", ref)
            enqueue_refresh(conn, f"{ref}:slt", APP_CARD, {"ref": ref}, platform=platform)
            notice = {"ref": ref, "event": "received"}
            enqueue(conn, f"{ref}:applicant", APPLICANT_NOTICE, notice, platform=platform)
            return self._get(conn, ref)

    # -- SLT's decision --------------------------------------------------------------------------
    def approve(self, ref: str, actor: Actor) -> Application:
        return self._decide(ref, actor, AppState.APPROVED, None)

    def reject(self, ref: str, actor: Actor, reason: str) -> Application:
        _raise(rules.check_reason(reason, changes=False))
        return self._decide(ref, actor, AppState.REJECTED, reason)

    def request_changes(self, ref: str, actor: Actor, what: str) -> Application:
        _raise(rules.check_reason(what, changes=True))
        return self._decide(ref, actor, AppState.CHANGES_REQUESTED, what)

    def _decide(self, ref: str, actor: Actor, state: AppState, reason: str | None) -> Application:
        with self.db.transaction() as conn:
            application = self._find(conn, ref)
            _raise(rules.may_decide(ref, application, actor))
            cursor = conn.execute(
                "UPDATE applications SET state = ?, decided_by = ?, decided_at = ?, decision_reason = ? "
                "WHERE ref = ? AND state = 'submitted'",
                (state.value, actor.user_id, now(), reason, ref),
            )
            if cursor.rowcount != 1:  # cannot happen inside BEGIN IMMEDIATE; kept as the rule's statement
                raise rules.already_decided(self._get(conn, ref))
            action = {AppState.APPROVED: "approved", AppState.REJECTED: "rejected"}.get(state, "requested changes")
            add_event(conn, ref, actor.user_id, action, reason)
            platform = case_platform(conn, "applications", ref)
            enqueue_refresh(conn, f"{ref}:slt", APP_CARD, {"ref": ref}, platform=platform)
            event = {AppState.APPROVED: "approved", AppState.REJECTED: "rejected"}.get(state, "changes")
            notice = {"ref": ref, "event": event}
            enqueue(conn, f"{ref}:applicant", APPLICANT_NOTICE, notice, platform=platform)
            if state is AppState.APPROVED:
                enqueue(conn, f"{ref}:admin", ADMIN_CARD, {"ref": ref}, platform=platform)
            return self._get(conn, ref)

    # -- the administrator creates it ------------------------------------------------------------
    def mark_created(
        self, ref: str, actor: Actor, handle: str, url: str | None, *, credentials_stored: bool
    ) -> Application:
        """`credentials_stored`: the administrator confirmed the login details are kept with them."""
        with self.db.transaction() as conn:
            application = self._find(conn, ref)
            # Who may, and whether it waits to be created, before the form: someone who may not is told
            # so, not what is wrong with what they typed.
            _raise(rules.may_mark_created(ref, application, actor, self._created_by(conn, ref)))
            _raise(rules.check_created(handle, url, credentials_stored))
            assert application is not None
            form = application.form
            cursor = conn.execute(
                """INSERT INTO accounts (application_ref, school, platform, handle, url, scope, lead_id, moderator_id,
                       approved_by, approved_at, created_by, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    ref, application.school, form.platform, handle, url, form.scope, form.lead, form.moderator,
                    application.decided_by, application.decided_at, actor.user_id, now(),
                ),
            )  # fmt: skip
            conn.execute(
                "UPDATE applications SET state = 'live', account_id = ? WHERE ref = ? AND state = 'approved'",
                (cursor.lastrowid, ref),
            )
            add_event(conn, ref, actor.user_id, "created", handle + (f" {url}" if url else ""))
            platform = case_platform(conn, "applications", ref)
            enqueue_refresh(conn, f"{ref}:admin", ADMIN_CARD, {"ref": ref}, platform=platform)
            enqueue_refresh(conn, f"{ref}:slt", APP_CARD, {"ref": ref}, platform=platform)
            notice = {"ref": ref, "event": "live"}
            enqueue(conn, f"{ref}:applicant", APPLICANT_NOTICE, notice, platform=platform)
            return self._get(conn, ref)

    # -- the register ----------------------------------------------------------------------------
    def change_lead(self, account_id: int, actor: Actor, new_lead: str) -> Account:
        with self.db.transaction() as conn:
            account = self._account_for_change(conn, account_id, actor)
            _raise(rules.check_new_lead(account, new_lead))
            conn.execute("UPDATE accounts SET lead_id = ? WHERE id = ?", (new_lead, account_id))
            add_event(conn, account.application_ref, actor.user_id, "lead changed", f"{account.lead_id} -> {new_lead}")
            return self._account(conn, account_id)

    def close_account(self, account_id: int, actor: Actor, status: AccountStatus | None, note: str | None) -> Account:
        """`status`: closed or handed over (`rules.closing_status` of the form's choice; None if nothing)."""
        with self.db.transaction() as conn:
            account = self._account_for_change(conn, account_id, actor)
            _raise(rules.check_closing(status, note))
            assert status is not None
            conn.execute(
                "UPDATE accounts SET status = ?, closed_at = ?, closed_by = ? WHERE id = ? AND status = 'active'",
                (status.value, now(), actor.user_id, account_id),
            )
            add_event(conn, account.application_ref, actor.user_id, f"account {status.value}", note)
            return self._account(conn, account_id)

    def user_left(self, user_id: str) -> list[Account]:
        """Someone left (a deactivated Slack account, a member removed from the school's team in Teams): SLT
        must give the accounts they led or moderated a new lead or moderator, or close them."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                "SELECT id FROM accounts WHERE status = 'active' AND (lead_id = ? OR moderator_id = ?)",
                (user_id, user_id),
            ).fetchall()
            affected = []
            for row in rows:
                account = self._account(conn, row["id"])
                told = conn.execute(
                    "SELECT 1 FROM case_events "
                    "WHERE case_ref = ? AND actor = ? AND action = 'staff account deactivated'",
                    (account.application_ref, user_id),
                ).fetchone()
                if told:  # chat platforms resend events; SLT hear about each departure once
                    continue
                affected.append(account)
                add_event(conn, account.application_ref, user_id, "staff account deactivated", None)
                alert = {"account": account.id, "user": user_id}
                platform = case_platform(conn, "applications", account.application_ref)
                enqueue(conn, f"ACC-{account.id}:alert", REGISTER_ALERT, alert, platform=platform)
            return affected

    # -- reading ---------------------------------------------------------------------------------
    def get(self, ref: str) -> Application | None:
        conn = self.db.connection()
        row = conn.execute("SELECT ref FROM applications WHERE ref = ?", (ref.strip().upper(),)).fetchone()
        return self._get(conn, row["ref"]) if row else None

    def versions(self, ref: str) -> list[tuple[int, str, ApplicationForm]]:
        rows = self.db.connection().execute(
            "SELECT version, submitted_at, form FROM application_versions WHERE ref = ? ORDER BY version", (ref,)
        )
        return [(r["version"], r["submitted_at"], _form(r["form"])) for r in rows]

    def pending_count(self) -> int:
        sql = "SELECT count(*) FROM applications WHERE state = 'submitted'"
        return self.db.connection().execute(sql).fetchone()[0]

    def by_applicant(self, applicant_id: str, limit: int = 10) -> list[Application]:
        conn = self.db.connection()
        rows = conn.execute(
            "SELECT ref FROM applications WHERE applicant_id = ? ORDER BY id DESC LIMIT ?", (applicant_id, limit)
        ).fetchall()
        return [self._get(conn, r["ref"]) for r in rows]

    def accounts(self, active_only: bool = False) -> list[Account]:
        conn = self.db.connection()
        sql = "SELECT id FROM accounts" + (" WHERE status = 'active'" if active_only else "") + " ORDER BY id"
        return [self._account(conn, r["id"]) for r in conn.execute(sql).fetchall()]

    def account(self, account_id: int) -> Account | None:
        conn = self.db.connection()
        exists = conn.execute("SELECT 1 FROM accounts WHERE id = ?", (account_id,)).fetchone()
        return self._account(conn, account_id) if exists else None

    def active_on_platform(self, platform: str | None, excluding_ref: str | None = None) -> list[Account]:
        return [
            a for a in self.accounts(active_only=True) if a.platform == platform and a.application_ref != excluding_ref
        ]

    def created_by(self, ref: str) -> str | None:
        """Who marked the application's account as created, if anyone has."""
        return self._created_by(self.db.connection(), ref)

    # -- internals -------------------------------------------------------------------------------
    def _account_for_change(self, conn: sqlite3.Connection, account_id: int, actor: Actor) -> Account:
        exists = conn.execute("SELECT 1 FROM accounts WHERE id = ?", (account_id,)).fetchone()
        account = self._account(conn, account_id) if exists else None
        _raise(rules.may_change_register(account, actor))
        assert account is not None
        return account

    def _by_key(self, conn: sqlite3.Connection, idempotency_key: str) -> Application | None:
        """The application a form submission already made, if Slack sent it before."""
        row = conn.execute(
            "SELECT ref FROM application_versions WHERE idempotency_key = ?", (idempotency_key,)
        ).fetchone()
        return self._get(conn, row["ref"]) if row else None

    def _find(self, conn: sqlite3.Connection, ref: str) -> Application | None:
        if conn.execute("SELECT 1 FROM applications WHERE ref = ?", (ref,)).fetchone() is None:
            return None
        return self._get(conn, ref)

    @staticmethod
    def _created_by(conn: sqlite3.Connection, ref: str) -> str | None:
        row = conn.execute("SELECT created_by FROM accounts WHERE application_ref = ?", (ref,)).fetchone()
        return row["created_by"] if row else None

    @staticmethod
    def _version(conn: sqlite3.Connection, ref: str, version: int, key: str, form: ApplicationForm) -> None:
        conn.execute(
            "INSERT INTO application_versions (ref, version, idempotency_key, submitted_at, form) "
            "VALUES (?, ?, ?, ?, ?)",
            (ref, version, key, now(), _form_json(form)),
        )

    @staticmethod
    def _get(conn: sqlite3.Connection, ref: str) -> Application:
        row = conn.execute("SELECT * FROM applications WHERE ref = ?", (ref,)).fetchone()
        form = conn.execute(
            "SELECT form FROM application_versions WHERE ref = ? AND version = ?", (ref, row["version"])
        ).fetchone()["form"]
        return Application(
            ref=row["ref"],
            school=row["school"],
            applicant_id=row["applicant_id"],
            state=AppState(row["state"]),
            version=row["version"],
            form=_form(form),
            submitted_at=row["submitted_at"],
            decided_by=row["decided_by"],
            decided_at=row["decided_at"],
            decision_reason=row["decision_reason"],
            account_id=row["account_id"],
            timeline=events(conn, ref),
        )

    @staticmethod
    def _account(conn: sqlite3.Connection, account_id: int) -> Account:
        row = conn.execute("SELECT * FROM accounts WHERE id = ?", (account_id,)).fetchone()
        return Account(
            id=row["id"],
            application_ref=row["application_ref"],
            platform=row["platform"],
            handle=row["handle"],
            url=row["url"],
            scope=row["scope"],
            lead_id=row["lead_id"],
            moderator_id=row["moderator_id"],
            approved_by=row["approved_by"],
            approved_at=row["approved_at"],
            created_by=row["created_by"],
            created_at=row["created_at"],
            status=AccountStatus(row["status"]),
            closed_at=row["closed_at"],
            closed_by=row["closed_by"],
        )
