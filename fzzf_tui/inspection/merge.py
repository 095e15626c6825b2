"""Merge a team's inspections of one unit into one: combine results, list conflicts.

Inputs must share the checklist content hash (the same snapshot) and the unit. Per item:
results that agree (same value / 不涉及) are combined; results that differ are a *conflict*,
listed with each inspector's value and time and left unresolved (no result) in the output
until someone picks one (``Inspection.resolve_conflict``). Findings are unioned by id (the
most recently updated copy wins when the same finding appears twice). Every input's audit
trail is kept in the output (table ``source_audits``) and the merge entry names each input's
audit head, so nothing is silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..errors import InspectionError, InvalidValue
from .findings import Finding
from .scoring import Result
from .store import Inspection, InspectionStore


@dataclass
class MergeReport:
    output: Path
    sources: list[dict[str, Any]]
    combined: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    findings: int = 0
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "sources": self.sources,
            "combined": self.combined,
            "conflicts": self.conflicts,
            "findings": self.findings,
            "problems": self.problems,
        }


def _same(a: Result, b: Result) -> bool:
    return (a.na, a.value if not a.na else None, a.na_reason.strip() if a.na else "") == (
        b.na, b.value if not b.na else None, b.na_reason.strip() if b.na else ""
    )


def copy_evidence(sources: Iterable[Inspection], out: Path) -> list[str]:
    """Put the sources' evidence files into the store beside ``out`` (by hash: once each)."""
    from . import evidence as ev_mod

    store = ev_mod.EvidenceStore.beside(out)
    problems, done = [], set()
    for ins in sources:
        for a in ev_mod.attached(ins.results(), ins.findings()):
            e = a.evidence
            if e.sha256 in done:
                continue
            done.add(e.sha256)
            if store.find(e.sha256, ev_mod.display_name(e)) is not None:
                continue
            local = ev_mod.locate(e, ins.path, ins.id)
            if local is None:
                problems.append(f"佐证材料 {ev_mod.display_name(e)} 在本机找不到，合并后的检查缺少该文件")
                continue
            try:
                store.add(local)
            except InvalidValue as exc:
                problems.append(str(exc))
    return problems


def _norm_unit(unit: str) -> str:
    return "".join(unit.split())


def merge_inspections(paths: Iterable[Path], out: Path, who: str | None = None) -> MergeReport:
    paths = [Path(p) for p in paths]
    if len(paths) < 2:
        raise InspectionError("合并至少需要两个检查文件")
    opened: list[Inspection] = []
    try:
        for p in paths:
            opened.append(Inspection.open(p, readonly=True))
        first = opened[0]
        for other in opened[1:]:
            if other.meta["checklist_hash"] != first.meta["checklist_hash"]:
                raise InspectionError(
                    "清单版本不同，不能合并：\n"
                    f"  {first.path.name} 使用 {first.meta['checklist_id']} {first.meta['checklist_version']}"
                    f"（{first.meta['checklist_hash'][:19]}…）\n"
                    f"  {other.path.name} 使用 {other.meta['checklist_id']} {other.meta['checklist_version']}"
                    f"（{other.meta['checklist_hash'][:19]}…）"
                )
            if _norm_unit(other.unit) != _norm_unit(first.unit):
                raise InspectionError(f"被检查单位不同，不能合并：{first.path.name}（{first.unit}） 与 {other.path.name}（{other.unit}）")
        problems = []
        for ins in opened:
            rep = ins.verify()
            if not rep.ok:
                problems.append(f"{ins.path.name}：审计链校验未通过（{rep.problems[0]}），仍已合并，请核查")
        # results: agree → combine; differ → conflict
        by_code: dict[str, list[tuple[Inspection, Result]]] = {}
        for ins in opened:
            for code, r in ins.results().items():
                by_code.setdefault(code, []).append((ins, r))
        combined: list[Result] = []
        conflicts: list[dict[str, Any]] = []
        for code in (leaf.code for leaf in first.checklist.leaves()):
            entries = by_code.get(code)
            if not entries:
                continue
            base = entries[0][1]
            if all(_same(base, r) for _, r in entries[1:]):
                latest = max((r for _, r in entries), key=lambda r: r.at)
                notes = [r.note for _, r in entries if r.note]
                unique_notes = list(dict.fromkeys(notes))
                evidence = tuple({e.sha256 or e.text: e for _, r in entries for e in r.evidence}.values())  # 佐证: all copies
                combined.append(Result(code, latest.value, latest.na, latest.na_reason, "；".join(unique_notes), latest.by, latest.at,
                                       evidence))
            else:
                conflicts.append({
                    "code": code,
                    "title": first.checklist.item(code).title,
                    "candidates": [
                        {"source": ins.id, "file": ins.path.name, "by": r.by, "at": r.at, "result": r.to_dict()}
                        for ins, r in entries
                    ],
                })
        # findings: union by id
        findings: dict[str, Finding] = {}
        for ins in opened:
            for f in ins.findings():
                if f.id not in findings or f.updated_at > findings[f.id].updated_at:
                    findings[f.id] = f
        sources = [
            {
                "id": ins.id,
                "file": str(ins.path),
                "inspectors": ins.meta.get("inspectors", []),
                "results": len(ins.results()),
                "findings": len(ins.findings()),
                "audit_entries": len(ins.audit()),
                "audit_head": ins.audit()[-1]["hash"] if ins.audit() else "",
            }
            for ins in opened
        ]
        inspectors = list(dict.fromkeys(i for ins in opened for i in ins.meta.get("inspectors", [])))
        dates = sorted(d for d in (ins.meta.get("date") for ins in opened) if d)
        out_ins = InspectionStore(out.parent).create(
            first.checklist,
            first.unit,
            inspectors,
            dates[0] if dates else None,
            who=who,
            path=out,
            extra_meta={"merged_from": sources},
        )
        try:
            out_ins.bulk_apply(
                "merge",
                {"sources": [{"id": s["id"], "audit_head": s["audit_head"]} for s in sources],
                 "combined": len(combined), "conflicts": [c["code"] for c in conflicts], "findings": len(findings)},
                results=combined,
                findings=findings.values(),
                meta={"conflicts": conflicts},
                tables={"source_audits": [{"source": ins.id, "entries": ins.audit()} for ins in opened]},
            )
        finally:
            out_ins.close()
        problems += copy_evidence(opened, out)
        return MergeReport(out, sources, len(combined), conflicts, len(findings), problems)
    finally:
        for ins in opened:
            ins.close()
