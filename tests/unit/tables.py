"""Build scoring tables the way offices publish them, as real .xlsx and .docx files.

A table is a list of rows (``None`` = empty cell) plus merges in Excel notation (``A2:A4``).
The same description can be written as a worksheet or as a Word table, so a shape is tested in
both formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.utils import range_boundaries


@dataclass
class Table:
    rows: list[list[Any]]
    merges: Sequence[str] = ()
    above: Sequence[str] = ()  # Word: paragraphs printed above the table
    width: int = 0  # Word: number of columns (default: the longest row)
    extra: dict[str, Any] = field(default_factory=dict)


def write_xlsx(path: Path, table: Table, sheet: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(table.rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for m in table.merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def write_docx(path: Path, *tables: Table, closing: Sequence[str] = ()) -> Path:
    import docx

    doc = docx.Document()
    for table in tables:
        for line in table.above:
            doc.add_paragraph(line)
        width = table.width or max(len(r) for r in table.rows)
        t = doc.add_table(rows=len(table.rows), cols=width)
        t.style = "Table Grid"
        for r, row in enumerate(table.rows):
            for c, value in enumerate(row):
                if value is not None:
                    t.cell(r, c).text = str(value)
        for m in table.merges:
            c1, r1, c2, r2 = range_boundaries(m)
            t.cell(r1 - 1, c1 - 1).merge(t.cell(r2 - 1, c2 - 1))
    for line in closing:
        doc.add_paragraph(line)
    doc.save(path)
    return path


def tree(checklist: Any) -> list[tuple[str, str, str, float]]:
    return [(i.code, i.label, i.title, i.points) for i in checklist.walk()]


def methods(checklist: Any) -> dict[str, str]:
    return {i.code: i.method for i in checklist.leaves()}
