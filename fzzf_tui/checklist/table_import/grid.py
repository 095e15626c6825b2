"""The common grid every reader produces: one table's cells with merged ranges resolved.

A reader (:mod:`.xlsx_reader`, :mod:`.docx_reader`) turns its source into :class:`Grid` objects;
every later stage (header, structure, rules, build) works on grids only, so a new source format
is one reader. A grid names its cells the way its source does (``指标!C7`` or
``表格2 第5行第3列``), so every problem points at a place a clerk can find.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any, Iterable

from ...errors import Problem
from .text import fmt_number

Box = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based)


_LETTERS: dict[int, str] = {}


def col_letter(c: int) -> str:
    """``3`` → ``C`` (cached: every cell reference of a large table needs one)."""
    letters = _LETTERS.get(c)
    if letters is None:
        n, letters = c, ""
        while n > 0:
            n, rem = divmod(n - 1, 26)
            letters = chr(65 + rem) + letters
        _LETTERS[c] = letters
    return letters


def is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def cell_text(v: Any) -> str:
    """A cell value as text: numbers without a spurious ``.0``, dates as ISO, strings stripped."""
    if type(v) is str:
        return v.strip()
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return fmt_number(v) if math.isfinite(v) else ""
    if isinstance(v, (_dt.datetime, _dt.date)):
        if isinstance(v, _dt.datetime) and v.time() == _dt.time():
            v = v.date()
        return v.isoformat()
    return str(v).strip()


class Grid:
    """Cell values of one table with merged ranges resolved.

    ``values`` holds only non-blank cells; ``merges`` are boxes; ``uncached`` maps cells whose
    formula has no saved result to the formula text. Subclasses say how a cell is named.
    """

    def __init__(
        self,
        name: str,
        values: dict[tuple[int, int], Any],
        merges: Iterable[Box] = (),
        uncached: dict[tuple[int, int], str] | None = None,
        lines_above: Iterable[str] = (),
    ) -> None:
        self.name = name
        self.values = {k: v for k, v in values.items() if not is_blank(v)}
        self.merges: list[Box] = list(merges)
        self.merged: dict[tuple[int, int], Box] = {}
        starts = set()
        for box in self.merges:
            r1, c1, r2, c2 = box
            starts.add((r1, c1))
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self.merged[(r, c)] = box
        self.uncached = uncached or {}
        used = set(self.values) | starts
        by_row: dict[int, list[int]] = {}
        for r, c in self.values:
            by_row.setdefault(r, []).append(c)
        self._row_cols = {r: sorted(cols) for r, cols in by_row.items()}  # columns with a value, per row
        down: dict[int, list[int]] = {}  # rows continued by a vertical merge: its first column
        for r1, c1, r2, _ in self.merges:
            if r2 > r1 and (r1, c1) in self.values:
                for r in range(r1 + 1, r2 + 1):
                    down.setdefault(r, []).append(c1)
        self._down = down
        self.rows: list[int] = sorted({r for r, _ in used})  # rows that hold anything, in order
        self.max_row = self.rows[-1] if self.rows else 0
        self.max_col = max((c for _, c in used), default=0)
        self.lines_above = list(lines_above)  # paragraphs printed above the table (Word), if any

    def ref(self, r: int, c: int) -> str:  # pragma: no cover - every reader names its cells
        raise NotImplementedError

    def col_name(self, c: int) -> str:  # pragma: no cover
        raise NotImplementedError

    def where(self) -> str:
        """The table as a whole, for problems about no single cell."""
        return self.name

    def get(self, r: int, c: int) -> tuple[Any, str]:
        """(value, state); state is ``own`` (written in this cell), ``down`` (a vertically merged
        cell continuing the one above), ``side`` (part of a merge to the left: no value of its
        own) or ``empty``."""
        box = self.merged.get((r, c))
        if box is not None:
            r0, c0 = box[0], box[1]
            if c != c0:
                return None, "side"
            v = self.values.get((r0, c0))
            if is_blank(v):
                return None, "empty"
            return v, ("own" if r == r0 else "down")
        v = self.values.get((r, c))
        return (None, "empty") if is_blank(v) else (v, "own")

    def span(self, r: int, c: int) -> tuple[int, int]:
        """Columns covered by the cell at (r, c) (a horizontal merge covers several)."""
        box = self.merged.get((r, c))
        return (box[1], box[3]) if box else (c, c)

    def row_columns(self, r: int) -> list[int]:
        """Columns of row r holding a value of their own or continuing a merged cell from above."""
        return sorted({*self._row_cols.get(r, ()), *self._down.get(r, ())})

    def row_texts(self, r: int) -> dict[int, str]:
        """Texts written in row r (not those merged into it from above), by column."""
        out = {}
        for c in self._row_cols.get(r, ()):  # linear in the row's cells, however wide the sheet
            box = self.merged.get((r, c))
            if box is None or (box[0], box[1]) == (r, c):
                out[c] = cell_text(self.values[(r, c)])
        return out


class SheetGrid(Grid):
    """A worksheet: cells are named ``Sheet!C7`` as Excel shows them."""

    def ref(self, r: int, c: int) -> str:
        return f"{self.name}!{col_letter(c)}{r}"

    def col_name(self, c: int) -> str:
        return col_letter(c)


class Report:
    """Errors and warnings collected while importing, each located at a cell."""

    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(Problem(where, message))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(Problem(where, message))
