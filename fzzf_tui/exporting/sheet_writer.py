"""Styled sheets in openpyxl's write-only mode, laid out for paper (the 汇总 workbook's sheets).

Write-only mode keeps a consolidation of hundreds of inspections fast and small in memory, but
column widths, row heights, merges and print settings must be set before the rows they concern:
:class:`Sheet` does that in order — widths, print setup (A4 landscape, the header row repeated,
pages numbered per sheet), a title and a subtitle row, then bordered rows whose height fits their
tallest wrapped text. :class:`Cells` makes the cells with a few named styles, each registered once
per workbook; text is cleaned for XML and never becomes a formula.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Iterable, Sequence

from openpyxl.styles import Alignment, Border, Font, PatternFill

from .cells import BODY_FONT, BORDER, FONT_BODY, FORMULA_STARTS, HEADER_FILL, TITLE_FONT, clean_text, wrapped_lines

HEADER_ROW = 3
FIRST_DATA_ROW = 4
LINE = 1.35  # printed line height per point of font size (CJK fonts; cells.LINE_HEIGHT is 15.5 for 11 pt)


# -- styled cells in write-only mode -----------------------------------------------------------
class Cells:
    """Write-only cells with a few named styles; each style is registered once per workbook.

    Text is cleaned for XML and never becomes a formula (as :func:`cells.put` guarantees for
    the normal workbooks).
    """

    def __init__(self, wb: Any) -> None:
        from openpyxl.cell.cell import Cell

        self.wb = wb
        self._cell, self._clean, self._formula_starts = Cell, clean_text, FORMULA_STARTS
        self._styles: dict[tuple[Any, ...], Any] = {}
        self._fonts: dict[tuple[float, bool, str], Font] = {}

    def font(self, size: float, bold: bool = False, name: str = BODY_FONT) -> Font:
        key = (size, bold, name)
        if key not in self._fonts:
            self._fonts[key] = Font(name=name, size=size, bold=bold)
        return self._fonts[key]

    def __call__(self, ws: Any, value: Any, font: Font | None = None, fill: PatternFill | None = None,
                 fmt: str | None = None, align: Alignment | None = None, border: Border | None = BORDER) -> Any:
        formula_like = False
        if isinstance(value, str):
            value = self._clean(value)
            formula_like = value.startswith(self._formula_starts)
        key = (id(font), id(fill), fmt, id(align), id(border), formula_like)
        hit = self._styles.get(key)
        if hit is None or hit[1] is not font or hit[2] is not fill or hit[3] is not align or hit[4] is not border:
            # the objects are kept with the style, so their ids cannot be reused by others
            hit = self._styles[key] = (self._style(ws, font, fill, fmt, align, border, formula_like), font, fill, align,
                                       border)
        c = self._cell(ws, row=1, column=1, value=value, style_array=hit[0])
        if formula_like:
            c.data_type = "s"  # text, never a formula
        return c

    @staticmethod
    def _style(ws: Any, font: Any, fill: Any, fmt: str | None, align: Any, border: Any, quote: bool) -> Any:
        # Registering a style hashes it into the workbook's lists; the index array is then
        # copied into each cell (what openpyxl does when it copies a cell).
        from openpyxl.cell import WriteOnlyCell

        proto = WriteOnlyCell(ws)
        if font is not None:
            proto.font = font
        if fill is not None:
            proto.fill = fill
        if fmt:
            proto.number_format = fmt
        if align is not None:
            proto.alignment = align
        if border is not None:
            proto.border = border
        if quote:
            proto.quotePrefix = True
        return proto._style


TOP = Alignment(wrap_text=True, vertical="top")
TOP_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
TOP_RIGHT = Alignment(vertical="top", horizontal="right")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
LEFT_MIDDLE = Alignment(wrap_text=True, vertical="center", horizontal="left")
GROUP_FILL = PatternFill("solid", fgColor="E7E6E6")
SUBGROUP_FILL = PatternFill("solid", fgColor="F7F7F7")
RED = PatternFill("solid", fgColor="FFC7CE")


def new_workbook() -> Any:
    from openpyxl import Workbook
    from openpyxl.utils.indexed_list import IndexedList

    wb = Workbook(write_only=True)
    # as cells.new_workbook: 宋体 as the default font, so CJK widths come out as computed
    wb._fonts = IndexedList([FONT_BODY])
    wb._named_styles["Normal"].font = FONT_BODY
    return wb


def _height(size: float, lines: int) -> float:
    return round(lines * size * LINE + 4, 1)


def _lines(values: Iterable[tuple[Any, float]], size: float) -> int:
    """Printed lines of the tallest wrapped text among (value, column width) pairs."""
    scale = 11.0 / size  # widths are in 11 pt 宋体 digits; smaller text fits more per line
    lines = 1
    for value, width in values:
        if isinstance(value, str) and value:
            lines = max(lines, wrapped_lines(value, width * scale))
    return lines


def _cells_to_row(ws: Any, values: Sequence[Any], row_idx: int) -> Any:
    """openpyxl's write-only ``_values_to_row`` for rows of finished cells: it would first try
    each cell as a value and format an error message for it (a third of the writing time)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    for col_idx, cell in enumerate(values, 1):
        if cell is None:
            continue
        if not isinstance(cell, Cell):
            cell = WriteOnlyCell(ws, value=cell)
        cell.column = col_idx
        cell.row = row_idx
        yield cell


class Sheet:
    """One write-only sheet with its widths, title rows and print settings."""

    def __init__(self, wb: Any, cell: Cells, name: str, columns: Sequence[tuple[str, float]], size: float,
                 title: str, subtitle: str, visible: int | None = None, footer: str = "",
                 freeze: str | None = f"C{FIRST_DATA_ROW}") -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.worksheet import Worksheet

        from .cells import print_setup

        self.cell, self.size = cell, size
        self.widths = [w for _, w in columns]
        self.visible = visible or len(columns)
        self.last_letter = get_column_letter(self.visible)
        ws = self.ws = wb.create_sheet(name)
        ws._values_to_row = partial(_cells_to_row, ws)  # rows arrive as finished cells
        for i, w in enumerate(self.widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        for i in range(self.visible + 1, len(columns) + 1):
            ws.column_dimensions[get_column_letter(i)].hidden = True
        ws.PAPERSIZE_A4 = Worksheet.PAPERSIZE_A4  # cells.print_setup reads it off the sheet
        print_setup(ws, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
                    footer=footer or f"法治政府建设检查汇总 · {name}")
        ws.print_area = f"A1:{self.last_letter}{1}"  # widened in close()
        # write-only: views and columns must be set before the first row is written
        ws.freeze_panes = freeze
        self.font = cell.font(size)
        self.row = 0
        self.merged_row(title, cell.font(16, name=TITLE_FONT), height=30, align=CENTER, border=None)
        self.merged_row(subtitle, cell.font(size), align=LEFT_MIDDLE, border=None)

    def append(self, values: Sequence[Any], height: float | None = None) -> None:
        self.row += 1
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(list(values))

    def merged_row(self, text: str, font: Font, height: float | None = None, align: Alignment = LEFT_MIDDLE,
                   fill: PatternFill | None = None, border: Border | None = BORDER) -> None:
        """A row whose text spans every visible column."""
        width = sum(self.widths[: self.visible])
        size = font.size or self.size
        if height is None:
            height = _height(size, _lines([(text, width)], size))
        first = self.cell(self.ws, text, font=font, fill=fill, align=align, border=border)
        rest = [self.cell(self.ws, None, fill=fill, border=border) for _ in range(self.visible - 1)]
        self.append([first, *rest], height=height)
        self.ws.merged_cells.add(f"A{self.row}:{self.last_letter}{self.row}")

    def header(self, names: Sequence[str]) -> None:
        font = self.cell.font(self.size, name=TITLE_FONT)
        lines = _lines(zip(names, self.widths), self.size)
        self.append([self.cell(self.ws, n, font=font, fill=HEADER_FILL, align=CENTER) for n in names],
                    height=_height(self.size, lines))

    def data_row(self, values: Sequence[Any], aligns: Sequence[Alignment | None] = (), fmts: Sequence[str | None] = (),
                 fill: PatternFill | None = None) -> None:
        """A bordered row; its height fits the tallest wrapped text."""
        cells = []
        for i, v in enumerate(values):
            align = aligns[i] if i < len(aligns) and aligns[i] is not None else TOP
            fmt = fmts[i] if i < len(fmts) else None
            cells.append(self.cell(self.ws, v, font=self.font, fmt=fmt, align=align, fill=fill))
        lines = _lines(zip(values[: self.visible], self.widths), self.size)
        self.append(cells, height=_height(self.size, lines))

    def close(self) -> None:
        self.ws.print_area = f"A1:{self.last_letter}{max(self.row, HEADER_ROW)}"


__all__ = [
    "CENTER", "Cells", "FIRST_DATA_ROW", "GROUP_FILL", "HEADER_ROW", "LEFT_MIDDLE", "RED", "SUBGROUP_FILL", "Sheet", "TOP",
    "TOP_CENTER", "TOP_RIGHT", "new_workbook",
]
