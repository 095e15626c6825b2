"""The scoring engine: values per method, roll-up through the tree, totals, 进度, 完成度 and grade.

Pure functions over a :class:`~fzzf_tui.checklist.Checklist` and a mapping of results.

Rules (documented for inspectors in docs/scoring.md):

* A leaf earns points by its method (see :func:`earned_points`). An unscored leaf (未评) adds
  nothing; views show it as 未评, never as 0, and no grade is given while any item is 未评
  (except that a triggered 一票否决 is known at once).
* 不涉及 (not applicable) leaves are excluded. A section's score is renormalised over its
  applicable children: ``得分 = Σ 得分(applicable) ÷ 应得分 × 满分`` where 应得分 is the sum of
  the applicable children's 满分, so a section keeps its weight when some of its items do not
  apply. A section whose children are all 不涉及 is itself 不涉及 and is excluded from its
  parent the same way. The base score is the same rule over the top-level normal sections,
  scaled to the checklist total.
* 加分项 add what they earn (capped at the bonus section's points); 减分项 take away what they
  lose — a 减分 event that happened (发生) takes its points — capped at the penalty section's
  points. The total never goes below 0.
* 一票否决 (item ``veto``) and 等次上限 (item ``grade_cap``) trigger when their item loses points.
* 进度 = items answered (scored or 不涉及) ÷ all items. 完成度 = applicable normal items that are
  完成 ÷ applicable normal items; which graded levels count as 完成 is checklist data
  (``complete_levels``), otherwise full points; a findings-only item is 完成 once checked with no
  open finding. The threshold (``pass_threshold``) exists only where the source sets one.
* One rounding rule, applied at every node as it is computed: points to 2 decimals, half-up
  (:func:`round_points`); ratios to 4 decimals (a percentage with 2). Each section is computed
  from its children's rounded points, so the printed rows add up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Mapping, NamedTuple

from ..checklist.model import Checklist, Item
# Item values and the rounding rule live in values.py; re-exported here, where callers import them.
from .values import (  # noqa: F401
    CENT, EPS, NO_WORDS, NONE_WORDS, PENALTY_WORDS, RATIO, YES_WORDS, YESNO_ANSWERS, ZERO, Result, _dec, _earned,
    answer_is_full, describe_ticks, describe_value, earned_points, format_percent, format_points, format_signed, round_points,
    round_ratio, validate_value, yesno_choices,
)


@dataclass
class NodeScore:
    code: str
    max: float  # 满分
    earned: float = 0.0  # 得分 (rounded)
    applicable: bool = True
    leaves: int = 0
    scored: int = 0  # leaves answered: a value or 不涉及 (what 进度 counts)
    na_leaves: int = 0
    met: int = 0  # applicable normal leaves that are 完成
    countable: int = 0  # applicable normal leaves that count for 完成度
    valued: int = 0  # applicable leaves with a value (not 不涉及, not 未评)
    applicable_max: float = 0.0  # 应得分: Σ 满分 of applicable children (a leaf: its 满分, 0 if 不涉及)
    children_earned: float = 0.0  # Σ 得分 of the applicable children (sections)
    kind: str = "normal"
    # 加分项/减分项: what this node adds (+) or takes away (−); None while nothing is answered.
    signed: float | None = None

    @property
    def unscored(self) -> int:
        return self.leaves - self.scored

    @property
    def has_value(self) -> bool:
        """False while every applicable leaf is 未评: show 未评, not 0."""
        return self.valued > 0

    @property
    def percent(self) -> float | None:
        """得分率 in percent; None when not applicable or nothing is scored yet."""
        if not self.applicable or self.max <= EPS or not self.valued:
            return None
        return round_points(100.0 * self.earned / self.max)

    @property
    def progress(self) -> float:
        return self.scored / self.leaves if self.leaves else 1.0

    @property
    def lost(self) -> float:
        return round_points(self.max - self.earned) if self.applicable else 0.0

    @property
    def renormalised(self) -> bool:
        """A section some of whose children are 不涉及: 得分 is scaled from 应得分 to 满分."""
        return self.applicable and abs(self.applicable_max - self.max) > 1e-6


class Override(NamedTuple):
    """A triggered 一票否决 (``veto``) or 等次上限 (``cap``)."""

    code: str
    title: str
    kind: str  # "veto" | "cap"
    grade: str
    total: float | None = None

    def describe(self) -> str:
        what = "一票否决" if self.kind == "veto" else "等次上限"
        text = f"{what}：{self.code} {self.title}"
        if self.kind == "veto":
            text += f" → 等次为{self.grade}"
            if self.total is not None:
                text += f"，总分不超过 {format_points(self.total)}"
        else:
            text += f" → 等次至多为{self.grade}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title, "kind": self.kind, "grade": self.grade, "total": self.total}


@dataclass
class ScoreReport:
    nodes: dict[str, NodeScore]
    base: float
    base_max: float
    bonus: float  # what 加分项 add (≥ 0)
    penalty: float  # what 减分项 take away (≥ 0; shown as −penalty)
    total: float
    max_total: float
    percent: float
    grade: str  # "" while 未评定 (some item 未评 and no 一票否决)
    completion: float | None  # None while no applicable item is answered
    completion_threshold: float | None  # None where the checklist (its source) sets none
    leaves: int
    scored: int
    na: int
    valued: int = 0
    grade_by_score: str = ""
    overrides: tuple[Override, ...] = ()
    provisional: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ready(self) -> bool | None:
        """Whether 完成度 reaches the checklist's threshold; None when there is none."""
        if self.completion_threshold is None or self.completion is None:
            return None if self.completion_threshold is None else False
        return self.completion + EPS >= self.completion_threshold

    @property
    def progress(self) -> float:
        return round_ratio(self.scored / self.leaves) if self.leaves else 1.0

    @property
    def unscored(self) -> int:
        return self.leaves - self.scored

    @property
    def has_value(self) -> bool:
        return self.valued > 0

    @property
    def points_provisional(self) -> bool:
        return "points" in self.provisional

    @property
    def vetoed(self) -> bool:
        return any(o.kind == "veto" for o in self.overrides)

    @property
    def grade_text(self) -> str:
        """等次 as printed: the grade, or why there is none yet."""
        if self.grade:
            return self.grade
        return f"未评定（尚有 {self.unscored} 项未评）"

    @property
    def penalty_signed(self) -> float:
        return -self.penalty

    @property
    def grade_label(self) -> str:
        """等次 in one cell (lists, headers, rankings), saying when a 一票否决 or 等次上限 decided it:
        不合格（一票否决）; the full reason is printed where there is room (:meth:`Override.describe`)."""
        if self.vetoed:
            return f"{self.grade}（一票否决）"
        if self.grade and self.grade != self.grade_by_score and any(o.kind == "cap" for o in self.overrides):
            return f"{self.grade}（等次上限）"
        return self.grade_text

    def summary_dict(self) -> dict[str, Any]:
        """What a list of inspections shows (kept in the file's meta for fast listing)."""
        return {
            "progress": self.progress,
            "total": self.total,
            "percent": self.percent,
            "grade": self.grade,
            "grade_label": self.grade_label,
            "valued": self.valued,
            "unscored": self.unscored,
            "completion": self.completion,
        }

    def to_dict(self) -> dict[str, Any]:
        """The report as `fzzf show --json` prints it. ``total``/``percent`` are null while
        nothing is scored; ``bonus`` is what 加分项 add, ``penalty`` (≤ 0) what 减分项 take:
        ``total = base + bonus + penalty`` unless a 一票否决 lowered it."""
        return {
            "total": self.total if self.has_value else None,
            "max_total": self.max_total,
            "base": self.base if self.has_value else None,
            "bonus": self.bonus,
            "penalty": -self.penalty if self.penalty else 0.0,
            "percent": self.percent if self.has_value else None,
            "grade": self.grade,
            "grade_text": self.grade_text,
            "grade_label": self.grade_label,
            "grade_by_score": self.grade_by_score if self.unscored == 0 else "",
            "overrides": [o.to_dict() for o in self.overrides],
            "completion": self.completion,
            "completion_threshold": self.completion_threshold,
            "ready": self.ready,
            "leaves": self.leaves,
            "scored": self.scored,
            "na": self.na,
            "unscored": self.unscored,
            "valued": self.valued,
            "progress": self.progress,
            "points_provisional": self.points_provisional,
        }


class _Scorer:
    def __init__(self, checklist: Checklist, results: Mapping[str, Result], open_codes: set[str]) -> None:
        self.results = results
        self.open_codes = open_codes
        self.complete_levels = set(checklist.complete_levels)
        self.nodes: dict[str, NodeScore] = {}
        self.exact: dict[str, Decimal] = {}  # rounded 得分 as Decimal, for exact sums

    def _is_complete(self, item: Item, value: Any, earned: Decimal) -> bool:
        if item.method == "graded" and self.complete_levels:
            return value in self.complete_levels
        return earned >= _dec(item.points)

    def leaf(self, item: Item) -> NodeScore:
        r = self.results.get(item.code)
        ns = NodeScore(item.code, item.points, leaves=1, kind=item.kind)
        earned = ZERO
        if r is not None and r.na:
            ns.applicable = False
            ns.scored = 1
            ns.na_leaves = 1
        else:
            ns.applicable_max = item.points
            raw = _earned(item, r.value) if r is not None and r.value is not None else ZERO
            earned = raw.quantize(CENT, ROUND_HALF_UP)
            if r is not None and r.value is not None:
                ns.scored = 1
                ns.valued = 1
                ns.earned = float(earned)
                if item.kind == "bonus":
                    ns.signed = float(earned)
                elif item.kind == "penalty":
                    ns.signed = -float(_dec(item.points) - earned)
            if item.kind == "normal":
                ns.countable = 1
                if item.method == "findings":
                    ns.met = int(ns.scored == 1 and item.code not in self.open_codes)
                else:
                    ns.met = int(ns.scored == 1 and self._is_complete(item, r.value if r else None, earned))
        self.exact[item.code] = earned
        self.nodes[item.code] = ns
        return ns

    def node(self, item: Item) -> NodeScore:
        if item.is_leaf:
            return self.leaf(item)
        children = [self.node(c) for c in item.children]
        ns = NodeScore(item.code, item.points, kind=item.kind)
        for c in children:
            ns.leaves += c.leaves
            ns.scored += c.scored
            ns.na_leaves += c.na_leaves
            ns.met += c.met
            ns.countable += c.countable
            ns.valued += c.valued
        applicable = [(ch, c) for ch, c in zip(item.children, children) if c.applicable]
        earned = ZERO
        if not applicable:
            ns.applicable = False
        else:
            amax = sum((_dec(c.max) for _, c in applicable), ZERO)
            got = sum((self.exact[c.code] for _, c in applicable), ZERO)
            ns.applicable_max = float(amax)
            ns.children_earned = float(got)
            if amax > 0:
                earned = (got / amax * _dec(item.points)).quantize(CENT, ROUND_HALF_UP)
                ns.earned = float(earned)
            signs = [c.signed for _, c in applicable if c.signed is not None]
            if item.kind != "normal" and signs:
                amount = min(sum((_dec(abs(s)) for s in signs), ZERO), _dec(item.points))
                ns.signed = float(amount) if item.kind == "bonus" else -float(amount)
        self.exact[item.code] = earned
        self.nodes[item.code] = ns
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
    scorer = _Scorer(checklist, results, set(open_finding_codes))
    tops = [(item, scorer.node(item)) for item in checklist.items]
    nodes = scorer.nodes
    normal = [(i, ns) for i, ns in tops if i.kind == "normal"]
    applicable = [(i, ns) for i, ns in normal if ns.applicable]
    amax = sum((_dec(ns.max) for _, ns in applicable), ZERO)
    base = ZERO
    if amax > 0:
        got = sum((scorer.exact[i.code] for i, _ in applicable), ZERO)
        base = (got / amax * _dec(checklist.total)).quantize(CENT, ROUND_HALF_UP)
    bonus = sum((_dec(ns.signed) for i, ns in tops if i.kind == "bonus" and ns.signed), ZERO)
    penalty = sum((_dec(-ns.signed) for i, ns in tops if i.kind == "penalty" and ns.signed), ZERO)
    total = max(ZERO, base + bonus - penalty)

    def percent_of(x: Decimal) -> Decimal:
        if checklist.total <= EPS:
            return ZERO
        return (x / _dec(checklist.total) * 100).quantize(CENT, ROUND_HALF_UP)

    percent = percent_of(total)
    grade_by_score = grade_for(checklist, float(percent))
    leaves = sum(ns.leaves for _, ns in tops)
    scored = sum(ns.scored for _, ns in tops)
    valued = sum(ns.valued for _, ns in tops)

    overrides = []
    for leaf in checklist.leaves():
        if leaf.veto is None and not leaf.grade_cap:
            continue
        ns = nodes[leaf.code]
        if ns.valued and ns.earned < leaf.points - 1e-6:  # the item lost points
            if leaf.veto is not None:
                overrides.append(Override(leaf.code, leaf.title, "veto", leaf.veto.grade, leaf.veto.total))
            if leaf.grade_cap:
                overrides.append(Override(leaf.code, leaf.title, "cap", leaf.grade_cap))
    vetoes = [o for o in overrides if o.kind == "veto"]
    if vetoes:
        grade = max(vetoes, key=lambda o: checklist.grade_rank(o.grade)).grade
        limits = [o.total for o in vetoes if o.total is not None]
        if limits:
            total = min(total, _dec(min(limits)))
            percent = percent_of(total)
    elif scored == leaves:
        grade = grade_by_score
        for cap in (o for o in overrides if o.kind == "cap"):
            if checklist.grade_rank(grade) < checklist.grade_rank(cap.grade):
                grade = cap.grade
    else:
        grade = ""

    met = sum(ns.met for _, ns in normal)
    countable = sum(ns.countable for _, ns in normal)
    answered = sum(ns.valued for _, ns in normal)
    completion = round_ratio(Decimal(met) / Decimal(countable)) if countable and answered else None
    return ScoreReport(
        nodes=nodes,
        base=float(base),
        base_max=checklist.total,
        bonus=float(bonus),
        penalty=float(penalty),
        total=float(total),
        max_total=checklist.total,
        percent=float(percent),
        grade=grade,
        completion=completion,
        completion_threshold=checklist.completion_threshold,
        leaves=leaves,
        scored=scored,
        na=sum(ns.na_leaves for _, ns in tops),
        valued=valued,
        grade_by_score=grade_by_score,
        overrides=tuple(overrides),
        provisional=tuple(checklist.provisional),
    )
