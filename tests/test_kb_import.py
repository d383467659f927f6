"""`policybot kb import`: an office manager loads the school's own Word, PDF or text policy.

The Word and PDF files are made from the five policy texts (tests/policy_files.py) and read back
with the real parsers; the draft must load, pass `kb check`, and hold the same clauses as the text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli.main import main
from bot.file_lock import FileLock
from bot.knowledge.draft_words import CUT
from bot.knowledge.importing.draft import make_draft
from bot.knowledge.importing.merge import merge
from bot.knowledge.loader import load_file
from bot.knowledge.source_text import fold
from tests.cli import POLICYBOT, clean_env, imported
from tests.conftest import REPO, SHARED
from tests.policy_files import write_docx, write_pdf

SCHOOLS = ["dobcroft", "hiltingbury", "howitt", "link-school", "rudyard-kipling"]
POLICIES = SHARED / "policies"
pytestmark = pytest.mark.skipif(not POLICIES.is_dir(), reason="needs ../shared/policies")
HEADER = "Social Media Policy - page header"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def policy_files(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Each policy as .docx and .pdf, with a running header and page-number footer."""
    folder = tmp_path_factory.mktemp("policies")
    files = {}
    for school in SCHOOLS:
        text = (POLICIES / f"{school}.txt").read_text(encoding="utf-8")
        files[(school, "docx")] = write_docx(text, folder / f"{school}.docx", HEADER)
        files[(school, "pdf")] = write_pdf(text, folder / f"{school}.pdf", HEADER)
    return files


def _policy(folder: Path, *text: str) -> Path:
    """A plain-text policy as a school might save it, for the importer's rules one at a time."""
    path = folder / "policy.txt"
    path.write_text("".join(text), encoding="utf-8")
    return path


def _drafted(folder: Path, *text: str) -> list[dict[str, Any]]:
    """The clauses `kb import` drafts from a policy of Oakfield Primary School whose body is `text`."""
    return make_draft(_policy(folder, "Oakfield Primary School\n\nOnline Safety Policy\n\n", *text), "oakfield").clauses


@pytest.mark.parametrize("kind", ["docx", "pdf"])
@pytest.mark.parametrize("school", SCHOOLS)
def test_word_and_pdf_policies_give_the_clauses_of_the_text(
    policy_files: dict[tuple[str, str], Path], school: str, kind: str
) -> None:
    from_text = [fold(c["text"]) for c in make_draft(POLICIES / f"{school}.txt", school).clauses]
    draft = make_draft(policy_files[(school, kind)], school)
    from_file = [fold(c["text"]) for c in draft.clauses]
    same = sum(t in set(from_file) for t in from_text)
    assert same / len(from_text) >= 0.95, f"{school}.{kind}: {same}/{len(from_text)}"
    assert not any(HEADER in text or "Page 2" in text for text in from_file)  # running header and footer left out


def test_office_manager_imports_a_word_policy_and_it_passes_kb_check(
    policy_files: dict[tuple[str, str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    knowledge = tmp_path / "knowledge"
    code, out, err = run(
        capsys,
        "kb", "import", str(policy_files[("link-school", "docx")]),
        "--school", "link-school", "--name", "The Link School (Sunderland)", "--dir", str(knowledge),
    )  # fmt: skip
    assert code == 0, err
    assert "Wrote" in out and "clauses" in out and "kb check" in out
    kb = load_file(knowledge / "link-school.yaml")
    assert kb.school.draft and kb.school.name == "The Link School (Sunderland)"
    assert str(kb.school.adopted) == "2022-09-01" and str(kb.school.review_due) == "2023-09-01"
    assert kb.school.report_to == "the Head Teacher"
    by_section = {c.section: c for c in kb.clauses}
    friends = by_section["4.6"]
    assert friends.heading == "Personal use of social media"
    assert friends.text.startswith("You must not accept learners or their parents/carers as friends")
    assert friends.stance == "not_allowed" and "friending-pupils" in friends.topics
    assert friends.answer.startswith("You must not accept learners")
    assert by_section["3.1(f)"].text.startswith("breach our Data Protection Policy")
    assert (knowledge / "sources" / "link-school.txt").exists()

    code, out, _ = run(capsys, "kb", "check", "--dir", str(knowledge))
    assert code == 0
    assert "0 error(s)" in out and "draft import" in out and "no example questions yet" in out


def test_an_import_says_it_is_encoding_before_what_to_do_next(tmp_path: Path) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nSocial Media Policy\n\n1. Friends\n\n1.1 Staff must not accept pupils as "
        "friends on social media.\n\n1.2 Staff should not post photos of pupils on personal accounts.\n",
    )
    done = subprocess.run(
        [*POLICYBOT, "kb", "import", str(policy), "--school", "oakfield", "--dir", str(tmp_path / "knowledge")],
        env=clean_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Wrote ") and "page" not in lines[0]  # a text file has no pages to count
    encoding = next(i for i, line in enumerate(lines) if "encoding" in line and "sentences" in line)
    assert "under a minute" in lines[encoding]
    assert lines[-1].startswith("Next: review the draft") and encoding < len(lines) - 1


def test_a_list_named_under_a_heading_is_cited_without_the_heading_twice(tmp_path: Path) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\nOnline Safety Group\n\nThe group meets every term to "
        "review the filtering logs.\n\nPupils:\n\n- must not share their passwords with anyone\n"
        "- must tell a teacher if they see something upsetting online\n",
    )
    knowledge = tmp_path / "knowledge"
    env = imported(policy, "oakfield", knowledge)
    done = subprocess.run(
        [*POLICYBOT, "ask", "--school", "oakfield", "can pupils share their passwords?"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # answered or listed among the closest, the clause's place is said once, and whose rule it is
    assert "Online Safety Group - Pupils" in done.stdout
    assert "Pupils: must not share their passwords" in done.stdout
    assert "Pupils Online Safety Group" not in done.stdout
    # an unreviewed draft's verdicts are the bot's guesses: staff are told so beside the answer
    assert "have not yet been reviewed by the school" in done.stdout


def test_pdf_with_do_and_do_not_lists(policy_files: dict[tuple[str, str], Path]) -> None:
    clauses = make_draft(policy_files[("dobcroft", "pdf")], "dobcroft").clauses
    dont = next(c for c in clauses if c["text"].startswith("Share confidential information online."))
    assert dont["section"] == "Appendix 1 - Social networking standards - DO NOT"  # named as in the contents page
    assert dont["stance"] == "not_allowed"
    assert dont["answer"].startswith("Don't share confidential information online")
    assert dont["heading"] == "Social networking standards"


def test_markdown_policy(tmp_path: Path) -> None:
    policy = tmp_path / "policy.md"
    policy.write_text(
        "# St Anne's Primary School\n\n# Staff Social Media Policy\n\nApproved: 3 March 2025\n\n"
        "## 1. Contact with pupils\n\n1.1 Staff must not accept friend requests from pupils\n"
        "on any personal account.\n\n* Staff should report requests to the DSL.\n* Staff may use the school's\n"
        "  official accounts.\n",
        encoding="utf-8",
    )
    draft = make_draft(policy, "st-annes")
    assert draft.data["school"]["name"] == "St Anne's Primary School"
    assert draft.data["school"]["policy_title"] == "Staff Social Media Policy"
    assert str(draft.data["school"]["adopted"]) == "2025-03-01" or str(draft.data["school"]["adopted"]) == "2025-03-03"
    first = draft.clauses[0]
    assert (first["section"], first["heading"]) == ("1.1", "Contact with pupils")
    assert first["text"] == "Staff must not accept friend requests from pupils on any personal account."
    assert [c["stance"] for c in draft.clauses] == ["not_allowed", "must", "allowed"]


def test_a_sentence_starting_a_school_is_no_school_s_name(tmp_path: Path) -> None:
    """"A School Personal Data template is available in the appendices" named a whole school "A School"."""
    policy = _policy(
        tmp_path,
        "Online Safety Policy\n\n",
        "1. Staff must not share pupils' personal data online. A School Personal Data template is available.\n\n",
        "2. Any school device must be locked when left unattended. A School Personal Data template applies.\n",
    )
    assert make_draft(policy, "st-annes").data["school"]["name"] == "St Annes"  # from the id, for a person to check


def test_a_paragraph_before_a_list_of_whole_sentences_is_not_read_into_them(tmp_path: Path) -> None:
    """Only a lead-in ("...:") or a sentence the items finish owns a list: a paragraph that merely ends
    without a full stop must not colour its neighbours' verdicts and answer lines."""
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nSocial Media Policy\n\n3. Personal use\n\n"
        "Where possible it may be useful to add a disclaimer such as \u201cthese are my own views\u201d\n\n"
        "- The school's logos must also not be used on personal webpages.\n"
        "- Staff should review their privacy settings each term.\n\n"
        "4. Training\n\nEvery new member of staff is shown this policy and asked to sign it as part of\n\n"
        "- their induction, and\n- annual training.\n",
    )
    clauses = {c["text"]: c for c in make_draft(policy, "oakfield").clauses}
    logos = clauses["The school's logos must also not be used on personal webpages."]
    assert logos["stance"] == "not_allowed" and "disclaimer" not in logos["answer"]
    assert "disclaimer" not in clauses["Staff should review their privacy settings each term."]["answer"]
    assert clauses["Where possible it may be useful to add a disclaimer such as \u201cthese are my own views\u201d"]
    # A sentence the bullets finish is still one clause.
    assert (
        "Every new member of staff is shown this policy and asked to sign it as part of their induction, and annual "
        "training." in clauses
    )


def test_the_import_says_which_sentence_it_read_who_to_report_to_from(tmp_path: Path) -> None:
    """Howitt's "Report instances to their manager, if they are subject to abuse" became "misuse reported to: your
    manager", a sentence about being abused, and the import did not say where it had read it (review of a school's
    first import)."""
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nSocial Media Policy\n\n1. Abuse\n\nEmployees should:\n\n- Report instances to "
        "their manager, if they are subject to abuse\n- Keep a record of what was said\n",
    )
    draft = make_draft(policy, "oakfield")
    assert draft.data["school"]["report_to"] == "your manager"
    assert (
        "who misuse is reported to (your manager) was read from: Report instances to their manager, if they are "
        "subject to abuse" in draft.notes
    ), draft.notes


def test_the_import_s_note_on_who_to_report_to_shows_the_words_it_read(tmp_path: Path) -> None:
    """A long sentence's note was its first 160 characters, cut off before the person it named: "... is regularly
    monitored in order that any misuse / attempted…" (review of a new school's import)."""
    long = (
        "The Technical Staff are responsible for ensuring that the use of the network, the internet, the learning "
        "platform, remote access and email is regularly monitored in order that any misuse or attempted misuse can "
        "be reported to the Online Safety Coordinator for investigation and action."
    )
    policy = _policy(tmp_path, f"Oakfield Primary School\n\nOnline Safety Policy\n\n1. Roles\n\n{long}\n")
    draft = make_draft(policy, "oakfield")
    note = next(note for note in draft.notes if note.startswith("who misuse is reported to"))
    said = note.split("was read from: ", 1)[1]
    assert draft.data["school"]["report_to"] in said and len(said) <= 170, note
    assert said.startswith("\u2026") and said.removeprefix("\u2026").rstrip("\u2026") in long, note


def test_a_dated_line_printed_twice_on_the_cover_is_no_running_header(tmp_path: Path) -> None:
    """Dobcroft's cover prints "Ratified by the Policy Committee: 7th December 2021" twice: the import said it had
    left it out as a page header, and an IT technician took the policy's ratification for lost."""
    ratified = "Ratified by the Policy Committee: 7th December 2021"
    policy = _policy(
        tmp_path,
        f"Oakfield Primary School\n\nSocial Media Policy\n\nReviewed: November 2021\n\n{ratified}\n\n{ratified}\n\n"
        "1. Personal use\n\n1.1 Staff must not accept friend requests from pupils.\n\n"
        "Oakfield Primary School Social Media Policy\n\n1.2 Staff must not post photos of pupils.\n\n"
        "Oakfield Primary School Social Media Policy\n",
    )
    draft = make_draft(policy, "oakfield")
    assert ratified not in draft.page_headers
    assert "Oakfield Primary School Social Media Policy" in draft.page_headers  # a running header still is
    assert ratified in draft.data["school"]["dates_note"]


@pytest.mark.parametrize(
    ("cover", "reviewed", "due"),
    [
        ("DATE OF REVIEW: January 2018\n\nDATE OF NEXT REVIEW: January 2019", "2018-01-01", "2019-01-01"),
        ("Date of review: September 2025", None, "2025-09-01"),  # the only review date a cover gives is the next
    ],
)
def test_a_review_date_beside_a_next_review_date_is_the_last_review(
    tmp_path: Path, cover: str, reviewed: str | None, due: str
) -> None:
    policy = _policy(
        tmp_path,
        f"Oakfield Primary School\n\nOnline Safety Policy\n\n{cover}\n\n1. Scope\n\n"
        "1.1 This policy applies to all staff.\n",
    )
    school = make_draft(policy, "oakfield").data["school"]
    assert (school.get("reviewed"), school.get("review_due")) == (
        reviewed and dt.date.fromisoformat(reviewed),
        dt.date.fromisoformat(due),
    )
    assert school.get("adopted") is None  # a review date is not when the policy was adopted


def test_an_answer_line_is_not_cut_at_an_abbreviation(tmp_path: Path) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\n1. Parents\n\n"
        "1.1 We share updates via Facebook (e.g. Internet Matters) with parents. Staff must not add comments.\n",
    )
    (clause,) = make_draft(policy, "oakfield").clauses
    assert clause["answer"] == "We share updates via Facebook (e.g. Internet Matters) with parents."


def test_a_duty_of_pupils_is_not_put_on_staff(tmp_path: Path) -> None:
    """"You must: Will be expected to know and understand policies on the use of mobile devices" was said to
    staff from a list of what pupils are to do; their "must not" still answers "can pupils ...?"."""
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\nRoles and Responsibilities\n\nStaff:\n\n"
        "- must report any concern about a pupil's safety to the DSL\n\nPupils:\n\n"
        "- will be expected to know and understand policies on the use of mobile devices and digital cameras. They "
        "should also know and understand policies on the taking and use of images\n"
        "- must not share their passwords with anyone\n",
    )
    clauses = make_draft(policy, "oakfield").clauses
    stances = {clause["text"]: clause["stance"] for clause in clauses}
    assert stances == {
        "must report any concern about a pupil's safety to the DSL": "must",
        "will be expected to know and understand policies on the use of mobile devices and digital cameras. They "
        "should also know and understand policies on the taking and use of images": "information",
        "must not share their passwords with anyone": "not_allowed",
    }
    # and the line says whose duty it is ("Will be expected to know ..." read as the staff's)
    answers = {clause["text"]: clause["answer"] for clause in clauses}
    assert answers["must not share their passwords with anyone"] == "Pupils: must not share their passwords with anyone"


def test_headings_named_with_a_colon_are_parts_of_the_heading_above(tmp_path: Path) -> None:
    """A plain-text policy says how deep a heading is only by its colon. "Governors:" over a paragraph had been
    read as a form's blank and "Headteacher and Senior Leaders:" as a sign-off line: both were lost, and their
    clauses filed under "Roles and Responsibilities" alone. The staff agreement after the sanctions table was
    filed under "Staff Actions / Sanctions", and an editor's note on an omitted table was taken for a heading."""
    clauses = _drafted(
        tmp_path,
        "Roles and Responsibilities\n\nThe following section outlines the online safety roles of individuals and "
        "groups within the school:\n\nGovernors:\n\nGovernors are responsible for the approval of the Online "
        "Safety Policy and for reviewing its effectiveness.\n\nHeadteacher and Senior Leaders:\n\n"
        "- The Headteacher has a duty of care for ensuring the safety of members of the school community.\n"
        "- The Headteacher and Senior Leaders are responsible for ensuring that relevant staff receive training.\n\n"
        "Online Safety Coordinator:\n\n- leads the online safety committee\n- provides training and advice for "
        "staff\n\nSchool Actions & Sanctions\n\nIncidents of misuse will be dealt with through normal behaviour "
        "and disciplinary procedures.\n\nPupils Actions / Sanctions\n\n[Table of pupil incidents and sanctions "
        "omitted from this extract.]\n\nStaff Actions / Sanctions\n\nIncidents:\n- Deliberately accessing "
        "offensive material: Refer to line manager; Disciplinary action\n\nStaff (and Volunteer) Acceptable Use "
        "Policy Agreement\n\nI understand that I must use school ICT systems in a responsible way.\n\n"
        "Approved by the Full Governing Body:\n\nThe agreement was approved at the meeting held in the spring term.\n",
    )
    placed = {clause["text"]: (clause["section"], clause["heading"]) for clause in clauses}
    governors = "Governors are responsible for the approval of the Online Safety Policy and for reviewing its "
    assert placed[f"{governors}effectiveness."] == ("Roles and Responsibilities - Governors", "Governors")
    duty = "The Headteacher has a duty of care for ensuring the safety of members of the school community."
    leaders = "Headteacher and Senior Leaders"
    assert placed[duty] == (f"Roles and Responsibilities - {leaders}", leaders)
    assert placed["leads the online safety committee"] == (
        "Roles and Responsibilities - Online Safety Coordinator",
        "Online Safety Coordinator",
    )
    assert placed["I understand that I must use school ICT systems in a responsible way."] == (
        "Staff (and Volunteer) Acceptable Use Policy Agreement",
        "Staff (and Volunteer) Acceptable Use Policy Agreement",
    )
    assert placed["Deliberately accessing offensive material: Refer to line manager; Disciplinary action"][0] == (
        "Staff Actions / Sanctions - Incidents"
    )
    assert not any("omitted from this extract" in f"{clause['text']} {clause['section']}" for clause in clauses)
    # a form's line stays one, even over a sentence
    approval = "The agreement was approved at the meeting held in the spring term."
    assert "Approved by" not in placed[approval][0]


def test_a_run_of_headings_that_name_people_ends_at_a_heading_that_names_none(tmp_path: Path) -> None:
    """Plain text does not say how deep a heading is. Hiltingbury's "Monitoring", "Behaviour", "Use of images"
    after "Roles & Responsibilities" > "SLT", "Administrator/Moderator", "Staff" were filed as roles, and Rudyard
    Kipling's links to other policies as a breach of the policy (reviews of leave-one-out imports). A heading that
    names people is still one of the run ("... by Parents or Carers" after "By Staff"), and a topic heading that
    happens to name people does not start one."""
    clauses = _drafted(
        tmp_path,
        "This policy applies to all staff.\n\nRoles & Responsibilities\n\nSLT\n\n- Approve account creation\n\n"
        "Staff\n\n- Attending appropriate training\n\nMonitoring\n\nSchool accounts must be monitored regularly and "
        "frequently.\n\nBehaviour\n\n"
        "Digital communications by staff must be professional at all times.\n\nBreaches of the Policy\n\nBy Staff"
        "\n\nAny breach of this policy may lead to disciplinary action.\n\nInappropriate use of social networking "
        "sites by Parents or Carers\n\nThe School will always try to deal with concerns raised by parents.\n\n"
        "Links to other Policies\n\nThis policy should be read with the Data Protection Policy.\n\n"
        "Policy Statements\n\nEducation - pupils\n\nPupils are taught to stay safe online.\n\n"
        "Education - the wider community\n\nThe school offers sessions for the community.\n",
    )
    placed = {clause["text"][:30]: clause["section"] for clause in clauses}
    assert placed["Approve account creation"] == "Roles & Responsibilities - SLT"
    assert placed["Attending appropriate training"] == "Roles & Responsibilities - Staff"
    assert placed["School accounts must be monito"] == "Monitoring"
    assert placed["Digital communications by staf"] == "Behaviour"
    assert placed["Any breach of this policy may "] == "Breaches of the Policy - By Staff"
    assert placed["The School will always try to "] == (
        "Breaches of the Policy - Inappropriate use of social networking sites by Parents or Carers"
    )
    assert placed["This policy should be read wit"] == "Links to other Policies"
    assert placed["The school offers sessions for"] == "Policy Statements - Education - the wider community"


def test_colon_parts_keep_the_heading_above_them_and_forms_and_template_wording_stay_as_they_were(
    tmp_path: Path,
) -> None:
    """Parts end with their heading, not with the one above it; an appendix named with a colon is no part; a
    form's "Department:" over the agreement's sentence is no heading; a template's optional wording in square
    brackets is a clause."""
    clauses = _drafted(
        tmp_path,
        "This policy applies to all staff.\n\nOnline Safety\n\nMobile Phones\n\nStaff phones are kept in lockers "
        "during the school day.\n\nPupils:\n\nPupils hand their phones to the office each morning.\n\nCameras\n\n"
        "Staff must only use school cameras to photograph pupils.\n\n[Staff may use their personal mobile phones in "
        "the staff room only.]\n\nAppendix 1:\n- The acceptable use agreement is signed by every member of staff.\n"
        "- A copy is kept on file.\n\nStaff Agreement\n\nI have read the policy.\n\nDepartment:\n\n"
        "I understand that if I fail to comply with this agreement I could be subject to disciplinary action.\n",
    )
    placed = {clause["text"]: clause["section"] for clause in clauses}
    assert placed["Staff must only use school cameras to photograph pupils."] == "Online Safety - Cameras"
    assert "[Staff may use their personal mobile phones in the staff room only.]" in placed
    assert placed["A copy is kept on file."].startswith("Appendix 1")
    agreed = "I understand that if I fail to comply with this agreement I could be subject to disciplinary action."
    assert "Department" not in placed[agreed]


def test_a_blank_line_between_bullets_starts_a_new_list_in_text_that_writes_lists_line_by_line(
    tmp_path: Path,
) -> None:
    """The other template's "User Actions": the content users must not visit, a blank line, then activities.
    "Using school systems to run a private business: Unacceptable" had read "Users shall not visit Internet
    sites, ... that contain or relate to: using school systems to run a private business"."""
    lead = "Users shall not visit Internet sites or post material that contain or relate to:"
    body = (
        f"User Actions\n\n{lead}\n- pornography: Unacceptable\n- promotion of any kind of discrimination: "
        "Unacceptable\n\n- Using school systems to run a private business: Unacceptable\n- Infringing copyright: "
        "Unacceptable\n"
    )
    (tmp_path / "tight").mkdir()
    (tmp_path / "spaced").mkdir()
    answers = {clause["text"]: clause["answer"] for clause in _drafted(tmp_path / "tight", body)}
    assert answers["promotion of any kind of discrimination: Unacceptable"].startswith("Users shall not visit")
    assert answers["Using school systems to run a private business: Unacceptable"].startswith("Using school systems")
    assert answers["Infringing copyright: Unacceptable"].startswith("Infringing copyright")
    # a list written with a blank line after every item (as text from Word or a PDF is) is one list, even in a
    # policy that writes another list line by line
    spaced = body.replace("\n- ", "\n\n- ") + "\nUseful contacts:\n- DSL: Mrs Smith\n- Deputy DSL: Mr Jones\n"
    answers = {clause["text"]: clause["answer"] for clause in _drafted(tmp_path / "spaced", spaced)}
    assert answers["Infringing copyright: Unacceptable"].startswith("Users shall not visit")


def test_a_long_answer_line_is_cut_where_its_sentence_pauses(tmp_path: Path) -> None:
    """"... and may put you…" left staff mid-thought; the line stops at the dash before it."""
    rule = (
        "You must not accept learners or their parents/carers as friends or use social media to send any personal "
        "messages to them directly or indirectly \u2013 personal communication could be considered inappropriate "
        "and unprofessional and may put you and/or your colleagues vulnerable to allegations."
    )
    policy = _policy(tmp_path, "Oakfield Primary School\n\nOnline Safety Policy\n\n1. Contact\n\n1.1 ", rule, "\n")
    (clause,) = make_draft(policy, "oakfield").clauses
    assert clause["answer"] == rule[: rule.index(" \u2013")] + "\u2026"
    # with no pause in the line's second half, it is cut at a word
    rule = "Staff must " + " ".join(["always check the privacy settings of every account"] * 6) + "."
    policy = _policy(tmp_path, "Oakfield Primary School\n\nOnline Safety Policy\n\n1. Settings\n\n1.1 ", rule, "\n")
    (clause,) = make_draft(policy, "oakfield").clauses
    assert clause["answer"].endswith("\u2026") and len(clause["answer"]) <= 240
    assert rule.startswith(clause["answer"].removesuffix("\u2026"))


def test_a_long_subject_keeps_the_rule_it_takes(tmp_path: Path) -> None:
    """"Similarly, photographs, videos or any other types of image of children ... or images identifying…" was
    cut before "must not be published on personal webpage" and read as a ban on any image of children."""
    rule = (
        "Similarly, photographs, videos or any other types of image of children and their families or images "
        "depicting staff members wearing school or City Council uniforms or clothing with school or City Council "
        "logos or images identifying sensitive school premises must not be published on personal webpage."
    )
    policy = _policy(tmp_path, "Oakfield Primary School\n\nOnline Safety Policy\n\n1. Images\n\n1.1 ", rule, "\n")
    knowledge = tmp_path / "knowledge"
    env = imported(policy, "oakfield", knowledge)
    (clause,) = yaml.safe_load((knowledge / "oakfield.yaml").read_text())["clauses"]
    assert clause["answer"].startswith("Photographs, videos or any other types of image of children")
    assert clause["answer"].endswith(" \u2026 must not be published on personal webpage.")
    assert len(clause["answer"]) <= 240
    # still the import's own words, for `kb check` and for the verdict
    checked = subprocess.run([*POLICYBOT, "kb", "check"], env=env, capture_output=True, text=True, timeout=300)
    assert "1 clause(s) still answer in the policy's own words" in checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("rule", "stance"),
    [
        ("Pupils' full names will not be used anywhere on the website.", "not_allowed"),
        ("I will not download or distribute copies of music or videos.", "not_allowed"),
        ("The school's logos must also not be used on personal webpages.", "not_allowed"),
        ("Staff are allowed to take images for school use, but must follow the images policy.", "allowed_with_care"),
        ("Occasional personal use in working hours is permitted so long as it is not excessive.", "allowed_with_care"),
        ("You may be required to remove any content that we consider to be a breach of this policy.", "must"),
        ("Personal communications which do not refer to the school are outside the scope.", "information"),
        ("The school will take appropriate action. Conduct found to be unacceptable is dealt with.", "information"),
        ("Parents are welcome to film school events for their own use, but must not post them.", "allowed_with_care"),
        ("You must not speak for the school online. You may be required to attend training first.", "not_allowed"),
        ("Governors / Directors should take part in online safety training.", "must"),
        ("Taking these steps will avoid the risk of identity theft.", "information"),
        ("Avoid mentioning pupils by name on personal accounts.", "not_allowed"),
        ("The purpose of this policy is to guide staff, who should already be aware of the code.", "information"),
        ("If a conversation becomes offensive or unacceptable, staff should block or report the users.", "must"),
        ("Bullying colleagues online is unacceptable.", "not_allowed"),
        ("Staff must not contact pupils from personal accounts. You can find guidance in Appendix 2.", "not_allowed"),
        ("No member of staff is permitted to access another's account.", "not_allowed"),
        ("Staff can't use personal phones to take photos, but must use school cameras.", "not_allowed"),
        ("Staff must not post images of pupils. If they do, the school will take the following steps.", "not_allowed"),
        ("This policy is mandatory and staff must not share pupils' images.", "not_allowed"),
        ("Staff will not be disciplined for raising a concern in good faith.", "information"),
        ("Staff should note not all apps are encrypted.", "must"),
        ("It may not always be appropriate to share information this way.", "information"),
        ("Keep your passwords private and change them each term.", "must"),
        ("Regularly check who can see your posts.", "must"),
        ("Receive completed requests for new class accounts.", "information"),
        ("Employees must be mindful that what they post reflects on the school.", "must"),
        ("Even if you do not name the school, be aware that parents may recognise you.", "allowed_with_care"),
        ("If you name the school on your profile, you must state that your views do not represent ours.", "must"),
        ("Users shall not upload material that is offensive to colleagues.", "not_allowed"),
        ("Staff shall not be disciplined for raising concerns in good faith.", "information"),
        ("Use of your own mobile phone is permitted in the staffroom.", "allowed"),
        # a duty of a thing in the future tense; a permission that needs another's; a description; how well
        ("Written permission from parents or carers will be obtained before photographs are published.", "must"),
        ("Pupils' work can only be published with the permission of the pupil and parents or carers.", "allowed"),
        ("Conduct the review using a designated computer that will not be used by young people.", "information"),
        ("Isolate the computer in question as best you can.", "information"),
        ("It is a disciplinary offence to publish a learner's photo against their parent's wishes.", "not_allowed"),
        ("Cyberbullying is a form of bullying which will not be accepted in our school.", "not_allowed"),
        ("Parental consent will be obtained when a pupil joins the school.", "information"),
        ("Report any concerns to the DSL as soon as you can.", "must"),
        ("A breach of this policy may constitute a criminal offence.", "information"),
        ("Report abuse buttons are available on most sites you use.", "information"),
        ("Raising a concern in good faith will not be regarded as a breach of confidentiality.", "information"),
        ("Staff must report any concerns; failure to do so will be considered to be a breach of the code.", "must"),
        ("Personal opinions do not belong on school accounts.", "not_allowed"),
        # an acceptable use agreement's undertakings, and a rule that leaves nothing allowed
        ("I will immediately report any damage or faults involving equipment or software.", "must"),
        ("I will ensure that my data is regularly backed up.", "must"),
        ("No reference should be made in social media to pupils, parents or school staff.", "not_allowed"),
        ("Leaving games running on school laptops is considered to be a breach of the acceptable use policy.",
         "not_allowed"),
        # a duty stated of a thing: the person goes without saying
        ("Permission to use any photos or video recordings should be sought.", "must"),
        ("Any misuse of social media should be reported to the Head Teacher.", "must"),
        ("Communication between children and adults should remain professional at all times.", "must"),
        ("This policy should be read in conjunction with the Code of Conduct.", "information"),
        # what describes, not what forbids or permits
        ("Comments made outside work do not remain private. Presume everything you post will be permanent.",
         "allowed_with_care"),
        ("Comments which you may intend to be private may still breach the Code of Conduct.", "information"),
        ("Employees are encouraged to talk to their manager if they are unclear.", "information"),
        ("If staff wish to message pupils online, they can only do so with the approval of the school.", "allowed"),
        # "may also be" grants nothing
        ("They may also be required to use social media as part of their role.", "information"),
        ("Use the Whistleblowing policy for any concerns you may have. Using social media to raise them will be "
         "considered inappropriate.", "not_allowed"),
        ("School Representatives should expect that monitoring of social media shall be in line with policy.",
         "information"),
        # a duty first, and what not to do while doing it: "You must", not "Not allowed"
        ("Users must immediately report any message that is offensive or threatening and must not respond to it.",
         "must"),
        ("Staff must not accept friend requests from pupils and must report any such request.", "not_allowed"),
        # what to do once the case is met
        ("If there is any suspicion of illegal activity on a school computer, report it to the police at once.",
         "must"),
        ("If staff are unsure, the Headteacher will decide.", "information"),
        # the staff who take the photos ask first; advice is no permission
        ("We will ask children and seek verbal permission before taking photos/videos within school.", "must"),
        ("We will seek advice from the local authority before any change to this policy.", "information"),
        ("If a pupil discloses abuse online, report forms are kept in the staff room.", "information"),
        # a reminder of a ban, or a ban on those who must do something else, is still a ban
        ("Staff must remember that they must never accept friend requests from pupils.", "not_allowed"),
        ("Staff who must use their own phones must not store photos of pupils on them.", "not_allowed"),
    ],
)
def test_a_draft_verdict_follows_the_rule_as_written(tmp_path: Path, rule: str, stance: str) -> None:
    policy = _policy(tmp_path, f"Oakfield Primary School\n\nOnline Safety Policy\n\n1. Rules\n\n1.1 {rule}\n")
    (clause,) = make_draft(policy, "oakfield").clauses
    assert clause["stance"] == stance


def test_a_list_under_a_heading_says_who_its_items_are_about(tmp_path: Path) -> None:
    """Hiltingbury's "SLT" over "- Approve account creation": the draft's line read "For information: Approve
    account creation" and never said who (review of a leave-one-out import)."""
    clauses = _drafted(
        tmp_path,
        "Roles and Responsibilities\n\nSLT\n\n- Receive completed applications for social media accounts\n"
        "- Approve account creation\n\nAdministrator/Moderator\n\n- Create the account following SLT approval\n\n"
        "Online safety Coordinator:\n\n- leads the online safety committee\n- provides training for staff\n\n"
        "Behaviour\n\n- The school requires that all users adhere to this policy.\n"
        "- Digital communications by staff must be professional at all times.\n\n"
        "Incidents\n\n- Breaching copyright or licensing regulations: Refer to line manager\n",
    )
    answers = {clause["text"][:24]: clause["answer"] for clause in clauses}
    assert answers["Approve account creation"] == "SLT: Approve account creation"
    assert answers["Create the account follo"] == "Administrator/Moderator: Create the account following SLT approval"
    assert answers["leads the online safety "] == "Online safety Coordinator: leads the online safety committee"
    # a sentence with a subject of its own, and a table's row, say who already
    assert answers["The school requires that"] == "The school requires that all users adhere to this policy."
    assert answers["Digital communications b"].startswith("Digital communications by staff must")
    assert answers["Breaching copyright or l"].startswith("Breaching copyright")
    # a heading that names a topic, not who, is no subject ("Passwords: keep ...", "Appendix 2: keep ...")
    (tmp_path / "topics").mkdir()
    clauses = _drafted(
        tmp_path / "topics",
        "Passwords\n\n- Keep your password safe\n- Microsoft Teams chats are monitored\n\n"
        "Pupils\n\n- pupils will be expected to know the rules on mobile phones\n",
    )
    answers = {clause["text"][:24]: clause["answer"] for clause in clauses}
    assert answers["Keep your password safe"] == "Keep your password safe"
    assert answers["Microsoft Teams chats ar"] == "Microsoft Teams chats are monitored"
    assert answers["pupils will be expected "].startswith("Pupils: pupils will be expected")  # still theirs


def test_a_list_of_what_parents_do_says_so_and_is_filed_under_parents_posts(tmp_path: Path) -> None:
    """Rudyard Kipling's "Inappropriate use of social networking sites by Parents or Carers" lists "Making complaints
    about the School/staff at the School": its line read as a rule for staff, and its topic was a member of staff's
    complaint about work, so staff questions met it (review of a leave-one-out import)."""
    clauses = _drafted(
        tmp_path,
        "This policy applies to all staff.\n\nInappropriate use of social networking sites by Parents or Carers\n\n"
        "The School considers the following examples to be inappropriate uses of social networking sites:\n\n"
        "- Making allegations about staff or children at the School\n"
        "- Making complaints about the School/staff at the School\n\n"
        "Use of social media by staff\n\nStaff must not make complaints about the school on social media.\n",
    )
    drafted = {clause["text"][:24]: clause for clause in clauses}
    complaints = drafted["Making complaints about "]
    assert complaints["answer"].startswith("Parents or Carers: ")
    assert complaints["topics"] == ["parents-posting"]
    assert drafted["Making allegations about"]["answer"].startswith("Parents or Carers: ")
    staff = drafted["Staff must not make comp"]
    assert "complaining-about-work" in staff["topics"] and "Parents" not in staff["answer"]


def test_a_permission_s_line_keeps_the_limit_in_the_next_sentence(tmp_path: Path) -> None:
    """"Staff and volunteers are allowed to take digital / video images ... Those images should only be taken on
    school equipment, the personal equipment of staff should not be used ...": the line had kept the permission
    alone, and read alone it said the opposite of the rule."""
    clauses = _drafted(
        tmp_path,
        "Use of images\n\nStaff are allowed to take photos of pupils to support their learning. Those photos should "
        "not be taken on the personal phones of staff.\n\nStaff are allowed to use the school's cameras on trips. "
        "The cameras are kept in the school office.\n",
    )
    answers = [clause["answer"] for clause in clauses]
    assert answers[0] == (
        "Staff are allowed to take photos of pupils to support their learning. Those photos should not be taken on "
        "the personal phones of staff."
    )
    assert answers[1] == "Staff are allowed to use the school's cameras on trips."  # no limit: the permission alone
    (tmp_path / "other").mkdir()
    (clause,) = _drafted(
        tmp_path / "other",
        "Devices\n\nStaff may use personal devices in the staffroom. Pupils must not bring mobile phones into "
        "school.\n",
    )
    assert clause["answer"] == "Staff may use personal devices in the staffroom."  # another rule, not its limit


def test_a_long_instruction_after_its_case_keeps_what_to_do(tmp_path: Path) -> None:
    """"If there is any suspicion that the web site(s) concerned may contain child abuse images, ..., refer to the
    right hand side of the Flowchart ... and report immediately to the police": cut at 240 characters, the line
    had kept the case and lost the police."""
    clauses = _drafted(
        tmp_path,
        "Illegal incidents\n\nIf there is any suspicion that the web site or sites concerned may contain child abuse "
        "images, or if there is any other suspected illegal activity on a school device or network, refer to the "
        "flowchart for responding to online safety incidents (kept in the staffroom and in the appendix) and report "
        "immediately to the police.\n",
    )
    (clause,) = clauses
    assert len(clause["text"]) > 240
    assert clause["answer"].endswith("and report immediately to the police."), clause["answer"]
    assert clause["answer"].startswith("If there is any suspicion")
    assert clause["stance"] == "must"


def test_a_draft_s_topics_are_not_read_from_the_words_other_senses(tmp_path: Path) -> None:
    """A new school's clauses learn from the reviewed schools through their topics, so a topic read from "the
    following ways" or "a high profile event" lifts clauses about neither (review of the sixth policy: ten
    clauses on pupils' lessons tagged as friending pupils)."""
    clauses = _drafted(
        tmp_path,
        "Education of pupils\n\nOnline safety will be taught in the following ways: pupils should be taught to "
        "be critically aware of the materials they read.\n\nStaff make sure that pupils understand and follow the "
        "online safety rules.\n\nThe school holds high profile events such as Safer Internet Day for pupils.\n\n"
        "Staff conduct\n\nStaff must not follow the social media accounts of pupils.\n\n"
        "Staff must not give pupils their personal mobile number.\n\nStaff must not use their personal mobile "
        "devices to photograph pupils.\n",
    )
    topics = {clause["text"][:24]: clause["topics"] for clause in clauses}
    assert "friending-pupils" not in topics["Online safety will be ta"]
    assert "friending-pupils" not in topics["Staff make sure that pup"]
    assert "profile-details" not in topics["The school holds high pr"]
    assert "friending-pupils" in topics["Staff must not follow th"]
    assert "contact-details" in topics["Staff must not give pupi"]
    assert "contact-details" not in topics["Staff must not use their"]


def test_an_item_s_stance_reads_only_the_sentence_that_leads_into_its_list(tmp_path: Path) -> None:
    """"... staff, parents / carers and pupils need to be aware of the risks ... The school will inform and educate
    users about these risks ...:" over "Written permission ... will be obtained ...": the paragraph's "be aware"
    had made every item "Allowed, with care"."""
    clauses = _drafted(
        tmp_path,
        "Use of digital and video images\n\nDigital imaging has created significant benefits to learning. However, "
        "staff, parents and pupils need to be aware of the risks associated with publishing digital images on the "
        "internet. The school will inform and educate users about these risks and will implement policies to reduce "
        "the likelihood of harm:\n- When using digital images, staff should inform and educate pupils about the "
        "risks of sharing images.\n- Written permission from parents or carers will be obtained before photographs "
        "of pupils are published on the school website.\n",
    )
    stances = {clause["text"][:20]: clause["stance"] for clause in clauses}
    assert stances["When using digital i"] == "must"
    assert stances["Written permission f"] == "must"
    # a leading sentence that only points back speaks with the one before it
    (tmp_path / "back").mkdir()
    clauses = _drafted(
        tmp_path / "back",
        "Contact with pupils\n\nStaff must never contact pupils through their personal social media accounts. "
        "Examples of this include:\n- sending a friend request on Facebook\n- following a pupil on Instagram\n",
    )
    stances = {clause["text"]: clause["stance"] for clause in clauses}
    assert stances["following a pupil on Instagram"] == "not_allowed"


def test_a_short_lead_in_frames_the_answer_line_and_a_long_one_does_not(tmp_path: Path) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\n1. Staff\n\nStaff should ensure that:\n\n"
        "- their privacy settings are checked each term\n- their passwords are kept private\n\n"
        "2. Images\n\nThe school will inform and educate users about these risks and will put in place "
        "policies to reduce the likelihood of harm:\n\n- Pupils' full names will not be used on the website.\n"
        "- Written permission is obtained before photographs are published.\n",
    )
    answers = {c["text"]: c["answer"] for c in make_draft(policy, "oakfield").clauses}
    assert answers["their passwords are kept private"] == "Staff should ensure that: their passwords are kept private"
    published = "Written permission is obtained before photographs are published."
    assert answers[published] == published


def test_an_item_of_a_don_ts_list_that_says_its_own_don_t_is_not_given_another(tmp_path: Path) -> None:
    """"Don't consider the appropriateness of content ..." said the opposite of the policy."""
    item = "Consider the appropriateness of content for any audience, and don't link to inappropriate content"
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\nThe Don'ts\n\n- Don't publish confidential material\n"
        f"- {item}\n- Post derogatory content\n",
    )
    answers = {c["text"]: c["answer"] for c in make_draft(policy, "oakfield").clauses}
    assert answers[item] == item
    assert answers["Post derogatory content"] == "Don't post derogatory content"


def test_an_item_under_a_list_that_forbids_says_so(tmp_path: Path) -> None:
    """"... must not:" / "Bring the organisation into disrepute, for example by:" / "Making defamatory comments"
    read "Bring the organisation into disrepute, for example by: making defamatory comments", the opposite of
    the policy."""
    clauses = {c["text"]: c for c in _drafted(
        tmp_path,
        "6.4 Any communications that employees make through "
        "social media must not:\n\n- Bring the organisation into disrepute, for example by:\n"
        " - Criticising or arguing with colleagues or managers;\n - Making defamatory comments about individuals.\n"
        "- Breach confidentiality.\n",
    )}
    item = clauses["Making defamatory comments about individuals."]
    assert item["answer"] == (
        "Don't bring the organisation into disrepute, for example by: making defamatory comments about individuals."
    )
    assert item["stance"] == "not_allowed"


def test_an_item_under_a_forbidding_list_with_a_long_lead_in_keeps_its_don_t(tmp_path: Path) -> None:
    """"Using social media to bully another individual; or", under "must not:" and a lead-in of thirty words,
    read "For information: Using social media to bully ...": the "must not" was nowhere in the line."""
    clauses = {c["text"]: c for c in _drafted(
        tmp_path,
        "6.4 Any communications that employees make through "
        "social media must not:\n\n- Do anything that could be considered discriminatory against, or bullying or "
        "harassment of, any individual or group of individuals, and in contravention of the Council's procedures, "
        "for example by:\n - Using social media to bully another individual; or\n"
        " - Posting images that are discriminatory.\n- Breach confidentiality.\n",
    )}
    item = clauses["Using social media to bully another individual; or"]
    assert item["answer"] == (
        "Don't do anything that could be considered \u2026 for example by: using social media to bully another "
        "individual"
    )
    assert item["stance"] == "not_allowed"


def test_a_lead_in_that_sets_a_condition_keeps_it_in_each_item_s_line(tmp_path: Path) -> None:
    """"When using social media for educational purposes, the following practices must be observed:" / "The
    current password ... for all social media accounts must be provided to IT": the line alone told staff to
    hand over every password, their own accounts' too."""
    password = "The current password for all social media accounts must be provided to IT."
    clauses = {c["text"]: c for c in _drafted(
        tmp_path,
        "6. Business use\n\n6.3 When using social media for "
        "educational purposes, the following practices must be observed:\n\n"
        f"(a) The site should be notified to the Headteacher before any account is activated;\n\n(b) {password}\n",
    )}
    # cut only "the following practices", the line had read as though something that mattered was left out
    assert clauses[password]["answer"] == (
        "When using social media for educational purposes, the following practices must be observed: the current "
        "password for all social media accounts must be provided to IT."
    )
    long_lead = "When using social media for educational purposes in any class, club or trip, these practices apply:"
    (item,) = [c for c in _drafted(
        tmp_path, f"6. Business use\n\n6.3 {long_lead}\n\n(a) {password}\n\n(b) Staff must log out.\n"
    ) if c["text"] == password]
    assert item["answer"].startswith("When using social media for educational purposes \u2026 these practices apply:")


def test_an_item_s_line_does_not_end_on_the_word_that_joins_it_to_the_next(tmp_path: Path) -> None:
    """Howitt's "... for example by: using social media to bully another individual (such as an employee of the
    Council); or" ended on "; or" (review of a leave-one-out import)."""
    clauses = _drafted(
        tmp_path,
        "Key principles\n\nEmployees must not bring the organisation into disrepute, for example by:\n\n"
        "- using social media to bully or harass another individual (such as an employee or a parent); or\n"
        "- posting images that are inappropriate or links to inappropriate content on any site.\n",
    )
    (bully,) = [c for c in clauses if "using social media to bully" in c["text"]]
    assert bully["answer"].endswith("another individual (such as an employee or a parent)"), bully["answer"]


def test_a_rule_that_turns_the_first_sentence_round_is_in_the_line(tmp_path: Path) -> None:
    """"The school respects privacy and understands that staff may use social media forums in their private
    lives. However, personal communications likely to have a negative impact ... are within the scope of this
    policy." answered "... may use social media forums in their private lives.": their own business, it said."""
    first = "The school respects privacy and understands that staff may use social media forums in their private lives."
    turn = (
        "However, personal communications likely to have a negative impact on professional standards and/or the "
        "school's reputation are within the scope of this policy."
    )
    (clause,) = _drafted(tmp_path, f"Scope\n\n{first} {turn}\n")
    assert clause["answer"].endswith(f"\u2026 {turn}")
    assert clause["answer"].startswith("The school respects privacy and understands that staff may use social media")
    assert len(clause["answer"]) <= 240
    # a rule's reach, said in the sentence after it, is kept too
    rule = (
        "Employees are not allowed to access social media websites for personal use from the council's computers "
        "or devices during working time and they must not be left running 'in the background', whilst at work."
    )
    reach = "These provisions also apply to personal computers and mobile devices."
    (clause,) = _drafted(tmp_path, f"At work\n\n{rule} {reach}\n")
    assert clause["answer"].startswith("Employees are not allowed to access social media websites for personal use")
    assert clause["answer"].endswith(f"\u2026 {reach}")


def test_a_long_aside_in_brackets_gives_way_to_the_rule(tmp_path: Path) -> None:
    """"Unacceptable conduct, (e.g. defamatory, discriminatory, offensive, harassing content or a breach of data
    protection, confidentiality, copyright) will be considered extremely seriously ..." answered "Unacceptable
    conduct, (e.g. defamatory, ... confidentiality…": the aside filled the line and the rule was lost."""
    rule = (
        "Unacceptable conduct, (e.g. defamatory, discriminatory, offensive, harassing content or a breach of data "
        "protection, confidentiality, copyright) will be considered extremely seriously by the school and will be "
        "reported as soon as possible to a relevant senior member of staff, and escalated where appropriate."
    )
    (clause,) = _drafted(tmp_path, f"Behaviour\n\n{rule}\n")
    assert clause["answer"] == (
        "Unacceptable conduct, will be considered extremely seriously by the school and will be reported as soon as "
        "possible to a relevant senior member of staff, and escalated where appropriate."
    )
    # an aside that makes an exception is no aside
    duty = (
        "Staff must reply to any complaint within 24 hours (or on the next working day if received at a weekend or in "
        "the holidays) and must keep a record of each complaint, the reply given and the member of staff who gave it, "
        "in the school's complaints log, which the headteacher reviews each half term."
    )
    (clause,) = _drafted(tmp_path, f"Monitoring\n\n{duty}\n")
    assert "(or on the next working day if received at a weekend" in clause["answer"]


def test_a_lead_in_that_ends_by_saying_the_list_is_not_complete_frames_its_items_with_what_they_are(
    tmp_path: Path,
) -> None:
    """"The School considers the following examples to be inappropriate uses of social networking sites. This is
    not an exhaustive list and is intended to provide examples only:" / "Making complaints about the School"
    answered "This is not an exhaustive list and is intended to provide examples only: making complaints ..."."""
    answers = {c["text"]: c["answer"] for c in _drafted(
        tmp_path,
        "Parents\n\n- The School considers the following "
        "examples to be inappropriate uses of social networking sites. This is not an exhaustive list and is "
        "intended to provide examples only:\n- Making complaints about the School\n- Cyber-bullying\n",
    )}
    assert answers["Making complaints about the School"] == (
        "Parents: The School considers the following examples to be inappropriate uses of social networking sites: "
        "making complaints about the School"
    )


def test_a_long_subject_cut_at_its_bracket_keeps_the_rule_it_takes(tmp_path: Path) -> None:
    """"Other policies and procedures adopted by the school, such as those covering Whistleblowing, ... Bullying
    (HDVB) should be used to raise any concerns ..." was cut at its bracket: a list of policies, and no rule."""
    rule = (
        "Other policies and procedures adopted by the school, such as those covering Whistleblowing, Individual "
        "Grievance and Harassment, Discrimination Victimisation and Bullying (HDVB) should be used to raise any "
        "concerns about your treatment at work or any other concerns you may have."
    )
    (clause,) = _drafted(tmp_path, f"6.9 Concerns\n\n{rule}\n")
    assert clause["answer"].endswith(
        "\u2026 should be used to raise any concerns about your treatment at work or any other concerns you may have."
    )
    assert clause["answer"].startswith("Other policies and procedures adopted by the school, such as those covering")


def test_a_first_item_written_a_level_too_high_is_one_of_the_list(tmp_path: Path) -> None:
    """"- 3.4 Staff must ... as these relate to:" / "- their own on-line activity" / " - the on-line activity of
    learners": the first item was read as the lead-in of the rest ("Their own on-line activity: the on-line
    activity of learners ..."), and each item alone means nothing."""
    answers = {c["text"]: c["answer"] for c in _drafted(
        tmp_path,
        "3. Related policies\n\n- 3.4 Staff must make "
        "themselves aware of and act in accordance with their duties under Keeping Children Safe in Education as "
        "these relate to:\n- their own on-line activity\n - the on-line activity of learners and other colleagues "
        "and\n - information of which they become aware on-line\n",
    )}
    assert answers["information of which they become aware on-line"] == (
        "Staff must make themselves aware of and act in accordance with their duties under Keeping Children Safe "
        "in Education as these relate to: information of which they become aware on-line"
    )
    assert answers["the on-line activity of learners and other colleagues and"].startswith("Staff must make ")


def test_a_statement_inside_a_don_ts_list_is_no_instruction(tmp_path: Path) -> None:
    """"Don't all of the above applies to both open and private sections ..." was shown as a rule."""
    statement = "All of the above applies to both open and private sections of any site employees use."
    clauses = {c["text"]: c for c in _drafted(
        tmp_path,
        f"DO NOT\n\n- Post derogatory content\n- {statement}\n",
    )}
    assert (clauses[statement]["answer"], clauses[statement]["stance"]) == (statement, "information")
    assert clauses["Post derogatory content"]["answer"] == "Don't post derogatory content"


def test_a_lead_in_of_its_own_answers_with_its_items(tmp_path: Path) -> None:
    """"You must: When using social media for educational purposes, the following practices must be observed:"
    told staff nothing; the line goes on with the practices, and `kb check` still counts it as the import's."""
    lead = "When using social media for educational purposes, the following practices must be observed:"
    policy = _policy(
        tmp_path,
        f"Oakfield Primary School\n\nOnline Safety Policy\n\n1. Educational use\n\n{lead}\n\n"
        "- (a) Staff should set up a distinct educational account;\n"
        "- (b) The URL of the site should be notified to the Headteacher before any account is activated;\n",
    )
    knowledge = tmp_path / "knowledge"
    env = imported(policy, "oakfield", knowledge)
    answers = {c["text"]: c["answer"] for c in yaml.safe_load((knowledge / "oakfield.yaml").read_text())["clauses"]}
    assert answers[lead] == (
        f"{lead} Staff should set up a distinct educational account; The URL of the site should be notified to the "
        "Headteacher before any account is activated."
    )
    checked = subprocess.run([*POLICYBOT, "kb", "check"], env=env, capture_output=True, text=True, timeout=300)
    assert "3 clause(s) still answer in the policy's own words" in checked.stdout + checked.stderr


def test_what_the_school_will_do_is_information_not_a_rule_for_staff(tmp_path: Path) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\n5. Parents\n\nIf a parent continues to post in a "
        "manner the School considers inappropriate, the School will consider taking the following action:\n\n"
        "- Contact the police where a crime may have been committed.\n- Ask the host site to remove the post.\n",
    )
    stances = {c["text"]: c["stance"] for c in make_draft(policy, "oakfield").clauses}
    assert stances["Ask the host site to remove the post."] == "information"
    assert all(stance != "not_allowed" for stance in stances.values())


@pytest.mark.parametrize(
    ("section", "stances"),
    [
        (  # examples in a list inside a prohibition list are prohibited too
            "4. Conduct online\n\nAnything staff post online must not:\n\n- bring the school into disrepute, for "
            "example by:\n    - mocking parents or pupils;\n    - sharing offensive images.\n"
            "- breach confidentiality.\n",
            {"mocking parents or pupils;": "not_allowed", "sharing offensive images.": "not_allowed"},
        ),
        (  # the exceptions to a rule in a list are not more of the rule
            "4. Contact with pupils\n\nStaff must not:\n\n- contact pupils through social media, unless:\n"
            "    - the pupil is a family member;\n    - the head has agreed it in writing.\n"
            "- share the following documents on social media:\n    - pupil reports;\n    - class lists.\n",
            {"the pupil is a family member;": "information", "pupil reports;": "not_allowed"},
        ),
        (  # documents to read alongside the policy are not forbidden by the sentence before them
            "5. Related documents\n\nSocial media must not be used in a way that breaks other policies. This policy "
            "should be read in conjunction with the following documents:\n\n- The Staff Code of Conduct\n"
            "- The Data Protection Policy\n",
            {"The Staff Code of Conduct": "information", "The Data Protection Policy": "information"},
        ),
        (  # the staff's own duties in a section of roles and responsibilities; not another role's
            "3. Roles & Responsibilities\n\nSLT\n\n- Taking a lead role in investigating any reported incidents\n\n"
            "Staff\n\n- Attending appropriate training\n"
            "- Adding an appropriate disclaimer to personal accounts when naming the school\n",
            {
                "Taking a lead role in investigating any reported incidents": "information",
                "Attending appropriate training": "must",
                "Adding an appropriate disclaimer to personal accounts when naming the school": "must",
            },
        ),
        (  # a table of activities as a Word table reads in plain text: each row's marked column after a colon
            "6. User actions\n\nUsers shall not visit sites, post or pass on material that relates to:\n\n"
            "- pornography: Unacceptable\n- promotion of discrimination: Unacceptable and illegal\n\n"
            "- Using school systems to run a private business: Unacceptable\n"
            "- Online shopping: Acceptable at certain times\n- Educational games: Acceptable\n",
            {
                "pornography: Unacceptable": "not_allowed",
                "promotion of discrimination: Unacceptable and illegal": "not_allowed",
                "Using school systems to run a private business: Unacceptable": "not_allowed",
                "Online shopping: Acceptable at certain times": "allowed_with_care",
                "Educational games: Acceptable": "allowed",
            },
        ),
    ],
)
def test_a_list_item_takes_its_stance_from_its_lists(tmp_path: Path, section: str, stances: dict[str, str]) -> None:
    policy = _policy(tmp_path, f"Oakfield Primary School\n\nOnline Safety Policy\n\n{section}")
    clauses = make_draft(policy, "oakfield").clauses
    # the first item may share its clause with the lead-in
    found = {item: next(c["stance"] for c in clauses if c["text"].endswith(item)) for item in stances}
    assert found == stances


def test_a_sentence_finished_by_a_list_of_names_stays_one_rule(tmp_path: Path) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\n1. Personal use\n\nStaff who use social media in "
        "their own time must not post anything about the school on sites such as\n\n- Facebook\n- Instagram\n",
    )
    clauses = make_draft(policy, "oakfield").clauses
    assert [c["stance"] for c in clauses] == ["not_allowed"]
    assert clauses[0]["text"].endswith("sites such as Facebook Instagram")


def test_a_list_of_a_few_words_each_is_one_clause_with_its_lead_in(tmp_path: Path) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\n7. Data\n\nPersonal data will be processed according "
        "to the law, which states that personal data must be:\n\n- Fairly and lawfully processed\n- Accurate\n"
        "- Secure\n- Kept no longer than is necessary\n\nStaff should ensure that:\n\n- their passwords are kept "
        "private\n- their screens are locked\n",
    )
    texts = [c["text"] for c in make_draft(policy, "oakfield").clauses]
    assert (
        "Personal data will be processed according to the law, which states that personal data must be: Fairly and "
        "lawfully processed Accurate Secure Kept no longer than is necessary"
    ) in texts  # word for word as the policy runs, so `kb check` finds it in the policy text
    assert not any(text in ("Accurate", "Secure") for text in texts)
    # after "ensure that:" each item is a duty of its own, however short
    assert "their screens are locked" in texts


def test_a_list_kept_whole_passes_kb_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\n1. Policy\n\nThis policy was written by a working group "
        "made up of:\n\n- Headteacher\n- Governors\n- Senior Leaders\n",
    )
    knowledge = tmp_path / "knowledge"
    code, _, err = run(capsys, "kb", "import", str(policy), "--school", "oakfield", "--dir", str(knowledge))
    assert code == 0, err
    code, out, _ = run(capsys, "kb", "check", "--dir", str(knowledge))
    assert code == 0 and "0 error(s)" in out, out


def test_a_heading_is_not_read_into_a_line_that_only_starts_in_lower_case(tmp_path: Path) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\nMobile Devices\n\niPads must not be taken home by "
        "pupils.\n\nConduct\n\na) staff must not befriend pupils.\n\nb) staff must not message pupils.\n\n"
        "What Staff Can Do Online:\n\n- Share school news\n- Like posts from the PTA\n",
    )
    clauses = make_draft(policy, "oakfield").clauses
    assert [c["text"] for c in clauses[:3]] == [
        "iPads must not be taken home by pupils.",  # a name written in lower case
        "staff must not befriend pupils.",  # a lettered item keeps its letter
        "staff must not message pupils.",
    ]
    assert clauses[1]["section"] == "(a) - Conduct"
    # a list's title in title case stays its title, whatever verb it holds
    assert [c["text"] for c in clauses[3:]] == ["Share school news", "Like posts from the PTA"]
    assert all(c["section"].endswith("What Staff Can Do Online") for c in clauses[3:])


def test_a_colon_line_that_says_must_or_will_leads_into_its_list_and_is_no_heading(tmp_path: Path) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\nData Protection\n\nStaff must ensure that they:\n\n"
        "- Use personal data only on secure password protected computers.\n"
        "- Transfer data using encryption and secure password protected devices.\n",
    )
    _, second = make_draft(policy, "oakfield").clauses
    assert second["text"] == "Transfer data using encryption and secure password protected devices."
    assert second["heading"] == "Data Protection"
    assert second["answer"].startswith("Staff must ensure that they: transfer data")
    assert second["stance"] == "must"


def test_a_heading_that_begins_the_sentence_below_it_stays_in_that_sentence(tmp_path: Path) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\nTeaching and Support Staff\n\nare responsible for "
        "ensuring that:\n\n- they report any suspected misuse to the Headteacher\n- they have read the policy\n",
    )
    clauses = make_draft(policy, "oakfield").clauses
    assert clauses[0]["heading"] == "Teaching and Support Staff"
    assert clauses[0]["text"].startswith("Teaching and Support Staff are responsible for ensuring that: they report")
    lead_in = "Teaching and Support Staff are responsible for ensuring that:"
    assert clauses[1]["answer"] == f"{lead_in} they have read the policy"


def test_a_cover_line_with_the_policy_date_and_the_review_date_gives_both(tmp_path: Path) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nSocial Media Policy January 2018 Review due: January 2020\n\n1. Scope\n\n"
        "1.1 This policy applies to all staff.\n",
    )
    school = make_draft(policy, "oakfield").data["school"]
    assert (school.get("adopted"), school.get("review_due")) == (dt.date(2018, 1, 1), dt.date(2020, 1, 1))


def test_word_automatic_numbering_is_kept(tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("Use of social media")
    for text in ("Staff must not post photographs of pupils.", "Staff should use the school account."):
        document.add_paragraph(text, style="List Number")
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    clauses = make_draft(path, "numbered").clauses
    assert [(c["section"], c["text"]) for c in clauses] == [
        ("1", "Staff must not post photographs of pupils."),
        ("2", "Staff should use the school account."),
    ]


@pytest.mark.parametrize(
    ("name", "content", "school", "message"),
    [
        ("policy.rtf", b"{\\rtf1 hello}", "st-annes", "save it as a Word Document (.docx)"),
        ("policy.png", b"\x89PNG", "st-annes", "unsupported file type .png"),
        ("policy.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "st-annes", "old Word file (.doc)"),
        ("policy.docx", b"not really a word file", "st-annes", "not a readable Word document"),
        ("policy.pdf", b"%PDF-1.4 broken", "st-annes", "PDF"),
        ("policy.txt", b"Staff must not post photos of pupils.", "St Annes", "lower-case letters, digits and hyphens"),
        ("missing.txt", None, "st-annes", "no such file"),
        ("our policy", "folder", "st-annes", "is a folder; give the policy file inside it"),
    ],
)
def test_errors_are_one_line_without_a_traceback(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | str | None,
    school: str,
    message: str,
) -> None:
    policy = tmp_path / name
    if content == "folder":
        policy.mkdir()
    elif content is not None:
        policy.write_bytes(content)
    code, out, err = run(capsys, "kb", "import", str(policy), "--school", school, "--dir", str(tmp_path / "kb"))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("previous", "message"),
    [
        # a "billion laughs": nine nested aliases would expand to 10^9 strings once walked
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                      for p, n in zip("abcdefgh", "bcdefghi", strict=True)),
            "alias",
        ),
        ("school: [unclosed\n", "not valid YAML"),
    ],
)
def test_a_previous_version_that_is_not_a_knowledge_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], previous: str, message: str
) -> None:
    policy = _policy(tmp_path, "Oakfield Primary School\n\nOnline Safety Policy\n\n1. Rules\n\n1.1 Be kind.\n")
    old = tmp_path / "old.yaml"
    old.write_text(previous, encoding="utf-8")
    args = ["kb", "import", str(policy), "--school", "oakfield", "--dir", str(tmp_path / "kb"), "--previous", str(old)]
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err and "previous version" in err
    assert "Traceback" not in err and not (tmp_path / "kb" / "oakfield.yaml").exists()


def test_an_existing_file_is_never_overwritten_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "howitt.yaml"
    out_file.write_text("school: {}\n")
    code, _, err = run(
        capsys, "kb", "import", str(POLICIES / "howitt.txt"), "--school", "howitt", "--out", str(out_file)
    )
    assert code == 2 and "already exists" in err and "--force" in err
    assert out_file.read_text() == "school: {}\n"


def test_two_imports_of_one_school_at_once_cannot_lose_reviewed_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two `kb import --force` of one school at the same moment each kept the reviewed work of the file they
    read, and the later write lost the other's; the second is refused while the first runs."""
    monkeypatch.setenv("POLICYBOT_MEANING", "off")
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    shutil.copy(REPO / "knowledge" / "vocabulary.yaml", knowledge)
    running = FileLock(knowledge / ".howitt.yaml.import.lock")  # what an import holds while it runs
    assert running.acquire()
    command = ["kb", "import", str(POLICIES / "howitt.txt"), "--school", "howitt", "--dir", str(knowledge)]
    try:
        code, out, err = run(capsys, *command)
        assert code == 2 and out == "" and "another `kb import` of howitt.yaml is running" in err
        assert not (knowledge / "howitt.yaml").exists()
    finally:
        running.release()
    code, _, err = run(capsys, *command)
    assert code == 0, err


def test_a_draft_is_never_written_under_another_school_s_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--out "try out/trial.yaml"` for `--school trial-school` wrote a file `kb check` passed and `ask`
    could not use ("school id 'trial-school' does not match the file name")."""
    out_file = tmp_path / "try out" / "trial.yaml"
    code, out, err = run(
        capsys, "kb", "import", str(POLICIES / "howitt.txt"), "--school", "trial-school", "--out", str(out_file)
    )
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "needs " + str(tmp_path / "try out" / "trial-school.yaml") in err
    assert not out_file.parent.exists()
    # nor under another ending: the bot reads only ID.yaml
    wrong_ending = tmp_path / "trial-school.yml"
    code, _, err = run(
        capsys, "kb", "import", str(POLICIES / "howitt.txt"), "--school", "trial-school", "--out", str(wrong_ending)
    )
    assert code == 2 and "trial-school.yaml" in err and not wrong_ending.exists()


def test_reimporting_a_new_version_keeps_reviewed_work_and_diff_shows_the_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Last year's reviewed file: the curated Howitt clauses, ids, answers and example questions.
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge, ignore=shutil.ignore_patterns("[!hv]*.yaml"))
    reviewed = yaml.safe_load((knowledge / "howitt.yaml").read_text())
    by_text = {fold(c["text"]): c for c in reviewed["clauses"]}

    # This year's policy: one sentence reworded, one paragraph added, one removed.
    text = (POLICIES / "howitt.txt").read_text(encoding="utf-8")
    old_sentence = "Managers should ensure that all complaints are dealt with consistently and fairly."
    new_sentence = "Managers must ensure that all complaints are dealt with consistently, fairly and promptly."
    text = text.replace(old_sentence, new_sentence)
    text = text.replace("An Employees' Guide to the use of social media is attached in the Appendix.\n", "")
    text = text.replace("8. Roles and responsibilities", "Staff must not use AI tools to create images of pupils.\n\n"
                        "8. Roles and responsibilities")  # fmt: skip
    new_policy = tmp_path / "howitt-2025.txt"
    new_policy.write_text(text, encoding="utf-8")

    code, out, err = run(
        capsys, "kb", "import", str(new_policy), "--school", "howitt", "--dir", str(knowledge), "--force"
    )
    assert code == 0, err
    assert "kept from the previous version" in out and "howitt.yaml.bak" in out
    written = (knowledge / "howitt.yaml").read_text()
    new = yaml.safe_load(written)
    # The kept example questions one per line, as a reviewer edits them, not a wrapped [...] of sentences
    assert not re.search(r"examples: \[[^\]]", written) and "\n  examples:\n  - " in written
    kept = [c for c in new["clauses"] if fold(c["text"]) in by_text]
    assert len(kept) >= 60
    for clause in kept:
        old = by_text[fold(clause["text"])]
        assert (clause["id"], clause["answer"], clause["examples"]) == (old["id"], old["answer"], old["examples"])
    reworded = next(c for c in new["clauses"] if "promptly" in c["text"])
    assert reworded["id"] == "howitt-7-2" and reworded["examples"]
    # What the reviewer settled about the school: the same dates in the text, so the same notes on them.
    school, before = new["school"], reviewed["school"]
    for key in ("authority", "dates_note", "status", "reporting_clause", "report_to"):
        assert school[key] == before[key], key
    assert set(before["page_headers"]) <= set(school["page_headers"])

    code, out, _ = run(capsys, "kb", "diff", str(knowledge / "howitt.yaml.bak"), str(knowledge / "howitt.yaml"))
    assert code == 0
    assert out.splitlines()[0] == "school draft: no -> yes"  # and nothing else about the school
    assert not any(line.startswith("school ") for line in out.splitlines()[1:])
    assert "changed (1):" in out and "howitt-7-2" in out and "{+must+}" in out and "[-should-]" in out
    assert "added (1):" in out and "AI tools" in out
    assert "removed (1):" in out and "howitt-9-1" in out
    code, out, _ = run(capsys, "kb", "check", "--dir", str(knowledge))
    assert code == 0, out


def test_the_same_policy_imported_again_keeps_the_dates_a_reviewer_put_right(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge, ignore=shutil.ignore_patterns("[!hv]*.yaml"))
    path = knowledge / "howitt.yaml"
    reviewed = yaml.safe_load(path.read_text())
    reviewed["school"]["adopted"] = dt.date(2018, 1, 15)  # the reviewer knows the day the text leaves out
    path.write_text(yaml.safe_dump(reviewed, sort_keys=False), encoding="utf-8")
    command = ["kb", "import", str(POLICIES / "howitt.txt"), "--school", "howitt", "--dir", str(knowledge), "--force"]
    code, _, err = run(capsys, *command)
    assert code == 0, err
    school = yaml.safe_load(path.read_text())["school"]
    assert school["adopted"] == dt.date(2018, 1, 15)
    assert (school["status"], school["dates_note"]) == (reviewed["school"]["status"], reviewed["school"]["dates_note"])


def test_reimporting_a_draft_takes_this_versions_reading_only_where_nobody_touched_a_clause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A school imported with an earlier version: clauses nobody touched carry that importer's guesses.
    A re-import takes this version's reading for those; a reviewer's correction, even of a stance alone
    with no example questions yet, stays."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge, ignore=shutil.ignore_patterns("[!v]*.yaml"))
    command = ["kb", "import", str(POLICIES / "howitt.txt"), "--school", "trial", "--dir", str(knowledge)]
    assert run(capsys, *command)[0] == 0
    path, record = knowledge / "trial.yaml", knowledge / "sources" / "trial.drafted.json"
    guessed = yaml.safe_load(path.read_text())
    untouched, corrected = guessed["clauses"][3], guessed["clauses"][4]
    now = {c["id"]: (c["stance"], c["topics"]) for c in guessed["clauses"]}
    other = {"not_allowed": "information"}.get(untouched["stance"], "not_allowed")
    # What an earlier importer drafted for the first (and nobody changed), and a reviewer's stance for
    # the second, changed from what was drafted.
    untouched.update(stance=other, topics=[])
    drafted = json.loads(record.read_text())
    drafted["clauses"][fold(untouched["text"])].update(stance=other, topics=[])
    record.write_text(json.dumps(drafted), encoding="utf-8")
    corrected["stance"] = {"not_allowed": "information"}.get(corrected["stance"], "not_allowed")
    path.write_text(yaml.safe_dump(guessed, sort_keys=False), encoding="utf-8")

    code, out, err = run(capsys, *command, "--force")
    assert code == 0, err
    assert "1 unchanged clause(s) nobody had touched" in out
    assert [line for line in out.splitlines() if "note:" in line and "was read from" not in line] == [], out
    again = {c["id"]: c for c in yaml.safe_load(path.read_text())["clauses"]}
    assert (again[untouched["id"]]["stance"], again[untouched["id"]]["topics"]) == now[untouched["id"]]
    assert again[corrected["id"]]["stance"] == corrected["stance"]


def test_reimporting_a_draft_made_before_drafts_were_recorded_keeps_every_clause_and_names_the_doubtful(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge, ignore=shutil.ignore_patterns("[!v]*.yaml"))
    command = ["kb", "import", str(POLICIES / "howitt.txt"), "--school", "trial", "--dir", str(knowledge)]
    assert run(capsys, *command)[0] == 0
    (knowledge / "sources" / "trial.drafted.json").unlink()  # as kb import before 0.2.0 left it
    path = knowledge / "trial.yaml"
    guessed = yaml.safe_load(path.read_text())
    clause = guessed["clauses"][3]
    clause["stance"] = {"not_allowed": "information"}.get(clause["stance"], "not_allowed")
    path.write_text(yaml.safe_dump(guessed, sort_keys=False), encoding="utf-8")

    code, out, err = run(capsys, *command, "--force")
    assert code == 0, err
    assert "note: 1 clause(s) without example questions keep their stance" in out and clause["id"] in out
    again = {c["id"]: c for c in yaml.safe_load(path.read_text())["clauses"]}
    assert again[clause["id"]]["stance"] == clause["stance"]


def test_a_reporting_clause_id_a_new_clause_took_over_is_not_kept() -> None:
    """Ids follow section numbers: a new clause 7.3 may take the id of a removed 7.3 that told staff how
    to report misuse, and reporters would be quoted the camera rule."""
    school = {"id": "s", "name": "S School", "report_to": "the head", "reporting_clause": "s-7.3"}
    old = {"school": school, "clauses": [
        {"id": "s-7.1", "section": "7.1", "text": "Staff must not share passwords with anyone at all."},
        {"id": "s-7.3", "section": "7.3", "text": "Report any misuse of social media to the headteacher at once."},
    ]}  # fmt: skip
    new = {"school": {"id": "s", "name": "S School", "report_to": "the head"}, "clauses": [
        {"id": "s-7.1", "section": "7.1", "text": "Staff must not share passwords with anyone at all."},
        {"id": "s-7.3", "section": "7.3", "text": "Cameras in classrooms need the governors' written approval."},
    ]}  # fmt: skip
    report = merge(old, new)
    assert report.removed == ["s-7.3"] and "reporting_clause" not in new["school"]


def test_a_new_version_with_new_dates_drops_the_notes_on_the_old_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge, ignore=shutil.ignore_patterns("[!hv]*.yaml"))
    text = (POLICIES / "howitt.txt").read_text(encoding="utf-8").replace("January 2018", "March 2025")
    # The new version is approved: its cover's blank is filled in
    text = text.replace("Agreed by Governing Board on..... (Date)", "Agreed by Governing Board in March 2025")
    text = text.replace("Signed..... (Chair)", "Signed: J Smith (Chair)")
    new_policy = tmp_path / "howitt-2025.txt"
    new_policy.write_text(text, encoding="utf-8")
    command = ["kb", "import", str(new_policy), "--school", "howitt", "--dir", str(knowledge), "--force"]
    code, _, err = run(capsys, *command)
    assert code == 0, err
    school = yaml.safe_load((knowledge / "howitt.yaml").read_text())["school"]
    assert school["adopted"] == dt.date(2025, 3, 1)
    assert "status" not in school and "2018" not in school.get("dates_note", "")
    assert school["authority"] == "Derbyshire County Council"


def test_diff_of_two_schools_files_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    howitt, dobcroft = REPO / "knowledge" / "howitt.yaml", REPO / "knowledge" / "dobcroft.yaml"
    code, out, err = run(capsys, "kb", "diff", str(howitt), str(dobcroft))
    assert code == 2 and out == "" and "compare two versions of one school's file" in err


def test_diff_of_a_missing_file_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "kb", "diff", str(tmp_path / "old.yaml"), str(REPO / "knowledge" / "howitt.yaml"))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1


def test_a_long_pdf_shows_its_pages_on_the_terminal_and_nothing_when_piped(
    policy_files: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    """The office manager at a terminal sees which page is being read; a log of a piped run stays clean."""
    import os
    import pty
    import subprocess

    from tests.cli import POLICYBOT, clean_env

    pdf = policy_files[("howitt", "pdf")]
    command = [*POLICYBOT, "kb", "import", str(pdf), "--school", "howitt"]
    env = clean_env(POLICYBOT_MEANING="off")
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*command, "--dir", str(tmp_path / "tty")], stdout=subprocess.PIPE, stderr=follower, env=env
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal is gone: the command has ended
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    out = process.communicate(timeout=60)[0].decode()
    screen = seen.decode()
    assert process.returncode == 0 and "howitt" in out
    pages = screen.count("page ")
    assert pages >= 2 and f"Reading {pdf.name}: page 1 of " in screen
    last = screen.rsplit("\r", 2)
    assert last[-1] == "" and last[-2].strip() == ""  # the line is cleared: nothing left on the terminal

    piped = subprocess.run([*command, "--dir", str(tmp_path / "piped")], capture_output=True, env=env, timeout=60)
    assert piped.returncode == 0 and b"page" not in piped.stderr


@pytest.mark.parametrize(
    ("cover", "status", "said"),
    [
        ("Agreed by Governing Board on..... (Date)\n\nSigned..... (Chair)\n\n", "unapproved", "dated 2018-01-01"),
        ("DRAFT\n\n", "draft", "draft dated 2018-01-01"),
        ("Approved by the Governing Board on 12 January 2018\n\n", None, "adopted 2018-01-12"),
        ("Date approved by governors: ......12 January 2018......\n\n", None, "adopted 2018-01-12"),
    ],
)
def test_a_policy_not_approved_is_never_called_adopted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cover: str, status: str | None, said: str
) -> None:
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nSocial Media Policy January 2018\n\n",
        cover,
        "1. Scope\n\n1.1 This policy applies to all staff.\n\n",
        "Staff agreement\n\nI have read this policy. Signed: .............. Date: ..........\n",
    )
    code, out, err = run(capsys, "kb", "import", str(policy), "--school", "oakfield", "--dir", str(tmp_path / "kb"))
    assert code == 0, err
    school = yaml.safe_load((tmp_path / "kb" / "oakfield.yaml").read_text())["school"]
    assert school.get("status") == status
    assert f"dates: {said}" in out


def test_the_import_says_what_waits_for_review_and_that_the_policy_is_overdue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new school's IT person read "256 clauses" and nothing of the review a draft waits for, nor that the
    policy's review was due years ago, which staff are then told beside every answer (review of a new school's
    import)."""
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nSocial Media Policy\n\nReviewed: January 2018\n\nNext review: January 2019\n\n",
        "1. Personal use\n\n1.1 Staff must not accept friend requests from pupils.\n\n"
        "1.2 Staff must not post photos of pupils on personal accounts.\n",
    )
    code, out, err = run(capsys, "kb", "import", str(policy), "--school", "oakfield", "--dir", str(tmp_path / "kb"))
    assert code == 0, err
    clauses = yaml.safe_load((tmp_path / "kb" / "oakfield.yaml").read_text())["clauses"]
    assert f"to review: {len(clauses)} of {len(clauses)} clauses have no example questions" in out, out
    assert "the policy was due for review in January 2019: staff are told it may be out of date" in out, out
    # the dates as the policy states them, beside the day they are kept as
    assert "dates read from: Reviewed: January 2018; Next review: January 2019" in out, out


def test_a_flattened_list_s_next_step_is_not_an_item_of_the_lead_in_above_it(tmp_path: Path) -> None:
    """A policy's text without indents put the procedure's next step right after a lead-in's items: "Other
    instances to report to the police would include: isolate the computer in question as best you can." was the
    first line a review met for a question about images of abuse."""
    clauses = _drafted(
        tmp_path,
        "Illegal incidents\n\nIn the event of suspicion, all steps in this procedure should be followed:\n"
        "- Record the url of any site containing the alleged misuse.\n"
        "- If content includes images of child abuse, refer it to the police immediately. Other instances to report "
        "to the police would include:\n"
        "- incidents of grooming behaviour\n"
        "- criminally racist material\n"
        "- Isolate the computer in question as best you can.\n",
    )
    answers = {clause["text"]: clause["answer"] for clause in clauses}
    assert "Other instances to report to the police would include: incidents of grooming behaviour" in answers[
        "incidents of grooming behaviour"
    ], answers
    isolate = answers["Isolate the computer in question as best you can."]
    assert "Other instances" not in isolate, isolate


def test_the_import_names_clauses_that_keep_a_template_s_note_to_schools(tmp_path: Path) -> None:
    """The other template's policy keeps its publisher's "(schools should amend this section in the light of their
    policies ...)" inside a staff agreement's line, and the import said nothing of it (review of a new school's
    import): staff would be quoted a note meant for whoever adopted the template."""
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\n1. Personal use\n\n"
        "1.1 I will only use the school systems for personal use within the rules set down by the school. (schools "
        "should amend this section in the light of their policies on personal use)\n\n"
        "1.2 Staff must not share their passwords with anyone.\n",
    )
    draft = make_draft(policy, "oakfield")
    noted = _the_note_naming(draft, "template's note to schools", "schools should amend")
    assert not any("passwords" in c["text"] and c["id"] in noted for c in draft.clauses)


def test_the_import_names_clauses_that_keep_a_publisher_s_advertisements(tmp_path: Path) -> None:
    """The other template's policy keeps its publisher's advertisements ("SWGfL BOOST includes unlimited online
    webinar training ... (http://...)") in nine clauses, and the import said nothing of them (review of a new
    school's import). A school's own web references are no advertisement."""
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nOnline Safety Policy\n\n1. Training\n\n"
        "1.1 All new staff should receive online safety training as part of their induction programme. SWGfL BOOST "
        "includes an array of presentations and resources that can be presented to new staff "
        "(http://www.swgfl.org.uk/Boost-Hub/Resources). It includes presenter notes for the coordinator.\n\n"
        "1.2 For further information see the school's E-Safety policy (https://www.oakfield.sch.uk/e-safety).\n",
    )
    draft = make_draft(policy, "oakfield")
    noted = _the_note_naming(draft, "publisher's notes on its products", "SWGfL BOOST")
    own = [c["id"] for c in draft.clauses if "E-Safety policy" in c["text"]]
    assert own and not any(i in noted for i in own), noted


def _the_note_naming(draft: Any, note_says: str, clause_says: str) -> str:
    """The one import note that says `note_says`, after checking it names every clause whose text says
    `clause_says` (and that there is one)."""
    noted = [note for note in draft.notes if note_says in note]
    flagged = [c["id"] for c in draft.clauses if clause_says in c["text"]]
    assert len(noted) == 1 and flagged and all(i in noted[0] for i in flagged), draft.notes
    return noted[0]


def test_a_line_a_few_words_over_the_length_is_kept_whole(tmp_path: Path) -> None:
    """"... any inappropriate comments on or abuse of The Link School sanctioned social media should immediately be
    removed and reported to a member of the…" lost "Leadership Team", who staff asked about (review of a new
    school's import): cutting a handful of words saves nothing. A line far over the length is still cut."""
    policy = _policy(
        tmp_path,
        "Oakfield Primary School\n\nSocial Media Policy\n\n6. Business use\n\n"
        "When using social media for educational purposes, the following practices must be observed:\n\n"
        "- Any inappropriate comments on or abuse of the Oakfield Primary School sanctioned social media should "
        "immediately be removed and reported to a member of the Leadership Team;\n"
        "- Staff must not share their passwords with anyone.\n\n"
        "7. Conduct\n\n"
        "Staff should remember that anything they post on social media, whether on a personal account or on a "
        "school one, in working time or in their own time, may be seen by pupils, parents and colleagues, and "
        "may be copied, shared and kept long after it has been deleted, so they should post nothing that they would "
        "not be happy to see on the front page of a local newspaper or read out in a staff meeting.\n",
    )
    answers = {c["text"][:40]: c["answer"] for c in make_draft(policy, "oakfield").clauses}
    abuse = next(a for t, a in answers.items() if t.startswith("Any inappropriate comments"))
    assert abuse.endswith("reported to a member of the Leadership Team"), abuse
    long = next(a for t, a in answers.items() if t.startswith("Staff should remember"))
    assert long.endswith(CUT), long
