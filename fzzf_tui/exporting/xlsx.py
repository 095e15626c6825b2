"""The Excel workbook of one inspection, as the 督察办 files, forwards and prints it.

:func:`build_workbook` returns the openpyxl ``Workbook``; each sheet has its own builder
(``add_*_sheet(wb, data)``) so a consolidation of several inspections can reuse them.
:func:`write_xlsx` is the registered writer.

Sheets, in order:

``检查信息``, ``评分汇总``, ``评分明细``  the score sheets, built in :mod:`.score_sheets`
             (layouts documented there).
``自评与督察差异``  only when the unit's 自查自评 is in the file (it also adds 自评 columns to
             评分明细): see :mod:`.self_check_sheets`.
``问题清单``  rows 1–2 title, row 3 header
             序号 | 问题编号 | 指标编号 | 指标内容 | 问题描述 | 佐证材料 | 严重程度 | 状态 | 记录人 |
             记录日期; 佐证材料 lists text and files (name, size, full SHA-256). 整改要求,
             责任单位, 整改时限 and 复查意见 are in 整改清单 (same 序号).
``整改清单``  the list the inspected unit fills in, signs and returns (A4 landscape, rows 1–3
             repeated on every page, pages numbered per sheet): row 1 title, row 2 检查清单/日期/
             检查组, row 3 header, findings from row 4, then the 签字/盖章/日期 block in one
             unbreakable row under the table (so it prints on the last page):

             ====  ==================  ===============================================
             col   header              content
             ====  ==================  ===============================================
             A     序号                1, 2, … (same order and numbers as 问题清单)
             B     问题                问题描述, then “（指标 <code>，<severity>）”
             C     整改要求            requirement
             D     责任单位            units joined by “、”
             E     整改时限            a date cell (empty when none)
             F     状态                待整改/整改中/已整改 (drop-down: the unit's choices)
             G     整改措施及完成情况  measures: written by the unit
             H     复查意见            review: written by the inspectors, in the app
             I     问题编号            finding id                         (hidden column)
             J     内容指纹            :func:`finding_fingerprint` at export  (hidden column)
             ====  ==================  ===============================================

             The sheet is protected without a password: only F and G can be edited, so a unit
             does not change a finding's identity by accident (:mod:`.status_import` checks it
             anyway). The identity columns I–J sit in the same row as the text and the
             auto-filter covers A–J, so sorting or filtering keeps each row's id with it.
``_fzzf``     hidden sheet, for programs (an import of status edited by the inspected unit):
             rows 1–8 are key | value: ``format`` (``fzzf-xlsx/2``; ``fzzf-xlsx/1`` workbooks had
             复查意见 in G and the ids in H–I), ``inspection_id``, ``unit``, ``checklist_id``,
             ``checklist_hash``, ``exported_at`` (ISO), ``generator``, ``fingerprint_fields``
             (comma-separated); row 10 is the header ``序号 | 问题编号 | 内容指纹 | 整改清单行``,
             then one row per finding as exported.

A fingerprint is the SHA-256 of the canonical JSON of the finding's
:data:`FINGERPRINT_FIELDS`. An importer compares it with the current finding: equal means the
finding has not changed in the app since export, so the unit's edits in F–G can be applied
without a conflict.

:func:`rectification_gaps` names the open findings that lack 整改要求 or 整改时限: the CLI and the
TUI warn about them when exporting (the 整改清单 would print blank cells).
"""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import __version__
from ..checklist.model import canonical_json
from ..fileio import atomic_write_bytes
from ..inspection import Finding
from .cells import (
    BODY_FONT,
    DATE_FORMAT_CN,
    LINE_HEIGHT,
    TOP_CENTER,
    fit_row_height,
    header_row,
    new_workbook,
    print_setup,
    put,
    put_row,
    set_widths,
    title_rows,
    to_date,
)
from .data import InspectionData, as_data
from .evidence_sheet import add_evidence_sheet
from .self_check_sheets import add_self_check_sheets
from .score_sheets import (
    DETAIL,
    INFO,
    SUMMARY,
    add_detail_sheet,
    add_info_sheet,
    add_summary_sheet,
    method_text,
    section_contribution,
)

FONT_SIGN = Font(name=BODY_FONT, size=12)
XLSX_FORMAT = "fzzf-xlsx/2"
XLSX_FORMAT_V1 = "fzzf-xlsx/1"  # 复查意见 in G, ids in H–I; still read by the status import
FINDINGS, RECTIFICATION, IDENTITY = "问题清单", "整改清单", "_fzzf"
SHEET_NAMES = (INFO, SUMMARY, DETAIL, FINDINGS, RECTIFICATION)
FINGERPRINT_FIELDS = (
    "id", "description", "item_code", "severity", "requirement", "units", "due", "status", "measures", "review",
)
MEASURES_HEADER = "整改措施及完成情况（被检查单位填写）"
REVIEW_HEADER = "复查意见（检查组填写）"
RECTIFICATION_HEADERS = (
    "序号", "问题", "整改要求", "责任单位", "整改时限", "状态", MEASURES_HEADER, REVIEW_HEADER, "问题编号", "内容指纹",
)
RECTIFICATION_WIDTHS = (4.5, 28, 22, 11, 16, 7.5, 22, 13, 14, 20)
RECTIFICATION_VISIBLE = 8
RECTIFICATION_FIRST_ROW = 4
STATUS_COLUMN = "F"
UNIT_STATUSES = ("待整改", "整改中", "已整改")  # what the unit may report; 已销号 is the inspectors' decision
MIN_LINES = 3  # room to write by hand in 整改措施
IDENTITY_TABLE_ROW = 10


def finding_fingerprint(finding: Finding, fields: tuple[str, ...] = FINGERPRINT_FIELDS) -> str:
    """SHA-256 (hex) of what a finding says and its rectification state (``fields`` of it: a
    workbook records the fields its fingerprints were made of)."""
    d = finding.to_dict()
    body = {k: d.get(k) for k in fields}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def rectification_gaps(findings: Any) -> list[str]:
    """Warnings for open findings whose 整改清单 row would print without 整改要求 or 整改时限."""
    out = []
    for n, f in enumerate(findings, start=1):
        if not f.is_open:
            continue
        missing = [name for name, value in (("整改要求", f.requirement), ("整改时限", f.due)) if not value]
        if missing:
            words = " ".join(f.description.split())
            words = words if len(words) <= 20 else words[:19] + "…"
            where = f"指标 {f.item_code}，" if f.item_code else ""
            out.append(f"第 {n} 项问题（{where}“{words}”）缺少{'和'.join(missing)}")
    return out


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


# -- 问题清单 --------------------------------------------------------------------------------
FINDINGS_HEADERS = ("序号", "问题编号", "指标编号", "指标内容", "问题描述", "佐证材料", "严重程度", "状态", "记录人", "记录日期")


def evidence_text(finding: Finding) -> str:
    """佐证材料 of a finding, one numbered entry each; files with size and full SHA-256."""
    lines = []
    for n, ev in enumerate(finding.evidence, start=1):
        if ev.is_file:
            name = ev.name or ev.path.replace("\\", "/").rsplit("/", 1)[-1]
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
            evidence_text(f), f.severity, f.status, f.recorded_by, to_date(f.created_at),
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
    """The visible cells A–H of one 整改清单 row (an importer compares edits against these)."""
    where = f"指标 {finding.item_code}，" if finding.item_code else ""
    problem = f"{finding.description}\n（{where}{finding.severity}）"
    return [number, problem, finding.requirement, _units(finding.units), to_date(finding.due), finding.status,
            finding.measures, finding.review]


SIGN_LEFT = "检查组（签字）：\n\n\n组长（签字）：\n\n日期：        年    月    日"
SIGN_RIGHT = "被检查单位（盖章）：\n\n\n负责人（签字）：\n\n日期：        年    月    日"


def add_rectification_sheet(wb: Workbook, data: InspectionData) -> Worksheet:
    from openpyxl.styles import Protection

    ws = wb.create_sheet(RECTIFICATION)
    visible = RECTIFICATION_VISIBLE
    set_widths(ws, RECTIFICATION_WIDTHS)
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
    editable = Protection(locked=False)
    for n, f in enumerate(data.findings, start=1):
        row += 1
        put_row(ws, row, rectification_values(f, n) + [f.id, finding_fingerprint(f)])
        for col in (1, 5, 6):
            ws.cell(row=row, column=col).alignment = TOP_CENTER
        ws.cell(row=row, column=5).number_format = DATE_FORMAT_CN
        for col in (6, 7):  # 状态 and 整改措施: the unit's cells
            ws.cell(row=row, column=col).protection = editable
        fit_row_height(ws, row)
        ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, MIN_LINES * LINE_HEIGHT + 4)
    for letter in ("I", "J"):
        ws.column_dimensions[letter].hidden = True
    if data.findings:
        last = row
        ws.auto_filter.ref = f"A{head}:J{last}"
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(UNIT_STATUSES) + '"',
            allow_blank=False,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle="状态不正确",
            error="请从下拉列表中选择：" + "、".join(UNIT_STATUSES) + "（销号由检查组复查后办理）",
            promptTitle="整改状态",
            prompt="、".join(UNIT_STATUSES) + "；销号由检查组复查后办理",
        )
        dv.add(f"{STATUS_COLUMN}{RECTIFICATION_FIRST_ROW}:{STATUS_COLUMN}{last}")
        ws.add_data_validation(dv)
    else:
        row += 1
        put(ws, row, 1, "本次检查未发现需要整改的问题。", align=Alignment(horizontal="center", vertical="center"))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=visible)
        ws.auto_filter.ref = f"A{head}:J{head}"
    row += 1
    ws.row_dimensions[row].height = 8  # a little air between the table and the signatures
    row += 1
    # One row, never split over two pages: the block prints whole under the table's last row.
    for first, last_col, text in ((1, 3, SIGN_LEFT), (4, visible, SIGN_RIGHT)):
        put(ws, row, first, text, font=FONT_SIGN, border=False, align=Alignment(vertical="top", wrap_text=True))
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last_col)
    ws.row_dimensions[row].height = 6 * LINE_HEIGHT * 12 / 11 + 6
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    ws.print_area = f"A1:H{row}"
    print_setup(ws, landscape=True, title_rows=f"1:{head}", footer=_footer(data))
    # Protected without a password: a guard against accidental edits, not a lock; the unit
    # may still resize rows, filter and sort.
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    ws.protection.autoFilter = False
    ws.protection.sort = False
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
def build_workbook(source: Any, base: Path | None = None) -> Workbook:
    """The whole workbook for one inspection (an :class:`Inspection` or :class:`InspectionData`);
    ``base`` is the folder the workbook goes to (links to evidence files are relative to it)."""
    data = as_data(source)
    wb = new_workbook()
    add_info_sheet(wb, data)
    add_summary_sheet(wb, data)
    add_detail_sheet(wb, data)
    add_self_check_sheets(wb, data)  # only when the unit's 自评 is in the file
    add_findings_sheet(wb, data)
    add_rectification_sheet(wb, data)
    add_evidence_sheet(wb, data, base)  # only when files are attached
    add_identity_sheet(wb, data)
    wb.active = 0
    props = wb.properties
    props.title = f"{_title_prefix(data)}检查结果"
    props.subject = data.checklist.title
    props.creator = ", ".join(data.meta.get("inspectors") or []) or "fzzf-tui"
    props.description = f"fzzf-tui {__version__}；检查编号 {data.id}"
    props.created = data.exported_at.replace(tzinfo=None)
    return wb


def workbook_bytes(source: Any, base: Path | None = None) -> bytes:
    buf = BytesIO()
    build_workbook(source, base).save(buf)
    return buf.getvalue()


def write_xlsx(data: InspectionData, path: Path) -> None:
    """The registered ``xlsx`` writer."""
    atomic_write_bytes(Path(path), workbook_bytes(data, Path(path).parent))


__all__ = [
    "DETAIL", "INFO", "SUMMARY", "method_text", "section_contribution",  # from .score_sheets
    "FINGERPRINT_FIELDS", "RECTIFICATION_HEADERS", "SHEET_NAMES", "UNIT_STATUSES", "XLSX_FORMAT", "XLSX_FORMAT_V1",
    "add_detail_sheet", "rectification_gaps",
    "add_findings_sheet", "add_identity_sheet", "add_info_sheet", "add_rectification_sheet", "add_summary_sheet",
    "build_workbook", "evidence_text", "finding_fingerprint", "rectification_values", "workbook_bytes", "write_xlsx",
]
