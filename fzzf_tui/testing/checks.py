"""Everything the author kit checks about a checklist or a plugin, as a list of located issues.

Used by the pytest helpers (which fail on errors) and by ``fzzf plugin check`` (which prints
them for a clerk who edited a YAML file).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..checklist.model import Checklist
from ..errors import ChecklistError, FzzfError
from .extremes import EPS, Scenario, run_scenarios


@dataclass(frozen=True)
class Issue:
    level: str  # "error" | "warning"
    where: str
    message: str

    def __str__(self) -> str:
        mark = "错误" if self.level == "error" else "警告"
        return f"{mark} {self.where}: {self.message}" if self.where else f"{mark} {self.message}"


@dataclass
class CheckReport:
    """The outcome of checking one target (a file, a plugin, a plugin project)."""

    target: str
    issues: list[Issue] = field(default_factory=list)
    checklists: list[str] = field(default_factory=list)  # ids of checklists checked
    summaries: list[str] = field(default_factory=list)  # one line per checklist that passed

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, where: str, message: str) -> None:
        self.issues.append(Issue("error", where, message))

    def warning(self, where: str, message: str) -> None:
        self.issues.append(Issue("warning", where, message))

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "ok": self.ok,
            "checklists": self.checklists,
            "errors": [str(i) for i in self.errors],
            "warnings": [str(i) for i in self.warnings],
            "summaries": self.summaries,
        }


def checklist_error_issues(exc: ChecklistError, report: CheckReport) -> None:
    """One issue per problem of a malformed checklist, each with its ``file:line``."""
    for problem in exc.problems:
        report.error(problem.where, problem.message)


def structure_warnings(checklist: Checklist) -> list[tuple[str, str]]:
    """(where, message) for things that load but are probably mistakes."""
    out = []
    where = checklist.id
    for item in checklist.walk():
        if item.is_leaf and item.method != "findings" and item.points <= EPS:
            out.append((where, f"指标 {item.code}“{item.title}”分值为 0，评分不影响总分"))
        if item.is_leaf and item.method == "graded" and item.levels and max(lv.fraction for lv in item.levels) < 1 - EPS:
            out.append((where, f"指标 {item.code} 的最高档只得 {max(lv.fraction for lv in item.levels):.0%}，永远得不到满分"))
    for top in checklist.items:
        if top.kind in ("bonus", "penalty") and top.points <= EPS:
            kind = "加分项" if top.kind == "bonus" else "减分项"
            out.append((where, f"{kind} {top.code} 的分值（上限）为 0，不会影响总分"))
    if checklist.grades and checklist.grades[0].min > 100 + EPS:
        out.append((where, f"最高等次“{checklist.grades[0].name}”要求 {checklist.grades[0].min:g}%，超过满分，达不到"))
    return out


def describe(s: Scenario) -> str:
    r = s.report
    if r is None:
        return s.label
    return f"{s.label} {r.total:g} 分（{r.grade_text}）"


def check_checklist(
    checklist: Checklist,
    report: CheckReport | None = None,
    *,
    roundtrip: bool = True,
    folder: str | os.PathLike[str] | None = None,
    limit: int | None = None,
    meta: dict[str, Any] | None = None,
) -> CheckReport:
    """Check a loaded checklist: structure, scoring at the extremes, and (``roundtrip``) a whole
    inspection through the store and the Excel export (in ``folder``, or a temporary one)."""
    from .roundtrip import run_inspection

    report = report or CheckReport(checklist.id)
    report.checklists.append(checklist.id)
    where = f"清单 {checklist.id}"
    for w, message in structure_warnings(checklist):
        report.warning(f"清单 {w}", message)
    done, problems = run_scenarios(checklist)
    for message in problems:
        report.error(where, f"评分检查：{message}")
    run = None
    if roundtrip:
        try:
            if folder is None:
                with tempfile.TemporaryDirectory(prefix="fzzf-check-") as tmp:
                    run = run_inspection(checklist, tmp, limit=limit, meta=meta)
            else:
                run = run_inspection(checklist, folder, limit=limit, meta=meta)
        except FzzfError as exc:
            report.error(where, f"完整检查流程出错：{exc}")
        except Exception as exc:  # noqa: BLE001 - a check reports, never crashes
            report.error(where, f"完整检查流程出错：{type(exc).__name__}: {exc}")
        else:
            for message in run.problems:
                report.error(where, f"完整检查流程：{message}")
    if not problems and (run is None or run.ok):
        parts = "；".join(describe(s) for s in done if s.name in ("all_met", "all_failed", "all_na", "penalties")
                         or ":" in s.name)
        tail = "；检查→导出 Excel→重新打开一致" if run is not None and run.ok else ""
        report.summaries.append(
            f"清单 {checklist.id}（{checklist.title}，{checklist.leaf_count} 个评分项，满分 {checklist.total:g}）：{parts}{tail}"
        )
    return report


def check_checklist_file(path: str | os.PathLike[str], report: CheckReport | None = None, **kwargs: Any) -> CheckReport:
    """Load a checklist file (YAML or Excel) and check it; every loading problem is an issue."""
    from ..checklist.files import load_checklist_file

    path = Path(path)
    report = report or CheckReport(str(path))
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            from ..checklist.table_import import load_checklist_table

            checklist = load_checklist_table(path)
        else:
            checklist = load_checklist_file(path)
    except ChecklistError as exc:
        checklist_error_issues(exc, report)
        return report
    except FzzfError as exc:
        report.error(str(path), str(exc))
        return report
    return check_checklist(checklist, report, **kwargs)


def check_plugin(plugins: Any, name: str, report: CheckReport | None = None, **kwargs: Any) -> CheckReport:
    """Check one loaded plugin: its load/hook errors and warnings, then each of its checklists."""
    plugins.load_everything()
    record = plugins.records.get(name)
    report = report or CheckReport(name)
    if record is None:
        report.error(name, "没有加载这个插件")
        return report
    where = f"插件 {record.name}"
    for message in record.errors:
        report.error(where, message)
    for message in record.warnings:
        report.warning(where, message)
    located = {message: problems for plugin, message, problems in plugins.checklist_problems if plugin == name}
    for plugin, message in plugins.checklist_errors:
        if plugin != name:
            continue
        for problem in located.get(message, ()):
            report.error(problem.where, problem.message)
        if message not in located:
            report.error(where, message)
    entries = [e for e in plugins.checklist_entries() if e.plugin == name]
    if not entries and not record.errors and not located and "register_checklists" in record.hooks:
        report.warning(where, "没有提供任何清单")
    for entry in entries:
        check_checklist(entry.checklist, report, meta=plugins.provenance(entry.checklist.id), **kwargs)
    return report


def problems_text(issues: Iterable[Issue]) -> str:
    return "\n".join(f"  {i}" for i in issues)
