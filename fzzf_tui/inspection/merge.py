"""Merge a team's inspections of one unit into one: combine results and findings, list conflicts.

Inputs must share the checklist content hash (the same snapshot) and the unit.

When the inputs are copies of one inspection (same id), their audit trails share a beginning;
replaying it (:mod:`.replay`) gives the *base* they all started from, and the merge is
three-way: a result, or a field of a finding, changed in one copy is taken; changed to
different values in several copies it is a conflict. Without a common base (inspections
entered separately by different inspectors) results that differ are conflicts.

* Results: an item's score, 备注 and 佐证材料 merge separately. Scores that agree are
  combined; a conflict is listed with each candidate and left without a result until someone
  picks one (``Inspection.resolve_conflict``). Different notes are joined, never dropped.
* Findings sharing an id are merged field by field; a conflicting field keeps the base value
  (or the first copy's) and is listed in ``meta.finding_conflicts`` until resolved
  (``Inspection.resolve_finding_conflict``). Evidence added in any copy is kept, a piece
  removed in one copy stays removed; histories are combined. A finding removed in one copy and
  untouched in the others is removed (and said); edited elsewhere it is kept (and said).
* Meta fields and extra tables beyond the usual ones (the checklist's plugin, a campaign link,
  the unit's 自查 layer) are carried over, three-way for copies.
* Identical findings — the same item and the same text recorded by two inspectors under
  different ids — become one finding that keeps the others' id, recorder and time as
  ``provenance``; fields they disagree on become conflicts.

Nothing is dropped silently: every input's audit trail is kept (table ``source_audits``), the
merge entry names each input's head, and ``finalize`` refuses while any conflict is open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..errors import InspectionError, InvalidValue
from .findings import Evidence, Finding
from .replay import Replayer, State
from .scoring import Result
from .folder import InspectionStore
from .store import Inspection, now_iso

FINDING_FIELDS = ("description", "item_code", "severity", "requirement", "units", "due", "status", "review", "measures",
                  "origin")
FIELD_LABELS = {
    "description": "问题描述", "item_code": "关联指标", "severity": "严重程度", "requirement": "整改要求",
    "units": "责任单位", "due": "整改时限", "status": "整改状态", "review": "复查意见",
    "measures": "整改措施及完成情况", "origin": "原问题",
}


@dataclass
class MergeReport:
    output: Path
    sources: list[dict[str, Any]]
    combined: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    findings: int = 0
    problems: list[str] = field(default_factory=list)
    finding_conflicts: list[dict[str, Any]] = field(default_factory=list)
    deduplicated: list[dict[str, Any]] = field(default_factory=list)  # identical findings made one
    base_entries: int = 0  # audit entries the copies share (0: no common base)

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "sources": self.sources,
            "combined": self.combined,
            "conflicts": self.conflicts,
            "finding_conflicts": self.finding_conflicts,
            "deduplicated": self.deduplicated,
            "findings": self.findings,
            "base_entries": self.base_entries,
            "problems": self.problems,
        }


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


def _plain(value: Any) -> Any:
    if isinstance(value, Evidence):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _key(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True)


def common_base(opened: list[Inspection]) -> tuple[State | None, int]:
    """The state the copies of one inspection started from, and how many entries they share."""
    if len({ins.id for ins in opened}) != 1:
        return None, 0
    logs = [ins.storage.entries for ins in opened]
    n = min(len(log) for log in logs)
    k = 0
    while k < n and all(log[k].get("hash") == logs[0][k].get("hash") for log in logs[1:]):
        k += 1
    if k == 0:
        return None, 0
    r = Replayer()
    for i in range(k):
        r.feed(logs[0][i])
    return r.state, k


def _score(r: Result | None) -> tuple[Any, ...] | None:
    """What a result says about the item (the score or 不涉及), without its note and author."""
    if r is None or not r.is_scored:
        return None
    return (r.na, None if r.na else r.value, r.na_reason.strip() if r.na else "")


def _note(r: Result | None) -> str:
    return r.note if r is not None else ""


def _distinct(values: Iterable[Any]) -> list[Any]:
    return list({_key(v): v for v in values}.values())


def _merge_results(opened: list[Inspection], base: State | None) -> tuple[list[Result], list[dict[str, Any]]]:
    """Per item: the score, the 备注 and the item's 佐证材料 merge separately (three-way when there
    is a base).

    A score changed in one copy (or the same way in several) is taken; changed differently it is
    a conflict. Notes written differently are both kept (joined), never dropped — also on an
    item nobody scored; evidence merges like a finding's."""
    first = opened[0]
    combined: list[Result] = []
    conflicts: list[dict[str, Any]] = []
    for leaf in first.checklist.leaves():
        code = leaf.code
        values = [(ins, ins.result(code)) for ins in opened]
        b = Result.from_dict(base.results[code]) if base is not None and code in base.results else None
        if base is not None:
            scores = [(ins, r) for ins, r in values if _score(r) != _score(b)]
            notes = [r for _, r in values if _note(r) != _note(b)] or ([b] if b is not None else [])
        else:
            scores = [(ins, r) for ins, r in values if _score(r) is not None]
            notes = [r for _, r in values if _note(r)]
        note = "；".join(_distinct(_note(r) for r in notes if _note(r)))
        evidence = _union_evidence((r or Result(code) for _, r in values), b if base is not None else None)
        if len(_distinct(_score(r) for _, r in scores)) > 1:
            conflicts.append({
                "code": code,
                "title": leaf.title,
                "candidates": [
                    {"source": ins.id, "file": ins.path.name, "by": r.by if r else "", "at": r.at if r else "",
                     "result": (r or Result(code)).to_dict()}
                    for ins, r in scores
                ],
            })
            continue
        if scores:
            src = max((r for _, r in scores if r is not None), key=lambda r: r.at, default=None)
        else:
            src = b if base is not None else None
        if (src is None or not src.is_scored) and not note and not evidence:
            continue  # nothing recorded (or cleared where it changed): no result
        writers = [r for r in ([src] if src is not None and src.is_scored else []) + notes if r is not None]
        writers = writers or [r for _, r in values if r is not None and r.evidence]
        latest = max(writers, key=lambda r: r.at)
        if src is None or not src.is_scored:
            src = Result(code)
        combined.append(Result(code, src.value, src.na, src.na_reason, note, latest.by, latest.at, evidence))
    return combined, conflicts


def _last_by(f: Finding) -> str:
    for h in reversed(f.history):
        if isinstance(h, dict) and h.get("who"):
            return str(h["who"])
    return f.created_by


def _union_evidence(copies: Iterable[Any], base: Any = None) -> tuple[Evidence, ...]:
    """Evidence of every copy (of a finding or an item's result); a piece the base had and one
    copy removed stays removed."""
    copies = list(copies)
    out: dict[str, Evidence] = {}
    for f in copies:
        for ev in f.evidence:
            out.setdefault(_key(ev.to_dict()), ev)
    if base is not None:
        had = {_key(ev.to_dict()) for ev in base.evidence}
        kept_by_all = set.intersection(*({_key(ev.to_dict()) for ev in f.evidence} for f in copies))
        out = {k: ev for k, ev in out.items() if k not in had or k in kept_by_all}
    return tuple(out.values())


def _add_conflict(conflicts: list[dict[str, Any]], conflict: dict[str, Any]) -> None:
    """One entry per finding field: a field already in conflict gains the new candidates."""
    for c in conflicts:
        if c["finding"] == conflict["finding"] and c["field"] == conflict["field"]:
            seen = {_key(cand["value"]) for cand in c["candidates"]}
            c["candidates"].extend(cand for cand in conflict["candidates"] if _key(cand["value"]) not in seen)
            return
    conflicts.append(conflict)


def _union_history(copies: Iterable[Finding]) -> tuple[dict[str, Any], ...]:
    seen: dict[str, dict[str, Any]] = {}
    for f in copies:
        for h in f.history:
            seen.setdefault(_key(h), dict(h))
    return tuple(sorted(seen.values(), key=lambda h: str(h.get("at", ""))))


def _merge_fields(fid: str, copies: list[tuple[Inspection, Finding]], base: Finding | None,
                  conflicts: list[dict[str, Any]]) -> dict[str, Any]:
    """Field values of the merged finding; conflicting fields are added to ``conflicts``."""
    first = copies[0][1]
    out: dict[str, Any] = {}
    for name in FINDING_FIELDS:
        values = [(ins, f, getattr(f, name)) for ins, f in copies]
        if base is not None:
            changed = [(ins, f, v) for ins, f, v in values if _key(v) != _key(getattr(base, name))]
            fallback = getattr(base, name)
        else:
            changed, fallback = values, getattr(first, name)
        distinct = list(dict.fromkeys(_key(v) for _, _, v in changed))
        if not changed:
            out[name] = fallback
        elif len(distinct) == 1:
            out[name] = changed[0][2]
        else:
            out[name] = fallback
            seen: set[str] = set()
            candidates = []
            for ins, f, v in changed:
                if _key(v) in seen:
                    continue
                seen.add(_key(v))
                candidates.append({"source": ins.id, "file": ins.path.name, "by": _last_by(f), "at": f.updated_at,
                                   "value": _plain(v)})
            _add_conflict(conflicts, {"finding": fid, "field": name, "label": FIELD_LABELS[name],
                                      "description": first.description[:40], "candidates": candidates})
    return out


@dataclass
class _FindingsMerged:
    findings: list[Finding]
    conflicts: list[dict[str, Any]]
    deduplicated: list[dict[str, Any]]
    removed: list[str]  # ids removed in one copy and untouched in the others


def _merge_findings(opened: list[Inspection], base: State | None, who: str, problems: list[str]) -> _FindingsMerged:
    conflicts: list[dict[str, Any]] = []
    removed: list[str] = []
    by_id: dict[str, list[tuple[Inspection, Finding]]] = {}
    for ins in opened:
        for f in ins.findings():
            by_id.setdefault(f.id, []).append((ins, f))
    base_findings = {} if base is None or "findings" in base.unknown else base.findings
    merged: list[Finding] = []
    ts = now_iso()
    for fid, copies in by_id.items():
        b = Finding.from_dict(base_findings[fid]) if fid in base_findings else None
        if b is not None and len(copies) < len(opened):
            lacking = "、".join(ins.path.name for ins in opened if all(i is not ins for i, _ in copies))
            words = copies[0][1].description[:20]
            if all(_key(f.to_dict()) == _key(b.to_dict()) for _, f in copies):
                # removed on one side, untouched on the others: the removal is the one change
                removed.append(fid)
                problems.append(f"问题 {fid}“{words}”在 {lacking} 中已删除（撤销），其他副本未改动它，已按删除合并")
                continue
            problems.append(f"问题 {fid}“{words}”在 {lacking} 中已删除（撤销），在其他副本中又被修改，已保留，请核对")
        if len(copies) == 1:
            merged.append(copies[0][1])
            continue
        fields = _merge_fields(fid, copies, b, conflicts)
        first = copies[0][1]
        history = _union_history(f for _, f in copies) + (
            {"at": ts, "who": who, "action": "合并", "sources": [ins.id for ins, _ in copies]},)
        merged.append(first._replace(
            **fields, evidence=_union_evidence((f for _, f in copies), b), history=history,
            updated_at=max(f.updated_at for _, f in copies),
            created_by=(b or first).created_by, created_at=(b or first).created_at,
        ))
    holders = {fid: [ins for ins, _ in copies] for fid, copies in by_id.items()}
    merged, deduplicated = _deduplicate(merged, holders, who, conflicts)
    return _FindingsMerged(merged, conflicts, deduplicated, removed)


def _text_key(f: Finding) -> tuple[str, str]:
    return (f.item_code or "", " ".join(f.description.split()))


def _deduplicate(findings: list[Finding], holders: dict[str, list[Inspection]], who: str,
                 conflicts: list[dict[str, Any]]) -> tuple[list[Finding], list[dict[str, Any]]]:
    """One finding for the same problem (same item, same text) recorded by different inspectors.

    Findings are taken as one only when no input file holds both of them: two identical
    findings an inspector kept side by side in one file stay two.
    """
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault(_text_key(f), []).append(f)
    clusters: dict[str, list[Finding]] = {}  # kept id -> the findings it stands for (kept first)
    placed: dict[str, str] = {}
    for group in groups.values():
        files: dict[str, set[Path]] = {}
        for f in sorted(group, key=lambda g: (g.created_at, g.id)):
            mine = {ins.path for ins in holders[f.id]}
            home = next((k for k in files if not files[k] & mine), None)
            if home is None:
                clusters[f.id], files[f.id], placed[f.id] = [f], set(mine), f.id
            else:
                clusters[home].append(f)
                files[home] |= mine
                placed[f.id] = home
    out: list[Finding] = []
    report: list[dict[str, Any]] = []
    ts = now_iso()
    for f in findings:
        if placed[f.id] != f.id:
            continue
        group = clusters[f.id]
        if len(group) == 1:
            out.append(f)
            continue
        keep, others = group[0], group[1:]
        fields = _merge_fields(keep.id, [(holders[g.id][0], g) for g in group], None, conflicts)
        provenance = tuple(keep.provenance) + tuple(
            p for g in others
            for p in ({"id": g.id, "by": g.created_by, "at": g.created_at, "source": holders[g.id][0].id},
                      *g.provenance))
        history = _union_history(group) + (
            {"at": ts, "who": who, "action": "合并相同问题", "merged": [g.id for g in others]},)
        out.append(keep._replace(
            **fields, evidence=_union_evidence(group), history=history, provenance=provenance,
            updated_at=max(g.updated_at for g in group),
        ))
        report.append({"finding": keep.id, "merged": [g.id for g in others],
                       "by": list(dict.fromkeys([keep.created_by] + [g.created_by for g in others])),
                       "description": keep.description[:40]})
    return out, report


# meta every inspection has (set at creation or by the lifecycle), and what a merge sets itself
_OWN_META = {
    "format", "id", "unit", "title", "type", "checklist_id", "checklist_title", "checklist_version", "checklist_hash",
    "inspectors", "date", "status", "created_at", "created_by", "seal", "reopens", "updated_at", "summary",
    "conflicts", "finding_conflicts", "merged_from",
}


def _unique(docs: Iterable[Any]) -> list[Any]:
    return list({_key(doc): doc for doc in docs}.values())


def _pick(name: str, holders: list[tuple[Inspection, Any]], base: Any, problems: list[str]) -> Any:
    """One value among the inputs': the one changed since the base if only one was, else the
    most recently changed input's, saying so when they differ."""
    if base is not _NO_BASE:
        changed = [(ins, v) for ins, v in holders if _key(v) != _key(base)]
        if not changed:
            return holders[0][1]
        holders = changed
    if len({_key(v) for _, v in holders}) > 1:
        problems.append(f"{name}在各文件中不同，已采用 {holders[0][0].path.name} 中的（最近修改）")
    return holders[0][1]


_NO_BASE = object()


def _carried(opened: list[Inspection], base: State | None,
             problems: list[str]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Meta fields and extra tables the inputs hold beyond the usual ones (the checklist's
    plugin, a campaign link, the unit's 自查 layer, …), carried into the merged file.

    Copies of one inspection merge them three-way like everything else; otherwise, where the
    inputs disagree, the most recently changed input's version is taken and the difference is
    said. Inputs that are themselves merges keep their sources' audit trails (``source_audits``)."""
    newest_first = sorted(opened, key=lambda ins: str(ins.meta.get("updated_at", "")), reverse=True)
    meta: dict[str, Any] = {}
    for key in dict.fromkeys(k for ins in opened for k in ins.meta if k not in _OWN_META):
        holders = [(ins, ins.meta[key]) for ins in newest_first if key in ins.meta]
        known = base is not None and "meta:*" not in base.unknown and f"meta:{key}" not in base.unknown
        b = base.meta.get(key) if known and base is not None else _NO_BASE
        meta[key] = _pick(f"检查信息“{key}”", holders, b, problems)
    tables: dict[str, list[Any]] = {}
    for name in dict.fromkeys(n for ins in opened for n in ins.storage.state.tables):
        if name == "source_audits":
            # copies share their base's: each trail once
            tables[name] = _unique(doc for ins in opened for doc in ins.storage.state.tables.get(name, []))
            continue
        holders = [(ins, ins.storage.state.tables[name]) for ins in newest_first if name in ins.storage.state.tables]
        b = base.tables.get(name, []) if base is not None and "tables" not in base.unknown else _NO_BASE
        tables[name] = list(_pick(f"附加数据“{name}”", holders, b, problems))
    return meta, tables


def merge_inspections(paths: Iterable[Path], out: Path, who: str | None = None) -> MergeReport:
    paths = [Path(p) for p in paths]
    if len(paths) < 2:
        raise InspectionError("合并至少需要两个检查文件")
    opened: list[Inspection] = []
    try:
        for p in paths:
            opened.append(Inspection.open(p, readonly=True))  # a file from elsewhere is verified here
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
        problems: list[str] = []
        for ins in opened:
            rep = ins.verify()
            if not rep.ok:
                problems.append(f"{ins.path.name}：审计链校验未通过（{rep.problems[0]}），仍已合并，请核查")
        base, shared = common_base(opened)
        results_base = base if base is not None and "results" not in base.unknown else None
        combined, conflicts = _merge_results(opened, results_base)
        out_who = who or first.who
        fm = _merge_findings(opened, base, out_who, problems)
        findings, finding_conflicts, deduplicated = fm.findings, fm.conflicts, fm.deduplicated
        sources = [
            {
                "id": ins.id,
                "file": str(ins.path),
                "inspectors": ins.meta.get("inspectors", []),
                "results": len(ins.results()),
                "findings": len(ins.findings()),
                "audit_entries": len(ins.storage.entries),
                "audit_head": ins.audit_head,
            }
            for ins in opened
        ]
        carried_meta, carried_tables = _carried(opened, base, problems)
        inspectors = list(dict.fromkeys(i for ins in opened for i in ins.meta.get("inspectors", [])))
        dates = sorted(d for d in (ins.meta.get("date") for ins in opened) if d)
        out_ins = InspectionStore(out.parent).create(
            first.checklist,
            first.unit,
            inspectors,
            dates[0] if dates else None,
            who=who,
            title=str(first.meta.get("title") or ""),
            path=out,
            extra_meta={**carried_meta, "merged_from": sources},
        )
        try:
            out_ins.bulk_apply(
                "merge",
                {"sources": [{"id": s["id"], "audit_head": s["audit_head"]} for s in sources],
                 "shared_entries": shared, "combined": len(combined), "conflicts": [c["code"] for c in conflicts],
                 "finding_conflicts": [[c["finding"], c["field"]] for c in finding_conflicts],
                 "deduplicated": deduplicated, "removed": fm.removed, "findings": len(findings)},
                results=combined,
                findings=findings,
                meta={"conflicts": conflicts, "finding_conflicts": finding_conflicts},
                tables={**carried_tables, "source_audits": _unique(carried_tables.get("source_audits", []) + [
                    {"source": ins.id, "entries": ins.audit()} for ins in opened])},
            )
        finally:
            out_ins.close()
        problems += copy_evidence(opened, out)
        return MergeReport(out, sources, len(combined), conflicts, len(findings), problems, finding_conflicts,
                           deduplicated, shared)
    finally:
        for ins in opened:
            ins.close()
