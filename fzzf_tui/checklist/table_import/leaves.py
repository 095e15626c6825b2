"""How each leaf is scored: its method and rule from the 评分方法, 档次/扣分 and 评分标准 cells.

fzzf's own workbook states the method and rule in their columns; a published table says it in
words (评分标准), which :mod:`.rules` reads. What cannot be read stays as 评分标准 text with a
warning naming the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from ..loading import ITEM_KEYS
from ..model import METHOD_LABELS
from .grid import Report
from .rules import Rule, parse_itemized, read_rule
from .text import parse_deduction, parse_levels, parse_method
from .tree import Node

# veto / grade_cap are defined by the checklist format; produced only once the loader knows them.
VETO_SUPPORTED = "veto" in ITEM_KEYS
_SAYS_NOTHING = {"发生", "有", "存在", "出现", "如有", "发现", "凡", "如发生", "一经发现", "一旦发生", "发生此类情形"}


@dataclass
class LeafScoring:
    fields: dict[str, Any] = field(default_factory=dict)  # method, levels, deduction, shortfalls…
    points: float | None = None  # points the rule implies when the table gives none


def leaf_scoring(node: Node, points: float | None, kind: str, report: Report, grades: Sequence[str],
                 exact: bool, cap: float | None = None) -> LeafScoring:
    """The scoring of a leaf worth ``points`` (None: not given) in a section of ``kind``;
    ``cap`` is the section's 最高加/最多扣 for a leaf that gives no points of its own."""
    out = LeafScoring()
    method = None
    mtext = node.values.get("method")
    if mtext is not None:
        method = parse_method(mtext)
        if method is None and not exact and node.values.get("rule") is None and "分" in mtext:
            # A published 评分方法 column holds rule text, not a method word: read it as 评分标准.
            old = node.values.get("criteria")
            node.values["criteria"] = f"{old}\n{mtext}" if old else mtext
            node.refs.setdefault("criteria", node.refs["method"])
            mtext = None
        elif method is None:
            report.error(node.refs["method"], f"评分方法 “{mtext}” 无法识别（可用：{'、'.join(METHOD_LABELS.values())}）")
    rule = node.values.get("rule")
    if rule is not None:
        _from_rule_column(node, rule, method, mtext, points, report, out)
    elif method is None and mtext is None:
        criteria = node.values.get("criteria")
        source, ref = (criteria, node.refs.get("criteria")) if criteria else (node.title, node.ref)
        if source:
            reading = read_rule(source, points, kind, grades)
            _apply(reading, node, kind, points, report, out, grades, warn=bool(criteria), ref=ref or node.ref)
        if "method" not in out.fields and kind == "penalty":
            # A 减分项 with no rule: the inspector ticks it when it happened.
            amount = points if points is not None else (out.points if out.points is not None else cap)
            if amount is not None:
                out.fields["method"] = "itemized"
                out.fields["shortfalls"] = [{"text": node.title, "points": amount}]
                if points is None:
                    out.points = amount
    elif method == "itemized" and rule is None:
        report.error(node.refs.get("method", node.ref), "评分方法为“逐项扣分”时，请在“档次/扣分”列逐行写扣分情形，如“未建立制度：扣2分”")
    if method is not None and "method" not in out.fields:
        out.fields["method"] = method
    if points is None and out.points is None and cap is not None and kind in ("bonus", "penalty"):
        out.points = cap  # the most this item can add or take is the section's cap
    return out


def _from_rule_column(node: Node, rule: str, method: str | None, mtext: str | None, points: float | None,
                      report: Report, out: LeafScoring) -> None:
    rref = node.refs["rule"]
    levels = parse_levels(rule)
    deduction = parse_deduction(rule, points)
    itemized = parse_itemized(rule) if method in (None, "itemized") else None
    if method in (None, "itemized") and itemized is not None:
        out.fields["method"] = "itemized"
        out.fields.update(itemized)
    elif method in (None, "deduction") and deduction is not None and levels is None:
        out.fields["method"] = "deduction"
        out.fields["deduction"] = deduction
    elif method in (None, "graded") and levels is not None:
        out.fields["method"] = "graded"
        out.fields["levels"] = levels
    elif method in ("yesno", "points", "findings"):
        report.error(rref, f"评分方法为“{METHOD_LABELS[method]}”时不用填档次/扣分（收到 “{rule}”）")
    elif mtext is None or method is not None:
        want = {
            "graded": "“名称：比例”，每行一个档次",
            "itemized": "每行一个扣分情形，如“未建立制度：扣2分”",
        }.get(method or "", "“每处扣0.5分，最低0分”")
        report.error(rref, f"档次/扣分 “{rule}” 无法识别，应写成 {want}")


def _apply(reading: Rule, node: Node, kind: str, points: float | None, report: Report, out: LeafScoring,
           grades: Sequence[str], warn: bool, ref: str) -> None:
    if reading.method is not None:
        out.fields["method"] = reading.method
        out.fields.update(reading.fields)
        for s in out.fields.get("shortfalls", ()):
            if s["text"] in _SAYS_NOTHING:  # 发生的扣5分: the condition is the item itself
                s["text"] = node.title
        if points is None:
            out.points = reading.points
    if reading.veto or reading.grade_cap:
        what = "一票否决" if reading.veto else f"等次最高为“{reading.grade_cap}”"
        if VETO_SUPPORTED:
            if reading.veto:
                out.fields["veto"] = {"grade": grades[-1]}
            else:
                out.fields["grade_cap"] = reading.grade_cap
            if points is None and out.points is None:
                report.warn(ref, f"“{node.title}”为{what}项，但没有分值：该项扣分时才会触发，请填写分值")
        else:
            report.warn(ref, f"“{node.title}”写有{what}，本版本的清单格式尚不能表示，已保留在评分标准中")
    if reading.problem and warn:
        report.warn(ref, reading.problem)
