"""The Excel workbook of one inspection, as the 督察办 files, forwards and prints it.

:func:`build_workbook` returns the openpyxl ``Workbook``; each sheet has its own builder
(``add_*_sheet(wb, data)``) so a consolidation of several inspections can reuse them.
:func:`write_xlsx` is the registered writer.

Sheets, in order:

``检查信息``  two columns 项目 | 内容: unit, type, checklist id/version/hash, inspectors,
             dates, status, seal, score, grade, 完成度, counts, audit check, export time.
``评分汇总``  rows 1–2 title, row 3 header
             编号 | 一级指标 | 满分 | 得分 | 得分率 | 评分项数 | 已评 | 不涉及 | 问题数 | 未销号;
             one row per normal top-level section, then 加分项 (+) and 减分项 (−) rows, a 合计
             row whose 得分 is the scoring engine's total, 等次 and 完成度 rows, and a bar chart
             of 得分率 per normal section.
``评分明细``  rows 1–2 title, row 3 header
             编号 | 指标内容 | 评分方法 | 评分结果 | 得分 | 满分 | 不涉及 | 不涉及理由 | 备注 |
             问题数 | 责任单位 | 评分人; every item in tree order, text indented by depth and
             rows outline-grouped by depth; a 合计 row at the end.
``问题清单``  rows 1–2 title, row 3 header
             序号 | 问题编号 | 指标编号 | 指标内容 | 问题描述 | 佐证材料 | 严重程度 | 状态 | 记录人 |
             记录日期; 佐证材料 lists text and files (name, size, full SHA-256). 整改要求,
             责任单位, 整改时限 and 复查意见 are in 整改清单 (same 序号).
``整改清单``  the print-ready rectification list (A4 landscape, rows 1–3 repeated on every page):
             row 1 title, row 2 检查清单/日期/检查组, row 3 header, findings from row 4:

             ====  ========  ==========================================================
             col   header    content
             ====  ========  ==========================================================
             A     序号      1, 2, … (same order and numbers as 问题清单)
             B     问题      问题描述, then “（指标 <code>，<severity>）”
             C     整改要求  requirement
             D     责任单位  units joined by “、”
             E     整改时限  a date cell (empty when none)
             F     状态      one of 待整改/整改中/已整改/已销号 (drop-down list)
             G     复查意见  review
             H     问题编号  finding id                         (hidden column)
             I     内容指纹  :func:`finding_fingerprint` at export  (hidden column)
             ====  ========  ==========================================================

             The identity columns H–I sit in the same row as the text, and the auto-filter
             range covers A–I, so sorting or filtering in Excel/WPS keeps each row's id with it.
``_fzzf``     hidden sheet, for programs (an import of status edited by the inspected unit):
             rows 1–8 are key | value: ``format`` (``fzzf-xlsx/1``), ``inspection_id``, ``unit``,
             ``checklist_id``, ``checklist_hash``, ``exported_at`` (ISO), ``generator``,
             ``fingerprint_fields`` (comma-separated); row 10 is the header
             ``序号 | 问题编号 | 内容指纹 | 整改清单行``, then one row per finding as exported.

A fingerprint is the SHA-256 of the canonical JSON of the finding's
:data:`FINGERPRINT_FIELDS`. An importer compares it with the current finding: equal means the
finding has not changed in the app since export, so the unit's edits in F–G can be applied
without a conflict.
"""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import __version__
from ..checklist.model import KIND_LABELS, METHOD_LABELS, Item, canonical_json
from ..inspection import STATUSES, Finding, describe_value
from ..inspection.storage import atomic_write_bytes
from .cells import (
    DATE_FORMAT_CN,
    FONT_BOLD,
    FONT_BODY,
    PERCENT_FORMAT,
    POINTS_FORMAT,
    SECTION_FILL,
    TOP_CENTER,
    TOP_RIGHT,
    TOTAL_FILL,
    WRAP,
    fit_row_height,
    fit_width,
    header_row,
    new_workbook,
    print_setup,
    put,
    put_row,
    set_widths,
    title_rows,
    to_date,
    to_datetime,
)
from .data import InspectionData, as_data

XLSX_FORMAT = "fzzf-xlsx/1"
INFO, SUMMARY, DETAIL, FINDINGS, RECTIFICATION, IDENTITY = "检查信息", "评分汇总", "评分明细", "问题清单", "整改清单", "_fzzf"
SHEET_NAMES = (INFO, SUMMARY, DETAIL, FINDINGS, RECTIFICATION)
FINGERPRINT_FIELDS = ("id", "description", "item_code", "severity", "requirement", "units", "due", "status", "review")
RECTIFICATION_HEADERS = ("序号", "问题", "整改要求", "责任单位", "整改时限", "状态", "复查意见", "问题编号", "内容指纹")
RECTIFICATION_FIRST_ROW = 4
STATUS_COLUMN = "F"
IDENTITY_TABLE_ROW = 10


def finding_fingerprint(finding: Finding) -> str:
    """SHA-256 (hex) of what a finding says and its rectification state."""
    d = finding.to_dict()
    body = {k: d.get(k) for k in FINGERPRINT_FIELDS}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def _num(x: float) -> float | int:
    """The engine's number unchanged (10.0 is written as 10)."""
    f = float(x)
    return int(f) if f.is_integer() else f


def _units(units: tuple[str, ...] | list[str]) -> str:
    return "、".join(units)


def _title_prefix(data: InspectionData) -> str:
    return f"{data.unit}{data.type}"


def _subtitle(data: InspectionData) -> str:
    parts = [
        f"检查清单：{data.checklist.title}（{data.meta.get('checklist_version', data.checklist.version)}）",
        f"检查日期：{data.date}",
    ]
    inspectors = data.meta.get("inspectors") or []
    if inspectors:
        parts.append(f"检查组：{'、'.join(inspectors)}")
    parts.append(f"导出时间：{data.exported_at:%Y-%m-%d %H:%M}")
    return "    ".join(parts)


def _footer(data: InspectionData) -> str:
    return f"{data.unit} · {data.type}"


# -- 检查信息 --------------------------------------------------------------------------------
def add_info_sheet(wb: Workbook, data: InspectionData) -> Worksheet:
    ws = wb.create_sheet(INFO)
    meta, report = data.meta, data.report
    set_widths(ws, (22, 74))
    row = title_rows(ws, "法治政府建设督察检查信息", data.unit, 2)
    header_row(ws, row, ("项目", "内容"))
    head = row
    pairs: list[tuple[str, Any, str | None]] = [
        ("被检查单位", data.unit, None),
        ("检查类型", data.type, None),
    ]
    if meta.get("title"):
        pairs.append(("检查标题", meta["title"], None))
    pairs += [
        ("检查清单", meta.get("checklist_title", data.checklist.title), None),
        ("清单编号", meta.get("checklist_id", data.checklist.id), None),
        ("清单版本", meta.get("checklist_version", data.checklist.version), None),
        ("清单哈希", meta.get("checklist_hash", data.checklist.content_hash), None),
        ("检查人员", "、".join(meta.get("inspectors") or []), None),
        ("检查日期", to_date(meta.get("date")) or meta.get("date", ""), None),
    ]
    if meta.get("end_date"):
        pairs.append(("结束日期", to_date(meta["end_date"]) or meta["end_date"], None))
    pairs += [
        ("检查状态", data.meta.get("status", ""), None),
        ("检查编号", data.id, None),
        ("创建时间", to_datetime(meta.get("created_at")), None),
        ("创建人", meta.get("created_by", ""), None),
        ("最后修改时间", to_datetime(meta.get("updated_at")), None),
    ]
    seal = meta.get("seal")
    if seal:
        pairs += [("封存时间", to_datetime(seal.get("at")), None), ("封存人", seal.get("by", ""), None)]
    for i, reopen in enumerate(meta.get("reopens") or [], start=1):
        pairs.append((f"重新打开（第 {i} 次）", f"{reopen.get('at', '')} {reopen.get('by', '')}：{reopen.get('reason', '')}", None))
    pairs += [
        ("总分", _num(report.total), POINTS_FORMAT),
        ("满分", _num(report.max_total), POINTS_FORMAT),
        ("得分率", report.percent / 100, "0.00%"),
        ("等次", report.grade, None),
    ]
    if any(item.kind != "normal" for item in data.checklist.items):
        pairs += [
            ("基础分", _num(report.base), POINTS_FORMAT),
            ("加分", _num(report.bonus), POINTS_FORMAT),
            ("减分", _num(report.penalty), POINTS_FORMAT),
        ]
    open_findings = sum(1 for f in data.findings if f.is_open)
    pairs += [
        ("完成度", report.completion, "0.00%"),
        ("完成度要求", report.completion_threshold, "0%"),
        ("是否达到完成度要求", "是" if report.ready else "否", None),
        ("评分项总数", report.leaves, "0"),
        ("已评项数", report.scored, "0"),
        ("不涉及项数", report.na, "0"),
        ("问题数", len(data.findings), "0"),
        ("未销号问题数", open_findings, "0"),
        ("审计记录条数", len(data.audit), "0"),
        ("审计链校验", "通过" if data.verification.ok else "未通过：" + "；".join(data.verification.problems), None),
        ("导出时间", to_datetime(data.exported_at), None),
        ("导出工具", f"fzzf-tui {__version__}", None),
    ]
    for label, value, fmt in pairs:
        row += 1
        put(ws, row, 1, label, font=FONT_BOLD)
        put(ws, row, 2, "" if value is None else value, number_format=fmt,
            align=Alignment(horizontal="left", vertical="top", wrap_text=True))
        fit_row_height(ws, row)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    print_setup(ws, landscape=False, title_rows=f"{head}:{head}", footer=_footer(data))
    return ws


# -- 评分汇总 --------------------------------------------------------------------------------
def section_contribution(data: InspectionData, item: Item) -> float:
    """What a top-level bonus (+) or penalty (−) section adds to the total, as the engine counts it."""
    nodes = data.report.nodes
    if item.kind == "bonus":
        raw = sum(nodes[leaf.code].earned for leaf in item.leaves() if nodes[leaf.code].applicable)
        return min(raw, item.points)
    if item.kind == "penalty":
        lost = sum(
            leaf.points - nodes[leaf.code].earned
            for leaf in item.leaves()
            if nodes[leaf.code].applicable and nodes[leaf.code].scored
        )
        return -min(lost, item.points)
    return nodes[item.code].earned


SUMMARY_HEADERS = ("编号", "一级指标", "满分", "得分", "得分率", "评分项数", "已评", "不涉及", "问题数", "未销号")


def add_summary_sheet(wb: Workbook, data: InspectionData) -> Worksheet:
    ws = wb.create_sheet(SUMMARY)
    report = data.report
    tops = list(data.checklist.items)
    normal = [i for i in tops if i.kind == "normal"]
    extra = [i for i in tops if i.kind != "normal"]
    titles = [f"{i.title}" + (f"（{KIND_LABELS[i.kind]}）" if i.kind != "normal" and KIND_LABELS[i.kind] not in i.title else "") for i in normal + extra]
    set_widths(ws, (7, max(24.0, fit_width(titles, maximum=40)), 9, 9, 9, 9, 7, 7, 7, 7))
    row = title_rows(ws, f"{_title_prefix(data)}评分汇总", _subtitle(data), len(SUMMARY_HEADERS))
    header_row(ws, row, SUMMARY_HEADERS)
    head = row
    first_normal = row + 1
    for item, title in zip(normal + extra, titles):
        row += 1
        ns = report.nodes[item.code]
        findings = data.findings_under(item)
        if item.kind == "normal":
            earned: Any = _num(ns.earned) if ns.applicable else "不涉及"
            percent: Any = ns.percent / 100 if ns.applicable else None
        else:
            earned, percent = _num(section_contribution(data, item)), None
        values = [item.code, title, _num(item.points), earned, percent, ns.leaves, ns.scored, ns.na_leaves,
                  len(findings), sum(1 for f in findings if f.is_open)]
        put_row(ws, row, values)
        _number_formats(ws, row)
        fit_row_height(ws, row)
    last_normal = first_normal + len(normal) - 1
    row += 1
    put_row(
        ws,
        row,
        ["合计", "", _num(report.max_total), _num(report.total), report.percent / 100, report.leaves, report.scored,
         report.na, len(data.findings), sum(1 for f in data.findings if f.is_open)],
        font=FONT_BOLD,
        fill=TOTAL_FILL,
    )
    _number_formats(ws, row)
    for label, value, fmt in (
        ("等次", report.grade, None),
        ("完成度", report.completion, "0.00%"),
        ("完成度要求", report.completion_threshold, "0%"),
    ):
        row += 1
        put(ws, row, 1, label, font=FONT_BOLD)
        put(ws, row, 3, value, number_format=fmt, align=Alignment(horizontal="left", vertical="top"))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=len(SUMMARY_HEADERS))
    row += 1
    note = "注：一级指标得分按其适用（非“不涉及”）的下级指标折算；合计得分以评分引擎计算为准"
    if extra:
        note += f"：基础分 {report.base:.2f} + 加分 {report.bonus:.2f} − 减分 {report.penalty:.2f} = {report.total:.2f}"
    note += "。"
    put(ws, row, 1, note, border=False)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(SUMMARY_HEADERS))
    fit_row_height(ws, row)
    if normal:
        _add_percent_chart(ws, first_normal, last_normal, anchor_row=row + 2)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    print_setup(ws, landscape=False, title_rows=f"1:{head}", footer=_footer(data))
    ws.sheet_properties.tabColor = "4472C4"
    return ws


def _number_formats(ws: Worksheet, row: int) -> None:
    for col in (3, 4):
        ws.cell(row=row, column=col).number_format = POINTS_FORMAT
        ws.cell(row=row, column=col).alignment = TOP_RIGHT
    ws.cell(row=row, column=5).number_format = PERCENT_FORMAT
    ws.cell(row=row, column=5).alignment = TOP_RIGHT
    for col in range(6, 11):
        ws.cell(row=row, column=col).number_format = "0"
        ws.cell(row=row, column=col).alignment = TOP_RIGHT
    ws.cell(row=row, column=1).alignment = TOP_CENTER


def _add_percent_chart(ws: Worksheet, first: int, last: int, anchor_row: int) -> None:
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: long Chinese section names stay readable
    chart.style = 10
    chart.title = "各一级指标得分率"
    chart.legend = None
    chart.varyColors = False
    data = Reference(ws, min_col=5, min_row=first, max_row=last)
    cats = Reference(ws, min_col=2, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=False)
    chart.set_categories(cats)
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.2
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # first section on top, as in the table
    # openpyxl 3.1 writes axes as deleted unless told otherwise
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    for flag in ("showCatName", "showSerName", "showLegendKey", "showPercent", "showBubbleSize"):
        setattr(chart.dataLabels, flag, False)
    chart.dataLabels.numFmt = "0.0%"
    chart.width = 17
    chart.height = max(7.0, 1.0 * (last - first + 1) + 3)
    ws.add_chart(chart, f"A{anchor_row}")


# -- 评分明细 --------------------------------------------------------------------------------
DETAIL_HEADERS = ("编号", "指标内容", "评分方法", "评分结果", "得分", "满分", "不涉及", "不涉及理由", "备注", "问题数", "责任单位", "评分人")


def method_text(item: Item) -> str:
    label = METHOD_LABELS.get(item.method, item.method)
    if item.method == "deduction" and item.deduction:
        label += f"（每处扣 {item.deduction.per_case:g} 分）"
    if item.kind != "normal":
        label = f"{KIND_LABELS[item.kind]}·{label}"
    return label


def add_detail_sheet(wb: Workbook, data: InspectionData) -> Worksheet:
    ws = wb.create_sheet(DETAIL)
    report, checklist, results = data.report, data.checklist, data.results
    codes = [i.code for i in checklist.walk()]
    set_widths(ws, (fit_width(codes, minimum=7, maximum=14), 50, 13, 10, 8, 8, 7, 16, 18, 7, 18, 9))
    row = title_rows(ws, f"{_title_prefix(data)}评分明细", _subtitle(data), len(DETAIL_HEADERS))
    header_row(ws, row, DETAIL_HEADERS)
    head = row
    counts: dict[str, int] = {}
    for f in data.findings:
        if f.item_code:
            counts[f.item_code] = counts.get(f.item_code, 0) + 1
    ws.sheet_properties.outlinePr.summaryBelow = False
    for item in checklist.walk():
        row += 1
        depth = checklist.depth(item.code)
        ns = report.nodes[item.code]
        n_findings = sum(counts.get(node.code, 0) for node in item.walk())
        text = item.full_text if item.is_leaf else f"{item.label}{item.title}" if item.label.endswith(("、", ".", "．")) else item.title
        if item.is_leaf:
            r = results.get(item.code)
            scored = r is not None and r.value is not None and not r.na
            values = [
                item.code, text, method_text(item), describe_value(item, r),
                _num(ns.earned) if scored else None, _num(item.points),
                "是" if (r and r.na) else "", r.na_reason if r else "", r.note if r else "",
                n_findings, _units(item.units), r.by if r else "",
            ]
            put_row(ws, row, values)
        else:
            values = [
                item.code, text, KIND_LABELS[item.kind] if item.kind != "normal" else "",
                f"已评 {ns.scored}/{ns.leaves}",
                _num(ns.earned) if ns.applicable else None, _num(item.points),
                "" if ns.applicable else "是", "", item.note, n_findings, _units(item.units), "",
            ]
            put_row(ws, row, values, font=FONT_BOLD, fill=SECTION_FILL)
        ws.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top", indent=min(depth * 2, 15))
        ws.cell(row=row, column=1).alignment = Alignment(vertical="top")
        for col, fmt in ((5, POINTS_FORMAT), (6, POINTS_FORMAT), (10, "0")):
            ws.cell(row=row, column=col).number_format = fmt
            ws.cell(row=row, column=col).alignment = TOP_RIGHT
        ws.cell(row=row, column=7).alignment = TOP_CENTER
        if depth:
            ws.row_dimensions[row].outline_level = min(depth, 7)
        fit_row_height(ws, row)
    last = row
    row += 1
    put_row(ws, row, ["合计", "", "", f"已评 {report.scored}/{report.leaves}", _num(report.total), _num(report.max_total),
                      report.na or "", "", "", len(data.findings), "", ""], font=FONT_BOLD, fill=TOTAL_FILL)
    for col in (5, 6):
        ws.cell(row=row, column=col).number_format = POINTS_FORMAT
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    ws.auto_filter.ref = f"A{head}:{ws.cell(row=last, column=len(DETAIL_HEADERS)).coordinate}"
    print_setup(ws, landscape=True, title_rows=f"{head}:{head}", footer=_footer(data))
    return ws


# -- 问题清单 --------------------------------------------------------------------------------
FINDINGS_HEADERS = ("序号", "问题编号", "指标编号", "指标内容", "问题描述", "佐证材料", "严重程度", "状态", "记录人", "记录日期")


def evidence_text(finding: Finding) -> str:
    """佐证材料 of a finding, one numbered entry each; files with size and full SHA-256."""
    lines = []
    for n, ev in enumerate(finding.evidence, start=1):
        if ev.is_file:
            name = ev.path.replace("\\", "/").rsplit("/", 1)[-1]
            size = f"{ev.size:,} 字节" if ev.size is not None else "大小未知"
            line = f"{n}. 文件：{name}（{size}）"
            if ev.text:
                line += f"，{ev.text}"
            line += f"\nSHA-256：{ev.sha256}"
        else:
            line = f"{n}. {ev.text}"
        lines.append(line)
    return "\n".join(lines)


def add_findings_sheet(wb: Workbook, data: InspectionData) -> Worksheet:
    ws = wb.create_sheet(FINDINGS)
    set_widths(ws, (6, 14, 10, 34, 36, 38, 7, 8, 9, 12))
    row = title_rows(ws, f"{_title_prefix(data)}问题清单", _subtitle(data), len(FINDINGS_HEADERS))
    header_row(ws, row, FINDINGS_HEADERS)
    head = row
    for n, f in enumerate(data.findings, start=1):
        row += 1
        item = data.item(f.item_code)
        values = [
            n, f.id, f.item_code or "整体", item.full_text if item else "（不针对具体指标）", f.description,
            evidence_text(f), f.severity, f.status, f.created_by, to_date(f.created_at),
        ]
        put_row(ws, row, values)
        for col in (1, 7, 8, 10):
            ws.cell(row=row, column=col).alignment = TOP_CENTER
        fit_row_height(ws, row)
    if not data.findings:
        row += 1
        put(ws, row, 1, "本次检查未记录问题。", border=False)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(FINDINGS_HEADERS))
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    last_col = ws.cell(row=row if data.findings else head, column=len(FINDINGS_HEADERS)).coordinate
    ws.auto_filter.ref = f"A{head}:{last_col}"
    print_setup(ws, landscape=True, title_rows=f"1:{head}", footer=_footer(data))
    return ws


# -- 整改清单 --------------------------------------------------------------------------------
def rectification_values(finding: Finding, number: int) -> list[Any]:
    """The visible cells A–G of one 整改清单 row (an importer compares edits against these)."""
    where = f"指标 {finding.item_code}，" if finding.item_code else ""
    problem = f"{finding.description}\n（{where}{finding.severity}）"
    return [number, problem, finding.requirement, _units(finding.units), to_date(finding.due), finding.status, finding.review]


def add_rectification_sheet(wb: Workbook, data: InspectionData) -> Worksheet:
    ws = wb.create_sheet(RECTIFICATION)
    visible = 7
    set_widths(ws, (5, 38, 31, 16, 15, 8, 21, 14, 20))
    title = f"{data.unit}法治政府建设{data.type}问题整改清单"
    subtitle = f"检查清单：{data.checklist.title}    检查日期：{data.date}"
    inspectors = data.meta.get("inspectors") or []
    if inspectors:
        subtitle += f"    检查组：{'、'.join(inspectors)}"
    subtitle += f"    共 {len(data.findings)} 个问题"
    row = title_rows(ws, title, subtitle, visible)
    header_row(ws, row, RECTIFICATION_HEADERS)
    head = row
    assert head + 1 == RECTIFICATION_FIRST_ROW
    for n, f in enumerate(data.findings, start=1):
        row += 1
        put_row(ws, row, rectification_values(f, n) + [f.id, finding_fingerprint(f)])
        ws.cell(row=row, column=1).alignment = TOP_CENTER
        ws.cell(row=row, column=5).number_format = DATE_FORMAT_CN
        ws.cell(row=row, column=5).alignment = TOP_CENTER
        ws.cell(row=row, column=6).alignment = TOP_CENTER
        fit_row_height(ws, row)
    for letter in ("H", "I"):
        ws.column_dimensions[letter].hidden = True
    if data.findings:
        last = row
        ws.auto_filter.ref = f"A{head}:I{last}"
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(STATUSES) + '"',
            allow_blank=False,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle="状态不正确",
            error="请从下拉列表中选择：" + "、".join(STATUSES),
            promptTitle="整改状态",
            prompt="、".join(STATUSES),
        )
        dv.add(f"{STATUS_COLUMN}{RECTIFICATION_FIRST_ROW}:{STATUS_COLUMN}{last}")
        ws.add_data_validation(dv)
    else:
        row += 1
        put(ws, row, 1, "本次检查未发现需要整改的问题。", align=Alignment(horizontal="center", vertical="center"))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=visible)
        ws.auto_filter.ref = f"A{head}:I{head}"
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    ws.print_area = f"A1:G{max(row, head)}"
    print_setup(ws, landscape=True, title_rows=f"1:{head}", footer=_footer(data))
    ws.sheet_properties.tabColor = "C00000"
    return ws


def add_identity_sheet(wb: Workbook, data: InspectionData) -> Worksheet:
    ws = wb.create_sheet(IDENTITY)
    ws.sheet_state = "hidden"
    pairs = [
        ("format", XLSX_FORMAT),
        ("inspection_id", data.id),
        ("unit", data.unit),
        ("checklist_id", data.meta.get("checklist_id", data.checklist.id)),
        ("checklist_hash", data.meta.get("checklist_hash", data.checklist.content_hash)),
        ("exported_at", data.exported_at.isoformat(timespec="seconds")),
        ("generator", f"fzzf-tui {__version__}"),
        ("fingerprint_fields", ",".join(FINGERPRINT_FIELDS)),
    ]
    for r, (key, value) in enumerate(pairs, start=1):
        put(ws, r, 1, key, border=False, align=None)
        put(ws, r, 2, value, border=False, align=None)
    put_row(ws, IDENTITY_TABLE_ROW, ("序号", "问题编号", "内容指纹", "整改清单行"), border=False, align=None)
    for n, f in enumerate(data.findings, start=1):
        put_row(ws, IDENTITY_TABLE_ROW + n, (n, f.id, finding_fingerprint(f), RECTIFICATION_FIRST_ROW + n - 1),
                border=False, align=None)
    set_widths(ws, (18, 16, 68, 12))
    return ws


# -- the workbook ------------------------------------------------------------------------------
def build_workbook(source: Any) -> Workbook:
    """The whole workbook for one inspection (an :class:`Inspection` or :class:`InspectionData`)."""
    data = as_data(source)
    wb = new_workbook()
    add_info_sheet(wb, data)
    add_summary_sheet(wb, data)
    add_detail_sheet(wb, data)
    add_findings_sheet(wb, data)
    add_rectification_sheet(wb, data)
    add_identity_sheet(wb, data)
    wb.active = 0
    props = wb.properties
    props.title = f"{_title_prefix(data)}检查结果"
    props.subject = data.checklist.title
    props.creator = ", ".join(data.meta.get("inspectors") or []) or "fzzf-tui"
    props.description = f"fzzf-tui {__version__}；检查编号 {data.id}"
    props.created = data.exported_at.replace(tzinfo=None)
    return wb


def workbook_bytes(source: Any) -> bytes:
    buf = BytesIO()
    build_workbook(source).save(buf)
    return buf.getvalue()


def write_xlsx(data: InspectionData, path: Path) -> None:
    """The registered ``xlsx`` writer."""
    atomic_write_bytes(Path(path), workbook_bytes(data))


__all__ = [
    "FINGERPRINT_FIELDS", "RECTIFICATION_HEADERS", "SHEET_NAMES", "XLSX_FORMAT", "add_detail_sheet",
    "add_findings_sheet", "add_identity_sheet", "add_info_sheet", "add_rectification_sheet", "add_summary_sheet",
    "build_workbook", "evidence_text", "finding_fingerprint", "rectification_values", "workbook_bytes", "write_xlsx",
]
