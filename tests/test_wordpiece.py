"""The model's tokens come from bot/matching/wordpiece.py: the same ids as Hugging Face's `tokenizers`
reading the model's own tokenizer file, on every sentence the bot encodes and on awkward text."""

from __future__ import annotations

import json
from importlib import resources

import pytest
import yaml
from tokenizers import Tokenizer

from bot.matching.semantic import MAX_TOKENS
from bot.matching.wordpiece import WordPiece
from tests.conftest import DEV_QUESTIONS, REPO, SHARED

TOKENIZER_JSON = (resources.files("bot.matching") / "model" / "tokenizer.json").read_text(encoding="utf-8")

AWKWARD = [
    "Can I friend a parent?",
    "can i post pitcures of my clas on facebok",
    "Café, naïve résumé; Zoë's coöperation — \u201cquoted\u201d \u2018words\u2019 \u2026 ok?",
    "It's £20 (or €25) & 50% off: e-safety/online-safety @school #tag ^caret `tick` ~tilde",
    "Mr. O'Neil's year-6 class\u00a0(no\u2009break) and\u2028a line\u3000separator",
    "tab\there\nnew line\r\nwindows\x0bvertical\x0cfeed\x85next",
    "control\x00chars\x07and\ufffdreplacement\u200bzero\u200dwidth\u00adsoft hyphen",
    "日本語のテキストと中文字符 mixed with English 한국어",
    "emoji 👍🏽 and 🎉🎉 and flags 🇬🇧",
    "a\U0002b830b and a\U0002b920b: the edge of BERT's list of CJK characters",
    "ﬁne ligature, ǅ titlecase, İstanbul, STRASSE ß, ΣΟΦΙΑ ΟΔΟΣ",
    "x" * 99 + " " + "y" * 100 + " " + "z" * 101,
    "https://www.facebook.com/groups/123456789/permalink/987654321/?ref=share&utm_source=whatsapp",
    "supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopic",
    "",
    "   ",
    "word " * 400,  # cut to the model's length
    "a,b.c;d:e!f?g(h)i[j]k{l}m<n>o/p\\q|r'\"s",
]


def _sentences() -> list[str]:
    texts = list(AWKWARD)
    for path in sorted((REPO / "knowledge").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for clause in data.get("clauses", []) if isinstance(data, dict) else []:
            texts += [f"{clause['heading']}: {clause['text']}", clause["answer"], *clause.get("examples", [])]
    for policy in sorted(SHARED.glob("policies*/*.txt")):  # what `kb import` encodes for a new school
        texts += [line for line in policy.read_text(encoding="utf-8").splitlines() if line.strip()]
    question_files = [*sorted((REPO / "benchmarks" / "data").glob("unseen-*.jsonl")), DEV_QUESTIONS]
    for path in question_files:
        if path.exists():
            texts += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return texts


@pytest.fixture(scope="module")
def reference() -> Tokenizer:
    tokenizer = Tokenizer.from_str(TOKENIZER_JSON)
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


def test_every_sentence_the_bot_encodes_gets_the_reference_tokens(reference: Tokenizer) -> None:
    ours = WordPiece(TOKENIZER_JSON, MAX_TOKENS)
    texts = _sentences()
    assert len(texts) > 5000  # the knowledge base and the question sets were read
    differ = [(t, ours.ids(t), e.ids) for t, e in zip(texts, reference.encode_batch(texts), strict=True)]
    differ = [d for d in differ if d[1] != d[2]]
    assert not differ, f"{len(differ)} differ, first: {differ[0]}"


def test_awkward_text_gets_the_reference_tokens(reference: Tokenizer) -> None:
    ours = WordPiece(TOKENIZER_JSON, MAX_TOKENS)
    for text in AWKWARD:
        assert ours.ids(text) == reference.encode(text).ids, text
    assert len(ours.ids("word " * 400)) == MAX_TOKENS


def test_special_tokens_typed_by_a_user_are_only_text() -> None:
    ours = WordPiece(TOKENIZER_JSON, MAX_TOKENS)
    vocab = json.loads(TOKENIZER_JSON)["model"]["vocab"]
    inside = ours.ids("what does <mask> or </s> mean")[1:-1]
    assert vocab["<mask>"] not in inside and vocab["</s>"] not in inside
