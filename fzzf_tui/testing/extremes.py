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
from typing import Any, Mapping

from ..checklist.model import Checklist, Item
from ..inspection.scoring import Result, ScoreReport, earned_points, score_inspection, validate_value

EPS = 1e-6
NA = object()  # a scenario value meaning 不涉及
NA_REASON = "测试：不涉及"
MAX_CASES = 10000  # what validate_value accepts for 按处扣分


# -- per-leaf extremes ----------------------------------------------------------------------
def best_value(item: Item) -> Any:
    """The value that earns a leaf its full points (for a 减分项: the bad event did not happen)."""
    m = item.method
    if m == "graded":
        return max(item.levels, key=lambda lv: lv.fraction).name
    if m == "yesno":
        return True
    if m == "deduction":
        return 0
    if m == "points":
        return _num(item.points)
    if m == "itemized":
        return []
    return True  # findings: checked


def worst_value(item: Item) -> Any:
    """The value that earns a leaf the least (lowest level, enough cases to reach the floor)."""
    m = item.method
    if m == "graded":
        return min(item.levels, key=lambda lv: lv.fraction).name
    if m == "yesno":
        return False
    if m == "deduction":
        d = item.deduction
        if d is None or d.per_case <= 0:
            return 1
        return min(MAX_CASES, max(1, math.ceil((item.points - min(d.floor, item.points)) / d.per_case - EPS)))
    if m == "points":
        return 0
    if m == "itemized":
        return list(range(len(_shortfalls(item))))
    return True


def max_earned(item: Item) -> float:
    return 0.0 if item.method == "findings" else item.points


def min_earned(item: Item) -> float:
    """The least a leaf can earn, from the checklist data (the engine is not asked)."""
    m = item.method
    if m == "graded":
        return item.points * min(lv.fraction for lv in item.levels) if item.levels else 0.0
    if m == "deduction":
        floor = item.deduction.floor if item.deduction else 0.0
        return min(floor, item.points)
    if m in ("yesno", "points", "findings"):
        return 0.0
    # methods this helper does not know in detail (e.g. ``itemized``): the engine's word
    return earned_points(item, worst_value(item))


def _shortfalls(item: Item) -> tuple[Any, ...]:
    return tuple(getattr(item, "shortfalls", ()) or ())


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


# -- veto and grade caps (optional checklist features) ----------------------------------------
def veto_of(item: Item) -> tuple[str | None, float | None] | None:
    """(grade, total) an item's veto sets, or None when the item has no veto."""
    veto = getattr(item, "veto", None)
    if not veto:
        return None
    if isinstance(veto, Mapping):
        grade, total = veto.get("grade"), veto.get("total")
    else:
        grade, total = getattr(veto, "grade", None), getattr(veto, "total", None)
    return (str(grade) if grade else None, float(total) if total is not None else None)


def grade_cap_of(item: Item) -> str | None:
    cap = getattr(item, "grade_cap", None)
    if not cap:
        return None
    return str(getattr(cap, "grade", cap))


# -- expected outcome -------------------------------------------------------------------------
def _section_earned(item: Item, earned: Mapping[str, float], na: set[str]) -> tuple[float, bool]:
    """(earned, applicable) of a node under the 不涉及 renormalisation rule (docs/scoring.md)."""
    if item.is_leaf:
        if item.code in na:
            return 0.0, False
        return earned.get(item.code, 0.0), True
    parts = [(c, *_section_earned(c, earned, na)) for c in item.children]
    applicable = [(c, e) for c, e, ok in parts if ok]
    if not applicable:
        return 0.0, False
    amax = sum(c.points for c, _ in applicable)
    return (sum(e for _, e in applicable) / amax * item.points if amax > EPS else 0.0), True


def expected_outcome(checklist: Checklist, earned: Mapping[str, float], na: set[str]) -> dict[str, float]:
    """Base, bonus, penalty and total for leaf earnings ``earned`` (code → points) and the
    不涉及 leaves ``na``, following the documented rules independently of the engine."""
    normal = [(i, *_section_earned(i, earned, na)) for i in checklist.items if i.kind == "normal"]
    applicable = [(i, e) for i, e, ok in normal if ok]
    amax = sum(i.points for i, _ in applicable)
    base = sum(e for _, e in applicable) / amax * checklist.total if amax > EPS else 0.0
    bonus = penalty = 0.0
    for top in checklist.items:
        leaves = [leaf for leaf in top.leaves() if leaf.code not in na]
        if top.kind == "bonus":
            bonus += min(sum(earned.get(leaf.code, 0.0) for leaf in leaves), top.points)
        elif top.kind == "penalty":
            lost = sum(leaf.points - earned[leaf.code] for leaf in leaves if leaf.code in earned)
            penalty += min(lost, top.points)
    return {"base": base, "bonus": bonus, "penalty": penalty, "total": max(0.0, base + bonus - penalty)}


def band_for(checklist: Checklist, total: float) -> str:
    percent = 100.0 * total / checklist.total if checklist.total > EPS else 0.0
    for band in checklist.grades:  # highest first
        if percent + 1e-9 >= band.min:
            return band.name
    return checklist.grades[-1].name if checklist.grades else ""


def grade_rank(checklist: Checklist, grade: str) -> int:
    """0 for the best grade; grades not in the checklist rank below all."""
    names = [g.name for g in checklist.grades]
    return names.index(grade) if grade in names else len(names)


# -- scenarios --------------------------------------------------------------------------------
@dataclass
class Scenario:
    """One way of filling in a checklist, and what the score must then be."""

    name: str
    label: str  # Chinese, for messages
    values: dict[str, Any]  # leaf code → value, or NA
    total: float | None = None
    base: float | None = None
    bonus: float | None = None
    penalty: float | None = None
    grade: str | None = None  # exact grade expected
    grade_at_most: str | None = None  # grade cap: this or worse
    completion: float | None = None
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


def _fill(checklist: Checklist, pick: Any) -> tuple[dict[str, Any], dict[str, float]]:
    values, earned = {}, {}
    for top in checklist.items:
        for leaf in top.leaves():
            best = pick(top, leaf)
            values[leaf.code] = best_value(leaf) if best else worst_value(leaf)
            earned[leaf.code] = max_earned(leaf) if best else min_earned(leaf)
    return values, earned


def _countable_met(checklist: Checklist, earned: Mapping[str, float]) -> float:
    leaves = [leaf for top in checklist.items if top.kind == "normal" for leaf in top.leaves()]
    if not leaves:
        return 0.0
    met = sum(1 for leaf in leaves if leaf.method == "findings" or earned[leaf.code] >= leaf.points - EPS)
    return met / len(leaves)


def _expect(checklist: Checklist, s: Scenario, earned: dict[str, float], na: set[str] = frozenset()) -> Scenario:
    """Expected base/bonus/penalty/total and grade, vetoes and grade caps applied."""
    out = expected_outcome(checklist, earned, set(na))
    s.base, s.bonus, s.penalty, s.total = out["base"], out["bonus"], out["penalty"], out["total"]
    vetoes, caps = [], []
    for item in checklist.walk():
        veto, cap = veto_of(item), grade_cap_of(item)
        if (veto or cap) and any(earned.get(leaf.code, 0.0) < max_earned(leaf) - EPS for leaf in item.leaves()):
            (vetoes.append(veto) if veto else caps.append(cap))
    if len(vetoes) == 1:
        grade, total = vetoes[0]
        s.grade = grade
        if total is not None:
            s.total = total
    elif vetoes:  # several vetoes at once: how they combine is the engine's business
        s.total = None if any(t is not None for _, t in vetoes) else s.total
    elif caps:
        s.grade_at_most = max(caps, key=lambda c: grade_rank(checklist, c))
        if grade_rank(checklist, band_for(checklist, s.total or 0.0)) >= grade_rank(checklist, s.grade_at_most):
            s.grade = band_for(checklist, s.total or 0.0)
    else:
        s.grade = band_for(checklist, s.total or 0.0)
    return s


def scenarios(checklist: Checklist) -> list[Scenario]:
    """The extreme scenarios for ``checklist`` with their expected totals and grades."""
    out: list[Scenario] = []
    values, earned = _fill(checklist, lambda top, leaf: True)
    s = _expect(checklist, Scenario("all_met", "全部达到", values), earned)
    s.completion = _countable_met(checklist, earned)
    out.append(s)

    values, earned = _fill(checklist, lambda top, leaf: False)
    s = _expect(checklist, Scenario("all_failed", "全部未达到", values), earned)
    s.completion = _countable_met(checklist, earned)
    out.append(s)

    leaves = [leaf.code for leaf in checklist.leaves()]
    out.append(Scenario("all_na", "全部不涉及", {code: NA for code in leaves}, total=0.0, base=0.0, bonus=0.0, penalty=0.0))
    out.append(Scenario("unscored", "未评分", {}, total=0.0, base=0.0, bonus=0.0, penalty=0.0))

    if any(top.kind == "penalty" for top in checklist.items):
        values, earned = _fill(checklist, lambda top, leaf: top.kind == "normal")
        out.append(_expect(checklist, Scenario("penalties", "减分项全部发生", values), earned))

    for item in checklist.walk():
        veto, cap = veto_of(item), grade_cap_of(item)
        if veto is None and cap is None:
            continue
        under = {leaf.code for leaf in item.leaves()}
        values, earned = _fill(checklist, lambda top, leaf: leaf.code not in under)
        what = "一票否决" if veto else f"等次上限“{cap}”"
        s = _expect(checklist, Scenario(f"{'veto' if veto else 'grade_cap'}:{item.code}",
                                        f"只有指标 {item.code} 未达到（{what}）", values), earned)
        if all(min_earned(leaf) >= max_earned(leaf) - EPS for leaf in item.leaves()):
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
    if s.grade is not None and r.grade != s.grade:
        out.append(f"{s.label}：等次应为“{s.grade}”，评分结果为“{r.grade}”")
    if s.grade_at_most is not None and grade_rank(checklist, r.grade) < grade_rank(checklist, s.grade_at_most):
        out.append(f"{s.label}：等次最高应为“{s.grade_at_most}”，评分结果为“{r.grade}”")
    if s.completion is not None and not math.isclose(r.completion, s.completion, abs_tol=1e-6):
        out.append(f"{s.label}：完成度应为 {s.completion:.0%}，评分结果为 {r.completion:.0%}")
    if s.name == "all_na" and r.na != r.leaves:
        out.append(f"{s.label}：不涉及项数应为 {r.leaves}，评分结果为 {r.na}")
    return out
