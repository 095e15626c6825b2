"""Reading scoring rules: the method, levels or deduction of a leaf from its cells' text."""

from __future__ import annotations

from typing import Any

from ..model import METHOD_LABELS
from .grid import Report
from .structure import Node
from .text import parse_deduction, parse_levels, parse_method

def leaf_method(node: Node, points: float | None, report: Report) -> dict[str, Any]:
    """method / levels / deduction of a leaf from 评分方法, 档次/扣分 and 评分标准."""
    out: dict[str, Any] = {}
    method = None
    mtext = node.values.get("method")
    if mtext is not None:
        method = parse_method(mtext)
        if method is None:
            report.error(node.refs["method"], f"评分方法 “{mtext}” 无法识别（可用：{'、'.join(METHOD_LABELS.values())}）")
    rule = node.values.get("rule")
    if rule is not None:
        rref = node.refs["rule"]
        levels = parse_levels(rule)
        deduction = parse_deduction(rule, points)
        if method in (None, "deduction") and deduction is not None and levels is None:
            method = "deduction"
            out["deduction"] = deduction
        elif method in (None, "graded") and levels is not None:
            method = "graded"
            out["levels"] = levels
        elif method in ("yesno", "points", "findings"):
            report.error(rref, f"评分方法为“{METHOD_LABELS[method]}”时不用填档次/扣分（收到 “{rule}”）")
        elif mtext is None or method is not None:
            want = "“名称：比例”，每行一个档次" if method == "graded" else "“每处扣0.5分，最低0分”"
            report.error(rref, f"档次/扣分 “{rule}” 无法识别，应写成 {want}")
    elif method is None and mtext is None and node.values.get("criteria"):
        criteria = node.values["criteria"]
        deduction = parse_deduction(criteria, points)
        if deduction is not None:
            method = "deduction"
            out["deduction"] = deduction
        elif "扣" in criteria and "分" in criteria:
            report.warn(node.refs["criteria"], "评分标准中的扣分规则未能识别为“每…扣X分”，已按文字保留，评分方法用默认值")
    if method is not None:
        out["method"] = method
    return out

