"""What an import found, in words a clerk can check before anything is written: the table and
header used, what each column was read as, the tree with points and scoring, and every warning.
Used by ``fzzf import-checklist --check`` and the import screen of the app."""

from __future__ import annotations

from typing import Any

from ..model import KIND_LABELS, METHOD_LABELS, Checklist, Item
from .build import ImportResult
from .text import fmt_number


def _pts(x: float) -> str:
    return fmt_number(round(float(x), 4))


def scoring_text(item: Item, checklist: Checklist) -> str:
    """How a leaf is scored, in one line: ``逐项扣分：未公示 扣2分；公示不全 扣1分``."""
    m = item.method
    label = METHOD_LABELS.get(m, m)
    if m == "graded":
        if item.levels != checklist.levels:
            label += "：" + "、".join(f"{lv.name} {_pts(lv.fraction * 100)}%" for lv in item.levels)
    elif m == "deduction" and item.deduction is not None:
        label += f"：每处扣{_pts(item.deduction.per_case)}分，最低{_pts(item.deduction.floor)}分"
    elif m == "itemized":
        label += "：" + "；".join(f"{s.text} 扣{_pts(s.points)}分" for s in item.shortfalls)
        if item.floor:
            label += f"（最低{_pts(item.floor)}分）"
    elif m == "points":
        label += f"（0–{_pts(item.points)}分）"
    elif m == "yesno" and item.kind == "bonus":
        label = f"符合/不符合（符合加{_pts(item.points)}分）"
    elif m == "yesno" and item.kind == "penalty":
        label = f"发生/未发生（发生减{_pts(item.points)}分）"
    veto = getattr(item, "veto", None)
    if veto is not None:
        label += f"；一票否决：等次定为{veto.grade}"
    cap = getattr(item, "grade_cap", "")
    if cap:
        label += f"；等次最高为{cap}"
    return label


def tree_lines(checklist: Checklist) -> list[str]:
    out = []
    for item in checklist.walk():
        indent = "  " * checklist.depth(item.code)
        head = f"{indent}{item.code} {item.label}{item.title}"
        if item.kind != "normal" and checklist.parent_code(item.code) is None:
            head += f"  〔{KIND_LABELS[item.kind]}，最多{'加' if item.kind == 'bonus' else '减'}{_pts(item.points)}分〕"
        else:
            head += f"  {_pts(item.points)}分"
        if item.is_leaf:
            head += f"  {scoring_text(item, checklist)}"
        out.append(head)
    return out


def preview_lines(result: ImportResult, *, tree: bool = True) -> list[str]:
    """The whole preview, line by line."""
    c = result.checklist
    lines = [f"{result.noun}：{result.sheet}；表头在第 {result.header_row} 行；按{result.structure or '层级'}组织"]
    cols = [
        f"{col}“{result.header_texts.get(col, '')}”→{field}" if result.header_texts.get(col) else f"{col}→{field}"
        for col, field in result.columns.items()
    ]
    if cols:
        lines.append("识别的列：" + "，".join(cols))
    lines.append(
        f"清单：{c.title}（编号 {c.id}，{c.type}，版本 {c.version}）总分 {_pts(c.total)}，"
        f"{c.item_count} 项指标，其中评分项 {c.leaf_count} 项"
    )
    if tree:
        lines.append("指标：")
        lines += ["  " + line for line in tree_lines(c)]
    if result.warnings:
        lines.append(f"提示（{len(result.warnings)} 条）：")
        lines += [f"  {w}" for w in result.warnings]
    else:
        lines.append("没有提示。")
    return lines


def tree_json(checklist: Checklist) -> list[dict[str, Any]]:
    """The tree as rows for ``--json``: code, depth, label, title, points, kind, method, scoring."""
    return [
        {
            "code": i.code,
            "depth": checklist.depth(i.code),
            "label": i.label,
            "title": i.title,
            "points": i.points,
            "kind": i.kind,
            "method": i.method,
            "scoring": scoring_text(i, checklist) if i.is_leaf else "",
        }
        for i in checklist.walk()
    ]
