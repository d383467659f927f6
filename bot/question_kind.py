"""Whether a question asks what someone may or must do, or asks something else.

A permission headline ("Allowed, with care") answers "can I ...?". Over "what is the social media policy
for?" or "does the policy cover my own accounts?" it reads as a yes to a question nobody asked, and staff
who judged the bot's answers called it weak or contradictory there. So the verdict is told which kind of
question it answers. The risk is one-sided: "For information: Yes, but be cautious" over "is it wrong to
...?" reads the wrong way round. So a question counts as asking something else only when nothing in the
whole message reads as asking leave or a duty, and the sentence that asks opens as a plain question about
something other than what the asker may do ("what happens if ...", "does the policy cover ...").
"""

from __future__ import annotations

import re
from typing import Literal

_PERMISSION_OR_DUTY = re.compile(
    # a modal and whoever it is about ("can my TA", "should we", "could I"), but not what may happen
    r"\b(?:can|cn|could|may|might|should|shud|shoud|must|shall)\s+(?!happen\b)\w+|"
    r"\b(?:i|we|u|you|staff)\s+(?:can|could|may|might|should|must|need|have to|am allowed|are allowed)\b|"
    r"\b(?:am|r|are|is)\s+(?:i|we|u|you|staff)\s+(?:ok|okay|allowed|permitted|able|fine|supposed|expected)\b|"
    r"\b(?:allowed|alowed|allow|permitted|permission|ok|okay|alright|all right|fine|acceptable|appropriate|"
    r"against the rules|banned|ban|forbidden|prohibited|wrong|a problem|an issue|any issue|legal|illegal|safe|"
    r"risky|trouble|able to|let me|let us|let staff|have to|hav to|need to|got to|gotta|supposed to|expected to|"
    r"accept or|stop (?:me|us|staff|people|teachers)|"
    # a judgement of conduct asks leave too: "is it unprofessional to have my school in my bio?"
    r"inappropriate|unacceptable|(?:un)?professional|weird|(?:a )?(?:good|bad) idea|wise|sensible|frowned|"
    r"legit|dodgy|(?:it|that|this)\s+(?:\w+\s+)?(?:bad|matters?))\b",
    re.IGNORECASE,
)
# A leading condition or role ("If my account is private, ...", "As a governor, ...") is not the question.
_LEADING_CLAUSE = re.compile(r"^(?:if|when|as|since|because|once|now)\b[^,?]{0,120},\s*", re.IGNORECASE)
_OPENING = r"^\W*(?:(?:so|but|and|also|just|basically|honestly|quick question|hi|hey)[\s,:-]+)*"
_ASKS_WHAT = re.compile(_OPENING + r"(?:what|wat|wot|whats|what's)\b", re.I)
_ASKS_WHO = re.compile(_OPENING + r"(?:who|whom|whose|where|when|which|why|how)\b", re.I)
# A yes-or-no question about the policy, the school or what happens, not about leave.
_ASKS_WHETHER = re.compile(
    _OPENING + r"(?:does|do|did|is|isnt|isn't|are|will|would|has|have|am)\s+(?:\w+\s+){0,5}?"
    r"(?:cover\w*|appl\w*|count\w*|includ\w*|treat\w*|monitor\w*|check\w*|record\w*|review\w*|keep|kept|"
    r"mean|say|says|have|has)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# A duty asked about: "do I still have to keep school information confidential after I leave?", "must I tell
# the school?", "a kid just followed me on insta wat do i do", "what should I do?".
_ASKS_DUTY = re.compile(
    r"\b(?:do|does|did)\s+(?:i|we|u|you|staff)\s+(?:still\s+|really\s+|also\s+)?(?:have|need|got)\s+to\b|"
    # "do I need permission to put the school logo on my Instagram?"
    r"\b(?:do|does)\s+(?:i|we|u|you|staff)\s+(?:still\s+|also\s+)?need\s+(?:\w+\s+)?(?:permission|consent|"
    r"approval|agreement|authori[sz]ation)\b|"
    # not "should I ...?", which as often asks leave ("should I use Facebook to complain about my pay?")
    r"\bmust\s+(?:i|we|u|staff)\b|"
    r"\b(?:am|are|r)\s+(?:i|we|u|you)\s+(?:supposed|expected|required|obliged)\b|"
    r"\b(?:what|wat|wot)\s+(?:do|should|shud|must|can)\s+(?:i|we|u)\s+do\b",
    re.IGNORECASE,
)
# What to do, asked: "what should I do?", "do I need to tell anyone?", "should I report it?".
_ASKS_ACTION = re.compile(
    r"\b(?:what|wat|wot)\s+(?:do|should|shud|must|can)\s+(?:i|we|u)\s+do\b|"
    r"\b(?:what|wat|wot)\s+now\b|\bnow\s+(?:what|wat|wot)\b|\bhow\s+(?:do|should|shud)\s+(?:i|we|u)\s+"
    r"(?:handle|deal\s+with|respond|react)\b|"
    r"\b(?:should|shud|must|do|does)\s+(?:i|we|u|staff)\s+(?:still\s+|also\s+)?(?:(?:have|need|got)\s+to\s+)?"
    r"(?:tell|report|inform|notify|flag|let (?:\w+\s+){1,3}know)\b",
    re.IGNORECASE,
)
# Leave asked for the asker: "am I allowed to accept a friend request from a pupil?", "can I add ...", "is it ok
# to ...".
_ASKS_LEAVE = re.compile(
    r"\b(?:can|cn|could|may)\s+(?:i|we|u|staff|my|our)\b|"
    r"\b(?:am|are|r|is)\s+(?:i|we|u|you|staff|it)\s+(?:\w+\s+)?(?:ok|okay|allowed|alowed|permitted|fine|alright|"
    r"acceptable)\b|\b(?:ok|okay|alright|fine)\s+(?:to|if)\b",
    re.IGNORECASE,
)
_ASKS_IF_ALLOWED = re.compile(
    r"\b(?:allowed|alowed|allowd|permitted|against the rules)\b|\b(?:can|could|may)\s+(?:parents?|carers?|pupils?|"
    r"children|kids|students?|learners?|they|people|someone|anyone|governors?|volunteers?)\b",
    re.IGNORECASE,
)
# What may happen to the asker: "can I get sacked for ...?", "will I be disciplined if ...?", "could I lose my
# job?", "what are the consequences?".
_ASKS_CONSEQUENCE = re.compile(
    r"\b(?:get|gets|getting|be|being|been)\s+(?:\w+\s+)?(?:sacked|fired|dismissed|disciplined|suspended|"
    r"struck off|in (?:to )?trouble|into trouble|a warning|punished|prosecuted|arrested|done for)\b|"
    r"\blos[et]\w* (?:my|your|their|our|his|her|a|the) (?:job|jobs|post)\b|\bget the sack\b|"
    r"\b(?:what|wat|wot)(?:'s|s| is| are| will| would| could| might)? (?:happens?|the consequences?|"
    r"the sanctions?|the punishment)\b|\bconsequences?\b|\bsanctions?\b|\bdisciplinary\b",
    re.IGNORECASE,
)


def question_sentence(text: str) -> str:
    """The sentence that asks: the last with a question mark, else the last (a long message tells its
    situation first and asks at the end)."""
    parts = [part for part in _SENTENCE.split(text.strip()) if part.strip()]
    if not parts:
        return text
    asking = [part for part in parts if "?" in part]
    return asking[-1] if asking else parts[-1]


def asks_instead(question: str) -> Literal["what", "who", "whether"] | None:
    """What a question that asks neither what may be done nor what must be asks: "what" ("what is the
    policy for?", "what happens if someone complains?"), "who" (any other wh- question: "who do I tell if
    I'm bullied?", "how often is the page checked?") or "whether" ("does it cover me?"); None for any
    other question. "what happens if I post ...?" may be asking leave in effect; "who do I tell?" never is."""
    if _PERMISSION_OR_DUTY.search(question):
        return None
    sentence = _LEADING_CLAUSE.sub("", question_sentence(question).strip())
    if _ASKS_WHO.search(sentence):
        return "who"
    if _ASKS_WHAT.search(sentence):
        return "what"
    return "whether" if _ASKS_WHETHER.search(sentence) else None


def asks_consequence(question: str) -> bool:
    """Whether the question asks what may happen to someone ("can I get sacked for a comment about my
    manager?"), not what they may or must do: a duty's "You must" is no answer to it."""
    return bool(_ASKS_CONSEQUENCE.search(question))


def asks_duty(question: str) -> bool:
    """Whether the question asks what the asker must or should do; "No - ..." before the answer reads as "no,
    you don't have to" there."""
    return bool(_ASKS_DUTY.search(question))


def asks_leave(question: str) -> bool:
    """Whether the question asks leave for the asker ("am I allowed to accept ...?"), not what they must do: a
    duty to refuse ("must decline friend requests from children") answers it with a no."""
    return bool(_ASKS_LEAVE.search(question)) and not asks_duty(question)


def asks_if_allowed(question: str) -> bool:
    """Whether the question asks if something may be done, by the asker or by anyone ("parents at sports day
    filming everything n sticking it on fb, is that even allowed??")."""
    return asks_leave(question) or bool(_ASKS_IF_ALLOWED.search(question))


def asks_action(question: str) -> bool:
    """Whether the question asks what to do ("what should I do?", "do I need to tell anyone?", "should I report
    it?"): a prohibition's "Not allowed" is no answer to it where the clause also says what to do."""
    return bool(_ASKS_ACTION.search(question))
