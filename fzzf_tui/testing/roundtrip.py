"""A whole inspection on a checklist, as an inspector makes it: the real store (scores entered
one by one, a 不涉及 with its reason, a finding), the audit check, the Excel export through the
registered writer, and the workbook opened again and compared with the scores."""

from __future__ import annotations

import contextlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checklist.model import Checklist
from ..inspection import InspectionStore, ScoreReport
from .extremes import NA, NA_REASON, best_value, worst_value

INFO_SHEET, DETAIL_SHEET = "检查信息", "评分明细"


@dataclass
class InspectionRun:
    """What :func:`run_inspection` made and found."""

    path: Path
    workbook: Path
    report: ScoreReport
    sheets: list[str]
    info: dict[str, Any]  # 检查信息 as read back from the workbook (项目 → 内容)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def inspection_values(checklist: Checklist, limit: int | None = None) -> dict[str, Any]:
    """Values for a realistic inspection: most leaves met, one of each method not met, one 不涉及."""
    leaves = list(checklist.leaves())
    if limit is not None:
        leaves = leaves[:limit]
    values: dict[str, Any] = {}
    seen_methods: set[str] = set()
    for n, leaf in enumerate(leaves):
        if n == len(leaves) - 1 and len(leaves) > 2:
            values[leaf.code] = NA
        elif leaf.method not in seen_methods:
            seen_methods.add(leaf.method)
            values[leaf.code] = worst_value(leaf)
        else:
            values[leaf.code] = best_value(leaf)
    return values


def run_inspection(
    checklist: Checklist,
    folder: str | os.PathLike[str],
    values: dict[str, Any] | None = None,
    *,
    unit: str = "测试单位",
    limit: int | None = None,
    meta: dict[str, Any] | None = None,
) -> InspectionRun:
    """Create an inspection in ``folder`` through the real store, enter ``values`` (leaf code →
    value or :data:`~fzzf_tui.testing.extremes.NA`; by default :func:`inspection_values`),
    add a finding, verify the audit trail, export the Excel workbook and read it back.

    Problems are collected in ``InspectionRun.problems`` (an empty list means all agreed);
    errors from the store or the exporter propagate as they would for an inspector.
    ``limit`` scores only the first leaves (for very large checklists). ``meta`` goes into the
    inspection's meta as ``fzzf new`` puts it there (e.g. ``Plugins.provenance(id)``, shown as
    清单来源 in 检查信息).
    """
    from openpyxl import load_workbook

    from ..exporting import export_inspection

    folder = Path(folder)
    store = InspectionStore(folder / "inspections")
    values = inspection_values(checklist, limit) if values is None else values
    ins = store.create(checklist, unit, ["测试员甲", "测试员乙"], "2026-05-01", who="测试员甲", extra_meta=meta)
    problems: list[str] = []
    try:
        batch = getattr(ins.storage, "batch", None)
        with batch() if batch else contextlib.nullcontext():
            for code, value in values.items():
                if value is NA:
                    ins.set_na(code, NA_REASON)
                else:
                    ins.set_value(code, value)
            first = next(iter(values), None)
            if first is not None:
                ins.add_finding("测试发现的问题：台账不全", item_code=first, requirement="补齐台账", due="2026-06-30")
        report = ins.score()
        verified = ins.verify()
        if not verified.ok:
            problems.append("审计链校验未通过：" + "；".join(verified.problems))
        workbook = export_inspection(ins, "xlsx", out=folder / "exports")
        path = ins.path
    finally:
        ins.close()

    wb = load_workbook(workbook, read_only=True, data_only=True)
    try:
        sheets = list(wb.sheetnames)
        for name in (INFO_SHEET, DETAIL_SHEET):
            if name not in sheets:
                problems.append(f"导出的工作簿缺少工作表“{name}”（有：{'、'.join(sheets)}）")
        info: dict[str, Any] = {}
        if INFO_SHEET in sheets:
            for row in wb[INFO_SHEET].iter_rows(values_only=True):
                if row and len(row) >= 2 and isinstance(row[0], str):
                    info.setdefault(row[0].strip(), row[1])
        detail_codes: set[str] = set()
        if DETAIL_SHEET in sheets:
            for row in wb[DETAIL_SHEET].iter_rows(values_only=True):
                if row and isinstance(row[0], str):
                    detail_codes.add(row[0].strip())
    finally:
        wb.close()

    total = info.get("总分")
    has_value = getattr(report, "has_value", True)
    if has_value and (not isinstance(total, (int, float)) or not math.isclose(float(total), report.total, abs_tol=1e-6)):
        problems.append(f"工作簿“检查信息”的总分为 {total!r}，评分结果为 {report.total:g}")
    if info.get("清单编号") != checklist.id:
        problems.append(f"工作簿“检查信息”的清单编号为 {info.get('清单编号')!r}，应为 {checklist.id}")
    grade = getattr(report, "grade_text", report.grade)  # 未评定（…） while items are 未评
    if info.get("等次") != grade:
        problems.append(f"工作簿“检查信息”的等次为 {info.get('等次')!r}，评分结果为 {grade}")
    if meta and meta.get("checklist_plugin"):
        want = f"{meta['checklist_plugin']} {meta.get('checklist_plugin_version') or ''}".strip()
        if info.get("清单来源") != want:
            problems.append(f"工作簿“检查信息”的清单来源为 {info.get('清单来源')!r}，应为 {want}")
    missing = [item.code for item in checklist.walk() if item.code not in detail_codes]
    if DETAIL_SHEET in sheets and missing:
        problems.append(f"工作簿“评分明细”缺少指标 {'、'.join(missing[:10])}{' 等' if len(missing) > 10 else ''}")
    return InspectionRun(path, workbook, report, sheets, info, problems)
