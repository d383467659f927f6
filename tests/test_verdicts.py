"""The verdict line agrees with the clause: an exception in the clause is never flattened to "Not allowed"."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bot.answers import PolicyBook
from bot.knowledge.models import Clause, Stance
from bot.render.text import render_answer
from bot.render.wording import verdict
from bot.verdicts import (
    ADVISED_AGAINST,
    EXCEPTION_MAY_APPLY,
    MUST_WITH_EXCEPTIONS,
    NOT_ALLOWED_WITH_EXCEPTIONS,
    NOT_ALLOWED_WITHOUT_PERMISSION,
    ONLY_WITH_PERMISSION,
    RECOMMENDED,
    headline,
    label,
    limit_line,
)
from tests.cli import POLICYBOT, clean_env, imported
from tests.conftest import REPO


def _clause(text: str, answer: str, stance: Stance = Stance.NOT_ALLOWED) -> Clause:
    return Clause(id="c-1", section="1", heading="Contact", text=text, answer=answer, stance=stance)


def _words(text: str) -> list[str]:
    return text.lower().replace(",", " ").replace(".", " ").split()


def test_a_plain_prohibition_is_not_allowed() -> None:
    clause = _clause("Staff must not share passwords.", "No - never share passwords.")
    assert label(clause) == "Not allowed"


def test_an_exception_in_the_clause_is_said() -> None:
    clause = _clause(
        "Staff must not have contact with any child unless the child is a family member.",
        "No - no contact with children unless they are family.",
    )
    assert label(clause, _words("can I message a pupil from another school"), _words) == NOT_ALLOWED_WITH_EXCEPTIONS


def test_circumstances_where_a_prohibition_may_not_hold_are_an_exception() -> None:
    """A DO NOT list's "Use social networking sites to inform professional practice. There are some
    circumstances/job roles where this may be appropriate however careful consideration and discussions with
    management should be applied" read "Not allowed", flat."""
    clause = _clause(
        "Use social networking sites to inform professional practice. There are some circumstances/job roles where "
        "this may be appropriate however careful consideration and discussions with management should be applied",
        "Don't use social networking sites to inform professional practice.",
    )
    assert label(clause, _words("can I follow teachers on twitter for ideas"), _words) == NOT_ALLOWED_WITH_EXCEPTIONS


def test_a_question_about_the_exception_hears_that_it_may_apply() -> None:
    clause = _clause(
        "Staff must not have contact with any child unless the child is a family member.",
        "No - no contact with children unless they are family.",
    )
    assert label(clause, _words("my niece is in year 4, is she family"), _words) == EXCEPTION_MAY_APPLY


def test_the_asker_s_role_is_not_the_exception(book: PolicyBook) -> None:
    """"unless directed otherwise by the Head Teacher" and "As a supply teacher" both read as staff, and the
    phone rule was said to depend on an exception that "may apply to you". Naming the head is another matter."""
    index = book.index("dobcroft")
    phones = [c for c in index.clauses if "mobile phone in school except in the staffroom" in c.text]
    assert len(phones) == 1
    for question, expected in (
        ("I am a cover teacher, can I have my mobile out in class?", NOT_ALLOWED_WITH_EXCEPTIONS),
        ("the head teacher said I can use my phone on the trip, is that ok?", EXCEPTION_MAY_APPLY),
    ):
        terms = index.rank(question).terms
        assert label(phones[0], terms, index.normaliser.terms, question) == expected, question


def test_permission_is_named() -> None:
    clause = _clause(
        "Staff must not use the school logo without the prior permission of the headteacher.",
        "No - not without the headteacher's permission.",
    )
    assert label(clause) == NOT_ALLOWED_WITHOUT_PERMISSION


def test_any_wording_of_permission_is_named() -> None:
    clause = _clause(
        "Never post pupils' personal information online without the appropriate permissions.",
        "No - not without the appropriate permissions.",
    )
    assert label(clause) == NOT_ALLOWED_WITHOUT_PERMISSION


def test_a_rule_for_certain_times_says_when() -> None:
    clause = _clause(
        "Employees should not access social media sites or leave these running in the background during working "
        "time, for personal use, on any devices within their control.",
        "No - don't use social media for personal use during working time.",
    )
    assert label(clause) == "Not allowed during working time"
    in_lessons = _clause("Staff must not use their personal phones in lessons.", "No - not in lessons.")
    assert label(in_lessons) == "Not allowed in lessons"
    always = _clause(
        "Staff must not post about pupils, whether during working hours or otherwise.", "No - never post about pupils."
    )
    assert label(always) == "Not allowed"  # "whether ... or otherwise" is at any time
    for at_any_time in (
        "Staff must never post about pupils at any time, including during working hours.",
        "Staff must not use phones during lessons, breaks or at lunch.",  # more times than one
        "Staff must not post photos taken in lessons.",  # the photos' time, not the rule's
        "Staff must not accept pupils as friends. Staff may use the school account during working hours.",
    ):
        assert label(_clause(at_any_time, "No.")) == "Not allowed", at_any_time


def test_advice_is_not_called_a_rule() -> None:
    advised = _clause(
        "You are strongly advised not to be friends (on or offline) with recent learners.",
        "Best not - be friends with recent learners only after talking to the Head.",
    )
    assert label(advised) == ADVISED_AGAINST
    recommended = _clause("It is strongly recommended that staff do not contact pupils' families online.", "No.")
    assert label(recommended) == ADVISED_AGAINST
    ruled = _clause("Staff must not share passwords. Staff are advised not to reuse a password.", "No - never share.")
    assert label(ruled) == "Not allowed"  # a rule beside the advice is still a rule


def test_a_permission_given_only_with_approval_says_so() -> None:
    clause = _clause(
        "If staff wish to communicate with children through social media, they can only do so with the approval of "
        "the school and through official school sites.",
        "Only through official school channels, with the school's approval.",
        Stance.ALLOWED_WITH_CARE,
    )
    assert label(clause) == ONLY_WITH_PERMISSION
    free = _clause("Staff may share the school's public posts.", "Yes.", Stance.ALLOWED_WITH_CARE)
    assert label(free) == "Allowed, with care"
    # Permission as a step before it, in a policy's own words
    before = _clause(
        "Written permission from parents or carers will be obtained before photographs of pupils are published "
        "on the school website.",
        "Written permission from parents or carers will be obtained before photographs of pupils are published.",
        Stance.ALLOWED_WITH_CARE,
    )
    assert label(before) == ONLY_WITH_PERMISSION
    after = _clause(
        "Photographs may be published once the event is over; permission is not needed before then.",
        "Yes, after the event.",
        Stance.ALLOWED_WITH_CARE,
    )
    assert label(after) == "Allowed, with care"


def test_a_question_about_what_a_permission_rules_out_hears_not_allowed() -> None:
    clause = _clause(
        "Parents are welcome to take videos of their children at school events for their own use. These videos "
        "should not be published on social networking sites.",
        "Parents may film school events for their own use; the videos must not go on social media.",
        Stance.ALLOWED_WITH_CARE,
    )
    posting = _words("can parents post videos on social networking sites like facebook")
    assert label(clause, posting, _words) == "Not allowed"
    filming = _words("can parents take videos of the nativity")
    assert label(clause, filming, _words) == "Allowed, with care"
    # Not over an answer line that says yes: "Not allowed: Yes - ..." would contradict itself.
    yes = clause.model_copy(update={"answer": "Yes - for their own use only."})
    assert label(yes, posting, _words) == "Allowed, with care"


def _new_school(tmp_path: Path, text: str) -> tuple[Path, Path]:
    """A knowledge folder holding only the shared vocabulary, and a school's plain-text policy to import into it."""
    folder = tmp_path / "knowledge"
    folder.mkdir()
    shutil.copy(REPO / "knowledge" / "vocabulary.yaml", folder)
    policy = tmp_path / "policy.txt"
    policy.write_text(text, encoding="utf-8")
    return folder, policy


def _imported_book(tmp_path: Path, text: str) -> PolicyBook:
    """The book of a new school ("st-annes") whose plain-text policy `text` is imported, unedited, beside the
    shared vocabulary only."""
    folder, policy = _new_school(tmp_path, text)
    imported(policy, "st-annes", folder)
    return PolicyBook(folder)


def test_an_imported_permission_asked_about_its_limit_shows_the_limit(tmp_path: Path) -> None:
    """An unreviewed draft's answer line is the clause's first sentence: here the permission. Under "Not
    allowed" it read "Not allowed: Staff ... are allowed to take images"; the prohibiting sentence is shown."""
    folder, policy = _new_school(
        tmp_path,
        "Use of digital and video images\n\n"
        "Staff are allowed to take digital images to support educational aims. Those images should only be "
        "taken on school equipment; the personal equipment of staff should not be used for such purposes.\n\n"
        "Staff must not share their passwords with anyone.\n",
    )
    env = clean_env(POLICYBOT_KNOWLEDGE_DIR=str(folder))
    imported = subprocess.run(
        [*POLICYBOT, "kb", "import", str(policy), "--school", "st-annes"], env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    book = PolicyBook(folder)
    answer = book.ask("st-annes", "can staff use their personal phones to take photos of pupils")
    assert answer.answered, answer.ranking.confidence
    assert answer.best is not None and "personal equipment" in answer.best.clause.text
    assert answer.verdict_label == "Not allowed"
    assert answer.verdict_line.startswith("Those images should only be taken on school equipment")
    assert render_answer(answer).startswith("Not allowed: Those images should only be taken on school equipment")
    # Asked about what it allows, the clause's own line stands.
    allowed = book.ask("st-annes", "can staff take digital images to support educational aims")
    assert allowed.verdict_label != "Not allowed" and allowed.verdict_line == ""


def test_a_draft_s_permission_and_its_limit_asked_if_allowed_shows_the_limit(tmp_path: Path) -> None:
    """Parents may film for their own use; they may not post it. "are parents allowed to put their videos on
    social networking sites?" shares as many words with each sentence and heard "Allowed, with care" over the
    permission. The line had also left out the long aside in brackets, so the verdict no longer knew it for the
    import's own first words and did not look at the clause's other sentence at all."""
    folder, policy = _new_school(
        tmp_path,
        "Images at school events\n\nFollowing the advice of the Information Commissioner's Office, parents and "
        "carers are welcome to record videos and take photographs of their own children at school concerts, plays "
        "and sports days for their family's personal use (such personal use falls outside the data protection rules "
        "that bind the school itself). These recordings should not be published or made publicly available on "
        "social networking sites, and parents should not comment on other pupils shown in them.\n\n"
        "Staff must not share their passwords with anyone.\n",
    )
    env = imported(policy, "st-annes", folder)
    book = PolicyBook(folder)
    limit = "These recordings should not be published or made publicly available on social networking sites"
    for question in (
        "are parents allowed to put their videos on social networking sites?",
        "parents filming the sports day and posting it on social networking sites, is that allowed?",
        # an app named is social media: "on fb" is what only the limit speaks of
        "parents at sports day filming everything n sticking it on fb, is that even allowed??",
    ):
        answer = book.ask("st-annes", question)
        assert answer.best is not None and "(such personal use" in answer.best.clause.text
        assert "(such personal use" not in answer.best.clause.answer  # the aside the line leaves out
        assert (answer.verdict_label, answer.verdict_line[: len(limit)]) == ("Not allowed", limit), question
    asked = "are parents allowed to put their videos on social networking sites?"
    # asked about the permission alone, whose words the limit repeats as many times, the permission stands
    answer = book.ask("st-annes", "can parents make recordings?")
    assert answer.verdict_label != "Not allowed", answer.verdict_line
    said = subprocess.run(
        [*POLICYBOT, "ask", "--school", "st-annes", asked],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert said.stdout.startswith(f"Not allowed: {limit}"), said.stdout


def test_a_closest_draft_clause_shows_the_sentence_the_question_is_about(tmp_path: Path) -> None:
    """Told "not sure", staff read the closest clauses' lines; a draft's line is its clause's first sentence, and
    "Personal communications are those made via a personal social media account." said nothing of the disclaimer
    the question asked about, two sentences on."""
    folder, policy = _new_school(
        tmp_path,
        "Personal use\n\nPersonal communications are those made via a personal social media account. Staff may "
        "use their own accounts in their private lives. Where a personal account names the school, a disclaimer "
        "must make clear that the member of staff does not speak for the school.\n\n"
        "Staff must not share their passwords with anyone.\n",
    )
    env = imported(policy, "st-annes", folder)
    question = "my profile names the school, do I need a disclaimer?"
    result = subprocess.run(
        [*POLICYBOT, "ask", "--school", "st-annes", "--top", "2", question],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "a disclaimer must make clear that the member of staff does not speak for the school" in result.stdout
    assert "Personal communications are those made via a personal social media account" not in result.stdout.split(
        "clauses"
    )[-1]


def test_a_closest_draft_clause_keeps_the_rule_its_part_goes_on_from(tmp_path: Path) -> None:
    """"You must not use social media to defame or disparage us ...; to harass, bully or unlawfully discriminate
    against learners ...; or to impersonate colleagues": the part a question was about was listed as "To harass,
    bully or unlawfully discriminate against learners, parents/carers, staff or third parties;", its "must not"
    lost (review of a leave-one-out import)."""
    folder, policy = _new_school(
        tmp_path,
        "Personal use of social media\n\nYou must not use social media to defame or disparage the school, our "
        "learners, our staff, our governors, our volunteers or any of our partners, or to post anything that could "
        "bring the school into disrepute, whether on your own accounts, in private groups or in messages to other "
        "people; to harass, bully or unlawfully discriminate against learners, parents, staff or "
        "third parties; to make false or misleading statements; or to impersonate colleagues or third parties.\n\n"
        "Staff must not share their passwords with anyone.\n",
    )
    env = imported(policy, "st-annes", folder)
    question = "a parent keeps posting abuse and wants to harass and bully our staff, what can we do?"
    result = subprocess.run(
        [*POLICYBOT, "ask", "--school", "st-annes", "--top", "2", question],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split("clauses")[-1]
    assert "You must not use social media \u2026 to harass, bully or unlawfully discriminate" in listed, result.stdout
    assert "third parties;" not in listed


def test_a_clause_that_says_a_listed_line_again_is_not_listed_twice(tmp_path: Path) -> None:
    """Howitt's draft listed "Any communications ... must not: Bring the organisation into disrepute, for example by:
    Criticising ... managers" and, under it, "Don't bring the organisation into disrepute, for example by:
    criticising ... managers": a list's lead-in answered with its first item, then the item (review of a
    leave-one-out import)."""
    folder, policy = _new_school(
        tmp_path,
        "6. Key Principles\n\n6.4 Any communications that employees make through social media must not:\n\n"
        "- Bring the organisation into disrepute, for example by:\n"
        " - Criticising, disagreeing or arguing with customers, colleagues or managers;\n"
        " - Making defamatory comments about individuals or other organisations or groups;\n"
        "- Breach confidentiality, for example by revealing confidential information owned by the organisation.\n\n"
        "7. Passwords\n\n7.1 Staff must not share their passwords with anyone.\n",
    )
    env = imported(policy, "st-annes", folder)
    result = subprocess.run(
        [*POLICYBOT, "ask", "--school", "st-annes", "--top", "3", "is it ok to moan about my manager on facebook?"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    listed = [line for line in result.stdout.splitlines() if line.startswith("  - ")]
    assert sum("criticising" in line.lower() for line in listed) == 1, result.stdout


def test_a_draft_s_rule_for_parents_is_not_the_answer_to_staff_asking_about_themselves(tmp_path: Path) -> None:
    """"Am I allowed to take photos of my class on my own phone?" met the other template's "parents / carers are
    welcome to take videos and digital images of their children at school events" first, not the staff's rule;
    asked about parents, that clause still comes first."""
    book = _imported_book(
        tmp_path,
        "Images\n\nIn accordance with guidance from the Information Commissioner's Office, parents / carers are "
        "welcome to take videos and digital images of their children at school events for their own personal use.\n\n"
        "Staff and volunteers are allowed to take digital / video images to support educational aims. Those images "
        "should only be taken on school equipment, the personal equipment of staff should not be used for such "
        "purposes.\n\n"
        "Staff must not share their passwords with anyone.\n",
    )
    staff = book.ask("st-annes", "Am I allowed to take photos of my class on my own phone?")
    assert staff.best is not None and staff.best.clause.text.startswith("Staff and volunteers"), staff.best
    parents = book.ask("st-annes", "can parents take photos on their own phones at school events?")
    assert parents.best is not None and "parents / carers are welcome" in parents.best.clause.text
    # "I'm a parent volunteer helping in Year 2. Can I take photos of the children on my own phone for the teacher?"
    # heard "Allowed, with care" from the parents' rule: "parent" named the asker's role in school (review of a new
    # school's import); a parent asking as one still meets it
    helper = book.ask("st-annes", "I'm a parent volunteer in Year 2. Can I take photos of the children on my phone?")
    assert helper.best is not None and helper.best.clause.text.startswith("Staff and volunteers"), helper.best
    parent = book.ask("st-annes", "As a parent, can I take photos of my own child at the school fair?")
    assert parent.best is not None and "parents / carers are welcome" in parent.best.clause.text


def test_an_advised_avoid_in_an_old_unreviewed_draft_is_advice_and_who_to_ask_is_said_once(tmp_path: Path) -> None:
    """Dobcroft's draft: "It is advisable to follow certain protocols ...: Avoid mentioning work ..." read "Not
    allowed", and the two notes under it, a review date passed and a draft nobody has reviewed, each ended "check
    with the Headteacher if in doubt" (review of a leave-one-out import)."""
    folder, policy = _new_school(
        tmp_path,
        "Review date: January 2020\n\nPersonal use\n\nIt is advisable to follow certain protocols in personal use "
        "of social media:\n\n- Avoid mentioning work, your opinions of your colleagues or processes and projects on "
        "your own private social media networks\n- Consider carefully whether to accept colleagues as friends\n\n"
        "Passwords\n\nStaff must not share their passwords with anyone.\n",
    )
    env = imported(policy, "st-annes", folder)
    result = subprocess.run(
        [*POLICYBOT, "ask", "--school", "st-annes", "should I avoid mentioning work on my private social media?"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Advised against: "), result.stdout
    assert "may be out of date" in result.stdout and "have not yet been reviewed" in result.stdout
    assert result.stdout.count("if in doubt") == 1, result.stdout


def test_a_draft_line_cut_short_or_led_in_is_still_the_draft_s() -> None:
    text = (
        "Staff are allowed to take digital images to support educational aims and to share them with parents "
        "at the end of each term. The personal equipment of staff should not be used for such purposes."
    )
    question = _words("can staff use personal equipment for such purposes")
    for answer in ("Staff are allowed to take digital images to support educational aims and to\u2026",
                   "Use of images: staff are allowed to take digital images to support educational aims"):  # fmt: skip
        clause = _clause(text, answer, Stance.ALLOWED_WITH_CARE)
        # the limit is shown, after the lead-in where the line has one ("Use of images: the personal equipment ...")
        assert limit_line(clause, question, _words).lower().endswith(
            "the personal equipment of staff should not be used for such purposes."
        ), answer
    # A permission given only with approval is never "Not allowed", so its limit is not shown under it
    approval = _clause(
        "Staff may take photographs of pupils only with the approval of the headteacher. Photographs of pupils "
        "must not be stored on personal phones.",
        "Staff may take photographs of pupils only with the approval of the headteacher.",
        Stance.ALLOWED_WITH_CARE,
    )
    stored = _words("can photographs of pupils be stored on personal phones")
    assert label(approval, stored, _words) == ONLY_WITH_PERMISSION and limit_line(approval, stored, _words) == ""


def test_a_reviewed_answer_line_speaks_for_the_whole_clause() -> None:
    clause = _clause(
        "Parents are welcome to take videos of their children at school events for their own use. These videos "
        "should not be published on social networking sites.",
        "Parents may film school events for their own use; the videos must not go on social media.",
        Stance.ALLOWED_WITH_CARE,
    )
    assert limit_line(clause, _words("can parents post videos on social networking sites"), _words) == ""


def test_what_happens_without_your_consent_is_no_way_to_ask_permission() -> None:
    clause = _clause(
        "Staff must never 'friend' a child or ex-child, or allow themselves to be followed by a child without "
        "your consent.",
        "No - never friend a child or ex-child.",
    )
    assert label(clause) == "Not allowed"


def test_a_permission_whose_condition_is_asked_about_is_not_turned_into_a_no() -> None:
    clause = _clause(
        "Be considerate to your colleagues. Pictures or information about colleagues should not be posted on "
        "social networking sites unless you have the agreement of the individual concerned.",
        "Only with their agreement - ask before posting pictures of colleagues.",
        Stance.ALLOWED_WITH_CARE,
    )
    question = _words("can I post pictures of a colleague on social networking sites if she agreed")
    assert label(clause, question, _words) != "Not allowed"


def test_other_stances_keep_their_label() -> None:
    clause = _clause("Staff may use social media unless it interferes with work.", "Yes, with care.", Stance.ALLOWED)
    assert label(clause) == "Allowed"


def test_a_question_that_asks_no_permission_is_not_answered_with_one() -> None:
    clause = _clause(
        "The school does not ban staff from social media, but staff should take care in what they post.",
        "Social media is not banned; take care what you post.",
        Stance.ALLOWED_WITH_CARE,
    )
    for question in (
        "What is the social media policy actually for?",
        "wat hapens if sum1 complains to the school about my pics",
        "If my account is set to private, am I still covered by the rules?",
        "I've been here ten years and never read it. Does the policy cover what I post at the weekend?",
        "does anyone check what i send from my school email",
    ):
        assert label(clause, question=question) == "For information", question
    for question in (
        "can i post about my weekend on insta",
        "Is it OK to have a Facebook account?",
        "Am I allowed to use Twitter?",
        "are we allowed to post on tiktok at all",
        "How many accounts can I have?",
        "Should I set my account to private?",
        "Does the policy stop staff using Facebook altogether?",
        # "For information: Yes, but be cautious" would read the wrong way round under these
        "is it wrong to be friends with colleagues on facebook?",
        "Will I get in trouble for using social media at lunch?",
        "Can my TA post photos of the class?",
        "Can I friend Mr. Smith on facebook?",  # the sentence that asks is not "Smith on facebook?"
        "I want to know if I can add parents on Facebook. What does the policy say?",
        "Does the policy say I can add parents?",
        # a judgement of conduct asks leave too
        "is it unprofessional to have my school in my bio?",
        "Would it be inappropriate to have a parent on my Facebook?",
        "is it weird to have ppl from work on my insta or nah",
        "Is it a good idea to have my job title on LinkedIn?",
        "A parent sent me a friend request last night",  # a situation told, not a question: the clause's own
    ):
        assert label(clause, question=question) == "Allowed, with care", question


def test_a_question_about_what_happens_hears_no_permission_unless_the_answer_says_yes(book: PolicyBook) -> None:
    answer = book.ask("howitt", "what happens if someone complains about my facebook photos?")
    assert answer.answered and answer.best is not None
    assert answer.best.clause.stance is Stance.ALLOWED_WITH_CARE and not answer.best.clause.answer.startswith("Yes")
    assert answer.verdict_label == "For information"
    # "For information: Yes, with care - consider turning off tagging" reads wrongly: the clause's advice is the
    # answer, and it is said without the line's "Yes"
    tagging = book.ask("hiltingbury", "whats the story with tagging staff in photos on the school page")
    assert tagging.best is not None and tagging.best.clause.answer.startswith("Yes")
    assert (tagging.verdict_label, tagging.verdict_line) == (RECOMMENDED, "Consider turning off tagging of people "
                                                               "in images on school accounts where possible.")


def test_a_nephew_at_the_school_is_not_told_a_flat_no(book: PolicyBook) -> None:
    """The report that started this: "my nephew is in year 4 here, can I still be friends with him" got
    "Not allowed" from a clause that says "unless the child is a family member"."""
    answer = book.ask("rudyard-kipling", "can I have contact with a child on social media if they are my nephew?")
    assert answer.best is not None and "family" in answer.best.clause.text
    assert answer.verdict_label in (EXCEPTION_MAY_APPLY, "Allowed, with care", "Allowed")


def test_a_photo_against_a_parent_s_objection_is_not_allowed(book: PolicyBook) -> None:
    """The Link School 7.2 keeps a list of objections (know it) and makes posting against them a disciplinary
    offence. Both were one clause headed "You must", and a member of staff asking whether they could still post
    the photo heard "You must: know which learners are on the list"."""
    posting = book.ask("link-school", "can I still post a photo of a learner whose parent has objected?")
    assert posting.answered and posting.best is not None
    assert "disciplinary offence" in posting.best.clause.text and posting.verdict_label == "Not allowed"
    listed = book.ask("link-school", "where is the list of learners whose parents said no to photos?")
    assert listed.best is not None and "retains a list" in listed.best.clause.text
    assert listed.verdict_label == "You must"


def test_an_ex_pupil_s_friend_request_is_not_heard_as_allowed(book: PolicyBook) -> None:
    """Dobcroft 6.1 asks staff to consider each case carefully, and its Appendix says a relationship with a child
    is not appropriate even once they have left the school's care. The headline had read "Allowed, with care",
    over 6.1; the Appendix, which says what to do with the request, is the answer."""
    answer = book.ask("dobcroft", "should I accept a friend request from an ex-pupil?")
    assert answer.answered and answer.best is not None
    assert "no longer within your care" in answer.best.clause.text
    assert answer.verdict_label == "Not allowed", answer.verdict_label


def test_you_should_is_said_once_and_only_before_what_to_do() -> None:
    """"You must: You should block ..." read as a glitch; "You should, where possible, ..." must not become
    "You should: , where possible, ...", nor "You should not ..." a "You should"."""
    def shown(line: str) -> str:
        clause = Clause(id="s-1", section="1", heading="h", text="t", answer=line, stance=Stance.MUST, topics=[])
        return verdict(clause)

    assert shown("You should block or report the users.") == "You should: Block or report the users."
    assert shown("You should, where possible, use the school account.").startswith("You must: You should, where")
    assert shown("You should not reply.").startswith("You must: You should not")


def _terminal_verdict(school: str, question: str) -> str:
    """The first line `policybot ask` prints: the verdict."""
    result = subprocess.run(
        [*POLICYBOT, "ask", "--school", school, question], capture_output=True, text=True, env=clean_env(), check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[0]


def test_a_relative_in_text_speak_is_a_relative() -> None:
    """"my sis's lad is in yr 5 here so she's a parent now. do i have to unfriend her on fb or nah? \U0001f605" was told
    the policy does not clearly cover it; Dobcroft's answer is that there is no blanket ban on relatives."""
    question = "my sis's lad is in yr 5 here so she's a parent now. do i have to unfriend her on fb or nah? \U0001f605"
    first = _terminal_verdict("dobcroft", question)
    assert "no blanket ban" in first, first


def test_the_terminal_answer_shows_the_exception() -> None:
    first = _terminal_verdict("rudyard-kipling", "can I chat with a pupil from another school on xbox?")
    assert first.startswith(("Not allowed, with exceptions:", "It depends")), first
    assert not first.startswith("Not allowed:")


def test_the_school_and_my_own_things_name_no_exception() -> None:
    """"I took nativity photos on the school iPad, can I put them on my own Facebook?" heard "It depends on the
    exception, which may apply to you" over "Under no circumstances should staff share or upload student/pupil
    pictures online other than via school owned social media accounts": "school" and "own" are what every member
    of staff says of their school and their things (review of the curated schools). A relative still names the
    exception for a relative."""
    question = "I took nativity photos on the school iPad, can I put them on my own Facebook?"
    first = _terminal_verdict("hiltingbury", question)
    assert first.startswith("Not allowed"), first
    niece = _terminal_verdict("rudyard-kipling", "my niece is in year 4 here, can I still message her on fb?")
    assert niece.startswith("It depends on the exception"), niece


def test_a_pupil_s_family_members_are_their_parents_not_my_relatives() -> None:
    """"my nephew's in yr 3 here, can i still be mates w him on fb" heard "Advised against: ... no contact with
    children's family members" (Rudyard Kipling): the vocabulary read the pupils' family members as the asker's
    relatives (review of the curated schools). The policy says the opposite for a member of staff's own family."""
    first = _terminal_verdict("rudyard-kipling", "my nephew's in yr 3 here, can i still be mates w him on fb")
    assert not first.startswith(("Advised against", "Not allowed:")), first


def test_a_reviewed_duty_the_policy_words_should_reads_you_should() -> None:
    """Rudyard Kipling's "staff members should consult the Headteacher if they are in any way unsure", in the
    curators' words "If you're unsure ..., ask the Headteacher", read "You must": the README promises "You should"
    where the policy says so (review of the curated schools). A duty the policy words "must" keeps "You must"."""
    first = _terminal_verdict("rudyard-kipling", "I'm unsure whether a post is acceptable, who do I go to?")
    assert first.startswith("You should: If you're unsure"), first
    must = _terminal_verdict("hiltingbury", "do I have to add a disclaimer to my account if it names the school?")
    assert must.startswith("You must"), must


def test_an_answer_line_that_opens_with_the_label_is_not_said_twice() -> None:
    first = _terminal_verdict("hiltingbury", "what is the social media policy for?")
    assert first.startswith("For information: The policy"), first


def test_the_label_is_said_once_but_never_cut_from_a_line_that_goes_on_with_not() -> None:
    from bot.render.wording import verdict

    said = _clause("Staff must keep passwords safe.", "You must keep your password to yourself.", Stance.MUST)
    assert verdict(said) == "You must: Keep your password to yourself."
    note = _clause("This policy is reviewed yearly.", "For information - reviewed every year.", Stance.INFORMATION)
    assert verdict(note) == "For information: Reviewed every year."
    more = _clause("Staff must not share passwords.", "You must not share your password.", Stance.MUST)
    assert verdict(more) == "You must: You must not share your password."


def test_an_answer_line_that_opens_with_its_condition_says_only_with_permission_once() -> None:
    from bot.render.wording import verdict

    for stance in (Stance.ALLOWED_WITH_CARE, Stance.MUST):
        colleagues = _clause(
            "Pictures of colleagues should not be posted unless you have the agreement of the individual concerned.",
            "Only with their agreement - don't post pictures of colleagues unless they agree.",
            stance,
        )
        assert label(colleagues) == ONLY_WITH_PERMISSION
        assert verdict(colleagues) == "Only with permission: Don't post pictures of colleagues unless they agree."
    # "where needed" narrows the condition: the label would say it more firmly than the line
    where_needed = _clause(
        "Staff should consider copyright and, where necessary, seek permission before sharing.",
        "Only if you have permission where needed - think about copyright before sharing.",
        Stance.ALLOWED_WITH_CARE,
    )
    assert label(where_needed) == "Allowed, with care"
    occasionally = _clause("Occasional personal use is permitted.", "Only occasionally - at lunch.", Stance.ALLOWED)
    assert label(occasionally) == "Allowed"


def test_the_terminal_says_a_colleague_agreeing_is_the_condition() -> None:
    first = _terminal_verdict("dobcroft", "can I post a photo of a colleague from the staff party?")
    assert first.startswith("Only with permission: Don't post pictures or information about colleagues"), first


def test_a_who_or_how_question_hears_the_answer_without_a_yes() -> None:
    """"who do I tell if I'm bullied?" over "Yes - if you're bullied online you can act on it ..." was
    answered "Allowed: Yes - ...": a yes to a question nobody asked."""
    clause = _clause(
        "Take appropriate action if you are the target of abuse online. Block the people involved and report them.",
        "Yes - if you're bullied or abused online you can act on it: block the people involved and report them.",
        Stance.ALLOWED,
    )
    for question in ("who do i tel if im being bullied on facebook by another teacher", "How do I report abuse?"):
        assert headline(clause, _words(question), _words, question) == (
            "For information",
            "If you're bullied or abused online you can act on it: block the people involved and report them.",
        ), question
    # a "what happens if ...?" may be asking leave, and a question that asks leave hears it
    for question in ("what happens if I block a parent?", "can I block people who abuse me?"):
        assert headline(clause, _words(question), _words, question)[0] == "Allowed", question


def test_the_terminal_answers_who_to_tell_without_a_yes() -> None:
    first = _terminal_verdict("dobcroft", "who do i tell if im being bullied on facebook by another teacher")
    assert not first.startswith("Allowed") and ": Yes" not in first, first
    assert first.startswith("For information: If you're bullied"), first  # an answer, not a "not sure"


def test_advice_is_recommended_not_a_duty() -> None:
    """"It is a good idea to use a separate email address" is advice: "You must" overstates it."""
    passwords = _clause(
        "Staff members should keep their passwords confidential, change them often and be careful about what is "
        "posted online. It is a good idea to use a separate email address just for social networking so that any "
        "other contact details are not disclosed.",
        "Keep your passwords private and change them often, and consider a separate email address.",
        Stance.MUST,
    )
    question = "shoud i use a seperate email for my socal media acounts"
    assert label(passwords, _words(question), _words, question) == RECOMMENDED
    # the sentence asked about states a duty, worded "should" (README: "You should")
    question = "do I have to keep my passwords confidential?"
    assert label(passwords, _words(question), _words, question) == "You should"
    consider = _clause("When posting online consider; Scale, Audience and Permanency of what you post", "Think first.")
    assert label(Clause(**{**consider.model_dump(), "stance": Stance.MUST})) == RECOMMENDED
    # an answer line that says "must" speaks for the clause
    settings = _clause(
        "You are strongly advised to set your privacy settings to maximum.",
        "You must set your privacy settings to maximum.",
        Stance.MUST,
    )
    assert label(settings) == "You must"


def test_the_terminal_recommends_what_the_policy_calls_a_good_idea() -> None:
    first = _terminal_verdict("rudyard-kipling", "should I close my old social media accounts?")
    assert first.startswith(f"{RECOMMENDED}: "), first


def test_a_question_about_what_may_happen_hears_no_duty() -> None:
    """"Can I get sacked for ...?" over "All employees are required to adhere to this policy. Comments ... could
    lead to dismissal" asks what may happen, not what to do: "You must" answers a question nobody asked."""
    breaches = _clause(
        "All employees are required to adhere to this policy. Comments made through social media may constitute an "
        "act of misconduct or gross misconduct, which could lead to dismissal.",
        "You must follow this policy - comments can be misconduct and could lead to dismissal.",
        Stance.MUST,
    )
    for question in (
        "can i get sacked for a coment i made on facebok about my manager",
        "could I lose my job over a tweet?",
        "what are the consequences of breaking the policy?",
    ):
        assert label(breaches, _words(question), _words, question) == "For information", question
    question = "do I have to follow the social media policy?"
    assert label(breaches, _words(question), _words, question) == "You must"
    # a duty that says nothing of what may happen still answers "will I get in trouble if I don't ...?"
    monitoring = _clause("School accounts must be monitored regularly.", "You must check them often.", Stance.MUST)
    question = "will I get in trouble if I don't check the school page every day?"
    assert label(monitoring, _words(question), _words, question) == "You must"


def test_a_duty_with_an_exception_says_so() -> None:
    """A duty the policy relaxes in brackets ("within 24 hours (or on the next working day if received at a
    weekend)") is not a flat "You must", least of all to someone asking about a Saturday."""
    replies = _clause(
        "School accounts must be monitored regularly and frequently. Any comments, queries or complaints made "
        "through those accounts must be responded to within 24 hours (or on the next working day if received at "
        "a weekend) even if the response is only to acknowledge receipt.",
        "You must check school accounts often and reply within 24 hours (next working day at the weekend).",
        Stance.MUST,
    )
    question = "how quickly must complaints be responded to?"
    assert label(replies, _words(question), _words, question) == MUST_WITH_EXCEPTIONS
    # asked about the exception's own case, the duty still stands with its exception: not a vague "it depends"
    question = "a complaint came in at the weekend, do I need to reply within 24 hours?"
    assert label(replies, _words(question), _words, question) == MUST_WITH_EXCEPTIONS
    # the question is about the clause's other duty, which has no exception
    question = "how often should school accounts be monitored?"
    assert label(replies, _words(question), _words, question) == "You must"
    # an alternative that only widens the duty is no exception
    widened = _clause("Report it to the Headteacher (or other senior person).", "You must report it.", Stance.MUST)
    assert label(widened) == "You must"


def test_the_terminal_answers_a_saturday_complaint_with_the_weekend_exception() -> None:
    first = _terminal_verdict(
        "hiltingbury",
        "I'm in the office and manage the school Facebook. Do I need to respond to a complaint posted on Saturday "
        "before Monday?",
    )
    assert first.startswith(f"{MUST_WITH_EXCEPTIONS}: ") and "next working day" in first, first
    first = _terminal_verdict("hiltingbury", "how quickly do we have to reply to a comment on the school facebook?")
    assert first.startswith(f"{MUST_WITH_EXCEPTIONS}: Monitor"), first  # "You must" said once


def test_the_terminal_tells_what_may_happen_over_a_duty() -> None:
    first = _terminal_verdict("howitt", "can i get sacked for a coment i made on facebok about my manager")
    assert first.startswith("For information: ") and "dismissal" in first, first


_DRAFTED_POLICY = (
    "Oakfield Primary School\n\nStaff Social Media Policy\n\n"
    "1. Communication\n\n"
    "Any digital communication between staff and parents must be professional in tone and content. Personal "
    "email addresses, text messaging or personal social media accounts must not be used for these "
    "communications.\n\n"
    "2. Reporting\n\n"
    "Users must immediately report the receipt of any communication that is threatening or bullying in nature "
    "and must not respond to any such communication.\n\n"
    "3. Personal and professional lives\n\n"
    "You must be conscious at all times of the need to keep your personal and professional lives separate. You "
    "should not put yourself in a position where there is a conflict between your work and your personal "
    "interests.\n\n"
    "4. Comments by parents\n\n"
    "Parents must not post offensive comments on the school page. In the event of any offensive comments being "
    "made, the school will ask the parent to remove the post and invite them to discuss the issues in person.\n"
)


def _drafted_book(tmp_path: Path) -> PolicyBook:
    """A school's policy as `kb import` drafts it, unreviewed."""
    policy = tmp_path / "policy.txt"
    policy.write_text(_DRAFTED_POLICY, encoding="utf-8")
    knowledge = tmp_path / "knowledge"
    imported(policy, "oakfield", knowledge)
    return PolicyBook(knowledge, meaning=False)


def test_a_draft_answers_with_the_sentence_the_question_is_about(tmp_path: Path) -> None:
    """An unreviewed draft's answer line is its clause's first sentence. Asked about another sentence, staff
    hear that sentence and what it says, not the first sentence under the clause's label."""
    book = _drafted_book(tmp_path)
    answer = book.ask("oakfield", "can I use text messaging or my personal email for communications with parents?")
    assert answer.best is not None and answer.best.clause.text.startswith("Any digital communication")
    assert (answer.verdict_label, answer.verdict_line) == (
        "Not allowed",
        "Personal email addresses, text messaging or personal social media accounts must not be used for these "
        "communications.",
    )
    # one sentence, two rules: the duty asked about is a duty
    answer = book.ask("oakfield", "do I have to report a threatening communication?")
    assert answer.best is not None and answer.best.clause.text.startswith("Users must immediately report")
    assert answer.verdict_label == "You must"
    assert answer.verdict_line.startswith("Users must immediately report") and "respond" not in answer.verdict_line
    answer = book.ask("oakfield", "should I respond to a bullying communication?")
    assert (answer.verdict_label, answer.verdict_line) == ("Not allowed", "Must not respond to any such communication.")


def test_a_draft_label_says_what_its_answer_line_says(tmp_path: Path) -> None:
    """"Not allowed: You must be conscious at all times of the need to keep your personal and professional lives
    separate" said the clause's other sentence's rule over the first one."""
    book = _drafted_book(tmp_path)
    answer = book.ask("oakfield", "should I keep my personal and professional lives separate?")
    assert answer.best is not None and answer.best.clause.stance is Stance.NOT_ALLOWED  # the import's guess
    assert (answer.verdict_label, answer.verdict_line) == ("You must", "")  # the clause's own answer line follows
    answer = book.ask("oakfield", "can I be in a position with a conflict between my work and personal interests?")
    assert answer.verdict_label == "Not allowed"
    assert answer.verdict_line.startswith("You should not put yourself in a position")


def test_a_draft_answers_what_the_school_does_as_information(tmp_path: Path) -> None:
    """Asked what the school does, a draft answers with the sentence that says so, as information, not with its
    first sentence's "Not allowed"."""
    book = _drafted_book(tmp_path)
    answer = book.ask("oakfield", "if offensive comments are made by a parent, what will the school ask them to do?")
    assert answer.best is not None and answer.best.clause.text.startswith("Parents must not post")
    assert answer.verdict_label == "For information"
    assert answer.verdict_line.startswith("In the event of any offensive comments being made, the school will ask")


def test_a_question_about_a_duty_hears_no_no() -> None:
    """"Do I still have to keep school information confidential after I leave?" heard "Not allowed: No - you have
    a legal duty of confidence ...", which reads as "no, you don't have to"."""
    question = "Do I still have to keep school information confidential online after I leave?"
    first = _terminal_verdict("rudyard-kipling", question)
    assert first.startswith("Not allowed: ") and not first.startswith("Not allowed: No"), first
    # asked leave, the "No" is the answer
    first = _terminal_verdict("rudyard-kipling", "can I friend a pupil on facebook?")
    assert first.startswith("Not allowed: No - "), first


def test_leave_asked_over_a_duty_to_refuse_hears_not_allowed() -> None:
    """"Am I allowed to accept a friend request from a pupil?" heard "You must: Decline friend or follow
    requests ...", which answers another question (and could be read as "you must accept")."""
    first = _terminal_verdict("rudyard-kipling", "Am I allowed to accept a friend request from a pupil?")
    assert first.startswith("Not allowed: ") and "decline" in first, first
    # asked what to do, the duty is the answer
    first = _terminal_verdict("rudyard-kipling", "what do i do if a pupil sends me a friend request")
    assert first.startswith("You must: ") and "decline" in first.lower(), first
    # and a question about refusing itself is not told it may not refuse
    clause = _clause("Staff must decline friend requests from pupils.", "Decline them.", Stance.MUST)
    assert label(clause, _words("can I decline a friend request from a pupil"), _words, "can I decline?") == "You must"
    assert label(clause, _words("can I accept a friend request from a pupil"), _words, "can I accept it?") == (
        "Not allowed"
    )


def test_what_to_do_under_a_prohibition_hears_the_duty() -> None:
    """"A child is following my public Instagram - I never approved it. What should I do?" heard "Not allowed"
    over a clause that says "your school should be informed and the child 'follower' deleted"."""
    question = "I've just noticed that a child in my class is following my public Instagram. What should I do?"
    first = _terminal_verdict("rudyard-kipling", question)
    assert first.startswith("You must: ") and "tell the school" in first, first
    clause = _clause(
        "Offensive content will not be tolerated and will be reported to a senior member of staff.",
        "No - offensive content is reported to a senior member of staff.",
    )
    said, line = headline(clause, _words("do i need to tell anyone"), _words, "Do I need to tell anyone?")
    assert (said, line) == ("You must", "Offensive content is reported to a senior member of staff.")
    # "wat now??" and "how do I handle it?" ask what to do as well (a review heard "Not allowed" for the first)
    for asked in ("a pupil followed me, i didnt accept. wat now??", "How should I handle it?"):
        assert label(clause, _words("pupil followed me offensive content"), _words, asked) == "You must", asked
    # a prohibition that says nothing to do keeps its label
    plain = _clause("Staff must not share passwords.", "No - never share passwords.")
    assert label(plain, _words("what should I do about passwords"), _words, "what should I do?") == "Not allowed"


def test_an_exception_that_may_apply_is_not_answered_no() -> None:
    """"My niece is in Year 4 here. Can I stay friends with her on Facebook?" heard "It depends on the exception
    ...: No - don't have contact with any child ... unless they're a family member"."""
    first = _terminal_verdict("rudyard-kipling", "My niece is in Year 4 here. Can I stay friends with her on Facebook?")
    assert first.startswith(f"{EXCEPTION_MAY_APPLY}: Don't "), first


def test_what_may_happen_over_a_warning_is_information() -> None:
    """"Can I be disciplined for comments I make on Facebook outside of work?" heard "Allowed, with care" (and,
    from a draft, "Not allowed") over a warning that private comments may still breach the Disciplinary Policy."""
    clause = _clause(
        "Comments made outside work do not remain private. Comments you intend to be private may still be in "
        "contravention of the Disciplinary Policy.",
        "Be careful - even private comments can breach the Disciplinary Policy.",
        Stance.ALLOWED_WITH_CARE,
    )
    question = "Can I be disciplined for comments I make on Facebook outside of work?"
    assert label(clause, _words(question), _words, question) == "For information"
    assert label(clause, _words("can I post comments outside work"), _words, "can I post?") == "Allowed, with care"


def test_a_duty_or_what_to_do_asked_over_a_permission_hears_no_yes() -> None:
    """"A parent asked for their child's photo to be taken off the school story. Do we have to do that?" heard
    "Allowed, with care: Yes, but - you can post ...", and "someone is posting horrible things about me, what
    should I do?" "Allowed: Yes - you can take action ...": both answer a question about leave."""
    question = "Someone has set up a fake account and is posting horrible things about me. What should I do?"
    first = _terminal_verdict("howitt", question)
    assert first.startswith("For information: You can take action"), first
    clause = _clause(
        "Staff can post pictures on the class page. Parents have the right to request that school takes down "
        "photographs of their child.",
        "Yes, but - you can post photos on the class page; parents can ask for a photo to be taken down.",
        Stance.ALLOWED_WITH_CARE,
    )
    question = "A parent asked for their child's photo to be taken down. Do we have to do that?"
    said, line = headline(clause, _words(question), _words, question)
    assert (said, line) == ("For information", "You can post photos on the class page; parents can ask for a photo "
                            "to be taken down.")
    # asked leave, the permission is the answer
    assert label(clause, _words("can I post photos"), _words, "can I post photos on the class page?") == (
        "Allowed, with care"
    )
    # a duty asked over a permission on a condition is that condition
    first = _terminal_verdict("link-school", "Do I need to put 'views my own' in my bio if it says where I work?")
    assert first.startswith("You must: If you say you work at the school"), first


def test_advice_to_do_something_is_recommended_unless_leave_is_asked() -> None:
    """"shud we turn off tagging people in pics on the school insta?" over "Consider turning off tagging people in
    images where possible" heard "Allowed, with care: Yes, with care - consider turning off tagging", which puts
    the weight on tagging."""
    first = _terminal_verdict("hiltingbury", "shud we turn off taging people in pics on the school insta?")
    assert first.startswith(f"{RECOMMENDED}: Consider turning off tagging"), first
    clause = _clause("Consider turning off tagging people in images where possible.", "Yes, with care - consider "
                     "turning off tagging.", Stance.ALLOWED_WITH_CARE)
    assert label(clause, _words("can I tag people"), _words, "can I tag people in photos?") == "Allowed, with care"
    allowed = _clause(
        "Staff may post photos. Consider turning off tagging.", "Yes, with care.", Stance.ALLOWED_WITH_CARE
    )
    assert label(allowed, _words("tagging"), _words, "whats the deal with tagging") == "Allowed, with care"


def test_the_line_s_no_is_not_said_to_what_may_happen_or_to_a_duty() -> None:
    """"Can I get in trouble for joining a facebook group that's a bit controversial?" heard "Not allowed: No -
    ...", which reads as "no, you won't"; "do I need permission to put the school logo on my Instagram?" heard
    "... No - don't post ...", "no permission needed"; "Do I have to accept a friend request from a pupil?" heard
    "You must: Decline ...", which reads as "yes"."""
    first = _terminal_verdict("dobcroft", "Can I get in trouble for joining a controversial facebook group?")
    assert first.startswith("For information: ") and "disciplinary" in first, first
    first = _terminal_verdict("dobcroft", "do i need permission to put the school logo on my personal instagram?")
    assert first.startswith("Not allowed without permission: Don't post"), first
    first = _terminal_verdict("rudyard-kipling", "Do I have to accept a friend request from a pupil?")
    assert first.startswith("Not allowed: ") and "decline" in first, first
    question = "Can I get in trouble for messaging kids from my old school after I've left?"
    first = _terminal_verdict("rudyard-kipling", question)
    assert first.startswith("Not allowed: ") and not first.startswith("Not allowed: No"), first


def test_a_permission_s_time_limit_asked_about_is_not_allowed_then() -> None:
    """"Can I go on social media on my phone during lessons?" heard "Allowed, with care" over "We authorise such
    occasional use so long as ... (i.e. usage should not occur during paid working time)". (On a phone, that
    question now meets Dobcroft's own rule on phones, a clause of its own since the twentieth session.)"""
    first = _terminal_verdict("dobcroft", "Can I go on social media on the school computer during lessons?")
    assert first.startswith("Not allowed during paid working time: "), first
    # a time the limit does not name keeps the permission
    first = _terminal_verdict("dobcroft", "Can I use a school laptop to check Facebook during my lunch break?")
    assert first.startswith("Allowed, with care: "), first


def test_a_draft_s_duty_worded_should_reads_you_should(tmp_path: Path) -> None:
    """The import reads every duty as "You must"; a review found "You must: Staff members should ensure that they
    set the privacy levels of their personal sites at the maximum ...", a headline that says more than the policy,
    and the README promises "You should" for a duty the policy words so. A "must" keeps "You must"."""
    folder, policy = _new_school(
        tmp_path,
        "Personal accounts\n\nStaff members should ensure that they set the privacy levels of their personal sites "
        "at the maximum.\n\n"
        "Passwords\n\nStaff must keep the passwords of school accounts confidential and change them every term.\n",
    )
    env = imported(policy, "st-annes", folder)
    book = PolicyBook(folder)
    should = book.ask("st-annes", "shoud i set my facebook privacy settings to the highest level?")
    assert should.best is not None and "privacy levels" in should.best.clause.text
    must = book.ask("st-annes", "do I have to keep the school account passwords confidential?")
    assert must.best is not None and "passwords" in must.best.clause.text
    assert (should.verdict_label, must.verdict_label) == ("You should", "You must")
    said = subprocess.run(
        [*POLICYBOT, "ask", "--school", "st-annes", "what privacy level should my personal sites be set at?"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert said.stdout.startswith("You should: Staff members should ensure"), said.stdout


def test_a_list_item_worded_should_reads_you_should_with_its_lead_in(tmp_path: Path) -> None:
    """"You must: Training will be offered as follows: all new staff should receive online safety training ...": a
    list item's line, framed by its lead-in, said more than the policy where a sentence alone said "You should"
    (review of a new school's import)."""
    book = _imported_book(
        tmp_path,
        "Training\n\nTraining will be offered as follows:\n\n"
        "- All new staff should receive online safety training as part of their induction programme.\n"
        "- The Online Safety Coordinator will receive regular updates through external training events.\n\n"
        "Passwords\n\nStaff must not share their passwords with anyone.\n",
    )
    answer = book.ask("st-annes", "do new staff get online safety training at induction?")
    assert answer.best is not None and answer.best.clause.answer.startswith("Training will be offered as follows: ")
    assert answer.verdict_label == "You should", answer.verdict_label


def test_a_draft_s_permission_for_class_pages_is_no_yes_for_a_personal_account(tmp_path: Path) -> None:
    """"Can I post photos of pupils on my personal Facebook page?" heard "Allowed, with care: Staff can post pictures
    within their 'class page' ..." from an unreviewed draft, above the ban on posting pupils' pictures online
    (review of a new school's import): the worst answer a safeguarding tool can give. A permission that says
    nothing of personal use is not sure for a personal account; for the class page it still answers."""
    book = _imported_book(
        tmp_path,
        "Class pages\n\nWhen posting celebratory images of children, staff should ensure that any photos are "
        "appropriate. Staff can post pictures within their class page and in some cases on the school story. Parents "
        "have the right to request that school takes down photographs of their child.\n\n"
        "Pictures\n\nNever post pictures of pupils or their parents online, even if they have asked you to do this.\n\n"
        "Passwords\n\nStaff must not share their passwords with anyone.\n",
    )
    personal = book.ask("st-annes", "Can I post photos of pupils on my personal Facebook page?")
    assert not personal.answered and personal.ranking.near, personal.verdict_label
    assert any("Never post pictures" in m.clause.text for m in personal.ranking.matches)
    class_page = book.ask("st-annes", "can I post pictures on our class page?")
    assert class_page.answered and class_page.verdict_label.startswith("Allowed"), class_page.verdict_label


def test_a_draft_s_sentence_that_says_this_is_shown_with_what_this_means(tmp_path: Path) -> None:
    """Dobcroft's DO NOT item "Build or pursue relationships with children, parents, families. Even if the child or
    parent is no longer within your care, the school does not deem this as appropriate behaviour." was listed by its
    second sentence alone for "can I be friends with a child's parent on facebook?" (review of a new school's
    import): staff could not see what "this" was, nor the rule."""
    book = _imported_book(
        tmp_path,
        "DO NOT\n\n"
        "- Build or pursue relationships with children, parents, families. Even if the child or parent is no longer "
        "within your care, the school does not deem this as appropriate behaviour.\n"
        "- Use the school logo on personal accounts.\n\n"
        "Passwords\n\nStaff must not share their passwords with anyone.\n",
    )
    rule = "Don't build or pursue relationships with children, parents, families."
    for question in (
        "a pupil I taught last year has left, can I be friends with her online now she's no longer in my care?",
        "is it appropriate behaviour to stay friends with a family once their child is no longer in my care?",
    ):
        answer = book.ask("st-annes", question)
        item = next(m.clause for m in answer.ranking.matches if "Build or pursue" in m.clause.text)
        shown = answer.verdict_line if answer.answered and answer.best.clause.id == item.id else answer.line(item)
        assert shown.startswith(rule) and "deem this as appropriate" in shown, (question, shown)

    # a question about what to do, over a sentence joined to the one before it, still hears what to do
    (tmp_path / "concerns").mkdir()
    book = _imported_book(
        tmp_path / "concerns",
        "Concerns\n\nBe aware of your own conduct online. If you are very concerned about someone else's behaviour "
        "online, you should take steps to raise your concerns. If these are work related you should inform your "
        "manager.\n\nPasswords\n\nStaff must not share their passwords with anyone.\n",
    )
    answer = book.ask("st-annes", "a colleague's posts online worry me and they're work related, what should I do?")
    item = next(m.clause for m in answer.ranking.matches if "concerned" in m.clause.text)
    shown = answer.verdict_line if answer.answered and answer.best.clause.id == item.id else answer.line(item)
    assert "inform your manager" in shown, shown


def test_a_draft_never_answers_with_its_template_s_advertisement(tmp_path: Path) -> None:
    """A template's publisher advertises its products inside clauses ("SWGfL BOOST includes an array of
    presentations and resources that can be presented to new staff (http://...)"): asked about training for new
    staff, the draft answered with the advertisement, the sentence sharing most words with the question (review of
    a new school's import). The rule answers; the quote keeps the policy's words, its web address whole."""
    text = (
        "Training\n\nAll new staff should receive online safety training as part of their induction programme. SWGfL "
        "BOOST includes an array of presentations and resources that can be presented to new staff "
        "(http://www.swgfl.org.uk/Staying-Safe/Online-safety-BOOST/Boost-landing-page/Boost-Hub/Resources).\n\n"
        "Passwords\n\nStaff must not share their passwords with anyone.\n"
    )
    folder, policy = _new_school(tmp_path, text)
    env = imported(policy, "st-annes", folder)
    question = "what presentations and resources are there for new staff online safety training?"
    answer = PolicyBook(folder).ask("st-annes", question)
    assert answer.best is not None and "induction" in answer.best.clause.text
    assert "BOOST" not in f"{answer.verdict_label} {answer.verdict_line}", answer.verdict_line
    said = subprocess.run(
        [*POLICYBOT, "ask", "--school", "st-annes", "--top", "1", question],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert said.stdout.startswith("You should: All new staff should receive online safety training"), said.stdout
    assert "http://www.swgfl.org.uk/Staying-Safe/Online-safety-BOOST/Boost-landing-page/Boost-Hub/Resources" in (
        said.stdout
    ), said.stdout


def test_a_draft_answers_what_to_do_with_the_sentence_that_says_it(tmp_path: Path) -> None:
    """"I'm a supply teacher and one of the kids has followed me on TikTok without me accepting. What should I
    do?" heard "For information: In the case of some social networking sites it is possible to be 'followed' by a
    child without your consent.": what to do is the next sentence, which the review found only in the quote."""
    book = _imported_book(
        tmp_path,
        "Personal use\n\nStaff members must never friend a child through social media. In the case of some social "
        "networking sites it is possible to be 'followed' by a child without your consent. If this is the case, "
        "then your school should be informed and the child 'follower' deleted.\n\n"
        "Staff must not share their passwords with anyone.\n",
    )
    answer = book.ask("st-annes", "A child has followed me on TikTok without my consent. What should I do?")
    assert answer.best is not None and "follower" in answer.best.clause.text
    assert answer.verdict_label == "You should"
    assert answer.verdict_line.endswith("then your school should be informed and the child 'follower' deleted.")
    # asked whether it can happen, the sentence that says so is the answer, alone
    told = book.ask("st-annes", "can a child follow me on social networking sites without my consent?")
    assert told.verdict_line.endswith("it is possible to be 'followed' by a child without your consent."), told


def test_a_draft_answers_with_the_sentence_closest_in_meaning_when_no_words_decide(tmp_path: Path) -> None:
    """A question that shares no more words with one sentence of an unreviewed clause than with another was
    answered with the clause's first words; "Someone in the office keeps forwarding those 'send this to 10 people
    or you'll have bad luck' messages ..." met "We recognise that employees may ... use social media for personal
    activities", not the ban on chain letters two sentences on. Each sentence is now also a meaning vector, and
    the one closest to the question is the one answered, and shown when the clause is listed."""
    book = _imported_book(
        tmp_path,
        "Personal use at work\n\nWe recognise that employees may occasionally use social media for personal "
        "activities in school. We authorise such occasional use so long as it does not interfere with your work. "
        "Circulating chain letters or other spam on school computers is not permitted.\n\n"
        "Passwords\n\nStaff must not share their passwords with anyone.\n",
    )
    ban = "Circulating chain letters or other spam on school computers is not permitted."
    question = "A colleague keeps forwarding 'send this to ten friends or bad luck' messages around the office, ok?"
    answer = book.ask("st-annes", question)
    assert answer.best is not None and ban in answer.best.clause.text
    assert (answer.verdict_label, answer.verdict_line) == ("Not allowed", ban)
    assert answer.lines[answer.best.clause.id] == ban  # the line listed for it, as under "not sure"


def test_a_list_item_s_other_sentence_is_shown_with_its_lead_in(tmp_path: Path) -> None:
    """"can i emial a pupil from my personel gmail acount" met a list item of three sentences framed by its lead-in,
    "When using communication technologies the school considers the following as good practice: any digital
    communication between staff and pupils ... must be professional in tone and content.": the ban on personal
    email addresses, its third sentence, was hidden, and the lead-in made the rule sound optional."""
    book = _imported_book(
        tmp_path,
        "Communications\n\nWhen using communication technologies the school considers the following as good "
        "practice:\n\n"
        "- Any digital communication between staff and pupils must be professional in tone and content. These "
        "communications may only take place on official school systems. Personal email addresses, text messaging "
        "or social media must not be used for these communications.\n"
        "- The official school email service may be regarded as safe and secure.\n\n"
        "Passwords\n\nStaff must not share their passwords with anyone.\n",
    )
    lead = "When using communication technologies the school considers the following as good practice: "
    ban = "personal email addresses, text messaging or social media must not be used for these communications"
    listed = book.ask("st-annes", "can I email a pupil from my personal gmail account?")
    item = next(m.clause for m in listed.ranking.matches if "Personal email addresses" in m.clause.text)
    assert listed.lines[item.id].startswith(lead) and ban in listed.lines[item.id], listed.lines
    answer = book.ask("st-annes", "are staff allowed to use personal email addresses to message pupils?")
    assert answer.best is not None and answer.best.clause.id == item.id
    assert (answer.verdict_label, answer.verdict_line) == ("Not allowed", f"{lead}{ban}."), answer.verdict_line

