"""A policy file -> a draft `knowledge/<school>.yaml` and its policy text under `sources/`.

The draft loads with the knowledge-base models and passes `policybot kb check`: every clause text is
verbatim in the policy text written beside it. It is marked `draft: true` and has no example
questions; `kb check` reminds the reviewer until both are dealt with (docs/load-your-policy.md).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.knowledge.draft_words import product_notes
from bot.knowledge.importing.blocks import read_blocks
from bot.knowledge.importing.details import Details, read_details
from bot.knowledge.importing.extract import Progress, extract
from bot.knowledge.importing.guess import draft_answer, guess_stance, guess_topics, shortened
from bot.knowledge.importing.merge import MergeReport, drafted_record, merge
from bot.knowledge.importing.split import DraftClause, split
from bot.knowledge.loader import inside_installed_package
from bot.knowledge.models import KnowledgeFile
from bot.knowledge.source_text import fold

SCHOOL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
_ID_LENGTH = 72  # leaves room for "-NN" within the models' 80


class DraftError(Exception):
    """The policy cannot be imported as asked; the message is one line for the user."""


@dataclass
class Draft:
    data: dict[str, Any]  # the knowledge-file mapping, as written
    source_text: str
    source_name: str
    details: Details
    page_headers: list[str]
    pages: int
    merged: MergeReport | None = None
    notes: list[str] = field(default_factory=list)
    drafted: dict[str, dict[str, Any]] = field(default_factory=dict)  # merge.drafted_record, before merging

    @property
    def clauses(self) -> list[dict[str, Any]]:
        return self.data["clauses"]


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9.]+", "-", text.lower())
    return re.sub(r"-{2,}", "-", slug).strip("-.") or "clause"


def clause_ids(school_id: str, clauses: list[DraftClause]) -> list[str]:
    """`<school>-<section>`, numbered `-1`, `-2`... where a section holds several clauses."""
    bases = [f"{school_id}-{_slug(c.section)}"[:_ID_LENGTH].rstrip("-.") for c in clauses]
    totals = Counter(bases)
    seen: Counter[str] = Counter()
    ids = []
    for base in bases:
        seen[base] += 1
        ids.append(f"{base}-{seen[base]}" if totals[base] > 1 else base)
    return ids


def _clause(clause_id: str, clause: DraftClause) -> dict[str, Any]:
    return {
        "id": clause_id,
        "section": clause.section,
        "heading": clause.heading,
        "text": clause.text,
        "answer": draft_answer(clause),
        "stance": guess_stance(clause).value,
        "topics": guess_topics(clause),
        "examples": [],
    }


def _lead_ins_answered(drafted: list[dict[str, Any]], clauses: list[DraftClause]) -> None:
    """A clause that is only its list's lead-in ("When using social media for educational purposes, the
    following practices must be observed:") answers with the lead-in and then its items, where its answer
    line would otherwise stop at the colon."""
    for at, (clause, mine) in enumerate(zip(clauses, drafted, strict=True)):
        if not mine["answer"].endswith(":"):
            continue
        lead = clause.text.strip()
        items = []
        for item in clauses[at + 1 :]:
            if not item.lead_in or not lead.endswith(item.lead_in.strip()):
                break
            items.append(item.text.strip().rstrip(";.,"))
        if items:
            mine["answer"] = shortened(f"{mine['answer']} " + "; ".join(items) + ".")


# What a published template says to the schools that adopt it: "(schools should amend this section in the light of
# their policies ...)", "[insert school name]", "delete as appropriate".
_TEMPLATE_NOTE = re.compile(
    r"\b(?:schools?|academ(?:y|ies))\s+(?:should|may wish to|will need to|must)\s+(?:amend|adapt|edit|insert|add|"
    r"delete|replace|customi[sz]e)\b|\binsert (?:the )?(?:name|school|details|date)\b|\bdelete as (?:appropriate|"
    r"applicable)\b",
    re.IGNORECASE,
)


def _template_note(drafted: list[dict[str, Any]]) -> str | None:
    """The import's note on clauses that keep a published template's note to the schools that adopt it: staff
    would be quoted those words."""
    kept = [clause["id"] for clause in drafted if _TEMPLATE_NOTE.search(clause["text"])]
    if not kept:
        return None
    return (
        f"{len(kept)} clause(s) keep a template's note to schools (\"schools should amend this section ...\"): "
        f"staff would be quoted those words; check them: {_some(kept, 5)}"
    )


def _product_note(drafted: list[dict[str, Any]]) -> str | None:
    """The import's note on clauses that keep the template's advertisements for its publisher's products: a draft
    never answers with them, but its quotes still show them until a reviewer deletes them."""
    kept = [(clause["id"], notes) for clause in drafted if (notes := product_notes(clause["text"]))]
    if not kept:
        return None
    first = kept[0][1][0]
    example = first if len(first) <= _EXAMPLE_CHARS else f"{first[:_EXAMPLE_CHARS].rsplit(' ', 1)[0]} ..."
    return (
        f"{len(kept)} clause(s) keep the template publisher's notes on its products (\"{example}\"): answers leave "
        f"them out, but quotes show them until you delete them: {_some([clause_id for clause_id, _ in kept], 5)}"
    )


_EXAMPLE_CHARS = 60


def _some(names: list[str], most: int, between: str = ", ") -> str:
    """The first `most` names, and how many more: "a, b, c, d, e and 4 more"."""
    return between.join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def make_draft(
    path: Path,
    school_id: str,
    name: str | None = None,
    previous: dict[str, Any] | None = None,
    progress: Progress | None = None,
    previous_text: str | None = None,
    previous_drafted: dict[str, dict[str, Any]] | None = None,
) -> Draft:
    """`previous`: the reviewed file the draft keeps the work of; `previous_text`: the policy text it was
    cut from (the same text again keeps the reviewer's dates too); `previous_drafted`: what the importer
    drafted for it (`drafted_path`), so clauses nobody touched take this version's reading."""
    if not SCHOOL_ID.match(school_id):
        raise DraftError(
            f"school id {school_id!r} must be lower-case letters, digits and hyphens, e.g. 'st-marys-primary'"
        )
    extracted = extract(path, progress)
    layout = read_blocks(extracted.text, extracted.repeats_are_headers, extracted.headings)
    clauses = split(layout)
    if not clauses:
        raise DraftError(
            f"{path.name}: no policy text found (a scanned PDF has none: export the policy from Word instead)"
            if path.suffix.lower() == ".pdf"
            else f"{path.name}: no policy text found in it"
        )
    # A running header or footer left out of the text may still say when the policy was approved
    details = read_details("\n".join([extracted.text, *dict.fromkeys(extracted.removed)]), school_id, name)
    school: dict[str, Any] = {
        "id": school_id,
        "name": details.name,
        "policy_title": details.policy_title,
        "source": f"{school_id}.txt",
        "adopted": details.adopted,
        "reviewed": details.reviewed,
        "review_due": details.review_due,
        "dates_note": details.dates_note,
        "report_to": details.report_to,
        "status": details.status if details.status != "approved" else None,
        "page_headers": layout.page_headers,
        "draft": True,
    }
    school = {k: v for k, v in school.items() if v is not None}
    ids = clause_ids(school_id, clauses)
    drafted = [_clause(i, c) for i, c in zip(ids, clauses, strict=True)]
    _lead_ins_answered(drafted, clauses)
    data = {"school": school, "clauses": drafted}
    draft = Draft(data, extracted.text, school["source"], details, layout.page_headers, extracted.pages)
    draft.drafted = drafted_record(draft.clauses)
    draft.notes.extend(details.notes)
    draft.notes.extend(extracted.notes)
    if extracted.removed:
        # Named once each, whatever their page number, so a reviewer sees nothing of the policy went with them
        first: dict[str, str] = {}
        for line in extracted.removed:
            first.setdefault(re.sub(r"\d+", "#", line), line)
        named = _some(list(first.values()), 4, "; ")
        draft.notes.append(f"{len(extracted.removed)} page header/footer line(s) left out of the text: {named}")
    for note in (_template_note(drafted), _product_note(drafted)):
        if note:
            draft.notes.append(note)
    if previous is not None:
        same_text = previous_text is not None and fold(previous_text) == fold(extracted.text)
        draft.merged = merge(previous, data, same_text, previous_drafted)
        if name:
            school["name"] = name
    try:
        KnowledgeFile.model_validate(data)
    except ValidationError as exc:  # a bug here, not the user's: say so plainly
        raise DraftError(f"the draft does not meet the knowledge-base format: {exc.errors()[0]['msg']}") from exc
    return draft


class _Dumper(yaml.SafeDumper):
    """Short lists on one line (`topics: [privacy, photos]`), sentences one per line: a reviewer edits
    the example questions a re-import keeps, and a wrapped `[...]` of quoted sentences is hard to edit."""

    def represent_list(self, data: Any) -> yaml.SequenceNode:
        short = all(isinstance(item, str) and len(item) <= _SHORT_ITEM for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=short)


_SHORT_ITEM = 30
_Dumper.add_representer(list, _Dumper.represent_list)


def render(draft: Draft, policy: Path) -> str:
    # A line break in the file name would end the comment and leave the rest of the name as YAML.
    name = "".join(c if c.isprintable() else " " for c in policy.name)
    header = (
        f"# DRAFT made by `policybot kb import` from {name} on {dt.date.today():%d %b %Y}.\n"
        "# Before staff rely on it: check the school details and dates; read every clause's answer, stance\n"
        "# and topics; add two or three example questions in staff words to each clause; run\n"
        "# `policybot kb check`; then delete the line `draft: true`. See docs/load-your-policy.md.\n"
    )
    body = yaml.dump(draft.data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    return header + body


def check_target(out: Path, school_id: str) -> None:
    """Where a draft may be written, before the policy is read; DraftError if not there."""
    if out.name != f"{school_id}.yaml":
        raise DraftError(
            f"{out.name}: a school's file is named after its id, so --school {school_id} needs "
            f"{out.with_name(school_id + '.yaml')} (the bot finds a school by its file name)"
        )
    if inside_installed_package(out.parent):
        raise DraftError(
            f"{out.parent} is the knowledge base inside the installed package, which the next `pip install` "
            "replaces: keep your school's files in a folder of your own, e.g. "
            f"`cp -r {out.parent} ~/policybot-knowledge`, and set POLICYBOT_KNOWLEDGE_DIR to it (or pass --dir)"
        )


def drafted_path(folder: Path, source_name: str) -> Path:
    """Where `kb import` records what it drafted for each clause: beside the policy text it cut them from."""
    return folder / "sources" / f"{Path(source_name).stem}.drafted.json"


def read_drafted(folder: Path, source_name: str) -> dict[str, dict[str, Any]] | None:
    """The record `write_draft` left, or None (a file imported before records were kept, or unreadable)."""
    try:
        record = json.loads(drafted_path(folder, source_name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    clauses = record.get("clauses") if isinstance(record, dict) else None
    if not isinstance(clauses, dict):
        return None
    return {k: v for k, v in clauses.items() if isinstance(k, str) and isinstance(v, dict)}


def write_draft(draft: Draft, policy: Path, out: Path, force: bool) -> Path | None:
    """Write the YAML and its policy text; returns the backup of a replaced file, if any."""
    source = out.parent / "sources" / draft.source_name
    text = draft.source_text if draft.source_text.endswith("\n") else draft.source_text + "\n"
    if not force:
        if out.exists():
            raise DraftError(f"{out} already exists; add --force to replace it (reviewed clauses are kept)")
        if source.exists() and source.read_text(encoding="utf-8") != text:
            raise DraftError(f"{source} already exists with other text; add --force to replace it")
    backup = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        source.parent.mkdir(parents=True, exist_ok=True)
        if out.exists():
            backup = out.with_name(out.name + ".bak")
            backup.write_bytes(out.read_bytes())
        source.write_text(text, encoding="utf-8")
        record = {"about": "what `policybot kb import` drafted for each clause; see docs/load-your-policy.md",
                  "clauses": draft.drafted}  # fmt: skip
        drafted_path(out.parent, draft.source_name).write_text(json.dumps(record, indent=1), encoding="utf-8")
        out.write_text(render(draft, policy), encoding="utf-8")
    except OSError as exc:
        raise DraftError(f"cannot write {exc.filename}: {exc.strerror}") from exc
    return backup
