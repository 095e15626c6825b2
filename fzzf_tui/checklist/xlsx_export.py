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
    _print_setup(ws, "2:2")


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
    _print_setup(ws)


GUIDE = """\
如何填写本模板

一、在“清单信息”工作表填写清单编号、标题、检查类型、版本等，每一项右边都有说明。
二、在“指标”工作表从第 3 行起，每行填写一项指标，上级指标写在它的下级之前。
    “填写示例”工作表有几行填好的示范，可以对照着填（示例不会被导入）。
    · 层级：一级指标填 1，二级指标填 2……每一行最多比上一行深一级。
    · 编号：可以不填，导入时按层级自动编排（1、1.1、1.1.1）。
    · 分值：每个末级指标都要填；上级指标可以不填，自动等于下级之和。
    · 评分方法（点单元格右边的小箭头选择）：
        分档评分——按“完全达到、基本达到、部分达到、未达到”等档次打分；
        是否达到——只判断达到还是未达到；
        按处扣分——每发现一处问题扣一定分数，在“档次/扣分”栏写明，如“每处扣0.5分，最低0分”；
        逐项扣分——列出几种扣分情形，检查时勾选出现了哪几种，在“档次/扣分”栏每行写一种，
                  如“未建立制度：扣2分”；
        直接打分——由检查人员直接给出得分；
        只记问题——不打分，只记录发现的问题。
      不填时用“清单信息”中的默认评分方法；评分标准写有“每发现1处扣0.5分”时，按处扣分。
    · 责任单位、佐证材料等有好几项时，在同一个单元格里换行填写（按 Alt+回车），每行一项。
      单位名称中的“、”（如“市、县两级政府”）不会被拆开。
    · 加分项、减分项：在第一级指标的“类型”栏选择，它下面的指标自动跟随。
三、填好后保存，交给清单维护人员导入：在程序首页打开命令面板，选择“从表格导入清单”，
    先看预览，确认无误再保存。如有问题，会指出是哪一个单元格、什么问题，改好后重新导入即可。

上级印发的评分表（Excel 或 Word）也可以直接导入，不必先改成本模板的格式：表头上方的
标题、“被督察单位：____”之类的填写栏、合并的单元格、“一、（一）1.（1）①”等编号、
“（20分）”“最高加5分”“每发现1处扣0.5分”“未…的扣2分”等写法都能识别。

打印：各工作表已设为 A4 横向、按页宽缩放，每页重复列名行。

可识别的列名：
"""

EXAMPLE_SHEET = "填写示例"
# Worked rows for the 填写示例 sheet: a section and one item per common scoring method.
EXAMPLES: tuple[dict[str, Any], ...] = (
    {"code": "1", "depth": 1, "label": "一、", "title": "执法公示", "points": 10,
     "note": "上级指标：分值等于下级之和，评分方法不填"},
    {"code": "1.1", "depth": 2, "label": "（一）", "title": "公示执法主体、职责和权限", "points": 4,
     "method": "分档评分", "criteria": "全部公示为完全达到；公示不全为基本达到或部分达到；未公示为未达到",
     "evidence": "公示网页截图\n执法主体清单", "units": "市司法局\n各执法部门"},
    {"code": "1.2", "depth": 2, "label": "（二）", "title": "按时公示行政处罚决定", "points": 3,
     "method": "按处扣分", "rule": "每处扣0.5分，最低0分", "criteria": "每发现1件未按时公示扣0.5分，扣完为止",
     "evidence": "行政处罚决定公示记录", "units": "各执法部门"},
    {"code": "1.3", "depth": 2, "label": "（三）", "title": "公示执法人员信息", "points": 3,
     "method": "逐项扣分", "rule": "未公示执法人员名单：扣2分\n公示信息不全：扣1分",
     "criteria": "未公示执法人员名单的扣2分；公示信息不全的扣1分", "units": "市司法局"},
    {"code": "2", "depth": 1, "label": "二、", "title": "执法工作获得省级以上表彰", "points": 2,
     "method": "是否达到", "kind": "加分项", "criteria": "获得省级以上表彰的加2分"},
)


def _print_setup(ws: Any, title_rows: str | None = None) -> None:
    """A4 landscape, fit to the page width, the header row repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if title_rows:
        ws.print_title_rows = title_rows


def _examples_sheet(w: _Writer) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    st = _styles()
    ws = w.wb.create_sheet(EXAMPLE_SHEET)
    w.where = "填写示例"
    w.put(ws, 1, 1, "填写示例：照这几行的样子在“指标”工作表填写（本页不会被导入）").font = Font(bold=True, size=12)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    for c, col in enumerate(COLUMNS, 1):
        cell = w.put(ws, 2, c, col.header)
        cell.font = st["head_font"]
        cell.fill = st["head_fill"]
        cell.border = st["border"]
        cell.alignment = st["center"]
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS.get(col.field, 12)
    for r, example in enumerate(EXAMPLES, 3):
        for c, col in enumerate(COLUMNS, 1):
            cell = w.put(ws, r, c, example.get(col.field), text=col.field in ("code", "label", "title", "text"))
            cell.alignment = st["wrap"]
            cell.border = st["border"]
            if example["depth"] == 1 and "method" not in example:
                cell.fill = st["section_fill"]
    ws.freeze_panes = "A3"
    _print_setup(ws, "2:2")


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
    _print_setup(ws)


def checklist_workbook(checklist: Checklist | None) -> Any:
    """An openpyxl ``Workbook`` for ``checklist`` (None: the empty template)."""
    w = _Writer()
    _items_sheet(w, checklist)
    _info_sheet(w, checklist)
    if checklist is None:
        _examples_sheet(w)
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
