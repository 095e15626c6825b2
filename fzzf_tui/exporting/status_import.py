"""Take back the 整改清单 an inspected unit filled in: 状态 and 复查意见/整改情况 per finding.

The unit edits columns F (状态) and G (复查意见) of the exported 整改清单 and sends the workbook
back. :func:`read_returned` opens it with :mod:`fzzf_tui.safe_xlsx` (size and zip checks,
defusedxml) and reads the hidden identity: the ``_fzzf`` sheet (inspection id, one fingerprint
per exported finding) and, in each row, the hidden columns H (finding id) and I (fingerprint).

:func:`plan_status_import` compares each row with the inspection and changes nothing. A row is
refused, with its cell, when

* its finding id is empty, unknown to the ``_fzzf`` sheet, or repeated (H);
* its fingerprint differs from the ``_fzzf`` sheet's (I);
* its visible identity text (B 问题, C 整改要求, D 责任单位, E 整改时限) differs from what was
  exported — the exported version is the current finding if its fingerprint still matches,
  otherwise the version in the audit trail whose fingerprint does;
* 状态 is not one of 待整改/整改中/已整改/已销号 (``整改清单!F7: 状态“完成了”不是允许的值``),
  cannot be reached from the current status, or is 已销号 without 复查意见 (G);
* the unit and the app both changed the same field since the export and the unit's value is
  behind the app's (a 状态 further back, a different 复查意见): a conflict.

Only what the unit changed relative to the export is applied (a three-way comparison), so a
status the office moved on after exporting is never set back by an untouched row. Status
changes that skip steps follow the allowed path (待整改 → 已整改 → 已销号).
:func:`apply_status_changes` makes each change with the store's normal audited calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import ExportError, FzzfError, InspectionError, InvalidValue
from ..inspection import STATUSES, Finding, Inspection, InspectionStore
from ..inspection.findings import status_path
from .cells import clean_text, to_date
from .xlsx import (
    IDENTITY,
    IDENTITY_TABLE_ROW,
    RECTIFICATION,
    RECTIFICATION_FIRST_ROW,
    XLSX_FORMAT,
    finding_fingerprint,
    rectification_values,
)

# visible columns that identify a finding; the unit must leave them as exported
IDENTITY_COLUMNS = {2: ("B", "问题"), 3: ("C", "整改要求"), 4: ("D", "责任单位"), 5: ("E", "整改时限")}
STATUS_COL, REVIEW_COL, ID_COL, PRINT_COL = 6, 7, 8, 9
MAX_ROWS = 100_000  # rows read from the sheet (a finding per row; a real list is far shorter)
CLOSED = "已销号"


def _text(value: Any) -> str:
    """A cell value as comparable text (dates ISO, 12.0 as 12, line ends normalised)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


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
    values: tuple[Any, ...]  # columns A–I

    def get(self, col: int) -> Any:
        return self.values[col - 1] if col <= len(self.values) else None

    @property
    def empty(self) -> bool:
        return all(_text(v) == "" for v in self.values)


@dataclass
class ReturnedWorkbook:
    path: Path
    inspection_id: str
    unit: str
    fingerprints: dict[str, str]  # finding id → fingerprint at export
    numbers: dict[str, int]  # finding id → 序号 at export
    rows: list[ReturnedRow]


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
        if keys.get("format") != XLSX_FORMAT:
            raise ExportError(f"{path.name} 的标识工作表格式为“{keys.get('format', '')}”，应为 {XLSX_FORMAT}")
        ins_id = keys.get("inspection_id", "")
        if not ins_id:
            raise ExportError(f"{path.name} 的标识工作表缺少检查编号")
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
                ws.iter_rows(min_row=RECTIFICATION_FIRST_ROW, max_row=last, max_col=PRINT_COL, values_only=True),
                start=RECTIFICATION_FIRST_ROW,
            )
        ]
    finally:
        wb.close()
    return ReturnedWorkbook(path, ins_id, keys.get("unit", ""), fingerprints, numbers, rows)


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
    old_review: str
    new_review: str
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
        if self.old_review != self.new_review:
            parts.append(f"复查意见 “{_short(self.old_review)}” → “{_short(self.new_review)}”")
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

    def __init__(self, ins: Inspection) -> None:
        self.ins = ins
        self._versions: dict[str, list[dict[str, Any]]] | None = None

    def exported(self, current: Finding, fingerprint: str) -> Finding | None:
        """The finding as it was when exported with ``fingerprint`` (None if not found)."""
        if finding_fingerprint(current) == fingerprint:
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
            if finding_fingerprint(version) == fingerprint:
                return version
        return None


def _altered_identity(row: ReturnedRow, exported: Finding) -> list[str]:
    """Cells among B–E whose text is not what was exported for this finding."""
    expected = rectification_values(exported, 0)
    altered = []
    for col, (letter, name) in IDENTITY_COLUMNS.items():
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
    plan = StatusPlan(returned.path, ins.id, ins.unit)
    findings = {f.id: f for f in ins.findings()}
    history = _History(ins)
    seen: set[str] = set()

    def refuse(col: str, row: int, message: str) -> None:
        plan.refused.append(f"{RECTIFICATION}!{col}{row}: {message}")

    for row in returned.rows:
        if row.empty:
            continue
        r = row.row
        fid = _text(row.get(ID_COL))
        if not fid:
            if any(_text(row.get(c)) for c in range(2, REVIEW_COL + 1)):
                refuse("H", r, "没有问题编号（隐藏列 H 被清空，或是新增的行），本行未导入")
            continue
        if fid not in returned.fingerprints:
            refuse("H", r, f"问题编号“{_short(fid, 20)}”不是本整改清单导出的问题（标识被改动），本行未导入")
            continue
        if fid in seen:
            refuse("H", r, f"问题编号“{fid}”重复出现（行被复制），本行未导入")
            continue
        seen.add(fid)
        fingerprint = returned.fingerprints[fid]
        if _text(row.get(PRINT_COL)) != fingerprint:
            refuse("I", r, "内容指纹被改动（隐藏列 I），本行未导入")
            continue
        current = findings.get(fid)
        if current is None:
            refuse("H", r, f"系统中已没有问题“{fid}”（导出后被删除），本行未导入")
            continue
        exported = history.exported(current, fingerprint)
        if exported is None:
            refuse("H", r, "导出后此问题已在系统中修改，且审计记录中找不到导出时的版本，无法判断单位填写的内容；请重新导出整改清单")
            continue
        altered = _altered_identity(row, exported)
        if altered:
            refuse(altered[0][0], r, f"标识内容被改动（{'、'.join(altered)}），本行未导入")
            continue
        status, review = _text(row.get(STATUS_COL)), _text(row.get(REVIEW_COL))
        if status not in STATUSES:
            shown = f"状态“{status}”不是允许的值" if status else "状态为空，不是允许的值"
            refuse("F", r, f"{shown}（应为 {'、'.join(STATUSES)} 之一）")
            continue
        base_review = _text(clean_text(exported.review))
        unit_status = status != exported.status
        unit_review = review != base_review
        if unit_status and current.status not in (exported.status, status) and _rank(status) < _rank(current.status):
            # both moved since the export and the unit's report is behind what the office knows
            refuse("F", r, f"状态冲突：导出后系统中已改为“{current.status}”，单位填写“{status}”，本行未导入")
            continue
        if unit_review and current.review not in (exported.review, review):
            refuse("G", r, "复查意见冲突：导出后系统中已修改复查意见，单位也填写了不同的内容，本行未导入")
            continue
        want_status = status if unit_status else current.status
        want_review = review if unit_review else current.review
        if want_status == current.status and want_review == current.review:
            plan.unchanged += 1
            continue
        steps: list[str] = []
        if want_status != current.status:
            steps = status_path(current.status, want_status)
            if not steps:
                refuse("F", r, f"状态不能从“{current.status}”改为“{want_status}”，本行未导入")
                continue
        if want_status == CLOSED and not want_review:
            refuse("G", r, f"状态为“{CLOSED}”须填写复查意见，本行未导入")
            continue
        if current.status == CLOSED and want_status != CLOSED and (not want_review or want_review == current.review):
            refuse("G", r, f"重新打开“{CLOSED}”的问题须在复查意见中写明原因，本行未导入")
            continue
        note = "导出后系统中也修改过此问题，只更新单位改动的部分" if exported is not current else ""
        plan.changes.append(
            StatusChange(r, fid, current.description, current.status, want_status, current.review, want_review, steps, note)
        )
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
            for i, step in enumerate(ch.steps):
                last = i == len(ch.steps) - 1
                ins.set_finding_status(ch.finding_id, step, ch.new_review if last else "")
            if ins.finding(ch.finding_id).review != ch.new_review:
                ins.update_finding(ch.finding_id, review=ch.new_review)
        except FzzfError as exc:
            plan.refused.append(f"{ch.cell}: {exc}，未写入")
            continue
        applied += 1
    return applied


__all__ = [
    "ReturnedRow", "ReturnedWorkbook", "StatusChange", "StatusPlan", "apply_status_changes", "find_inspection",
    "plan_status_import", "read_returned",
]
