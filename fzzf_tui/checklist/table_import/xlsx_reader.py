"""Reading an .xlsx workbook into grids, one per worksheet.

The workbook is streamed once by :func:`fzzf_tui.safe_xlsx.check_file` (container checks, then
rows, cells, cell length and merged area counted while reading, before anything is kept), and the
grids are built from that same pass: no openpyxl workbook is ever loaded, so reading is linear in
the cells and a hostile file is refused before it costs time or memory.
"""

from __future__ import annotations

from pathlib import Path

from .grid import SheetGrid
from .source import TableSource


def read_xlsx(path: Path) -> TableSource:
    """Every worksheet of a workbook as a grid; refuses hostile files while streaming."""
    from ...safe_xlsx import check_file

    checked = check_file(path, read_values=True)
    grids = [SheetGrid(s.name, s.values, s.merges, s.uncached) for s in checked.sheets]
    return TableSource(Path(path), grids, noun="工作表")
