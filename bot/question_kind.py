"""Whether a question asks what someone may or must do, or asks something else.

A permission headline ("Allowed, with care") answers "can I ...?". Over "what is the social media policy
for?" or "does it still cover me if my account is private?" it reads as a yes to a question nobody asked,
and staff who judged the bot's answers called it weak or contradictory there. So the verdict is told
which kind of question it answers. Only a question that is plainly one (it starts as a question or has a
question mark) and has no word of permission or duty counts as "something else": a situation told without
a question keeps the clause's own headline.
"""

from __future__ import annotations

import re

# Who a permission question is about; "can the school ..." asks what the school does, not what staff may.
_WHO = (
    r"(?:i|we|u|you|ya|staff|teachers?|a teacher|parents?|pupils?|kids|children|learners|students|they|he|she|"
    r"someone|anyone|people|ppl|volunteers?|governors?|a governor)"
)
_PERMISSION_OR_DUTY = re.compile(
    r"\b(?:(?:can|cn|could|may|might|should|shud|shoud|must)\s+" + _WHO + r"|"
    r"(?:am|r|are|is)\s+" + _WHO + r"\s+(?:ok|okay|allowed|permitted|able|fine|supposed|expected|meant|free)|"
    r"(?:stop|stops|prevent|prevents)\s+" + _WHO + r"|"
    r"allowed|allow|permitted|permission|ok|okay|alright|all right|fine|acceptable|appropriate|against the rules|"
    r"banned|ban|forbidden|prohibited|(?:do|must|need)\s+(?:i|we)\s+(?:have|hav|need|got)|have to|hav to|"
    r"need to|got to|gotta|supposed to|accept or)\b",
    re.IGNORECASE,
)
_OPENS_A_QUESTION = re.compile(
    r"^\W*(?:(?:so|but|and|ok|okay|also|just|basically|honestly|quick question|hi|hey)[\s,:-]+)*"
    r"(?:what|whats|wat|who|whom|whose|where|when|why|how|which|does|do|did|is|isnt|are|will|would|could|has|"
    r"have)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def question_sentence(text: str) -> str:
    """The sentence that asks: the last with a question mark, else the last (a long message tells its
    situation first and asks at the end)."""
    parts = [part for part in _SENTENCE.split(text.strip()) if part.strip()]
    if not parts:
        return text
    asking = [part for part in parts if "?" in part]
    return asking[-1] if asking else parts[-1]


def asks_something_else(question: str) -> bool:
    """True for a question that asks neither what may be done nor what must be: "what is the policy for?",
    "does it cover me?", "what happens if someone complains?"."""
    sentence = question_sentence(question)
    if _PERMISSION_OR_DUTY.search(sentence):
        return False
    return bool(_OPENS_A_QUESTION.search(sentence)) or "?" in sentence
