"""自评 in the inspection workbook: 自评 columns on 评分明细 and the sheet 自评与督察差异.

Both appear only when the unit's self-assessment is in the inspection (table ``self_results``,
see :mod:`fzzf_tui.inspection.self_check`); the inspectors' numbers are untouched.

``评分明细`` gains, right of its own columns: 自评结果 | 自评得分 | 自评与督察 (一致/不一致,
blank unless both answered) | 自评佐证材料 | 自评说明; section rows and 合计 carry the
self-assessment's 得分 by the same engine.

``自评与督察差异`` (A4 landscape):

* rows 1–2 title and subtitle; row 4 header ``编号 | 一级指标 | 满分 | 自评分 | 督察分 |
  自评虚高（自评−督察） | 自评得分率 | 督察得分率``, one row per top-level section (加分项/减分项
  signed), then 合计 (总分);
* then the items whose 自评 and 督察 differ: ``编号 | 指标内容 | 自评结果 | 自评得分 | 督察结果 |
  督察得分 | 差值（自评−督察） | 自评佐证材料 | 自评说明 | 检查备注``;
* a note saying what the figures mean and how many items either side left unanswered.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..checklist.model import KIND_LABELS, Item
from ..inspection import describe_value
from ..inspection.self_check import (
    SelfComparison,
    answer_text,
    compare,
    differs,
    from_tables,
)
from .cells import (
    FONT_BOLD,
    PERCENT_FORMAT,
    POINTS_FORMAT,
    SECTION_FILL,
    TOP_CENTER,
    TOP_RIGHT,
    TOTAL_FILL,
    fit_row_height,
    header_row,
    print_setup,
    put,
    put_row,
    set_widths,
    title_rows,
)
from .data import InspectionData

DIFF = "自评与督察差异"
SELF_COLUMNS = ("自评结果", "自评得分", "自评与督察", "自评佐证材料", "自评说明")
SELF_WIDTHS = (10, 8, 8, 22, 14)
SIGNED_FORMAT = '+0.00;"−"0.00;0.00'
SECTION_HEADERS = ("编号", "一级指标", "满分", "自评分", "督察分", "自评虚高（自评−督察）", "自评得分率", "督察得分率")
ITEM_HEADERS = ("编号", "指标内容", "自评结果", "自评得分", "督察结果", "督察得分", "差值（自评−督察）", "自评佐证材料",
                "自评说明", "检查备注")
DIFF_WIDTHS = (8, 40, 10, 9, 10, 9, 10, 26, 16, 16)


def comparison_of(data: InspectionData) -> SelfComparison | None:
    """The unit's 自评 against this inspection, or None when the unit has none."""
    assessments = from_tables(data.tables, data.checklist)
    if not any(a.answered or a.evidence or a.note for a in assessments.values()):
        return None
    return compare(data.checklist, data.results, assessments, data.report)


def _num(x: float | None) -> Any:
    if x is None:
        return None
    f = float(x)
    return int(f) if f.is_integer() else f


def _header_row(ws: Worksheet) -> int | None:
    for row in range(1, min(ws.max_row, 12) + 1):
        if ws.cell(row=row, column=1).value == "编号" and ws.cell(row=row, column=2).value == "指标内容":
            return row
    return None


def _widen_merges(ws: Worksheet, last_col: int, rows: set[int]) -> None:
    """Title and note rows merged across the old width: merge them across the new one."""
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row == rng.max_row and rng.min_row in rows and rng.min_col == 1:
            ws.unmerge_cells(str(rng))
            ws.merge_cells(start_row=rng.min_row, start_column=1, end_row=rng.max_row, end_column=last_col)


def add_self_columns(ws: Worksheet, data: InspectionData, comp: SelfComparison) -> None:
    """Append the 自评 columns to a 评分明细 sheet (rows found by their 编号 in column A)."""
    head = _header_row(ws)
    if head is None:
        return
    first = ws.max_column + 1
    for i, (name, width) in enumerate(zip(SELF_COLUMNS, SELF_WIDTHS)):
        ws.column_dimensions[get_column_letter(first + i)].width = width
    old_last = first - 1
    for i, name in enumerate(SELF_COLUMNS):
        put(ws, head, first + i, name)
    header_row(ws, head, [ws.cell(row=head, column=c).value for c in range(1, first + len(SELF_COLUMNS))])
    checklist = data.checklist
    last_data = head
    single_rows = {1, 2}
    for row in range(head + 1, ws.max_row + 1):
        code = ws.cell(row=row, column=1).value
        if code == "合计":
            total = comp.self_total
            put_row_at(ws, row, first, ["", _num(total) if total is not None else "未自评", "", "", ""],
                       font=FONT_BOLD, fill=TOTAL_FILL)
            ws.cell(row=row, column=first + 1).number_format = POINTS_FORMAT
            continue
        if not isinstance(code, str) or not checklist.has_item(code):
            if any(r.min_row == row and r.max_col == old_last for r in ws.merged_cells.ranges):
                single_rows.add(row)
            continue
        last_data = row
        item = checklist.item(code)
        if item.is_leaf:
            a = comp.assessments.get(code)
            gap = comp.leaf_gap(item)
            same = ""
            if a is not None and a.answered and (r := comp.inspected.get(code)) is not None and r.is_scored:
                same = "不一致" if differs(item, r, a) else "一致"
            put_row_at(ws, row, first, [answer_text(item, a), _num(gap.self_points), same,
                                        a.evidence if a else "", a.note if a else ""])
        else:
            node = comp.node(item)
            put_row_at(ws, row, first, ["", _num(node.self_points) if node.self_applicable else "不涉及", "", "", ""],
                       font=FONT_BOLD, fill=SECTION_FILL)
        points = ws.cell(row=row, column=first + 1)
        points.number_format = SIGNED_FORMAT if item.kind != "normal" else POINTS_FORMAT
        points.alignment = TOP_RIGHT
        ws.cell(row=row, column=first + 2).alignment = TOP_CENTER
        fit_row_height(ws, row)
    last_col = first + len(SELF_COLUMNS) - 1
    _widen_merges(ws, last_col, single_rows)
    ws.auto_filter.ref = f"A{head}:{get_column_letter(last_col)}{last_data}"


def put_row_at(ws: Worksheet, row: int, col: int, values: list[Any], **kwargs: Any) -> None:
    for i, v in enumerate(values):
        put(ws, row, col + i, v, **kwargs)


def _section_title(item: Item) -> str:
    if item.kind == "normal":
        return item.title
    label = KIND_LABELS[item.kind]
    return item.title if label in item.title else f"{item.title}（{label}）"


def add_diff_sheet(wb: Workbook, data: InspectionData, comp: SelfComparison) -> Worksheet:
    ws = wb.create_sheet(DIFF)
    set_widths(ws, DIFF_WIDTHS)
    ncols = len(ITEM_HEADERS)
    filler = (data.meta.get("self_check") or {}).get("filler", "")
    subtitle = f"检查清单：{data.checklist.title}（{data.checklist.version}）    检查日期：{data.date}"
    if filler:
        subtitle += f"    自查表填报人：{filler}"
    title_rows(ws, f"{data.unit}自评与督察结果对比", subtitle, ncols)
    row = 3
    header_row(ws, row, SECTION_HEADERS)
    head = row
    for item, node in zip(data.checklist.items, comp.sections):
        row += 1
        s_ns, i_ns = comp.self_report.nodes[item.code], comp.inspected_report.nodes[item.code]
        normal = item.kind == "normal"
        put_row(ws, row, [
            item.code, _section_title(item), _num(item.points) if normal else None,
            _num(node.self_points) if node.self_applicable else "不涉及",
            _num(node.inspected_points) if node.inspected_applicable else "不涉及",
            _num(node.gap),
            s_ns.percent / 100 if normal and s_ns.percent is not None else None,
            i_ns.percent / 100 if normal and i_ns.percent is not None else None,
        ])
        _formats(ws, row, signed=not normal)
    row += 1
    put_row(ws, row, ["合计", "总分", _num(data.report.max_total), _num(comp.self_total), _num(comp.inspected_total),
                      _num(comp.total_gap),
                      comp.self_report.percent / 100 if comp.self_total is not None else None,
                      comp.inspected_report.percent / 100 if comp.inspected_total is not None else None],
            font=FONT_BOLD, fill=TOTAL_FILL)
    _formats(ws, row)
    row += 2
    put(ws, row, 1, f"自评与督察结果不一致的指标（{len(comp.differing)} 项）", font=FONT_BOLD, border=False)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    row += 1
    header_row(ws, row, ITEM_HEADERS)
    for code in comp.differing:
        row += 1
        item = data.checklist.item(code)
        a, r = comp.assessments.get(code), comp.inspected.get(code)
        gap = comp.leaf_gap(item)
        put_row(ws, row, [code, item.full_text, answer_text(item, a), _num(gap.self_points), describe_value(item, r),
                          _num(gap.inspected_points), _num(gap.gap), a.evidence if a else "", a.note if a else "",
                          r.note if r else ""])
        for col in (4, 6, 7):
            ws.cell(row=row, column=col).number_format = SIGNED_FORMAT if col == 7 or item.kind != "normal" else POINTS_FORMAT
            ws.cell(row=row, column=col).alignment = TOP_RIGHT
        for col in (1, 3, 5):
            ws.cell(row=row, column=col).alignment = TOP_CENTER
        fit_row_height(ws, row)
    if not comp.differing:
        row += 1
        put(ws, row, 1, "双方都已评定的指标中，自评与督察结果一致。", align=Alignment(horizontal="center"))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    row += 2
    note = (f"注：自评虚高 = 自评分 − 督察分，正数表示单位自评高于督察结果。两边各按自己的“不涉及”折算，计分规则相同。"
            f"单位未自评 {comp.self_report.unscored} 项，督察未评 {comp.inspected_report.unscored} 项；未评的项不计分，"
            "两边都评完时总分之差才完全可比。")
    put(ws, row, 1, note, border=False)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    fit_row_height(ws, row)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    print_setup(ws, landscape=True, title_rows="1:2", footer=f"{data.unit} · 自评与督察差异")
    ws.sheet_properties.tabColor = "7030A0"
    return ws


def _formats(ws: Worksheet, row: int, signed: bool = False) -> None:
    for col in (3, 4, 5):
        ws.cell(row=row, column=col).number_format = SIGNED_FORMAT if signed and col > 3 else POINTS_FORMAT
        ws.cell(row=row, column=col).alignment = TOP_RIGHT
    ws.cell(row=row, column=6).number_format = SIGNED_FORMAT
    ws.cell(row=row, column=6).alignment = TOP_RIGHT
    for col in (7, 8):
        ws.cell(row=row, column=col).number_format = PERCENT_FORMAT
        ws.cell(row=row, column=col).alignment = TOP_RIGHT
    ws.cell(row=row, column=1).alignment = TOP_CENTER
    fit_row_height(ws, row)


def add_self_check_sheets(wb: Workbook, data: InspectionData) -> None:
    """The 自评 columns and the 差异 sheet, when the unit's self-assessment is in the file."""
    comp = comparison_of(data)
    if comp is None:
        return
    from .score_sheets import DETAIL

    if DETAIL in wb.sheetnames:
        add_self_columns(wb[DETAIL], data, comp)
        index = wb.sheetnames.index(DETAIL) + 1
    else:
        index = len(wb.sheetnames)
    ws = add_diff_sheet(wb, data, comp)
    wb.move_sheet(ws, offset=index - wb.sheetnames.index(DIFF))


__all__ = ["DIFF", "ITEM_HEADERS", "SECTION_HEADERS", "SELF_COLUMNS", "add_self_check_sheets", "comparison_of"]
