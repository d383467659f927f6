"""`policybot kb import` of a PDF whose tables have three or more columns, as Word draws them (with borders):
each cell is read into its row and its column, so a tick in a grid keeps the title of the column it is in."""

from __future__ import annotations

from pathlib import Path

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


def test_a_table_without_borders_is_read_as_before(tmp_path: Path) -> None:
    """Without the rules Word draws, which column a piece is in is a guess; the lines stay as they were."""
    text = read_pdf(_pdf(tmp_path / "policy.pdf", _GRID, borders=False, widths=(70, 30, 30, 30, 30))).text
    assert "Pornography: Unacceptable" not in text
    assert "Pornography" in text


def _drawn(path: Path, pages: list[tuple[list[str], list[list[list[str]]], list[str]]], widths: list[int]) -> Path:
    """A PDF drawn line by line as Word lays a table out: on each page, paragraphs before, a ruled table
    (each row's cells, each cell's lines), paragraphs after. A row cut by the page goes on on the next
    page in the same cells, as Word breaks it."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("helvetica", size=10)
    for before, rows, after in pages:
        pdf.add_page()
        y = 20.0
        for text in before:
            pdf.text(15, y, text)
            y += 8
        for row in rows:
            height = 5 * max(len(cell) for cell in row) + 3
            x = 15.0
            for width, cell in zip(widths, row, strict=True):
                pdf.rect(x, y, width, height)
                for n, text in enumerate(cell):
                    pdf.text(x + 1.5, y + 5 + 5 * n, text)
                x += width
            y += height
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
    assert ("Computing lead", "Deputy head") in clauses  # the table's last line does not run on over the text


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
    header = [["User actions"], ["Accept", "able"], ["Unaccepta", "ble"], ["Unaccepta", "ble and", "illegal"]]
    row = [["Pornograp", "hy"], [], ["X"], []]
    path = _drawn(tmp_path / "policy.pdf", [(["User Actions"], [header, row], [])], [60, 20, 20, 20])
    assert "- Pornography: Unacceptable" in read_pdf(path).text
    # two words that happen to make one are left apart
    kept = [["Activity"], ["Staff"], ["Pupils"]], [["Time to", "gether online"], ["X"], []]
    path = _drawn(tmp_path / "kept.pdf", [(["Use"], list(kept), [])], [60, 20, 20])
    assert "- Time to gether online: Staff" in read_pdf(path).text
