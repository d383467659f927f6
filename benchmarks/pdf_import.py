"""How long `kb import` takes to read a long PDF policy full of ruled tables (bot/knowledge/importing/grids.py).

Writes a policy of PAGES pages (default 60) with fpdf2 (a test dependency), each page a heading, a
paragraph and a ruled table of 40 rows (a header row of titles, then a mark a row) by 5 columns, whose
cells are each drawn as their own rectangle (the slowest way a PDF draws a table: every cell gives four
rules), then times `read_pdf` on it, best of three.

    python benchmarks/pdf_import.py [PAGES]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from fpdf import FPDF

from bot.knowledge.importing.pdf import read_pdf

_TITLES = ("Activity", "Allowed", "At times", "Staff only", "Not allowed")
_PROSE = "Staff must keep their social media profiles private and must not accept pupils as friends. " * 3


def write(path: Path, pages: int) -> None:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("helvetica", "B", size=13)
        pdf.text(15, 20, f"{page + 1}. Use of devices, part {page + 1}")
        pdf.set_font("helvetica", size=10)
        pdf.set_xy(15, 25)
        pdf.multi_cell(180, 5, _PROSE)
        y = 45.0
        for row in range(40):
            x = 15.0
            for column, width in enumerate((80, 25, 25, 25, 25)):
                pdf.rect(x, y, width, 5.5)
                if row == 0:
                    pdf.text(x + 1.5, y + 4, _TITLES[column])
                elif column == 0:
                    pdf.text(x + 1.5, y + 4, f"Activity {page}-{row} on school devices")
                elif column == 1 + (row % 4):
                    pdf.text(x + 11, y + 4, "X")
                x += width
            y += 5.5
    pdf.output(str(path))


def main() -> int:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "policy.pdf"
        write(path, pages)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            extracted = read_pdf(path)
            times.append(time.perf_counter() - start)
    lines = extracted.text.count("\n- Activity")
    print(f"{pages} pages, {lines} table rows read: best {min(times):.2f} s, worst {max(times):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
