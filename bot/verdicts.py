"""The verdict's label: the clause's stance, qualified when the clause itself makes an exception.

"Not allowed" over a clause that says "... unless the child is a family member" misleads the member of
staff whose question is about their nephew. A clause with an exception ("unless", "except",
"other than", "without permission") is labelled "Not allowed, with exceptions"; when the question
names what the exception is about, the label says the exception may apply to them. A prohibition the
policy only advises ("you are strongly advised not to") is "Advised against"; one for certain times only
is "Not allowed during working time", in the clause's own words; and a permission it gives only with
someone's approval ("they can only do so with the approval of the school", or an answer line that opens
"Only with their agreement - ...") is "Only with permission": a flat "Not allowed", "Allowed, with care" or
"You must" says more, or less, than the clause.
A question about what a permission rules out (the clause's sentence it shares most words with is a
prohibition) hears "Not allowed", unless the answer line itself says yes; a question that asks no
permission at all ("what is the policy for?") hears "For information" over a permission.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from bot.knowledge.draft_words import (
    CUT,
    DANGLING,
    DONT,
    LEAD,
    PART_END,
    TWO_RULES,
    answer_in_policy_words,
    imports_own_line,
    policy_words_in_draft_answer,
    split_parts,
    split_sentences,
)
from bot.knowledge.models import Clause, Stance
from bot.knowledge.source_text import fold
from bot.question_kind import asks_action, asks_consequence, asks_duty, asks_if_allowed, asks_instead, asks_leave

_EXCEPTION = re.compile(
    r"\b(?:unless|except(?:\s+(?:for|where|when|if))?|other than|apart from|"
    # "There are some circumstances/job roles where this may be appropriate however ..."
    r"there (?:are|may be) (?:some )?(?:circumstances|cases|situations|occasions)\b[^.;:]{0,40}?\bwhere this may be|"
    # "without the prior permission", "without the appropriate permissions"; never "without your consent",
    # which describes what happens to you ("followed by a child without your consent"), not a way to ask.
    r"without\s+(?:the\s+)?(?:(?:prior|express|explicit|written|appropriate|necessary|relevant|proper|formal)\s+)?"
    r"(?:permissions?|consent|approval|authori[sz]ation|agreement))\b[^.;:]*",
    re.IGNORECASE,
)
_PERMISSION = re.compile(r"^without\b", re.IGNORECASE)
# A duty's exception may also be an alternative in brackets: "must be responded to within 24 hours (or on the
# next working day if received at a weekend)". Not "(or other person)", which only widens the duty.
_OR_IF = re.compile(r"\(\s*or\b[^()]*?\b(?:if|when|where|unless)\b[^()]*\)", re.IGNORECASE)
# What a clause says may happen to whoever breaks it.
_CONSEQUENCES = re.compile(
    r"\b(?:disciplinary|dismissal|dismissed|misconduct|sanctions?|criminal|prosecut\w*|legal action|police)\b",
    re.IGNORECASE,
)
# A duty to refuse: "Staff members must decline 'friend requests' from children", "you should avoid ...".
_REFUSAL = re.compile(
    r"\b(?:must|should|shall|will|are to|need to|have to)\s+(?:\w+\s+)?(?:decline|refuse|reject|turn down|avoid|"
    r"refrain from)\b",
    re.IGNORECASE,
)
_REFUSAL_VERB = re.compile(r"\b(?:declin|refus|reject|turn\w* down|avoid|refrain)", re.IGNORECASE)
# What a prohibition's clause also says to do: "your school should be informed and the child 'follower'
# deleted", "will be reported as soon as possible to a relevant senior member of staff".
_ACT = r"(?:report|inform|tell|told|notif|alert|remov|delet|block)\w*"
_TO_ACT = re.compile(
    rf"\b(?:must|should|shall|will|need to|needs to|are to|is to)\s+(?:\w+\s+){{0,2}}?(?:be\s+)?{_ACT}", re.IGNORECASE
)
_ACTION = re.compile(rf"\b{_ACT}", re.IGNORECASE)
# A duty as the policy words it: "should" (not "should not"), and none of the stronger words beside it.
_SHOULD = re.compile(r"\bshould\b(?!\s+(?:not|never)\b)", re.IGNORECASE)
_DUTY_WORD = re.compile(
    r"\b(?:must|shall|required|requirement|mandatory|obliged|have to|has to|need to|needs to|expected to)\b",
    re.IGNORECASE,
)
# A prohibition by advice only: no rule word ("must not", "never") beside it.
_ADVISED_NOT = re.compile(
    r"\b(?:advised not|advise (?:you |staff |against)|recommended (?:that\b[^.;:]{0,60}?\b)?not|"
    r"not (?:advisable|advised|recommended)|best not|"
    # "It is advisable to follow certain protocols in personal use of social media: Avoid mentioning work, ..."
    r"advisable\b[^.;]{0,80}?\bavoid)\b",
    re.IGNORECASE,
)
# "do not" that describes rather than forbids: "comments made outside work do not remain private", "you do not
# need to ask", "your views do not represent ..." (the import's stance guess reads it the same way)
DESCRIBING_DO_NOT = (
    r"(?:do not|don't)(?! (?:remain|mean|apply|count|constitute|need to|have to|always|exist|represent|reflect|"
    r"necessarily)\b)"
)
_RULE_WORDS = (
    r"\b(?:mustn't|shouldn't|never|" + DESCRIBING_DO_NOT + r"|prohibited|forbidden|"
    r"not (?:permitted|allowed|acceptable|tolerated)|under no circumstances)\b"
)
_RULE_NOT = re.compile(r"\b(?:must|should|shall|will|may|can)(?:\s+\w+)?\s+not\b|" + _RULE_WORDS, re.IGNORECASE)
# A prohibition stated as a rule, as opposed to conduct described ("in a manner the school considers
# inappropriate"); "may not" and "cannot" are left out, being mostly "it may not always be appropriate".
STATED_RULE = re.compile(r"\b(?:must|should|shall|will)(?:\s+\w+)?\s+not\b|" + _RULE_WORDS, re.IGNORECASE)
_YES = re.compile(r"\s*(?:yes|only|ok|okay|fine)\b", re.IGNORECASE)
_YES_OR_NO = re.compile(r"\W*(?:yes|no)\b", re.IGNORECASE)
# "Yes - ", "Yes, but - ", "Yes, with care: " before the line's own answer
_YES_LEAD = re.compile(
    r"\W*yes\b(?:,? (?:but|with care|if|as long as|within limits))?\s*[-\u2013\u2014:,]\s*(?=\w)",
    re.IGNORECASE,
)
# Words that grant leave, which advice alone does not
_GRANTS = re.compile(r"\b(?:may|can|allowed|permitted|welcome|acceptable|fine|free to|ok|okay)\b", re.IGNORECASE)
# "Only if you add a disclaimer - " before the line's own answer
_ONLY_IF = re.compile(r"\W*only if you [^-\u2013\u2014]+?\s[-\u2013\u2014]\s*(?=\w)", re.IGNORECASE)
# "No - ", "No, never - " before the line's own answer
_NO_LEAD = re.compile(r"\W*no\b(?:,? (?:never|not))?\s*[-\u2013\u2014:,]\s*(?=\w)", re.IGNORECASE)
# Advice, not a duty: "you are strongly advised to check ...", "should try to regularly review ...", "It is
# also good practice to close old accounts", "It is a good idea to use a separate email address".
_ADVICE = re.compile(
    r"\b(?:should (?:also )?try|try to|good practice|best practice|(?:a )?good idea|(?:strongly )?advised to|"
    r"advisable|recommended|recommend|encouraged to|wise to|consider)\b",
    re.IGNORECASE,
)
# A duty's words, once the advice's are set aside; not a purpose ("to ensure that ...", "so that ... not
# disclosed"), which states no duty of its own.
_DUTY = re.compile(
    r"\b(?:must|shall|required|requires?|have to|has to|need to|needs to|responsible for|duty|will|always|"
    r"never|ensure|should|expected to|make sure|do not|don't|not)\b",
    re.IGNORECASE,
)
_PURPOSE = re.compile(r"\b(?:(?:in order )?to ensure|so that|so as)\b[^.;]*", re.IGNORECASE)
_ONLY_WITH_PERMISSION = re.compile(
    r"\bonly\b[^.;:]{0,60}?\b(?:with|after|once|having)\b[^.;:]{0,40}?"
    r"\b(?:approval|permission|consent|agreement|authori[sz]ation|approved)\b|"
    # "Written permission from parents will be obtained before photographs of pupils are published"
    r"\b(?:approval|permission|consent|agreement|authori[sz]ation)\b[^.;:]{0,40}?\b(?:will|must|should|shall|is to)"
    r" be (?:obtained|sought|given|gained|secured)\b[^.;:]{0,20}?\bbefore\b",
    re.IGNORECASE,
)
# A reviewed answer line that opens with its condition: "Only with their agreement - don't post ...", "Only if
# you have permission - make sure ...". Never a longer condition ("Only if you have permission where needed"),
# which the label would say more firmly than the line.
ONLY_WITH_PERMISSION_LEAD = re.compile(
    r"only (?:with|if|once) (?:\w+\s+){0,4}?(?:permission|consent|agreement|approval|authori[sz]ation)"
    r"\s*(?:[-\u2013\u2014:,]\s*|$)",
    re.IGNORECASE,
)

# A prohibition for certain times only ("must not access social media ... during working time"): said in
# the label, so a question about the lunch break does not hear a flat "Not allowed". Looked for only in a
# sentence that states the prohibition, and not where that sentence says the rule holds at other times
# too ("at any time, including during working hours", "whether during working hours or otherwise"), lists
# several times ("during lessons, breaks or at lunch"), or where the time belongs to a thing, not to
# the rule ("photos taken in lessons").
_ONLY_WHEN = re.compile(
    r"(?<!taken )(?<!made )(?<!posted )(?<!recorded )(?<!filmed )(?<!written )(?<!shared )"
    r"\b(?:(?:during|in|within) (?:paid )?(?:working|work|school|lesson|teaching|contact|directed|office) "
    r"(?:time|hours)|(?:during|in) lessons|(?:while|whilst|when) (?:on duty|at work|teaching|"
    r"working with (?:pupils|children|students|learners)))\b"
    r"(?!,? (?:or|and) (?:during|in|at|outside|before|after|breaks?|lunch|evenings?|weekends?|any|otherwise)\b)"
    r"(?!, (?:breaks?|lunch|before|after|evenings?|weekends?)\b)",
    re.IGNORECASE,
)
_AT_OTHER_TIMES_TOO = re.compile(
    r"\b(?:at any (?:other )?time|at all times|any other time|including|even|not just|not only|outside|whether|"
    r"or otherwise)\b",
    re.IGNORECASE,
)


def _only_when(clause: Clause) -> str | None:
    """The time a prohibition is limited to, in the clause's words, or None. Where no sentence says "must
    not" or the like ("leaving social media running in work time is a breach"), the answer line, which
    speaks for the whole clause, is the rule."""
    sentences = [part for source in (clause.answer, clause.text) for part in split_sentences(source)]
    rules = [part for part in sentences if _RULE_NOT.search(part)] or split_sentences(clause.answer)
    for sentence in rules:
        found = None if _AT_OTHER_TIMES_TOO.search(sentence) else _ONLY_WHEN.search(sentence)
        if found:
            return found.group(0).lower()
    return None


def _time_limit(clause: Clause, asked: set[str], terms: Callable[[str], list[str]]) -> str | None:
    """The time a permission rules out, in the clause's words, when the question asks about that time: "usage
    should not occur during paid working time", asked about lessons (the vocabulary reads both as working
    hours); None otherwise ("can I check Facebook in my lunch break?" keeps the permission)."""
    linking = set(terms("during in within while whilst when paid"))
    for sentence in split_sentences(clause.text):
        found = _ONLY_WHEN.search(sentence) if _RULE_NOT.search(sentence) else None
        if found and (set(terms(found.group(0))) - linking) & asked and not _AT_OTHER_TIMES_TOO.search(sentence):
            return found.group(0).lower()
    return None


NOT_ALLOWED_WITH_EXCEPTIONS = "Not allowed, with exceptions"
MUST_WITH_EXCEPTIONS = "You must, with exceptions"
ADVISED_AGAINST = "Advised against"
ONLY_WITH_PERMISSION = "Only with permission"
NOT_ALLOWED_WITHOUT_PERMISSION = "Not allowed without permission"
EXCEPTION_MAY_APPLY = "It depends on the exception, which may apply to you"
RECOMMENDED = "Recommended"
YOU_SHOULD = "You should"


def _split(clause: Clause) -> tuple[str, str] | None:
    """(the rule, its exception), from the answer line if it states one there, else from the policy text."""
    for source in (clause.answer, clause.text):
        found = _EXCEPTION.search(source)
        if found:
            return source[: found.start()] + source[found.end() :], found.group(0).strip(" ,")
    return None


def exception_in(clause: Clause) -> str | None:
    split = _split(clause)
    return split[1] if split else None


def label(
    clause: Clause,
    question_terms: Iterable[str] = (),
    terms: Callable[[str], list[str]] | None = None,
    question: str = "",
) -> str:
    """The words before the colon of the verdict line."""
    return headline(clause, question_terms, terms, question)[0]


def limit_line(clause: Clause, question_terms: Iterable[str], terms: Callable[[str], list[str]]) -> str:
    """What to show after "Not allowed" when the question is about what a permission rules out and the
    clause's answer line is only its own first words (an unreviewed draft's, stating the permission):
    the prohibiting sentence. Empty otherwise: a reviewed answer line speaks for the whole clause."""
    return headline(clause, question_terms, terms)[1]


def headline(
    clause: Clause,
    question_terms: Iterable[str] = (),
    terms: Callable[[str], list[str]] | None = None,
    question: str = "",
    kinds: Iterable[str] = (),
    closeness: Sequence[float] = (),
) -> tuple[str, str]:
    """The verdict line's label for this question, and what follows it when not the clause's answer line
    (`limit_line`), worked out once. `kinds` are the terms for what the question's words are kinds of (an app
    named is social media), read only to tell which sentence of an unreviewed draft's clause the question is
    about."""
    if clause.stance in (Stance.ALLOWED, Stance.ALLOWED_WITH_CARE, Stance.MUST) and ONLY_WITH_PERMISSION_LEAD.match(
        clause.answer
    ):
        return ONLY_WITH_PERMISSION, ""
    asked = set(question_terms)
    permits = clause.stance in (Stance.ALLOWED, Stance.ALLOWED_WITH_CARE)
    only_with_permission = permits and bool(_ONLY_WITH_PERMISSION.search(clause.text))
    part = (
        _draft_part(clause, asked, terms, question, set(kinds), closeness)
        if terms is not None and not only_with_permission
        else None
    )
    if part is not None:
        label, line = headline(part, asked, terms, question)
        return label, line or (part.answer if part.answer != clause.answer else "")
    if permits:
        if only_with_permission:
            return ONLY_WITH_PERMISSION, ""
        limited = _time_limit(clause, asked, terms) if terms is not None else None
        if limited:
            # "Can I go on social media on my phone during lessons?" over "We authorise such occasional use so long
            # as ... (i.e. usage should not occur during paid working time)"
            return f"{Stance.NOT_ALLOWED.label} {limited}", ""
        if asks_consequence(question) and _CONSEQUENCES.search(clause.text):
            # "Can I be disciplined for comments I make outside work?" over "comments ... you may intend to be
            # 'private' may still be in contravention of ... the Disciplinary Policy": no leave was asked
            return Stance.INFORMATION.label, ""
        limit = _limit(clause, asked, terms) if terms is not None else None
        if limit is not None:
            return Stance.NOT_ALLOWED.label, limit if answer_in_policy_words(clause) else ""
        if asks_duty(question) or asks_action(question):
            # "A parent asked for their child's photo to be taken off the school story. Do we have to?" and "a
            # parent has posted something nasty about me, what should I do?" ask no leave: "Yes, but - you can
            # post ..." answers another question. The line says what the clause says to do or may be done.
            if asks_duty(question) and _ONLY_IF.match(clause.answer):
                # "do I need to add a disclaimer?" over "Only if you add a disclaimer - if you say you work at the
                # school ..., you must state ...": the condition is the duty asked about
                return Stance.MUST.label, _without(_ONLY_IF, clause.answer)
            return Stance.INFORMATION.label, _without(_YES_LEAD, clause.answer)
        asks = asks_instead(question)
        # A permission is no answer to "what is the policy for?": the answer line that follows is. Unless
        # that line itself answers a yes or a no ("Yes, but - you can post ..."), which only the permission
        # reads rightly after: "what happens if I post ...?" was in effect asking leave. "Who do I tell?"
        # never is, and a "Yes" before its answer is said to nobody.
        if asks == "whether" or (asks == "what" and not _YES_OR_NO.match(clause.answer)):
            return Stance.INFORMATION.label, ""
        if asks == "who":
            return Stance.INFORMATION.label, _without(_YES_LEAD, clause.answer)
        if clause.stance is Stance.ALLOWED_WITH_CARE and not asks_leave(question) and _advice_to_act(clause):
            # "shud we turn off tagging people in pics on the school insta?" over "Consider turning off tagging
            # people in images where possible": advice to do it, not leave to do something with care
            return RECOMMENDED, _without(_YES_LEAD, clause.answer)
    if clause.stance is Stance.MUST:
        return _must_label(clause, asked, terms, question), ""
    if clause.stance is not Stance.NOT_ALLOWED:
        return clause.stance.label, ""
    # "Do I still have to keep school information confidential after I leave?" would hear "Not allowed: No - you
    # have a legal duty of confidence ...": the "No" answers a question about leave, not this one. Nor does it
    # answer one whose exception may apply ("my niece is in Year 4, can I stay friends with her?").
    label = _not_allowed_label(clause, asked, terms)
    if asks_consequence(question) and _CONSEQUENCES.search(f"{clause.text} {clause.answer}"):
        # "Can I get in trouble for joining a controversial Facebook group?": what the clause says may happen
        label = Stance.INFORMATION.label
    elif asks_action(question) and _TO_ACT.search(clause.text):
        # "a child is following my Instagram, what should I do?": what the clause says to do
        return Stance.MUST.label, _action_part(_without(_NO_LEAD, clause.answer))
    # "Can I get in trouble for joining a controversial group?" would hear "No - ...": no trouble, it reads
    unsaid = label in (Stance.MUST.label, Stance.INFORMATION.label, EXCEPTION_MAY_APPLY)
    if unsaid or asks_duty(question) or asks_consequence(question):
        return label, _without(_NO_LEAD, clause.answer)
    return label, ""


def _draft_part(
    clause: Clause,
    question_terms: set[str],
    terms: Callable[[str], list[str]],
    question: str,
    kinds: set[str],
    closeness: Sequence[float],
) -> Clause | None:
    """An unreviewed draft's answer line is its clause's first words, and its stance the import's guess for the
    whole clause. A question about another of its sentences ("can I use my personal email to write to
    parents?" over "Any digital communication ... must be professional in tone and content. ... Personal email
    addresses ... must not be used for these communications") is answered with that sentence and what that
    sentence says ("Not allowed"), as a reviewer would; "For information" when that part states no rule ("What
    does the school do if a parent makes an offensive comment?": "the school will ask the parent to remove the
    post ..."). The part asked about is the one closest in meaning (`closeness`, each part's cosine to the
    question), or without vectors the one the question shares the most words with (at least two, more than with
    any other part); a permission's limit the question names comes first (`_limit_asked_about`)."""
    if _framed(clause):
        return _framed_part(clause, question_terms | kinds, terms, question, closeness)
    if not imports_own_line(clause):
        return None
    # the importer is loaded only here, for a school's unreviewed draft: every question would pay its start
    from bot.knowledge.importing.guess import guess_part_stance

    parts = split_parts(clause.text)
    named = question_terms | kinds  # "on fb" names what "on social networking sites" speaks of
    part = _asked_part(clause, parts, named, terms, question, closeness)
    said = policy_words_in_draft_answer(clause.answer)
    # A part of the answer line is its own answer only where the line states two rules; a lead-in cut off at
    # its semicolon ("When posting online consider;") is not.
    within = part is not None and fold(part).lower() in fold(said).lower()
    if part is None or fold(said).lower() in fold(part).lower() or (within and not re.search(TWO_RULES, said, re.I)):
        line_stance = guess_part_stance(said, clause.section, clause.heading)
        # the line is what the question asks about where its words say so too, not only its meaning
        by_words = _closest(parts, named, terms, least=2)
        asked_about_line = by_words is not None and fold(by_words).lower() in fold(said).lower()
        return _as_its_line_says(clause, line_stance, asked_about_line=asked_about_line)
    part = _with_opening(clause.text, part)
    stance = guess_part_stance(part, clause.section, clause.heading)
    if stance is Stance.ALLOWED and clause.stance is not Stance.ALLOWED:
        # the clause's other sentences set its conditions: "staff should ensure that any photos are appropriate"
        stance = Stance.ALLOWED_WITH_CARE
    return clause.model_copy(update={"text": part, "answer": _part_line(part), "stance": stance})


def _framed(clause: Clause) -> bool:
    """Whether the clause is an unreviewed list item whose line the import framed: by its list's lead-in ("When
    using communication technologies the school considers the following as good practice: any digital
    communication ...") or as a DO NOT list's "Don't ..."."""
    return answer_in_policy_words(clause) and (clause.answer.startswith(DONT) or LEAD in clause.answer)


def _framed_part(
    clause: Clause, named: set[str], terms: Callable[[str], list[str]], question: str, closeness: Sequence[float]
) -> Clause | None:
    """A framed list item's other sentence the question is about, framed as its line is, or None where it is the
    first (the line already shows it). "can i emial a pupil from my personel gmail acount" over the item "Any
    digital communication between staff and pupils ... must be professional in tone and content. These
    communications may only take place on official (monitored) school systems. Personal email addresses, text
    messaging or social media must not be used for these communications." had read its first sentence, after the
    lead-in "the school considers the following as good practice", which made the rule sound optional (review of
    a new school's import). A DO NOT item's other sentences say what it forbids in full and keep its "Not
    allowed"; a lead-in's item is read with its lead-in."""
    # the importer is loaded only here, for a school's unreviewed draft: every question would pay its start
    from bot.knowledge.importing.guess import guess_part_stance

    parts = split_parts(clause.text)
    part = _asked_part(clause, parts, named, terms, question, closeness)
    if part is None or part == parts[0]:
        return None
    line = _part_line(_with_opening(clause.text, part))
    lowered = f"{line[:1].lower()}{line[1:]}"
    dont = clause.answer.startswith(DONT)
    lead = "" if dont else clause.answer.split(LEAD, 1)[0]
    # a DO NOT item's own first words take its "Don't" (with what "this" means); another sentence says its own
    own_words = f"{DONT}{lowered}" if part.startswith(parts[0]) else line
    framed = own_words if dont else f"{lead}{LEAD}{lowered}"
    if framed == clause.answer:
        return None  # the part's own verdict asks this again of the part: the same line is where it stops
    stance = clause.stance if dont else guess_part_stance(f"{lead} {part}", clause.section, clause.heading)
    return clause.model_copy(update={"text": part, "answer": framed, "stance": stance})


def _asked_part(
    clause: Clause,
    parts: list[str],
    named: set[str],
    terms: Callable[[str], list[str]],
    question: str,
    closeness: Sequence[float],
) -> str | None:
    """The part of an unreviewed clause the question is about: a ban it asks about by name, else the part closest
    in meaning, else (without vectors) the one it shares the most words with (at least two, more than with any
    other); with what to do after it, where that is what it asks."""
    # the importer is loaded only here, for a school's unreviewed draft: every question would pay its start
    from bot.knowledge.importing.guess import guess_part_stance

    by_words = _closest(parts, named, terms, least=2)
    limit = None
    if asks_if_allowed(question):
        # "... sticking it on fb, is that even allowed??" shares "on fb" only with "these images should not be
        # published ... on social networking sites", not with the permission to film beside it
        if by_words is None:
            limit = _limit_asked_about(clause, parts, named, terms)
        elif guess_part_stance(by_words, clause.section, clause.heading) is Stance.NOT_ALLOWED:
            limit = by_words
    part = limit or _closest_in_meaning(parts, closeness) or by_words
    if part is not None:
        part = _with_what_it_means(parts, part)
    if part is not None and asks_action(question):
        part = _with_what_to_do(parts, part)
    return part


def _with_what_it_means(parts: list[str], part: str) -> str:
    """The part with the one before it, where it says "this" for what that one says: "Even if the child or parent is
    no longer within your care, the school does not deem this as appropriate behaviour." was listed alone under
    Dobcroft's DO NOT "Build or pursue relationships with children, parents, families." (review of a new school's
    import): staff could not see what "this" was."""
    at = parts.index(part) if part in parts else 0
    if at == 0 or not _MEANS_BEFORE.search(part):
        return part
    return f"{parts[at - 1]} {part}"


def _closest_in_meaning(parts: list[str], closeness: Sequence[float]) -> str | None:
    """The part closest in meaning to the question, given each part's cosine (in the order of `parts`), or None
    without them. Chosen by shared words, a tie fell to the clause's first words, and the words chose worse: over
    the listed draft clauses of the `tune` questions whose answer lies in one part, the line shown held it 43 times
    in 65 by words, 51 by meaning (docs/matching.md, section 5, with what a blind judge made of the headlines)."""
    if len(parts) < 2 or len(closeness) != len(parts):
        return None
    return parts[max(range(len(parts)), key=closeness.__getitem__)]


def _with_what_to_do(parts: list[str], part: str) -> str:
    """The part a question about what to do is about, with the next part where only that one says what to do: "I'm
    a supply teacher and a child has followed me on TikTok. What should I do?" meets "In the case of some social
    networking sites it is possible to be 'followed' by a child without your consent.", and only "If this is the
    case, then your school should be informed and the child 'follower' deleted." answers it."""
    # the part may already be joined to the one before it (`_with_what_it_means`): where it ends is what counts
    at = max(i for i, each in enumerate(parts) if part.endswith(each))
    if _TO_ACT.search(part) or at + 1 == len(parts) or not _TO_ACT.search(parts[at + 1]):
        return part
    return f"{part} {parts[at + 1]}"


def closest_line(
    clause: Clause,
    question_terms: Iterable[str],
    terms: Callable[[str], list[str]],
    closeness: Sequence[float] = (),
    question: str = "",
) -> str:
    """The line to show for a clause listed as related or closest: its answer line, or, for an unreviewed
    draft whose line is the import's first words, the sentence of its text the question is about (`_asked_part`).
    A member of staff told "not sure" reads these lines; the first words of "It is possible to be 'followed' by a
    child without your consent. If this is the case, then your school should be informed ..." said nothing of
    what to do."""
    if _framed(clause):
        framed = _framed_part(clause, set(question_terms), terms, question, closeness)
        return framed.answer if framed is not None else clause.answer
    if not imports_own_line(clause):
        return clause.answer
    parts = split_parts(clause.text)
    part = _asked_part(clause, parts, set(question_terms), terms, question, closeness)
    if part is None or fold(part).lower() in fold(policy_words_in_draft_answer(clause.answer)).lower():
        return clause.answer
    return _part_line(_with_opening(clause.text, part))


def _action_part(line: str) -> str:
    """Of a line that forbids, then says what to do ("Never friend, follow or seek social contact with a child ...;
    if a child follows you without your consent, tell the school and remove them as a follower"), what to do: under
    "You must", "Never friend ..." read as a duty."""
    parts = [part.strip() for part in line.split(";") if part.strip()]
    if len(parts) < 2 or _ACTION.search(parts[0]):
        return line
    acting = [part for part in parts[1:] if _ACTION.search(part)]
    return _capitalised(acting[0]) if acting else line


def _with_opening(text: str, part: str) -> str:
    """A part that only goes on from its sentence's first ("You must not use social media to defame or disparage
    us ...; to harass, bully or unlawfully discriminate against ...; or to impersonate ..."), with the words it goes
    on from: alone, "To harass, bully or unlawfully discriminate against learners" had lost its "must not"."""
    for sentence in split_sentences(text):
        pieces = [piece for piece in PART_END.split(sentence) if piece.strip()]
        if part not in pieces[1:]:
            continue
        words = part.split()
        start = 1 if len(words) > 1 and words[0].lower() in ("or", "and") else 0
        if STATED_RULE.search(part) or not words[start][:1].islower():
            return part  # "...; staff should never ...": a rule of its own
        joint = re.search(rf"\s{re.escape(words[start])}\b", pieces[0])
        if joint is None:
            return part
        return f"{pieces[0][: joint.start()]} {CUT} {' '.join(words[start:])}"
    return part


def _part_line(part: str) -> str:
    """One part of a draft's text as the line shown for it."""
    # the importer is loaded only here, for a school's unreviewed draft: every question would pay its start
    from bot.knowledge.importing.guess import shortened, without_connective

    part = DANGLING.sub("", part.strip().removeprefix("and ").removeprefix("but "))
    return shortened(_capitalised(without_connective(part)))


def _as_its_line_says(clause: Clause, line_stance: Stance, asked_about_line: bool) -> Clause | None:
    """A draft whose answer line is shown, labelled as that line says, where the clause's stance would
    contradict it ("You must be conscious at all times of the need to keep your personal and professional lives
    separate" is no "Not allowed", whatever the clause's next sentence rules out); None where both only put it
    differently ("You must" over "Staff can post ...")."""
    if line_stance is Stance.INFORMATION and asked_about_line and clause.stance is not Stance.INFORMATION:
        # the question is about the line, which states no rule: "Not allowed: Social media can blur the lines
        # between your professional and private life", asked "can I use social media in my private life?"
        return clause.model_copy(update={"stance": line_stance})
    if Stance.INFORMATION in (line_stance, clause.stance):
        return None
    if (line_stance is Stance.NOT_ALLOWED) == (clause.stance is Stance.NOT_ALLOWED):
        return None
    return clause.model_copy(update={"stance": line_stance})


def _must_label(clause: Clause, asked: set[str], terms: Callable[[str], list[str]] | None, question: str) -> str:
    """A duty's label for this question. "Can I get sacked for a comment about my manager?" is not asking
    what to do: over a duty that also says what may happen ("could lead to dismissal") the answer line is
    information. A duty only advised is "Recommended"; one with an exception in the policy's text says so
    ("within 24 hours (or on the next working day if received at a weekend)")."""
    if asks_consequence(question) and _CONSEQUENCES.search(clause.text):
        return Stance.INFORMATION.label
    if terms is not None and _refuses(clause, asked, terms, question):
        return Stance.NOT_ALLOWED.label
    if _advice_only(clause, asked, terms):
        return RECOMMENDED
    found = _EXCEPTION.search(clause.text) or _OR_IF.search(clause.text)
    if found is None or _PERMISSION.match(found.group(0)):
        return _as_worded(clause)
    # "How often should the school page be checked?" asks about the clause's other duty, which has none.
    if terms is not None and _asks_elsewhere(clause.text, found.group(0), asked, terms):
        return clause.stance.label
    # Not "It depends on the exception, which may apply to you", even when the question names the exception's
    # case: a duty's exception says when or how it is done ("or on the next working day if received at a
    # weekend"), not whether, and staff who judged "a complaint posted on Saturday" called the hedge vague.
    return MUST_WITH_EXCEPTIONS


def _as_worded(clause: Clause) -> str:
    """A duty's label as an unreviewed draft's line words it: "Staff members should ensure that they set the privacy
    levels of their personal sites at the maximum" is "You should", not the import's "You must" for every duty; so
    is a list item's line with its lead-in ("Training will be offered as follows: all new staff should receive
    online safety training ..."). A reviewer's line speaks for itself ("You should block ..." reads "You should" in
    `render.wording`)."""
    if answer_in_policy_words(clause) and _SHOULD.search(clause.answer) and not _DUTY_WORD.search(clause.answer):
        return YOU_SHOULD
    if (
        _STAFF_SHOULD.search(clause.text)
        and not _DUTY_WORD.search(f"{clause.text} {clause.answer}")
        and not _YES_OR_NO.match(clause.answer)
    ):
        # a reviewed line in the curators' words ("Ask the Headteacher if you're unsure ...") over the policy's
        # "staff members should consult the Headteacher": the README promises "You should" where the policy says so.
        # Not over "The school should respond ...", the school's duty, nor a line that answers yes or no ("Yes -
        # your safeguarding responsibilities apply online"), which read oddly after "You should" to a blind judge.
        return YOU_SHOULD
    return clause.stance.label


def _refuses(clause: Clause, asked: set[str], terms: Callable[[str], list[str]], question: str) -> bool:
    """Whether a duty answers the leave asked with a no: "am I allowed to accept a friend request from a
    pupil?" over "Staff members must decline 'friend requests' from children" is "Not allowed", not "You
    must". The sentence the question shares the most words with (at least two) states the refusal, and the
    question does not itself ask about refusing ("can I just decline it?")."""
    # "Do I have to accept a friend request from a pupil?" too; not "what do I do if one sends me a request?"
    asks = asks_leave(question) or (asks_duty(question) and not asks_action(question))
    if not asks or _REFUSAL_VERB.search(question):
        return False
    sentence = _closest_sentence(clause.text, asked, terms, least=2) if len(split_sentences(clause.text)) > 1 else None
    if sentence is None:
        sentence = clause.text if len(set(terms(clause.text)) & asked) >= 2 else ""
    return bool(_REFUSAL.search(sentence))


def _not_allowed_label(
    clause: Clause, question_terms: Iterable[str], terms: Callable[[str], list[str]] | None
) -> str:
    if _ADVISED_NOT.search(clause.text) and not _RULE_NOT.search(_ADVISED_NOT.sub(" ", clause.text)):
        return ADVISED_AGAINST
    split = _split(clause)
    if split is None:
        when = _only_when(clause)
        return f"{clause.stance.label} {when}" if when else clause.stance.label
    rule, exception = split
    if _PERMISSION.match(exception):
        return NOT_ALLOWED_WITHOUT_PERMISSION
    return _exception_label(rule, exception, question_terms, terms)


_EVERY_ASKER = "staff school own"
# "this" standing for what the sentence before says ("the school does not deem this as appropriate", "If this is the
# case"), not "this policy"
_MEANS_BEFORE = re.compile(
    r"\b(?:this|that|these|those)\s+(?:as|is|are|was|were|will|would|can|could|may|might|should|must|means?|happens?)"
    r"\b|\b(?:deem|deems|consider|considers|do|does|avoid|prevent)\s+(?:this|that|these|those)\b",
    re.IGNORECASE,
)
# A duty the policy puts on staff with "should": "Staff members should keep their passwords confidential"
_STAFF_SHOULD = re.compile(
    r"\b(?:staff(?:\s+members?)?|you|employees?|school representatives|users|colleagues)\s+should\b"
    r"(?!\s+(?:not|never)\b)",
    re.IGNORECASE,
)


def _exception_label(
    rule: str,
    exception: str,
    question_terms: Iterable[str],
    terms: Callable[[str], list[str]] | None,
) -> str:
    """EXCEPTION_MAY_APPLY when the question speaks of what only the exception does ("a family member"
    against "my nephew"); words the rule itself uses ("any other school") say nothing about the exception."""
    # Every asker is staff at the school and speaks of their own things: "As a supply teacher, ..." says nothing of
    # "unless directed otherwise by the Head Teacher", though the vocabulary reads both as staff, nor "photos I took
    # on the school iPad ... on my own Facebook" of "other than via school owned social media accounts".
    own = set(terms(exception)) - set(terms(rule)) - set(terms(_EVERY_ASKER)) if terms is not None else set()
    if own & set(question_terms):
        return EXCEPTION_MAY_APPLY
    return NOT_ALLOWED_WITH_EXCEPTIONS


def _limit(clause: Clause, question_terms: set[str], terms: Callable[[str], list[str]]) -> str | None:
    """The sentence a question about what a permission rules out is asking about, if it is one: "parents
    are welcome to film school events ... these images should not be published on social networking
    sites", asked "can parents post videos with other children in them?". The sentence the question
    shares most words with (at least two) is a prohibition without an exception of its own ("should
    not be posted unless you have their agreement" is the permission's condition, not a limit), and no
    other sentence shares as many. Never over an answer line that itself says yes."""
    if _YES.match(clause.answer):
        return None
    sentence = _closest_sentence(clause.text, question_terms, terms, least=2)
    return sentence if sentence is not None and _prohibits(sentence) else None


def _closest_sentence(
    text: str, question_terms: set[str], terms: Callable[[str], list[str]], least: int
) -> str | None:
    """The sentence of `text` the question shares the most words with: at least `least`, and more than with
    any other sentence; None if there is no such sentence (one sentence alone answers for the whole)."""
    return _closest(split_sentences(text), question_terms, terms, least)


def _closest(
    parts: list[str], question_terms: set[str], terms: Callable[[str], list[str]], least: int
) -> str | None:
    shared = sorted(_shared(parts, question_terms, terms), reverse=True)
    if len(shared) < 2 or shared[0][0] < least or shared[0][0] == shared[1][0]:
        return None
    return shared[0][1]


def _limit_asked_about(
    clause: Clause, parts: list[str], question_terms: set[str], terms: Callable[[str], list[str]]
) -> str | None:
    """Of a permission and its limit that share the question's words equally, the limit, where the question names
    something only the limit speaks of: "parents ... filming everything n sticking it on fb, is that even
    allowed??" over "parents / carers are welcome to take videos ..." and "... should not be published ... on
    social networking sites". "can parents video sports day?" asks about the permission, whose words the limit
    repeats."""
    # the importer is loaded only here, for a school's unreviewed draft: every question would pay its start
    from bot.knowledge.importing.guess import guess_part_stance

    limits = [
        part
        for part in _tied(parts, question_terms, terms, least=2)
        if guess_part_stance(part, clause.section, clause.heading) is Stance.NOT_ALLOWED
        and _names_only_here(part, parts, question_terms, terms)
    ]
    return limits[0] if len(limits) == 1 else None


def _names_only_here(
    part: str, parts: list[str], question_terms: set[str], terms: Callable[[str], list[str]]
) -> bool:
    """Whether the question shares a word with `part` that no other part uses."""
    others = {term for other in parts if other != part for term in terms(other)}
    return bool((set(terms(part)) - others) & question_terms)


def _tied(parts: list[str], question_terms: set[str], terms: Callable[[str], list[str]], least: int) -> list[str]:
    """The parts the question shares the most words with (at least `least`), when more than one does."""
    shared = _shared(parts, question_terms, terms)
    most = max((count for count, _ in shared), default=0)
    tied = [part for count, part in shared if count == most]
    return tied if most >= least and len(tied) > 1 else []


def _asks_elsewhere(text: str, part: str, question_terms: set[str], terms: Callable[[str], list[str]]) -> bool:
    """Whether the question shares more words with another sentence of `text` than with the one holding
    `part`."""
    shared = _shared(split_sentences(text), question_terms, terms)
    holding = [count for count, sentence in shared if part in sentence]
    return bool(holding) and max(holding) < max(count for count, _ in shared)


def _shared(parts: list[str], question_terms: set[str], terms: Callable[[str], list[str]]) -> list[tuple[int, str]]:
    """How many words the question shares with each part, beside the part."""
    return [(len(set(terms(part)) & question_terms), part) for part in parts]


def _advises(sentence: str) -> bool:
    return bool(_ADVICE.search(sentence)) and not _DUTY.search(_ADVICE.sub(" ", _PURPOSE.sub(" ", sentence)))


def _advice_only(clause: Clause, question_terms: set[str], terms: Callable[[str], list[str]] | None) -> bool:
    """Whether a duty the clause states is only advised, for this question: the whole clause advises ("When
    posting online consider; ..."), or the sentence the question shares most words with (more than with
    any other) does ("It is a good idea to use a separate email address ...", asked "should
    I use a separate email?"); one word is enough here, where a wrong guess costs only the label's
    firmness. Never when the answer line itself says "must"."""
    if re.search(r"\bmust\b", clause.answer, re.IGNORECASE):
        return False
    if _only_advises(split_sentences(clause.text)):
        return True
    if terms is None:
        return False
    sentence = _closest_sentence(clause.text, question_terms, terms, least=1)
    return sentence is not None and _advises(sentence)


def _advice_to_act(clause: Clause) -> bool:
    """Whether the clause only advises something be done ("Consider turning off tagging ...", "School
    representatives are advised to make full use of the security settings ..."): no permission in it, no duty,
    and some advice."""
    return not _GRANTS.search(clause.text) and _only_advises(split_sentences(clause.text))


def _only_advises(sentences: list[str]) -> bool:
    """Whether the sentences advise and state no duty beside the advice."""
    return all(_advises(part) or not _DUTY.search(part) for part in sentences) and any(map(_advises, sentences))


def _without(lead: re.Pattern[str], line: str) -> str:
    """The line without the lead that opens it ("Yes, but - ", "No - ", "Only if you ... - "); empty when it has
    none, for the line as it is."""
    found = lead.match(line)
    return _capitalised(line[found.end() :]) if found else ""


def _capitalised(line: str) -> str:
    return line[:1].upper() + line[1:]


def _prohibits(sentence: str) -> bool:
    return bool(STATED_RULE.search(sentence)) and not _EXCEPTION.search(sentence)
