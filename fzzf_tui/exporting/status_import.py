"""Take back the 整改清单 an inspected unit filled in: 状态 and 复查意见/整改情况 per finding.

The workbook is opened with :mod:`fzzf_tui.safe_xlsx`. Rows are matched by the hidden finding
id (column H) and checked against the hidden ``_fzzf`` sheet (inspection id, fingerprint per
finding) and against the visible identity text (问题, 整改要求, 责任单位, 整改时限): a row whose
identity was altered is refused with its cell, and so is an invalid status. Nothing is
applied until :func:`apply_status_changes`, which goes through the store (audited) and
follows the allowed transitions (待整改 → 整改中 → 已整改 → 已销号).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import ExportError, InvalidValue
from ..inspection import STATUSES, Inspection
from ..inspection.followup import _status_path
from .xlsx import IDENTITY, RECTIFICATION, RECTIFICATION_FIRST_ROW, rectification_values

IDENTITY_COLUMNS = {2: "问题", 3: "整改要求", 4: "责任单位", 5: "整改时限"}


@dataclass
class StatusChange:
    row: int
    finding_id: str
    old_status: str
    new_status: str
    old_review: str
    new_review: str
    steps: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = []
        if self.old_status != self.new_status:
            parts.append(f"状态 {self.old_status} → {self.new_status}")
        if self.old_review != self.new_review:
            parts.append(f"复查意见 “{self.old_review}” → “{self.new_review}”")
        return f"第 {self.row} 行（问题 {self.finding_id}）：" + "；".join(parts)


@dataclass
class StatusPlan:
    source: Path
    inspection_id: str
    changes: list[StatusChange] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "整改清单!F7: …"
    unchanged: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.source),
            "inspection_id": self.inspection_id,
            "changes": [c.__dict__ for c in self.changes],
            "refused": self.refused,
            "unchanged": self.unchanged,
        }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_identity(path: Path) -> tuple[Any, str, dict[str, str]]:
    """Open the workbook safely; return (workbook, inspection id, finding id → fingerprint)."""
    from ..safe_xlsx import open_workbook

    wb = open_workbook(path)
    if RECTIFICATION not in wb.sheetnames or IDENTITY not in wb.sheetnames:
        raise ExportError(f"{path.name} 不是本工具导出的整改清单（缺少“{RECTIFICATION}”或隐藏的标识工作表）")
    ident = wb[IDENTITY]
    keys = {_text(ident.cell(row=r, column=1).value): _text(ident.cell(row=r, column=2).value) for r in range(1, 9)}
    ins_id = keys.get("inspection_id", "")
    if not ins_id:
        raise ExportError(f"{path.name} 的标识工作表缺少检查编号")
    prints: dict[str, str] = {}
    for r in range(11, ident.max_row + 1):
        fid = _text(ident.cell(row=r, column=2).value)
        if fid:
            prints[fid] = _text(ident.cell(row=r, column=3).value)
    return wb, ins_id, prints


def plan_status_import(path: Path, ins: Inspection, wb: Any = None, prints: dict[str, str] | None = None) -> StatusPlan:
    """Compare the returned 整改清单 with the inspection; nothing is changed."""
    if wb is None or prints is None:
        wb, ins_id, prints = read_identity(path)
        if ins_id != ins.id:
            raise ExportError(f"{path.name} 属于检查 {ins_id}，不是 {ins.id}")
    ws = wb[RECTIFICATION]
    plan = StatusPlan(path, ins.id)
    findings = {f.id: f for f in ins.findings()}
    seen: set[str] = set()
    for row in range(RECTIFICATION_FIRST_ROW, ws.max_row + 1):
        cells = {c: ws.cell(row=row, column=c).value for c in range(1, 10)}
        if all(v in (None, "") for v in cells.values()):
            continue
        fid = _text(cells[8])
        where = f"{RECTIFICATION}!"
        if not fid:
            if any(_text(cells[c]) for c in range(2, 8)):
                plan.refused.append(f"{where}H{row}: 没有问题编号（隐藏列被清空或新增了行），本行未导入")
            continue
        finding = findings.get(fid)
        if finding is None or fid not in prints:
            plan.refused.append(f"{where}H{row}: 问题编号“{fid}”不属于本检查（标识被改动），本行未导入")
            continue
        if fid in seen:
            plan.refused.append(f"{where}H{row}: 问题编号“{fid}”重复出现，本行未导入")
            continue
        seen.add(fid)
        if _text(cells[9]) != prints[fid]:
            plan.refused.append(f"{where}I{row}: 内容指纹被改动，本行未导入")
            continue
        expected = rectification_values(finding, 0)
        altered = [
            f"{chr(64 + c)}{row}（{name}）"
            for c, name in IDENTITY_COLUMNS.items()
            if _text(cells[c]) != _text(expected[c - 1])
        ]
        if altered:
            plan.refused.append(f"{where}{altered[0].split('（')[0]}: 标识内容被改动（{'、'.join(altered)}），本行未导入")
            continue
        status = _text(cells[6])
        review = _text(cells[7])
        if status not in STATUSES:
            plan.refused.append(f"{where}F{row}: 状态“{status}”不是允许的值（{'、'.join(STATUSES)}）")
            continue
        if status == finding.status and review == finding.review:
            plan.unchanged += 1
            continue
        steps = _status_path(finding.status, status) if status != finding.status else []
        if status != finding.status and not steps:
            plan.refused.append(f"{where}F{row}: 状态不能从“{finding.status}”改为“{status}”")
            continue
        if status == "已销号" and not review:
            plan.refused.append(f"{where}G{row}: 改为“已销号”须填写复查意见")
            continue
        plan.changes.append(StatusChange(row, fid, finding.status, status, finding.review, review, steps))
    return plan


def apply_status_changes(ins: Inspection, plan: StatusPlan) -> int:
    """Apply the planned changes through the store (each one audited); returns how many."""
    applied = 0
    for ch in plan.changes:
        try:
            if ch.steps:
                for step in ch.steps:
                    ins.set_finding_status(ch.finding_id, step, ch.new_review)
            else:
                ins.update_finding(ch.finding_id, review=ch.new_review)
        except InvalidValue as exc:
            plan.refused.append(f"{RECTIFICATION}!F{ch.row}: {exc}")
            continue
        applied += 1
    return applied
