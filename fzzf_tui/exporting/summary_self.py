"""The campaign's 自评 figures in the 汇总 workbook: the 排名 columns 自评分 | 自评虚高 and the
自评虚高 sheets. Shown only when some consolidated unit's 自查自评 is in its file.

自评虚高 = 自评分 − 督察分 (each scored by the engine on its own answers), given once the
inspectors have answered every item (“—” in 排名, “督察未评完” in the sheet, before that).

``自评虚高`` (``自评虚高·<type>`` per checklist when there are several, right after the 分项对比
sheets): 被检查单位 | 自评分 | 督察分 | 自评虚高 | 自评进度 | one column per top-level section with
that section's 自评虚高; the units with a 自评, in ranking order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from .cells import PERCENT_FORMAT, POINTS_FORMAT
from .sheet_writer import TOP, TOP_RIGHT, Cells, Sheet

if TYPE_CHECKING:
    from .consolidate_model import Entry
    from .ranking import RankGroup

SELF_EXCESS = "自评虚高"
SIGNED_POINTS = '+0.00;"−"0.00;0.00'
SIZE = 11.0


@dataclass(frozen=True)
class RankingColumn:
    """An optional 排名 column (inserted before 备注).

    ``value(entry)`` returns a cell value (number, text or None); ``fmt`` is its number format.
    """

    header: str
    width: float
    value: Callable[["Entry"], Any]
    fmt: str | None = None


def _self_total(e: Entry) -> Any:
    if not e.has_self:
        return None
    total = e.self_comparison.self_total
    return total if total is not None else "未自评"


def _self_gap(e: Entry) -> Any:
    if not e.has_self:
        return None
    gap = e.self_comparison.final_gap
    return gap if gap is not None else "—"


def ranking_columns(entries: Sequence[Entry]) -> list[RankingColumn]:
    """自评分 and 自评虚高 for 排名, when some unit has a 自评 (none otherwise: nothing blank on paper)."""
    if not any(e.has_self for e in entries):
        return []
    return [RankingColumn("自评分", 8, _self_total, POINTS_FORMAT), RankingColumn("自评虚高", 8.5, _self_gap, SIGNED_POINTS)]


def sheet_names(groups: Sequence[RankGroup[Any]], base: str = SELF_EXCESS) -> list[str]:
    """``base`` for one checklist, else ``base·<type>`` (numbered if a type repeats)."""
    if len(groups) <= 1:
        return [base]
    names: list[str] = []
    for g in groups:
        stem = f"{base}·{g.type}"[:28]
        name, n = stem, 1
        while name in names:
            n += 1
            name = f"{stem}{n}"
        names.append(name)
    return names


def self_excess_sheets(wb: Any, cell: Cells, groups: Sequence[RankGroup[Entry]]) -> None:
    """One 自评虚高 sheet per checklist that has units with a 自评."""
    with_self = [g for g in groups if any(e.has_self for e in g.entries)]
    for name, group in zip(sheet_names(with_self), with_self):
        _sheet(wb, cell, name, group)


def _sheet(wb: Any, cell: Cells, name: str, group: RankGroup[Entry]) -> None:
    units = [e for e in group.entries if e.has_self]
    sections = list(units[0].checklist.items)
    # the sections share what is left of the printable width (see summary_book.PRINTABLE_UNITS)
    width = min(11.0, max(7.5, round(82 / max(1, len(sections)), 1)))
    columns = [("被检查单位", 20.0), ("自评分", 8), ("督察分", 8), ("自评虚高", 8), ("自评进度", 8)]
    columns += [(f"{s.code} {s.title}", width) for s in sections]
    sheet = Sheet(wb, cell, name, columns, SIZE, "单位自评分与督察分对比（自评虚高）",
                  f"{group.type} · {group.title}    {len(units)} 个单位有自评    自评虚高 = 自评分 − 督察分，"
                  "正数为自评偏高；督察评完全部指标后给出", freeze="B4")
    sheet.header([h for h, _ in columns])
    aligns = [TOP] + [TOP_RIGHT] * (len(columns) - 1)
    fmts = [None, POINTS_FORMAT, POINTS_FORMAT, SIGNED_POINTS, PERCENT_FORMAT] + [SIGNED_POINTS] * len(sections)
    for e in units:
        comp = e.self_comparison
        final = comp.final_gap is not None
        values: list[Any] = [
            e.unit,
            comp.self_total if comp.self_total is not None else "未自评",
            comp.inspected_total if comp.inspected_total is not None else "未评",
            comp.final_gap if final else "督察未评完",
            comp.self_report.progress,
        ]
        values += [s.gap if final and s.gap is not None else "—" for s in comp.sections]
        sheet.data_row(values, aligns, fmts)
    sheet.close()


__all__ = ["RankingColumn", "SELF_EXCESS", "SIGNED_POINTS", "ranking_columns", "self_excess_sheets", "sheet_names"]
