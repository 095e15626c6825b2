"""A read-only snapshot of one inspection, taken once and handed to every export writer.

Writers (built-in or from plugins) receive this instead of the open :class:`Inspection`, so
they see one consistent state, cannot change the inspection and need no lock.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from ..checklist.model import Checklist, Item
from ..inspection import Finding, Inspection, Result, ScoreReport
from ..inspection.audit import VerifyReport


class MetaFields:
    """Read-only views of an inspection's ``meta`` shared by export snapshots and
    consolidation entries (both carry ``meta`` and ``checklist``)."""

    meta: dict[str, Any]
    checklist: Checklist

    @property
    def id(self) -> str:
        return str(self.meta.get("id", ""))

    @property
    def unit(self) -> str:
        return str(self.meta.get("unit", ""))

    @property
    def type(self) -> str:
        return str(self.meta.get("type") or self.checklist.type)

    @property
    def date(self) -> str:
        return str(self.meta.get("date", ""))


@dataclass(frozen=True)
class InspectionData(MetaFields):
    """Everything an exporter needs: meta, checklist snapshot, results, findings, score, audit."""

    path: Path
    meta: dict[str, Any]
    checklist: Checklist
    results: dict[str, Result]
    findings: tuple[Finding, ...]
    report: ScoreReport
    audit: tuple[dict[str, Any], ...]
    verification: VerifyReport
    # The inspection file's tables exactly as stored (what the bundle carries).
    tables: dict[str, Any] = field(repr=False)
    exported_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    # merge conflicts not yet resolved, in words (their items count as 未评 until resolved)
    open_conflicts: tuple[str, ...] = ()

    @classmethod
    def from_inspection(cls, ins: Inspection) -> "InspectionData":
        tables = copy.deepcopy(ins.tables())
        return cls(
            path=ins.path,
            meta=copy.deepcopy(ins.meta),
            checklist=ins.checklist,
            results=ins.results(),
            findings=tuple(sort_findings(ins.checklist, ins.findings())),
            report=ins.score(),
            audit=tuple(ins.audit()),
            verification=ins.verify(),
            tables=tables,
            open_conflicts=tuple(ins.open_conflicts()),
        )

    # -- conveniences for writers -----------------------------------------------------
    def item(self, code: str | None) -> Item | None:
        if code and self.checklist.has_item(code):
            return self.checklist.item(code)
        return None

    def findings_for(self, code: str) -> list[Finding]:
        return [f for f in self.findings if f.item_code == code]

    def findings_under(self, top: Item) -> list[Finding]:
        """Findings on ``top`` or any item below it."""
        codes = {node.code for node in top.walk()}
        return [f for f in self.findings if f.item_code in codes]


def sort_findings(checklist: Checklist, findings: Iterable[Finding]) -> list[Finding]:
    """Findings in checklist order (then by time); findings on no item come last.

    The 问题清单 and 整改清单 number findings in this order, so their 序号 agree.
    """
    position = {item.code: n for n, item in enumerate(checklist.walk())}
    last = len(position)
    return sorted(findings, key=lambda f: (position.get(f.item_code or "", last), f.created_at, f.id))


def as_data(source: Inspection | InspectionData) -> InspectionData:
    return source if isinstance(source, InspectionData) else InspectionData.from_inspection(source)


DONE_STATUSES = ("已整改", "已销号")  # rectified: no longer overdue


def is_overdue(f: Any, today: date) -> bool:
    """整改时限 passed and not yet rectified."""
    if not f.due or f.status in DONE_STATUSES:
        return False
    try:
        return date.fromisoformat(f.due) < today
    except ValueError:
        return False
