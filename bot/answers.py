"""The question engine: a school's policy, its clause index, and answers to staff questions.

Front ends hold one `PolicyBook` and call `ask`; schools are indexed on first use. Indexing a school
also reads the folder's other school files once, for their example questions and topics
(matching/topic_prior.py), with their vectors from caches only: never encoded on that account.
"""

from __future__ import annotations

import difflib
import logging
import re
import threading
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from rapidfuzz import fuzz

from bot.cache_folder import cache_folder
from bot.knowledge.loader import KnowledgeError, load_file, load_vocabulary, school_files
from bot.knowledge.models import Clause, KnowledgeFile, School, Stance
from bot.matching import kept_vote
from bot.matching.index import ClauseIndex, Match, Ranking
from bot.matching.normalise import Normaliser
from bot.matching.semantic import encoder, load_in_background
from bot.matching.topic_prior import TopicPrior
from bot.matching.vectors import ClauseVectors, cached_vectors, clause_vectors
from bot.question_kind import asks_if_allowed
from bot.questions import clean_question
from bot.verdicts import closest_line, headline

log = logging.getLogger(__name__)
# A listed clause whose line has at least this many words, all (or nearly all) in a line above it, says it again
_REPEAT_WORDS = 6
_REPEAT_RATIO = 95
_SPARE = 2  # clauses ranked beyond those asked for, to list in place of one that says a line above again


class UnknownSchoolError(LookupError):
    def __init__(self, school_id: str, known: list[str], directory: Path | None = None) -> None:
        self.school_id = school_id
        self.known = known
        # An empty list usually means the wrong folder (a typo in POLICYBOT_KNOWLEDGE_DIR): name it.
        listing = ", ".join(known) if known else f"none found in {directory or 'the knowledge folder'}"
        close = difflib.get_close_matches(school_id.lower(), known, n=1, cutoff=0.75)
        guess = f" (did you mean {close[0]}?)" if close else ""
        super().__init__(f"unknown school id {school_id!r}{guess}; known school ids: {listing}")


@dataclass(frozen=True)
class Answer:
    school: School
    question: str
    ranking: Ranking
    verdict_label: str = ""  # the best clause's stance, qualified by its exceptions and the question (verdicts.py)
    verdict_line: str = ""  # what follows the label, when not the clause's answer line (verdicts.limit_line)
    # the line to show for each ranked clause, by id, where it is not its answer line (verdicts.closest_line)
    lines: dict[str, str] = field(default_factory=dict)

    @property
    def answered(self) -> bool:
        return self.ranking.answered

    @property
    def best(self) -> Match | None:
        return self.ranking.best

    @property
    def related(self) -> tuple[Match, ...]:
        return self.ranking.matches[1:]

    def line(self, clause: Clause) -> str:
        """What to show for a related or closest clause."""
        return self.lines.get(clause.id, clause.answer)


class PolicyBook:
    """Every school in a knowledge directory, indexed lazily."""

    def __init__(self, directory: Path, meaning: bool = True, keep_copies: bool = True) -> None:
        """`meaning`: rank by sentence meaning as well as words (the setting POLICYBOT_MEANING).
        `keep_copies`: keep validated copies of the folder's files for later starts (knowledge/kept.py);
        off for a folder used once, such as a benchmark's temporary one."""
        self.directory = directory
        self.meaning = meaning
        self._keep_copies = keep_copies
        self._indexes: dict[str, ClauseIndex] = {}
        self._topic_prior: TopicPrior | None = None
        self._topic_prior_built = False
        self._files: dict[Path, KnowledgeFile] = {}  # parsed once: indexing one school reads the others too
        # Indexing reads files and may encode: the HTTP server's threads wait for one build, not do two.
        self._building = threading.Lock()

    def school_ids(self) -> list[str]:
        return [p.stem for p in school_files(self.directory)]

    def index(self, school_id: str) -> ClauseIndex:
        school_id = school_id.strip().lower()  # ids are lower case; "Dobcroft" means dobcroft
        if school_id not in self._indexes:
            with self._building:
                if school_id not in self._indexes:
                    self._indexes[school_id] = self._build(school_id)
        return self._indexes[school_id]

    def _build(self, school_id: str) -> ClauseIndex:
        path = self.directory / f"{school_id}.yaml"
        if not self.directory.is_dir():
            raise KnowledgeError(
                f"the knowledge folder {self.directory} does not exist (check POLICYBOT_KNOWLEDGE_DIR)"
            )
        if path not in school_files(self.directory):
            raise UnknownSchoolError(school_id, self.school_ids(), self.directory)
        # The sentence model loads on another thread while this one reads the file and builds the index.
        if self.meaning:
            load_in_background()
        # The folder's files before any is read: a vote built while one of them changes is not kept.
        before = self._vote_digest()
        kb = self._load(path)
        if kb.school.id != school_id:
            raise KnowledgeError(f"{path}: school id {kb.school.id!r} does not match the file name")
        vectors = clause_vectors(kb, self.directory, announce=True) if self.meaning else None
        # What the folder's reviewed example questions say a question is about: most help to clauses
        # nobody has given example questions yet (a new school's import).
        prior = self._topics(school_id, kb, vectors, before) if vectors is not None else None
        index = ClauseIndex.for_school(
            kb, load_vocabulary(self.directory, self._cache_folder), vectors=vectors, topic_prior=prior
        )
        if self.meaning:
            encoder()  # the model too (raising here if it cannot load), so a first question waits for nothing
        return index

    def _vote_digest(self) -> str:
        """What a kept vote must have been built from (matching/kept_vote.py); empty if none is kept."""
        if not self.meaning or self._topic_prior_built or self._cache_folder is None:
            return ""
        return kept_vote.digest(self.directory, self._cache_folder)

    def _topics(self, school_id: str, kb: KnowledgeFile, vectors: ClauseVectors, before: str) -> TopicPrior | None:
        """The folder's example questions and their topics, read once per book (every school's file), or
        kept from an earlier start while none of the files has changed (matching/kept_vote.py)."""
        if not self._topic_prior_built:
            now = kept_vote.digest(self.directory, self._cache_folder) if before and self._cache_folder else ""
            self._topic_prior = kept_vote.recall(self._cache_folder, self.directory, now) if now else None
            if self._topic_prior is None:
                self._topic_prior, cached = self._vote(school_id, kb, vectors)
                # Kept only as the folder's vote: every school's vectors as its cache holds them, and no
                # file changed while it was built (a curator saving one while this start read them).
                if self._topic_prior is not None and cached and now == before:
                    kept_vote.keep(self._cache_folder, self.directory, now, self._topic_prior)
            self._topic_prior_built = True
        return self._topic_prior

    def _vote(self, school_id: str, kb: KnowledgeFile, vectors: ClauseVectors) -> tuple[TopicPrior | None, bool]:
        """The folder's vote, in the files' order whichever school is asked first, and whether each
        school's vectors came from its cache (as any later start would read them)."""
        schools: list[tuple[KnowledgeFile, ClauseVectors]] = []
        cached = True
        for path in school_files(self.directory):
            if path.stem == school_id:
                own = cached_vectors(kb, self.directory)  # the cache's, as rounded there, if it has them all
                cached = cached and own is not None
                schools.append((kb, own if own is not None else vectors))
                continue
            try:
                other = self._load(path)
            except KnowledgeError as exc:  # that school's own questions report it; this one can do without
                log.warning("example questions of %s not used for other schools: %s", path.name, exc)
                continue
            if other.school.id != path.stem:  # a kept copy ("dobcroft-old.yaml") would vote twice
                log.info("example questions of %s not used: its school id is %s", path.name, other.school.id)
                continue
            other_vectors = cached_vectors(other, self.directory)
            if other_vectors is None:
                log.info("example questions of %s not used until its vectors are cached (ask it once)", path.name)
                continue
            schools.append((other, other_vectors))
        return TopicPrior.from_schools(schools), cached

    @cached_property
    def _cache_folder(self) -> Path | None:
        """Where validated copies of the knowledge files are kept (knowledge/kept.py): read from the
        settings once, when the first file is read."""
        return cache_folder() if self._keep_copies else None

    def _load(self, path: Path) -> KnowledgeFile:
        if path not in self._files:
            self._files[path] = load_file(path, kept_in=self._cache_folder)
        return self._files[path]

    def school(self, school_id: str) -> School:
        return self.index(school_id).school

    def clause(self, school_id: str, clause_id: str) -> Clause | None:
        return self.index(school_id).clause(clause_id)

    def ask(self, school_id: str, question: str, top: int = 3) -> Answer:
        """Rank the school's clauses for the question. Raises QuestionError or UnknownSchoolError."""
        index = self.index(school_id)
        cleaned = clean_question(question)
        ranking = index.rank(cleaned, top=max(top, 1) + _SPARE)
        best = ranking.best
        if best is None:
            return Answer(index.school, cleaned, ranking)
        kinds = _kinds_named(ranking.terms, index.normaliser)
        closeness = ranking.closeness
        verdict_label, line = headline(
            best.clause, ranking.terms, index.normaliser.terms, cleaned, kinds, closeness.get(best.clause.id, ())
        )
        named = (*ranking.terms, *kinds)
        shown = [
            (m, closest_line(m.clause, named, index.normaliser.terms, closeness.get(m.clause.id, ()), cleaned))
            for m in ranking.matches
        ]
        kept = _unrepeated(shown)[: max(top, 1)]
        ranking = replace(ranking, matches=tuple(m for m, _ in kept))
        if ranking.answered and _permission_elsewhere(verdict_label, best, cleaned):
            ranking = replace(ranking, answered=False, sure=False, near=True)
        lines = {m.clause.id: text for m, text in kept if text != m.clause.answer}
        return Answer(index.school, cleaned, ranking, verdict_label, line, lines)


def _permission_elsewhere(label: str, best: Match, question: str) -> bool:
    """Whether an unreviewed draft would answer "Allowed" from a permission for school channels to a question about
    the asker's own account: "Can I post photos of pupils on my personal Facebook page?" heard "Allowed, with care:
    Staff can post pictures within their 'class page' ..." (a ClassDojo clause) above "Don't post pictures of
    children/young people/ their parents" (review of a new school's import). Policies permit on the school's pages
    and forbid on personal ones; a permission that says nothing of personal use is no yes for a personal account,
    and until someone has read the draft the bot says it is not sure, pointing to the clause, rather than give a
    yes staff may act on."""
    if best.clause.examples or not label.startswith(Stance.ALLOWED.label) or not asks_if_allowed(question):
        return False
    return bool(_OWN_ACCOUNT.search(question)) and not _PERSONAL_USE.search(best.clause.text)


_APPS = (
    r"(?:fb|facebook|insta|instagram|ig|tiktok|twitter|snapchat|snap|linkedin|youtube|whatsapp|socials|social media)"
)
# "my personal Facebook page", "my own insta", "my facebook"; not "our class page" or "my class page"
_OWN_ACCOUNT = re.compile(
    rf"\b(?:(?:my\s+)?(?:own|personal|private)\s+(?:{_APPS}\s+)?(?:account|page|profile|feed|story|blog|{_APPS})|"
    rf"my\s+{_APPS})\b",
    re.IGNORECASE,
)
_PERSONAL_USE = re.compile(r"\b(?:personal|own|private)\b", re.IGNORECASE)


def _kinds_named(terms: tuple[str, ...], normaliser: Normaliser) -> tuple[str, ...]:
    """What the question's words are kinds of: an app named is social media. "parents at sports day filming
    everything n sticking it on fb, is that even allowed??" names, by "on fb", what only "these images should not
    be published ... on social networking sites" speaks of, not the permission to film beside it. Only the choice
    of a draft clause's sentence (for its headline, and for the line shown when it is listed) reads them: "never
    upload pictures of pupils ... other than via school owned social media accounts" is no exception that may
    apply to "my own insta"."""
    return tuple(normaliser.terms("social media")) if set(terms) & normaliser.incidental else ()


def _unrepeated(shown: list[tuple[Match, str]]) -> list[tuple[Match, str]]:
    """The clauses listed, without one whose line only says again what a line above it says: a list's lead-in
    answered with its items ("Any communications ... must not: Bring the organisation into disrepute, for example
    by: Criticising ... managers") and its item ("Don't bring the organisation into disrepute, for example by:
    criticising ... managers") were listed one under the other. The best clause always stays."""
    kept: list[tuple[Match, str]] = []
    for match, line in shown:
        words = _line_words(line)
        if kept and len(words.split()) >= _REPEAT_WORDS and any(
            fuzz.token_set_ratio(words, _line_words(earlier)) >= _REPEAT_RATIO for _, earlier in kept
        ):
            continue
        kept.append((match, line))
    return kept


def _line_words(line: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", line.lower().replace("don't", " ")).split())
