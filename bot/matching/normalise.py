"""Turning what staff type, and what policies say, into the same comparable terms.

Both sides go through the same steps, so "can I add a kid's mum on fb" and "accept parents as
friends on Facebook" meet in the terms `friend pupil parent facebook`:
fold case and punctuation -> replace phrases -> correct typos -> map synonyms -> drop stopwords -> stem.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache

import snowballstemmer

from bot.knowledge.models import Vocabulary

_APOSTROPHES = re.compile(r"['\u2018\u2019`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_LETTERS = re.compile(r"[A-Za-z]+")

# snowballstemmer hands out PyStemmer's C stemmer when it is installed (a dependency: ten times faster,
# the same stems), its own pure-Python one otherwise.
_stemmer = snowballstemmer.stemmer("english")
# A Snowball stemmer keeps the word it is working on in itself (both kinds): two threads stemming at
# once (the HTTP server answers questions on 16) corrupt each other's words, wrong stems or an IndexError.
_stemmer_lock = threading.Lock()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    with _stemmer_lock:
        return _stemmer.stemWord(word)


def fold(text: str) -> str:
    """Lower case, apostrophes dropped ("don't" -> "dont"), everything else non-alphanumeric to spaces."""
    return " ".join(_NON_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).split())


class Normaliser:
    """Maps text to stemmed terms using the shared vocabulary (and a school's own name)."""

    def __init__(self, vocabulary: Vocabulary, school_names: Iterable[str] = ()) -> None:
        phrase_map: dict[str, str] = {}
        for canonical, variants in vocabulary.phrases.items():
            for variant in variants:
                phrase_map[fold(variant)] = canonical
        # A question naming the school ("can I mention the Link School") means "the school".
        school_names = [n for n in school_names if n.strip()]
        self._school_name = (
            re.compile(
                r"\b(?:the\s+)?(?:"
                + "|".join(re.escape(n) for n in sorted(school_names, key=len, reverse=True))
                + r")\b",
                re.IGNORECASE,
            )
            if school_names
            else None
        )
        for name in school_names:
            folded = fold(name)
            if folded:
                phrase_map[folded] = "school"
        self._phrases = phrase_map
        alternation = "|".join(re.escape(p) for p in sorted(phrase_map, key=len, reverse=True) if p)
        self._phrase_re = re.compile(rf"\b(?:{alternation})\b") if alternation else None

        self._synonyms: dict[str, str] = {}
        for canonical, variants in vocabulary.synonyms.items():
            for variant in variants:
                self._synonyms[fold(variant)] = fold(canonical)
        self._stopwords = frozenset(fold(w) for w in vocabulary.stopwords)
        # Stemmed like every term, so the index can look them up among a question's terms.
        self.incidental = frozenset(stem(fold(w)) for w in vocabulary.incidental)
        # Every word the vocabulary itself knows is spelled right by definition.
        self.known_words: set[str] = set(self._synonyms) | {fold(c) for c in vocabulary.synonyms}
        self.known_words |= {w for p in phrase_map for w in p.split()}

    def without_school_name(self, text: str) -> str:
        """The text with the school's own name read as "the school" (for the sentence model)."""
        return self._school_name.sub("the school", text) if self._school_name else text

    def respelled(self, text: str, correct: Callable[[str], str]) -> str:
        """The text as typed, with each misspelt word put right ("pitcures" -> "pictures").

        For the sentence model, which splits a misspelt word into meaningless pieces; the rest of the
        wording stays as it was, because word order and small words carry meaning for it.
        """

        def put_right(match: re.Match[str]) -> str:
            word = match.group(0)
            folded = word.lower()
            if folded in self.known_words or folded in self._stopwords:
                return word
            right = correct(folded)
            return word if right == folded else right

        return _LETTERS.sub(put_right, text)

    def words(self, text: str) -> list[str]:
        """Folded words with phrases replaced; no typo correction, synonyms or stemming yet."""
        folded = fold(text)
        if self._phrase_re is not None:
            folded = self._phrase_re.sub(lambda m: self._phrases[m.group(0)], folded)
        return folded.split()

    def terms(self, text: str, correct: Callable[[str], str] | None = None) -> list[str]:
        """The stemmed terms of `text`, in order, stopwords removed.

        `correct` maps a word the knowledge base has never seen to its likely intended spelling.
        """
        out: list[str] = []
        for word in self.words(text):
            if correct is not None and word not in self.known_words and word not in self._stopwords:
                word = correct(word)
            word = self._synonyms.get(word, word)
            for part in word.split():
                if part in self._stopwords or not part:
                    continue
                out.append(stem(part))
        return out
