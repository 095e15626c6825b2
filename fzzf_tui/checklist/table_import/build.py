"""From the built tree to the checklist dict: codes, kinds, points checked against children.

The dict is what :func:`~fzzf_tui.checklist.loading.checklist_from_dict` validates; problems the
loader finds are mapped back to cells by :func:`locate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from ...errors import Problem
from ..loading import CODE_RE, EPS
from ..model import Checklist
from .grid import Report
from .layout import FIELD_NAMES, LIST_FIELDS, TEXT_FIELDS
from .leaves import leaf_scoring
from .structure import TreeBuilder
from .text import fmt_number
from .tree import Node

# 一票否决 cell: “不合格” or “不合格；总分0” (等次 and an optional cap on the total)
VETO_RE = re.compile(r"^\s*(?:等次[：:]?\s*)?([^；;，,\s]+)\s*(?:[；;，,]\s*总分\s*[：:]?\s*([0-9.]+)\s*分?)?\s*$")


@dataclass
class ImportResult:
    """What an import produced: the checklist, the warnings, and how the table was read."""

    checklist: Checklist
    warnings: list[Problem]
    sheet: str = ""
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # column letter → Chinese field name
    header_texts: dict[str, str] = field(default_factory=dict)  # column letter → header as written
    noun: str = "工作表"  # 工作表 (Excel) or 表格 (Word)
    structure: str = ""  # how the tree was built: 层级 | 编号 | 指标列和序号
    exact: bool = False  # True for fzzf's own template/export layout
    data: dict[str, Any] = field(default_factory=dict)  # the dict given to checklist_from_dict

    @property
    def warning_lines(self) -> list[str]:
        return [str(w) for w in self.warnings]


class DictBuilder:
    def __init__(self, importer: TreeBuilder, report: Report, lenient: bool, default_method: str,
                 grades: Sequence[str] = ()) -> None:
        self.imp = importer
        self.report = report
        self.lenient = lenient
        self.default_method = default_method
        self.grades = list(grades)
        self.paths: dict[str, Node] = {}
        self.no_points_column = "points" not in importer.h.fields
        self.unscored: list[str] = []  # leaves without points when the table has no 分值 column

    def problem(self, where: str, message: str, fixed: str) -> None:
        """An error, or in lenient mode a warning saying what was done instead."""
        if self.lenient:
            self.report.warn(where, f"{message}；{fixed}")
        else:
            self.report.error(where, message)

    def item(self, node: Node, path: str, parent_kind: str, top: bool, children_sum: bool, seen: dict[str, str],
             parent_code: str = "", position: int = 1, cap: float | None = None) -> dict[str, Any]:
        self.paths[path] = node
        v = node.values
        d: dict[str, Any] = {}
        code = node.code
        code_ref = node.refs.get("code", node.ref)
        if not CODE_RE.match(code):
            self.problem(code_ref, f"编号 “{code}” 格式不对：应为用点分隔的字母或数字，如 3.2.40", "已改用自动编号")
            code = f"{parent_code}.{position}" if parent_code else str(position)
        if code in seen:
            self.problem(code_ref, f"编号 “{code}” 重复（首次出现在 {seen[code]}）", "已在编号末尾加 d 和序号")
            base, n = code, 2
            while f"{base}d{n}" in seen:
                n += 1
            code = f"{base}d{n}"
        seen[code] = code_ref
        d["code"] = code
        title = node.title
        if not title:
            self.problem(node.ref, f"指标 {code} 缺少标题", "已用“（无标题）”代替")
            title = "（无标题）"
        d["title"] = title
        if node.label:
            d["label"] = node.label
        for key in TEXT_FIELDS:
            if v.get(key):
                d[key] = v[key]
        if "veto" in d:
            m = VETO_RE.match(d["veto"])
            if m is None:
                self.problem(node.refs.get("veto", node.ref), f"指标 {code} 的一票否决“{d['veto']}”应写成“不合格”或“不合格；总分0”", "已忽略")
                del d["veto"]
            else:
                d["veto"] = {"grade": m.group(1)} | ({"total": float(m.group(2))} if m.group(2) else {})
        kind = v.get("kind_resolved") or parent_kind
        if kind != parent_kind and not top:
            self.problem(node.refs.get("kind", node.ref), f"指标 {code}：加分项/减分项只能设在第一级", "已按上级的类型处理")
            kind = parent_kind
        if kind != "normal" or (top and kind != parent_kind):
            d["kind"] = kind
        if v.get("cap") is not None:
            cap = v["cap"]
        points = v.get("points")
        points_ref = node.refs.get("points") or self._points_cell(node)
        stated = points if points is not None else v.get("title_points")
        if node.children and stated is not None and self.lenient:
            bare = [c for c in node.children if not c.children and c.values.get("points") is None]
            if bare and len(bare) == len(node.children):
                share = stated / len(bare)
                for c in bare:
                    c.values["points"] = share
                self.report.warn(points_ref, f"指标 {code} 的 {len(bare)} 个下级没有分值，已把 {fmt_number(stated)} 分平均分配（每项 {share:g} 分）")
        if node.children:
            for key in ("method", "rule"):
                if key in v:
                    self.problem(node.refs[key], f"指标 {code} 有下级指标，不能自己设{FIELD_NAMES[key]}", "已忽略")
            kids = [
                self.item(c, f"{path}.children[{i}]", kind, False, children_sum, seen, code, i + 1, cap)
                for i, c in enumerate(node.children)
            ]
            child_sum = sum(k["_points"] for k in kids if k.get("kind", kind) == kind)
            if points is not None and children_sum and abs(points - child_sum) > EPS:
                if not (top and kind != "normal" and points < child_sum):  # a 加分项/减分项 total may cap them
                    self.problem(points_ref, f"指标 {code} 的分值 {fmt_number(points)} 与下级分值之和 {fmt_number(child_sum)} 不符", "已改为下级之和")
                    points = None
            title_points = v.get("title_points")
            if points is None and title_points is not None and children_sum and abs(title_points - child_sum) > EPS:
                self.report.warn(node.refs["title_points"], f"“{node.heading}”标明 {fmt_number(title_points)} 分，"
                                 f"下级分值之和为 {fmt_number(child_sum)} 分，已按 {fmt_number(child_sum)} 分导入，请核对")
            elif points is None and title_points is not None:
                points = title_points
            if points is None and top and kind != "normal" and cap is not None and cap < child_sum - EPS:
                points = cap  # 最高加5分 over items worth more: the section adds at most its cap
            if points is not None:
                d["points"] = points
            d["_points"] = child_sum if points is None else points
            d["children"] = kids
        else:
            if points is None and v.get("title_points") is not None:
                points, points_ref = v["title_points"], node.refs["title_points"]
            scoring = leaf_scoring(node, points, kind, self.report, self.grades or ["不合格"], self.imp.exact, cap)
            if points is None and scoring.points is not None:
                points = scoring.points
            effective = scoring.fields.get("method") or self.default_method
            if points is None and effective != "findings":
                if "points" not in (node.tree or self.imp).h.fields:
                    self.unscored.append(code)
                elif self.lenient or "points_bad" not in node.refs:
                    self.problem(points_ref, f"指标 {code} 缺少分值", "已按 0 分处理")
                points = 0.0
            if points is not None:
                d["points"] = points
            d.update(scoring.fields)
            if "criteria" in v:
                d["criteria"] = v["criteria"]  # a 评分方法 cell read as 评分标准 joins it
            d["_points"] = points or 0.0
        for key in LIST_FIELDS:
            if v.get(key):
                d[key] = list(v[key])
        if v.get("note"):
            d["note"] = v["note"]
        return d

    def _points_cell(self, node: Node) -> str:
        imp = node.tree or self.imp
        cols = imp.h.fields.get("points")
        if cols and node.row:
            return imp.sheet.ref(node.row, cols[0])
        return node.ref


def strip_private(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Remove the builder's ``_points`` bookkeeping from every item dict (in place, no recursion)."""
    todo = list(items)
    while todo:
        d = todo.pop()
        d.pop("_points", None)
        todo.extend(d.get("children", ()))
    return items



def locate(problem: Problem, source: str, paths: dict[str, Node], info_refs: dict[str, str], sheet: str) -> Problem:
    """Turn a loader location (``FILE items[0].children[2]``) into a cell."""
    where = problem.where
    if where.startswith(source):
        where = where[len(source):].strip()
    node = paths.get(where)
    if node is not None:
        if ("分值" in problem.message or "points" in problem.message) and "points" in node.refs:
            return Problem(node.refs["points"], problem.message)
        for key in ("method", "rule", "kind", "code"):
            if FIELD_NAMES[key] in problem.message and key in node.refs:
                return Problem(node.refs[key], problem.message)
        return Problem(node.ref, problem.message)
    head = where.split(".")[0].split("[")[0]
    if head in info_refs:
        return Problem(info_refs[head], problem.message)
    if head == "scoring" and info_refs:
        return Problem(info_refs.get("total", next(iter(info_refs.values()))), problem.message)
    return Problem(where or sheet, problem.message)

