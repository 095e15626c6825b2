"""Build and validate checklists from dicts and YAML files (the one loader).

Validation collects *every* problem before failing, each located by ``file:line`` when the
data came from a file, else by item code, so a maintainer can fix a file in one pass.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ..errors import ChecklistError, Problem
from .model import (
    DEFAULT_DEDUCTION,
    DEFAULT_GRADES,
    DEFAULT_LEVELS,
    FORMAT,
    KINDS,
    METHODS,
    Checklist,
    Deduction,
    GradeBand,
    Item,
    Level,
    Shortfall,
    Veto,
)



def _yaml():
    """PyYAML and its safe loader, imported on first use: opening an inspection (which only
    reads JSON) should not pay for importing YAML."""
    import yaml

    try:  # the C loader is ~10x faster on the large built-in files
        loader = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - depends on how PyYAML was built
        loader = yaml.SafeLoader
    return yaml, loader

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
CODE_RE = re.compile(r"^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$")
EPS = 1e-6


class _Collector:
    def __init__(self, source: str, lines: dict[str, int] | None = None) -> None:
        self.source = source
        self.lines = lines or {}
        self.problems: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        """``where`` is a JSON-ish path (``items[2].children[0]``) or ``[code]``."""
        line = self.lines.get(where)
        if line is not None:
            loc = f"{self.source}:{line}"
            if where.startswith("[") is False and where:
                loc += f" ({where})"
        elif where:
            loc = f"{self.source} {where}"
        else:
            loc = self.source
        self.problems.append(Problem(loc, message))


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _str_list(value: Any, where: str, key: str, col: _Collector) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value.strip(),)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return tuple(_str(v) for v in value if _str(v))
    col.add(where, f"“{key}” 应为文字列表")
    return ()


def _number(value: Any, where: str, key: str, col: _Collector, default: float | None = None) -> float | None:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        col.add(where, f"“{key}” 应为数字，实际为 {value!r}")
        return default
    if math.isnan(value) or math.isinf(value):
        col.add(where, f"“{key}” 不是有效数字")
        return default
    return float(value)


def _levels(value: Any, where: str, col: _Collector, default: tuple[Level, ...]) -> tuple[Level, ...]:
    if value is None:
        return default
    if not isinstance(value, list) or not value:
        col.add(where, "“levels” 应为非空列表，每项含 name 和 fraction")
        return default
    out = []
    names = set()
    for i, lv in enumerate(value):
        if not isinstance(lv, dict) or "name" not in lv:
            col.add(where, f"levels 第 {i + 1} 项缺少 name")
            continue
        frac = _number(lv.get("fraction"), where, "fraction", col, 0.0)
        if frac is not None and not (0 <= frac <= 1):
            col.add(where, f"档次“{lv['name']}”的 fraction {frac} 不在 0–1 之间")
        name = _str(lv["name"])
        if name in names:
            col.add(where, f"档次名称“{name}”重复")
        names.add(name)
        out.append(Level(name, frac or 0.0))
    return tuple(out) or default


def _deduction(value: Any, where: str, col: _Collector, default: Deduction) -> Deduction:
    if value is None:
        return default
    if not isinstance(value, dict):
        col.add(where, "“deduction” 应含 per_case 和 floor")
        return default
    per = _number(value.get("per_case"), where, "per_case", col, default.per_case)
    floor = _number(value.get("floor"), where, "floor", col, default.floor)
    if per is not None and per <= 0:
        col.add(where, f"每处扣分 per_case 应大于 0，实际为 {per}")
    if floor is not None and floor < 0:
        col.add(where, f"扣分下限 floor 不能为负，实际为 {floor}")
    return Deduction(per or default.per_case, floor or 0.0)


ITEM_KEYS = {
    "code", "label", "title", "text", "points", "method", "kind", "levels", "deduction",
    "criteria", "evidence", "units", "offices", "na_conditions", "note", "source_note", "children",
    "veto", "grade_cap", "lead_units", "shortfalls", "floor",
}


def _shortfalls(value: Any, where: str, code: str, col: _Collector) -> tuple[Shortfall, ...]:
    """The listed shortfalls of an ``itemized`` item: ``[{text, points}]``, each text one line."""
    if not isinstance(value, list) or not value:
        col.add(where, f"指标 {code} 为逐项扣分（itemized），需要 shortfalls：[{{text: 扣分情形, points: 扣分}}, …]")
        return ()
    out = []
    texts: set[str] = set()
    for i, s in enumerate(value, 1):
        if not isinstance(s, dict) or set(s) - {"text", "points"}:
            col.add(where, f"指标 {code} 的 shortfalls 第 {i} 项应只含 text 和 points")
            continue
        text = _str(s.get("text"))
        points = _number(s.get("points"), where, f"shortfalls 第 {i} 项的 points", col, None)
        if not text or "\n" in text:
            col.add(where, f"指标 {code} 的 shortfalls 第 {i} 项缺少 text（一行文字）")
        elif text in texts:
            col.add(where, f"指标 {code} 的扣分情形“{text}”重复")
        texts.add(text)
        if points is None or points <= 0:
            col.add(where, f"指标 {code} 的扣分情形“{text}”的 points 应为正数")
            points = 0.0
        out.append(Shortfall(text, points))
    return tuple(out)


def _grade_name(value: Any, loc: str, what: str, col: _Collector, grades: tuple[str, ...]) -> str:
    name = _str(value)
    if name and name not in grades:
        col.add(loc, f"{what}“{name}”不是本清单的等次（可用：{'、'.join(grades)}）")
    return name


def _veto(value: Any, loc: str, code: str, col: _Collector, ctx: dict[str, Any]) -> Veto | None:
    if value is None:
        return None
    if not isinstance(value, dict) or "grade" not in value:
        col.add(loc, f"指标 {code} 的 veto 应写成 {{grade: 不合格}}（可加 total: 0）")
        return None
    unknown = sorted(set(value) - {"grade", "total"})
    if unknown:
        col.add(loc, f"指标 {code} 的 veto 有未知字段：{', '.join(map(str, unknown))}")
    grade = _grade_name(value.get("grade"), loc, f"指标 {code} 的一票否决等次", col, ctx["grade_names"])
    total = _number(value.get("total"), loc, "veto.total", col, None)
    if total is not None and total < 0:
        col.add(loc, f"指标 {code} 的 veto.total 不能为负")
    return Veto(grade, total) if grade else None


def _item(
    data: Any,
    where: str,
    col: _Collector,
    ctx: dict[str, Any],
    parent_kind: str,
    top_level: bool,
    seen: dict[str, str],
) -> Item | None:
    if not isinstance(data, dict):
        col.add(where, "指标应为键值映射（code、title、points…）")
        return None
    code = _str(data.get("code"))
    loc = where
    if not code:
        col.add(where, "缺少指标编号 code")
        code = f"?{len(seen) + 1}"
    elif not CODE_RE.match(code):
        col.add(where, f"指标编号“{code}”格式不对：应为以点分隔的字母数字，如 3.2.40")
    if code in seen:
        col.add(where, f"指标编号“{code}”重复（首次出现在 {seen[code]}）")
    else:
        seen[code] = col.lines.get(where) and f"第 {col.lines[where]} 行" or where
    title = _str(data.get("title"))
    if not title:
        col.add(loc, f"指标 {code} 缺少标题 title")
    unknown = sorted(set(data) - ITEM_KEYS)
    if unknown:
        col.add(loc, f"指标 {code} 有未知字段：{', '.join(map(str, unknown))}")
    kind = _str(data.get("kind")) or parent_kind
    if kind not in KINDS:
        col.add(loc, f"指标 {code} 的类型 kind“{kind}”未知（可用：normal、bonus、penalty）")
        kind = "normal"
    elif kind != parent_kind and not top_level:
        col.add(loc, f"指标 {code}：加分项/减分项只能设在第一级")
    raw_children = data.get("children") or []
    if not isinstance(raw_children, list):
        col.add(loc, f"指标 {code} 的 children 应为列表")
        raw_children = []
    children = []
    for i, child in enumerate(raw_children):
        built = _item(child, f"{where}.children[{i}]", col, ctx, kind, False, seen)
        if built is not None:
            children.append(built)
    points = _number(data.get("points"), loc, "points", col, None)
    if points is not None and points < 0:
        col.add(loc, f"指标 {code} 的分值不能为负")
    method = ""
    levels: tuple[Level, ...] = ()
    deduction = None
    shortfalls: tuple[Shortfall, ...] = ()
    floor = 0.0
    if "note" in data and "source_note" in data:
        col.add(loc, f"指标 {code} 同时有 note 和 source_note（note 是 source_note 的旧名，只写一个）")
    note_key = "source_note" if "source_note" in data else "note"
    units = _str_list(data.get("units"), loc, "units", col)
    lead_units = _str_list(data.get("lead_units"), loc, "lead_units", col)
    for unit in lead_units:
        if unit not in units:
            col.add(loc, f"指标 {code} 的牵头单位“{unit}”不在责任单位 units 中")
    veto = _veto(data.get("veto"), loc, code, col, ctx)
    grade_cap = _grade_name(data.get("grade_cap"), loc, f"指标 {code} 的等次上限 grade_cap", col, ctx["grade_names"])
    if (veto is not None or grade_cap) and children:
        col.add(loc, f"指标 {code} 有下级指标：veto、grade_cap 只能设在评分的末级指标上")
    if not children:
        method = _str(data.get("method")) or ctx["default_method"]
        if method not in METHODS:
            col.add(loc, f"指标 {code} 的评分方法“{method}”未知（可用：{'、'.join(METHODS)}）")
            method = "findings"
        if points is None and method != "findings":
            col.add(loc, f"指标 {code} 缺少分值 points")
        if method == "graded":
            levels = _levels(data.get("levels"), loc, col, ctx["levels"])
        if method == "deduction":
            deduction = _deduction(data.get("deduction"), loc, col, ctx["deduction"])
        if method == "itemized":
            shortfalls = _shortfalls(data.get("shortfalls"), loc, code, col)
            floor = _number(data.get("floor"), loc, "floor", col, 0.0) or 0.0
            if floor < 0 or (points is not None and floor > points):
                col.add(loc, f"指标 {code} 的最低分 floor {floor:g} 应在 0 到分值之间")
        elif "shortfalls" in data or "floor" in data:
            col.add(loc, f"指标 {code}：shortfalls、floor 只用于逐项扣分（itemized）的指标")
        if method == "findings" and (veto is not None or grade_cap):
            col.add(loc, f"指标 {code} 只记问题、不计分：不能设 veto 或 grade_cap")
    else:
        if "method" in data:
            col.add(loc, f"指标 {code} 有下级指标，不能自己设评分方法")
        child_sum = sum(c.points for c in children if c.kind == kind)
        if points is None:
            points = child_sum
        elif ctx["children_sum"] and abs(points - child_sum) > EPS and not (
            top_level and kind != "normal" and points < child_sum
        ):  # a top-level 加分项/减分项 may be capped below its items' sum (最高加5分): scoring caps at points
            col.add(loc, f"指标 {code} 的分值 {points:g} 与下级分值之和 {child_sum:g} 不符")
    return Item(
        code=code,
        title=title,
        label=_str(data.get("label")),
        text=_str(data.get("text")),
        points=points or 0.0,
        method=method,
        kind=kind,
        levels=levels,
        deduction=deduction,
        shortfalls=shortfalls,
        floor=floor,
        criteria=_str(data.get("criteria")),
        evidence=_str_list(data.get("evidence"), loc, "evidence", col),
        units=units,
        offices=_str_list(data.get("offices"), loc, "offices", col),
        na_conditions=_str_list(data.get("na_conditions"), loc, "na_conditions", col),
        source_note=_str(data.get(note_key)),
        children=tuple(children),
        veto=veto,
        grade_cap=grade_cap,
        lead_units=lead_units,
    )


SCORING_KEYS = {
    "total", "children_sum", "completion_threshold", "pass_threshold", "complete_levels", "grades", "levels",
    "default_method", "deduction",
}
TOP_KEYS = {"format", "id", "title", "type", "version", "source", "description", "provisional", "scoring", "items"}


def checklist_from_dict(data: Any, source: str = "<dict>", lines: dict[str, int] | None = None) -> Checklist:
    """Build a checklist, raising :class:`ChecklistError` listing every problem found."""
    col = _Collector(source, lines)
    if not isinstance(data, dict):
        col.add("", "清单文件的顶层应为键值映射（format、id、title、items…）")
        raise ChecklistError(source, col.problems)
    fmt = data.get("format")
    if fmt != FORMAT:
        col.add("format", f"format 应为 “{FORMAT}”，实际为 {fmt!r}")
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        col.add("", f"未知的顶层字段：{', '.join(map(str, unknown))}")
    cid = _str(data.get("id"))
    if not cid:
        col.add("id", "缺少清单编号 id")
    elif not ID_RE.match(cid):
        col.add("id", f"清单编号“{cid}”只能含小写字母、数字、点、横线和下划线")
    for key, label in (("title", "标题 title"), ("type", "检查类型 type"), ("version", "版本 version")):
        if not _str(data.get(key)):
            col.add(key, f"缺少{label}")
    scoring = data.get("scoring") or {}
    if not isinstance(scoring, dict):
        col.add("scoring", "scoring 应为键值映射")
        scoring = {}
    total = _number(scoring.get("total"), "scoring", "total", col, None)
    unknown = sorted(set(scoring) - SCORING_KEYS)
    if unknown:
        col.add("scoring", f"scoring 有未知字段：{', '.join(map(str, unknown))}")
    # pass_threshold: the 完成度 the source requires; completion_threshold is its old name.
    if "pass_threshold" in scoring and "completion_threshold" in scoring:
        col.add("scoring", "同时有 pass_threshold 和 completion_threshold（后者是旧名，只写一个）")
    threshold_key = "pass_threshold" if "pass_threshold" in scoring else "completion_threshold"
    # absent: the historic default 0.9 (keeps old files' hashes); null: the source sets none
    threshold = _number(scoring.get(threshold_key), "scoring", threshold_key, col, None) if threshold_key in scoring else 0.9
    if threshold is not None and not (0 <= threshold <= 1):
        col.add("scoring", f"{threshold_key} {threshold} 应在 0–1 之间（如 0.9 表示 90%）")
    grades_raw = scoring.get("grades")
    grades = DEFAULT_GRADES
    if grades_raw is not None:
        if not isinstance(grades_raw, list) or not grades_raw:
            col.add("scoring", "grades 应为非空列表，每项含 name 和 min")
        else:
            built = []
            for g in grades_raw:
                if not isinstance(g, dict) or "name" not in g:
                    col.add("scoring", "grades 每项应含 name 和 min")
                    continue
                built.append(GradeBand(_str(g["name"]), _number(g.get("min"), "scoring", "min", col, 0.0) or 0.0))
            if built:
                grades = tuple(sorted(built, key=lambda b: -b.min))
    default_method = _str(scoring.get("default_method")) or "graded"
    if default_method not in METHODS:
        col.add("scoring", f"default_method“{default_method}”未知（可用：{'、'.join(METHODS)}）")
        default_method = "graded"
    ctx = {
        "grade_names": tuple(g.name for g in grades),
        "default_method": default_method,
        "levels": _levels(scoring.get("levels"), "scoring", col, DEFAULT_LEVELS),
        "deduction": _deduction(scoring.get("deduction"), "scoring", col, DEFAULT_DEDUCTION),
        "children_sum": bool(scoring.get("children_sum", True)),
    }
    raw_items = data.get("items")
    items = []
    if not isinstance(raw_items, list) or not raw_items:
        col.add("items", "清单没有任何指标（items 为空或不是列表）")
    else:
        seen: dict[str, str] = {}
        for i, raw in enumerate(raw_items):
            built = _item(raw, f"items[{i}]", col, ctx, "normal", True, seen)
            if built is not None:
                items.append(built)
    complete_levels = _str_list(scoring.get("complete_levels"), "scoring", "complete_levels", col)
    if complete_levels:
        known = {lv.name for lv in ctx["levels"]}
        for item in items:
            for node in item.walk():
                known.update(lv.name for lv in node.levels)
        for name in complete_levels:
            if name not in known:
                col.add("scoring", f"complete_levels 中的“{name}”不是任何档次的名称（可用：{'、'.join(sorted(known))}）")
    normal_sum = sum(i.points for i in items if i.kind == "normal")
    if total is None:
        total = normal_sum
    elif ctx["children_sum"] and items and abs(total - normal_sum) > EPS:
        col.add("scoring", f"总分 total {total:g} 与第一级指标分值之和 {normal_sum:g} 不符")
    if col.problems:
        raise ChecklistError(source, col.problems)
    return Checklist(
        id=cid,
        title=_str(data.get("title")),
        type=_str(data.get("type")),
        version=_str(data.get("version")),
        items=tuple(items),
        source=_str(data.get("source")),
        description=_str(data.get("description")),
        provisional=_str_list(data.get("provisional"), "provisional", "provisional", col),
        total=total or 0.0,
        children_sum=ctx["children_sum"],
        completion_threshold=threshold,
        complete_levels=complete_levels,
        grades=grades,
        levels=ctx["levels"],
        default_method=default_method,
        deduction=ctx["deduction"],
        origin=source,
    )


def _line_map(text: str) -> dict[str, int]:
    """Map data paths (``items[0].children[2]``, ``scoring``…) to 1-based line numbers.

    Only used on the error path: composing the node tree is slower than loading.
    """
    yaml, loader = _yaml()
    out: dict[str, int] = {}
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return out

    def visit_items(seq: Any, prefix: str) -> None:
        if not isinstance(seq, yaml.SequenceNode):
            return
        for i, node in enumerate(seq.value):
            path = f"{prefix}[{i}]"
            out[path] = node.start_mark.line + 1
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == "children":
                        visit_items(v, f"{path}.children")

    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            out[str(k.value)] = k.start_mark.line + 1
            if k.value == "items":
                visit_items(v, "items")
    return out


def parse_yaml(text: str, source: str) -> Any:
    yaml, loader = _yaml()
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a *safe* loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        raise ChecklistError(source, [Problem(where, f"YAML 语法错误：{exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise ChecklistError(source, [Problem(source, f"YAML 语法错误：{exc}")]) from None


def load_checklist_text(text: str, source: str) -> Checklist:
    data = parse_yaml(text, source)
    try:
        return checklist_from_dict(data, source)
    except ChecklistError:
        # Re-run with line numbers so every problem says file:line.
        return checklist_from_dict(data, source, _line_map(text))


def checklist_from_json(text: str, source: str) -> Checklist:
    return checklist_from_dict(json.loads(text), source)
