"""The score sheets of the inspection workbook: 检查信息, 评分汇总 and 评分明细.

They print the scoring engine's numbers unchanged (already rounded by its one rule) and say
what each number means, so a clerk can check them by hand:

* 加分项/减分项 are signed amounts (+10, −20) — never "points out of" — and the same amount
  appears on 评分汇总 and on the section row of 评分明细;
* 未评 is written as 未评 (or left blank in a number column), never as 0;
* every section row of 评分明细 carries 满分, 应得分 (its applicable children's 满分) and
  下级得分合计, so ``得分 = 下级得分合计 ÷ 应得分 × 满分`` can be added up on paper;
* the checklist's source notes (来源说明) stay apart from the inspectors' notes (检查备注).

Column layouts:

``检查信息``  项目 | 内容 (清单来源: the plugin and version that provided the checklist, when recorded).
``评分汇总``  编号 | 一级指标 | 满分 | 得分 | 得分率 | 评分项数 | 已评 | 不涉及 | 问题数 | 未销号;
             normal sections, then 加分项/减分项 (满分 blank, 得分 signed), 合计, then rows
             等次 / 一票否决 / 进度 / 完成度 / 完成度要求 (only where the checklist has one).
``评分明细``  see :data:`DETAIL_HEADERS`; a 合计 row, then one row per part of the total.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from .. import __version__
from ..checklist.model import KIND_LABELS, Item, method_label
from ..inspection import describe_value
from ..inspection.conditions import profile as na_profile
from ..inspection.scoring import ScoreReport, format_percent, format_points, format_signed
from .cells import (
    FONT_BOLD,
    PERCENT_FORMAT,
    POINTS_FORMAT,
    SECTION_FILL,
    TOP_CENTER,
    TOP_RIGHT,
    TOTAL_FILL,
    fit_row_height,
    fit_width,
    header_row,
    print_setup,
    put,
    put_row,
    restyle,
    set_widths,
    title_rows,
    to_date,
    to_datetime,
)
from .data import InspectionData

INFO, SUMMARY, DETAIL = "检查信息", "评分汇总", "评分明细"
# A signed amount: +10.00 / −20.00 (a true minus sign) / 0.00; the cell holds the signed number.
SIGNED_FORMAT = '+0.00;"−"0.00;0.00'
UNSCORED = "未评"
PROVISIONAL_NOTE = "分值暂定：来源文件未规定分值，本清单的分值为暂定值，仅供参考"


def _num(x: float) -> float | int:
    """The engine's number unchanged (10.0 is written as 10)."""
    f = float(x)
    return int(f) if f.is_integer() else f


def units_text(item: Item) -> str:
    """责任单位 joined by 、, the 牵头 units marked as such."""
    lead = set(item.lead_units)
    return "、".join(f"{u}（牵头）" if u in lead else u for u in item.units)


def scorers(data: InspectionData) -> str:
    """评分人: who recorded the results, with how many each (in first-seen order)."""
    counts: dict[str, int] = {}
    for r in data.results.values():
        if r.by:
            counts[r.by] = counts.get(r.by, 0) + 1
    return "、".join(f"{who}（{n} 项）" for who, n in counts.items())


def progress_text(report: ScoreReport) -> str:
    return (f"{format_percent(report.progress)}（已评 {report.scored - report.na} 项、不涉及 {report.na} 项，"
            f"共 {report.leaves} 项；未评 {report.unscored} 项）")


def completion_text(data: InspectionData) -> str:
    """What 完成度 counts, in words (its definition is checklist data)."""
    c = data.checklist
    if c.complete_levels:
        rule = "档次为" + "、".join(c.complete_levels) + "（其他评分方法得满分）"
    else:
        rule = "得满分"
    return f"适用的指标中{rule}的比例；未评项计为未完成"


def _provisional(data: InspectionData) -> bool:
    return data.checklist.points_provisional


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
    if _provisional(data):
        parts.append("分值暂定")
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
    profile = na_profile(meta)
    if profile:
        pairs.append(("单位情形", "、".join(profile) + "（原文标注该情形不涉及的指标已标记为不涉及）", None))
    pairs += [
        ("检查清单", meta.get("checklist_title", data.checklist.title), None),
        ("清单编号", meta.get("checklist_id", data.checklist.id), None),
        ("清单版本", meta.get("checklist_version", data.checklist.version), None),
        ("清单哈希", meta.get("checklist_hash", data.checklist.content_hash), None),
    ]
    if meta.get("checklist_plugin"):  # which plugin (and version) provided it, recorded at creation
        source = f"{meta['checklist_plugin']} {meta.get('checklist_plugin_version') or ''}".strip()
        pairs.append(("清单来源", source, None))
    if _provisional(data):
        pairs.append(("分值", PROVISIONAL_NOTE, None))
    pairs += [
        ("检查人员", "、".join(meta.get("inspectors") or []), None),
        ("评分人", scorers(data), None),
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
    if data.open_conflicts:
        shown = "；".join(data.open_conflicts[:10]) + (" 等" if len(data.open_conflicts) > 10 else "")
        pairs.append(("合并冲突", f"{len(data.open_conflicts)} 处未处理（处理前按未评计，且不能完成检查）：{shown}", None))
    scored = report.has_value
    pairs += [
        ("总分", _num(report.total) if scored else UNSCORED, POINTS_FORMAT),
        ("满分", _num(report.max_total), POINTS_FORMAT),
        ("得分率", report.percent / 100 if scored else UNSCORED, "0.00%"),
        ("等次", report.grade_text, None),
    ]
    for o in report.overrides:
        pairs.append(("一票否决" if o.kind == "veto" else "等次上限", o.describe(), None))
    if any(item.kind != "normal" for item in data.checklist.items):
        pairs += [
            ("基础分", _num(report.base) if scored else UNSCORED, POINTS_FORMAT),
            ("加分", _num(report.bonus), SIGNED_FORMAT),
            ("减分", _num(-report.penalty), SIGNED_FORMAT),
        ]
    open_findings = sum(1 for f in data.findings if f.is_open)
    pairs += [
        ("进度", progress_text(report), None),
        ("完成度", report.completion if report.completion is not None else "—", "0.00%"),
        ("完成度的含义", completion_text(data), None),
    ]
    if report.completion_threshold is not None:
        pairs += [
            ("完成度要求", report.completion_threshold, "0%"),
            ("是否达到完成度要求", "是" if report.ready else "否", None),
        ]
    pairs += [
        ("评分项总数", report.leaves, "0"),
        ("已评项数", report.scored - report.na, "0"),
        ("不涉及项数", report.na, "0"),
        ("未评项数", report.unscored, "0"),
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
        put(ws, row, 2, "" if value is None else value, number_format=fmt if not isinstance(value, str) else None,
            align=Alignment(horizontal="left", vertical="top", wrap_text=True))
        fit_row_height(ws, row)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    print_setup(ws, landscape=False, title_rows=f"{head}:{head}", footer=_footer(data))
    return ws


# -- 评分汇总 --------------------------------------------------------------------------------
def section_contribution(data: InspectionData, item: Item) -> float | None:
    """What a top-level section adds to the total: 得分 for a normal section, the signed
    amount for 加分项 (+) / 减分项 (−); None while nothing in it is scored."""
    ns = data.report.nodes[item.code]
    if item.kind == "normal":
        return ns.earned if ns.has_value else None
    return ns.signed


def _section_title(item: Item) -> str:
    if item.kind == "normal":
        return item.title
    sign = "+" if item.kind == "bonus" else "−"
    label = KIND_LABELS[item.kind]
    name = item.title if label in item.title else f"{item.title}（{label}）"
    return f"{name}（合计不超过 {sign}{format_points(item.points)} 分）"


SUMMARY_HEADERS = ("编号", "一级指标", "满分", "得分", "得分率", "评分项数", "已评", "不涉及", "问题数", "未销号")


def add_summary_sheet(wb: Workbook, data: InspectionData) -> Worksheet:
    ws = wb.create_sheet(SUMMARY)
    report = data.report
    tops = list(data.checklist.items)
    normal = [i for i in tops if i.kind == "normal"]
    extra = [i for i in tops if i.kind != "normal"]
    titles = [_section_title(i) for i in normal + extra]
    set_widths(ws, (7, max(24.0, fit_width(titles, maximum=40)), 9, 9, 9, 9, 7, 7, 7, 7))
    row = title_rows(ws, f"{_title_prefix(data)}评分汇总", _subtitle(data), len(SUMMARY_HEADERS))
    header_row(ws, row, SUMMARY_HEADERS)
    head = row
    first_normal = row + 1
    for item, title in zip(normal + extra, titles):
        row += 1
        ns = report.nodes[item.code]
        findings = data.findings_under(item)
        amount = section_contribution(data, item)
        if not ns.applicable:
            earned: Any = "不涉及"
        elif amount is None:
            earned = UNSCORED
        else:
            earned = _num(amount)
        values = [item.code, title, _num(item.points) if item.kind == "normal" else None, earned,
                  ns.percent / 100 if item.kind == "normal" and ns.percent is not None else None,
                  ns.leaves, ns.scored - ns.na_leaves, ns.na_leaves, len(findings), sum(1 for f in findings if f.is_open)]
        put_row(ws, row, values)
        _number_formats(ws, row, signed=item.kind != "normal")
        fit_row_height(ws, row)
    last_normal = first_normal + len(normal) - 1
    row += 1
    scored = report.has_value
    put_row(
        ws,
        row,
        ["合计", "", _num(report.max_total), _num(report.total) if scored else UNSCORED,
         report.percent / 100 if scored else None, report.leaves, report.scored - report.na,
         report.na, len(data.findings), sum(1 for f in data.findings if f.is_open)],
        font=FONT_BOLD,
        fill=TOTAL_FILL,
    )
    _number_formats(ws, row)
    facts: list[tuple[str, Any, str | None]] = [("等次", report.grade_text, None)]
    facts += [("一票否决" if o.kind == "veto" else "等次上限", o.describe(), None) for o in report.overrides]
    facts.append(("进度", progress_text(report), None))
    facts.append(("完成度", report.completion if report.completion is not None else "—", "0.00%"))
    if report.completion_threshold is not None:
        facts.append(("完成度要求", report.completion_threshold, "0%"))
    for label, value, fmt in facts:
        row += 1
        put(ws, row, 1, label, font=FONT_BOLD)
        put(ws, row, 3, value, number_format=fmt if not isinstance(value, str) else None,
            align=Alignment(horizontal="left", vertical="top", wrap_text=True))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=len(SUMMARY_HEADERS))
        fit_row_height(ws, row)
    row += 1
    note = ("注：一级指标得分按其适用（非“不涉及”）的下级指标折算，见“评分明细”的应得分和下级得分合计；"
            "未评项不计分，显示为“未评”")
    if extra and scored:
        note += f"。总分 = 基础分 {format_points(report.base)}"
        note += "".join(f" {format_signed(section_contribution(data, i) or 0)}（{KIND_LABELS[i.kind]}）" for i in extra)
        if report.vetoed and any(o.total is not None for o in report.overrides):
            note += "，一票否决后"
        note += f" = {format_points(report.total)}"
    note += "。"
    if _provisional(data):
        note += PROVISIONAL_NOTE + "。"
    put(ws, row, 1, note, border=False)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(SUMMARY_HEADERS))
    fit_row_height(ws, row)
    if normal:
        _add_percent_chart(ws, first_normal, last_normal, anchor_row=row + 2)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    print_setup(ws, landscape=False, title_rows=f"1:{head}", footer=_footer(data))
    ws.sheet_properties.tabColor = "4472C4"
    return ws


def _number_formats(ws: Worksheet, row: int, signed: bool = False) -> None:
    ws.cell(row=row, column=3).number_format = POINTS_FORMAT
    ws.cell(row=row, column=4).number_format = SIGNED_FORMAT if signed else POINTS_FORMAT
    for col in (3, 4, 5):
        ws.cell(row=row, column=col).alignment = TOP_RIGHT
    ws.cell(row=row, column=5).number_format = PERCENT_FORMAT
    for col in range(6, 11):
        ws.cell(row=row, column=col).number_format = "0"
        ws.cell(row=row, column=col).alignment = TOP_RIGHT
    ws.cell(row=row, column=1).alignment = TOP_CENTER


def _add_percent_chart(ws: Worksheet, first: int, last: int, anchor_row: int) -> None:
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: long Chinese section names stay readable
    chart.style = 10
    chart.title = "各一级指标得分率（未评、不涉及的不画）"
    chart.legend = None
    chart.varyColors = False
    data = Reference(ws, min_col=5, min_row=first, max_row=last)
    cats = Reference(ws, min_col=2, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=False)
    chart.set_categories(cats)
    chart.display_blanks = "gap"  # an empty 得分率 (未评) is no bar, not a 0% bar
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
DETAIL_HEADERS = (
    "编号", "指标内容", "评分方法", "评分结果", "满分", "应得分", "下级得分合计", "得分", "不涉及", "不涉及理由",
    "检查备注", "问题数", "责任单位", "责任处室", "评分人", "来源说明",
)
COL = {name: i + 1 for i, name in enumerate(DETAIL_HEADERS)}


def method_text(item: Item) -> str:
    label = method_label(item)
    if item.method == "deduction" and item.deduction:
        label += f"（每处扣 {item.deduction.per_case:g} 分）"
    if item.method == "itemized":
        label += f"（{len(item.shortfalls)} 种情形）"
    if item.method == "yesno" and item.kind == "bonus":
        label = f"符合/不符合（符合加 {format_points(item.points)} 分）"
    elif item.method == "yesno" and item.kind == "penalty":
        label = f"发生/未发生（发生减 {format_points(item.points)} 分）"
    if item.kind != "normal":
        label = f"{KIND_LABELS[item.kind]}·{label}"
    if item.veto is not None:
        label += f"；一票否决（失分则{item.veto.grade}）"
    if item.grade_cap:
        label += f"；失分则等次至多{item.grade_cap}"
    return label


TOP_ONLY = Alignment(vertical="top")
_INDENTED: dict[int, Alignment] = {}


def _indented(depth: int) -> Alignment:
    """The 指标内容 alignment of an item at ``depth`` (one object per depth)."""
    indent = min(depth * 2, 15)
    if indent not in _INDENTED:
        _INDENTED[indent] = Alignment(wrap_text=True, vertical="top", indent=indent)
    return _INDENTED[indent]


def add_detail_sheet(wb: Workbook, data: InspectionData) -> Worksheet:
    ws = wb.create_sheet(DETAIL)
    report, checklist, results = data.report, data.checklist, data.results
    codes = [i.code for i in checklist.walk()]
    set_widths(ws, (fit_width(codes, minimum=7, maximum=14), 46, 13, 10, 7, 7, 8, 8, 6, 14, 16, 6, 18, 10, 9, 16))
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
        normal = item.kind == "normal"
        signed = not normal
        if item.is_leaf:
            r = results.get(item.code)
            scored = r is not None and r.value is not None and not r.na
            if not scored:
                earned = None
            elif normal:
                earned = _num(ns.earned)
            else:
                earned = _num(ns.signed or 0)
            values = [
                item.code, text, method_text(item), describe_value(item, r),
                _num(item.points) if normal else None,
                _num(item.points) if normal and ns.applicable else None, None, earned,
                "是" if (r and r.na) else "", r.na_reason if r else "", r.note if r else "",
                n_findings, units_text(item), "、".join(item.offices), r.by if r else "", item.source_note,
            ]
            put_row(ws, row, values)
        else:
            if not ns.applicable:
                earned, applicable_max, got = None, None, None
            elif not normal:
                earned, applicable_max, got = (None if ns.signed is None else _num(ns.signed)), None, None
            else:
                applicable_max = _num(ns.applicable_max)
                got = _num(ns.children_earned) if ns.has_value else None
                earned = _num(ns.earned) if ns.has_value else UNSCORED
            method = KIND_LABELS[item.kind] + f"（合计不超过 {'+' if item.kind == 'bonus' else '−'}{format_points(item.points)}）" if signed else ""
            if normal and ns.renormalised:
                method = "按适用项折算"
            values = [
                item.code, text, method, f"已评 {ns.scored - ns.na_leaves}/{ns.leaves}" + (f"，不涉及 {ns.na_leaves}" if ns.na_leaves else ""),
                _num(item.points) if normal else None, applicable_max, got, earned,
                "" if ns.applicable else "是", "", "", n_findings, units_text(item), "、".join(item.offices), "",
                item.source_note,
            ]
            put_row(ws, row, values, font=FONT_BOLD, fill=SECTION_FILL)
        # restyle: through put's style cache (a plain ``cell.alignment =`` costs a style hash)
        restyle(ws.cell(row=row, column=2), _indented(depth))
        restyle(ws.cell(row=row, column=1), TOP_ONLY)
        for name in ("满分", "应得分", "下级得分合计", "得分", "问题数"):
            fmt = "0" if name == "问题数" else SIGNED_FORMAT if signed and name == "得分" else POINTS_FORMAT
            restyle(ws.cell(row=row, column=COL[name]), TOP_RIGHT, fmt)
        restyle(ws.cell(row=row, column=COL["不涉及"]), TOP_CENTER)
        if depth:
            ws.row_dimensions[row].outline_level = min(depth, 7)
        fit_row_height(ws, row)
    last = row
    scored = report.has_value
    row += 1
    put_row(ws, row, ["合计", "总分", "", f"已评 {report.scored - report.na}/{report.leaves}", _num(report.max_total), None, None,
                      _num(report.total) if scored else UNSCORED, report.na or "", "", "", len(data.findings), "", "", "", ""],
            font=FONT_BOLD, fill=TOTAL_FILL)
    ws.cell(row=row, column=COL["满分"]).number_format = POINTS_FORMAT
    ws.cell(row=row, column=COL["得分"]).number_format = POINTS_FORMAT
    extra = [i for i in checklist.items if i.kind != "normal"]
    if extra and scored:
        parts = [("基础分（一级指标按适用项折算到总分）", report.base, POINTS_FORMAT)]
        parts += [(f"{KIND_LABELS[i.kind]} {i.code}", section_contribution(data, i) or 0, SIGNED_FORMAT) for i in extra]
        for label, value, fmt in parts:
            row += 1
            put_row(ws, row, ["", label] + [""] * 5 + [_num(value)] + [""] * 8)
            ws.cell(row=row, column=COL["得分"]).number_format = fmt
    row += 1
    note = ("注：上级指标得分 = 下级得分合计 ÷ 应得分 × 满分（应得分为“不涉及”以外的下级满分之和，没有不涉及项时"
            "应得分等于满分）；各数按两位小数四舍五入后再逐级计算。加分、减分以带符号的数值列出。“来源说明”是清单维护者"
            "对原文的说明，不是检查意见。")
    if _provisional(data):
        note += PROVISIONAL_NOTE + "。"
    put(ws, row, 1, note, border=False)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(DETAIL_HEADERS))
    fit_row_height(ws, row)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    ws.auto_filter.ref = f"A{head}:{ws.cell(row=last, column=len(DETAIL_HEADERS)).coordinate}"
    print_setup(ws, landscape=True, title_rows=f"{head}:{head}", footer=_footer(data))
    return ws


__all__ = [
    "DETAIL_HEADERS", "SUMMARY_HEADERS", "add_detail_sheet", "add_info_sheet", "add_summary_sheet", "method_text",
    "section_contribution", "units_text",
]
