"""Which part of a message is the question.

Staff often write a worried paragraph: who they are, what happened, and then the question. Every
word of the context would otherwise count as much as the question's own, and words no clause uses
("nights out", "fifteen years") would make the bot decline. The question's own sentences (those
ending in "?", else the last sentence) keep full weight; the context keeps a smaller one, since it
often names the situation ("she sent me a follow request") the question only points at ("can I
accept?").
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
# A message shorter than this is one question, however it is punctuated.
MIN_WORDS = 18


def split_focus(question: str) -> tuple[str, str]:
    """(the question's own sentences, the context around them); context is "" for a short question."""
    if len(question.split()) < MIN_WORDS:
        return question, ""
    sentences = [s for s in _SENTENCE_END.split(question.strip()) if s]
    if len(sentences) < 2:
        return question, ""
    asking = [i for i, s in enumerate(sentences) if s.rstrip().endswith("?")]
    chosen = set(asking) if asking else {len(sentences) - 1}
    focus = " ".join(s for i, s in enumerate(sentences) if i in chosen)
    context = " ".join(s for i, s in enumerate(sentences) if i not in chosen)
    return focus, context
