"""Turning what staff type, and what policies say, into the same comparable terms.

Both sides go through the same steps, so "can I add a kid's mum on fb" and "accept parents as
friends on Facebook" meet in the terms `friend pupil parent facebook`:
fold case and punctuation -> replace phrases -> correct typos -> map synonyms -> drop stopwords -> stem.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

import Stemmer

from bot.knowledge.models import Vocabulary

_APOSTROPHES = re.compile(r"['\u2018\u2019`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_LETTERS = re.compile(r"[A-Za-z]+")
_WORDS_KEPT = 100_000

# PyStemmer: Snowball's own C implementation of its English stemmer.
_stemmer = Stemmer.Stemmer("english")
# A Snowball stemmer keeps the word it is working on in itself: two threads stemming at
# once (the HTTP server answers questions on 16) corrupt each other's words, wrong stems or an IndexError.
_stemmer_lock = threading.Lock()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    with _stemmer_lock:
        return _stemmer.stemWord(word)


# Slack writes an emoji as its name between colons (":sweat_smile:"); Teams and phones send the character.
_EMOJI_NAME = re.compile(r"(?<![\w:])(?::(?:[a-z][a-z0-9_+-]*|[+-]1):)+(?![\w:])", re.IGNORECASE)
_SYMBOL_CATEGORIES = frozenset({"So", "Sk", "Cf", "Co", "Cn"})


def without_emoji(text: str) -> str:
    """The question without its emoji: to the model an emoji is an unknown word that moves the whole question's
    meaning ("... do i have to unfriend her on fb or nah? \U0001f605" was not sure; without it, answered), and
    ":sweat_smile:" two words no clause uses."""
    kept = "".join(" " if _is_symbol(ch) else ch for ch in _EMOJI_NAME.sub(" ", text))
    return " ".join(kept.split()) if kept != text else text


def _is_symbol(ch: str) -> bool:
    return not ch.isascii() and (unicodedata.category(ch) in _SYMBOL_CATEGORIES or 0xFE00 <= ord(ch) <= 0xFE0F)


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
        # Phrases by their words, and the word counts phrases starting with each first word have:
        # a lookup per word, not one regular expression of hundreds of alternatives (a third of the
        # time `policybot ask` took to build a school's index).
        self._phrases = {tuple(p.split()): c for p, c in phrase_map.items() if p}
        lengths: dict[str, set[int]] = {}
        for words in self._phrases:
            lengths.setdefault(words[0], set()).add(len(words))
        self._phrase_lengths = {w: sorted(n, reverse=True) for w, n in lengths.items()}

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
        self._word_terms: dict[str, tuple[str, ...]] = {}  # each word's terms, see terms_of_words

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
        words = fold(text).split()
        out: list[str] = []
        i = 0
        while i < len(words):
            # The longest phrase starting here wins; the words it covers are not looked at again.
            for n in self._phrase_lengths.get(words[i], ()):
                canonical = self._phrases.get(tuple(words[i : i + n]))
                if canonical is not None:
                    out.extend(canonical.split())
                    i += n
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def terms(self, text: str, correct: Callable[[str], str] | None = None) -> list[str]:
        """The stemmed terms of `text`, in order, stopwords removed.

        `correct` maps a word the knowledge base has never seen to its likely intended spelling.
        """
        return self.terms_of_words(self.words(text), correct)

    def terms_of_words(self, words: Iterable[str], correct: Callable[[str], str] | None = None) -> list[str]:
        """`terms` of text already split by `words` (the index reads each clause's words once)."""
        out: list[str] = []
        for word in words:
            if correct is not None and word not in self.known_words and word not in self._stopwords:
                word = correct(word)
            found = self._word_terms.get(word)
            if found is None:
                synonym = self._synonyms.get(word, word)
                found = tuple(stem(part) for part in synonym.split() if part and part not in self._stopwords)
                # A few thousand words make up a school's tens of thousands: each is worked out once. Not
                # every word staff ever type, though: a server runs for months.
                if len(self._word_terms) < _WORDS_KEPT:
                    self._word_terms[word] = found
            out.extend(found)
        return out
