"""Cell writing for the workbooks: text that can never become a formula, CJK-aware widths,
dates as dates, the fonts and borders of an official document, and A4 print settings.
"""

from __future__ import annotations

import math
import re
import unicodedata
from copy import copy
from datetime import date, datetime
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
BODY_SIZE = 11
FOOTER_SIZE = 11  # the footer scales with the sheet: 9 pt or more down to a fit-to-width scale of 82 %
MAX_CELL_CHARS = 32767  # Excel's limit per cell
DEFAULT_WIDTH = 13.0  # openpyxl's width of a column none was set for
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
    quote = text = False
    if isinstance(value, str) and value:
        value = clean_text(value)
        # openpyxl turns any string starting with "=" into a formula; it is forced back to text
        # below, and quotePrefix keeps it text in Excel/WPS even if someone edits the cell.
        quote, text = value.startswith(FORMULA_STARTS), True
    else:
        if value == "":
            value = None
        if number_format is None:
            if isinstance(value, datetime):
                number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                number_format = DATE_FORMAT
    style = _style_array(ws, font, align, number_format, border, fill, quote)
    if (row, col) in ws._cells:  # an existing cell (or part of a merged range): the normal way
        cell = ws.cell(row=row, column=col)
        cell.value = value
        cell._style = copy(style)
    else:
        cell = Cell(ws, row=row, column=col, value=value, style_array=copy(style))
        ws._cells[(row, col)] = cell
    if text:
        cell.data_type = "s"
    return cell


def _style_array(ws: Worksheet, font: Font, align: Alignment | None, number_format: str | None, border: bool,
                 fill: PatternFill | None, quote: bool) -> Any:
    """The style index array for these attributes. Registering a style in the workbook hashes
    every part of it (most of an export's time when done per cell), so each combination is
    registered once per workbook and its array copied into each cell (as openpyxl copies styles)."""
    cache: dict[tuple[Any, ...], tuple[Any, ...]] = ws.parent.__dict__.setdefault("_fzzf_styles", {})
    key = (id(font), id(align), number_format, border, id(fill), quote)
    hit = cache.get(key)
    if hit is not None and hit[1] is font and hit[2] is align and hit[3] is fill:
        return hit[0]
    proto = Cell(ws)  # never added to the sheet: only registers the style
    if number_format:
        proto.number_format = number_format
    proto.font = font
    if align is not None:
        proto.alignment = align
    if border:
        proto.border = BORDER
    if fill is not None:
        proto.fill = fill
    if quote:
        proto.quotePrefix = True
    cache[key] = (proto._style, font, align, fill)  # the objects kept, so their ids stay theirs
    return proto._style


def restyle(cell: Cell, align: Alignment | None = None, number_format: str | None = None) -> None:
    """Change a written cell's alignment and/or number format, through the same per-workbook
    cache as :func:`put` (setting ``cell.alignment`` directly hashes the style every time)."""
    cache: dict[tuple[Any, ...], tuple[Any, ...]] = cell.parent.parent.__dict__.setdefault("_fzzf_restyles", {})
    key = (tuple(cell._style), id(align), number_format)
    hit = cache.get(key)
    if hit is None or hit[1] is not align:
        if align is not None:
            cell.alignment = align
        if number_format is not None:
            cell.number_format = number_format
        cache[key] = (copy(cell._style), align)
        return
    cell._style = copy(hit[0])


def put_row(ws: Worksheet, row: int, values: Sequence[Any], **kwargs: Any) -> list[Cell]:
    return [put(ws, row, col, v, **kwargs) for col, v in enumerate(values, start=1)]


def char_width(ch: str) -> int:
    """Display columns of one character: CJK and full-width count 2."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


# East Asian Wide and Fullwidth characters (what char_width counts as 2; emoji approximated):
# counted by the regex engine, a row height needs no per-character Python loop.
_WIDE = re.compile(
    "[\u1100-\u115f\u231a\u231b\u2329\u232a\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615"
    "\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2"
    "\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797"
    "\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\ua4cf"
    "\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6"
    "\U00016fe0-\U0001b2ff\U0001f004\U0001f0cf\U0001f18e\U0001f191-\U0001f19a\U0001f200-\U0001f64f"
    "\U0001f680-\U0001f6ff\U0001f7e0-\U0001f7eb\U0001f90c-\U0001f9ff\U0001fa70-\U0001faff"
    "\U00020000-\U0003fffd]"
)


def _columns(text: str) -> int:
    """Display columns of one line (``sum(char_width(c))`` up to emoji details), at C speed."""
    if text.isascii():
        return len(text)
    return len(text) + len(_WIDE.findall(text))


def text_width(text: str) -> int:
    """Display columns of the widest line of ``text``."""
    return max((sum(char_width(c) for c in line) for line in str(text).split("\n")), default=0)


def wrapped_lines(text: str, width: float) -> int:
    """How many printed lines ``text`` takes in a column ``width`` characters wide."""
    usable = max(1.0, width - 1.5)  # cell padding
    lines = 0
    for para in str(text).split("\n"):
        if 2 * len(para) <= usable:  # fits even if every character is wide
            lines += 1
            continue
        lines += max(1, math.ceil(_columns(para) / usable))
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
    estimated height prints the same everywhere. Only this row's cells are looked at (the
    columns with a width set, and the merged ranges crossing the row), so filling a sheet row by
    row stays linear.
    """
    merged = [rng for rng in ws.merged_cells.ranges if rng.min_row <= row <= rng.max_row]
    dims = ws.column_dimensions
    # columns with a width set, and at least the first 64: a row is looked up, never the sheet
    last = max(64, max((column_index_from_string(k) for k in dims), default=0))
    cells = ws._cells
    lines = 1
    for col in range(1, last + 1):
        cell = cells.get((row, col))
        if cell is None or cell.value is None or isinstance(cell.value, (int, float, date)):
            continue
        dim = dims.get(get_column_letter(col))  # dict.get: no dimension created for a bare column
        if dim is not None and dim.hidden:
            continue
        width = _merged_width(ws, merged, col) or (dim.width if dim is not None else DEFAULT_WIDTH) or 8.43
        lines = max(lines, wrapped_lines(_display(cell.value), width * BODY_SIZE / font_size))
    ws.row_dimensions[row].height = round(lines * LINE_HEIGHT * font_size / BODY_SIZE + 4, 1)


def _merged_width(ws: Worksheet, ranges: list[Any], col: int) -> float | None:
    dims = ws.column_dimensions
    for rng in ranges:
        if rng.min_col <= col <= rng.max_col:
            widths = (dims.get(get_column_letter(c)) for c in range(rng.min_col, rng.max_col + 1))
            return sum((d.width if d is not None else DEFAULT_WIDTH) or 8.43 for d in widths)
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


def cell_text(value: Any) -> str:
    """A cell value read back from a workbook as comparable text (dates ISO, 12.0 as 12, line ends normalised)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
