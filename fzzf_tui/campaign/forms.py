"""The 自查表: one workbook per unit, filled in by the unit in Excel/WPS and imported back.

Sheet ``自查表`` (A4 landscape, fit to one page wide, rows 1–5 repeated on every page)::

    row 1  title: <督察任务>自查表
    row 2  填报单位 / 检查清单 / 自查截止                        (identity: checked on import)
    row 3  填报人 [B3] 联系电话 [E3] 填报日期 [H3]               (filled in by the unit)
    row 4  填写说明
    row 5  header; items from row 6, in checklist order; sections are grey rows

    ====  ==============  =========================================================
    col   header          content
    ====  ==============  =========================================================
    A     编号            item code                                   (protected)
    B     指标内容         the item's text                             (protected)
    C     填写方式         the answers allowed for this item           (protected)
    D     满分            points; 加分项 +n, 减分项 −n                  (protected)
    E     自评结果         drop-down from the item's method (档次, 是/否, 符合/不符合,
                          发生/未发生, 处数, 得分, 已检查)                (unit)
    F     不涉及           “是” when the item does not apply (drop-down) (unit)
    G     不涉及理由        required with F                             (unit)
    H     佐证材料         the unit's evidence: names, 文号, where kept  (unit)
    I     说明            anything else the unit wants to say           (unit)
    J     指标编号         the item code again                  (hidden, protected)
    ====  ==============  =========================================================

The sheet is protected (no password: protection keeps honest mistakes out; the import checks
every identity cell anyway). Unit cells are unlocked and tinted. A hidden sheet ``_fzzf``
(rows 1–12 key | value, then from row 15 ``指标编号 | 行 | 导出时的自评指纹 | 填写方式 | 满分``)
pins the campaign, unit, checklist hash, the words written in C and D (so a later release that
words them differently still recognises an untouched row) and the self-assessment each row held
when written, so the import applies only what the unit changed since (:mod:`.self_check_import`).

A form is pre-filled with what the unit's inspection already holds (a form sent again after a
partial return) and, for items the unit has not answered, 不涉及 from its profile.
"""

from __future__ import annotations

import hashlib
from copy import copy
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any, Mapping

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import __version__
from ..checklist.model import Item, canonical_json
from ..exporting.cells import (
    BORDER,
    FONT_BODY,
    FONT_BOLD,
    FORMULA_STARTS,
    LINE_HEIGHT,
    SECTION_FILL,
    TOP_CENTER,
    TOP_RIGHT,
    WRAP,
    clean_text,
    fit_row_height,
    header_row,
    new_workbook,
    print_setup,
    put,
    set_widths,
    title_rows,
    wrapped_lines,
)
from ..exporting.files import place, temp_path
from ..inspection.scoring import YESNO_ANSWERS, describe_value, format_points
from ..inspection.self_check import SelfAssessment
from ..inspection.folder import safe_filename
from .model import CampaignUnit, na_reason, profile_na
from .store import Campaign

FORM_FORMAT = "fzzf-self-check/1"
SHEET, IDENTITY = "自查表", "_fzzf"
HEADERS = ("编号", "指标内容", "填写方式", "满分", "自评结果", "不涉及", "不涉及理由", "佐证材料", "说明", "指标编号")
WIDTHS = (8, 46, 20, 7, 12, 7, 14, 28, 20, 10)
COL = {name: i + 1 for i, name in enumerate(HEADERS)}
VISIBLE = 9  # A–I print; J is hidden
FIRST_ROW = 6
HEADER_ROW = 5
FILLER_CELLS = {"填报人": "B3", "联系电话": "E3", "填报日期": "H3"}
IDENTITY_TABLE_ROW = 15
NA_YES = "是"
UNIT_FILL = PatternFill("solid", fgColor="FFF9E5")  # cells the unit fills in
UNLOCKED = Protection(locked=False)
INSTRUCTIONS = (
    "填写说明：请逐项在“自评结果”栏选择或填写自评（下拉列表给出可选答案）；不涉及本单位的指标在“不涉及”栏选“是”，"
    "并填写不涉及理由；“佐证材料”栏写明材料名称、文号及存放位置；“说明”栏可补充情况。灰色指标信息栏已锁定，请勿改动、"
    "增删或调换行；填好后将本文件原样交回。"
)


def answers(item: Item) -> list[str]:
    """The words accepted in 自评结果 for a choice item ([] for a number)."""
    m = item.method
    if m == "graded":
        return [lv.name for lv in item.levels]
    if m == "yesno":
        return list(YESNO_ANSWERS.get(item.kind, YESNO_ANSWERS["normal"]))
    if m == "findings":
        return ["已检查"]
    return []


def how_to_fill(item: Item) -> str:
    """Column C: what to write in 自评结果, in words."""
    m = item.method
    pts = format_points(item.points)
    if m == "graded":
        return "档次：" + "／".join(lv.name for lv in item.levels)
    if m == "yesno":
        if item.kind == "penalty":
            return f"该情形是否发生：未发生／发生（发生减 {pts} 分）"
        if item.kind == "bonus":
            return f"是否符合加分条件：符合／不符合（符合加 {pts} 分）"
        return "是否达到：是／否"
    if m == "deduction":
        per = format_points(item.deduction.per_case) if item.deduction else "?"
        return f"填写存在问题的处数（整数，每处扣 {per} 分）"
    if m == "points":
        return f"填写得分（0–{pts}）"
    return "只记问题：检查后选“已检查”"


def points_text(item: Item) -> str | float | int:
    if item.kind == "bonus":
        return f"+{format_points(item.points)}"
    if item.kind == "penalty":
        return f"−{format_points(item.points)}"
    f = float(item.points)
    return int(f) if f.is_integer() else f


def item_text(item: Item) -> str:
    if item.is_leaf:
        return item.full_text
    label = item.label if item.label.endswith(("、", ".", "．")) else ""
    return f"{label}{item.title}"


def self_fingerprint(a: SelfAssessment | None) -> str:
    """What a row held at export (''  for nothing): the import compares against it."""
    if a is None or a.empty:
        return ""
    return hashlib.sha256(canonical_json(list(a.content())).encode("utf-8")).hexdigest()


def shown_value(item: Item, a: SelfAssessment | None) -> Any:
    """A stored self-assessment as it is written into 自评结果."""
    if a is None or a.na or a.value is None:
        return None
    if item.method in ("deduction", "points"):
        return a.value
    return describe_value(item, a.to_result())


def header_texts(campaign: Campaign, unit: str) -> tuple[str, str]:
    """Rows 1 and 2 (the import checks them: a form is for one unit of one campaign)."""
    c = campaign.checklist
    title = f"{campaign.name}自查表"
    parts = [f"填报单位：{unit}", f"检查清单：{c.title}（{c.version}）"]
    if campaign.dates.self_check_due:
        parts.append(f"自查截止：{campaign.dates.self_check_due}")
    return title, "    ".join(parts)


def build_form(
    campaign: Campaign,
    unit: CampaignUnit,
    existing: Mapping[str, SelfAssessment] | None = None,
    inspection_id: str = "",
    exported_at: datetime | None = None,
) -> Workbook:
    """The 自查表 workbook of one unit."""
    exported_at = exported_at or datetime.now().astimezone()
    existing = dict(existing or {})
    checklist = campaign.checklist
    wb = new_workbook()
    ws = wb.create_sheet(SHEET)
    set_widths(ws, WIDTHS)
    title, subtitle = header_texts(campaign, unit.name)
    title_rows(ws, title, subtitle, VISIBLE)
    _filler_row(ws)
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=VISIBLE)
    put(ws, 4, 1, INSTRUCTIONS, border=False)
    fit_row_height(ws, 4)
    header_row(ws, HEADER_ROW, HEADERS)
    prefill = profile_na(checklist, unit.profile)
    rows: list[tuple[str, int, str, str, str]] = []
    validations = _Validations(ws)
    cells = _Cells(ws)
    row = HEADER_ROW
    for item in checklist.walk():
        row += 1
        depth = min(checklist.depth(item.code), 6)
        if not item.is_leaf:
            values = [item.code, item_text(item), "", points_text(item), "", "", "", "", "", ""]
            cells.row(row, values, "section", depth)
        else:
            a = existing.get(item.code)
            base = self_fingerprint(a)
            if a is None and item.code in prefill:
                a = SelfAssessment(item.code, na=True, na_reason=na_reason(prefill[item.code]))
            values = [
                item.code, item_text(item), how_to_fill(item), points_text(item), shown_value(item, a),
                NA_YES if a is not None and a.na else "", a.na_reason if a is not None and a.na else "",
                a.evidence if a else "", a.note if a else "", item.code,
            ]
            cells.row(row, values, "leaf", depth)
            validations.add(item, row)
            rows.append((item.code, row, base, values[2], _plain_text(values[3])))
        ws.row_dimensions[row].height = _height(values)
    validations.finish()
    ws.column_dimensions["J"].hidden = True
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=3)
    ws.print_area = f"A1:I{row}"
    print_setup(ws, landscape=True, title_rows=f"1:{HEADER_ROW}", footer=f"{unit.name} · {campaign.name}自查表",
                of_total=True)  # the form is the workbook's only printed sheet
    _protect(ws)
    _identity_sheet(wb, campaign, unit, rows, inspection_id, exported_at)
    wb.active = 0
    props = wb.properties
    props.title = title
    props.subject = f"{unit.name} · {checklist.title}"
    props.creator = "fzzf-tui"
    props.description = f"fzzf-tui {__version__}；督察任务 {campaign.id}"
    props.created = exported_at.replace(tzinfo=None)
    return wb


def _height(values: list[Any]) -> float:
    """Row height for the wrapped text of A–I (the form has no merged cells below row 4)."""
    lines = 1
    for value, width in zip(values[:VISIBLE], WIDTHS):
        if isinstance(value, str) and value:
            lines = max(lines, wrapped_lines(value, width))
    return round(lines * LINE_HEIGHT + 4, 1)


class _Cells:
    """Writes the item rows, styling each kind of cell once and copying that style after.

    openpyxl hashes a style on every assignment; for a form of a few hundred rows that is
    most of the time, so a style is built once per (row kind, column, indent) and copied.
    Text is cleaned and never becomes a formula, as :func:`fzzf_tui.exporting.cells.put`
    guarantees.
    """

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.styles: dict[tuple[Any, ...], Any] = {}

    def _style(self, kind: str, col: int, depth: int) -> dict[str, Any]:
        section = kind == "section"
        style: dict[str, Any] = {"font": FONT_BOLD if section else FONT_BODY, "border": BORDER}
        if section:
            style["fill"] = SECTION_FILL
        elif COL["自评结果"] <= col <= COL["说明"]:
            style["fill"] = UNIT_FILL
            style["protection"] = UNLOCKED
        if col == COL["指标内容"]:
            style["alignment"] = Alignment(wrap_text=True, vertical="top", indent=depth)
        elif col == COL["满分"]:
            style["alignment"] = TOP_RIGHT
        elif col in (COL["自评结果"], COL["不涉及"]):
            style["alignment"] = TOP_CENTER
        elif col == COL["编号"]:
            style["alignment"] = Alignment(vertical="top")
        else:
            style["alignment"] = WRAP
        return style

    def row(self, row: int, values: list[Any], kind: str, depth: int) -> None:
        for col, value in enumerate(values, start=1):
            cell = self.ws.cell(row=row, column=col)
            quote = False
            if isinstance(value, str):
                value = clean_text(value) if value else None
                quote = bool(value) and value.startswith(FORMULA_STARTS)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
            key = (kind, col, depth if col == COL["指标内容"] else 0, quote)
            cached = self.styles.get(key)
            if cached is None:
                for name, v in self._style(kind, col, depth).items():
                    setattr(cell, name, v)
                if quote:
                    cell.quotePrefix = True
                self.styles[key] = copy(cell._style)
            else:
                cell._style = copy(cached)


def _filler_row(ws: Worksheet) -> None:
    labels = {"A3": "填报人", "D3": "联系电话", "G3": "填报日期"}
    for ref, text in labels.items():
        cell = ws[ref]
        put(ws, cell.row, cell.column, text, font=FONT_BOLD, align=Alignment(horizontal="right", vertical="center"))
    for ref in FILLER_CELLS.values():
        cell = ws[ref]
        put(ws, cell.row, cell.column, None, align=Alignment(horizontal="left", vertical="center", wrap_text=True))
        cell.protection = UNLOCKED
        cell.fill = UNIT_FILL
    ws.merge_cells("B3:C3")
    ws.merge_cells("E3:F3")
    ws.merge_cells("H3:I3")
    for merged in ("C3", "F3", "I3"):
        ws[merged].protection = UNLOCKED
    ws.row_dimensions[3].height = 22


class _Validations:
    """One drop-down/number rule per distinct kind of answer (not one per row)."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.rules: dict[tuple[Any, ...], DataValidation] = {}
        self.na = self._list([NA_YES], "不涉及", "不涉及本单位的指标选“是”，并填写不涉及理由")

    def _list(self, words: list[str], title: str, prompt: str) -> DataValidation:
        dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True, showErrorMessage=True,
                            showInputMessage=True, errorTitle="填写不正确", error="请从下拉列表中选择：" + "、".join(words),
                            promptTitle=title[:32], prompt=prompt[:255])
        self.ws.add_data_validation(dv)
        return dv

    def add(self, item: Item, row: int) -> None:
        ref = f"E{row}"
        words = answers(item)
        if words:
            key: tuple[Any, ...] = ("list", tuple(words))
            if key not in self.rules:
                self.rules[key] = self._list(words, "自评结果", "可选：" + "、".join(words))
        elif item.method == "deduction":
            key = ("whole",)
            if key not in self.rules:
                dv = DataValidation(type="whole", operator="between", formula1="0", formula2="10000", allow_blank=True,
                                    showErrorMessage=True, showInputMessage=True, errorTitle="填写不正确",
                                    error="请填写处数（0 或正整数）", promptTitle="自评结果", prompt="存在问题的处数（整数）")
                self.ws.add_data_validation(dv)
                self.rules[key] = dv
        else:  # points
            key = ("decimal", item.points)
            if key not in self.rules:
                pts = format_points(item.points)
                dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=pts, allow_blank=True,
                                    showErrorMessage=True, showInputMessage=True, errorTitle="填写不正确",
                                    error=f"请填写 0–{pts} 之间的得分", promptTitle="自评结果", prompt=f"得分（0–{pts}）")
                self.ws.add_data_validation(dv)
                self.rules[key] = dv
        self.rules[key].add(ref)
        self.na.add(f"F{row}")

    def finish(self) -> None:
        pass


def _protect(ws: Worksheet) -> None:
    p = ws.protection
    p.sheet = True
    # unit may resize rows and columns (long 佐证材料) and select anything; nothing else
    p.formatRows = False
    p.formatColumns = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False


def _plain_text(value: Any) -> str:
    return str(value)


def _identity_sheet(wb: Workbook, campaign: Campaign, unit: CampaignUnit, rows: list[tuple[str, int, str, str, str]],
                    inspection_id: str, exported_at: datetime) -> None:
    ws = wb.create_sheet(IDENTITY)
    ws.sheet_state = "hidden"
    c = campaign.checklist
    pairs = [
        ("format", FORM_FORMAT), ("campaign_id", campaign.id), ("campaign_name", campaign.name), ("unit", unit.name),
        ("checklist_id", c.id), ("checklist_hash", c.content_hash), ("inspection_id", inspection_id),
        ("exported_at", exported_at.isoformat(timespec="seconds")), ("generator", f"fzzf-tui {__version__}"),
        ("sheet", SHEET), ("first_row", FIRST_ROW), ("rows", len(rows)),
    ]
    for r, (key, value) in enumerate(pairs, start=1):
        ws.cell(row=r, column=1, value=key)
        ws.cell(row=r, column=2, value=value).data_type = "s" if isinstance(value, str) else "n"
    ws.cell(row=IDENTITY_TABLE_ROW, column=1, value="指标编号")
    ws.cell(row=IDENTITY_TABLE_ROW, column=2, value="行")
    ws.cell(row=IDENTITY_TABLE_ROW, column=3, value="导出时的自评指纹")
    ws.cell(row=IDENTITY_TABLE_ROW, column=4, value="填写方式")
    ws.cell(row=IDENTITY_TABLE_ROW, column=5, value="满分")
    for n, (code, row, base, how, points) in enumerate(rows, start=1):
        r = IDENTITY_TABLE_ROW + n
        ws.cell(row=r, column=1, value=code).data_type = "s"
        ws.cell(row=r, column=2, value=row)
        for col, text in ((3, base), (4, how), (5, points)):
            ws.cell(row=r, column=col, value=text).data_type = "s"
    ws.protection.sheet = True


def form_bytes(wb: Workbook) -> bytes:
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def form_name(campaign: Campaign, unit: str) -> str:
    return f"{safe_filename(unit, 40)}-自查表-{safe_filename(campaign.name, 30)}.xlsx"


def write_forms(
    campaign: Campaign,
    out_dir: Path,
    store: Any,
    units: list[str] | None = None,
    force: bool = False,
    progress: Any = None,
) -> list[Path]:
    """Write one 自查表 per unit (all, or ``units``) into ``out_dir``; returns the files.

    Each is pre-filled from the unit's inspection if it has one (read-only). Existing files are
    kept and the new one gets a new name, unless ``force``.
    """
    from ..inspection import Inspection
    from ..inspection.self_check import read_self_results
    from .progress import unit_progress

    chosen = [campaign.unit(u) for u in units] if units else list(campaign.units)
    wanted = {u.name for u in chosen}
    by_unit = {p.unit.name: p for p in unit_progress(campaign, store) if p.unit.name in wanted}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for unit in chosen:
        existing: dict[str, SelfAssessment] = {}
        ins_id = ""
        path = by_unit[unit.name].path if unit.name in by_unit else None
        if path is not None:
            with Inspection.open(path, readonly=True) as ins:
                existing = read_self_results(ins)
                ins_id = ins.id
        target = out_dir / form_name(campaign, unit.name)
        tmp = temp_path(target, ".xlsx")
        try:
            from ..inspection.storage import atomic_write_bytes

            atomic_write_bytes(tmp, form_bytes(build_form(campaign, unit, existing, ins_id)))
            written.append(place(tmp, target, ".xlsx", force))
        finally:
            if tmp.exists():
                tmp.unlink()
        if progress is not None:
            progress(unit.name)
    return written


__all__ = [
    "FILLER_CELLS", "FIRST_ROW", "FORM_FORMAT", "HEADERS", "IDENTITY", "IDENTITY_TABLE_ROW", "NA_YES", "SHEET",
    "answers", "build_form", "form_bytes", "form_name", "header_texts", "how_to_fill", "item_text", "points_text",
    "self_fingerprint", "shown_value", "write_forms",
]
