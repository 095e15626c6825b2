"""Scoring a checklist at its extremes, with the expected outcome worked out from the checklist
alone (not from the scoring engine), so a checklist whose numbers do not add up is caught
before inspectors use it.

Scenarios (``name``: label):

* ``all_met`` 全部达到: every item fully met, every 加分项 earned, no 减分项 event;
* ``all_failed`` 全部未达到: lowest level, enough cases to reach the floor, 是/否 answered 否,
  no 加分项 earned, every 减分项 event happened;
* ``all_na`` 全部不涉及 and ``unscored`` 未评分: nothing earned, nothing lost;
* ``penalties`` 减分项全部发生 (only when there are 减分项): items met, no bonus, every penalty;
* ``veto:CODE`` / ``grade_cap:CODE`` for each item with a veto or a grade cap: everything met
  except that item. Checklists without veto/grade_cap simply have no such scenarios.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping

from ..checklist.model import Checklist, Item
from ..inspection.scoring import Result, ScoreReport, earned_points, score_inspection, validate_value

EPS = 1e-6
ZERO = Decimal(0)
CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
NA = object()  # a scenario value meaning 不涉及
NA_REASON = "测试：不涉及"
MAX_CASES = 10000  # what validate_value accepts for 按处扣分


# -- per-leaf extremes ----------------------------------------------------------------------
def best_value(item: Item) -> Any:
    """The value that earns a leaf its full points (for a 减分项: the event did not happen)."""
    m = item.method
    if m == "graded":
        return max(item.levels, key=lambda lv: lv.fraction).name
    if m == "yesno":
        return "未发生" if item.kind == "penalty" else True
    if m == "deduction":
        return 0
    if m == "points":
        return _num(item.points)
    if m == "itemized":
        return []
    return True  # findings: checked


def worst_value(item: Item) -> Any:
    """The value that earns a leaf the least (lowest level, enough cases to reach the floor,
    否 / 不符合 / 发生)."""
    m = item.method
    if m == "graded":
        return min(item.levels, key=lambda lv: lv.fraction).name
    if m == "yesno":
        return "发生" if item.kind == "penalty" else False
    if m == "deduction":
        d = item.deduction
        if d is None or d.per_case <= 0:
            return 1
        return min(MAX_CASES, max(1, math.ceil((item.points - min(d.floor, item.points)) / d.per_case - EPS)))
    if m == "points":
        return 0
    if m == "itemized":
        return list(range(len(tuple(getattr(item, "shortfalls", ()) or ()))))
    return True


def max_earned(item: Item) -> Decimal:
    return ZERO if item.method == "findings" else _dec(item.points)


def min_earned(item: Item) -> Decimal:
    """The least a leaf can earn, from the checklist data (the engine is not asked)."""
    m = item.method
    pts = _dec(item.points)
    if m == "graded":
        return pts * min(_dec(lv.fraction) for lv in item.levels) if item.levels else ZERO
    if m == "deduction":
        floor = _dec(item.deduction.floor) if item.deduction else ZERO
        return min(floor, pts)
    if m in ("yesno", "points", "findings"):
        return ZERO
    # methods this helper does not know in detail (e.g. ``itemized``): the engine's word
    return _dec(earned_points(item, worst_value(item)))


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def _dec(x: Any) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(repr(float(x)))


def _cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, ROUND_HALF_UP)


# -- veto and grade caps (optional checklist features) ----------------------------------------
def veto_of(item: Item) -> tuple[str, float | None] | None:
    """(grade, total limit) of an item's 一票否决, or None."""
    veto = getattr(item, "veto", None)
    if not veto:
        return None
    if isinstance(veto, Mapping):
        grade, total = veto.get("grade"), veto.get("total")
    else:
        grade, total = getattr(veto, "grade", None), getattr(veto, "total", None)
    return (str(grade or ""), float(total) if total is not None else None)


def grade_cap_of(item: Item) -> str | None:
    cap = getattr(item, "grade_cap", None)
    return str(cap) if cap else None


def grade_rank(checklist: Checklist, grade: str) -> int:
    """0 for the best grade; grades not in the checklist rank below all."""
    names = [g.name for g in checklist.grades]
    return names.index(grade) if grade in names else len(names)


def band_for(checklist: Checklist, percent: float) -> str:
    for band in checklist.grades:  # highest first
        if percent + 1e-9 >= band.min:
            return band.name
    return checklist.grades[-1].name if checklist.grades else ""


# -- expected outcome (docs/scoring.md, worked out independently of the engine) ----------------
@dataclass
class _Node:
    earned: Decimal  # rounded to cents
    applicable: bool
    signed: Decimal | None  # 加分项/减分项 amount, None while nothing is answered


def _node(item: Item, earned: Mapping[str, Decimal], na: set[str]) -> _Node:
    if item.is_leaf:
        if item.code in na:
            return _Node(ZERO, False, None)
        if item.code not in earned:  # 未评
            return _Node(ZERO, True, None)
        e = _cents(earned[item.code])
        signed = e if item.kind == "bonus" else -(_dec(item.points) - e) if item.kind == "penalty" else None
        return _Node(e, True, signed)
    parts = [(c, _node(c, earned, na)) for c in item.children]
    applicable = [(c, n) for c, n in parts if n.applicable]
    if not applicable:
        return _Node(ZERO, False, None)
    amax = sum((_dec(c.points) for c, _ in applicable), ZERO)
    got = sum((n.earned for _, n in applicable), ZERO)
    value = _cents(got / amax * _dec(item.points)) if amax > 0 else ZERO
    signed = None
    signs = [n.signed for _, n in applicable if n.signed is not None]
    if item.kind != "normal" and signs:
        amount = min(sum((abs(x) for x in signs), ZERO), _dec(item.points))
        signed = amount if item.kind == "bonus" else -amount
    return _Node(value, True, signed)


def expected_outcome(checklist: Checklist, earned: Mapping[str, Any], na: set[str] = frozenset(),
                     values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Base, bonus, penalty, total, percent, grade and 完成度 for leaf earnings ``earned`` (code →
    points; leaves absent are 未评) and the 不涉及 leaves ``na``, by the documented rules:
    renormalisation over applicable items, caps of 加分项/减分项, rounding half-up to cents at
    every node, 一票否决 (worst grade, lowest total limit), 等次上限 once every item is answered,
    no grade while items are 未评. ``values`` (the entered values) decide ``complete_levels``."""
    earned = {code: _dec(x) for code, x in earned.items()}
    tops = [(i, _node(i, earned, set(na))) for i in checklist.items]
    applicable = [(i, n) for i, n in tops if i.kind == "normal" and n.applicable]
    amax = sum((_dec(i.points) for i, _ in applicable), ZERO)
    base = _cents(sum((n.earned for _, n in applicable), ZERO) / amax * _dec(checklist.total)) if amax > 0 else ZERO
    bonus = sum((n.signed for i, n in tops if i.kind == "bonus" and n.signed), ZERO)
    penalty = sum((-n.signed for i, n in tops if i.kind == "penalty" and n.signed), ZERO)
    total = max(ZERO, base + bonus - penalty)

    def percent_of(x: Decimal) -> Decimal:
        return _cents(x / _dec(checklist.total) * 100) if checklist.total > EPS else ZERO

    leaves = list(checklist.leaves())
    answered = all(leaf.code in earned or leaf.code in na for leaf in leaves)
    lost = [leaf for leaf in leaves if leaf.code in earned and _cents(earned[leaf.code]) < _dec(leaf.points) - Decimal("0.000001")]
    vetoes = [v for v in (veto_of(leaf) for leaf in lost) if v is not None]
    caps = [c for c in (grade_cap_of(leaf) for leaf in lost) if c]
    if vetoes:
        grade = max((g for g, _ in vetoes), key=lambda g: grade_rank(checklist, g))
        limits = [t for _, t in vetoes if t is not None]
        if limits:
            total = min(total, _dec(min(limits)))
    elif answered:
        grade = band_for(checklist, float(percent_of(total)))
        for cap in caps:
            if grade_rank(checklist, grade) < grade_rank(checklist, cap):
                grade = cap
    else:
        grade = ""
    complete = set(getattr(checklist, "complete_levels", ()) or ())
    normal = [leaf for top in checklist.items if top.kind == "normal" for leaf in top.leaves() if leaf.code not in na]
    met = 0
    for leaf in normal:
        if leaf.code not in earned:
            continue
        if leaf.method == "findings":
            met += 1
        elif leaf.method == "graded" and complete:
            met += int(values is not None and values.get(leaf.code) in complete)
        else:
            met += int(_cents(earned[leaf.code]) >= _dec(leaf.points))
    has_answer = any(leaf.code in earned for leaf in normal)
    completion = float((Decimal(met) / Decimal(len(normal))).quantize(RATIO, ROUND_HALF_UP)) if normal and has_answer else None
    return {"base": float(base), "bonus": float(bonus), "penalty": float(penalty), "total": float(total),
            "percent": float(percent_of(total)), "grade": grade, "completion": completion}


# -- scenarios --------------------------------------------------------------------------------
UNSET = object()


@dataclass
class Scenario:
    """One way of filling in a checklist, and what the score must then be (None: not checked)."""

    name: str
    label: str  # Chinese, for messages
    values: dict[str, Any]  # leaf code → value, or NA
    total: float | None = None
    base: float | None = None
    bonus: float | None = None
    penalty: float | None = None
    grade: Any = UNSET  # the exact grade expected ("" = 未评定)
    completion: Any = UNSET  # 完成度 expected (None = none yet)
    problem: str = ""  # something wrong with the checklist that this scenario shows by itself
    report: ScoreReport | None = field(default=None, repr=False)

    def results(self, checklist: Checklist) -> dict[str, Result]:
        out = {}
        for code, value in self.values.items():
            if value is NA:
                out[code] = Result(code, None, True, NA_REASON)
            else:
                out[code] = Result(code, validate_value(checklist.item(code), value))
        return out


def _fill(checklist: Checklist, best: Any) -> tuple[dict[str, Any], dict[str, Decimal]]:
    values, earned = {}, {}
    for top in checklist.items:
        for leaf in top.leaves():
            good = best(top, leaf)
            values[leaf.code] = best_value(leaf) if good else worst_value(leaf)
            earned[leaf.code] = max_earned(leaf) if good else min_earned(leaf)
    return values, earned


def _expect(checklist: Checklist, s: Scenario, earned: Mapping[str, Any], na: set[str] = frozenset()) -> Scenario:
    out = expected_outcome(checklist, earned, na, s.values)
    s.base, s.bonus, s.penalty, s.total = out["base"], out["bonus"], out["penalty"], out["total"]
    s.grade, s.completion = out["grade"], out["completion"]
    return s


def scenarios(checklist: Checklist) -> list[Scenario]:
    """The extreme scenarios for ``checklist`` with their expected totals and grades."""
    out: list[Scenario] = []
    values, earned = _fill(checklist, lambda top, leaf: True)
    out.append(_expect(checklist, Scenario("all_met", "全部达到", values), earned))
    values, earned = _fill(checklist, lambda top, leaf: False)
    out.append(_expect(checklist, Scenario("all_failed", "全部未达到", values), earned))
    leaves = [leaf.code for leaf in checklist.leaves()]
    out.append(_expect(checklist, Scenario("all_na", "全部不涉及", {code: NA for code in leaves}), {}, set(leaves)))
    out.append(_expect(checklist, Scenario("unscored", "未评分", {}), {}))
    if any(top.kind == "penalty" for top in checklist.items):
        values, earned = _fill(checklist, lambda top, leaf: top.kind == "normal")
        out.append(_expect(checklist, Scenario("penalties", "减分项全部发生", values), earned))
    for item in checklist.leaves():
        veto, cap = veto_of(item), grade_cap_of(item)
        if veto is None and cap is None:
            continue
        values, earned = _fill(checklist, lambda top, leaf, code=item.code: leaf.code != code)
        what = "一票否决" if veto else f"等次上限“{cap}”"
        s = _expect(checklist, Scenario(f"{'veto' if veto else 'grade_cap'}:{item.code}",
                                        f"只有指标 {item.code} 失分（{what}）", values), earned)
        if min_earned(item) >= max_earned(item):
            s.problem = f"指标 {item.code} 设有{what}，但它不会失分，永远不会触发"
        out.append(s)
    return out


def run_scenarios(checklist: Checklist) -> tuple[list[Scenario], list[str]]:
    """Score every scenario with the real engine; return them and the differences found."""
    problems: list[str] = []
    done = []
    for s in scenarios(checklist):
        try:
            s.report = score_inspection(checklist, s.results(checklist))
        except Exception as exc:  # noqa: BLE001 - report, never crash a check
            problems.append(f"{s.label}：评分出错 {type(exc).__name__}: {exc}")
            continue
        problems.extend(compare(checklist, s))
        done.append(s)
    return done, problems


def compare(checklist: Checklist, s: Scenario) -> list[str]:
    r = s.report
    assert r is not None
    out = [s.problem] if s.problem else []
    for key, label in (("total", "总分"), ("base", "基础分"), ("bonus", "加分"), ("penalty", "减分")):
        want = getattr(s, key)
        got = getattr(r, key)
        if want is not None and not math.isclose(got, want, abs_tol=1e-6):
            out.append(f"{s.label}：{label}应为 {want:g}，评分结果为 {got:g}")
    if not all(math.isfinite(x) for x in (r.total, r.base, r.bonus, r.penalty, r.percent)):
        out.append(f"{s.label}：评分结果不是有限数值")
    if r.total < -EPS:
        out.append(f"{s.label}：总分 {r.total:g} 为负")
    if s.grade is not UNSET and r.grade != s.grade:
        out.append(f"{s.label}：等次应为“{s.grade or '未评定'}”，评分结果为“{r.grade or '未评定'}”")
    if s.completion is not UNSET and not (
        r.completion == s.completion or (r.completion is not None and s.completion is not None
                                         and math.isclose(r.completion, s.completion, abs_tol=1e-6))
    ):
        show = lambda x: "无" if x is None else f"{x:.2%}"  # noqa: E731
        out.append(f"{s.label}：完成度应为 {show(s.completion)}，评分结果为 {show(r.completion)}")
    if s.name == "all_na" and r.na != r.leaves:
        out.append(f"{s.label}：不涉及项数应为 {r.leaves}，评分结果为 {r.na}")
    return out
