"""What consolidation reads and reports: one :class:`Entry` per inspection and the
:class:`ConsolidateReport` (the reading is :mod:`.consolidate`, the sheets :mod:`.summary_book`;
both build on this module, which imports neither)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..checklist.model import Checklist
from ..inspection import Finding, Result, ScoreReport
from ..inspection.self_check import SelfAssessment, SelfComparison
from ..inspection.self_check import compare as compare_self
from .data import MetaFields, is_overdue
from .ranking import RankGroup, rank_groups


@dataclass
class Entry(MetaFields):
    """One inspection as read for consolidation (scored, findings in 整改清单 order).

    ``report.nodes`` holds at least the top-level sections (an entry taken from the local cache
    has only those; see :mod:`.consolidate_cache`)."""

    source: Path
    meta: dict[str, Any]
    checklist: Checklist
    findings: list[Finding]
    report: ScoreReport
    audit_entries: int
    audit_head: str
    verification: str  # 通过 / 未通过：… / "" (not checked)
    notes: list[str] = field(default_factory=list)
    sha256: str = ""  # of the file's bytes as read, when the reader computed it (else the 来源 sheet does)
    # the unit's 自查自评 (table ``self_results``), never mixed with the inspectors' results
    self_assessments: dict[str, SelfAssessment] = field(default_factory=dict)
    results: dict[str, Result] = field(default_factory=dict, repr=False)
    _comparison: SelfComparison | None = field(default=None, repr=False)

    @property
    def has_self(self) -> bool:
        return any(a.answered for a in self.self_assessments.values())

    @property
    def self_comparison(self) -> SelfComparison:
        """自评分 vs 督察分 of this unit, per section (自评虚高 = 自评 − 督察)."""
        if self._comparison is None:
            self._comparison = compare_self(self.checklist, self.results, self.self_assessments, self.report)
        return self._comparison

    @property
    def group(self) -> tuple[str, str]:
        """Inspections are comparable only when they share a checklist id and version."""
        return (str(self.meta.get("checklist_id", self.checklist.id)), str(self.meta.get("checklist_version", self.checklist.version)))

    @property
    def group_title(self) -> str:
        """The checklist's title and version (分值暂定 is printed apart, from the report)."""
        return f"{self.meta.get('checklist_title') or self.checklist.title}（{self.group[1]}）"

    @property
    def rankable(self) -> bool:
        """Every item answered (the inspectors' results): the 自评虚高 is final only then."""
        return self.report.unscored == 0

    def overdue(self, today: date) -> int:
        return sum(1 for f in self.findings if is_overdue(f, today))


@dataclass
class ConsolidateReport:
    output: Path
    included: list[Entry] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    overdue: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds: read, write
    today: date = field(default_factory=date.today)
    include_unfinished: bool = False
    documents: list[Path] = field(default_factory=list)  # e.g. the 通报 (.docx), when asked for
    cached: int = 0  # inputs whose figures came from the local cache (unchanged since a run before)

    @property
    def findings(self) -> int:
        return sum(len(e.findings) for e in self.included)

    @property
    def groups(self) -> list[RankGroup[Entry]]:
        """The ranking blocks (see :mod:`.ranking`)."""
        return rank_groups(self.included, self.include_unfinished)

    def to_dict(self) -> dict[str, Any]:
        ranks: dict[int, tuple[Any, str, bool]] = {}
        for g in self.groups:
            for r in g.ranked:
                ranks[id(r.entry)] = (r.rank, "", r.provisional)
            for e, reason in g.unranked:
                ranks[id(e)] = (None, reason, False)
        return {
            "output": str(self.output),
            "documents": [str(p) for p in self.documents],
            "cached": self.cached,
            "include_unfinished": self.include_unfinished,
            "included": [
                {
                    "file": str(e.source), "id": e.id, "unit": e.unit, "type": e.type, "status": e.meta.get("status", ""),
                    "checklist": e.group[0], "checklist_version": e.group[1],
                    "total": e.report.total if e.report.has_value else None, "max": e.report.max_total,
                    "percent": e.report.percent if e.report.has_value else None,
                    "grade": e.report.grade, "grade_label": e.report.grade_label,
                    "overrides": [o.to_dict() for o in e.report.overrides], "completion": e.report.completion,
                    "progress": e.report.progress, "unscored": e.report.unscored,
                    "rank": ranks[id(e)][0], "ranked": ranks[id(e)][0] is not None,
                    "provisional_rank": ranks[id(e)][2], "not_ranked_because": ranks[id(e)][1],
                    "points_provisional": e.report.points_provisional,
                    "findings": len(e.findings), "open_findings": sum(1 for f in e.findings if f.is_open),
                    "verification": e.verification, "notes": e.notes,
                    **self_excess_dict(e),
                }
                for e in self.included
            ],
            "skipped": [{"file": f, "reason": r} for f, r in self.skipped],
            "findings": self.findings,
            "overdue": self.overdue,
        }


def self_excess_dict(e: Entry) -> dict[str, Any]:
    """自评虚高 figures of one entry: None where the unit has no 自评, and (like the ranking)
    until the inspectors have answered every item; ``self_complete``: the unit answered every
    item too."""
    if not e.has_self:
        return {"self_total": None, "self_excess": None, "self_excess_sections": {}, "self_complete": None}
    comp = e.self_comparison
    final = e.rankable
    return {
        "self_total": comp.self_total,
        "self_excess": comp.total_gap if final else None,
        "self_excess_sections": {s.code: (s.gap if final else None) for s in comp.sections},
        "self_complete": comp.self_report.unscored == 0,
    }
