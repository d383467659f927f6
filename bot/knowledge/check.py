"""`policybot kb check`: every problem in the knowledge base, each with file, line and clause id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from bot.knowledge.draft_words import answer_in_policy_words
from bot.knowledge.loader import (
    KnowledgeError,
    bundled_knowledge_dir,
    describe,
    load_file,
    load_vocabulary,
    school_files,
)
from bot.knowledge.models import Clause, KnowledgeFile, School, Vocabulary
from bot.knowledge.source_text import fold, folded_source, source_lines, without_numbering
from bot.knowledge.yaml_text import read_raw

# A source line this long that no clause quotes is probably a clause left out.
_MIN_WORDS_FOR_COVERAGE = 8
_REWRITE = "rewrite the answer as a colleague would say it (docs/load-your-policy.md)"


@dataclass(frozen=True)
class Problem:
    level: str  # "error" or "warning"
    file: Path
    line: int
    clause_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        who = f" [{self.clause_id}]" if self.clause_id else ""
        return f"{self.level}: {where}{who}: {self.message}"


def about_school(problem: Problem, school: str) -> bool:
    """Whether a problem is in the school's own file or its policy text (`sources/<school>.txt`)."""
    return problem.file.stem == school and problem.file.suffix in (".yaml", ".txt")


def bundled_copy(path: Path) -> bool:
    """Whether a school file is an unchanged copy of one the package bundles, kept in a folder for its example
    questions: its warnings (a review date passed, a heading in no clause) are not the folder's to act on."""
    bundled = bundled_knowledge_dir() / path.name
    return path.suffix == ".yaml" and bundled.is_file() and bundled.read_bytes() == path.read_bytes()


_CHECKED = "every clause is checked against the policy's own text there (`kb import` writes it)"


def _source_of(path: Path, source: str) -> Path:
    """The policy text a school file is checked against: `sources/` beside it, or, for an unchanged copy of a
    bundled file whose folder has no such text (the other schools' files copied in for their example questions,
    as `docs/load-your-policy.md` sets a folder up), the text the package bundles with it."""
    beside = path.parent / "sources" / source
    bundled = bundled_knowledge_dir() / "sources" / source
    if not beside.exists() and bundled.is_file() and bundled_copy(path):
        return bundled
    return beside


def check_file(path: Path, today: dt.date, seen_ids: dict[str, Path]) -> list[Problem]:
    try:
        raw = read_raw(path)
    except KnowledgeError as exc:
        return [Problem("error", path, 1, None, str(exc))]
    problems: list[Problem] = []
    if raw.school is None:
        return [Problem("error", path, 1, None, "missing 'school' mapping")]
    try:
        school = School.model_validate(raw.school.data)
    except ValidationError as exc:
        return [Problem("error", path, raw.school.line, None, f"school: {describe(exc)}")]
    if not raw.clauses:
        problems.append(Problem("error", path, 1, None, "no clauses"))

    source_path = _source_of(path, school.source)
    folded = ""
    if source_path.exists():
        source = source_path.read_text(encoding="utf-8")
        folded = folded_source(source, school.page_headers)
    else:
        missing = f"source policy {source_path} not found: {_CHECKED}"
        problems.append(Problem("error", path, raw.school.line, None, missing))

    school_line = raw.school.line

    def about_the_file(message: str) -> None:
        problems.append(Problem("warning", path, school_line, None, message))

    if school.is_past_review(today):
        about_the_file(f"{school.name}: policy review was due {school.review_due:%d %b %Y}; it is past its review date")

    if school.draft:
        about_the_file("draft import: review every clause, add example questions, then delete 'draft: true'")
    quoted: list[str] = []
    headings: set[str] = set()
    without_examples = 0
    policy_answers = 0
    built_lines = 0  # a draft's lines the import put together, not only the policy's first words
    for located in raw.clauses:
        clause_id = located.data.get("id") if isinstance(located.data.get("id"), str) else None
        try:
            clause = Clause.model_validate(located.data)
        except ValidationError as exc:
            problems.append(Problem("error", path, located.line, clause_id, describe(exc)))
            continue
        if clause.id in seen_ids:
            problems.append(
                Problem(
                    "error",
                    path,
                    located.line,
                    clause.id,
                    f"duplicate clause id (also in {seen_ids[clause.id]})",
                )
            )
        seen_ids[clause.id] = path
        if folded and fold(clause.text) not in folded:
            problems.append(
                Problem("error", path, located.line, clause.id, "text is not verbatim in the source policy")
            )
        if not clause.examples and school.draft:
            without_examples += 1  # one line for the whole draft, not one per clause
        elif not clause.examples:
            problems.append(Problem("warning", path, located.line, clause.id, "no example questions"))
        if answer_in_policy_words(clause):
            if school.draft:
                policy_answers += 1
            else:
                message = f"answer is the policy's own words: {_REWRITE}"
                problems.append(Problem("warning", path, located.line, clause.id, message))
        elif school.draft and not clause.examples:
            built_lines += 1
        quoted.append(fold(clause.text))
        headings.update({fold(clause.heading), fold(clause.section)})

    if without_examples:
        about_the_file(f"{without_examples} clause(s) have no example questions yet")
    if policy_answers:
        about_the_file(
            f"{policy_answers} clause(s) still answer in the policy's own words (the import's draft): {_REWRITE}; "
            "it is also how the bot finds the clause"
            # "83 clause(s) have no example questions yet" over "81 ... policy's own words" left an IT technician
            # wondering about the other two
            + (
                f"; {built_lines} more have a line the import built from the policy's words with a list's lead-in, "
                "heading or subject: read those too"
                if built_lines
                else ""
            )
        )
    if folded:
        # in the file's order, so that a paragraph a reviewer split into clauses one after another (a rule on
        # pictures, then one on phones) is still found whole
        joined = " ".join(quoted)
        for number, line in source_lines(source, school.page_headers):
            text = fold(without_numbering(line))
            if text in headings or fold(line) in headings:
                continue
            if len(text.split()) >= _MIN_WORDS_FOR_COVERAGE and text not in joined:
                problems.append(Problem("warning", source_path, number, None, f"not in any clause: {text[:70]}..."))
    return problems


def check_knowledge(directory: Path, today: dt.date | None = None, own_school: str | None = None) -> list[Problem]:
    """`own_school`: the school this folder answers for (POLICYBOT_SCHOOL); its file is the school's to
    edit, so it is not compared with a bundled copy of the same school."""
    today = today or dt.date.today()
    files = school_files(directory)
    if not files:
        return [Problem("error", directory, 0, None, "no school files (*.yaml)")]
    seen: dict[str, Path] = {}
    problems: list[Problem] = []
    for path in files:
        problems.extend(check_file(path, today, seen))
    problems.extend(_behind_the_bundled_schools(directory, files, own_school))
    try:
        vocabulary = load_vocabulary(directory)
    except KnowledgeError as exc:
        problems.append(Problem("error", directory / "vocabulary.yaml", 1, None, str(exc)))
    else:
        problems.extend(_behind_the_bundled_vocabulary(directory, vocabulary))
    return problems


def _behind_the_bundled_schools(directory: Path, files: list[Path], own_school: str | None) -> list[Problem]:
    """A folder set up from an earlier version keeps that version's copies of the reviewed schools, kept
    beside a school's own file for their example questions (the topic vote): what an update mends in
    them (a clause split, better examples) reaches the folder only if someone copies them over. Files are
    matched by the school id inside them, whatever their name."""
    bundled_dir = bundled_knowledge_dir()
    if directory.resolve() == bundled_dir.resolve():
        return []
    problems = []
    for path in files:
        try:
            ours = load_file(path)
        except (KnowledgeError, ValidationError, OSError):
            continue  # said by check_file
        school_id = ours.school.id
        bundled_path = bundled_dir / f"{school_id}.yaml"
        if (own_school or "").casefold() == school_id.casefold() or not bundled_path.is_file():
            continue
        if ours.school.draft:
            continue  # the school's own import of its policy, not a copy of ours: copying ours over would lose it
        try:
            theirs = load_file(bundled_path)
        except (KnowledgeError, ValidationError, OSError):
            continue
        mine, given = _clauses_by_id(ours), _clauses_by_id(theirs)
        differ = sorted(set(mine) ^ set(given) | {i for i in set(mine) & set(given) if mine[i] != given[i]})
        if not differ:
            continue
        shown = ", ".join(differ[:3]) + (", ..." if len(differ) > 3 else "")
        problems.append(
            Problem(
                "warning",
                path,
                1,
                None,
                f"{len(differ)} clause(s) differ from this version's copy of {school_id} ({shown}); if you have "
                f"not edited this file, copy {bundled_path} over it",
            )
        )
    return problems


def _clauses_by_id(knowledge: KnowledgeFile) -> dict[str, dict]:
    return {clause.id: clause.model_dump() for clause in knowledge.clauses}


def _behind_the_bundled_vocabulary(directory: Path, vocabulary: Vocabulary) -> list[Problem]:
    """A knowledge folder copied from an earlier version keeps that version's vocabulary: the words each
    update teaches the bot ("taken" is "take") reach it only if someone copies them over."""
    bundled_dir = bundled_knowledge_dir()
    if directory.resolve() == bundled_dir.resolve():
        return []
    try:
        bundled = load_vocabulary(bundled_dir)
    except KnowledgeError:
        return []
    missing = [
        f"{variant} -> {canonical}"
        for table, ours in ((bundled.synonyms, vocabulary.synonyms), (bundled.phrases, vocabulary.phrases))
        for canonical, variants in table.items()
        for variant in variants
        if variant not in ours.get(canonical, ())
    ]
    if not missing:
        return []
    shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
    return [
        Problem(
            "warning",
            directory / "vocabulary.yaml",
            1,
            None,
            f"{len(missing)} word(s) this version's vocabulary knows are missing here ({shown}); if you have not "
            f"edited this file, copy {bundled_dir / 'vocabulary.yaml'} over it, else add them",
        )
    ]
