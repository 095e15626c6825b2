"""The 汇总 workbook of a consolidation, laid out for paper: every sheet prints on A4 landscape at
9 pt or more, with borders, row heights that show every wrapped line, its header row repeated on
each page and page numbers per sheet.

Written in openpyxl's write-only mode (300 inspections stay fast and small in memory): column
widths, row heights, merges and print settings are set before the rows they concern.

Sheets, in this order, each with a title in row 1, a subtitle in row 2 and the header in row 3
(:data:`SHEET_NAMES` when the inputs use one checklist):

``排名``        one block per checklist (id + version), in the order of :func:`.ranking.rank_groups`:
               a heading row (type, checklist, 满分, 分值暂定, how many ranked), the ranked units
               best first with their 名次, then — under a sub-heading — the units not ranked with
               名次 “—” and why in 备注. Columns: :data:`RANKING_HEADERS` (plus 自评分 | 自评虚高
               before 备注 when some unit has a 自评, see :mod:`.summary_self`)
``分项对比``    one sheet per checklist (``分项对比·<type>`` when there are several, see
               :func:`comparison_sheet_names`), so each prints with its own header: 名次 | 被检查单位 |
               总得分率 | one column per top-level (normal) section, one row per unit in ranking order
               with each section's 得分率 (“不涉及” where no item applied, “未评” where none is
               scored); a colour scale
``自评虚高``    only when some unit has a 自评 (:mod:`.summary_self`)
``整改台账``    every finding of every unit (units by name, findings in checklist order as in each
               unit's 整改清单): :data:`LEDGER_HEADERS` (检查编号 and 问题编号 hidden). Overdue
               (整改时限 before “today” and 状态 not 已整改/已销号) rows are filled red by one
               conditional format on ``$L="逾期"``; auto-filter
``未纳入文件``  文件 | 原因: every input not consolidated
``来源``        where each consolidated figure came from: the file, its SHA-256, the audit trail's
               length and last hash, the checklist hash, and the audit check
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import ExportError
from .cells import PERCENT_FORMAT, POINTS_FORMAT
from .data import is_overdue
from .files import place, temp_path
from .ranking import RankGroup, is_finished, rank_groups
from .sheet_writer import (
    FIRST_DATA_ROW,
    GROUP_FILL,
    HEADER_ROW,
    RED,
    SUBGROUP_FILL,
    TOP,
    TOP_CENTER,
    TOP_RIGHT,
    Cells,
    Sheet,
    new_workbook,
)
from .summary_self import SELF_EXCESS, RankingColumn, ranking_columns, self_excess_sheets
from .wording import chinese_number

if TYPE_CHECKING:
    from .consolidate_model import ConsolidateReport, Entry

RANKING, COMPARISON, LEDGER, SKIPPED, SOURCES = "排名", "分项对比", "整改台账", "未纳入文件", "来源"
SHEET_NAMES = (RANKING, COMPARISON, LEDGER, SKIPPED, SOURCES)
OVERDUE = "逾期"
NOT_RANKED = "—"

# Widths are in Excel's character units (digits of the default font, 宋体 11 pt). Where 宋体 is
# missing (LibreOffice on Linux, as in the PDF checks) a unit measures about 7 pt, so about 110
# units fit A4 landscape at 100 % and a sheet of W units is scaled to 110 / W. Every sheet keeps
# size × 110 / W ≥ 9 pt (W ≤ 134 at 11 pt), with the campaign's two 排名 columns added too;
# Excel and WPS with 宋体 print the same sheets at a larger scale.
PRINTABLE_UNITS = 110
MIN_PRINTED_SIZE = 9.0
RANKING_SIZE = 11.0
RANKING_COLUMNS: tuple[tuple[str, float], ...] = (
    ("名次", 4.5), ("被检查单位", 24), ("检查类型", 8.5), ("得分", 8), ("等次", 8), ("完成度", 8), ("进度", 8),
    ("问题数", 5.5), ("未整改", 5.5), ("逾期", 4.5), ("检查日期", 11), ("备注", 20),
)
RANKING_HEADERS = tuple(h for h, _ in RANKING_COLUMNS)
LEDGER_SIZE = 11.0
LEDGER_COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 4.5), ("被检查单位", 12), ("检查类型", 6.5), ("指标编号", 7), ("问题", 22), ("整改要求", 18),
    ("责任单位", 10), ("整改时限", 11), ("状态", 6), ("整改措施及完成情况", 13), ("复查意见", 10), ("逾期", 4.5),
    ("严重程度", 5), ("检查编号", 16), ("问题编号", 14),
)
LEDGER_HEADERS = tuple(h for h, _ in LEDGER_COLUMNS)
LEDGER_VISIBLE = 13  # 检查编号 and 问题编号 are hidden (for programs and filters)
LEDGER_OVERDUE_COLUMN = "L"
COMPARISON_SIZE = 11.0
SOURCE_SIZE = 11.0
SOURCE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 4.5), ("被检查单位", 14), ("检查类型", 7), ("检查编号", 11), ("审计校验", 8), ("审计记录", 6),
    ("文件", 24), ("文件 SHA-256", 18), ("审计末条哈希", 18), ("清单哈希", 18),
)
SOURCE_HEADERS = tuple(h for h, _ in SOURCE_COLUMNS)


# -- 排名 ----------------------------------------------------------------------------------
def _ranking_columns(entries: Sequence[Entry]) -> tuple[list[tuple[str, float]], list[RankingColumn]]:
    extra = ranking_columns(entries)  # the campaign's 自评分 | 自评虚高, when some unit has a 自评
    columns = list(RANKING_COLUMNS[:-1]) + [(c.header, c.width) for c in extra] + [RANKING_COLUMNS[-1]]
    return columns, extra


def _block_heading(group: RankGroup[Entry], number: int) -> str:
    first = group.entries[0]
    report = first.report
    parts = [f"{chinese_number(number)}、{group.type} · {group.title}", f"满分 {report.max_total:g} 分"]
    if report.points_provisional:
        parts.append("分值暂定")
    parts.append(f"参与排名 {len(group.ranked)} 个")
    if group.unranked:
        parts.append(f"未参与排名 {len(group.unranked)} 个")
    return " · ".join(parts)


def _ranking_sheet(wb: Any, cell: Cells, groups: list[RankGroup[Entry]], entries: Sequence[Entry], today: date,
                   include_unfinished: bool) -> None:
    columns, extra = _ranking_columns(entries)
    finished = sum(1 for e in entries if is_finished(e))
    rule = ("含未完成的检查（临时排名，未完成的在备注中注明）" if include_unfinished
            else "只对已完成且全部评分的检查排名，其余列在各清单之后并注明进度")
    subtitle = f"截至 {today.isoformat()}    共 {len(entries)} 个检查（已完成 {finished} 个）    {rule}"
    sheet = Sheet(wb, cell, RANKING, columns, RANKING_SIZE, "法治政府建设检查汇总排名", subtitle)
    sheet.header([h for h, _ in columns])
    bold = cell.font(RANKING_SIZE + 1, bold=True)
    sub = cell.font(RANKING_SIZE, bold=True)
    n_extra = len(extra)
    aligns = [TOP_CENTER, TOP, TOP_CENTER, TOP_RIGHT, TOP_CENTER, TOP_RIGHT, TOP_RIGHT, TOP_RIGHT, TOP_RIGHT,
              TOP_RIGHT, TOP_CENTER] + [TOP_RIGHT] * n_extra + [TOP]
    base_fmts: list[str | None] = [None, None, None, POINTS_FORMAT, None, PERCENT_FORMAT, PERCENT_FORMAT, "0", "0", "0",
                                   None]
    fmts = base_fmts + [c.fmt for c in extra] + [None]

    def row(e: Entry, rank: Any, notes: list[str]) -> None:
        r = e.report
        scored = r.has_value
        values = [
            rank, e.unit, e.type, r.total if scored else "未评",
            r.grade_label if r.grade else "未评定",  # 不合格（一票否决）: as the header and `fzzf list` say
            r.completion if r.completion is not None else "—",
            r.progress, len(e.findings), sum(1 for f in e.findings if f.is_open),
            sum(1 for f in e.findings if is_overdue(f, today)), e.meta.get("date", ""),
        ]
        values += [c.value(e) for c in extra]
        notes = [*notes, *(o.describe() for o in r.overrides), *e.notes]
        values.append("；".join(n for n in notes if n))
        sheet.data_row(values, aligns, fmts)

    for number, group in enumerate(groups, start=1):
        sheet.merged_row(_block_heading(group, number), bold, fill=GROUP_FILL)
        if not group.ranked:
            sheet.merged_row("本清单暂无已完成且全部评分的检查，不排名", cell.font(RANKING_SIZE), fill=None)
        for ranked in group.ranked:
            notes = []
            if ranked.tied:
                notes.append("并列")
            if ranked.provisional:
                e = ranked.entry
                status = e.meta.get("status") or "进行中"
                unscored = f"，尚有 {e.report.unscored} 项未评" if e.report.unscored else ""
                notes.append(f"检查{status}{unscored}，临时排名")
            row(ranked.entry, ranked.rank, notes)
        if group.unranked:
            sheet.merged_row("以下检查未完成或未全部评分，得分为阶段性结果，不参与排名（原因见备注）", sub,
                             fill=SUBGROUP_FILL)
            for e, reason in group.unranked:
                row(e, NOT_RANKED, [reason])
    if not groups:
        sheet.merged_row("没有可汇总的检查", cell.font(RANKING_SIZE))
    sheet.close()


# -- 分项对比 --------------------------------------------------------------------------------
def comparison_sheet_names(groups: Sequence[RankGroup[Any]]) -> list[str]:
    """One 分项对比 sheet per checklist, so each prints with its own header on every page:
    ``分项对比`` when there is one checklist, else ``分项对比·<type>`` (numbered if a type repeats)."""
    if len(groups) <= 1:
        return [COMPARISON]
    names: list[str] = []
    for g in groups:
        base = f"{COMPARISON}·{g.type}"[:28]
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}{n}"
        names.append(name)
    return names


def _comparison_sheet(wb: Any, cell: Cells, name: str, group: RankGroup[Entry], today: date) -> None:
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter

    sections = [i for i in group.entries[0].checklist.items if i.kind == "normal"]
    # the section columns share what is left of the printable width (a percentage needs 7.5)
    section_width = min(11.0, max(7.5, round(98 / max(1, len(sections)), 1)))
    columns = [("名次", 4.5), ("被检查单位", 22), ("总得分率", 9)] + [("", section_width)] * len(sections)
    provisional = "（分值暂定）" if group.entries[0].report.points_provisional else ""
    sheet = Sheet(wb, cell, name, columns, COMPARISON_SIZE, f"{group.type}各一级指标得分率对比",
                   f"{group.title}{provisional}    {len(group)} 个单位    截至 {today.isoformat()}    名次同“排名”；"
                   "“未评”为尚未评分，“不涉及”为该项全部不涉及")
    ws = sheet.ws
    sheet.header(["名次", "被检查单位", "总得分率"] + [f"{s.code} {s.title}" for s in sections])
    ranks = {id(r.entry): r.rank for r in group.ranked}
    aligns = [TOP_CENTER, TOP] + [TOP_RIGHT] * (len(sections) + 1)
    fmts = [None, None] + [PERCENT_FORMAT] * (len(sections) + 1)
    for e in group.entries:
        values: list[Any] = [ranks.get(id(e), NOT_RANKED), e.unit, e.report.percent / 100 if e.report.has_value else "未评"]
        for s in sections:
            ns = e.report.nodes.get(s.code)
            if ns is None or not ns.applicable:
                values.append("不涉及")
            elif ns.percent is None:
                values.append("未评")
            else:
                values.append(ns.percent / 100)
        sheet.data_row(values, aligns, fmts)
    if group.entries:
        ws.conditional_formatting.add(
            f"C{FIRST_DATA_ROW}:{get_column_letter(3 + len(sections))}{sheet.row}",
            ColorScaleRule(start_type="num", start_value=0.6, start_color="F8696B", mid_type="num", mid_value=0.8,
                           mid_color="FFEB84", end_type="num", end_value=1, end_color="63BE7B"),
        )
    sheet.close()


# -- 整改台账 --------------------------------------------------------------------------------
def _ledger_sheet(wb: Any, cell: Cells, entries: Sequence[Entry], today: date, overdue: int) -> None:
    from openpyxl.formatting.rule import FormulaRule

    total = sum(len(e.findings) for e in entries)
    sheet = Sheet(wb, cell, LEDGER, LEDGER_COLUMNS, LEDGER_SIZE, "法治政府建设问题整改台账",
                   f"截至 {today.isoformat()}    共 {total} 项问题，逾期未整改 {overdue} 项（红色）", visible=LEDGER_VISIBLE)
    ws = sheet.ws
    sheet.header(LEDGER_HEADERS)
    aligns = [TOP_CENTER, TOP, TOP_CENTER, TOP, TOP, TOP, TOP, TOP_CENTER, TOP_CENTER, TOP, TOP, TOP_CENTER, TOP_CENTER,
              TOP, TOP]
    fmts: list[str | None] = [None] * 7 + ["yyyy-mm-dd"] + [None] * 7
    n = 0
    for e in sorted(entries, key=lambda e: (e.unit, e.type, str(e.meta.get("date", "")), e.id)):
        for f in e.findings:
            n += 1
            due: Any = None
            if f.due:
                try:
                    due = date.fromisoformat(f.due)
                except ValueError:
                    due = f.due
            sheet.data_row([
                n, e.unit, e.type, f.item_code or "整体", f.description, f.requirement, "、".join(f.units), due,
                f.status, f.measures, f.review, OVERDUE if is_overdue(f, today) else "", f.severity, e.id, f.id,
            ], aligns, fmts)
    if n:
        ws.conditional_formatting.add(
            f"A{FIRST_DATA_ROW}:{sheet.last_letter}{sheet.row}",
            FormulaRule(formula=[f'${LEDGER_OVERDUE_COLUMN}{FIRST_DATA_ROW}="{OVERDUE}"'], fill=RED),
        )
    else:
        sheet.merged_row("没有记录问题", cell.font(LEDGER_SIZE))
    ws.auto_filter.ref = f"A{HEADER_ROW}:O{max(sheet.row, HEADER_ROW)}"
    sheet.close()


# -- 未纳入文件, 来源 -------------------------------------------------------------------------
def _skipped_sheet(wb: Any, cell: Cells, skipped: list[tuple[str, str]]) -> None:
    sheet = Sheet(wb, cell, SKIPPED, (("文件", 55), ("原因", 70)), SOURCE_SIZE, "未纳入汇总的文件",
                   f"共 {len(skipped)} 个文件未纳入汇总" if skipped else "所有文件均已纳入汇总", freeze=f"A{FIRST_DATA_ROW}")
    sheet.header(("文件", "原因"))
    for name, reason in skipped:
        sheet.data_row([name, reason])
    sheet.close()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError as exc:
        return f"（无法读取：{exc.strerror or exc}）"
    return h.hexdigest()


def _sources_sheet(wb: Any, cell: Cells, groups: list[RankGroup[Entry]], hashes: dict[Path, str]) -> None:
    entries = [e for g in groups for e in g.entries]
    sheet = Sheet(wb, cell, SOURCES, SOURCE_COLUMNS, SOURCE_SIZE, "汇总数据来源",
                   "每个纳入汇总的检查所读的文件，及可据以核对的哈希（审计校验：数据包总会校验；检查文件加 --verify 时校验）")
    sheet.header(SOURCE_HEADERS)
    for n, e in enumerate(entries, start=1):
        sheet.data_row([
            n, e.unit, e.type, e.id, e.verification or "未校验", e.audit_entries, str(e.source.absolute()),
            hashes.get(e.source, ""),
            e.audit_head, str(e.meta.get("checklist_hash", "")),
        ], [TOP_CENTER, TOP, TOP_CENTER, TOP, TOP_CENTER, TOP_RIGHT], ["0", None, None, None, None, "0"])
    sheet.close()


def write_workbook(report: ConsolidateReport, target: Path, today: date, force: bool = False,
                   include_unfinished: bool = False) -> Path:
    """Write the sheets to ``target`` (a new name ``…(2).xlsx`` if it exists, unless ``force``)."""
    wb = new_workbook()
    cell = Cells(wb)
    groups = rank_groups(report.included, include_unfinished)
    _ranking_sheet(wb, cell, groups, report.included, today, include_unfinished)
    for name, group in zip(comparison_sheet_names(groups), groups):
        _comparison_sheet(wb, cell, name, group, today)
    self_excess_sheets(wb, cell, groups)  # only when some unit has a 自评
    _ledger_sheet(wb, cell, [e for g in groups for e in g.entries], today, report.overdue)
    _skipped_sheet(wb, cell, report.skipped)
    _sources_sheet(wb, cell, groups, {e.source: e.sha256 or file_sha256(e.source) for e in report.included})
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"无法创建文件夹 {target.parent}：{exc.strerror or exc}") from None
    if target.is_dir():
        raise ExportError(f"{target} 是一个文件夹，不能作为汇总文件")
    tmp = temp_path(target, ".xlsx")
    try:
        try:
            wb.save(tmp)
        except OSError as exc:
            raise ExportError(f"无法写入 {target}：{exc.strerror or exc}") from None
        return place(tmp, target, ".xlsx", force)
    finally:
        if tmp.exists():
            tmp.unlink()


__all__ = [
    "COMPARISON", "LEDGER", "LEDGER_HEADERS", "RANKING", "RANKING_HEADERS", "RankingColumn", "SELF_EXCESS",
    "SHEET_NAMES", "SKIPPED", "SOURCES", "SOURCE_HEADERS", "is_overdue", "write_workbook",
]
