"""Cell writing for the workbooks: text that can never become a formula, CJK-aware widths,
dates as dates, the fonts and borders of an official document, and A4 print settings.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
BODY_SIZE = 11
FOOTER_SIZE = 11  # the footer scales with the sheet: 9 pt or more down to a fit-to-width scale of 82 %
MAX_CELL_CHARS = 32767  # Excel's limit per cell
FORMULA_STARTS = ("=", "+", "-", "@")
TRUNCATED = "…（内容过长已截断，全文见检查文件）"

DATE_FORMAT = "yyyy-mm-dd"
DATE_FORMAT_CN = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
POINTS_FORMAT = "0.00"
PERCENT_FORMAT = "0.00%"  # percentages keep 2 decimals, as the engine rounds them

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")

FONT_BODY = Font(name=BODY_FONT, size=BODY_SIZE)
FONT_BOLD = Font(name=BODY_FONT, size=BODY_SIZE, bold=True)
FONT_HEADER = Font(name=TITLE_FONT, size=BODY_SIZE)
FONT_TITLE = Font(name=TITLE_FONT, size=16)
FONT_SUBTITLE = Font(name=BODY_FONT, size=BODY_SIZE)

WRAP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP_CENTER = Alignment(vertical="top", horizontal="center", wrap_text=True)
TOP_RIGHT = Alignment(vertical="top", horizontal="right")

# Points per printed line of 11 pt CJK text (宋体/Noto CJK line height is ~1.4 em).
LINE_HEIGHT = 15.5


def new_workbook() -> Workbook:
    """An empty workbook whose default font is the body font.

    Column widths are measured in the default font's digit width; with 宋体 as default a
    CJK character is two units wide in Excel and WPS, which :func:`text_width` assumes.
    """
    wb = Workbook()
    wb.remove(wb.active)
    wb._fonts = IndexedList([FONT_BODY])  # font 0 is what unstyled cells and widths use
    wb._named_styles["Normal"].font = FONT_BODY
    return wb


def clean_text(value: str) -> str:
    """Text a cell can hold: no XML-illegal control characters, within Excel's length limit."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - len(TRUNCATED)] + TRUNCATED
    return text


def to_date(value: Any) -> date | None:
    """An ISO date string (``2026-12-31``) as a date; None when empty or not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def to_datetime(value: Any) -> datetime | None:
    """An ISO timestamp as a naive local datetime (Excel has no time zones); None if empty."""
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value)) if value else None
        except ValueError:
            return None
    if dt is None:
        return None
    return dt.replace(tzinfo=None, microsecond=0)


def put(ws: Worksheet, row: int, col: int, value: Any, font: Font = FONT_BODY, align: Alignment | None = WRAP,
        number_format: str | None = None, border: bool = True, fill: PatternFill | None = None) -> Cell:
    """Write one cell. Strings are always stored as text, never as formulas."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str) and value:
        text = clean_text(value)
        cell.value = text
        # openpyxl turns any string starting with "=" into a formula; force it back to text,
        # and set quotePrefix so Excel/WPS keep it text even if someone edits the cell.
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value if value != "" else None
        if number_format is None:
            if isinstance(value, datetime):
                number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                number_format = DATE_FORMAT
    if number_format:
        cell.number_format = number_format
    cell.font = font
    if align is not None:
        cell.alignment = align
    if border:
        cell.border = BORDER
    if fill is not None:
        cell.fill = fill
    return cell


def put_row(ws: Worksheet, row: int, values: Sequence[Any], **kwargs: Any) -> list[Cell]:
    return [put(ws, row, col, v, **kwargs) for col, v in enumerate(values, start=1)]


def char_width(ch: str) -> int:
    """Display columns of one character: CJK and full-width count 2."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Display columns of the widest line of ``text``."""
    return max((sum(char_width(c) for c in line) for line in str(text).split("\n")), default=0)


def wrapped_lines(text: str, width: float) -> int:
    """How many printed lines ``text`` takes in a column ``width`` characters wide."""
    usable = max(1.0, width - 1.5)  # cell padding
    lines = 0
    for para in str(text).split("\n"):
        lines += max(1, math.ceil(sum(char_width(c) for c in para) / usable))
    return lines


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def fit_width(values: Iterable[Any], minimum: float = 6, maximum: float = 60) -> float:
    """A column width (in characters) that fits the widest value, CJK counted as 2."""
    widest = max((text_width(_display(v)) for v in values if v is not None), default=0)
    return float(min(maximum, max(minimum, widest + 2)))


def fit_row_height(ws: Worksheet, row: int, font_size: float = BODY_SIZE) -> None:
    """Set the row tall enough for its wrapped text, so every program prints all of it.

    Excel does not grow rows written by a program; LibreOffice and WPS differ. An explicit,
    estimated height prints the same everywhere.
    """
    lines = 1
    for cell in ws[row]:
        if cell.value is None or isinstance(cell.value, (int, float, date)):
            continue
        letter = cell.column_letter
        if ws.column_dimensions[letter].hidden:
            continue
        width = _merged_width(ws, cell) or ws.column_dimensions[letter].width or 8.43
        lines = max(lines, wrapped_lines(_display(cell.value), width * BODY_SIZE / font_size))
    ws.row_dimensions[row].height = round(lines * LINE_HEIGHT * font_size / BODY_SIZE + 4, 1)


def _merged_width(ws: Worksheet, cell: Cell) -> float | None:
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return sum(
                ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(rng.min_col, rng.max_col + 1)
            )
    return None


def _display(value: Any) -> str:
    if isinstance(value, datetime):
        return "2026-12-31 23:59"
    if isinstance(value, date):
        return "2026-12-31"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def title_rows(ws: Worksheet, title: str, subtitle: str, ncols: int) -> int:
    """A merged title row and a merged subtitle row; returns the next free row."""
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    put(ws, 1, 1, title, font=FONT_TITLE, align=WRAP_CENTER, border=False)
    fit_row_height(ws, 1, font_size=16)
    ws.row_dimensions[1].height = max(30, ws.row_dimensions[1].height or 0)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    put(ws, 2, 1, subtitle, font=FONT_SUBTITLE, align=Alignment(horizontal="left", vertical="center", wrap_text=True),
        border=False)
    fit_row_height(ws, 2)
    return 3


def header_row(ws: Worksheet, row: int, headers: Sequence[str]) -> None:
    put_row(ws, row, headers, font=FONT_HEADER, align=WRAP_CENTER, fill=HEADER_FILL)
    fit_row_height(ws, row)


def print_setup(ws: Worksheet, landscape: bool, title_rows: str | None = None, footer: str = "",
                of_total: bool = False) -> None:
    """A4, fit to one page wide, repeating ``title_rows`` (e.g. ``"1:3"``), page numbers below
    (numbered from 1 on each sheet; ``of_total``: “第 N 页，共 M 页”, for a workbook that prints
    this one sheet only, where the job's total is the sheet's)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    # Each sheet is its own document (the 整改清单 the unit signs, the 排名 sent upward): its pages
    # are numbered from 1 even when the whole workbook is printed at once. No “共 N 页”: Excel,
    # WPS and LibreOffice count &N over the whole print job, so it would not be this sheet's total.
    ws.page_setup.firstPageNumber = 1
    ws.page_setup.useFirstPageNumber = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页" if of_total else "第 &P 页"
    ws.oddFooter.center.font = BODY_FONT
    ws.oddFooter.center.size = FOOTER_SIZE
    if footer:
        ws.oddFooter.left.text = footer.replace("&", "&&")
        ws.oddFooter.left.font = BODY_FONT
        ws.oddFooter.left.size = FOOTER_SIZE
