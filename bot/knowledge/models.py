"""The clause knowledge base as typed records: a school, its policy, and the policy's clauses.

Everything a member of staff is shown comes from these records, so they are validated strictly
on load: an unknown field or stance is an error, not a silently ignored typo.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, field_validator, model_validator

from bot.knowledge.lead_ins import lead_ins

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=80)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Stance(StrEnum):
    """What a clause tells staff to do; drives the verdict line's wording."""

    NOT_ALLOWED = "not_allowed"
    ALLOWED = "allowed"
    ALLOWED_WITH_CARE = "allowed_with_care"
    MUST = "must"
    INFORMATION = "information"

    @property
    def label(self) -> str:
        return _STANCE_LABELS[self]


# Schools review a staff policy every one to three years (School.is_old_without_review_date).
UNDATED_REVIEW_YEARS = 3

_STANCE_LABELS = {
    Stance.NOT_ALLOWED: "Not allowed",
    Stance.ALLOWED: "Allowed",
    Stance.ALLOWED_WITH_CARE: "Allowed, with care",
    Stance.MUST: "You must",
    Stance.INFORMATION: "For information",
}


class PolicyStatus(StrEnum):
    """Whether the school's governors approved the policy, as the policy text itself shows."""

    APPROVED = "approved"
    DRAFT = "draft"  # the policy is marked draft and not approved
    UNAPPROVED = "unapproved"  # not marked draft, but the approval date (or signature) is left blank


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Clause(_Strict):
    id: Slug
    section: NonEmpty = Field(description="The reference as the school numbers it, e.g. '6.7'.")
    heading: NonEmpty
    text: NonEmpty = Field(description="Verbatim from the source policy.")
    answer: NonEmpty = Field(description="A plain one-line answer in staff words.")
    stance: Stance
    topics: list[Slug] = Field(default_factory=list)
    examples: list[NonEmpty] = Field(default_factory=list)
    # What a list item's fragment goes on from, set by its file (lead_ins.py): quoted before it
    _lead_in: str = PrivateAttr(default="")

    @property
    def lead_in(self) -> str:
        return self._lead_in


class School(_Strict):
    id: Slug
    name: NonEmpty
    policy_title: NonEmpty
    authority: str | None = None
    source: NonEmpty = Field(description="File name of the policy text under knowledge/sources/.")
    adopted: dt.date | None = None
    reviewed: dt.date | None = None
    review_due: dt.date | None = None
    dates_note: str | None = Field(None, description="The dates exactly as the policy states them.")
    status: PolicyStatus = Field(
        PolicyStatus.APPROVED,
        description="approved; draft (the policy is marked draft); unapproved (its approval date is left blank). "
        "When not approved, `adopted` is the date the policy bears, and staff are told it is not approved.",
    )
    report_to: NonEmpty = Field(description="Who the policy says misuse is reported to.")
    reporting_clause: str | None = Field(
        None,
        description="Id of the clause that tells staff to report misuse, quoted to reporters. Left out: the bot "
        "finds one among the clauses tagged reporting-misuse; null: the policy has none.",
    )
    page_headers: list[str] = Field(
        default_factory=list,
        description="Lines repeated by the Word/PDF conversion; not part of any clause.",
    )
    draft: bool = Field(False, description="Made by `policybot kb import` and not yet reviewed by a person.")

    def is_past_review(self, today: dt.date) -> bool:
        return self.review_due is not None and self.review_due < today

    def is_old_without_review_date(self, today: dt.date) -> bool:
        """Dated more than `UNDATED_REVIEW_YEARS` ago and naming no review date: such a policy may well have been
        replaced, and staff relying on it should know how old it is."""
        dated = self.policy_date
        if self.review_due is not None or dated is None:
            return False
        return dated < today.replace(year=today.year - UNDATED_REVIEW_YEARS, day=min(today.day, 28))

    @property
    def policy_date(self) -> dt.date | None:
        return self.reviewed or self.adopted


class KnowledgeFile(_Strict):
    """One `knowledge/<school>.yaml` file."""

    school: School
    clauses: list[Clause]

    @field_validator("clauses")
    @classmethod
    def _not_empty(cls, clauses: list[Clause]) -> list[Clause]:
        if not clauses:
            raise ValueError("a policy needs at least one clause")
        return clauses

    @model_validator(mode="after")
    def _lead_ins(self) -> KnowledgeFile:
        found = lead_ins(self.clauses)
        for clause in self.clauses:
            clause._lead_in = found.get(clause.id, "")
        return self

    @model_validator(mode="after")
    def _reporting_clause_exists(self) -> KnowledgeFile:
        wanted = self.school.reporting_clause
        if wanted is not None and wanted not in {c.id for c in self.clauses}:
            raise ValueError(f"school.reporting_clause {wanted!r} is not the id of any clause")
        return self


class Vocabulary(_Strict):
    """Staff words -> policy words, shared by every school (`knowledge/vocabulary.yaml`).

    `synonyms` maps a canonical policy term to the words staff type for it; `phrases` do the same
    for multi-word expressions, applied before single words.
    """

    synonyms: dict[str, list[str]] = Field(default_factory=dict)
    phrases: dict[str, list[str]] = Field(default_factory=dict)
    stopwords: list[str] = Field(default_factory=list)
    incidental: list[str] = Field(
        default_factory=list,
        description="Policy words a question names in passing (which app) more than asks about; they weigh less.",
    )
