"""`policybot kb import` of a PDF whose tables have three or more columns, as Word draws them (with borders):
each cell is read into its row and its column, so a tick in a grid keeps the title of the column it is in."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main
from bot.knowledge.importing.draft import make_draft
from bot.knowledge.importing.pdf import read_pdf

_INTRO = (
    "Some internet activity, such as accessing child abuse images or distributing racist material, is illegal "
    "and is banned from school and all other technical systems."
)
_OUTRO = "All members of the school community should be responsible users."
_GRID = [
    ["User actions", "Acceptable", "Acceptable at certain times", "Acceptable for nominated users", "Unacceptable"],
    ["Pornography", "", "", "", "X"],
    ["Using school systems to run a private business", "", "", "", "X"],
    ["On-line gaming (educational)", "", "X", "", ""],
    ["Use of social media", "", "", "X", ""],
    ["File sharing", "X", "", "", ""],
]


def _pdf(path: Path, rows: list[list[str]], borders: bool = True, widths: tuple[int, ...] = ()) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=9)
    pdf.multi_cell(0, 5, "User Actions", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(0, 5, _INTRO, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    lines = "ALL" if borders else "NONE"
    with pdf.table(col_widths=widths or None, borders_layout=lines, first_row_as_headings=False) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(5)
    pdf.multi_cell(0, 5, "Responding to incidents of misuse", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(0, 5, _OUTRO, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_a_tick_in_a_grid_keeps_the_title_of_its_column(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "policy.pdf", _GRID, widths=(70, 30, 30, 30, 30))
    lines = read_pdf(path).text.rstrip().split("\n\n")
    assert "- Pornography: Unacceptable" in lines
    assert "- Using school systems to run a private business: Unacceptable" in lines
    assert "- On-line gaming (educational): Acceptable at certain times" in lines
    assert "- Use of social media: Acceptable for nominated users" in lines
    assert "- File sharing: Acceptable" in lines
    # the text around the table reads as before: its paragraphs whole, in order
    assert lines[:2] == ["User Actions", _INTRO]
    assert lines[-2:] == ["Responding to incidents of misuse", _OUTRO]


def test_a_grid_imports_as_clauses_a_reviewer_can_read(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "policy.pdf", _GRID, widths=(70, 30, 30, 30, 30))
    texts = [clause["text"] for clause in make_draft(path, "oakfield").clauses]
    assert any("Pornography: Unacceptable" in text for text in texts), texts
    assert not any(" X" in text or "X " in text for text in texts), texts
    code = main(["kb", "import", str(path), "--school", "oakfield", "--dir", str(tmp_path / "kb")])
    assert code == 0
    assert "Pornography: Unacceptable" in (tmp_path / "kb" / "oakfield.yaml").read_text(encoding="utf-8")


def test_a_table_of_duties_reads_each_duty_whole_under_its_role(tmp_path: Path) -> None:
    rows = [
        ["Role", "Responsibility", "Reports to"],
        [
            "Online safety lead",
            "Keeps the log of online safety incidents and reviews it with the safeguarding governor each term",
            "Headteacher",
        ],
        [
            "Network manager",
            "Checks that the filtering blocks harmful sites and reports any failure on the same day",
            "Business manager",
        ],
    ]
    draft = make_draft(_pdf(tmp_path / "policy.pdf", rows, widths=(45, 100, 45)), "oakfield")
    clauses = [(clause["heading"], clause["text"]) for clause in draft.clauses]
    assert (
        "Online safety lead",
        "Keeps the log of online safety incidents and reviews it with the safeguarding governor each term",
    ) in clauses
    assert (
        "Network manager",
        "Checks that the filtering blocks harmful sites and reports any failure on the same day",
    ) in clauses


def test_a_wrapped_cell_is_read_whole(tmp_path: Path) -> None:
    rows = [
        ["Activity", "Staff", "Pupils"],
        ["Taking photos of pupils on a personal mobile phone during a school trip or a sports day", "", "X"],
        ["Using the school's social media accounts", "X", ""],
    ]
    text = read_pdf(_pdf(tmp_path / "policy.pdf", rows, widths=(110, 40, 40))).text
    assert "- Taking photos of pupils on a personal mobile phone during a school trip or a sports day: Pupils" in text
    assert "- Using the school's social media accounts: Staff" in text


def test_a_table_without_borders_is_read_as_before_and_the_import_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the rules Word draws, which column a piece is in is a guess; the lines stay as they were,
    and whoever imports the policy is told which page to check."""
    path = _pdf(tmp_path / "policy.pdf", _GRID, borders=False, widths=(70, 30, 30, 30, 30))
    text = read_pdf(path).text
    assert "Pornography: Unacceptable" not in text
    assert "Pornography" in text
    assert main(["kb", "import", str(path), "--school", "oakfield", "--dir", str(tmp_path / "kb")]) == 0
    said = capsys.readouterr().out
    assert "note: page(s) 1 hold text set in three or more columns that was not read as a table" in said, said
    ruled = _pdf(tmp_path / "ruled.pdf", _GRID, widths=(70, 30, 30, 30, 30))
    assert main(["kb", "import", str(ruled), "--school", "elmwood", "--dir", str(tmp_path / "kb")]) == 0
    assert "not read as a table" not in capsys.readouterr().out


def _drawn(
    path: Path,
    pages: list[tuple[list[str], list[list[list[str]]], list[str]]],
    widths: list[int],
    double: bool = False,
    merged: tuple[int, int] | None = None,
    spans: tuple[int, int, int] | None = None,
) -> Path:
    """A PDF drawn line by line as Word lays a table out: on each page, paragraphs before, a ruled table
    (each row's cells, each cell's lines), paragraphs after. A row cut by the page goes on on the next
    page in the same cells, as Word breaks it. `double`: a second border around each table, 1 mm out;
    `merged`: (row, column) of a cell on the first page merged with the one below it (give that one no
    text); `spans`: (row, column, n) of a cell on the first page merged with the n - 1 cells to its right
    (give those no text), its text centred as Word centres a title over columns."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # bullets as Word sets them
    pdf.set_auto_page_break(False)
    pdf.set_font("helvetica", size=10)
    for page, (before, rows, after) in enumerate(pages):
        pdf.add_page()
        y = 20.0
        for text in before:
            pdf.text(15, y, text)
            y += 8
        heights = [5 * max(len(cell) for cell in row) + 3 for row in rows]
        top = y
        for r, (row, height) in enumerate(zip(rows, heights, strict=True)):
            x = 15.0
            for c, (width, cell) in enumerate(zip(widths, row, strict=True)):
                spanned = page == 0 and spans is not None and spans[0] == r and spans[1] < c < spans[1] + spans[2]
                if page == 0 and spans is not None and spans[:2] == (r, c):
                    whole = sum(widths[c : c + spans[2]])
                    pdf.rect(x, y, whole, height)
                    for n, text in enumerate(cell):
                        pdf.text(x + (whole - pdf.get_string_width(text)) / 2, y + 5 + 5 * n, text)
                    x += width
                    continue
                if page == 0 and merged == (r, c):
                    pdf.rect(x, y, width, height + heights[r + 1])
                elif not (page == 0 and merged == (r - 1, c)) and not spanned:
                    pdf.rect(x, y, width, height)
                for n, text in enumerate(cell):
                    pdf.text(x + 1.5, y + 5 + 5 * n, text)
                x += width
            y += height
        if double and rows:
            pdf.rect(14, top - 1, sum(widths) + 2, y - top + 2)
        y += 6
        for text in after:
            pdf.text(15, y, text)
            y += 8
    pdf.output(str(path))
    return path


def test_a_row_word_breaks_over_the_page_is_read_whole(tmp_path: Path) -> None:
    header = [["Role"], ["Responsibility"], ["Reports to"]]
    first = [["Online safety lead"], ["Keeps the log of online safety incidents"], ["Headteacher"]]
    cut = [["Network manager"], ["Checks that the filtering blocks harmful"], ["Business manager"]]
    rest = [[], ["sites and reports any failure on the same day"], []]
    last = [["Computing lead"], ["Teaches pupils how to report what upsets them online"], ["Deputy head"]]
    path = _drawn(
        tmp_path / "policy.pdf",
        [
            (["Roles and responsibilities"], [header, first, cut], []),
            ([], [rest, last], ["Training", "All staff receive online safety training every year."]),
        ],
        [45, 100, 45],
    )
    clauses = [(clause["heading"], clause["text"]) for clause in make_draft(path, "oakfield").clauses]
    whole = "Checks that the filtering blocks harmful sites and reports any failure on the same day"
    assert ("Network manager", whole) in clauses, clauses
    assert ("Computing lead", "Teaches pupils how to report what upsets them online") in clauses
    # the table's last line does not run on over the text after it
    assert ("Computing lead", "Reports to: Deputy head") in clauses


def test_a_header_row_repeated_on_the_next_page_is_read_once(tmp_path: Path) -> None:
    header = [["User actions"], ["Acceptable"], ["Unacceptable"], ["Unacceptable and illegal"]]
    path = _drawn(
        tmp_path / "policy.pdf",
        [
            (["User Actions"], [header, [["Pornography"], [], ["X"], []], [["File sharing"], ["X"], [], []]], []),
            ([], [header, [["Promotion of extremism"], [], [], ["X"]]], ["Responding to incidents of misuse"]),
        ],
        [80, 30, 30, 40],
    )
    text = read_pdf(path).text
    assert "- Pornography: Unacceptable" in text
    assert "- Promotion of extremism: Unacceptable and illegal" in text
    assert text.count("User actions") == 1, text
    assert text.index("File sharing") < text.index("Promotion of extremism") < text.index("Responding to incidents")


def test_a_word_a_narrow_column_breaks_without_a_hyphen_is_made_whole(tmp_path: Path) -> None:
    header = [["User actions"], ["Acceptabl", "e"], ["Unaccepta", "ble"], ["Unaccepta", "ble and", "illegal"]]
    row = [["Pornograp", "hy"], [], ["X"], []]
    gaming = [["On-line gaming (education", "al)"], ["X"], [], []]
    # neither part a word, though the word list does not know the whole one
    data = [["Holding data in an insecur", "e manner"], [], ["X"], []]
    path = _drawn(tmp_path / "policy.pdf", [(["User Actions"], [header, row, gaming, data], [])], [60, 20, 20, 20])
    text = read_pdf(path).text
    assert "- Pornography: Unacceptable" in text and "- On-line gaming (educational): Acceptable" in text, text
    assert "- Holding data in an insecure manner: Unacceptable" in text, text
    # two words that happen to make one are left apart
    kept = [["Activity"], ["Staff"], ["Pupils"]], [["Time to", "gether online"], ["X"], []]
    path = _drawn(tmp_path / "kept.pdf", [(["Use"], list(kept), [])], [60, 20, 20])
    assert "- Time to gether online: Staff" in read_pdf(path).text


def test_two_tables_on_following_pages_stay_two(tmp_path: Path) -> None:
    """Table B at the top of page 2, its own header row beginning with an empty cell, is no part of table A
    that ended page 1."""
    first = [
        [["Device"], ["Allowed"], ["Not allowed"]],
        [["Mobile phones brought to school"], ["X"], []],
        [["Use of personal email in lessons"], [], ["X"]],
    ]
    second = [[[], ["Staff"], ["Pupils"]], [["May use the school Wi-Fi"], ["X"], []]]
    text = read_pdf(_drawn(tmp_path / "policy.pdf", [(["Devices"], first, []), ([], second, [])], [90, 40, 40])).text
    assert "- Use of personal email in lessons: Not allowed" in text, text
    assert "- May use the school Wi-Fi: Staff" in text, text


def test_a_row_starting_with_a_name_in_lower_case_is_a_row_of_its_own(tmp_path: Path) -> None:
    header = [["Device"], ["Staff"], ["Pupils"]]
    first = [header, [["Laptops"], ["X"], []], [["Desktop computers"], [], ["X"]]]
    second = [[["iPads"], [], ["X"]], [["e-readers"], ["X"], []]]
    text = read_pdf(_drawn(tmp_path / "policy.pdf", [(["Devices"], first, []), ([], second, [])], [90, 40, 40])).text
    assert "- Desktop computers: Pupils" in text and "- iPads: Pupils" in text and "- e-readers: Staff" in text, text


def test_a_double_border_and_a_merged_cell_keep_the_table_whole(tmp_path: Path) -> None:
    rows = [
        [["User actions"], ["Acceptable"], ["Unacceptable"]],
        [["Pornography"], [], ["X"]],
        [["File sharing"], ["X"], []],
    ]
    text = read_pdf(_drawn(tmp_path / "double.pdf", [(["User Actions"], rows, [])], [80, 40, 40], double=True)).text
    assert "- Pornography: Unacceptable" in text and "- File sharing: Acceptable" in text, text
    duties = [
        [["Role"], ["Duty"], ["When"]],
        [["Safeguarding lead"], ["Keeps the record of every concern"], ["Daily"]],
        [[], ["Reports each concern to the council"], ["Within a day"]],
        [["Class teacher"], ["Passes on every concern to the lead"], ["At once"]],
    ]
    path = _drawn(tmp_path / "merged.pdf", [(["Who does what"], duties, [])], [60, 90, 40], merged=(1, 0))
    lines = read_pdf(path).text.rstrip().split("\n\n")
    # a table of a few words a cell is a register, a line a row (tables.py), as from Word
    assert lines[0] == "Who does what" and len(lines) == 4, lines
    assert "Role: Safeguarding lead" in lines[1] and "Duty: Keeps the record of every concern" in lines[1], lines
    assert "Duty: Reports each concern to the council" in lines[2] and "When: Within a day" in lines[2], lines
    assert "Role: Class teacher" in lines[3] and "Duty: Passes on every concern to the lead" in lines[3], lines


def test_two_words_a_cell_wraps_between_stay_two_words(tmp_path: Path) -> None:
    rows = [
        [["Role"], ["What to do"], ["When"]],
        [["Class teacher"], ["Refer pupils who may", "be at risk of harm to the DSL"], ["At once"]],
        [["Network manager"], ["Check whether filtering is", "a risk and set", "up the logs"], ["Weekly"]],
    ]
    after = ["All staff are trained every year."]
    path = _drawn(tmp_path / "policy.pdf", [(["Who does what"], rows, after)], [40, 80, 40])
    text = read_pdf(path).text
    assert "Refer pupils who may be at risk of harm to the DSL" in text, text
    assert "Check whether filtering is a risk and set up the logs" in text, text
    # the paragraph after the table is its own, however little else the page holds
    assert text.rstrip().split("\n\n")[-1] == "All staff are trained every year.", text


def test_a_header_and_footer_set_as_tables_are_left_out_as_running_lines(tmp_path: Path) -> None:
    from fpdf import FPDF

    class _Policy(FPDF):
        def _row(self, cells: list[str]) -> None:
            for cell in cells:
                self.cell(60, 7, cell, border=1)
            self.ln(9)

        def header(self) -> None:
            self.set_font("helvetica", size=8)
            self._row(["Oakfield Primary School", "Online Safety Policy", "Reviewed September 2024"])

        def footer(self) -> None:
            self.set_y(-18)
            self.set_font("helvetica", size=8)
            self._row(["Version 3.1", "Approved by governors", f"Page {self.page_no()}"])

    pdf = _Policy(format="A4")
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for n in range(1, 4):
        pdf.multi_cell(0, 5, f"{n}. Section {n}", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 5, (_INTRO + " ") * 30, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))
    extracted = read_pdf(path)
    assert extracted.pages >= 3
    for running in ("Oakfield Primary School", "Version 3.1", "Approved by governors"):
        assert running not in extracted.text, running


def test_a_row_broken_over_the_page_goes_on_whatever_its_next_words(tmp_path: Path) -> None:
    """Word breaks a row where the page ends: the next page's part may start a sentence, or a number."""
    header = [["Situation"], ["What to do"], ["Who"]]
    cut = [["A pupil tells you", "about something"], ["Stay calm and listen.", "Write down what was said."], ["The"]]
    rest = [["worrying at home"], ["Tell the DSL at once."], ["class teacher"]]
    grid = [[["Activity"], ["Staff"], ["Pupils"]], [["Activity number"], ["X"], []]]
    pages = [(["What to do"], [header, cut], []), ([], [rest, [["A parent complains"], ["Listen."], ["Head"]]], [])]
    text = read_pdf(_drawn(tmp_path / "text.pdf", pages, [60, 80, 40])).text
    assert (
        "Situation: A pupil tells you about something worrying at home; What to do: Stay calm and listen. Write down "
        "what was said. Tell the DSL at once.; Who: The class teacher" in text
    ), text
    pages = [(["Activities"], grid, []), ([], [[["25 with devices"], [], []], [["Gaming"], [], ["X"]]], [])]
    text = read_pdf(_drawn(tmp_path / "grid.pdf", pages, [60, 40, 40])).text
    assert "- Activity number 25 with devices: Staff" in text and "- Gaming: Pupils" in text, text


def test_a_register_carried_over_the_page_without_its_header_stays_one_table(tmp_path: Path) -> None:
    header = [["Role"], ["Name"], ["Telephone"]]
    first = [header, [["Headteacher"], ["Ms C Patel"], ["01632 960002"]]]
    second = [[["Chair of governors"], ["Dr D Brown"], ["01632 960003"]]]
    pages = [(["Key contacts"], first, []), ([], second, [])]
    text = read_pdf(_drawn(tmp_path / "policy.pdf", pages, [60, 50, 50])).text
    assert "Role: Chair of governors | Name: Dr D Brown | Telephone: 01632 960003" in text, text


def test_two_header_rows_repeated_on_the_next_page_are_read_once(tmp_path: Path) -> None:
    top = [["Activity"], ["Staff"], [], ["Pupils"], []]
    below = [[], ["Allowed"], ["Not allowed"], ["Allowed"], ["Not allowed"]]
    widths = [60, 30, 30, 30, 30]
    first = [top, below, [["Mobile phones"], ["X"], [], [], ["X"]]]
    second = [top, below, [["Games consoles"], [], ["X"], [], ["X"]]]
    text = read_pdf(_drawn(tmp_path / "policy.pdf", [(["Devices"], first, []), ([], second, [])], widths)).text
    assert "- Games consoles: Staff: Not allowed, Pupils: Not allowed" in text, text
    assert text.count("Allowed") == text.count("Staff: Allowed") + text.count("Pupils: Allowed"), text


def test_a_title_centred_over_merged_columns_belongs_to_the_first_of_them(tmp_path: Path) -> None:
    rows = [
        [["Technology"], ["Staff"], [], []],  # centred: it starts over the middle column
        [[], ["Allowed"], ["At certain times"], ["Not allowed"]],
        [["Mobile phones in lessons"], [], ["X"], []],
        [["Tablets"], ["X"], [], []],
    ]
    text = read_pdf(_drawn(tmp_path / "policy.pdf", [(["Devices"], rows, [])], [70, 35, 35, 35], spans=(0, 1, 3))).text
    assert "- Mobile phones in lessons: Staff: At certain times" in text and "- Tablets: Staff: Allowed" in text, text


def test_a_cell_s_paragraphs_bullets_and_numbered_steps_stay_apart(tmp_path: Path) -> None:
    rows = [
        [["Role"], ["Duties"], ["When"]],
        [
            ["Headteacher"],
            ["The headteacher must:", "\u2022 make sure the policy is followed", "\u2022 appoint a deputy lead"],
            ["Annually"],
        ],
        [["Class teacher"], ["Keeps a record of every", "concern.", "Refers cases to the DSL."], ["Termly"]],
        [["Any adult"], ["1. Listen to the pupil.", "2. Tell the DSL the same day."], ["At once"]],
    ]
    path = _drawn(tmp_path / "policy.pdf", [(["Who does what"], rows, [])], [40, 100, 40])
    lines = read_pdf(path).text.rstrip().split("\n\n")
    for duty in (
        "- The headteacher must:",
        "- make sure the policy is followed",
        "- appoint a deputy lead",
        "- Keeps a record of every concern.",
        "- Refers cases to the DSL.",
        "- 1. Listen to the pupil.",
        "- 2. Tell the DSL the same day.",
    ):
        assert duty in lines, (duty, lines)


def test_a_sentence_pasted_in_a_smaller_type_stays_in_its_paragraph(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.write(6, "Staff must keep their social media profiles private and must not accept pupils as friends. " * 2)
    pdf.set_font("helvetica", size=10)
    pdf.write(6, "The Department for Education says staff should not share personal contact details with pupils. " * 2)
    pdf.set_font("helvetica", size=12)
    pdf.write(6, "Any breach will be dealt with under the staff disciplinary procedure.")
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))
    assert len(read_pdf(path).text.rstrip().split("\n\n")) == 1


def test_a_contents_page_and_justified_prose_are_no_table(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for number, title in enumerate(["Introduction and aims", "Scope of the policy", "Roles", "Personal use"], 1):
        pdf.set_x(15)
        pdf.cell(15, 6, f"{number}.")
        pdf.cell(140, 6, title)
        pdf.cell(20, 6, str(number * 3), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    words = "Staff must keep their profiles private and must not accept pupils or parents as friends online. "
    for _ in range(3):
        pdf.multi_cell(60, 5, words * 2, align="J", new_x="LMARGIN", new_y="NEXT")  # narrow: wide word gaps
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))
    assert read_pdf(path).notes == ()


def test_a_new_row_with_an_empty_cell_at_the_top_of_a_page_is_a_row_of_its_own(tmp_path: Path) -> None:
    header = [["Role"], ["Name"], ["Responsibilities"]]
    first = [header, [["Computing lead"], ["Mr D White"], ["Teaches the online safety curriculum."]]]
    second = [[["Online safety governor"], [], ["Meets the online safety lead each term."]]]
    pages = [(["Key people"], first, []), ([], second, [])]
    lines = read_pdf(_drawn(tmp_path / "p.pdf", pages, [50, 40, 90])).text.rstrip().split("\n\n")
    governor = "Role: Online safety governor | Responsibilities: Meets the online safety lead each term."
    assert lines[-1] == governor, lines
    assert lines[-2].startswith("Role: Computing lead | Name: Mr D White"), lines


def test_a_row_broken_over_the_page_in_short_pieces_is_read_whole(tmp_path: Path) -> None:
    header = [["Role"], ["Responsibility"], ["Reports to"]]
    cut = [["Online safety lead"], ["Keeps the filtering logs and"], ["The DSL or in"]]
    rest = [[], ["checks them every week."], ["their absence a deputy"]]
    pages = [(["Who does what"], [header, cut], []), ([], [rest], [])]
    text = read_pdf(_drawn(tmp_path / "p.pdf", pages, [50, 80, 50])).text
    assert "Keeps the filtering logs and checks them every week." in text, text
    assert "The DSL or in their absence a deputy" in text, text


def test_a_form_to_sign_and_a_contents_page_with_page_ranges_hold_no_table(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for number, title in enumerate(["Introduction", "Scope", "Roles and responsibilities"], 1):
        pdf.set_x(15)
        pdf.cell(15, 6, f"{number}.")
        pdf.cell(140, 6, title)
        pdf.cell(20, 6, f"{number * 2}-{number * 2 + 1}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for who in ("(Headteacher)", "(Chair of Governors)"):
        pdf.set_x(15)
        for cell in ("Signed:", "______________", "Date:", "__________", who):
            pdf.cell(36, 6, cell)
        pdf.ln(8)
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))
    assert read_pdf(path).notes == ()


def test_two_words_the_policy_writes_as_one_are_one_word_in_a_narrow_cell(tmp_path: Path) -> None:
    header = [["Activity"], ["Monitor", "ing"], ["Safe", "guarding"]]
    rows = [header, [["Staff phones"], ["X"], ["X"]]]
    path = _drawn(tmp_path / "p.pdf", [(["Monitoring and safeguarding are explained below."], rows, [])], [60, 25, 25])
    assert "- Staff phones: Monitoring, Safeguarding" in read_pdf(path).text


_SANCTIONS = ["Refer to line manager", "Refer to Headteacher", "Refer to Police", "Warning", "Disciplinary action"]
_INCIDENTS = [
    ("Deliberately accessing offensive or pornographic material", [0, 1, 1, 0, 1]),
    ("Excessive personal use of social media", [1, 0, 0, 1, 0]),
    ("Careless use of personal data", [1, 1, 0, 1, 0]),
]


def _sideways_pdf(path: Path, up: bool) -> Path:
    """A sanctions grid as the SWGfL template sets it: each column's title turned to read up the page (or
    down it), in two lines where it is long; a cross in each column that applies."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=9)
    pdf.multi_cell(0, 5, "Staff sanctions", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    left, top, first, width, header, row = pdf.l_margin, pdf.get_y(), 80.0, 14.0, 40.0, 9.0
    pdf.rect(left, top, first, header)
    pdf.text(left + 2, top + header - 3, "Staff incidents")
    for column, title in enumerate(_SANCTIONS):
        x = left + first + column * width
        pdf.rect(x, top, width, header)
        words = title.split()
        lines = [" ".join(words[:2]), " ".join(words[2:])] if len(words) > 2 else [title]
        for number, line in enumerate(lines):
            if up:  # reads up: the first line leftmost, from the foot of the cell
                with pdf.rotation(90, x + 5 + number * 4, top + header - 2):
                    pdf.text(x + 5 + number * 4, top + header - 2, line)
            else:  # reads down: the first line rightmost, from the head of the cell
                with pdf.rotation(-90, x + width - 5 - number * 4, top + 2):
                    pdf.text(x + width - 5 - number * 4, top + 2, line)
    for number, (incident, marks) in enumerate(_INCIDENTS):
        y = top + header + number * row
        pdf.rect(left, y, first, row)
        pdf.text(left + 2, y + 6, incident)
        for column, mark in enumerate(marks):
            x = left + first + column * width
            pdf.rect(x, y, width, row)
            if mark:
                pdf.text(x + 5, y + 6, "X")
    pdf.set_y(top + header + len(_INCIDENTS) * row + 5)
    pdf.multi_cell(0, 5, _OUTRO, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("up", [True, False], ids=["reading-up", "reading-down"])
def test_column_titles_turned_sideways_are_read_as_titles(tmp_path: Path, up: bool) -> None:
    """The letters of titles standing side by side came out interleaved and backwards ("r e h c a o e t t r d e
    a f e e H R"): each title is read in its own direction, its two lines in order."""
    lines = read_pdf(_sideways_pdf(tmp_path / "policy.pdf", up)).text.rstrip().split("\n\n")
    assert "- Deliberately accessing offensive or pornographic material: Refer to Headteacher, Refer to Police, " \
        "Disciplinary action" in lines, lines
    assert "- Excessive personal use of social media: Refer to line manager, Warning" in lines, lines
    assert "- Careless use of personal data: Refer to line manager, Refer to Headteacher, Warning" in lines, lines
    assert lines[0] == "Staff sanctions" and lines[-1] == _OUTRO


_ACTIONS = [
    ["User actions", "Acceptable", "At certain times", "Unacceptable"],
    ["Pornography", "", "", "X"],
    ["Using school systems to run a private business for profit", "", "", "X"],
    ["On-line gaming (educational)", "", "X", ""],
    ["File sharing", "X", "", ""],
    ["iPads taken home", "", "X", ""],  # a label in lower case starts its row too
]


def _plain_table_pdf(path: Path, shaded: bool) -> Path:
    """A table as Word saves one set without borders (or with its header row and first column shaded): its
    text where the rules would be, nothing drawn round its cells."""
    from fpdf import FPDF, FontFace

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for paragraph in (_INTRO, _INTRO.replace("illegal", "unlawful")):
        pdf.multi_cell(0, 5, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    with pdf.table(
        col_widths=(80, 30, 35, 35),
        borders_layout="NONE",
        first_row_as_headings=False,
        text_align="LEFT",
        # as Word sets a cell's text: at its top, its lines single-spaced, a little space between rows
        v_align="TOP",
        line_height=4.5,
        padding=1,
    ) as table:
        shading = FontFace(fill_color=(221, 235, 247))
        for number, cells in enumerate(_ACTIONS):
            row = table.row()
            for column, cell in enumerate(cells):
                row.cell(cell, style=shading if shaded and (number == 0 or column == 0) else None)
    pdf.ln(6)
    pdf.multi_cell(0, 5, "Sanctions", new_x="LMARGIN", new_y="NEXT")  # a heading right after the table
    pdf.ln(3)
    for paragraph in (_OUTRO, _OUTRO.replace("responsible", "careful")):
        pdf.multi_cell(0, 5, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("shaded", [False, True], ids=["no-borders", "shading-only"])
def test_a_table_set_without_borders_is_read_by_its_columns(
    tmp_path: Path, shaded: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its text lines up under a header row of titles: each mark keeps the title of its column. Shading
    was taken for rules, and a row's cells for one merged cell: "Pornography: Acceptable"."""
    path = _plain_table_pdf(tmp_path / "policy.pdf", shaded)
    lines = read_pdf(path).text.rstrip().split("\n\n")
    assert "- Pornography: Unacceptable" in lines, lines
    assert "- Using school systems to run a private business for profit: Unacceptable" in lines, lines
    assert "- On-line gaming (educational): At certain times" in lines, lines
    assert "- File sharing: Acceptable" in lines, lines
    assert "- iPads taken home: At certain times" in lines, lines
    # the prose around it is read as before, and the heading after the table is no row of it
    assert lines[:2] == [_INTRO, _INTRO.replace("illegal", "unlawful")], lines
    assert lines[-3:] == ["Sanctions", _OUTRO, _OUTRO.replace("responsible", "careful")], lines
    assert main(["kb", "import", str(path), "--school", "oakfield", "--dir", str(tmp_path / "kb")]) == 0
    assert "not read as a table" not in capsys.readouterr().out


def test_a_line_in_three_parts_is_no_table_header(tmp_path: Path) -> None:
    """"Version 2   Approved by Governors   Review 2025" over a contents list was read as a table's header,
    and its second and third parts were lost."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for x, text in ((10, "Version 2"), (80, "Approved by Governors"), (150, "Review 2025")):
        pdf.set_xy(x, 20)
        pdf.cell(40, 5, text)
    pdf.set_xy(10, 30)
    for line in ("Contents", "Introduction", "Scope", "Personal use of social media"):
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, _INTRO, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "policy.pdf"
    pdf.output(str(path))
    text = read_pdf(path).text
    assert "Approved by Governors" in text and "Review 2025" in text, text
    assert "Version 2:" not in text, text


def test_an_address_a_narrow_cell_cut_is_whole(tmp_path: Path) -> None:
    """"office@oakfield.sch. uk": an e-mail or web address cut at a full stop or a slash goes on without a
    space, as the Word file has it."""
    rows = [
        [["Role"], ["E-mail"], ["Website"]],
        [["School office"], ["office@oakfield.sch.", "uk"], ["www.", "oakfield.sch.uk"]],
        [["Data protection officer"], ["dpo@oakfield-", "trust.org.uk"], ["https://www.gov.uk/", "data-protection"]],
    ]
    text = read_pdf(_drawn(tmp_path / "policy.pdf", [(["Contacts"], rows, [])], [60, 50, 50])).text
    assert "office@oakfield.sch.uk" in text and "www.oakfield.sch.uk" in text, text
    assert "dpo@oakfield-trust.org.uk" in text and "https://www.gov.uk/data-protection" in text, text
