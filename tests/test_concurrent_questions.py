"""Staff asking at the same moment each get the answer their own words deserve.

The HTTP server answers on 16 threads. A Snowball stemmer shared without a lock mixed up words being
stemmed at once: about 1 in 300 new words came out wrong, and some raised IndexError (a 500).
"""

from __future__ import annotations

import random
import string
import threading

import Stemmer

from bot.matching.normalise import stem

_SUFFIXES = ["ational", "ization", "fulness", "iveness", "ing", "edly", "ement", "ies", "s"]


def test_words_stemmed_on_many_threads_at_once_come_out_as_on_one() -> None:
    rng = random.Random()  # new words each run: the stem cache must not already hold them
    words = list(
        dict.fromkeys(
            "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9))) + rng.choice(_SUFFIXES)
            for _ in range(16_000)
        )
    )
    results: dict[str, str] = {}
    errors: list[BaseException] = []

    def stem_all(chunk: list[str]) -> None:
        for word in chunk:
            try:
                results[word] = stem(word)
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=stem_all, args=(words[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    alone = Stemmer.Stemmer("english")  # a stemmer of its own, used on one thread
    assert errors == []
    assert [w for w in words if results[w] != alone.stemWord(w)] == []
