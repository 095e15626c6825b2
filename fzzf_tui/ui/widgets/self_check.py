"""The unit's 自评 on screen: beside an item's 督察 result, and 自评分 vs 督察分 per section.

Texts only (rich ``Text``/``Table``); the inspection screen appends :func:`self_block` to an
item's detail and the summary shows :func:`comparison_table`. The 自评 is the unit's own
claim: it is always labelled 单位自评 and never shown where the inspectors' score is.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from ...checklist import KIND_LABELS, Item
from ...inspection import Result
from ...inspection.scoring import format_signed
from ...inspection.self_check import (
    NodeGap,
    SelfAssessment,
    SelfComparison,
    answer_text,
    differs,
)
from ..text import fmt_points, truncate


def _pts(item: Item, x: float | None) -> str:
    if x is None:
        return "—"
    return format_signed(x) if item.kind != "normal" else fmt_points(x)


def self_block(item: Item, a: SelfAssessment | None, inspected: Result | None, gap: NodeGap | None) -> Text:
    """【单位自评】 of one leaf: the unit's answer and points, its 佐证材料 and 说明, and
    whether it agrees with the inspectors' result."""
    t = Text()
    t.append("\n")
    t.append("【单位自评】", "bold")
    t.append("（被检查单位在自查表中的自评，不计入督察得分）\n", "dim")
    text = answer_text(item, a)
    t.append(text, "bold" if a is not None and a.answered else "yellow")
    if a is not None and a.na and a.na_reason:
        t.append(f"  理由：{a.na_reason}")
    elif gap is not None and gap.self_points is not None:
        t.append(f"  {'自评' if item.kind == 'normal' else KIND_LABELS[item.kind]} {_pts(item, gap.self_points)} 分")
    t.append("\n")
    if differs(item, inspected, a):
        diff = ""
        if gap is not None and gap.gap is not None:
            diff = f"，自评比督察{'高' if gap.gap > 0 else '低'} {fmt_points(abs(gap.gap))} 分" if gap.gap else ""
        t.append(f"与督察结果不一致（督察：{_inspected(item, inspected)}{diff}）\n", "bold magenta")
    if a is not None and a.evidence:
        t.append("佐证材料（单位填报）：", "bold")
        t.append(a.evidence + "\n")
    if a is not None and a.note:
        t.append("说明（单位填报）：", "bold")
        t.append(a.note + "\n")
    if a is not None and a.by:
        t.append(f"填报人 {a.by}" + (f"  {a.source}" if a.source else "") + "\n", "dim")
    return t


def _inspected(item: Item, r: Result | None) -> str:
    from ...inspection import describe_value

    return describe_value(item, r)


def comparison_table(comp: SelfComparison) -> Table:
    """自评分 vs 督察分 per top-level section, and the total (自评虚高 = 自评 − 督察)."""
    table = Table(title="自评与督察对比（自评虚高 = 自评分 − 督察分）", title_justify="left", box=None,
                  show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("一级指标")
    table.add_column("满分", justify="right")
    table.add_column("自评分", justify="right")
    table.add_column("督察分", justify="right")
    table.add_column("自评虚高", justify="right")
    for item, node in zip(comp.checklist.items, comp.sections):
        gap = node.gap
        style = "bold magenta" if gap is not None and gap > 0 else ""
        table.add_row(
            truncate(f"{item.code} {item.title}", 26),
            fmt_points(item.points) if item.kind == "normal" else ("+" if item.kind == "bonus" else "−") + fmt_points(item.points),
            _pts(item, node.self_points) if node.self_applicable else "不涉及",
            _pts(item, node.inspected_points) if node.inspected_applicable else "不涉及",
            Text("—" if gap is None else format_signed(gap), style),
        )
    total_gap = comp.total_gap
    table.add_row(
        Text("总分", "bold"), Text(fmt_points(comp.checklist.total), "bold"),
        Text("未自评" if comp.self_total is None else fmt_points(comp.self_total), "bold"),
        Text("未评" if comp.inspected_total is None else fmt_points(comp.inspected_total), "bold"),
        Text("—" if total_gap is None else format_signed(total_gap), "bold magenta" if total_gap and total_gap > 0 else "bold"),
    )
    return table


def comparison_note(comp: SelfComparison) -> Text:
    t = Text()
    t.append(f"单位已自评 {comp.self_answered}/{comp.self_report.leaves} 项；自评与督察不一致 {len(comp.differing)} 项",
             "")
    if comp.differing:
        t.append("（在评分界面按 v 筛选“自评不一致”）", "dim")
    if not comp.complete:
        t.append("\n任一方尚有未评项时，总分之差只供参考", "dim")
    return t


__all__ = ["comparison_note", "comparison_table", "self_block"]
