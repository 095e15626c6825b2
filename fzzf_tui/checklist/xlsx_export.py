"""Write a checklist (or an empty template) as a documented workbook that imports back losslessly.

Layout (described once, in :mod:`.table_import.layout`: :data:`COLUMNS`, :data:`INFO_ROWS`):

* ``指标`` — row 1 the title, row 2 the column names (each with a comment explaining it),
  from row 3 one row per item in tree order; 层级 gives the depth, lists hold one entry per line;
* ``清单信息`` — the checklist header (编号, 标题, 类型, 版本, 来源, 说明, 暂定内容, 总分, 等级…);
* ``填写说明`` — how to fill the workbook in and import it.

Values that are already the checklist's defaults (档次, 扣分规则) are left blank, so changing a
default on ``清单信息`` changes every item that uses it. Text is always written as text (a title
starting with ``=`` is not turned into a formula) and numbers that ``%.16g`` would round are
written as text, so export → import gives the same content hash.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import ExportError
from .model import (
    DEFAULT_DEDUCTION,
    DEFAULT_GRADES,
    DEFAULT_LEVELS,
    FORMAT,
    KIND_LABELS,
    METHOD_LABELS,
    METHODS,
    Checklist,
    Item,
)
from .table_import.layout import COLUMNS, GUIDE_SHEET, INFO_ROWS, INFO_SHEET, ITEMS_SHEET, LEVEL_ALIASES
from .table_import.rules import format_itemized
from .table_import.text import fmt_number, format_deduction, format_grades, format_levels

MAX_CELL_TEXT = 32767  # Excel's limit per cell
TEXT_FORMAT = "@"
FORMULA_STARTS = ("=", "+", "-", "@")
WIDTHS = {
    "code": 10, "depth": 6, "label": 8, "title": 48, "text": 40, "points": 8, "method": 11, "rule": 18,
    "criteria": 30, "evidence": 24, "units": 24, "offices": 14, "na_conditions": 16, "note": 20, "kind": 8,
    "lead_units": 14, "veto": 12, "grade_cap": 10,
}


class _Writer:
    def __init__(self) -> None:
        from openpyxl import Workbook

        self.wb = Workbook()
        self.where = ""

    def put(self, ws: Any, row: int, col: int, value: Any, *, text: bool = False) -> Any:
        """Write one cell; strings stay strings, and every problem names the item."""
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        cell = ws.cell(row=row, column=col)
        if value is None or value == "":
            if text:
                cell.number_format = TEXT_FORMAT
            return cell
        if isinstance(value, float) and float("%.16g" % value) != value:
            value = fmt_number(value)  # openpyxl writes %.16g; keep every digit as text instead
        if isinstance(value, str):
            if len(value) > MAX_CELL_TEXT:
                raise ExportError(f"{self.where}的内容超过 Excel 单元格上限 {MAX_CELL_TEXT} 字，无法导出")
            if ILLEGAL_CHARACTERS_RE.search(value):
                raise ExportError(f"{self.where}含有 Excel 不允许的控制字符，无法导出")
            cell.value = value
            cell.data_type = "s"  # never a formula, whatever the text starts with
            cell.number_format = TEXT_FORMAT
            if value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True  # and Excel/WPS keep it text when the cell is edited
        else:
            cell.value = value
            if text:
                cell.number_format = TEXT_FORMAT
        return cell


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    return {
        "title": Font(bold=True, size=14),
        "head_font": Font(bold=True),
        "head_fill": PatternFill("solid", fgColor="DDEBF7"),
        "section_fill": PatternFill("solid", fgColor="F2F2F2"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "center": Alignment(horizontal="center", vertical="top", wrap_text=True),
    }


def _items_sheet(w: _Writer, checklist: Checklist | None) -> None:
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    st = _styles()
    ws = w.wb.active
    ws.title = ITEMS_SHEET
    ncol = len(COLUMNS)
    title = checklist.title if checklist else "检查清单指标（第 2 行是列名，请勿改动；从第 3 行起每行一项指标，说明见“填写说明”）"
    w.where = "清单标题"
    w.put(ws, 1, 1, title).font = st["title"]
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    for c, col in enumerate(COLUMNS, 1):
        cell = w.put(ws, 2, c, col.header)
        cell.font = st["head_font"]
        cell.fill = st["head_fill"]
        cell.border = st["border"]
        cell.alignment = st["center"]
        note = col.doc + (f"\n例：{col.example}" if col.example else "")
        cell.comment = Comment(note, "fzzf", width=320, height=160)
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS.get(col.field, 12)
    ws.freeze_panes = "A3"
    index = {col.field: c for c, col in enumerate(COLUMNS, 1)}
    row = 3
    if checklist is not None:
        for top in checklist.items:
            row = _write_item(w, ws, row, top, checklist, 1, index, st)
    last = max(row - 1, 3) + 500  # room to add rows with the same drop-downs
    methods = DataValidation(type="list", formula1='"' + ",".join(METHOD_LABELS[m] for m in METHODS) + '"', allow_blank=True)
    kinds = DataValidation(type="list", formula1=f'"{KIND_LABELS["bonus"]},{KIND_LABELS["penalty"]}"', allow_blank=True)
    depth = DataValidation(type="whole", operator="between", formula1="1", formula2="9", allow_blank=True)
    for dv, field_ in ((methods, "method"), (kinds, "kind"), (depth, "depth")):
        letter = get_column_letter(index[field_])
        dv.add(f"{letter}3:{letter}{last}")
        ws.add_data_validation(dv)


def _write_item(w: _Writer, ws: Any, row: int, item: Item, c: Checklist, depth: int, index: dict[str, int], st: dict) -> int:
    w.where = f"指标 {item.code} "
    values: dict[str, Any] = {
        "code": item.code,
        "depth": depth,
        "label": item.label,
        "title": item.title,
        "text": item.text,
        "points": _number(item.points),
        "criteria": item.criteria,
        "evidence": "\n".join(item.evidence),
        "units": "\n".join(item.units),
        "offices": "\n".join(item.offices),
        "na_conditions": "\n".join(item.na_conditions),
        "note": item.source_note,
        "kind": KIND_LABELS[item.kind] if item.kind != "normal" else "",
        "lead_units": "\n".join(item.lead_units),
        "grade_cap": item.grade_cap,
    }
    if item.veto is not None:
        values["veto"] = item.veto.grade + (f"；总分{fmt_number(item.veto.total)}" if item.veto.total is not None else "")
    if item.is_leaf:
        values["method"] = METHOD_LABELS[item.method]
        if item.method == "graded" and item.levels != c.levels:
            values["rule"] = format_levels(item.levels)
        elif item.method == "deduction" and item.deduction is not None and item.deduction != c.deduction:
            values["rule"] = format_deduction(item.deduction)
        elif item.method == "itemized":
            values["rule"] = format_itemized(item)
    text_fields = {"code", "label", "title", "text"}
    for field_, col in index.items():
        cell = w.put(ws, row, col, values.get(field_), text=field_ in text_fields)
        cell.alignment = st["wrap"]
        cell.border = st["border"]
        if not item.is_leaf:
            cell.fill = st["section_fill"]
    if depth > 1:
        from openpyxl.styles import Alignment

        ws.cell(row=row, column=index["title"]).alignment = Alignment(wrap_text=True, vertical="top", indent=min(depth - 1, 15))
    row += 1
    for child in item.children:
        row = _write_item(w, ws, row, child, c, depth + 1, index, st)
    return row


def _number(x: float) -> float | int:
    f = float(x)
    return int(f) if f.is_integer() and abs(f) < 1e15 else f


def _info_sheet(w: _Writer, checklist: Checklist | None) -> None:
    from openpyxl.utils import get_column_letter

    st = _styles()
    ws = w.wb.create_sheet(INFO_SHEET)
    for c, head in enumerate(("项目", "内容", "说明"), 1):
        cell = w.put(ws, 1, c, head)
        cell.font = st["head_font"]
        cell.fill = st["head_fill"]
        cell.border = st["border"]
    c = checklist
    values: dict[str, Any] = {
        "format": FORMAT,
        "children_sum": "是",
        "completion_threshold": "无",
        "grades": format_grades(DEFAULT_GRADES),
        "levels": format_levels(DEFAULT_LEVELS),
        "default_method": METHOD_LABELS["graded"],
        "deduction": format_deduction(DEFAULT_DEDUCTION),
    }
    if c is not None:
        values.update(
            id=c.id,
            title=c.title,
            type=c.type,
            version=c.version,
            source=c.source,
            description=c.description,
            provisional="\n".join(c.provisional),
            total=_number(c.total),
            children_sum="是" if c.children_sum else "否",
            completion_threshold="无" if c.completion_threshold is None else _number(c.completion_threshold),
            complete_levels="\n".join(c.complete_levels),
            grades=format_grades(c.grades),
            levels=format_levels(c.levels),
            default_method=METHOD_LABELS[c.default_method],
            deduction=format_deduction(c.deduction),
        )
    for r, info in enumerate(INFO_ROWS, 2):
        w.where = f"清单信息“{info.label}”"
        w.put(ws, r, 1, info.label).font = st["head_font"]
        cell = w.put(ws, r, 2, values.get(info.key), text=info.key in ("id", "title", "type", "version", "source", "description"))
        cell.alignment = st["wrap"]
        w.put(ws, r, 3, info.doc).alignment = st["wrap"]
        for col in (1, 2, 3):
            ws.cell(row=r, column=col).border = st["border"]
    for col, width in zip((1, 2, 3), (20, 60, 60)):
        ws.column_dimensions[get_column_letter(col)].width = width


GUIDE = """\
如何用本工作簿编写检查清单

1. 在“清单信息”工作表填写清单编号、标题、检查类型、版本等（带说明的每一项）。
2. 在“指标”工作表从第 3 行起每行填写一项指标，上级指标写在它的下级之前。
   · 层级：1 为一级指标，2 为二级……（每行最多比上一行深一级）。
   · 编号：如 1、1.1、1.1.1，可留空由程序按层级和序号生成。
   · 分值：末级指标必填；上级指标的分值等于下级之和（可留空自动求和）。
   · 责任单位、佐证材料等可以有多项：在单元格内换行（Alt+Enter），每行一项。
     单位名称中的“、”（如“市、县两级政府”）不会被拆开。
   · 评分方法：分档评分、是否达到、按处扣分、直接打分、只记问题；留空用默认方法。
     评分标准写有“每发现1处扣0.5分”而评分方法、档次/扣分都留空时，自动识别为按处扣分。
   · 档次/扣分：分档评分写“完全达到：1”“基本达到：0.8”…（每行一个）；
     按处扣分写“每处扣0.5分，最低0分”。留空用“清单信息”中的默认值。
   · 类型：第一级的加分项、减分项在此注明；普通指标留空。
3. 导入：fzzf import-checklist 本文件.xlsx -o checklists/清单编号.yaml
   有错误时会列出“工作表!单元格”和原因，不会写出文件；加 --lenient 可跳过可修正的错误。
   也可以把 .xlsx 直接放进清单目录（checklists/）。

也可以直接导入文件中印发的指标表（如“一级指标 | 二级指标 | 三级指标 | 分值 | 责任单位”）：
程序会跳过表头上方的标题行，识别常见列名，合并单元格和空白单元格沿用上方的值，
按“一、（一）1.（1）①”等编号样式分出层级，分值可写“2分”。列名识别不了时用
--map 列=列名 指定，如 --map D=分值。

可识别的列名：
"""


def _guide_sheet(w: _Writer) -> None:
    from openpyxl.styles import Alignment, Font

    ws = w.wb.create_sheet(GUIDE_SHEET)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 50
    r = 1
    for line in GUIDE.splitlines():
        w.put(ws, r, 1, line)
        r += 1
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    for c, head in enumerate(("列名", "填写内容", "也可写作"), 1):
        w.put(ws, r, c, head).font = Font(bold=True)
    r += 1
    rows = [(col.header, col.doc, "、".join(a for a in col.aliases if a != col.header and a.isascii() is False)) for col in COLUMNS]
    names = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "level4": "四级指标", "content": "考核内容"}
    for key, aliases in LEVEL_ALIASES.items():
        rows.append((names[key], "印发的指标表中的层级列（与“层级+标题”二选一）", "、".join(a for a in aliases if a != names[key])))
    for head, doc, aliases in rows:
        w.put(ws, r, 1, head)
        w.put(ws, r, 2, doc).alignment = Alignment(wrap_text=True, vertical="top")
        w.put(ws, r, 3, aliases).alignment = Alignment(wrap_text=True, vertical="top")
        r += 1


def checklist_workbook(checklist: Checklist | None) -> Any:
    """An openpyxl ``Workbook`` for ``checklist`` (None: the empty template)."""
    w = _Writer()
    _items_sheet(w, checklist)
    _info_sheet(w, checklist)
    _guide_sheet(w)
    if checklist is not None:
        w.wb.properties.title = checklist.title
    w.wb.properties.creator = "fzzf"
    return w.wb


def _save(wb: Any, path: str | os.PathLike[str]) -> Path:
    from io import BytesIO

    from ..fileio import atomic_write_bytes  # the project's one atomic writer

    p = Path(path)
    buf = BytesIO()
    wb.save(buf)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(p, buf.getvalue())
    except OSError as exc:
        raise ExportError(f"无法写入 {p}：{exc.strerror or exc}") from None
    return p


def write_checklist_xlsx(checklist: Checklist, path: str | os.PathLike[str]) -> Path:
    """Write ``checklist`` as a workbook that :func:`import_checklist_xlsx` reads back unchanged."""
    return _save(checklist_workbook(checklist), path)


def write_template(path: str | os.PathLike[str]) -> Path:
    """Write the empty, documented template workbook."""
    return _save(checklist_workbook(None), path)
