"""A 督察任务 (campaign): its units, teams, dates and 不涉及 profiles, validated (no I/O).

A campaign runs one checklist (pinned by its content hash, snapshot kept in the campaign
file) across many units: 年初部署 → 全面自查 (自查截止) → 督察 on site → 限期整改 (整改时限) →
回头看 → 销号. Each unit may belong to a team (检查组) and may carry a *profile*: the
不涉及 conditions of the checklist that apply to it (e.g. “中直机构不涉及”), so its inspection
and its 自查表 start with those items marked 不涉及.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

from ..checklist.model import Checklist, Item
from ..dates import parse_date
from ..errors import InvalidValue

FORMAT = "fzzf-campaign/1"
SUFFIX = ".fzzf-campaign"
MAX_UNITS = 5000  # a city has a few hundred units; more is a mistake (or hostile input)
MAX_NAME = 200
_SPLIT = re.compile(r"[、，,；;\n]+")

DATE_FIELDS = (
    ("self_check_due", "自查截止"),
    ("inspection_start", "督察开始"),
    ("inspection_end", "督察结束"),
    ("rectify_due", "整改时限"),
    ("follow_up", "回头看"),
)
DATE_LABELS = dict(DATE_FIELDS)


def split_names(text: str) -> list[str]:
    """Names typed in one field: split on 、，,；; and line ends, blanks dropped."""
    return [p.strip() for p in _SPLIT.split(text or "") if p.strip()]


def _name(value: Any, label: str) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise InvalidValue(f"{label}不能为空")
    if len(text) > MAX_NAME:
        raise InvalidValue(f"{label}过长（{len(text)} 字，最多 {MAX_NAME} 字）：{text[:20]}…")
    return text


@dataclass(frozen=True)
class Team:
    """A 检查组: its name and members (the inspectors who go on site)."""

    name: str
    members: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "members": list(self.members)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Team":
        return cls(str(d["name"]), tuple(str(m) for m in d.get("members") or ()))


@dataclass(frozen=True)
class CampaignUnit:
    """A unit under inspection: its team and the 不涉及 conditions that apply to it."""

    name: str
    team: str = ""
    profile: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "team": self.team, "profile": list(self.profile)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "CampaignUnit":
        return cls(str(d["name"]), str(d.get("team") or ""), tuple(str(p) for p in d.get("profile") or ()))


@dataclass(frozen=True)
class Dates:
    """The campaign's dates (ISO text, '' when not set)."""

    self_check_due: str = ""  # 自查截止: the units return their 自查表 by then
    inspection_start: str = ""  # 督察: on-site inspection period
    inspection_end: str = ""
    rectify_due: str = ""  # 整改时限: default due date of every finding in the campaign
    follow_up: str = ""  # 回头看: date of the follow-up inspections

    def to_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name, _ in DATE_FIELDS}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Dates":
        return cls(**{name: parse_date(d.get(name), label) for name, label in DATE_FIELDS})

    def check(self) -> None:
        if self.inspection_start and self.inspection_end and self.inspection_end < self.inspection_start:
            raise InvalidValue(f"督察结束日期 {self.inspection_end} 早于开始日期 {self.inspection_start}")

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) for display; the inspection period as one line."""
        out = [("自查截止", self.self_check_due)]
        period = self.inspection_start
        if self.inspection_end and self.inspection_end != self.inspection_start:
            period = f"{self.inspection_start or '?'} 至 {self.inspection_end}"
        out += [("督察", period), ("整改时限", self.rectify_due), ("回头看", self.follow_up)]
        return [(k, v or "未定") for k, v in out]


# -- 不涉及 profiles -----------------------------------------------------------------------------
def conditions(checklist: Checklist) -> list[str]:
    """The checklist's 不涉及 conditions, in order of first appearance (a unit's profile
    chooses among these)."""
    seen: dict[str, None] = {}
    for node in checklist.walk():
        for c in node.na_conditions:
            seen.setdefault(c, None)
    return list(seen)


def named_profiles(checklist: Checklist) -> dict[str, tuple[str, ...]]:
    """Named unit profiles the checklist defines (name → conditions), if its format has them."""
    raw = getattr(checklist, "profiles", None) or {}
    out: dict[str, tuple[str, ...]] = {}
    if isinstance(raw, Mapping):
        items = raw.items()
    else:  # a sequence of objects with .name and .conditions
        items = ((getattr(p, "name", ""), getattr(p, "conditions", ())) for p in raw)
    for name, conds in items:
        if name:
            out[str(name)] = tuple(str(c) for c in conds)
    return out


def expand_profile(checklist: Checklist, profile: Iterable[str]) -> list[str]:
    """A unit's profile as conditions (named profiles replaced by their conditions)."""
    named = named_profiles(checklist)
    out: list[str] = []
    for entry in profile:
        for c in named.get(entry, (entry,)):
            if c not in out:
                out.append(c)
    return out


def check_profile(checklist: Checklist, profile: Iterable[str], unit: str) -> tuple[str, ...]:
    known = set(conditions(checklist)) | set(named_profiles(checklist))
    cleaned = tuple(dict.fromkeys(p.strip() for p in profile if p and p.strip()))
    unknown = [p for p in cleaned if p not in known]
    if unknown:
        choices = "、".join(list(named_profiles(checklist)) + conditions(checklist)) or "（本清单没有不涉及情形）"
        raise InvalidValue(f"单位“{unit}”的不涉及情形“{'、'.join(unknown)}”不在清单中。可选：{choices}")
    return cleaned


def profile_na(checklist: Checklist, profile: Iterable[str]) -> dict[str, str]:
    """Leaf code → 不涉及 reason for a unit with ``profile``.

    A condition printed on a section applies to every leaf below it (as the annual checklist
    says: the mark on a 具体措施 covers all its 成果形式).
    """
    wanted = expand_profile(checklist, profile)
    if not wanted:
        return {}
    out: dict[str, str] = {}

    def walk(item: Item, inherited: str) -> None:
        hit = inherited or next((c for c in item.na_conditions if c in wanted), "")
        if item.is_leaf:
            if hit:
                out[item.code] = hit
            return
        for child in item.children:
            walk(child, hit)

    for top in checklist.items:
        walk(top, "")
    return out


def na_reason(condition: str) -> str:
    """The 不涉及 reason recorded for an item pre-marked from the unit's profile."""
    return f"原文标注“{condition}”"  # the words inspection/conditions.py records on the inspection


# -- the campaign --------------------------------------------------------------------------------
@dataclass(frozen=True)
class CampaignSpec:
    """What a campaign is made of; validated by :func:`check_spec` before anything is written."""

    name: str
    units: tuple[CampaignUnit, ...]
    teams: tuple[Team, ...] = ()
    dates: Dates = field(default_factory=Dates)
    note: str = ""


def check_spec(spec: CampaignSpec, checklist: Checklist) -> CampaignSpec:
    """Normalise and check a campaign: names, duplicates, teams, profiles, dates.

    A team named by a unit but not defined is added with no members (an office often assigns
    units before it names the inspectors).
    """
    name = _name(spec.name, "督察任务名称")
    if not spec.units:
        raise InvalidValue("督察任务至少要有一个被检查单位")
    if len(spec.units) > MAX_UNITS:
        raise InvalidValue(f"被检查单位过多（{len(spec.units)} 个，最多 {MAX_UNITS} 个）")
    teams: dict[str, Team] = {}
    for t in spec.teams:
        tname = _name(t.name, "检查组名称")
        if tname in teams:
            raise InvalidValue(f"检查组“{tname}”重复")
        members = tuple(dict.fromkeys(_name(m, f"检查组“{tname}”的成员") for m in t.members))
        teams[tname] = Team(tname, members)
    units: dict[str, CampaignUnit] = {}
    for u in spec.units:
        uname = _name(u.name, "被检查单位")
        if uname in units:
            raise InvalidValue(f"被检查单位“{uname}”重复")
        team = " ".join(str(u.team or "").split())
        if team and team not in teams:
            teams[team] = Team(_name(team, "检查组名称"))
        units[uname] = CampaignUnit(uname, team, check_profile(checklist, u.profile, uname))
    spec.dates.check()
    return replace(spec, name=name, units=tuple(units.values()), teams=tuple(teams.values()),
                   note=str(spec.note or "").strip())


def unit_by_name(units: Sequence[CampaignUnit], name: str) -> CampaignUnit | None:
    name = " ".join(str(name or "").split())
    return next((u for u in units if u.name == name), None)


__all__ = [
    "CampaignSpec", "CampaignUnit", "DATE_FIELDS", "DATE_LABELS", "Dates", "FORMAT", "SUFFIX", "Team", "check_profile",
    "check_spec", "conditions", "expand_profile", "na_reason", "named_profiles", "parse_date", "profile_na",
    "split_names", "unit_by_name",
]
