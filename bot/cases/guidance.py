"""The policy's own words for a reporter: the clause that says to report, and what to do meanwhile.

Found with the question engine, limited to clauses curated under the category's topics, so a
newly imported school gets sensible guidance without hand-written mappings.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers import PolicyBook
from bot.cases.misuse import CATEGORY_BY_ID, REPORTING_QUERY, REPORTING_TOPICS
from bot.knowledge.models import Clause


@dataclass(frozen=True)
class Guidance:
    report_to: str
    reporting_clause: Clause | None
    meanwhile_clause: Clause | None


def _best_with_topics(book: PolicyBook, school_id: str, query: str, topics: frozenset[str]) -> Clause | None:
    for match in book.ask(school_id, query, top=40).ranking.matches:
        if topics & set(match.clause.topics):
            return match.clause
    return None


def guidance_for(book: PolicyBook, school_id: str, category_id: str) -> Guidance:
    category = CATEGORY_BY_ID.get(category_id, CATEGORY_BY_ID["other"])
    school = book.school(school_id)
    if "reporting_clause" in school.model_fields_set:
        reporting = book.clause(school_id, school.reporting_clause) if school.reporting_clause else None
    else:
        reporting = _best_with_topics(book, school_id, REPORTING_QUERY, REPORTING_TOPICS)
    meanwhile = _best_with_topics(book, school_id, category.guidance_query, category.topics)
    if meanwhile is not None and reporting is not None and meanwhile.id == reporting.id:
        meanwhile = None
    return Guidance(school.report_to, reporting, meanwhile)
