"""Take back the 整改清单 an inspected unit filled in: its 状态 and 整改措施及完成情况 per finding.

The unit edits columns F (状态) and G (整改措施及完成情况) of the exported 整改清单 and sends the
workbook back. :func:`read_returned` opens it with :mod:`fzzf_tui.safe_xlsx` (size and zip
checks, defusedxml) and reads the hidden identity: the ``_fzzf`` sheet (inspection id, one
fingerprint per exported finding, the fields the fingerprints cover) and, in each row, the
hidden columns I (finding id) and J (fingerprint). A workbook exported before 整改措施 had its own
column (``fzzf-xlsx/1``: 复查意见 in G, ids in H–I) is read too: what the unit wrote in G is
taken as its 整改措施.

The unit reports; the inspectors decide. :func:`plan_status_import` compares each row with the
inspection and changes nothing. A row is refused, with its cell, when

* its finding id is empty, unknown to the ``_fzzf`` sheet, or repeated (I);
* its fingerprint differs from the ``_fzzf`` sheet's (J);
* its identity text (B 问题, C 整改要求, D 责任单位, E 整改时限) or the inspectors' 复查意见 (H)
  differs from what was exported — the exported version is the current finding if its
  fingerprint still matches, otherwise the version in the audit trail whose fingerprint does;
* 状态 is not one of 待整改/整改中/已整改/已销号, is 已销号 (``整改清单!F7: 单位不能将问题改为
  “已销号”…``: only an inspector closes a finding, with 复查意见, in the app), goes backwards, or
  the finding is already 已销号;
* the unit and the app both changed the same field since the export and the unit's value is
  behind the app's (a 状态 further back, a different 整改措施): a conflict.

Only what the unit changed relative to the export is applied (a three-way comparison), so a
status the office moved on after exporting is never set back by an untouched row. The unit may
move 待整改 → 整改中 → 已整改 (skipping 整改中 is allowed). :func:`apply_status_changes` makes each
change with the store's normal audited calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import ExportError, FzzfError, InspectionError, InvalidValue
from ..inspection import STATUSES, Finding, Inspection, InspectionStore
from ..inspection.findings import status_path
from .cells import cell_text as _text
from .cells import clean_text, to_date
from .xlsx import (
    FINGERPRINT_FIELDS,
    IDENTITY,
    IDENTITY_TABLE_ROW,
    RECTIFICATION,
    RECTIFICATION_FIRST_ROW,
    SIGN_LEFT,
    UNIT_STATUSES,
    XLSX_FORMAT,
    XLSX_FORMAT_V1,
    finding_fingerprint,
    rectification_values,
)

# visible columns that identify a finding; the unit must leave them as exported
IDENTITY_COLUMNS = {2: ("B", "问题"), 3: ("C", "整改要求"), 4: ("D", "责任单位"), 5: ("E", "整改时限")}
MAX_ROWS = 100_000  # rows read from the sheet (a finding per row; a real list is far shorter)
CLOSED = "已销号"


@dataclass(frozen=True)
class Layout:
    """Where the columns of one 整改清单 version are (1-based)."""

    format: str
    status: int
    measures: int
    review: int | None  # the inspectors' 复查意见, read-only for the unit (none in version 1)
    id: int
    fingerprint: int

    def letter(self, col: int) -> str:
        return "ABCDEFGHIJ"[col - 1]


LAYOUTS = {
    XLSX_FORMAT: Layout(XLSX_FORMAT, status=6, measures=7, review=8, id=9, fingerprint=10),
    XLSX_FORMAT_V1: Layout(XLSX_FORMAT_V1, status=6, measures=7, review=None, id=8, fingerprint=9),
}


def _as_date(value: Any) -> date | None | str:
    """A 整改时限 cell as a date; text that is not a date is returned as text."""
    if value in (None, ""):
        return None
    if isinstance(value, (date, datetime)):
        return to_date(value)
    from ..inspection.findings import validate_due

    try:
        return date.fromisoformat(validate_due(_text(value)))
    except (InvalidValue, ValueError):
        return _text(value)


# -- reading the returned workbook ------------------------------------------------------------
@dataclass(frozen=True)
class ReturnedRow:
    row: int
    values: tuple[Any, ...]  # columns A–J (A–I in version 1)

    def get(self, col: int) -> Any:
        return self.values[col - 1] if col <= len(self.values) else None

    @property
    def empty(self) -> bool:
        return all(_text(v) == "" for v in self.values)

    @property
    def is_signature_block(self) -> bool:
        return _text(self.get(1)) == _text(SIGN_LEFT)


@dataclass
class ReturnedWorkbook:
    path: Path
    inspection_id: str
    unit: str
    fingerprints: dict[str, str]  # finding id → fingerprint at export
    numbers: dict[str, int]  # finding id → 序号 at export
    rows: list[ReturnedRow]
    layout: Layout = LAYOUTS[XLSX_FORMAT]
    fingerprint_fields: tuple[str, ...] = FINGERPRINT_FIELDS


def _fingerprint_fields(path: Path, text: str, layout: Layout) -> tuple[str, ...]:
    """The fields the workbook's fingerprints cover (as it recorded them; only known fields)."""
    fields = tuple(f.strip() for f in text.split(",") if f.strip())
    known = set(FINGERPRINT_FIELDS) | {"review"}
    if not fields:
        return FINGERPRINT_FIELDS if layout.format == XLSX_FORMAT else tuple(f for f in FINGERPRINT_FIELDS if f != "measures")
    if not set(fields) <= known or "id" not in fields:
        raise ExportError(f"{path.name} 的标识工作表中内容指纹的字段“{text}”不正确（标识被改动？）")
    return fields


def read_returned(path: str | Path) -> ReturnedWorkbook:
    """Open a returned 整改清单 safely and read its identity and rows (nothing is changed)."""
    from ..safe_xlsx import check_file

    path = Path(path)

    def expected_sheets(names: list[str]) -> None:  # checked while streaming, before any sheet is read
        if RECTIFICATION not in names or IDENTITY not in names:
            raise ExportError(
                f"{path.name} 不是本工具导出的整改清单（缺少“{RECTIFICATION}”工作表或隐藏的标识工作表），"
                "请使用 fzzf export 导出的工作簿"
            )

    wb = check_file(path, accept_sheets=expected_sheets).load()  # rows, cells, sizes capped before loading
    try:
        ident = wb[IDENTITY]
        keys = {
            _text(ident.cell(row=r, column=1).value): _text(ident.cell(row=r, column=2).value)
            for r in range(1, IDENTITY_TABLE_ROW)
        }
        layout = LAYOUTS.get(keys.get("format", ""))
        if layout is None:
            raise ExportError(f"{path.name} 的标识工作表格式为“{keys.get('format', '')}”，应为 {XLSX_FORMAT}")
        ins_id = keys.get("inspection_id", "")
        if not ins_id:
            raise ExportError(f"{path.name} 的标识工作表缺少检查编号")
        fields = _fingerprint_fields(path, keys.get("fingerprint_fields", ""), layout)
        fingerprints: dict[str, str] = {}
        numbers: dict[str, int] = {}
        for n, fid, fp, *_ in ident.iter_rows(min_row=IDENTITY_TABLE_ROW + 1, max_col=4, values_only=True):
            if _text(fid):
                fingerprints[_text(fid)] = _text(fp)
                numbers[_text(fid)] = int(n) if isinstance(n, (int, float)) else 0
        ws = wb[RECTIFICATION]
        last = min(ws.max_row, RECTIFICATION_FIRST_ROW + MAX_ROWS)
        rows = [
            ReturnedRow(r, tuple(values))
            for r, values in enumerate(
                ws.iter_rows(min_row=RECTIFICATION_FIRST_ROW, max_row=last, max_col=layout.fingerprint, values_only=True),
                start=RECTIFICATION_FIRST_ROW,
            )
        ]
    finally:
        wb.close()
    return ReturnedWorkbook(path, ins_id, keys.get("unit", ""), fingerprints, numbers, rows, layout, fields)


def find_inspection(store: InspectionStore, inspection_id: str, unit: str = "") -> Path:
    """The file of inspection ``inspection_id`` in the data dir (by file name, then by content)."""
    try:
        path = store.resolve(inspection_id)
    except InspectionError:
        path = None
    if path is not None:
        from ..inspection import read_summary

        if read_summary(path).id == inspection_id:
            return path
    for s in store.summaries():  # a file renamed or written by merge -o keeps its id inside
        if s.id == inspection_id:
            return s.path
    who = f"（{unit}）" if unit else ""
    raise InspectionError(
        f"数据目录 {store.root} 中找不到检查 {inspection_id}{who}；请用 --inspection 指定检查文件"
    )


# -- planning ---------------------------------------------------------------------------------
@dataclass
class StatusChange:
    row: int
    finding_id: str
    problem: str
    old_status: str
    new_status: str
    old_measures: str
    new_measures: str
    steps: list[str] = field(default_factory=list)  # statuses to pass through, last = new_status
    note: str = ""

    @property
    def cell(self) -> str:
        col = "F" if self.old_status != self.new_status else "G"
        return f"{RECTIFICATION}!{col}{self.row}"

    def describe(self) -> str:
        parts = []
        if self.old_status != self.new_status:
            via = f"（经 {'、'.join(self.steps[:-1])}）" if len(self.steps) > 1 else ""
            parts.append(f"状态 {self.old_status} → {self.new_status}{via}")
        if self.old_measures != self.new_measures:
            parts.append(f"整改措施 “{_short(self.old_measures)}” → “{_short(self.new_measures)}”")
        text = f"{self.cell}  {_short(self.problem, 24)}：" + "；".join(parts)
        return text + (f"（{self.note}）" if self.note else "")

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "cell": self.cell}


def _rank(status: str) -> int:
    """Progress of a status along 待整改 → 整改中 → 已整改 → 已销号."""
    return STATUSES.index(status) if status in STATUSES else -1


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class StatusPlan:
    source: Path
    inspection_id: str
    unit: str = ""
    changes: list[StatusChange] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "整改清单!F7: …"
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.source),
            "inspection_id": self.inspection_id,
            "unit": self.unit,
            "changes": [c.to_dict() for c in self.changes],
            "refused": self.refused,
            "unchanged": self.unchanged,
            "warnings": self.warnings,
        }


class _History:
    """Earlier versions of findings, from the audit trail (only read when needed)."""

    def __init__(self, ins: Inspection, fields: tuple[str, ...]) -> None:
        self.ins = ins
        self.fields = fields
        self._versions: dict[str, list[dict[str, Any]]] | None = None

    def exported(self, current: Finding, fingerprint: str) -> Finding | None:
        """The finding as it was when exported with ``fingerprint`` (None if not found)."""
        if finding_fingerprint(current, self.fields) == fingerprint:
            return current
        if self._versions is None:
            self._versions = {}
            for entry in reversed(self.ins.audit()):
                for d in (entry.get("new"), entry.get("old")):
                    if isinstance(d, dict) and "id" in d and "description" in d:
                        self._versions.setdefault(str(d["id"]), []).append(d)
        for d in self._versions.get(current.id, []):
            try:
                version = Finding.from_dict(d)
            except (KeyError, TypeError, ValueError):
                continue
            if finding_fingerprint(version, self.fields) == fingerprint:
                return version
        return None


def _altered_identity(row: ReturnedRow, exported: Finding, layout: Layout) -> list[str]:
    """Cells the unit may not change (B–E, and H 复查意见) whose text is not what was exported."""
    expected = rectification_values(exported, 0)
    columns = dict(IDENTITY_COLUMNS)
    if layout.review is not None:
        columns[layout.review] = (layout.letter(layout.review), "复查意见（检查组填写）")
    altered = []
    for col, (letter, name) in columns.items():
        value, want = row.get(col), expected[col - 1]
        if col == 5:
            same = _as_date(value) == to_date(want)
        else:
            same = _text(value) == _text(clean_text(want) if isinstance(want, str) else want)
        if not same:
            altered.append(f"{letter}{row.row} {name}")
    return altered


def plan_status_import(returned: ReturnedWorkbook, ins: Inspection) -> StatusPlan:
    """Compare the returned 整改清单 with the inspection; nothing is changed."""
    if returned.inspection_id != ins.id:
        raise ExportError(f"{returned.path.name} 属于检查 {returned.inspection_id}，不是 {ins.id}（{ins.unit}）")
    layout = returned.layout
    plan = StatusPlan(returned.path, ins.id, ins.unit)
    findings = {f.id: f for f in ins.findings()}
    history = _History(ins, returned.fingerprint_fields)
    seen: set[str] = set()
    id_letter, print_letter = layout.letter(layout.id), layout.letter(layout.fingerprint)

    def refuse(col: str, row: int, message: str) -> None:
        plan.refused.append(f"{RECTIFICATION}!{col}{row}: {message}")

    for row in returned.rows:
        if row.empty or row.is_signature_block:
            continue
        r = row.row
        fid = _text(row.get(layout.id))
        if not fid:
            if any(_text(row.get(c)) for c in range(2, layout.id)):
                refuse(id_letter, r, f"没有问题编号（隐藏列 {id_letter} 被清空，或是新增的行），本行未导入")
            continue
        if fid not in returned.fingerprints:
            refuse(id_letter, r, f"问题编号“{_short(fid, 20)}”不是本整改清单导出的问题（标识被改动），本行未导入")
            continue
        if fid in seen:
            refuse(id_letter, r, f"问题编号“{fid}”重复出现（行被复制），本行未导入")
            continue
        seen.add(fid)
        fingerprint = returned.fingerprints[fid]
        if _text(row.get(layout.fingerprint)) != fingerprint:
            refuse(print_letter, r, f"内容指纹被改动（隐藏列 {print_letter}），本行未导入")
            continue
        current = findings.get(fid)
        if current is None:
            refuse(id_letter, r, f"系统中已没有问题“{fid}”（导出后被删除），本行未导入")
            continue
        exported = history.exported(current, fingerprint)
        if exported is None:
            refuse(id_letter, r, "导出后此问题已在系统中修改，且审计记录中找不到导出时的版本，无法判断单位填写的内容；请重新导出整改清单")
            continue
        altered = _altered_identity(row, exported, layout)
        if altered:
            what = "复查意见由检查组填写，单位不能修改" if "复查意见" in altered[0] else "标识内容被改动"
            refuse(altered[0].split()[0][0], r, f"{what}（{'、'.join(altered)}），本行未导入")
            continue
        status, measures = _text(row.get(layout.status)), _text(row.get(layout.measures))
        if status not in STATUSES:
            shown = f"状态“{status}”不是允许的值" if status else "状态为空，不是允许的值"
            refuse("F", r, f"{shown}（应为 {'、'.join(UNIT_STATUSES)} 之一），本行未导入")
            continue
        # what the unit saw in G: its 整改措施 (in a version-1 workbook the column was 复查意见)
        base_measures = _text(clean_text(exported.measures if layout.review is not None else exported.review))
        unit_status = status != exported.status
        unit_measures = measures != base_measures
        if not unit_status and not unit_measures:
            plan.unchanged += 1
            continue
        if exported.status == CLOSED or (current.status == CLOSED and unit_measures and not unit_status):
            refuse("F" if unit_status else "G", r, f"问题已“{CLOSED}”，不再接受单位的修改；如需重新整改，由检查组在系统中重新打开，本行未导入")
            continue
        if unit_status and status == CLOSED:
            refuse("F", r, f"单位不能将问题改为“{CLOSED}”：销号由检查组复查后在系统中办理（须填写复查意见），本行未导入")
            continue
        if unit_status and _rank(status) < _rank(exported.status):
            refuse("F", r, f"状态只能按 {' → '.join(UNIT_STATUSES)} 推进，不能从“{exported.status}”改回“{status}”，本行未导入")
            continue
        if unit_status and current.status not in (exported.status, status) and _rank(status) < _rank(current.status):
            # both moved since the export and the unit's report is behind what the office knows
            refuse("F", r, f"状态冲突：导出后系统中已改为“{current.status}”，单位填写“{status}”，本行未导入")
            continue
        if unit_measures and current.measures not in (exported.measures, measures):
            refuse("G", r, "整改措施冲突：导出后系统中已修改整改措施，单位也填写了不同的内容，本行未导入")
            continue
        want_status = status if unit_status and _rank(status) > _rank(current.status) else current.status
        want_measures = measures if unit_measures else current.measures
        if want_status == current.status and want_measures == current.measures:
            plan.unchanged += 1
            continue
        steps: list[str] = []
        if want_status != current.status:
            steps = status_path(current.status, want_status)
            if not steps or CLOSED in steps:
                refuse("F", r, f"状态不能从“{current.status}”改为“{want_status}”，本行未导入")
                continue
        note = "导出后系统中也修改过此问题，只更新单位改动的部分" if exported is not current else ""
        plan.changes.append(StatusChange(r, fid, current.description, current.status, want_status, current.measures,
                                         want_measures, steps, note))
    for fid, n in returned.numbers.items():
        if fid not in seen and fid in findings:
            plan.warnings.append(f"第 {n} 项问题（编号 {fid}）不在整改清单中（行被删除？），未更新")
    return plan


def apply_status_changes(ins: Inspection, plan: StatusPlan) -> int:
    """Apply the planned changes with the store's audited calls; returns how many rows were applied.

    A change the store refuses (e.g. the finding moved on meanwhile) is added to
    ``plan.refused`` and the others still go in.
    """
    applied = 0
    for ch in plan.changes:
        try:
            for step in ch.steps:
                if step == CLOSED:  # never: only an inspector closes a finding, in the app
                    raise InvalidValue(f"单位不能将问题改为“{CLOSED}”")
                ins.set_finding_status(ch.finding_id, step, "")
            if ins.finding(ch.finding_id).measures != ch.new_measures:
                ins.update_finding(ch.finding_id, measures=ch.new_measures)
        except FzzfError as exc:
            plan.refused.append(f"{ch.cell}: {exc}，未写入")
            continue
        applied += 1
    return applied


__all__ = [
    "ReturnedRow", "ReturnedWorkbook", "StatusChange", "StatusPlan", "apply_status_changes", "find_inspection",
    "plan_status_import", "read_returned",
]
