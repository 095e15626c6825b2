"""Reading an .xlsx workbook into grids, one per worksheet (opened through :mod:`fzzf_tui.safe_xlsx`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .grid import SheetGrid, is_blank
from .source import TableSource


def grid_from_worksheet(ws: Any, formula_ws: Any = None) -> SheetGrid:
    """A worksheet's non-blank values and merged ranges, read without creating cells."""
    cells = getattr(ws, "_cells", None)  # iterating ws.cell() would materialise empty cells
    if cells is None:  # pragma: no cover - other openpyxl internals
        cells = {(c.row, c.column): c for row in ws.iter_rows() for c in row}
    values = {k: c.value for k, c in cells.items() if not is_blank(c.value)}
    merges = [(rng.min_row, rng.min_col, rng.max_row, rng.max_col) for rng in ws.merged_cells.ranges]
    uncached: dict[tuple[int, int], str] = {}
    if formula_ws is not None:
        for k, c in getattr(formula_ws, "_cells", {}).items():
            if isinstance(c.value, str) and c.value.startswith("=") and k not in values:
                uncached[k] = c.value
    return SheetGrid(ws.title, values, merges, uncached)


def read_xlsx(path: Path) -> TableSource:
    """Every worksheet of a workbook as a grid; refuses hostile files before parsing."""
    from ...safe_xlsx import check_file

    checked = check_file(path)
    wb = checked.load(data_only=True)
    formula_wb = checked.load(data_only=False) if checked.has_formulas else None
    grids = [grid_from_worksheet(ws, formula_wb[ws.title] if formula_wb is not None else None) for ws in wb.worksheets]
    return TableSource(Path(path), grids, noun="工作表")
