"""The core's services, built once per process and shared by every adapter: settings, the policy,
storage, the outbox and its wake-up signal. A chat adapter extends `Core` with its own client and
roles (bot/slack/services.py, bot/teams/services.py) and starts the outbox runner with its transport.
Served together (`policybot serve --slack --teams`), both adapters are built on one set of parts, and
each runner sends only its own platform's outbox rows."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from bot.answers import PolicyBook
from bot.knowledge.models import School
from bot.settings import Settings
from bot.store.applications import ApplicationBook
from bot.store.database import Database
from bot.store.handled import secret
from bot.store.outbox import Outbox
from bot.store.question_log import QuestionLog
from bot.store.reports import ReportBook


@dataclass(kw_only=True)
class Core:
    settings: Settings
    book: PolicyBook
    db: Database
    questions: QuestionLog
    reports: ReportBook
    applications: ApplicationBook
    outbox: Outbox
    # Set after something is added to the outbox, so the runner sends it now rather than on its next poll.
    outbox_signal: threading.Event = field(default_factory=threading.Event)
    # Signs the buttons under an answer to the person asking (bot/question_buttons.py).
    button_key: bytes = b""

    def wake_outbox(self) -> None:
        self.outbox_signal.set()

    @property
    def school_id(self) -> str:
        assert self.settings.school is not None
        return self.settings.school

    @property
    def school(self) -> School:
        return self.book.school(self.school_id)

    def slt_counts(self) -> dict[str, int]:
        """Counts shown to SLT (Slack's App Home): open misuse reports, applications awaiting a decision."""
        return {
            "Open misuse reports": self.reports.open_count(),
            "Account applications awaiting a decision": self.applications.pending_count(),
        }


def core_parts(settings: Settings) -> dict:
    """Everything `Core` holds, for an adapter's own services class (`Services(**core_parts(s), ...)`)."""
    db = Database(settings.db)
    book = PolicyBook(settings.knowledge_dir, meaning=settings.meaning)
    book.index(settings.school or "")  # load and index the school now, not on the first question
    return {
        "settings": settings,
        "book": book,
        "db": db,
        "questions": QuestionLog(db),
        "reports": ReportBook(db),
        "applications": ApplicationBook(db),
        "outbox": Outbox(db),
        "button_key": secret(db, "answer_buttons"),
    }


def build_core(settings: Settings) -> Core:
    return Core(**core_parts(settings))
