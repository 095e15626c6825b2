"""Consolidate many inspections (files or bundles) into one workbook for the 督察办.

Inputs are read without locks and never written. The workbook (openpyxl write-only mode, so
300 inspections stay fast and small in memory) has:

``排名``        per checklist (id + version), units ranked by 得分率: 名次 | 被检查单位 | 检查类型 |
               清单 | 得分 | 满分 | 得分率 | 等次 | 完成度 | 问题 一般/较重/严重 | 未销号 | 状态 | 文件
``分项对比``    per checklist, one row per unit and one column per top-level section (得分率)
``整改台账``    every finding of every unit: 序号 | 被检查单位 | 检查类型 | 指标编号 | 问题 | 整改要求 |
               责任单位 | 整改时限 | 状态 | 复查意见 | 是否逾期, overdue rows filled red; hidden
               columns 检查编号 | 问题编号
``未纳入文件``  every input that could not be read, with the reason
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from ..checklist.loading import checklist_from_dict
from ..checklist.model import Checklist
from ..errors import ExportError, FzzfError
from ..inspection import Finding, Result, ScoreReport, score_inspection
from ..inspection.storage import AtomicJSONStorage
from ..inspection.store import FILE_FORMAT, SUFFIX
from .files import place, temp_path

BUNDLE_SUFFIX = ".fzzf.zip"
SEVERITIES = ("一般", "较重", "严重")
DONE = ("已整改", "已销号")


@dataclass
class Loaded:
    source: Path
    meta: dict[str, Any]
    checklist: Checklist
    results: dict[str, Result]
    findings: list[Finding]
    report: ScoreReport

    @property
    def group(self) -> tuple[str, str]:
        return (str(self.meta.get("checklist_id")), str(self.meta.get("checklist_version")))


@dataclass
class ConsolidateReport:
    output: Path
    included: list[Loaded] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    overdue: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "included": [
                {"file": str(x.source), "id": x.meta.get("id"), "unit": x.meta.get("unit"),
                 "total": round(x.report.total, 4), "percent": round(x.report.percent, 2), "grade": x.report.grade}
                for x in self.included
            ],
            "skipped": [{"file": f, "reason": r} for f, r in self.skipped],
            "overdue": self.overdue,
        }


def collect_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files as given; directories searched recursively for inspection files and bundles."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and (q.name.endswith(SUFFIX) or q.name.endswith(BUNDLE_SUFFIX))))
        else:
            out.append(p)
    return out


class _Reader:
    """Reads inspections; builds each distinct checklist snapshot only once."""

    def __init__(self) -> None:
        self._checklists: dict[str, Checklist] = {}

    def tables(self, path: Path) -> dict[str, Any]:
        if path.name.endswith(BUNDLE_SUFFIX):
            from .bundle import read_bundle

            return read_bundle(path).tables
        if not path.exists():
            raise ExportError("文件不存在")
        return AtomicJSONStorage(path, readonly=True).read() or {}

    def load(self, path: Path) -> Loaded:
        tables = self.tables(path)
        meta = (tables.get("meta") or {}).get("1")
        if not isinstance(meta, dict) or meta.get("format") != FILE_FORMAT:
            raise ExportError("不是 fzzf 检查文件")
        snap = ((tables.get("checklist") or {}).get("1") or {}).get("json")
        if not isinstance(snap, str):
            raise ExportError("缺少清单快照")
        key = "sha256:" + hashlib.sha256(snap.encode("utf-8")).hexdigest()
        if key != meta.get("checklist_hash"):
            raise ExportError("清单快照与记录的哈希不符（文件可能被改动）")
        checklist = self._checklists.get(key)
        if checklist is None:
            checklist = checklist_from_dict(json.loads(snap), f"{path.name} 的清单快照")
            self._checklists[key] = checklist
        results = {d["code"]: Result.from_dict(d) for d in (tables.get("results") or {}).values()}
        findings = [Finding.from_dict(d) for d in (tables.get("findings") or {}).values()]
        open_codes = {f.item_code for f in findings if f.is_open and f.item_code}
        report = score_inspection(checklist, results, open_codes)
        return Loaded(path, dict(meta), checklist, results, findings, report)


def is_overdue(f: Finding, today: date) -> bool:
    if not f.due or f.status in DONE:
        return False
    try:
        return date.fromisoformat(f.due) < today
    except ValueError:
        return False


def consolidate(
    inputs: Iterable[Path],
    out: Path,
    today: date | None = None,
    force: bool = False,
    progress: Callable[[Path], None] | None = None,
) -> ConsolidateReport:
    """Read every input, write the workbook, return what was included and skipped."""
    today = today or date.today()
    files = collect_inputs(inputs)
    if not files:
        raise ExportError("没有找到可汇总的检查文件（.fzzf 或 .fzzf.zip）")
    reader = _Reader()
    report = ConsolidateReport(Path(out))
    seen: dict[str, Path] = {}
    for path in files:
        try:
            loaded = reader.load(path)
        except FzzfError as exc:
            report.skipped.append((str(path), str(exc)))
        except Exception as exc:  # noqa: BLE001 - a hostile or broken input never stops the run
            report.skipped.append((str(path), f"{type(exc).__name__}: {exc}"))
        else:
            ins_id = str(loaded.meta.get("id"))
            if ins_id in seen:
                report.skipped.append((str(path), f"与 {seen[ins_id].name} 是同一检查（编号 {ins_id}），只计一次"))
            else:
                seen[ins_id] = path
                report.included.append(loaded)
        if progress is not None:
            progress(path)
    report.overdue = sum(1 for x in report.included for f in x.findings if is_overdue(f, today))
    _write_workbook(report, today, force)
    return report


# -- the workbook --------------------------------------------------------------------------------
def _write_workbook(report: ConsolidateReport, today: date, force: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    from .cells import clean_text

    wb = Workbook(write_only=True)
    bold = Font(name="黑体", bold=True, size=11)
    title_font = Font(name="黑体", bold=True, size=14)
    red = PatternFill("solid", fgColor="FFC7CE")
    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(ws: Any, value: Any, font: Any = None, fill: Any = None, fmt: str | None = None, align: Any = None) -> Any:
        if isinstance(value, str):
            value = clean_text(value)
        formula_like = isinstance(value, str) and value[:1] in ("=", "+", "-", "@")
        if font is None and fill is None and fmt is None and align is None and not formula_like:
            return value  # plain values are much faster in write-only mode than styled cells
        c = WriteOnlyCell(ws, value=value)
        if formula_like:
            c.data_type = "s"  # text, never a formula
            c.quotePrefix = True
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        if fmt:
            c.number_format = fmt
        if align is not None:
            c.alignment = align
        return c

    def sheet(name: str, headers: list[str], widths: list[float], title: str) -> Any:
        ws = wb.create_sheet(name)
        for i, w in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + i)].width = w
        ws.freeze_panes = "A3"
        ws.append([cell(ws, title, title_font)])
        ws.append([cell(ws, h, bold) for h in headers])
        return ws

    groups: dict[tuple[str, str], list[Loaded]] = {}
    for x in report.included:
        groups.setdefault(x.group, []).append(x)

    # 排名
    headers = ["名次", "被检查单位", "检查类型", "清单", "得分", "满分", "得分率", "等次", "完成度",
               "一般问题", "较重问题", "严重问题", "未销号", "状态", "文件"]
    ws = sheet("排名", headers, [6, 28, 10, 30, 9, 8, 9, 8, 9, 9, 9, 9, 8, 8, 40], f"法治政府建设检查汇总排名（{len(report.included)} 个检查）")
    for (cid, ver), rows in groups.items():
        rows.sort(key=lambda x: (-x.report.percent, str(x.meta.get("unit"))))
        for rank, x in enumerate(rows, start=1):
            sev = {s: sum(1 for f in x.findings if f.severity == s) for s in SEVERITIES}
            ws.append([
                cell(ws, rank), cell(ws, x.meta.get("unit", "")), cell(ws, x.meta.get("type", "")),
                cell(ws, f"{x.meta.get('checklist_title', cid)} {ver}"),
                cell(ws, round(x.report.total, 4), fmt="0.00"), cell(ws, x.report.max_total, fmt="0.##"),
                cell(ws, round(x.report.percent / 100, 6), fmt="0.0%"), cell(ws, x.report.grade),
                cell(ws, round(x.report.completion, 6), fmt="0.0%"),
                cell(ws, sev["一般"]), cell(ws, sev["较重"]), cell(ws, sev["严重"]),
                cell(ws, sum(1 for f in x.findings if f.is_open)), cell(ws, x.meta.get("status", "")),
                cell(ws, str(x.source)),
            ])

    # 分项对比
    ws = wb.create_sheet("分项对比")
    ws.column_dimensions["A"].width = 28
    ws.append([cell(ws, "各一级指标得分率对比（按清单分组）", title_font)])
    for (cid, ver), rows in groups.items():
        sections = [i for i in rows[0].checklist.items if i.kind == "normal"]
        ws.append([])
        ws.append([cell(ws, f"{rows[0].meta.get('checklist_title', cid)} {ver}", bold)])
        ws.append([cell(ws, "被检查单位", bold), cell(ws, "总得分率", bold)] + [cell(ws, f"{s.code} {s.title}", bold) for s in sections])
        for x in rows:
            vals = []
            for s in sections:
                ns = x.report.nodes.get(s.code)
                vals.append(cell(ws, round(ns.percent / 100, 6) if ns and ns.applicable else "不涉及", fmt="0.0%"))
            ws.append([cell(ws, x.meta.get("unit", "")), cell(ws, round(x.report.percent / 100, 6), fmt="0.0%")] + vals)

    # 整改台账
    headers = ["序号", "被检查单位", "检查类型", "指标编号", "问题", "整改要求", "责任单位", "整改时限", "状态",
               "复查意见", "是否逾期", "检查编号", "问题编号"]
    ws = sheet("整改台账", headers, [6, 24, 10, 10, 44, 34, 22, 12, 8, 24, 8, 18, 14],
               f"法治政府建设问题整改台账（截至 {today.isoformat()}，逾期 {report.overdue} 项）")
    ws.column_dimensions["L"].hidden = True
    ws.column_dimensions["M"].hidden = True
    n = 0
    for x in report.included:
        for f in sorted(x.findings, key=lambda f: (f.item_code or "~", f.created_at)):
            n += 1
            late = is_overdue(f, today)
            due = date.fromisoformat(f.due) if f.due else None
            # plain values (no per-cell styles) keep 300 units × many findings fast; overdue
            # rows are coloured by one conditional format on column K below
            ws.append([
                n, cell(ws, x.meta.get("unit", "")), cell(ws, x.meta.get("type", "")),
                cell(ws, f.item_code or "整体"), cell(ws, f.description), cell(ws, f.requirement),
                cell(ws, "、".join(f.units)), cell(ws, due, fmt="yyyy-mm-dd") if due else None, cell(ws, f.status),
                cell(ws, f.review), "逾期" if late else "", cell(ws, str(x.meta.get("id"))), cell(ws, f.id),
            ])
    if n:
        from openpyxl.formatting.rule import FormulaRule

        ws.conditional_formatting.add(f"A3:K{n + 2}", FormulaRule(formula=['$K3="逾期"'], fill=red))
    ws.auto_filter.ref = f"A2:M{max(2, n + 2)}"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0

    # 未纳入文件
    ws = sheet("未纳入文件", ["文件", "原因"], [60, 80], f"未纳入汇总的文件（{len(report.skipped)} 个）")
    for name, reason in report.skipped:
        ws.append([cell(ws, name), cell(ws, reason, align=wrap)])

    out = report.output
    if out.suffix.lower() != ".xlsx":
        out = out.with_suffix(".xlsx")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(out, ".xlsx")
    try:
        wb.save(tmp)
        report.output = place(tmp, out, ".xlsx", force)
    finally:
        if tmp.exists():
            tmp.unlink()
