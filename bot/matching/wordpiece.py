"""Text -> the sentence model's token ids: BERT's WordPiece, as all-mpnet-base-v2's `tokenizer.json` sets it.

Hugging Face's `tokenizers` did this until 2026-11-30; it brought 36 MB of the Hugging Face Hub's
download client with it (never used here: the model ships in the package), a tenth of the install.
The steps are BERT's, fixed by the model's tokenizer file: clean the text, space out CJK characters,
strip accents, lower-case, split at spaces and punctuation, then cut each word into the longest
pieces the vocabulary knows. `tests/test_wordpiece.py` checks the ids against `tokenizers` on every
sentence of the knowledge base, every line of the policies, every question of the question sets, and
awkward text (accents, CJK, emoji, control characters, over-long words).

One difference, on purpose: `tokenizers` turns text such as "<mask>" or "</s>" typed by a user into
the model's special tokens; here it is only text.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache

# BERT's list of CJK ranges, as the model was trained with it (it starts one at 0x2B920, not 0x2B820).
_CJK = (
    (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F), (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F),
)  # fmt: skip
_WORD_CACHE = 50_000


def _is_control(char: str) -> bool:
    return char not in "\t\n\r" and unicodedata.category(char).startswith("C")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK)


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True  # ASCII symbols such as $, ^ and ` count as punctuation, as in BERT
    return unicodedata.category(char).startswith("P")


def _normalise(text: str) -> str:
    """BertNormalizer: drop control characters, whitespace to spaces, CJK spaced out, no accents, lower case."""
    chars = []
    for char in text:
        if char in "\x00\ufffd" or _is_control(char):
            continue
        if char.isspace():
            chars.append(" ")
        elif _is_cjk(char):
            chars.append(f" {char} ")
        else:
            chars.append(char)
    decomposed = unicodedata.normalize("NFD", "".join(chars))
    # Letter by letter, as `tokenizers` does: str.lower() would also give a word-final sigma its own form.
    return "".join(c.lower() for c in decomposed if unicodedata.category(c) != "Mn")


def _words(text: str) -> list[str]:
    """BertPreTokenizer: split at whitespace, and each punctuation mark is a word of its own."""
    words: list[str] = []
    for chunk in text.split():
        start = 0
        for i, char in enumerate(chunk):
            if _is_punctuation(char):
                if start < i:
                    words.append(chunk[start:i])
                words.append(char)
                start = i + 1
        if start < len(chunk):
            words.append(chunk[start:])
    return words


class WordPiece:
    def __init__(self, tokenizer_json: str, max_tokens: int) -> None:
        spec = json.loads(tokenizer_json)
        model = spec["model"]
        self._vocab: dict[str, int] = model["vocab"]
        self._unknown = self._vocab[model["unk_token"]]
        self._prefix: str = model["continuing_subword_prefix"]
        self._max_word_chars: int = model["max_input_chars_per_word"]  # longer (a pasted link): unknown
        processing = spec["post_processor"]  # RobertaProcessing: <s> ... </s>
        self._start = processing["cls"][1]
        self._end = processing["sep"][1]
        self._max_pieces = max_tokens - 2
        self._pieces = lru_cache(maxsize=_WORD_CACHE)(self._word_pieces)

    def ids(self, text: str) -> list[int]:
        """The model's input for one text: start token, word pieces (cut to fit), end token."""
        pieces: list[int] = []
        for word in _words(_normalise(text)):
            pieces.extend(self._pieces(word))
            if len(pieces) >= self._max_pieces:
                break
        return [self._start, *pieces[: self._max_pieces], self._end]

    def _word_pieces(self, word: str) -> tuple[int, ...]:
        """Longest known piece first, left to right; a word with any unknown part is one unknown token."""
        if len(word) > self._max_word_chars:
            return (self._unknown,)
        found = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else self._prefix + word[start:end]
                if piece in self._vocab:
                    found.append(self._vocab[piece])
                    break
                end -= 1
            if end == start:
                return (self._unknown,)
            start = end
        return tuple(found)
