"""The unit's self-assessment (自查自评) kept in its inspection, apart from the inspectors' results.

Where it lives, and why: in the unit's inspection file, as the extra table ``self_results``
(one document per leaf the unit answered), written only by :func:`store_self_results` through
:meth:`Inspection.bulk_apply` — one audited entry per imported 自查表 that names the file, its
SHA-256 and every item it changed (old and new). The inspectors' ``results`` are never read or
written here, so a 自评 can never be taken for a 督察 score: they are scored separately by the
same engine and only compared (:func:`compare`). Keeping it in the inspection means the team
carries the unit's 自评 and 佐证材料 description on site (offline, in bundles too) and the
office's consolidation reads both from one file.

A self-assessment answers an item the way an inspector would (same values, validated by
:func:`~fzzf_tui.inspection.scoring.validate_value`) and adds the unit's 佐证材料 description
(``evidence``) and 说明 (``note``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ..checklist.model import Checklist, Item
from .scoring import Result, ScoreReport, describe_value, round_points, score_inspection
from .status import SELF_RESULTS_TABLE

TABLE = SELF_RESULTS_TABLE
META_KEY = "self_check"  # meta: the last import (file, sha256, filler, at, counts)
ACTION = "self_check.import"


@dataclass(frozen=True)
class SelfAssessment:
    """What the unit reported for one leaf in its 自查表."""

    code: str
    value: Any = None
    na: bool = False
    na_reason: str = ""
    evidence: str = ""  # 佐证材料: the unit's description of its evidence
    note: str = ""  # 说明
    by: str = ""  # 填报人 named in the form (a person of the unit)
    at: str = ""  # when it was imported
    source: str = ""  # the 自查表 file it came from

    @property
    def answered(self) -> bool:
        return self.na or self.value is not None

    def to_result(self) -> Result:
        """As a :class:`Result`, so the one scoring engine scores it."""
        return Result(self.code, self.value, self.na, self.na_reason if self.na else "", self.note, self.by, self.at)

    def content(self) -> tuple[Any, ...]:
        """What the unit said (not when or from which file): two equal contents are no change."""
        return (self.value, self.na, self.na_reason if self.na else "", self.evidence, self.note)

    @property
    def empty(self) -> bool:
        return not self.answered and not self.evidence and not self.note

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "value": self.value, "na": self.na, "na_reason": self.na_reason,
            "evidence": self.evidence, "note": self.note, "by": self.by, "at": self.at, "source": self.source,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "SelfAssessment":
        return cls(
            code=str(d["code"]),
            value=d.get("value"),
            na=bool(d.get("na", False)),
            na_reason=str(d.get("na_reason") or ""),
            evidence=str(d.get("evidence") or ""),
            note=str(d.get("note") or ""),
            by=str(d.get("by") or ""),
            at=str(d.get("at") or ""),
            source=str(d.get("source") or ""),
        )


def _docs(raw: Any) -> list[Mapping[str, Any]]:
    """Documents of a TinyDB-shaped table (``{doc_id: doc}``) or a plain list."""
    if isinstance(raw, Mapping):
        return [raw[k] for k in sorted(raw, key=lambda k: (0, int(k)) if str(k).isdigit() else (1, str(k)))]
    if isinstance(raw, list):
        return raw
    return []


def from_docs(docs: Iterable[Mapping[str, Any]], checklist: Checklist | None = None) -> dict[str, SelfAssessment]:
    """Assessments by code; documents that are malformed or name no leaf of ``checklist`` are
    left out (a hostile file cannot make the comparison show an item that does not exist)."""
    out: dict[str, SelfAssessment] = {}
    for d in docs:
        if not isinstance(d, Mapping) or not isinstance(d.get("code"), str):
            continue
        if checklist is not None and not (checklist.has_item(d["code"]) and checklist.item(d["code"]).is_leaf):
            continue
        try:
            out[d["code"]] = SelfAssessment.from_dict(d)
        except (TypeError, ValueError):
            continue
    return out


def from_tables(tables: Mapping[str, Any], checklist: Checklist | None = None) -> dict[str, SelfAssessment]:
    """The self-assessment held in an inspection's tables (a file, a bundle, an export snapshot)."""
    return from_docs(_docs(tables.get(TABLE)), checklist)


def read_self_results(ins: Any) -> dict[str, SelfAssessment]:
    """The self-assessment of an open :class:`~fzzf_tui.inspection.Inspection`."""
    return from_docs(ins.db.table(TABLE).all(), ins.checklist)


def store_self_results(
    ins: Any,
    assessments: Mapping[str, SelfAssessment],
    changes: list[dict[str, Any]],
    info: Mapping[str, Any],
) -> None:
    """Replace the inspection's self-assessment with ``assessments`` in one audited write.

    ``changes`` (``[{code, cell, old, new}]``) and ``info`` (file, sha256, 填报人…) go into the
    audit entry, so the trail says which 自查表 changed which item from what to what.
    """
    order = {leaf.code: n for n, leaf in enumerate(ins.checklist.leaves())}
    docs = [a.to_dict() for a in sorted(assessments.values(), key=lambda a: order.get(a.code, len(order)))]
    detail = {**dict(info), "changes": changes}
    meta_value = {k: v for k, v in info.items() if k != "changes"}
    meta_value["answered"] = sum(1 for a in assessments.values() if a.answered)
    ins.bulk_apply(ACTION, detail, meta={META_KEY: meta_value}, tables={TABLE: docs})


def self_report(checklist: Checklist, assessments: Mapping[str, SelfAssessment]) -> ScoreReport:
    """The self-assessment scored by the one engine (as if it were an inspection)."""
    results = {code: a.to_result() for code, a in assessments.items() if a.answered}
    return score_inspection(checklist, results)


def answer_text(item: Item, a: SelfAssessment | None) -> str:
    """A self-assessment in the words results use (未自评 when the unit left it blank)."""
    if a is None or not a.answered:
        return "未自评"
    return describe_value(item, a.to_result())


def differs(item: Item, inspected: Result | None, a: SelfAssessment | None) -> bool:
    """Both sides answered the item and their answers differ (不涉及 counts as an answer)."""
    if inspected is None or not inspected.is_scored or a is None or not a.answered:
        return False
    if inspected.na or a.na:
        return inspected.na != a.na
    return describe_value(item, inspected) != describe_value(item, a.to_result())


def _points(report: ScoreReport, item: Item) -> float | None:
    """What a node contributes: 得分 (normal) or the signed amount (加分/减分); None if 未评.

    A section that is 不涉及 contributes nothing either way (None)."""
    ns = report.nodes[item.code]
    if not ns.applicable:
        return None
    if item.kind == "normal":
        return ns.earned if ns.has_value else None
    return ns.signed


def _gap(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    return round_points(a - b)


@dataclass(frozen=True)
class NodeGap:
    """自评 vs 督察 for one item or section: points each side gives, and 自评 minus 督察."""

    code: str
    title: str
    kind: str
    max: float
    self_points: float | None  # None: 未自评 / 不涉及
    inspected_points: float | None  # None: 未评 / 不涉及
    self_applicable: bool = True
    inspected_applicable: bool = True

    @property
    def gap(self) -> float | None:
        """自评虚高 of this node (positive: the unit rated itself higher)."""
        return _gap(self.self_points, self.inspected_points)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "title": self.title, "kind": self.kind, "max": self.max,
            "self": self.self_points, "inspected": self.inspected_points, "gap": self.gap,
            "self_applicable": self.self_applicable, "inspected_applicable": self.inspected_applicable,
        }


@dataclass
class SelfComparison:
    """A unit's self-assessment against the inspection, by section and by item."""

    checklist: Checklist
    self_report: ScoreReport
    inspected_report: ScoreReport
    assessments: dict[str, SelfAssessment]
    inspected: dict[str, Result]
    sections: list[NodeGap] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)  # leaf codes, checklist order

    @property
    def has_self(self) -> bool:
        return any(a.answered for a in self.assessments.values())

    @property
    def self_total(self) -> float | None:
        return self.self_report.total if self.self_report.has_value else None

    @property
    def inspected_total(self) -> float | None:
        return self.inspected_report.total if self.inspected_report.has_value else None

    @property
    def total_gap(self) -> float | None:
        """自评虚高 of the unit: 自评总分 minus 督察总分 (None until both have a value)."""
        return _gap(self.self_total, self.inspected_total)

    @property
    def final_gap(self) -> float | None:
        """自评虚高 once the inspectors have answered every item (None before): what a list of
        units shows, so a half-done inspection is never read as a unit's 自评虚高."""
        return self.total_gap if self.inspected_report.unscored == 0 else None

    @property
    def self_answered(self) -> int:
        return sum(1 for a in self.assessments.values() if a.answered)

    @property
    def complete(self) -> bool:
        """Both sides answered every item: the gap compares like with like."""
        return self.self_report.unscored == 0 and self.inspected_report.unscored == 0

    def node(self, item: Item) -> NodeGap:
        s, i = self.self_report.nodes[item.code], self.inspected_report.nodes[item.code]
        return NodeGap(item.code, item.title, item.kind, item.points, _points(self.self_report, item),
                       _points(self.inspected_report, item), s.applicable, i.applicable)

    def leaf_gap(self, item: Item) -> NodeGap:
        """A leaf's points each side gives (what it earns, 加分/减分 signed)."""
        a = self.assessments.get(item.code)
        r = self.inspected.get(item.code)

        def pts(report: ScoreReport, answered: bool) -> float | None:
            ns = report.nodes[item.code]
            if not answered or not ns.applicable:
                return None
            return ns.earned if item.kind == "normal" else (ns.signed or 0.0)

        return NodeGap(item.code, item.title, item.kind, item.points,
                       pts(self.self_report, a is not None and a.answered),
                       pts(self.inspected_report, r is not None and r.is_scored),
                       not (a is not None and a.na), not (r is not None and r.na))

    def to_dict(self) -> dict[str, Any]:
        return {
            "self_total": self.self_total,
            "inspected_total": self.inspected_total,
            "gap": self.total_gap,
            "self_answered": self.self_answered,
            "self_unanswered": self.self_report.unscored,
            "complete": self.complete,
            "sections": [s.to_dict() for s in self.sections],
            "differing": list(self.differing),
        }


def compare(
    checklist: Checklist,
    inspected: Mapping[str, Result],
    assessments: Mapping[str, SelfAssessment],
    inspected_report: ScoreReport | None = None,
    self_scored: ScoreReport | None = None,
) -> SelfComparison:
    """Score the self-assessment and set it beside the inspection (nothing is changed).

    ``inspected_report``/``self_scored`` may be passed when already computed (the 自评 never
    changes while an inspection is open, so a screen scores it once)."""
    inspected = dict(inspected)
    report = inspected_report if inspected_report is not None else score_inspection(checklist, inspected)
    mine = self_scored if self_scored is not None else self_report(checklist, assessments)
    comp = SelfComparison(checklist, mine, report, dict(assessments), inspected)
    comp.sections = [comp.node(item) for item in checklist.items]
    comp.differing = [leaf.code for leaf in checklist.leaves()
                      if differs(leaf, inspected.get(leaf.code), assessments.get(leaf.code))]
    return comp


def compare_inspection(ins: Any) -> SelfComparison:
    """:func:`compare` for an open inspection."""
    return compare(ins.checklist, ins.results(), read_self_results(ins), ins.score())


__all__ = [
    "ACTION", "META_KEY", "NodeGap", "SelfAssessment", "SelfComparison", "TABLE", "answer_text", "compare",
    "compare_inspection", "differs", "from_docs", "from_tables", "read_self_results", "self_report",
    "store_self_results",
]
