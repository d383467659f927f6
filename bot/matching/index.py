"""Ranking one school's clauses against a question.

Built once per school at start-up; a query then costs well under a millisecond on a real policy.
Three signals are blended into a 0..1 score per clause:

- term weight (BM25F): which clause's words the question's rarer words point to. Example
  questions, the answer line and the heading weigh more than the long verbatim text.
- example likeness (rapidfuzz): how closely the whole question reads like one of the clause's
  example questions or its answer line, in word order and wording.
- coverage: what share of the question's meaning (IDF mass) the clause accounts for. A question
  about "glue sticks" or "the staff room door" shares only common words with any clause, so its
  coverage stays low and the bot declines instead of guessing.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.knowledge.models import Clause, KnowledgeFile, Vocabulary
from bot.matching.normalise import Normaliser

# Field weights for BM25F: staff-worded fields count for more than legal wording.
_FIELD_WEIGHTS = {"examples": 1.0, "answer": 1.5, "heading": 1.2, "topics": 1.0, "text": 0.8}
_K1 = 1.2
_B = 0.5
# A term found in more than this share of clauses says little about which clause is meant.
_COMMON_SHARE = 0.5
# Candidates re-ranked with rapidfuzz; keeps queries fast on a knowledge base of thousands of clauses.
_CANDIDATES = 60
_TYPO_CUTOFF = 88
_TYPO_MIN_LEN = 5


@dataclass(frozen=True)
class Tuning:
    """Blend of the three signals, and the decision rule (docs/matching.md says how they were tuned)."""

    w_terms: float = 0.45
    w_likeness: float = 0.5
    w_coverage: float = 0.1
    cosine_share: float = 0.6  # of likeness; the rest is rapidfuzz word-order likeness
    answer_threshold: float = 0.45
    sure_threshold: float = 0.60
    margin: float = 0.03
    min_coverage: float = 0.45
    example_coverage: float = 0.7  # how much a word found only in an example question explains


@dataclass(frozen=True)
class Match:
    clause: Clause
    score: float
    coverage: float


@dataclass(frozen=True)
class Ranking:
    question: str
    terms: tuple[str, ...]
    matches: tuple[Match, ...]
    answered: bool

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


@dataclass
class _Doc:
    clause: Clause
    weighted_tf: dict[str, float]
    length: float
    term_set: frozenset[str]
    core_terms: frozenset[str]  # text, answer, heading and topics: what the clause itself says
    example_strings: tuple[str, ...]
    example_terms: tuple[frozenset[str], ...]


class ClauseIndex:
    """An index over one school's clauses."""

    def __init__(self, kb: KnowledgeFile, normaliser: Normaliser, tuning: Tuning | None = None) -> None:
        self.tuning = tuning or Tuning()
        self.school = kb.school
        self.normaliser = normaliser
        self._docs: list[_Doc] = [self._doc(clause) for clause in kb.clauses]
        self._by_id = {clause.id: clause for clause in kb.clauses}
        n = len(self._docs)
        df: Counter[str] = Counter()
        self._postings: dict[str, list[int]] = defaultdict(list)
        for i, doc in enumerate(self._docs):
            for term in doc.term_set:
                df[term] += 1
                self._postings[term].append(i)
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        # A word no clause uses is the strongest sign the question is about something else.
        self._unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        self._common = frozenset(t for t, c in df.items() if c > _COMMON_SHARE * n)
        self._avg_len = sum(d.length for d in self._docs) / max(n, 1)
        # Per example question: its terms' IDF mass, the cosine's denominator (fixed once built).
        self._example_idf = [
            tuple(sum(self._idf.get(t, self._unknown_idf) for t in ex) for ex in doc.example_terms)
            for doc in self._docs
        ]
        self._known_words = sorted(self._kb_words(kb) | normaliser.known_words)
        self._known_set = frozenset(self._known_words)
        self._corrections: dict[str, str] = {}

    def _doc(self, clause: Clause) -> _Doc:
        terms = self.normaliser.terms
        fields = {
            "examples": [t for ex in clause.examples for t in terms(ex)],
            "answer": terms(clause.answer),
            "heading": terms(clause.heading),
            "topics": [t for topic in clause.topics for t in terms(topic.replace("-", " "))],
            "text": terms(clause.text),
        }
        weighted: Counter[str] = Counter()
        for field, field_terms in fields.items():
            for term in field_terms:
                weighted[term] += _FIELD_WEIGHTS[field]
        likeness_sources = [*clause.examples, clause.answer, clause.heading]
        example_strings = tuple(" ".join(terms(s)) for s in likeness_sources)
        return _Doc(
            clause=clause,
            weighted_tf=dict(weighted),
            length=sum(weighted.values()),
            term_set=frozenset(weighted),
            core_terms=frozenset(t for f, ts in fields.items() if f != "examples" for t in ts),
            example_strings=tuple(s for s in example_strings if s),
            example_terms=tuple(frozenset(s.split()) for s in example_strings if s),
        )

    @classmethod
    def for_school(cls, kb: KnowledgeFile, vocabulary: Vocabulary, tuning: Tuning | None = None) -> ClauseIndex:
        """The index as every front end builds it: the shared vocabulary plus the school's own name."""
        names = [kb.school.name, kb.school.id.replace("-", " ")]
        return cls(kb, Normaliser(vocabulary, names), tuning)

    @property
    def clauses(self) -> list[Clause]:
        return [d.clause for d in self._docs]

    def clause(self, clause_id: str) -> Clause | None:
        return self._by_id.get(clause_id)

    def _kb_words(self, kb: KnowledgeFile) -> set[str]:
        words: set[str] = set()
        for clause in kb.clauses:
            for source in (clause.text, clause.answer, clause.heading, *clause.examples):
                words.update(self.normaliser.words(source))
        return words

    def correct(self, word: str) -> str:
        """The knowledge-base word a misspelt word most likely meant, or the word itself."""
        if word in self._known_set or len(word) < _TYPO_MIN_LEN or word.isdigit():
            return word
        if word not in self._corrections:
            found = process.extractOne(word, self._known_words, scorer=fuzz.ratio, score_cutoff=_TYPO_CUTOFF)
            self._corrections[word] = found[0] if found else word
        return self._corrections[word]

    def _likeness(
        self, terms: tuple[str, ...], idf: dict[str, float], total_idf: float, query_string: str, i: int
    ) -> float:
        """How closely the question reads like the clause's closest example question (0..1)."""
        doc = self._docs[i]
        best = 0.0
        for example_terms, example_string, example_idf in zip(
            doc.example_terms, doc.example_strings, self._example_idf[i], strict=True
        ):
            shared = sum(idf[t] for t in terms if t in example_terms)
            if not shared:
                continue
            cosine = shared / math.sqrt(total_idf * example_idf)
            wording = fuzz.token_sort_ratio(query_string, example_string) / 100
            share = self.tuning.cosine_share
            best = max(best, share * cosine + (1 - share) * wording)
        return best

    def _coverage(self, terms: tuple[str, ...], idf: dict[str, float], total_idf: float, doc: _Doc) -> float:
        """Share of the question's IDF mass explained by the clause's own words plus its closest example.

        Pooling all examples would let a clause with many examples "explain" almost anything.
        """
        core = sum(idf[t] for t in terms if t in doc.core_terms)
        best_extra = 0.0
        for example_terms in doc.example_terms:
            extra = sum(idf[t] for t in terms if t in example_terms and t not in doc.core_terms)
            best_extra = max(best_extra, extra)
        return (core + self.tuning.example_coverage * best_extra) / total_idf

    def rank(self, question: str, top: int = 3) -> Ranking:
        terms = tuple(dict.fromkeys(self.normaliser.terms(question, correct=self.correct)))
        if not terms:
            return Ranking(question, terms, (), False)
        idf = {t: self._idf.get(t, self._unknown_idf) for t in terms}
        total_idf = sum(idf.values())

        bm25: dict[int, float] = defaultdict(float)
        # Terms in most clauses barely move BM25 but cost a pass over most of the index; they still
        # count towards likeness and coverage of the candidates the rarer terms find.
        rare = [t for t in terms if t not in self._common] or list(terms)
        for term in rare:
            postings = self._postings.get(term)
            if not postings:
                continue
            weight = idf[term]
            for i in postings:
                doc = self._docs[i]
                tf = doc.weighted_tf[term]
                norm = tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * doc.length / self._avg_len))
                bm25[i] += weight * norm
        if not bm25:
            return Ranking(question, terms, (), False)

        # Re-rank the strongest candidates only; rare-word hits first, then common-word-only ones.
        candidates = sorted(bm25, key=bm25.__getitem__, reverse=True)[:_CANDIDATES]
        query_string = " ".join(terms)
        best_bm25 = max(bm25[i] for i in candidates)
        scored: list[Match] = []
        for i in candidates:
            doc = self._docs[i]
            coverage = self._coverage(terms, idf, total_idf, doc)
            likeness = self._likeness(terms, idf, total_idf, query_string, i)
            term_score = bm25[i] / best_bm25
            t = self.tuning
            score = t.w_terms * term_score + t.w_likeness * likeness + t.w_coverage * coverage
            scored.append(Match(doc.clause, round(score, 4), round(coverage, 4)))
        scored.sort(key=lambda m: m.score, reverse=True)
        best = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        t = self.tuning
        answered = best.coverage >= t.min_coverage and (
            best.score >= t.sure_threshold or (best.score >= t.answer_threshold and best.score - runner_up >= t.margin)
        )
        return Ranking(question, terms, tuple(scored[:top]), answered)
