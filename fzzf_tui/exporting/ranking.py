"""Who is ranked, in which order and with which 名次: one rule for the 汇总 workbook and the 通报.

Inspections are comparable only when they share a checklist (id + version): each checklist is
its own block with its own 名次. By default only finished inspections (检查状态 已完成 or 已归档)
with every item answered are ranked; an inspection still 进行中 — or finished with items left
未评 — is listed below the ranking with why, so a unit with 1 of 31 items scored never appears
5th at 2 分. ``include_unfinished`` ranks every inspection that has a score (the ranking is then
provisional and each unfinished row says so); an inspection with nothing scored is never ranked.

名次 follows 得分率 (得分 ÷ 满分, equal within a block to ordering by 得分); equal 得分率 share a
名次 (“1, 2, 2, 4”), listed by 完成度 and then by unit name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Iterable, Protocol, TypeVar

FINISHED_STATUSES = ("已完成", "已归档")


class Rankable(Protocol):
    """What ranking reads from an inspection (a consolidation entry)."""

    meta: dict[str, Any]
    report: Any  # ScoreReport

    @property
    def unit(self) -> str: ...

    @property
    def id(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def group(self) -> tuple[str, str]: ...

    @property
    def group_title(self) -> str: ...


E = TypeVar("E", bound=Rankable)


def is_finished(entry: Rankable) -> bool:
    return str(entry.meta.get("status", "")) in FINISHED_STATUSES


def unranked_reason(entry: Rankable, include_unfinished: bool = False) -> str:
    """Why ``entry`` is not ranked, in a few words ("" when it is ranked)."""
    r = entry.report
    if not r.has_value:
        return "尚未评分"
    if include_unfinished:
        return ""
    if not is_finished(entry):
        return f"检查{entry.meta.get('status') or '进行中'}"
    if r.unscored:
        return f"检查已完成，但尚有 {r.unscored} 项未评"
    return ""


@dataclass
class Ranked(Generic[E]):
    entry: E
    rank: int
    tied: bool = False  # shares its 名次 with another unit
    provisional: bool = False  # ranked only because unfinished inspections were included


@dataclass
class RankGroup(Generic[E]):
    """One checklist's block: the ranked units best first, then the others with why."""

    key: tuple[str, str]
    title: str
    type: str
    ranked: list[Ranked[E]] = field(default_factory=list)
    unranked: list[tuple[E, str]] = field(default_factory=list)

    @property
    def entries(self) -> list[E]:
        """Every entry of the block in printed order (ranked first)."""
        return [r.entry for r in self.ranked] + [e for e, _ in self.unranked]

    def __len__(self) -> int:
        return len(self.ranked) + len(self.unranked)


def rank_groups(entries: Iterable[E], include_unfinished: bool = False) -> list[RankGroup[E]]:
    """The blocks, ordered by inspection type and checklist title."""
    by_key: dict[tuple[str, str], list[E]] = {}
    for e in entries:
        by_key.setdefault(e.group, []).append(e)
    groups: list[RankGroup[E]] = []
    for key, members in by_key.items():
        first = members[0]
        group: RankGroup[E] = RankGroup(key, first.group_title, first.type)
        candidates = []
        for e in members:
            reason = unranked_reason(e, include_unfinished)
            if reason:
                group.unranked.append((e, reason))
            else:
                candidates.append(e)
        candidates.sort(key=lambda e: (-e.report.percent, -(e.report.completion or 0), e.unit, e.id))
        previous: Ranked[E] | None = None
        for position, e in enumerate(candidates, start=1):
            provisional = include_unfinished and (not is_finished(e) or bool(e.report.unscored))
            if previous is not None and e.report.percent == previous.entry.report.percent:
                current = Ranked(e, previous.rank, tied=True, provisional=provisional)
                previous.tied = True
            else:
                current = Ranked(e, position, provisional=provisional)
            group.ranked.append(current)
            previous = current
        # the others: furthest along first, so the list reads like a progress report
        group.unranked.sort(key=lambda x: (-x[0].report.progress, x[0].unit, x[0].id))
        groups.append(group)
    groups.sort(key=lambda g: (g.type, g.title, g.key))
    return groups


__all__ = ["FINISHED_STATUSES", "RankGroup", "Ranked", "is_finished", "rank_groups", "unranked_reason"]
