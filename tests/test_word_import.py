"""`policybot kb import` of Word policies as schools write them: tracked changes, content controls,
automatic numbering, tables. Each document is built with python-docx and raw WordprocessingML, read
back with the real importer, and judged by the clauses a reviewer would see.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main
from bot.knowledge.importing.draft import Draft, make_draft
from bot.knowledge.importing.pdf import read_pdf

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _document() -> Any:
    from docx import Document

    return Document()


def _xml_paragraph(document: Any, inner: str) -> None:
    """A paragraph of raw WordprocessingML runs, appended to the body."""
    from docx.oxml import parse_xml

    body = document.element.body
    body.insert(len(body) - 1, parse_xml(f"<w:p {W}>{inner}</w:p>"))  # before the section properties


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _numbering(document: Any, fmt: str, text: str) -> str:
    """A one-level Word list of numbers (`fmt` "decimal", "lowerLetter" ...); its numId."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    abstract_id = str(900 + len(numbering))
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {W} w:abstractNumId="{abstract_id}"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl></w:abstractNum>'
        ),
    )
    num_id = str(500 + len(numbering))
    numbering.append(parse_xml(f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    return num_id


def _numbered(document: Any, num_id: str, text: str, level: int = 0) -> None:
    _xml_paragraph(
        document,
        f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>{_run(text)}',
    )


def _table(document: Any, rows: list[list[str | list[str]]]) -> None:
    """A table; a cell given as a list holds one paragraph per item."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            paragraphs = value if isinstance(value, list) else [value]
            cell.paragraphs[0].text = paragraphs[0]
            for more in paragraphs[1:]:
                cell.add_paragraph(more)


def _saved(document: Any, tmp_path: Path, school: str = "oakfield") -> Path:
    path = tmp_path / f"{school}.docx"
    document.save(str(path))
    return path


def _draft(document: Any, tmp_path: Path, school: str = "oakfield") -> Draft:
    return make_draft(_saved(document, tmp_path, school), school)


def _clauses(document: Any, tmp_path: Path, school: str = "oakfield") -> list[dict[str, Any]]:
    return _draft(document, tmp_path, school).clauses


def _by_text(clauses: list[dict[str, Any]], start: str) -> dict[str, Any]:
    found = [c for c in clauses if c["text"].startswith(start)]
    assert found, f"no clause starts {start!r}: {[c['text'] for c in clauses]}"
    return found[0]


def test_tracked_changes_read_as_accepted_and_the_importer_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _document()
    document.add_paragraph("Personal use of social media")
    # The governors' late amendment: "not" inserted, "always" deleted, as Word records it
    _xml_paragraph(
        document,
        _run("4.6 You must ")
        + '<w:ins w:id="1" w:author="Chair" w:date="2023-01-20T10:00:00Z">'
        + _run("not ")
        + "</w:ins>"
        + '<w:del w:id="2" w:author="Chair" w:date="2023-01-20T10:00:00Z">'
        + "<w:r><w:delText>always </w:delText></w:r></w:del>"
        + _run("accept pupils or their parents as friends on social media."),
    )
    path = _saved(document, tmp_path)
    clause = _by_text(make_draft(path, "oakfield").clauses, "You must")
    assert clause["text"] == "You must not accept pupils or their parents as friends on social media."
    assert clause["stance"] == "not_allowed"

    code = main(["kb", "import", str(path), "--school", "oakfield", "--dir", str(tmp_path / "kb")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "tracked changes" in out + err and "accepted" in out + err


def test_text_in_content_controls_fields_and_line_breaks_is_kept(tmp_path: Path) -> None:
    from docx.oxml import parse_xml

    document = _document()
    document.add_paragraph("Contact with pupils")
    # The school's name as an inline content control, as templates fill it in
    _xml_paragraph(
        document,
        _run("Staff must not contact ")
        + "<w:sdt><w:sdtPr/><w:sdtContent>"
        + _run("Oakfield Primary")
        + "</w:sdtContent></w:sdt>"
        + _run(" pupils by means of personal social media."),
    )
    # A block content control holding whole rules
    document.element.body.insert(
        len(document.element.body) - 1,
        parse_xml(
            f"<w:sdt {W}><w:sdtPr/><w:sdtContent>"
            f"<w:p>{_run('Staff members must decline friend requests from children.')}</w:p>"
            "</w:sdtContent></w:sdt>"
        ),
    )
    # A cross-reference field shows its result; a Shift+Enter break continues the same item
    _xml_paragraph(
        document,
        _run("Failure to follow the rules in clause ")
        + '<w:fldSimple w:instr=" REF _Ref1 \\r "><w:r><w:t>6.3</w:t></w:r></w:fldSimple>'
        + _run(" may give rise to disciplinary action.")
        + "<w:r><w:br/></w:r>"
        + _run("This applies outside working hours too."),
    )
    texts = [c["text"] for c in _clauses(document, tmp_path)]
    assert "Staff must not contact Oakfield Primary pupils by means of personal social media." in texts
    assert "Staff members must decline friend requests from children." in texts
    assert (
        "Failure to follow the rules in clause 6.3 may give rise to disciplinary action. "
        "This applies outside working hours too."
    ) in texts


def test_a_numbered_list_under_a_lead_in_is_its_items_not_sections(tmp_path: Path) -> None:
    document = _document()
    document.add_paragraph("8. Roles and responsibilities")
    document.add_paragraph("Employees must not:")
    numbers = _numbering(document, "decimal", "%1.")
    for item in ("post photographs of pupils on personal accounts", "accept friend requests from parents"):
        _numbered(document, numbers, item)
    document.add_paragraph("Managers have a responsibility to:")
    letters = _numbering(document, "lowerLetter", "%1.")  # Word's default "a." lettering
    for item in ("take prompt action to stop any harassment", "support employees who are the subject of abuse"):
        _numbered(document, letters, item)
    clauses = _clauses(document, tmp_path)

    photos = _by_text(clauses, "Employees must not: post photographs")
    assert photos["section"] == "8" and photos["stance"] == "not_allowed"
    friends = _by_text(clauses, "accept friend requests")
    assert friends["section"] == "8" and friends["stance"] == "not_allowed"
    harassment = _by_text(clauses, "take prompt action")
    assert harassment["section"] == "8(a)" and harassment["stance"] == "must"
    assert harassment["answer"].startswith("Managers have a responsibility to: take prompt action")
    assert _by_text(clauses, "support employees")["section"] == "8(b)"


def test_word_numbers_are_the_ones_the_school_sees(tmp_path: Path) -> None:
    from docx.oxml import parse_xml

    document = _document()
    numbering = document.part.numbering_part.element
    # Dobcroft's scheme: "6.0 Monitoring" then "6.0", "6.1" paragraphs (the second level starts at 0)
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {W} w:abstractNumId="950">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.0"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="0"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(parse_xml(f'<w:num {W} w:numId="550"><w:abstractNumId w:val="950"/></w:num>'))
    _numbered(document, "550", "Scope")
    _numbered(document, "550", "This policy covers employees, volunteers and governors.", level=1)
    _numbered(document, "550", "The requirements of this policy apply to all uses of social media.", level=1)
    _numbered(document, "550", "Monitoring")
    _numbered(document, "550", "The school monitors the use of social media in line with the law.", level=1)
    # The author clicked "None" for this heading's number: "0" switches the list off for it
    _xml_paragraph(
        document, f'<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr></w:pPr>{_run("Appendix 1")}'
    )
    document.add_paragraph("Never post photographs of pupils on a personal account.")
    clauses = _clauses(document, tmp_path)
    assert [c["section"] for c in clauses][:3] == ["1.0", "1.1", "2.0"]
    assert _by_text(clauses, "Never post photographs")["section"].startswith("Appendix 1")


def test_typed_lettered_items_keep_their_lead_in(tmp_path: Path) -> None:
    policy = tmp_path / "policy.txt"
    policy.write_text(
        "3. Compliance\n\n3.1 For example, you are prohibited from using social media to:\n\n"
        "(a)\tbreach our ICT policies and procedures;\n\n(b)\tbreach our Staff Code of Conduct;\n\n"
        "3.2 Staff who breach any of the above policies will be subject to disciplinary action.\n",
        encoding="utf-8",
    )
    clauses = make_draft(policy, "oakfield").clauses
    breach = _by_text(clauses, "breach our Staff Code of Conduct")
    assert breach["section"] == "3.1(b)" and breach["stance"] == "not_allowed"
    assert (
        breach["answer"]
        == "For example, you are prohibited from using social media to: breach our Staff Code of Conduct"
    )


def test_a_lead_in_used_in_two_sections_is_not_taken_for_a_page_header(tmp_path: Path) -> None:
    document = _document()
    for heading, item in (
        ("Personal accounts", "accept pupils as friends on any personal account"),
        ("School accounts", "post pupils' surnames beside their photographs"),
    ):
        document.add_paragraph(heading)
        document.add_paragraph("You must not:")
        document.add_paragraph(item, style="List Bullet")
        document.add_paragraph("share the account's password with anyone outside the school", style="List Bullet")
    clauses = _clauses(document, tmp_path)
    assert _by_text(clauses, "You must not: accept pupils")["stance"] == "not_allowed"
    assert _by_text(clauses, "You must not: post pupils' surnames")["stance"] == "not_allowed"


def test_a_do_and_dont_table_is_read_column_by_column(tmp_path: Path) -> None:
    document = _document()
    document.add_paragraph("Managing school social media accounts")
    _table(
        document,
        [
            ["Do", "Don't"],
            [
                "Check with a senior leader before publishing content that may be controversial",
                "Publish confidential or commercially sensitive material",
            ],
            ["Use a disclaimer when expressing personal views", "Use social media to air internal grievances"],
        ],
    )
    clauses = _clauses(document, tmp_path)
    check = _by_text(clauses, "Check with a senior leader")
    assert check["text"] == "Check with a senior leader before publishing content that may be controversial"
    assert check["stance"] == "must"
    assert _by_text(clauses, "Publish confidential")["stance"] == "not_allowed"
    assert _by_text(clauses, "Use social media to air")["stance"] == "not_allowed"


def test_a_roles_table_gives_each_duty_under_its_role(tmp_path: Path) -> None:
    document = _document()
    document.add_paragraph("Roles and responsibilities")
    _table(
        document,
        [
            ["Role", "Responsibilities"],
            ["SLT", ["Facilitating training and guidance on social media use", "Approve account creation"]],
            ["Administrator", ["Create the account following SLT approval", "Store account details securely"]],
        ],
    )
    clauses = _clauses(document, tmp_path)
    approve = _by_text(clauses, "Approve account creation")
    assert approve["heading"] == "SLT"
    store = _by_text(clauses, "Store account details securely")
    assert store["heading"] == "Administrator"
    assert not any(c["text"].startswith(("SLT", "Role")) for c in clauses)


def test_a_column_of_short_values_keeps_its_title(tmp_path: Path) -> None:
    """"Headteacher" under the online safety lead says nothing on its own; "Reports to: Headteacher" does."""
    document = _document()
    document.add_paragraph("Roles and responsibilities")
    _table(
        document,
        [
            ["Role", "Responsibility", "Reports to"],
            ["Online safety lead", "Keeps the log of online safety incidents and reviews it each term", "Headteacher"],
            ["Network manager", "Checks that the filtering blocks harmful sites every single week", "Business manager"],
        ],
    )
    clauses = _clauses(document, tmp_path)
    assert _by_text(clauses, "Reports to: Headteacher")["heading"] == "Online safety lead"
    assert _by_text(clauses, "Reports to: Business manager")["heading"] == "Network manager"
    assert _by_text(clauses, "Keeps the log of online safety incidents")["text"].startswith("Keeps the log")


def test_a_table_of_marked_columns_gives_each_row_its_column(tmp_path: Path) -> None:
    document = _document()
    document.add_paragraph("User actions")
    _table(
        document,
        [
            ["User actions", "Acceptable", "Acceptable at certain times", "Unacceptable"],
            ["Infringing copyright", "", "", "X"],
            ["Use of social media", "", "X", ""],
        ],
    )
    clauses = _clauses(document, tmp_path)
    assert _by_text(clauses, "Infringing copyright")["text"] == "Infringing copyright: Unacceptable"
    assert _by_text(clauses, "Infringing copyright")["stance"] == "not_allowed"
    assert _by_text(clauses, "Use of social media")["stance"] == "allowed_with_care"


def test_cover_tables_give_the_dates_and_a_version_history_is_no_section(tmp_path: Path) -> None:
    document = _document()
    document.add_paragraph("Oakfield Primary School")
    document.add_paragraph("Social Media Policy")
    _table(document, [["Date approved", "24.1.23"], ["Review date", "January 2024"]])
    _table(
        document,
        [
            ["Version", "Date", "Author", "Changes"],
            ["1.0", "Sept 2019", "Headteacher", "First issue"],
            ["2.0", "Jan 2023", "Headteacher", "Reviewed"],
        ],
    )
    document.add_paragraph("Scope")
    document.add_paragraph("This policy applies to all staff and volunteers.")
    draft = _draft(document, tmp_path)
    school = draft.data["school"]
    assert (school.get("adopted"), school.get("review_due")) == (dt.date(2023, 1, 24), dt.date(2024, 1, 1))
    assert [(c["section"], c["text"]) for c in draft.clauses] == [
        ("Scope", "This policy applies to all staff and volunteers.")
    ]


def test_old_and_protected_files_say_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.cell(0, 5, "Staff must not accept pupils as friends.")
    pdf.set_encryption(owner_password="owner", user_password="open-sesame")
    locked = tmp_path / "locked.pdf"
    pdf.output(str(locked))
    code = main(["kb", "import", str(locked), "--school", "oakfield", "--dir", str(tmp_path / "kb")])
    _, err = capsys.readouterr()
    assert code == 2 and "password-protected" in err and "Traceback" not in err

    old = tmp_path / "policy.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    code = main(["kb", "import", str(old), "--school", "oakfield", "--dir", str(tmp_path / "kb")])
    _, err = capsys.readouterr()
    assert code == 2 and "save it as a Word Document (.docx)" in err


def test_a_pdf_word_hyphenated_at_a_line_end_is_put_back_together(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    # One paragraph wrapped by hand as a justified, hyphenated layout does it
    for line in (
        "To ensure that your social network account does not compromise your pro-",
        "fessional position, ensure that your privacy settings are set correctly. Read the e-",
        "safety policy, which the e-safety lead keeps up to date. Report any child-",
        "on-child abuse or self-",
        "harm you see online at once.",
    ):
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))
    text = make_draft(path, "oakfield").source_text
    assert "compromise your professional position" in text
    assert "Read the e-safety policy" in text  # written so elsewhere in the policy: a real hyphen
    assert "child-on-child abuse" in text and "self-harm you see" in text  # hyphens of the words themselves


def test_a_rule_without_its_full_stop_is_a_clause_not_a_heading(tmp_path: Path) -> None:
    document = _document()
    document.add_paragraph("Personal use", style="Heading 1")
    document.add_paragraph("Staff must never friend a pupil")  # no full stop, as typed
    document.add_paragraph("Staff should check their privacy settings regularly.")
    document.add_paragraph("What staff should do online", style="Heading 1")
    document.add_paragraph("Report any abusive comment to the headteacher.")
    clauses = _clauses(document, tmp_path)
    friend = _by_text(clauses, "Staff must never friend a pupil")
    assert friend["stance"] == "not_allowed" and friend["heading"] == "Personal use"
    assert _by_text(clauses, "Report any abusive")["heading"] == "What staff should do online"


def test_a_pdf_import_names_the_running_header_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import SHARED
    from tests.policy_files import write_pdf

    text = (SHARED / "policies" / "howitt.txt").read_text(encoding="utf-8")
    pdf = write_pdf(text, tmp_path / "howitt.pdf", "Howitt Social Media Policy - staff copy")
    code = main(["kb", "import", str(pdf), "--school", "howitt", "--dir", str(tmp_path / "kb")])
    out, err = capsys.readouterr()
    assert code == 0, err
    note = next(line for line in (out + err).splitlines() if "page header/footer line(s) left out" in line)
    assert "Howitt Social Media Policy - staff copy" in note and "Page 1" in note


def test_dates_in_a_pdf_running_header_are_still_read(tmp_path: Path) -> None:
    from tests.conftest import SHARED
    from tests.policy_files import write_pdf

    text = (SHARED / "policies" / "hiltingbury.txt").read_text(encoding="utf-8")
    header = "Approved by the Full Governing Body on 12 March 2025. Review due March 2026."
    pdf = write_pdf(text.replace("24.1.23", "").replace("January 2024", ""), tmp_path / "oakfield.pdf", header)
    school = make_draft(pdf, "oakfield").data["school"]
    assert (school.get("adopted"), school.get("review_due")) == (dt.date(2025, 3, 12), dt.date(2026, 3, 1))


def test_a_paragraph_word_styles_as_a_heading_is_one_however_it_reads(tmp_path: Path) -> None:
    document = _document()
    document.add_paragraph(
        "Guidance for staff on the use of personal social media accounts outside school hours", style="Heading 1"
    )
    document.add_paragraph("Keep your profile private and review your friends list each term.")
    document.add_paragraph("What should I do if a pupil contacts me online?", style="Heading 2")
    document.add_paragraph("Do not reply, and tell the designated safeguarding lead the same day.")
    clauses = _clauses(document, tmp_path)
    assert [c["text"] for c in clauses] == [
        "Keep your profile private and review your friends list each term.",
        "Do not reply, and tell the designated safeguarding lead the same day.",
    ]
    assert clauses[1]["heading"] == "What should I do if a pupil contacts me online?"


def test_a_sentence_a_pdf_page_break_cuts_is_one_clause_even_going_on_with_a_capital(tmp_path: Path) -> None:
    import itertools

    from fpdf import FPDF

    names = ["Headteacher", "Deputy", "Governors", "Chair", "Bursar", "Senco", "Office", "Caretaker", "Trust"]
    verbs = ["Tell", "Inform", "Notify", "Warn", "Email", "Phone", "Message", "Contact", "Ring"]
    things = itertools.cycle(["Posts", "Photos", "Messages", "Requests", "Comments", "Videos", "Tags"])
    # Every word capitalised, so whichever word the page break falls before starts the next page with a capital
    pairs = itertools.product(verbs, names)
    words = " ".join(f"Staff Must {v} The {n} About Pupil {t}" for (v, n), t in zip(pairs, things, strict=False))
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 5, f"1.1 {words} {words}.", align="J")  # justified: each line but the last runs to the margin
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))
    draft = make_draft(path, "oakfield")
    assert draft.pages == 2
    assert [c["section"] for c in draft.clauses] == ["1.1"]


def test_a_table_of_cases_keeps_each_row_together(tmp_path: Path) -> None:
    document = _document()
    document.add_paragraph("What to do")
    _table(
        document,
        [
            ["Situation", "What to do"],
            ["A pupil sends you a friend request on social media", "Decline it and tell the safeguarding lead"],
            ["A parent posts a complaint about a colleague online", "Do not reply; tell the headteacher the same day"],
        ],
    )
    texts = [c["text"] for c in _clauses(document, tmp_path)]
    assert (
        "Situation: A pupil sends you a friend request on social media; "
        "What to do: Decline it and tell the safeguarding lead"
    ) in texts


def test_numbered_clauses_a_template_styles_as_headings_stay_clauses(tmp_path: Path) -> None:
    """Council templates put numbered clauses in "Heading 2" for their outline numbering."""
    document = _document()
    document.add_paragraph("Signature of Chair of Governors:")  # a form line ending in a colon, then the policy
    numbers = _numbering(document, "decimal", "%1.")
    _xml_paragraph(
        document,
        f'<w:pPr><w:pStyle w:val="Heading1"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{numbers}"/></w:numPr></w:pPr>'
        + _run("About this policy"),
    )
    document.add_paragraph("1.1 Staff must not accept current pupils as friends on social media", style="Heading 2")
    document.add_paragraph("This applies to former pupils under the age of 18 too.")
    clauses = _clauses(document, tmp_path)
    friends = _by_text(clauses, "Staff must not accept current pupils")
    assert friends["section"] == "1.1" and friends["stance"] == "not_allowed"
    assert friends["heading"] == "About this policy"


def test_a_two_level_header_over_merged_cells_keeps_each_mark_under_its_column(tmp_path: Path) -> None:
    document = _document()
    document.add_paragraph("Use of mobile devices")
    table = document.add_table(rows=4, cols=5)
    table.cell(0, 1).merge(table.cell(0, 2))  # "Staff" over two columns, as the SWGfL template has it
    table.cell(0, 3).merge(table.cell(0, 4))
    values = [
        ["Activity", "Staff", None, "Pupils", None],
        ["", "Allowed", "Not allowed", "Allowed", "Not allowed"],
        ["Taking photos on personal mobile phones", "", "X", "", "X"],
        ["Use of school email for personal messages", "X", "", "", "X"],
    ]
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            if value is not None:
                table.cell(r, c).text = value
    texts = [c["text"] for c in _clauses(document, tmp_path)]
    assert "Taking photos on personal mobile phones: Staff: Not allowed, Pupils: Not allowed" in texts
    assert "Use of school email for personal messages: Staff: Allowed, Pupils: Not allowed" in texts


def test_table_rows_a_content_control_wraps_are_read(tmp_path: Path) -> None:
    from docx.oxml import parse_xml

    document = _document()
    document.add_paragraph("Roles and responsibilities")

    def row(*cells: str) -> str:
        return "<w:tr>" + "".join(f"<w:tc><w:p>{_run(c)}</w:p></w:tc>" for c in cells) + "</w:tr>"

    body = document.element.body
    body.insert(
        len(body) - 1,
        parse_xml(
            f"<w:tbl {W}><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
            + row("Role", "Responsibilities")
            # a template's repeating section: each row inside a content control
            + "<w:sdt><w:sdtPr/><w:sdtContent>"
            + row("Headteacher", "Approving every new official social media account before it is created")
            + "</w:sdtContent></w:sdt></w:tbl>"
        ),
    )
    approving = _by_text(_clauses(document, tmp_path), "Approving every new official")
    assert approving["heading"] == "Headteacher"


def test_a_version_history_with_a_long_change_is_left_out(tmp_path: Path) -> None:
    document = _document()
    document.add_paragraph("Oakfield Primary School Social Media Policy")
    _table(
        document,
        [
            ["Version", "Date", "Author", "Changes"],
            ["1.0", "September 2021", "J Smith", "First issue"],
            ["2.0", "September 2023", "J Smith", "Reviewed September 2023: the school accounts section rewritten"],
        ],
    )
    document.add_paragraph("Scope")
    document.add_paragraph("This policy applies to all staff and volunteers.")
    draft = _draft(document, tmp_path)
    assert [c["text"] for c in draft.clauses] == ["This policy applies to all staff and volunteers."]
    assert "reviewed" not in draft.data["school"]


def test_wingdings_ticks_mark_a_column_and_an_empty_prompt_is_no_policy(tmp_path: Path) -> None:
    from docx.oxml import parse_xml

    document = _document()
    document.add_paragraph("User actions")
    _table(document, [["User actions", "Acceptable", "Unacceptable"], ["Infringing copyright", "", ""]])
    tick = parse_xml(f'<w:r {W}><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>')  # Word's Insert > Symbol
    document.tables[0].cell(1, 2).paragraphs[0]._p.append(tick)
    body = document.element.body
    body.insert(
        len(body) - 1,
        parse_xml(
            f'<w:sdt {W}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
            f"<w:p>{_run('Click or tap here to enter text.')}</w:p></w:sdtContent></w:sdt>"
        ),
    )
    clauses = _clauses(document, tmp_path)
    assert [c["text"] for c in clauses] == ["Infringing copyright: Unacceptable"]
    assert clauses[0]["stance"] == "not_allowed"


def _footnotes(document: Any, notes: dict[str, str]) -> None:
    """The document's footnotes part, as Word writes it (its two separator notes first); `notes`: id -> the
    runs of the note after its number mark."""
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    xml = (
        f"<w:footnotes {W}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        "</w:footnote>"
        + "".join(
            f'<w:footnote w:id="{i}"><w:p><w:r><w:footnoteRef/></w:r>{r}</w:p></w:footnote>' for i, r in notes.items()
        )
        + "</w:footnotes>"
    )
    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, xml.encode(), document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)


def _cites(note_id: str) -> str:
    return f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{note_id}"/></w:r>'


def test_a_footnote_is_read_into_the_paragraph_that_cites_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A footnote can hold the rule's reach ("This includes former pupils under 18"); it was left out."""
    document = _document()
    document.add_paragraph("Contact with pupils")
    _xml_paragraph(
        document,
        _run("Staff must not accept friend requests from pupils.")
        + _cites("1")
        + '<w:r><w:commentReference w:id="0"/></w:r>',
    )
    _footnotes(document, {"1": _run(" This includes former pupils under the age of 18.")})
    path = _saved(document, tmp_path)

    clause = _by_text(make_draft(path, "oakfield").clauses, "Staff must not")
    assert clause["text"] == (
        "Staff must not accept friend requests from pupils. (This includes former pupils under the age of 18.)"
    )
    assert clause["stance"] == "not_allowed"
    code = main(["kb", "import", str(path), "--school", "oakfield", "--dir", str(tmp_path / "kb")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "1 footnote(s) or endnote(s) were read in brackets" in out + err


def test_a_footnote_on_a_lead_in_is_named_not_read_and_notes_citing_notes_end(tmp_path: Path) -> None:
    """A note inside a lead-in would hide the words that tell its items' stance ("must not:"); one at its end
    would make it no lead-in. The import names it for the reviewer instead."""
    document = _document()
    document.add_paragraph("8. Roles and responsibilities")
    _xml_paragraph(document, _run("Employees must not:") + _cites("1"))
    numbers = _numbering(document, "decimal", "%1.")
    for item in ("post photographs of pupils on personal accounts", "accept friend requests from parents"):
        _numbered(document, numbers, item)
    # A damaged or hostile file: notes that cite themselves and each other
    _footnotes(document, {"1": _run(" At any time.") + _cites("1") + _cites("2"), "2": _run(" See") + _cites("1")})
    draft = _draft(document, tmp_path)

    photos = _by_text(draft.clauses, "Employees must not: post photographs")
    assert photos["section"] == "8" and photos["stance"] == "not_allowed"
    assert _by_text(draft.clauses, "accept friend requests")["section"] == "8"
    assert "a note on a line leading into a list was left out (add it by hand if it holds a rule): At any time." in (
        draft.notes
    )  # a note's own references are not followed: "See" note 2, which cites note 1 again


def test_a_footnote_on_a_heading_leaves_it_a_heading_and_a_note_alone_in_its_paragraph_is_kept(
    tmp_path: Path,
) -> None:
    """A note read into a heading made it a clause of its own, and the clauses under it were filed under the
    document's title; a paragraph holding only a note's mark lost the note the import said it had read."""
    document = _document()
    document.add_paragraph("Oakfield Primary School Social Media Policy", style="Title")
    heading = '<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>'
    _xml_paragraph(document, heading + _run("Personal use of social media") + _cites("1"))
    document.add_paragraph("Staff must not accept friend requests from pupils.")
    _xml_paragraph(document, _cites("2"))
    _xml_paragraph(document, heading + _run("School accounts"))
    document.add_paragraph("Only the office manager may post on the school Facebook page.")
    _footnotes(
        document,
        {"1": _run(" This section also applies to governors."), "2": _run(" Staff must not message pupils privately.")},
    )
    draft = _draft(document, tmp_path)

    friends = _by_text(draft.clauses, "Staff must not accept friend requests")
    assert friends["heading"] == "Personal use of social media"
    assert not any(c["text"].startswith("Personal use of social media") for c in draft.clauses)
    alone = _by_text(draft.clauses, "Staff must not message pupils privately")
    assert alone["heading"] == "Personal use of social media"
    left_out = "a note on a heading was left out (add it by hand if it holds a rule): This section also applies to"
    assert f"{left_out} governors." in draft.notes
    assert "1 footnote(s) or endnote(s) were read in brackets into the paragraphs that cite them" in draft.notes


def test_a_pdf_set_in_two_columns_is_read_column_by_column(tmp_path: Path) -> None:
    """A Do's and Don'ts table and two columns of bullets, as a PDF saved from Word sets them: read by
    height alone, each column's lines were interleaved with the other's into sentences of nonsense."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.cell(0, 8, "Managing school social media accounts", new_x="LMARGIN", new_y="NEXT")
    do = [["Check with a senior leader before publishing content", "that may have controversial implications"],
          ["Use a disclaimer when expressing personal views"]]  # fmt: skip
    dont = [["Don't make comments, post content or link to", "materials that will bring the school into disrepute"],
            ["Don't publish confidential or commercially sensitive", "material"]]  # fmt: skip
    top = pdf.get_y()
    pdf.text(20, top + 6, "The Do's")
    pdf.text(110, top + 6, "The Don'ts")
    for column, x in ((do, 20), (dont, 110)):
        y = top + 14
        for cell in column:
            for line in cell:
                pdf.text(x, y, line)
                y += 5
            y += 3  # the next row of the table
    pdf.set_y(top + 45)
    pdf.cell(0, 8, "Personal use of social media", new_x="LMARGIN", new_y="NEXT")
    left = ["- Staff members need to be aware of the dangers", "of putting personal information such as",
            "home addresses onto social networking sites."]  # fmt: skip
    right = ["- Staff members must never use or access", "children's social networking sites.",
             "- Staff members must decline friend requests", "from children they teach at the school."]  # fmt: skip
    top = pdf.get_y()
    for column, x in ((left, 20), (right, 110)):
        for n, line in enumerate(column):
            pdf.text(x + (0 if line.startswith("-") else 3), top + 6 + 5 * n, line)
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))

    draft = make_draft(path, "oakfield")
    text = draft.source_text
    assert "Check with a senior leader before publishing content that may have controversial implications" in text
    assert "Don't make comments, post content or link to materials that will bring the school into disrepute" in text
    assert text.index("Use a disclaimer") < text.index("The Don'ts") < text.index("Don't publish confidential")
    assert "- Staff members need to be aware of the dangers of putting personal information such as home addresses" in (
        text
    )
    assert "- Staff members must decline friend requests from children they teach at the school." in text
    assert _by_text(draft.clauses, "Staff members must never use")["stance"] == "not_allowed"


def _rule(words: Any, thing: str) -> str:
    places = ("news", "sports", "dating", "gaming", "forum")
    return "".join(words(thing.lower(), place) for place in places) + "elsewhere."


def test_a_pdf_header_in_two_parts_is_left_out_and_a_sentence_runs_on_over_the_page(tmp_path: Path) -> None:
    """A running header of two lines, each with a left and a right part, is four lines: only the first three
    were looked at, so "Reviewed September 2024" stayed in the policy on every page, and the sentence broken
    by the page break was cut in two clauses."""
    from fpdf import FPDF

    class Policy(FPDF):
        def header(self) -> None:
            self.set_font("helvetica", size=9)
            for y, left, right in ((8, "Oakfield Primary School", "Social Media Policy"),
                                   (12, "Version 3.1", "Reviewed September 2024")):  # fmt: skip
                self.set_xy(20, y)
                self.cell(80, 4, left)
                self.set_xy(130, y)
                self.cell(60, 4, right, align="R")
            self.set_y(25)

        def footer(self) -> None:
            self.set_font("helvetica", size=9)
            self.set_xy(130, -15)
            self.cell(60, 4, f"Page {self.page_no()}", align="R")

    pdf = Policy()
    pdf.set_margins(20, 25, 20)
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    # Each rule its own words: a line repeated at the foot of most pages would be a running footer
    rule = "Staff must not share anything about {} of pupils on personal accounts, on {} sites or ".format
    things = ["Photographs", "Friend requests", "Passwords", "Complaints", "Messaging", "Privacy", "Gaming",
              "Blogs", "Video", "Forums", "Reviews", "Events", "Trips", "Clubs", "Visitors", "Parents",
              "Governors", "Volunteers", "Contractors", "Training"]  # fmt: skip
    for n, thing in enumerate(things, start=1):
        pdf.multi_cell(0, 5, f"{n}. {thing}", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 5, _rule(rule, thing), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))
    assert pdf.page_no() >= 2

    text = make_draft(path, "oakfield").source_text
    assert "Reviewed September 2024" not in text and "Version 3.1" not in text
    for thing in things:  # whole, wherever the page breaks
        assert _rule(rule, thing) in text, thing


def test_a_pdf_table_whose_rows_belong_together_is_read_row_by_row(tmp_path: Path) -> None:
    """A "Situation" | "What to do" table of one line a cell: read column by column, every situation was cut
    off from what to do about it."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.text(20, 20, "Situation")
    pdf.text(110, 20, "What to do")
    rows = [("A pupil sends you a friend request", "Decline it and tell the DSL today"),
            ("A parent posts a complaint online", "Do not reply and inform the headteacher"),
            ("You see a pupil at risk online", "Report it to the DSL straight away")]  # fmt: skip
    for n, (situation, action) in enumerate(rows):
        pdf.text(20, 34 + 14 * n, situation)
        pdf.text(110, 34 + 14 * n, action)
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))

    text = make_draft(path, "oakfield").source_text
    for situation, action in rows:
        assert f"{situation} {action}" in text


def _side_by_side(tmp_path: Path, left: list[str], right: list[str]) -> str:
    """The text `kb import` reads from a PDF page of two columns, one line each 5 mm, side by side."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for column, x in ((left, 20), (right, 110)):
        for n, line in enumerate(column):
            pdf.text(x, 30 + 5 * n, line)
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))
    return make_draft(path, "oakfield").source_text


def test_a_sentence_running_over_the_gutter_of_two_columns_stays_whole(tmp_path: Path) -> None:
    """Prose in two columns: the left column's last sentence goes on at the top of the right one."""
    left = ["Staff members must never use or access the", "social networking sites of children they teach.",
            "Staff members need to be aware of the dangers", "of putting personal information such as"]  # fmt: skip
    right = ["home addresses onto social networking sites.", "Staff members must decline friend requests",
             "from children they teach at the school.", "Staff must report any concern to the DSL."]  # fmt: skip
    text = _side_by_side(tmp_path, left, right)
    assert "aware of the dangers of putting personal information such as home addresses onto social" in text
    assert "Staff members must decline friend requests from children they teach at the school." in text


def test_prose_in_a_column_beside_a_title_block_is_not_interleaved_with_it(tmp_path: Path) -> None:
    """A title block in the left column (short lines), the policy's prose wrapped in the right one: read by
    height, each title line took the prose's line beside it ("Oakfield Primary School business and ...")."""
    title = ["Oakfield Primary School", "Social Media Policy", "Signed ..... (Chair)", "Reviewed ....."]
    prose = ["This policy applies to the use of social media", "for both business and personal purposes,",
             "whether during working hours or otherwise, and", "whatever equipment is used to access it."]  # fmt: skip
    text = _side_by_side(tmp_path, title, prose)
    assert " ".join(prose) in text
    assert "Oakfield Primary School" in text and "Oakfield Primary School This" not in text


def test_pdf_lists_side_by_side_forms_and_names_keep_their_reading(tmp_path: Path) -> None:
    """What reading a table row by row, or a sentence over the gutter, must not take in: two bulleted lists
    side by side ("Do" | "Do not"), a register's labels and values in lower case, and a right column that
    starts with a name in lower case ("iPads ...") after a left column's sentence without its full stop."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    columns = [
        (["Do", "- Keep your profile set to private", "- Report any concern to the DSL"],
         ["Do not", "- Accept friend requests from pupils", "- Post photographs of pupils"]),
        (["Date approved", "Approved by", "Applies to"],
         ["12 March 2024", "the Full Governing Body", "all staff, governors and volunteers"]),
        (["Staff must not post about pupils on any site or", "in any online group. Staff should check the",
          "privacy settings on their own accounts regularly"],
         ["iPads belonging to the school must only be used", "for school business and never for personal use."]),
    ]  # fmt: skip
    top = 20
    for number, (left, right) in enumerate(columns, start=1):
        # each part under a heading across the page, as a policy sets them
        pdf.text(20, top, f"{number}. A heading across the whole width of the page, above part {number} of it")
        for column, x in ((left, 20), (right, 110)):
            for n, line in enumerate(column):
                pdf.text(x, top + 10 + 5 * n, line)
        top += 5 * max(len(left), len(right)) + 25
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))

    text = make_draft(path, "oakfield").source_text
    assert "Keep your profile set to private - Accept" not in text
    assert text.index("Report any concern to the DSL") < text.index("Do not") < text.index("Accept friend requests")
    assert "Date approved 12 March 2024" in text and "Applies to all staff, governors and volunteers" in text
    assert "regularly iPads" not in text
    assert "iPads belonging to the school must only be used for school business and never for personal use." in text


def test_a_pdf_heading_in_larger_type_is_its_own_paragraph_however_close_the_text(tmp_path: Path) -> None:
    """LibreOffice sets Word's "Heading 2" in 13 point over 11 point text with little space between: by
    the gap alone the heading read as the paragraph's first words. A raised note mark, in smaller type,
    changes no line's type."""
    from fpdf import FPDF

    words = "Staff must keep their profiles private and must not accept pupils or their parents as friends. "
    pdf = FPDF()
    pdf.add_page()
    for heading in ("Personal use of social media", "Official school accounts"):
        pdf.set_font("helvetica", "B", size=13)
        pdf.multi_cell(0, 6, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 5.2, words * 3, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=7)
        pdf.set_char_spacing(0)
        pdf.write(5.2, "1")  # a note mark, on a line of its own text
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 5.2, " " + words, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))
    paragraphs = read_pdf(path).text.rstrip().split("\n\n")
    assert len(paragraphs) == 4, paragraphs
    assert paragraphs[0] == "Personal use of social media" and paragraphs[2] == "Official school accounts"
    for body in (paragraphs[1], paragraphs[3]):
        assert body.startswith("Staff must keep") and body.endswith("1 " + words.strip()), body


def test_a_column_of_dates_or_a_first_row_of_names_gives_no_titles(tmp_path: Path) -> None:
    """"Date: September 2021" would be read as the policy's own date; "Mrs A Brown: Mr P Jones" says nothing."""
    document = _document()
    document.add_paragraph("Training")
    _table(
        document,
        [
            ["Course", "Date", "Details"],
            ["Induction", "September 2021", "New staff complete the online safety module and read this policy"],
        ],
    )
    document.add_paragraph("Key people")
    _table(
        document,
        [
            ["Headteacher", "Mrs A Brown", "Leads on online safety."],
            ["DSL", "Mr P Jones", "Takes the lead on any safeguarding concern raised by online activity."],
        ],
    )
    texts = [c["text"] for c in _clauses(document, tmp_path)]
    assert not any(text.startswith(("Date:", "Mrs A Brown:")) for text in texts), texts


def test_a_pdf_watermark_is_left_out_and_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A "DRAFT" set diagonally across the page was read into the paragraph at its height ("... about a
    DRAFT"), cutting it in two; numbered points set close together ran into one paragraph."""
    from fpdf import FPDF

    point = "Staff must report any concern about a colleague's posts to the headteacher straight away."
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=60)
    with pdf.rotation(45, 105, 150):
        pdf.text(40, 170, "DRAFT")
    pdf.set_font("helvetica", size=11)
    pdf.set_y(30)
    for number in range(1, 13):
        pdf.multi_cell(0, 6, f"{number}. {point} {point}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))
    assert read_pdf(path).text.rstrip().split("\n\n") == [f"{number}. {point} {point}" for number in range(1, 13)]
    assert main(["kb", "import", str(path), "--school", "oakfield", "--dir", str(tmp_path / "kb")]) == 0
    out = capsys.readouterr().out
    assert "text set at a slant across page(s) 1 (DRAFT) was left out as a watermark" in out, out


def test_a_pdf_scanned_a_little_crooked_or_with_a_margin_label_keeps_its_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A crooked scan's text layer leans by a degree or less: it is the policy, no watermark. A strapline
    set sideways up the margin is left out, and named, rather than cut into a paragraph. A number that
    wraps to the start of a line ("1.5 hours") starts no numbered point."""
    from fpdf import FPDF

    sentence = "Staff must report any concern about a colleague's posts to the headteacher straight away."
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    with pdf.rotation(90, 8, 200):
        pdf.text(8, 200, "Respect - Resilience - Responsibility")
    with pdf.rotation(0.3, 100, 100):
        pdf.set_y(30)
        pdf.multi_cell(0, 6, f"{sentence} {sentence}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.multi_cell(0, 6, "Homework is checked by the form tutor each week.", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, "1.5 hours is expected each night for pupils in Year 6.", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))
    paragraphs = read_pdf(path).text.rstrip().split("\n\n")
    assert paragraphs == [
        f"{sentence} {sentence}",
        "Homework is checked by the form tutor each week. 1.5 hours is expected each night for pupils in Year 6.",
    ], paragraphs
    assert main(["kb", "import", str(path), "--school", "oakfield", "--dir", str(tmp_path / "kb")]) == 0
    out = capsys.readouterr().out
    assert "(Respect - Resilience - Responsibility) was left out" in out, out
