"""Where each unit of a campaign stands, and creating a unit's inspection from the campaign.

The inspections are the source of truth: an inspection belongs to a campaign when its meta
``campaign.id`` says so (written when the campaign creates it, carried in bundles and copies),
so the office's view is right however the files travelled. Nothing here is stored: a unit's
status is derived each time from its inspection —

=============  =====================================================================
待自查          no inspection yet, or one with neither a 自查表 nor a 督察 result
自查已交        the unit's 自查表 is imported; inspectors have not scored anything yet
督察进行中      the inspection is 进行中 and has a result or a finding
已完成          the inspection is finished (sealed) with no 问题
整改中          finished, and some 问题 are not yet 已销号
已销号          finished, and every 问题 is 已销号
=============  =====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

from ..errors import FzzfError, InvalidValue
from ..inspection import IN_PROGRESS, Inspection, InspectionStore, conditions
from .model import CampaignUnit, Team, expand_profile
from .store import Campaign

UNIT_STATUSES = ("待自查", "自查已交", "督察进行中", "已完成", "整改中", "已销号")
LINK_KEY = "campaign"  # inspection meta: the campaign it belongs to
DEFAULT_DUE_KEY = "default_due"  # inspection meta: 整改时限 a new finding gets unless given one


@dataclass
class UnitProgress:
    """One unit of a campaign as the office sees it."""

    unit: CampaignUnit
    team: Team | None
    entry: Any = None  # the unit's inspection as read for consolidation (exporting.consolidate.Entry)
    others: list[Path] = field(default_factory=list)  # other inspections of the unit in this campaign
    error: str = ""  # its inspection could not be read

    @property
    def path(self) -> Path | None:
        return self.entry.source if self.entry is not None else None

    @property
    def self_submitted(self) -> bool:
        return self.entry is not None and (bool(self.entry.meta.get("self_check")) or self.entry.has_self)

    @property
    def status(self) -> str:
        e = self.entry
        if e is None:
            return UNIT_STATUSES[0]
        if e.meta.get("status", IN_PROGRESS) == IN_PROGRESS:
            if e.report.valued > 0 or e.findings:
                return "督察进行中"
            return "自查已交" if self.self_submitted else "待自查"
        if not e.findings:
            return "已完成"
        return "整改中" if any(f.is_open for f in e.findings) else "已销号"

    def self_overdue(self, campaign: Campaign, today: date) -> bool:
        """Still 待自查 after the 自查截止 date (once the inspection has begun it no longer matters)."""
        due = campaign.dates.self_check_due
        return bool(due) and self.status == "待自查" and date.fromisoformat(due) < today

    def status_text(self, campaign: Campaign, today: date) -> str:
        """The status as shown: 待自查 past its 自查截止 reads 自查逾期."""
        return "自查逾期" if self.self_overdue(campaign, today) else self.status

    @property
    def open_findings(self) -> int:
        return sum(1 for f in self.entry.findings if f.is_open) if self.entry is not None else 0

    def to_dict(self, campaign: Campaign, today: date) -> dict[str, Any]:
        e = self.entry
        d: dict[str, Any] = {
            "unit": self.unit.name, "team": self.unit.team, "profile": list(self.unit.profile), "status": self.status,
            "self_submitted": self.self_submitted, "self_overdue": self.self_overdue(campaign, today),
            "inspection": None, "error": self.error, "others": [str(p) for p in self.others],
        }
        if e is not None:
            comp = e.self_comparison
            d["inspection"] = {
                "id": e.id, "file": str(e.source), "status": e.meta.get("status"), "progress": e.report.progress,
                "total": e.report.total if e.report.has_value else None, "grade": e.report.grade,
                "findings": len(e.findings), "open_findings": self.open_findings,
            }
            d["self_check"] = {**(e.meta.get("self_check") or {}), **comp.to_dict(), "final_gap": comp.final_gap}
        return d


def campaign_inspections(campaign: Campaign, store: InspectionStore) -> dict[str, list[Any]]:
    """unit name → the inspections of this campaign for that unit (read-only entries)."""
    from ..exporting.consolidate import Reader

    names = {u.name for u in campaign.units}
    reader = Reader()
    found: dict[str, list[Any]] = {}
    for s in store.summaries():
        if s.error or s.unit not in names:
            continue
        try:
            entry = reader.read(s.path)
        except (FzzfError, OSError, ValueError, KeyError, TypeError):
            continue
        link = entry.meta.get(LINK_KEY)
        if isinstance(link, dict) and link.get("id") == campaign.id:
            found.setdefault(entry.unit, []).append(entry)
    return found


def unit_progress(campaign: Campaign, store: InspectionStore) -> list[UnitProgress]:
    """Every unit of the campaign, in the campaign's order, with its main inspection.

    The main inspection is the one the campaign created (not a 回头看); if a unit has several
    (a copy, a merge), the most recently changed one, the others listed.
    """
    found = campaign_inspections(campaign, store)
    out = []
    for unit in campaign.units:
        entries = found.get(unit.name, [])
        mains = [e for e in entries if not e.meta.get("follow_up_of")]
        mains.sort(key=lambda e: str(e.meta.get("updated_at", "")), reverse=True)
        main = mains[0] if mains else None
        others = [e.source for e in entries if e is not main]
        out.append(UnitProgress(unit, campaign.team(unit.team) if unit.team else None, main, others))
    return out


def find_unit_inspection(campaign: Campaign, store: InspectionStore, unit: str) -> Path | None:
    for p in unit_progress(campaign, store):
        if p.unit.name == unit:
            return p.path
    raise InvalidValue(f"督察任务“{campaign.name}”中没有被检查单位“{unit}”")


def inspection_link(campaign: Campaign, unit: CampaignUnit) -> dict[str, Any]:
    """The ``campaign`` meta of a unit's inspection: enough to find the campaign and to
    inherit its deadlines without it (a team on site has only the inspection file)."""
    return {**campaign.link(), "unit": unit.name, "team": unit.team, "profile": list(unit.profile),
            "dates": campaign.dates.to_dict()}


def create_unit_inspection(
    campaign: Campaign,
    unit_name: str,
    store: InspectionStore,
    who: str | None = None,
    today: Callable[[], date] = date.today,
) -> Inspection:
    """Create the unit's inspection pre-filled from the campaign and return it open.

    Unit, checklist (the campaign's pinned snapshot), team members as inspectors, the 督察
    date, the campaign's 整改时限 as default due date of findings, and the unit's 不涉及 profile
    (those items marked 不涉及 with the condition as reason, one audited entry). Refuses if the
    unit already has one (no second inspection by accident).
    """
    unit = campaign.unit(unit_name)
    existing = find_unit_inspection(campaign, store, unit.name)
    if existing is not None:
        raise InvalidValue(f"单位“{unit.name}”在本督察任务中已有检查：{existing.name}")
    team = campaign.team(unit.team) if unit.team else None
    start = campaign.dates.inspection_start or today().isoformat()
    extra: dict[str, Any] = {LINK_KEY: inspection_link(campaign, unit)}
    if campaign.dates.rectify_due:
        extra[DEFAULT_DUE_KEY] = campaign.dates.rectify_due
    if unit.team:
        extra["team"] = unit.team
    if campaign.dates.inspection_end and campaign.dates.inspection_end != start:
        extra["end_date"] = campaign.dates.inspection_end
    ins = store.create(campaign.checklist, unit.name, team.members if team else (), start, who=who,
                       title=campaign.name, extra_meta=extra)
    try:
        # the unit's profile: the same one undoable step (and words) as 新建检查's 单位情形
        conditions.mark_all(ins, expand_profile(campaign.checklist, unit.profile))
    except BaseException:
        ins.close()
        raise
    return ins


def open_or_create(campaign: Campaign, unit_name: str, store: InspectionStore, who: str | None = None) -> tuple[Inspection, bool]:
    """The unit's inspection open for writing, created if it has none; (inspection, created)."""
    path = find_unit_inspection(campaign, store, unit_name)
    if path is not None:
        return Inspection.open(path, who=who), False
    return create_unit_inspection(campaign, unit_name, store, who=who), True


__all__ = [
    "DEFAULT_DUE_KEY", "LINK_KEY", "UNIT_STATUSES", "UnitProgress", "campaign_inspections", "create_unit_inspection",
    "find_unit_inspection", "inspection_link", "open_or_create", "unit_progress",
]
