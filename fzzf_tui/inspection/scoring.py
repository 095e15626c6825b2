"""The scoring engine: values per method, roll-up through the tree, totals, 完成度 and grade.

Pure functions over a :class:`~fzzf_tui.checklist.Checklist` and a mapping of results.

Rules (documented for inspectors in docs/scoring.md):

* A leaf earns points by its method (see :func:`earned_points`); an unscored leaf earns 0.
* 不涉及 (not applicable) leaves are excluded. A section's score is renormalised over its
  applicable children: ``earned = Σ earned(applicable) / Σ max(applicable) × section.points``,
  so a section keeps its weight when some of its items do not apply. A section whose children
  are all 不涉及 is itself 不涉及 and is excluded from its parent the same way.
* The base score is the same renormalisation over the top-level normal sections, scaled to the
  checklist total.
* 加分项 add their earned points, capped at the bonus section's points; 减分项 subtract what
  they lose (``points − earned``) for items that were scored, capped at the penalty section's
  points. The total never goes below 0.
* 完成度 is the share of applicable scored-method leaves that are fully met (earned = max);
  a findings-only leaf counts as met once checked with no open finding.
* Deductions never go below the item's floor (扣完为止).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ..checklist.model import Checklist, Item
from ..errors import InvalidValue

EPS = 1e-9

YES_WORDS = {"y", "yes", "true", "1", "是", "达到", "符合", "t"}
NO_WORDS = {"n", "no", "false", "0", "否", "未达到", "不符合", "f"}


@dataclass(frozen=True)
class Result:
    """What an inspector recorded for one leaf item."""

    code: str
    value: Any = None
    na: bool = False
    na_reason: str = ""
    note: str = ""
    by: str = ""
    at: str = ""

    @property
    def is_scored(self) -> bool:
        return self.na or self.value is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "value": self.value,
            "na": self.na,
            "na_reason": self.na_reason,
            "note": self.note,
            "by": self.by,
            "at": self.at,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Result":
        return cls(
            code=str(d["code"]),
            value=d.get("value"),
            na=bool(d.get("na", False)),
            na_reason=str(d.get("na_reason") or ""),
            note=str(d.get("note") or ""),
            by=str(d.get("by") or ""),
            at=str(d.get("at") or ""),
        )


def _fmt(x: float) -> str:
    return f"{x:g}"


def validate_value(item: Item, raw: Any) -> Any:
    """Normalise an entered value for ``item``'s method, or raise :class:`InvalidValue`.

    Accepts typed values and the strings a CLI user types (level name or 1-based number,
    是/否/y/n, a count, a number of points).
    """
    where = f"指标 {item.code}"
    if not item.is_leaf:
        raise InvalidValue(f"{where} 是分类，不能直接评分，请对其下级指标评分")
    method = item.method
    if method == "graded":
        names = [lv.name for lv in item.levels]
        if isinstance(raw, str):
            text = raw.strip()
            if text in names:
                return text
            if text.isdigit() and 1 <= int(text) <= len(names):
                return names[int(text) - 1]
        elif isinstance(raw, int) and not isinstance(raw, bool) and 1 <= raw <= len(names):
            return names[raw - 1]
        raise InvalidValue(f"{where} 按档次评分，请选择：" + "、".join(f"{i + 1}={n}" for i, n in enumerate(names)) + f"（收到 {raw!r}）")
    if method == "yesno":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in YES_WORDS:
            return True
        if text in NO_WORDS:
            return False
        raise InvalidValue(f"{where} 按“是/否”评分，请输入 是 或 否（y/n），收到 {raw!r}")
    if method == "deduction":
        try:
            if isinstance(raw, bool):
                raise ValueError
            if isinstance(raw, float):
                if not raw.is_integer():
                    raise ValueError
                n = int(raw)
            else:
                n = int(str(raw).strip())
        except ValueError:
            raise InvalidValue(f"{where} 按处扣分，请输入发现问题的处数（0 或正整数），收到 {raw!r}") from None
        if n < 0:
            raise InvalidValue(f"{where} 的扣分处数不能为负数（收到 {n}）")
        if n > 10000:
            raise InvalidValue(f"{where} 的扣分处数 {n} 不合理（最多 10000）")
        return n
    if method == "points":
        try:
            if isinstance(raw, bool):
                raise ValueError
            x = float(str(raw).strip()) if not isinstance(raw, (int, float)) else float(raw)
        except ValueError:
            raise InvalidValue(f"{where} 请输入得分（0–{_fmt(item.points)} 之间的数字），收到 {raw!r}") from None
        if x != x or not (0 <= x <= item.points):
            raise InvalidValue(f"{where} 的得分应在 0–{_fmt(item.points)} 之间，收到 {_fmt(x)}")
        return int(x) if x.is_integer() else x
    if method == "findings":
        if raw in (True, "checked", "已检查", "1", 1, "y", "yes", "是"):
            return True
        raise InvalidValue(f"{where} 只记录问题，不打分；可标记为“已检查”（收到 {raw!r}）")
    raise InvalidValue(f"{where} 的评分方法“{method}”未知")  # pragma: no cover - loader prevents it


def earned_points(item: Item, value: Any) -> float:
    """Points a leaf earns for a (valid) value; 0 for no value."""
    if value is None:
        return 0.0
    m = item.method
    if m == "graded":
        level = item.level(value)
        return item.points * (level.fraction if level else 0.0)
    if m == "yesno":
        return item.points if value else 0.0
    if m == "deduction":
        d = item.deduction
        assert d is not None
        floor = min(d.floor, item.points)
        return max(floor, item.points - int(value) * d.per_case)
    if m == "points":
        return min(max(float(value), 0.0), item.points)
    return 0.0  # findings-only leaves carry no points


def describe_value(item: Item, result: Result | None) -> str:
    """Short Chinese text of a result for lists and exports."""
    if result is None or not result.is_scored:
        return "未评"
    if result.na:
        return "不涉及"
    v = result.value
    m = item.method
    if m == "graded":
        return str(v)
    if m == "yesno":
        return "是" if v else "否"
    if m == "deduction":
        return f"{v} 处"
    if m == "points":
        return f"{_fmt(float(v))} 分"
    return "已检查"


@dataclass
class NodeScore:
    code: str
    max: float
    earned: float = 0.0
    applicable: bool = True
    leaves: int = 0
    scored: int = 0  # leaves with a value or 不涉及
    na_leaves: int = 0
    met: int = 0  # applicable leaves fully met
    countable: int = 0  # applicable leaves that count for 完成度

    @property
    def percent(self) -> float:
        return 100.0 * self.earned / self.max if self.max > EPS and self.applicable else 0.0

    @property
    def progress(self) -> float:
        return self.scored / self.leaves if self.leaves else 1.0

    @property
    def lost(self) -> float:
        return self.max - self.earned if self.applicable else 0.0


@dataclass
class ScoreReport:
    nodes: dict[str, NodeScore]
    base: float
    base_max: float
    bonus: float
    penalty: float
    total: float
    max_total: float
    percent: float
    grade: str
    completion: float
    completion_threshold: float
    leaves: int
    scored: int
    na: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return self.completion + EPS >= self.completion_threshold

    @property
    def progress(self) -> float:
        return self.scored / self.leaves if self.leaves else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": round(self.total, 4),
            "max_total": self.max_total,
            "base": round(self.base, 4),
            "bonus": round(self.bonus, 4),
            "penalty": round(self.penalty, 4),
            "percent": round(self.percent, 2),
            "grade": self.grade,
            "completion": round(self.completion, 4),
            "completion_threshold": self.completion_threshold,
            "ready": self.ready,
            "leaves": self.leaves,
            "scored": self.scored,
            "na": self.na,
            "progress": round(self.progress, 4),
        }


def _score_node(
    item: Item,
    results: Mapping[str, Result],
    open_finding_codes: set[str],
    out: dict[str, NodeScore],
) -> NodeScore:
    if item.is_leaf:
        r = results.get(item.code)
        ns = NodeScore(item.code, item.points, leaves=1)
        if r is not None and r.na:
            ns.applicable = False
            ns.scored = 1
            ns.na_leaves = 1
        else:
            if r is not None and r.value is not None:
                ns.scored = 1
                ns.earned = earned_points(item, r.value)
            if item.method == "findings":
                ns.countable = 1
                ns.met = int(ns.scored == 1 and item.code not in open_finding_codes)
            else:
                ns.countable = 1
                ns.met = int(ns.scored == 1 and ns.earned >= item.points - 1e-6)
        out[item.code] = ns
        return ns
    children = [_score_node(c, results, open_finding_codes, out) for c in item.children]
    ns = NodeScore(item.code, item.points)
    for c in children:
        ns.leaves += c.leaves
        ns.scored += c.scored
        ns.na_leaves += c.na_leaves
        ns.met += c.met
        ns.countable += c.countable
    applicable = [c for c in children if c.applicable]
    if not applicable:
        ns.applicable = False
    else:
        amax = sum(c.max for c in applicable)
        if amax > EPS:
            ns.earned = sum(c.earned for c in applicable) / amax * item.points
    out[item.code] = ns
    return ns


def grade_for(checklist: Checklist, percent: float) -> str:
    for band in checklist.grades:  # highest first
        if percent + 1e-9 >= band.min:
            return band.name
    return checklist.grades[-1].name if checklist.grades else ""


def score_inspection(
    checklist: Checklist,
    results: Mapping[str, Result] | Iterable[Result],
    open_finding_codes: Iterable[str] = (),
) -> ScoreReport:
    """Score a whole inspection. ``results`` maps leaf code → :class:`Result`."""
    if not isinstance(results, Mapping):
        results = {r.code: r for r in results}
    open_codes = set(open_finding_codes)
    nodes: dict[str, NodeScore] = {}
    tops = [(item, _score_node(item, results, open_codes, nodes)) for item in checklist.items]
    normal = [(i, ns) for i, ns in tops if i.kind == "normal"]
    applicable = [(i, ns) for i, ns in normal if ns.applicable]
    amax = sum(ns.max for _, ns in applicable)
    base = sum(ns.earned for _, ns in applicable) / amax * checklist.total if amax > EPS else 0.0
    bonus = 0.0
    penalty = 0.0
    for item, ns in tops:
        if item.kind == "bonus":
            raw = sum(nodes[leaf.code].earned for leaf in item.leaves() if nodes[leaf.code].applicable)
            bonus += min(raw, item.points)
        elif item.kind == "penalty":
            lost = 0.0
            for leaf in item.leaves():
                lns = nodes[leaf.code]
                if lns.applicable and lns.scored:
                    lost += leaf.points - lns.earned
            penalty += min(lost, item.points)
    total = max(0.0, base + bonus - penalty)
    percent = 100.0 * total / checklist.total if checklist.total > EPS else 0.0
    met = sum(ns.met for i, ns in normal)
    countable = sum(ns.countable for i, ns in normal)
    completion = met / countable if countable else 0.0
    leaves = sum(ns.leaves for _, ns in tops)
    scored = sum(ns.scored for _, ns in tops)
    na = sum(ns.na_leaves for _, ns in tops)
    return ScoreReport(
        nodes=nodes,
        base=base,
        base_max=checklist.total,
        bonus=bonus,
        penalty=penalty,
        total=total,
        max_total=checklist.total,
        percent=percent,
        grade=grade_for(checklist, percent),
        completion=completion,
        completion_threshold=checklist.completion_threshold,
        leaves=leaves,
        scored=scored,
        na=na,
    )
