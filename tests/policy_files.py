"""Word and PDF versions of the five policy texts, made the way a school's files are: real list
paragraphs and bullets, bold runs, wrapped lines, page breaks, and a running header and footer.

The importer then reads them with its real parsers (python-docx, pdfminer.six).
"""

from __future__ import annotations

import re
from pathlib import Path

_BULLET = re.compile(r"^(?P<indent> *)- (?P<text>.*)$")
_RUNS = re.compile(r"(\*\*[^*]+\*\*)")
# The PDF core fonts speak Windows-1252; these are the only other characters in the policies.
_CP1252_SAFE = str.maketrans({"\u2192": "->", "\uf0b7": "-"})


def _lines(text: str) -> list[tuple[int | None, str]]:
    """(bullet level or None, text) per non-empty line; tabs become spaces as a word processor shows them."""
    out = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        found = _BULLET.match(raw.replace("\t", "    "))
        if found:
            out.append((len(found.group("indent")), found.group("text").strip()))
        else:
            out.append((None, " ".join(raw.replace("\t", "    ").split())))
    return out


def write_docx(text: str, path: Path, header: str) -> Path:
    from docx import Document

    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = "Page 1"
    for level, line in _lines(text):
        style = None if level is None else ("List Bullet" if level == 0 else f"List Bullet {min(level + 1, 3)}")
        paragraph = document.add_paragraph(style=style)
        for part in _RUNS.split(line):
            if part:
                run = paragraph.add_run(part.strip("*") if part.startswith("**") else part)
                run.bold = part.startswith("**")
    document.save(str(path))
    return path


def write_pdf(text: str, path: Path, header: str) -> Path:
    from fpdf import FPDF

    class _Policy(FPDF):
        def header(self) -> None:
            self.set_font("helvetica", size=8)
            self.cell(0, 6, header, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("helvetica", size=8)
            self.cell(0, 10, f"Page {self.page_no()}", align="C")

    pdf = _Policy(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    for level, line in _lines(text.translate(_CP1252_SAFE)):
        plain = line.replace("**", "")
        pdf.set_font("helvetica", size=10)
        if level is None:
            pdf.multi_cell(0, 5, plain, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        else:
            indent = 6 + 6 * level
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(5, 5, "\u2022")
            pdf.multi_cell(0, 5, plain, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    pdf.output(str(path))
    return path
