"""A school's database made by the version before migrations existed is brought to the current
schema when the bot opens it, with every record kept, and where each Slack message landed moved to
delivery's own table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.cases.records import Actor
from bot.store.applications import ApplicationBook
from bot.store.database import Database
from bot.store.migrations import MIGRATIONS
from bot.store.outbox import Outbox
from bot.store.places import Place, Places
from bot.store.question_log import QuestionLog
from bot.store.reports import ReportBook
from tests.fake_slack import FakeSlack
from tests.slack_app import dms_to, drained, start_bot, wait_until

# The schema exactly as the last version without migrations created it (bot/store/database.py at b330f6d).
SCHEMA_BEFORE_MIGRATIONS = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    asked_at TEXT NOT NULL,
    school TEXT NOT NULL,
    question TEXT NOT NULL,
    top_clause TEXT,
    answered INTEGER NOT NULL,
    feedback TEXT CHECK (feedback IN ('helpful', 'not_helpful')),
    escalated_at TEXT,
    user_id TEXT,          -- kept only when the asker escalates to SLT
    slt_channel TEXT,
    slt_ts TEXT
);
CREATE INDEX IF NOT EXISTS questions_thread ON questions (slt_channel, slt_ts);

-- Misuse reports. What the reporter submitted is never updated; triage adds to case_events.
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    ref TEXT UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,   -- the Slack view id: a resubmission is the same report
    school TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    reporter_id TEXT NOT NULL,
    category TEXT NOT NULL,
    what_happened TEXT NOT NULL,
    where_seen TEXT,
    happened_on TEXT,
    colleagues TEXT NOT NULL DEFAULT '[]',  -- JSON list of user ids
    others TEXT,
    child_at_risk TEXT NOT NULL CHECK (child_at_risk IN ('yes', 'no', 'not_sure')),
    actions_taken TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'closed')),
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    assignee TEXT,
    closed_at TEXT,
    closed_by TEXT,
    outcome TEXT,
    slt_channel TEXT,
    slt_ts TEXT,
    purged_at TEXT
);

-- Every case's timeline, append-only: who did what, when.
CREATE TABLE IF NOT EXISTS case_events (
    id INTEGER PRIMARY KEY,
    case_ref TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS case_events_ref ON case_events (case_ref, id);

-- Applications for official accounts. Each submitted version is kept in application_versions.
CREATE TABLE IF NOT EXISTS applications (
    id INTEGER PRIMARY KEY,
    ref TEXT UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    school TEXT NOT NULL,
    applicant_id TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'submitted'
        CHECK (state IN ('submitted', 'changes_requested', 'approved', 'rejected', 'live')),
    version INTEGER NOT NULL DEFAULT 1,
    submitted_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    decision_reason TEXT,
    slt_channel TEXT,
    slt_ts TEXT,
    admin_channel TEXT,
    admin_ts TEXT,
    account_id INTEGER
);

CREATE TABLE IF NOT EXISTS application_versions (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL,
    version INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    submitted_at TEXT NOT NULL,
    form TEXT NOT NULL,               -- JSON, exactly as submitted
    UNIQUE (ref, version)
);

-- The register of official accounts.
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    application_ref TEXT NOT NULL UNIQUE,
    school TEXT NOT NULL,
    platform TEXT NOT NULL,
    handle TEXT NOT NULL,
    url TEXT,
    scope TEXT NOT NULL,
    lead_id TEXT NOT NULL,
    moderator_id TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed', 'transferred')),
    closed_at TEXT,
    closed_by TEXT
);

-- Messages to send, written in the same transaction as what they announce. A topic's messages
-- go out in order; `claimed_until` is a lease so a crashed sender's message is picked up again.
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    claimed_until REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at TEXT
);
-- Requests already carried out, by a key the request itself carries (a form's view id, a click's
-- trigger): a replayed or retried request finds its key here and changes nothing.
CREATE TABLE IF NOT EXISTS handled (
    key TEXT PRIMARY KEY,
    at TEXT NOT NULL
);

-- Random keys made once per database (shared by every worker process), e.g. to sign button values.
CREATE TABLE IF NOT EXISTS secrets (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- SLT's replies in an escalated question's thread, stored before the asker is told (through the outbox).
CREATE TABLE IF NOT EXISTS slt_replies (
    id INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL,
    channel TEXT NOT NULL,
    ts TEXT NOT NULL,
    replier TEXT NOT NULL,
    text TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (channel, ts)
);

-- Where a message the bot posted is, for messages a later change must find (e.g. the DSL alert, which
-- the retention purge redraws without the report's content).
CREATE TABLE IF NOT EXISTS slack_messages (
    topic TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    ts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS outbox_topic ON outbox (topic, status, id);
"""


def _old_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_BEFORE_MIGRATIONS)
    conn.executescript(
        """
        INSERT INTO reports (ref, idempotency_key, school, submitted_at, reporter_id, category, what_happened,
                             child_at_risk, state, acknowledged_by, slt_channel, slt_ts)
        VALUES ('MR-0001', 'V1', 'dobcroft', '2025-01-06T09:00:00+00:00', 'UTA00001', 'parent_post',
                'A parent posted about me.', 'yes', 'acknowledged', 'UHEAD0001', 'GSLT0001', '1700000000.000100');
        INSERT INTO case_events (case_ref, at, actor, action) VALUES
            ('MR-0001', '2025-01-06T09:00:00+00:00', 'UTA00001', 'submitted');
        INSERT INTO slack_messages (topic, channel, ts) VALUES ('MR-0001:dsl', 'GDSL0001', '1700000000.000200');
        INSERT INTO applications (ref, idempotency_key, school, applicant_id, state, submitted_at, decided_by,
                                  slt_channel, slt_ts, admin_channel, admin_ts)
        VALUES ('AR-0001', 'VA1', 'dobcroft', 'UTA00001', 'approved', '2025-01-06T09:00:00+00:00', 'UHEAD0001',
                'GSLT0001', '1700000000.000300', 'GADM0001', '1700000000.000400');
        INSERT INTO application_versions (ref, version, idempotency_key, submitted_at, form)
        VALUES ('AR-0001', 1, 'VA1', '2025-01-06T09:00:00+00:00',
                '{"platform": "blog", "handle": "Year 5 blog", "scope": "class", "reason": "r", "audience": "a",
                  "lead": "UTA00001", "moderator": "UTEACH001", "email": "e", "pupil_images": "no",
                  "confirmations": []}');
        INSERT INTO outbox (topic, kind, payload, created_at) VALUES ('MR-0001:reporter', 'report_reporter_notice',
                '{"ref": "MR-0001", "event": "acknowledged"}', '2025-01-06T09:05:00+00:00');
        """
    )
    conn.commit()
    conn.close()


def test_a_database_from_before_migrations_is_migrated_with_its_records_kept(tmp_path: Path) -> None:
    path = tmp_path / "policybot.db"
    _old_database(path)
    db = Database(path)
    assert db.connection().execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    report = ReportBook(db).get("MR-0001")
    assert report is not None and (report.state, report.acknowledged_by) == ("acknowledged", "UHEAD0001")
    assert [e.action for e in report.timeline] == ["submitted"]
    application = ApplicationBook(db).get("AR-0001")
    assert application is not None and application.form.handle == "Year 5 blog"
    places = Places(db)
    assert places.get("MR-0001:slt", "slack") == Place("GSLT0001", "1700000000.000100")
    assert places.get("MR-0001:dsl", "slack") == Place("GDSL0001", "1700000000.000200")
    assert places.get("AR-0001:slt", "slack") == Place("GSLT0001", "1700000000.000300")
    assert places.get("AR-0001:admin", "slack") == Place("GADM0001", "1700000000.000400")
    assert [i.topic for i in Outbox(db).items("pending")] == ["MR-0001:reporter"]
    columns = {r["name"] for r in db.connection().execute("PRAGMA table_info(reports)")}
    if sqlite3.sqlite_version_info >= (3, 35, 0):
        assert not {"slt_channel", "slt_ts"} & columns


def test_opening_again_changes_nothing_and_new_records_still_work(tmp_path: Path) -> None:
    path = tmp_path / "policybot.db"
    _old_database(path)
    Database(path)
    db = Database(path)  # a second open, e.g. a CLI command beside the running bot
    assert db.connection().execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert [r.ref for r in ReportBook(db).all()] == ["MR-0001"]


def test_a_new_database_gets_every_migration(tmp_path: Path) -> None:
    db = Database(tmp_path / "new.db")
    assert db.connection().execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.connection().execute("SELECT count(*) FROM places").fetchone()[0] == 0


# An escalated question as version 3 kept it: where it was posted for SLT was a column of the question log.
SLT_POST = "1700000000.000500"


def _database_at_version_3_with_an_escalated_question(path: Path) -> None:
    conn = sqlite3.connect(path)
    for number, migration in enumerate(MIGRATIONS[:3], start=1):
        migration(conn)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute(
        "INSERT INTO questions (id, asked_at, school, question, answered, escalated_at, user_id, slt_channel, slt_ts) "
        "VALUES (7, '2025-01-06T09:00:00+00:00', 'dobcroft', 'where do I hand in my expenses form?', 0, "
        "'2025-01-06T09:01:00+00:00', 'UTA00001', 'GSLT0001', ?)",
        (SLT_POST,),
    )
    conn.commit()
    conn.close()


def test_an_escalated_question_from_version_3_is_found_by_its_slt_thread(tmp_path: Path) -> None:
    path = tmp_path / "policybot.db"
    _database_at_version_3_with_an_escalated_question(path)
    db = Database(path)
    assert db.connection().execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert Places(db).get("question:7:slt", "slack") == Place("GSLT0001", SLT_POST)
    asked = QuestionLog(db).by_slt_thread("GSLT0001", SLT_POST)
    assert asked is not None and (asked.id, asked.user_id) == (7, "UTA00001")
    assert QuestionLog(db).by_slt_thread("GSLT0001", "1700000000.000999") is None
    if sqlite3.sqlite_version_info >= (3, 35, 0):
        columns = {r["name"] for r in db.connection().execute("PRAGMA table_info(questions)")}
        assert not {"slt_channel", "slt_ts"} & columns


def test_slt_replying_after_the_upgrade_still_reaches_the_asker(slack: FakeSlack, tmp_path: Path) -> None:
    path = tmp_path / "policybot.db"
    _database_at_version_3_with_an_escalated_question(path)
    bot = start_bot(slack, path)
    try:
        reply = bot.event(
            {
                "type": "message",
                "channel": "GSLT0001",
                "user": "UHEAD0001",
                "text": "Expenses go to the office in the blue tray.",
                "ts": "1700000100.000001",
                "thread_ts": SLT_POST,
                "channel_type": "group",
            }
        )
        assert reply.status == 200
        [dm] = wait_until(lambda: dms_to(slack, "UTA00001"))
        assert "Expenses go to the office in the blue tray." in dm
        drained(bot)
        assert dms_to(slack, "UTA00001") == [dm]
    finally:
        bot.stop()


# Version 4, before outbox rows named their platform: one database served one platform, so a Teams
# school's database held Teams' cases and notifications only. These rows must stay Teams' after the upgrade.
def _database_at_version_4(path: Path, teams: bool) -> None:
    conn = sqlite3.connect(path)
    for number, migration in enumerate(MIGRATIONS[:4], start=1):
        migration(conn)
        conn.execute(f"PRAGMA user_version = {number}")
    key = "teams:dialog-1" if teams else "V1"
    reporter = "29:reporter" if teams else "UTA00001"
    conn.execute(
        "INSERT INTO reports (ref, idempotency_key, school, submitted_at, reporter_id, category, what_happened, "
        "child_at_risk) VALUES ('MR-0001', ?, 'dobcroft', '2025-01-06T09:00:00+00:00', ?, 'parent_post', "
        "'A parent posted about me.', 'no')",
        (key, reporter),
    )
    rows = [
        ("MR-0001:slt", "report_card", '{"ref": "MR-0001"}'),
        ("MR-0001:reporter", "report_reporter_notice", '{"ref": "MR-0001", "event": "received"}'),
        ("admin", "admin_alert", '{"failed": "x", "error": "y"}'),
    ]
    if teams:
        conn.execute(
            "INSERT INTO conversation_refs (platform, key, conversation, service_url, updated_at) "
            "VALUES ('teams', 'service', '', 'https://smba.example/', '2025-01-06T09:00:00+00:00')"
        )
        conn.execute(
            "INSERT INTO questions (id, asked_at, school, question, answered, escalated_at, user_id) "
            "VALUES (3, '2025-01-06T09:00:00+00:00', 'dobcroft', 'q', 0, '2025-01-06T09:01:00+00:00', '29:asker')"
        )
        rows.append(("question:3", "slt_question", '{"question": 3, "name": "A"}'))
    conn.executemany(
        "INSERT INTO outbox (topic, kind, payload, created_at) VALUES (?, ?, ?, '2025-01-06T09:00:00+00:00')", rows
    )
    conn.commit()
    conn.close()


def test_a_slack_databases_waiting_notifications_stay_slacks(tmp_path: Path) -> None:
    path = tmp_path / "policybot.db"
    _database_at_version_4(path, teams=False)
    db = Database(path)
    outbox = Outbox(db)
    assert {(i.topic, i.platform) for i in outbox.items("pending")} == {
        ("MR-0001:slt", "slack"),
        ("MR-0001:reporter", "slack"),
        ("admin", "slack"),
    }
    assert outbox.claim("teams") is None
    assert outbox.claim("slack") is not None


def test_a_teams_databases_waiting_notifications_stay_teams_and_its_cases_too(tmp_path: Path) -> None:
    path = tmp_path / "policybot.db"
    _database_at_version_4(path, teams=True)
    db = Database(path)
    outbox = Outbox(db)
    assert {i.platform for i in outbox.items("pending")} == {"teams"}
    assert len(outbox.items("pending")) == 4
    assert outbox.claim("slack") is None
    # A later change to the case (SLT acknowledge it) is announced on the platform it came from.
    ReportBook(db).acknowledge("MR-0001", Actor("29:head", is_slt=True))
    assert {i.platform for i in outbox.items("pending")} == {"teams"}
