"""First guesses for a draft clause: its stance, its topics and a plain answer line.

Guesses from the wording only ("must not", "should", "strongly advised", "may"); a person reviews
every one before staff rely on it. They are good enough for the bot to find the right clause in
the meantime, because the answer line repeats the clause's key words where the matcher weighs
them most.
"""

from __future__ import annotations

import re

from bot.knowledge.draft_words import CUT, DANGLING, DONT, LEAD, without_asides
from bot.knowledge.importing.split import NAMES_PEOPLE, DraftClause
from bot.knowledge.models import Stance
from bot.verdicts import DESCRIBING_DO_NOT, STATED_RULE

# "No member of staff is permitted to ...", "nobody may ...": a rule that leaves no one a permission
_NO_ONE_MAY = (
    r"(?:no (?:member|members|person|staff|employee|employees|user|users|pupil|pupils|student|students)"
    r"(?: \w+){0,2} |nobody |no-one |no one )(?:is|are|may|can)\b"
)
_NOT = re.compile(
    r"\b(must(?: (?:also|really|ever|therefore|still|certainly|absolutely|then))? not|mustn't|must never|"
    r"should(?: (?:also|really|ever|therefore|still|certainly|then))? not|shouldn't|should never|"
    # not a condition ("Even if you do not identify your place of work, ..."), nor what a disclaimer
    # says ("state that your views do not represent those of your employer")
    # nor what describes a thing ("Personal communications which do not refer to the school", "comments ... do
    # not remain private", "you do not need to ask")
    r"(?<!if you )(?<!if they )(?<!if staff )(?<!which )(?<!that )(?<!who )"
    + DESCRIBING_DO_NOT
    + r"|never|"
    # "I will not download ...", "names will not be used": a rule in an agreement or a policy statement; not
    # "staff will not be disciplined for raising a concern"
    # "a designated computer that will not be used by young people" describes the computer
    r"(?:I|you|staff|employees|users|pupils) (?:will|shall) not (?!be\b)|"
    r"(?:will|shall) not be (?:tolerated|permitted|accepted|allowed|posted|published)|(?<!that )(?<!which )"
    r"(?:will|shall) not be used|shan't|"
    # "staff cannot ...": not "it may not always be appropriate"
    + _NO_ONE_MAY
    + r"|(?:you|staff|employees|colleagues|users) (?:cannot|can't|can not|may not)|"
    r"not permitted|not allowed|are not to|is not to|prohibited|forbidden|not be tolerated|"
    r"(?:is|are|be|as|deemed|considered|totally|wholly) unacceptable|"
    r"under no circumstances|not acceptable|inappropriate (?:to|for)|refrain from|strongly advised not|advised not to|"
    # "Avoid ..." as an instruction, not "taking these steps will avoid the risk"
    r"(?:(?:should|must|to|always|please) |^|[:.;] )avoid|"
    r"expects? that .{0,60}\bwill not|(?:considers?|considered|deemed) .{0,50}\binappropriate|examples of cases|"
    # "No reference should be made to pupils", "no images may be taken": nothing of the kind is allowed
    r"(?:^|[.;:] )no (?:\w+ ){1,3}(?:should|must|shall|may|will|can) (?:ever )?be)\b",
    re.IGNORECASE,
)
# "Leaving social media sites running in work time is considered to be a breach of ...": not "will not be
# regarded as a breach", nor a duty's sanction ("failure to do so will be considered a breach")
_BREACH = re.compile(
    r"(?<!not )(?<!not be )(?:considered|deemed|viewed|regarded|seen) (?:as|to be) (?:an? )?"
    r"(?:breach|misconduct|gross misconduct|bullying)\b",
    re.IGNORECASE,
)
# "It is a disciplinary offence to use, post or publish a photograph ... contrary to the instructions of ...";
# not a duty's sanction ("Failure to report a concern is a disciplinary offence")
# ("A breach of this policy may constitute a criminal offence" says what may follow, not what is forbidden)
_OFFENCE = re.compile(r"\b(?:is|are) (?:a |an )?(?:disciplinary|criminal) offences?\b", re.IGNORECASE)
_FAILURE = re.compile(r"\bfail(?:ure|ing|s)? to\b", re.IGNORECASE)
_CONDITION = re.compile(r"\b(?:so long as|as long as|provided(?: that)?|providing|on condition)\b", re.IGNORECASE)
_CARE = re.compile(
    # not what the school considers ("content that we consider to constitute a breach")
    r"\b(strongly advised|advised|advisable|recommended|recommend|(?<!we )(?<!school )(?<!it )consider|caution|"
    r"cautious|careful|carefully|"
    r"be aware|mindful|think about|think before|think through|prudent|may be useful|good practice|good idea|"
    # "Presume everything you post online will be permanent"
    r"presume)\b",
    re.IGNORECASE,
)
# A duty on a person ("staff should", "you must", "Ensure ..."), not "the purpose is to ensure".
_MUST = re.compile(
    r"(?:\b(?:you|staff|employees|members|representatives|users|they|all|colleagues|managers|governors|individuals)"
    # not "School Representatives should expect that monitoring ... shall be in line with ...": what to expect
    r"(?:\s+[\w/]+){0,3}?\s+(?:must|should(?! expect\b)|shall(?! not\b)|are required|"
    r"(?:may|can|will) be required to|need to|are expected to|have a responsibility|"
    r"are responsible|have a duty)\b|\b(?:must|is required|are required|is expected)\b|^(?:ensure|always|make sure)\b|"
    # an acceptable use agreement's undertakings: "I will immediately report ...", "I will only use ..."
    r"(?:^|[.;:] )I (?:will|shall|agree to)\b(?! not\b))",
    re.IGNORECASE,
)
_ALLOWED = re.compile(
    # not "as best you can" or "as soon as you can", how well or when, not whether
    r"\b(?<!best )(?<!as )(?:(?:you|they|staff|employees|staff members|colleagues|members of staff|representatives)\s+"
    # not "you may not", nor "you can find the guidance in Appendix 2" (where to look, not what is allowed)
    # nor "comments which you may intend to be 'private'" (what you mean, not what you may do)
    r"(?:(?:may|can)(?! be\b| also be\b| not\b|'t|not| (?:find|see|read|refer|look|view|obtain|get|ask|speak|talk|"
    r"contact|intend|wish|want|think|feel|believe|have)\b)|"
    r"are permitted|are allowed|are free)|is permitted|"
    r"we authorise|we authorize|is acceptable|can be assumed to be acceptable|"
    r"(?<!no )(?<!not )(?:are|is) (?:allowed|permitted|welcome|free) to|"
    # "Pupil's work can only be published with the permission of the pupil and parents"
    r"can only be \w+ with (?:[\w\u2019']+ ){0,3}(?:permission|approval|consent|agreement))\b",
    re.IGNORECASE,
)

# An instruction to the reader: "Keep your personal information private", "Regularly review your
# connections". Not a role's duties ("Receive completed applications", "Take legal advice"), which
# speak to no one in particular.
_INSTRUCTION = re.compile(
    r"^(?:(?:regularly|always|please|also)\s+)?(?:keep|check|know|review|protect|respect|remember|report|tell|"
    r"follow|read|treat|set|adjust|seek|inform|maintain|make|take|act|limit|restrict|delete|remove|block|change|"
    r"update|lock|monitor|ask|speak|talk|use|be)"
    # followed by what it acts on, not a noun ("Report abuse buttons are ...", "Check-ins", "Set-up of")
    r" (?=[^.]*\byou(?:r|rs|rself)?\b)(?:your|yourself|you|the|a|an|any|all|this|these|those|them|it|how|what|"
    r"who|when|whether|that|up|regularly|carefully)\b",
    re.IGNORECASE,
)

# "If there is any suspicion that the web site(s) concerned may contain child abuse images, ..., refer to the
# right hand side of the Flowchart ... and report immediately to the police": what to do, once the case is met
_INSTRUCTION_IF = re.compile(
    r"^(?:if|where|when|whenever|should)\b[^.;:]*?,\s+(?:please\s+|then\s+|always\s+)?(?P<verb>refer|report|contact|"
    r"call|inform|tell|isolate|stop|seek|speak|talk|ask|keep|save|record|delete|remove|block|ignore|follow|check|"
    r"notify|alert|pass)"
    # followed by what it acts on or how, not a noun ("report forms are kept", "contact details", "call logs")
    r"(?=\s+(?:it|them|this|that|these|those|the|a|an|any|all|to|immediately|at once|promptly|straight away|"
    r"your|their|him|her|back|on)\b)",
    re.IGNORECASE,
)

# A duty stated of a thing ("Permission ... should be sought", "Any misuse should be reported to the Head
# Teacher", "Communication ... should remain professional"): the person goes without saying.
_DUTY_OF_A_THING = re.compile(
    # "Written permission from parents or carers will be obtained before photographs of pupils are published"
    r"\bshould (?:always |only )?(?:be|remain)\b|"
    r"\b(?:permission|consent|approval)\b[^.;:]{0,60}\bwill be (?:obtained|sought) (?:before|prior to)\b|"
    # "We will ask children and seek verbal permission before taking photos/videos": the staff who take them
    r"^we will (?:always )?(?:ask|seek|obtain|get|gain)\b[^.;:]{0,60}\b(?:permission|consent|agreement)\b[^.;:]{0,30}"
    r"\b(?:before|prior to)\b",
    re.IGNORECASE,
)
# The items under the staff's own heading in a section of roles and responsibilities ("Attending appropriate
# training", "Adding an appropriate disclaimer ..."): each is a duty, though no item says "must". Other
# roles' items (SLT's "Taking a lead role in investigating ...") tell staff who does what.
_STAFF_HEADING = re.compile(
    r"^(?:all )?(?:staff|staff members|members of staff|employees|teachers|teaching staff|school staff)$", re.I
)
_RESPONSIBILITIES = re.compile(r"\bresponsibilit", re.IGNORECASE)
# A list named after pupils or parents, its items going on from the name ("Online safety Group - Pupils" /
# "will be expected to know and understand policies on the use of mobile devices"): their duties, not staff's.
_ANOTHER_ROLE = re.compile(
    r"(?:^|-\s*)(?:pupils?|learners?|students?|children|young people|parents?|carers?|parents?\s*(?:/|and)\s*carers?)"
    r"\s*$",
    re.IGNORECASE,
)
# "Users must immediately report ... any communication that ... is offensive ... and must not respond to any such
# communication": a duty first, and what not to do while doing it
_DUTY_FIRST = re.compile(
    # the sentence's own subject owes the duty (not "Staff who must ...", "Where staff must ..."), which is no
    # reminder of a ban ("must remember that they must never ..."), and the ban is joined to it with "and"
    r"^(?!(?:(?!\bmust\b)[^.;:])*?\b(?:who|where|when|if|which|that|whose)\b)[^.;:]*?\bmust\b"
    r"(?! not\b| never\b| (?:also )?(?:be aware|remember|know|understand|recogni[sz]e|note|reali[sz]e|bear in mind)\b)"
    r"[^.;:]*?\band must (?:not|never)\b",
    re.IGNORECASE,
)
# "must be mindful that ...", "must adhere to ..., must be aware": a duty, whatever care it asks for
_STRONG_DUTY = re.compile(r"\b(?:must|are required to|is required to)\b(?! not\b)", re.IGNORECASE)

# A table of activities, one row per line with its marked column after a colon (the SWGfL template's
# "User Actions": "Infringing copyright: Unacceptable", "File sharing: Acceptable at certain times"):
# the row's own cell says what the lead-in above the table cannot.
_TABLE_CELL = re.compile(
    r":\s*(?:(?P<no>unacceptable(?: and illegal)?|not allowed)|(?P<care>(?:acceptable|allowed) "
    r"(?:at certain times|for nominated (?:users|staff)|for selected staff|with staff permission))|"
    r"(?P<yes>acceptable|allowed))\s*$",
    re.IGNORECASE,
)

_NONE_MAY = re.compile(r"\b" + _NO_ONE_MAY, re.IGNORECASE)
# "... the School will consider taking the following action:" - its items are the school's, not rules for
# staff, whatever the lead-in says of the conduct that prompts them ("in a manner the School considers
# inappropriate").
_SCHOOL_ACTIONS = re.compile(
    r"\b(?:the school|we|the headteacher|the council|the governors)\s+(?:will|may|can|might)\b[^.:]{0,60}"
    r"\b(?:following|these)\b[^.:]{0,30}\b(?:actions?|steps|measures|sanctions)\b|"
    # "The school will take appropriate action in the event of breaches ...": what the school does about them
    r"^(?:the school|we)\s+will\s+(?:take (?:\w+ )?action|deal with)\b",
    re.IGNORECASE,
)
# "This policy should be read in conjunction with the following documents:": its items are documents,
# whatever rule the sentence before it states.
_READ_WITH = re.compile(
    r"\b(?:read|used|considered) (?:(?:in conjunction|together|along) with|alongside)\b", re.IGNORECASE
)
# "... contact pupils through social media, unless:" - its items are the exceptions, not more of the rule
_EXCEPTIONS_FOLLOW = re.compile(r"\b(?:unless|except(?: where| when| if| that)?|provided(?: that)?)\W*$", re.IGNORECASE)
# What the policy is for and whom it covers: information, whatever duties it mentions on the way
# ("... the regulations employees should already be aware of").
_ABOUT_THE_POLICY = re.compile(
    r"(?:the (?:purpose|aims?|scope|objectives?) of this policy|this policy (?:applies|covers|sets out|aims|is))\b",
    re.IGNORECASE,
)


def _near(first: str, second: str) -> str:
    """Either word group within a few words of the other, in either order."""
    return rf"\b(?:{first})\w*\b.{{0,60}}\b(?:{second})|\b(?:{second})\w*\b.{{0,60}}\b(?:{first})"


# What one follows when following is no online contact
_KEPT_TO = r"polic\w*|rules?|procedures?|guid\w*|instructions?|advice"

# Topic slugs of the curated knowledge base, found from general policy wording.
_TOPICS: list[tuple[str, re.Pattern[str]]] = [
    (slug, re.compile(pattern, re.IGNORECASE))
    for slug, pattern in [
        (
            "friending-pupils",
            # "the following:", "follow the rules": a list or a rule to keep, no online contact
            _near(
                rf"friend|(?<!the )(?<!as )follow(?!s?\s+[^.;:]{{0,45}}?\b(?:{_KEPT_TO})\b)|contact|messag|"
                "relationship",
                "pupil|child|learner|student",
            ),
        ),
        ("friending-parents", _near("friend|contact|relationship", "parent|carer|famil")),
        ("friending-colleagues", _near("friend", "colleague")),
        ("ex-pupils", r"\b(ex-?pupil|ex-?child|former (?:pupil|child|learner)|prior pupil|recent learner)"),
        ("photos-children", _near("photo|image|picture|video", "child|pupil|learner|student")),
        (
            "contact-details",
            r"\b(contact details|phone number|telephone|mobile (?:phone )?(?:numbers?|details)|"
            r"personal mobile(?! (?:devices?|equipment))|e-?mail address|home address)",
        ),
        ("confidentiality", r"\bconfidential"),
        ("data-protection", r"\b(data protection|gdpr|personal data|personal information)"),
        ("privacy-settings", r"\b(privacy|security settings|password)"),
        ("reputation", r"\b(reputation|disrepute)"),
        ("breach-disciplinary", r"\b(disciplinary|dismissal|misconduct|breach)"),
        ("cyberbullying-abuse", r"\b(bully|bullying|harass|abuse|abusive|victimis)"),
        ("school-logo", r"\b(logo|brand)"),
        (
            "speaking-for-school",
            r"\b(on (?:our|its|the school's) behalf|own views|views (?:of|do not represent)|represent)",
        ),
        ("official-accounts", r"\b(school (?:social media )?accounts?|official|sanctioned)"),
        ("political-views", r"\bpolitic"),
        ("copyright", r"\bcopyright"),
        ("monitoring", r"\bmonitor"),
        ("safeguarding", r"\b(safeguard|grooming|child protection)"),
        ("related-policies", r"\b(code of conduct|read in conjunction|other policies|policy and)"),
        ("personal-use-work-hours", r"\b(working hours|work time|working time|at work|in work time)"),
        ("complaining-about-work", r"\b(grievance|concerns? about (?:your )?work|complain\w* about|work related)"),
        ("illegal-content", r"\b(illegal|sexually explicit|offensive material|libel|defam)"),
        ("disclaimer", r"\bdisclaimer"),
        ("profile-details", r"(?<!high )(?<!high-)\bprofile"),
        ("reporting-misuse", r"\breport"),
        ("seeking-advice", r"\b(advice|discuss (?:it )?with|consult|speak to|talk to)"),
        ("definition", r"\b(social media is|is the term|definition|includes?, but (?:is|are) not limited)"),
        ("scope", r"\b(applies to|this policy covers|scope)"),
        ("professional-conduct", r"\bprofessional"),
        ("training", r"\b(training|induction)"),
        ("parents-posting", r"\bparents?\b.{0,60}\b(post|comment|complain)"),
        ("leaving-school", r"\b(left employment|on leaving|former school)"),
        ("recruitment", r"\b(vacanc|recruit)"),
        ("messaging-parents", r"\bmessag\w*\b.{0,40}\bparent"),
    ]
]
_MAX_TOPICS = 4
# A heading about what parents or carers do ("Parents/Carers", "Inappropriate use of social networking sites by
# Parents or Carers"), not a topic that names them ("Education - parents / carers")
_PARENTS_HEADING = re.compile(
    r"(?i)(?:^|\bby\s+)(?:the\s+)?(?P<who>parents?(?:\s*(?:/|,|or|and)\s*carers?)?)\s*:?\s*$"
)
_STAFF_FIRST = re.compile(r"(?i)(?:all\s+)?(?:members? of\s+)?(?:staff|employees?|teachers?|colleagues?)\b")
# What a parents' clause is still about besides their posts; the rest of the list is staff's conduct
_PARENTS_TOPICS = {"cyberbullying-abuse", "safeguarding", "official-accounts", "photos-children", "reputation"}
_ANSWER_CHARS = 240
_FEW_LAST_WORDS = 30  # characters past the length a line is kept whole for
_PAUSE = re.compile(r"[,;]\s|\s[-\u2013\u2014]\s|\s\(")
# The words that state a rule; where they come only after a long subject, the line keeps them.
_LATE_RULE = re.compile(r"\b(?:must|should|shall|will not|will never|never)\b", re.IGNORECASE)
# "Similarly, ...", "In addition to this the policy applies ...": a link to the sentence before, not an answer
_CONNECTIVE = re.compile(
    r"(?:similarly|likewise|also|furthermore|moreover|additionally|in addition(?: to this)?),?\s+", re.IGNORECASE
)
_SHORT_SENTENCE = 6  # words; "Protect your own privacy." says little without the sentence after it
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'\u201c\u2018])")
# "(e.g. Internet Matters)": a full stop that ends an abbreviation, not a sentence.
_ABBREVIATION = re.compile(r"\b(?:(?i:e\.g|i\.e|etc|incl|approx)|Mr|Mrs|Ms|Dr|St)\.$")


def _sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for part in _SENTENCE.split(text):
        if sentences and _ABBREVIATION.search(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {part}"
        else:
            sentences.append(part)
    return sentences


def guess_stance(clause: DraftClause) -> Stance:
    stance = _stance(clause)
    if stance is Stance.MUST and clause.text[:1].islower() and _ANOTHER_ROLE.search(clause.section):
        # "Pupils:" / "will be expected to know ...": a duty of pupils, which "You must" would put on staff;
        # their "must not" still reads "Not allowed", a true answer to "can pupils ...?"
        return Stance.INFORMATION
    return stance


def _stance(clause: DraftClause) -> Stance:
    if clause.polarity == "dont":
        return Stance.NOT_ALLOWED
    cell = _TABLE_CELL.search(clause.text)
    if cell:
        return Stance.NOT_ALLOWED if cell["no"] else Stance.ALLOWED_WITH_CARE if cell["care"] else Stance.ALLOWED
    ruled = STATED_RULE.search(clause.text)
    if not ruled and (
        _ABOUT_THE_POLICY.match(clause.text)
        or _SCHOOL_ACTIONS.search(clause.text)
        or (clause.lead_in and _SCHOOL_ACTIONS.search(clause.lead_in) and not _NOT.search(clause.text))
        or (clause.lead_in and _READ_WITH.search(_sentences(clause.lead_in.strip())[-1]))
    ):
        return Stance.INFORMATION  # what the policy is for, or what the school will do: not a rule for staff
    # of a lead-in, the sentence that leads into the list: "... need to be aware of the risks ... The school will
    # inform and educate users about these risks and will implement policies ...:" over "Written permission
    # from parents or carers will be obtained before photographs of pupils are published" asks no care of staff
    wording = clause.text if not clause.lead_in else f"{_stance_lead(clause.lead_in)} {clause.text}"
    if (
        clause.outer_lead_in
        and not (clause.lead_in and _EXCEPTIONS_FOLLOW.search(clause.lead_in))
        and not any(p.search(wording) for p in (_NOT, _CARE, _MUST, _ALLOWED))
    ):
        # "Making defamatory comments" under "... for example by:" under "... must not:"
        wording = f"{clause.outer_lead_in} {wording}"
    restricted = _NOT.search(wording) or (
        (_BREACH.search(wording) or _OFFENCE.search(wording)) and not _FAILURE.search(wording)
    )
    if restricted and _NONE_MAY.search(wording):
        return Stance.NOT_ALLOWED  # "No member of staff is permitted to ...": no permission at all
    if _ALLOWED.search(clause.text) and (restricted or _MUST.search(wording)):
        # "Staff are allowed to take images ..., but must follow ...": allowed, on conditions
        return Stance.ALLOWED_WITH_CARE
    if restricted and not _DUTY_FIRST.search(clause.text):
        return Stance.NOT_ALLOWED
    if _CARE.search(wording) and not _STRONG_DUTY.search(clause.text):
        return Stance.ALLOWED_WITH_CARE
    if clause.polarity == "do" or _MUST.search(wording):
        return Stance.MUST
    if _DUTY_OF_A_THING.search(wording) and not _READ_WITH.search(wording):
        return Stance.MUST
    if _STAFF_HEADING.match(clause.heading.strip()) and _RESPONSIBILITIES.search(
        f"{clause.section} {clause.section_title or ''}"
    ):
        return Stance.MUST
    if _ALLOWED.search(wording):
        # "... is permitted so long as it does not involve unprofessional or inappropriate content": on conditions
        return Stance.ALLOWED_WITH_CARE if _CONDITION.search(wording) else Stance.ALLOWED
    if _INSTRUCTION.search(clause.text) or _INSTRUCTION_IF.search(clause.text):
        return Stance.MUST
    return Stance.INFORMATION


def guess_part_stance(part: str, section: str, heading: str) -> Stance:
    """The stance one sentence of a clause states on its own (bot/verdicts.py: a draft's answer to the
    sentence a question is about)."""
    return guess_stance(DraftClause(section=section, heading=heading, text=part, line=0))


def guess_topics(clause: DraftClause) -> list[str]:
    wording = " ".join(filter(None, [clause.heading, clause.lead_in, clause.text]))
    found = [slug for slug, pattern in _TOPICS if pattern.search(wording)]
    if _parents_rule(clause):
        # "Making complaints about the School/staff at the School" under "... by Parents or Carers" is about what
        # parents post, not a member of staff's complaint: the folder's staff questions vote by topic
        found = ["parents-posting", *(slug for slug in found if slug in _PARENTS_TOPICS)]
    return list(dict.fromkeys(found))[:_MAX_TOPICS]


def _parents_rule(clause: DraftClause) -> re.Match[str] | None:
    """The heading that says a clause is about what parents or carers do, unless the clause is about staff."""
    if _STAFF_FIRST.match(clause.text):
        return None
    return _PARENTS_HEADING.search(clause.heading)


# A longer lead-in ("The school will inform and educate users about these risks and will implement
# policies to reduce the likelihood of the potential for harm:") would bury the item's own words.
_LEAD_IN_WORDS = 10
# An item that finishes its lead-in's sentence ("... as these relate to:" / "information of which they become
# aware on-line"; "... for example by:" / "Using social media to bully ...") means nothing alone: the line keeps
# the whole lead-in when both fit, else the lead-in's first and last words. So does an item under a list that
# forbids, or under a lead-in that sets a condition ("When using social media for educational purposes, ...").
_LEAD_HEAD, _LEAD_TAIL = 7, 3
# Fewer words than this left out of a lead-in are not worth the mark of a cut
_LEAD_GAP = 3
_NOT_EXHAUSTIVE = re.compile(
    r"^(?:this|the)\b[^.]{0,20}\b(?:not (?:an? )?exhaustive|examples only|not limited to)", re.IGNORECASE
)
_POINTS_BACK = re.compile(r"(?:this|these|such|examples? of (?:this|these|such)|for example|e\.g\.)\b", re.IGNORECASE)
_TURN = re.compile(r"(?:However|But|Nevertheless|That said)\b")
_EXTENDS = re.compile(r"(?:This|These|The same|The above)\b[^.;:]{0,40}?\balso\s+appl(?:y|ies)\s+to\b", re.IGNORECASE)
_CONDITION_FIRST = re.compile(r"(?i)(?:when|where|if|whilst|while|unless|before|after)\b")
# A heading of a few words can be a list's subject; a longer one names a topic.
_SUBJECT_WORDS = 5
# Words that open a sentence with a subject of its own, or a phrase before one
_OWN_SUBJECT = re.compile(
    r"(?i)(?:the|a|an|all|any|each|every|no|this|these|those|that|it|its|they|we|you|i|our|their|his|her|"
    r"there|as|if|when|where|whilst|while|in|on|at|for|to|by|with|under|after|before|during|although|unless|"
    r"staff|users?|pupils?|students?|learners?|parents?|carers?|children|governors?|employees?|everyone)\b"
)
# A verb among an item's first words says it has its own subject before it ("Digital communications by staff
# must be ...")
_OPENING_WORDS = 5
_FINITE = re.compile(
    r"(?i)\b(?:must|should|shall|will|would|may|might|can|cannot|is|are|was|were|has|have|do|does|did|needs?)\b"
)
# "Using proxy sites ...: Unacceptable": a table's row names its own subject
_TABLE_ROW = re.compile(r"\S:\s")


def draft_answer(clause: DraftClause) -> str:
    """A one-line answer from the clause's own words: its first sentence, with its list's lead-in."""
    sentences = _sentences(clause.text.strip())
    answer = sentences[0]
    if len(answer.split()) < _SHORT_SENTENCE and len(sentences) > 1:
        answer = f"{answer} {sentences[1]}"
    elif len(sentences) > 1 and (
        (_TURN.match(sentences[1]) and not STATED_RULE.search(answer))
        or _EXTENDS.match(sentences[1])
        or (not _NOT.search(answer) and _limits(answer, sentences[1]))
    ):
        # "The school respects privacy and understands that staff may use social media ... in their private lives.
        # However, personal communications likely to have a negative impact ... are within the scope of this
        # policy": the first sentence alone told staff their private accounts were their own business. So does
        # a rule's reach: "... from the council's computers or devices during working time ... These provisions
        # also apply to personal computers and mobile devices." And a permission's limit: "... parents / carers are
        # welcome to take videos ... for their own personal use ... these images should not be published ...".
        answer = _with_turn(answer, sentences[1].rstrip(";, "))
    answer = DANGLING.sub("", answer)  # "... (such as an employee of the Council); or"
    answer = without_connective(answer)
    if clause.polarity == "dont" and not _says_dont(answer):
        answer = f"{DONT}{answer[:1].lower()}{answer[1:]}"
    elif clause.lead_in and not clause.text.startswith(clause.lead_in):
        lead = _lead_sentence(clause.lead_in).rstrip(": ")
        forbids = _outer_prohibits(clause, lead, answer)
        if forbids:
            # "... must not:" / "Bring the organisation into disrepute, for example by:" / "Making defamatory
            # comments": the item read "Bring the organisation into disrepute ...", the opposite of the policy
            lead = f"{DONT}{lead[:1].lower()}{lead[1:]}"
        words = lead.split()
        first = clause.text.split()[0] if clause.text.split() else ""
        finishes = first[:1].islower() or first.lower().endswith("ing")
        framed = len(words) <= _LEAD_IN_WORDS
        if not framed and finishes and len(lead) + len(LEAD) + len(answer) <= _ANSWER_CHARS:
            framed = True
        elif not framed and (finishes or forbids or _CONDITION_FIRST.match(lead)):
            if len(words) > _LEAD_HEAD + _LEAD_TAIL + _LEAD_GAP:
                # "When using social media for educational purposes, … must be observed:" had cut only "the following
                # practices", and read as though something that mattered was left out
                lead = f"{' '.join(words[:_LEAD_HEAD])} {CUT} {' '.join(words[-_LEAD_TAIL:])}"
            framed = True
        if framed:
            # "IT Usage Policy" keeps its capitals; "The current password ..." goes on the lead-in's sentence
            item = f"{answer[:1].lower()}{answer[1:]}" if answer[:1].isupper() and not answer[1:2].isupper() else answer
            answer = f"{lead}{LEAD}{item}"
    if clause.subject and not clause.polarity and _completes(clause.subject, answer):
        # "SLT" / "- Approve account creation": the line read "For information: Approve account creation", and
        # never said who
        answer = f"{clause.subject.rstrip(': ')}{LEAD}{answer}"
    parents = _parents_rule(clause)
    if parents and not re.search(r"(?i)\b(?:parent|carer)", answer):
        # "The School considers the following examples to be inappropriate uses of social networking sites: making
        # complaints about the School/staff at the School", under "... by Parents or Carers", read as staff's rule
        answer = f"{parents.group('who')}{LEAD}{answer}"
    role = _ANOTHER_ROLE.search(clause.section)
    if role and answer[:1].islower():
        # "Pupils:" / "are responsible for using the school digital technology systems ...": without its subject
        # the line read as a duty of staff
        answer = f"{role.group(0).strip(' -:')}{LEAD}{answer}"
    answer = " ".join(answer.split())
    if len(answer) > _ANSWER_CHARS:
        # "... with recent learners (the potential for colleagues at the school to be compromised ... makes the
        # risk not worth taking) and colleagues at ...": an aside in brackets pushed the rest of the rule out
        answer = without_asides(answer)
    answer = shortened(answer)
    return answer[:1].upper() + answer[1:]


def _completes(heading: str, item: str) -> bool:
    """Whether a list item reads as what its heading does ("Approve account creation", "leads the online safety
    committee") rather than a sentence of its own ("The school requires ...", "Users must ensure ...")."""
    words = item.split()
    if (
        not words
        or len(heading.split()) > _SUBJECT_WORDS
        or not NAMES_PEOPLE.search(heading)
        or _names(heading, item)
        or _TABLE_ROW.search(item)
    ):
        return False
    if words[0][:1].islower():
        return True
    return not _OWN_SUBJECT.match(item) and not _FINITE.search(" ".join(words[:_OPENING_WORDS]))


def _names(heading: str, item: str) -> bool:
    return re.search(rf"\b{re.escape(heading.rstrip(': '))}\b", item, re.IGNORECASE) is not None


# "Those images should only ...", "These recordings should not ...": a sentence about what the one before allows
_POINTS_BACK_TO_IT = re.compile(r"(?:Those|These|This|That|Such|They|It|However|But|Any such)\b")


def _limits(permission: str, sentence: str) -> bool:
    """Whether a permission's next sentence limits it, and the line has room for both: the permission is kept up
    to what it allows, where `_with_turn` cuts it short."""
    granted = _ALLOWED.search(permission)
    if granted is None or not _NOT.search(sentence) or not _POINTS_BACK_TO_IT.match(sentence):
        return False
    room = _room_before(sentence)
    if len(permission) + 1 + len(sentence) <= _ANSWER_CHARS:
        return True
    # cut short in its middle, the permission keeps what it allows and loses no condition of its own
    return granted.end() <= room - _ANSWER_CHARS // 4 and not _CONDITION.search(permission[room:])


def _room_before(second: str) -> int:
    """How much of a first sentence fits before `second` in one line, with the mark of the cut between them."""
    return _ANSWER_CHARS - len(second) - len(CUT) - 2


def _with_turn(first: str, turn: str) -> str:
    """Both sentences, the first cut short in its middle when both do not fit: the turn is the rule."""
    line = f"{first} {turn}"
    room = _room_before(turn)
    if len(line) <= _ANSWER_CHARS or room < _ANSWER_CHARS // 4:
        return line
    return f"{first[:room].rsplit(' ', 1)[0].rstrip(',;: ')} {CUT} {turn}"


def _stance_lead(lead_in: str) -> str:
    """What of a lead-in speaks for its items' stance: the sentence leading into the list, with the one before
    when it only points back ("Staff must never contact pupils through personal accounts. Examples of this
    include:")."""
    sentences = _sentences(lead_in.strip())
    at = _lead_index(sentences)
    lead = _lead_sentence(lead_in)
    return " ".join(sentences[max(at - 1, 0) : at + 1]) if _POINTS_BACK.match(lead) else lead


def _lead_sentence(lead_in: str) -> str:
    """The lead-in's sentence that says what the items are (`_lead_index`)."""
    sentences = _sentences(lead_in.strip())
    at = _lead_index(sentences)
    return sentences[at] if at == len(sentences) - 1 else sentences[at].rstrip(". ")


def _lead_index(sentences: list[str]) -> int:
    """Which of a lead-in's sentences says what the items are: its last, unless that only says the list is not
    complete ("The School considers the following examples to be inappropriate uses of social networking sites.
    This is not an exhaustive list and is intended to provide examples only:")."""
    if len(sentences) > 1 and _NOT_EXHAUSTIVE.search(sentences[-1]):
        return len(sentences) - 2
    return len(sentences) - 1


def without_connective(sentence: str) -> str:
    """The sentence without a link to the one before ("Similarly, ...", "In addition to this ..."), which as an
    answer line of its own points at nothing."""
    connective = _CONNECTIVE.match(sentence)
    return sentence[connective.end() :] if connective and len(sentence) > connective.end() else sentence


_NOUN_FIRST = re.compile(r"(?i)(?:any|anything|all|the|a|an|other|no)\b")


def _outer_prohibits(clause: DraftClause, lead: str, item: str) -> bool:
    """Whether the list around this item's list forbids what its lead-in says, the lead-in itself not."""
    if not clause.outer_lead_in or _NOT.search(lead) or _NOT.search(item) or _says_dont(lead):
        return False
    if _NOUN_FIRST.match(lead):
        return False  # "Any other action that impacts on ...": "Don't any other action" is no sentence
    return bool(_NOT.search(_sentences(clause.outer_lead_in.strip())[-1]))


def _says_dont(item: str) -> bool:
    """Whether a DON'T list's item says its own "don't": at its start, or in its first sentence ("Consider the
    appropriateness of content ..., and don't link to ...", which "Don't consider ..." would turn round)."""
    return bool(re.match(r"(?i)(don't|do not|never|no\b)", item) or _NOT.search(_sentences(item)[0]))


def shortened(line: str) -> str:
    """The line as an answer line: cut, when longer than `_ANSWER_CHARS`, where its sentence pauses (a comma,
    semicolon, dash or bracket) in the second half of that length, else at a word, and marked as cut.
    "... may put you…" left the reader mid-thought. (Kept whole up to 300 characters, as long as a curated
    line runs, drafts ranked a point lower on `tune`.)"""
    if len(line) <= _ANSWER_CHARS + _FEW_LAST_WORDS:
        # "... should immediately be removed and reported to a member of the…" lost "Leadership Team", the who staff
        # asked for (review of a new school's import): a cut that saves a few words costs the line its end
        return line
    head = line[: _ANSWER_CHARS - 1]
    pauses = [found.start() for found in _PAUSE.finditer(head) if found.start() >= _ANSWER_CHARS // 2]
    cut = head[: pauses[-1]] if pauses else head.rsplit(" ", 1)[0]
    # the sentence's own rule, not one in brackets ("(including ... whom they should contact ...)")
    rules = _LATE_RULE.finditer(line)
    rule = next((r for r in rules if line.count("(", 0, r.start()) == line.count(")", 0, r.start())), None)
    told = _INSTRUCTION_IF.match(line)
    start: int | None = None
    if told and len(line) - told.start("verb") <= _ANSWER_CHARS * 2 // 3:
        # "If there is any suspicion that the web site(s) concerned may contain child abuse images, ... refer to the
        # right hand side of the Flowchart ... and report immediately to the police": the line had kept the case
        # and lost what to do in it
        start = told.start("verb")
    elif rule and rule.start() >= len(cut) and len(line) - rule.start() <= _ANSWER_CHARS // 2:
        start = rule.start()
    if start is not None:
        # "Similarly, photographs, videos or any other types of image of children ... must not be published on
        # personal webpage": cut at the end, the line had lost the rule it states and read as a ban on any image;
        # "Other policies and procedures ..., such as those covering Whistleblowing, ... Bullying (HDVB) should be
        # used to raise any concerns ...", cut at its bracket, named policies and said nothing of them
        tail = line[start:]
        head = line[: _ANSWER_CHARS - len(tail) - 3].rsplit(" ", 1)[0].rstrip(",;: ")
        if head.count("(") > head.count(")"):
            head = head[: head.rindex("(")].rstrip(",;: ")  # no bracket left open before the cut
        return f"{head} {CUT} {tail}"
    return cut.rstrip(",;: ") + CUT
