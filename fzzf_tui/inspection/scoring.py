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
from typing import Any, Iterable, Mapping

from ..checklist.model import Checklist, Item
from ..errors import InvalidValue

EPS = 1e-9
CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
ZERO = Decimal(0)

YES_WORDS = {"y", "yes", "true", "1", "是", "达到", "符合", "t"}
NO_WORDS = {"n", "no", "false", "0", "否", "未达到", "不符合", "f"}

#: The answers of a 是/否 item, by kind: (full points, no points). 加分项 and 减分项 are answered
#: by what happened, and stored as these words, so no "是" can be read the wrong way round.
#: (Inspection files written before this stored true/false; see :func:`answer_is_full`.)
YESNO_ANSWERS = {"normal": ("是", "否"), "bonus": ("符合", "不符合"), "penalty": ("未发生", "发生")}
PENALTY_WORDS = {"发生": "发生", "已发生": "发生", "有": "发生", "未发生": "未发生", "没有发生": "未发生", "无": "未发生", "没有": "未发生"}


def _dec(x: Any) -> Decimal:
    """A number as the Decimal it was written as (0.29 is 0.29, not its binary neighbour)."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, float):
        return Decimal(repr(x))
    return Decimal(int(x))


def round_points(x: Any) -> float:
    """The one rounding rule for points: 2 decimals, half-up (0.125 → 0.13, 2.675 → 2.68)."""
    return float(_dec(x).quantize(CENT, ROUND_HALF_UP))


def round_ratio(x: Any) -> float:
    """A ratio to 4 decimals half-up, i.e. a percentage with 2 decimals."""
    return float(_dec(x).quantize(RATIO, ROUND_HALF_UP))


def format_points(x: float) -> str:
    """Points as printed: rounded by the rule, no trailing zeros (10, 0.3, 18.25)."""
    s = f"{round_points(x):.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def format_signed(x: float) -> str:
    """A 加分/减分 amount with its sign: +10, −20 (true minus sign), 0."""
    text = format_points(abs(x))
    if text == "0":
        return "0"
    return ("+" if x > 0 else "−") + text


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


def answer_is_full(item: Item, value: Any) -> bool:
    """Whether a 是/否 answer earns the item's points (met / 符合 / 未发生).

    Reads both forms: the words stored today and the true/false of older files, where true
    meant 是 — for a 减分项, "是：未发生该情形".
    """
    if isinstance(value, bool):
        return value
    return value in (YESNO_ANSWERS["bonus"][0], YESNO_ANSWERS["penalty"][0], YESNO_ANSWERS["normal"][0])


def yesno_choices(item: Item) -> list[tuple[str, str]]:
    """The two answers of a 是/否 item as (value to store, label saying what it does)."""
    full, none = YESNO_ANSWERS.get(item.kind, YESNO_ANSWERS["normal"])
    pts = format_points(item.points)
    if item.kind == "penalty":
        return [(full, f"{full}（不减分）"), (none, f"{none}（减 {pts} 分）")]
    if item.kind == "bonus":
        return [(full, f"{full}（加 {pts} 分）"), (none, f"{none}（不加分）")]
    return [(full, f"{full}（{pts} 分）"), (none, f"{none}（0 分）")]


def validate_value(item: Item, raw: Any) -> Any:
    """Normalise an entered value for ``item``'s method, or raise :class:`InvalidValue`.

    Accepts typed values and the strings a CLI user types (level name or 1-based number,
    是/否/y/n, 发生/未发生 and 符合/不符合 for 减分项/加分项, a count, a number of points).
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
        if item.kind == "penalty":
            # 是/否 (and true/false) are refused: "是" to "发生…的" reads both ways.
            word = PENALTY_WORDS.get(raw.strip()) if isinstance(raw, str) else None
            if word is None:
                raise InvalidValue(
                    f"{where} 是减分项，请回答该情形是否发生：“发生”（减 {_fmt(item.points)} 分）或“未发生”（不减分），收到 {raw!r}"
                )
            return word
        text = raw if isinstance(raw, bool) else str(raw).strip().lower()
        if text is True or text in YES_WORDS:
            full = True
        elif text is False or text in NO_WORDS:
            full = False
        else:
            expect = "符合 或 不符合" if item.kind == "bonus" else "是 或 否（y/n）"
            raise InvalidValue(f"{where} 请输入 {expect}，收到 {raw!r}")
        if item.kind == "bonus":
            return YESNO_ANSWERS["bonus"][0 if full else 1]
        return full
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
    if method == "itemized":
        return _itemized_value(item, raw, where)
    if method == "findings":
        if raw in (True, "checked", "已检查", "1", 1, "y", "yes", "是"):
            return True
        raise InvalidValue(f"{where} 只记录问题，不打分；可标记为“已检查”（收到 {raw!r}）")
    raise InvalidValue(f"{where} 的评分方法“{method}”未知")  # pragma: no cover - loader prevents it


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
NONE_WORDS = {"无", "none", "-", "—", "没有", "均无", "0"}


def _itemized_value(item: Item, raw: Any, where: str) -> list[int]:
    """The ticked shortfalls of a 逐项扣分 item as a sorted list of 0-based indices.

    A list (or tuple) holds 0-based indices, as stored. Text is what a person types, numbered as
    shown on screen from 1: ``1,3`` / ``1、3`` / ``①③``; ``无`` (or ``0``) when none applies.
    """
    n = len(item.shortfalls)
    choices = "；".join(f"{i + 1}={s.text}（扣{format_points(s.points)}分）" for i, s in enumerate(item.shortfalls))
    if isinstance(raw, (list, tuple)):
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in raw):
            raise InvalidValue(f"{where} 逐项扣分的值应为扣分情形序号的列表，收到 {raw!r}")
        bad = [i for i in raw if not 0 <= i < n]
        if bad:
            raise InvalidValue(f"{where} 只有 {n} 个扣分情形，序号 {bad[0]} 不存在")
        return sorted(set(raw))
    if not isinstance(raw, str):
        raise InvalidValue(f"{where} 逐项扣分：请输入出现的扣分情形序号，如 1,3；都没有请输入 无（收到 {raw!r}）")
    text = raw.strip().lower()
    if text in NONE_WORDS:
        return []
    indices: set[int] = set()
    for part in _split_ticks(text):
        if part in _CIRCLED:
            number = _CIRCLED.index(part) + 1
        elif part.isdigit():
            number = int(part)
        else:
            raise InvalidValue(f"{where} 逐项扣分：请输入出现的扣分情形序号，如 1,3；都没有请输入 无。可选：{choices}（收到 {raw!r}）")
        if not 1 <= number <= n:
            raise InvalidValue(f"{where} 只有 {n} 个扣分情形（1–{n}），收到 {number}。可选：{choices}")
        indices.add(number - 1)
    return sorted(indices)


def _split_ticks(text: str) -> list[str]:
    out: list[str] = []
    for sep in "，、;；　 ":
        text = text.replace(sep, ",")
    for part in text.split(","):
        if part and all(ch in _CIRCLED for ch in part):
            out.extend(part)  # ①③ written together
        elif part:
            out.append(part)
    return out


def describe_ticks(item: Item, ticked: Any) -> str:
    """The ticked shortfalls in words: ``①未公示执法主体（扣2分）；③…``, or ``无扣分情形``."""
    shown = [i for i in ticked if isinstance(i, int) and 0 <= i < len(item.shortfalls)]
    if not shown:
        return "无扣分情形"
    return "；".join(
        f"{_CIRCLED[i] if i < len(_CIRCLED) else f'({i + 1})'}{item.shortfalls[i].text}（扣{format_points(item.shortfalls[i].points)}分）"
        for i in shown
    )


def _earned(item: Item, value: Any) -> Decimal:
    """Exact points a leaf earns for a value (before rounding)."""
    if value is None:
        return ZERO
    m = item.method
    pts = _dec(item.points)
    try:
        if m == "graded":
            level = item.level(value)
            return pts * _dec(level.fraction) if level else ZERO
        if m == "yesno":
            return pts if answer_is_full(item, value) else ZERO
        if m == "deduction":
            d = item.deduction
            assert d is not None
            floor = min(_dec(d.floor), pts)
            return max(floor, pts - int(value) * _dec(d.per_case))
        if m == "points":
            return min(max(_dec(float(value)), ZERO), pts)
        if m == "itemized":
            n = len(item.shortfalls)
            lost = sum((_dec(item.shortfalls[i].points) for i in set(value) if isinstance(i, int) and 0 <= i < n), ZERO)
            return max(min(_dec(item.floor), pts), pts - lost)
    except (TypeError, ValueError, ArithmeticError):
        return ZERO  # a value a hostile file put there: earns nothing
    return ZERO  # findings-only leaves carry no points


def earned_points(item: Item, value: Any) -> float:
    """Points a leaf earns for a (valid) value, rounded by the rule; 0 for no value."""
    return round_points(_earned(item, value))


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
        full, none = YESNO_ANSWERS.get(item.kind, YESNO_ANSWERS["normal"])
        return full if answer_is_full(item, v) else none
    if m == "deduction":
        return f"{v} 处"
    if m == "points":
        return f"{format_points(float(v))} 分"
    if m == "itemized":
        return describe_ticks(item, v)
    return "已检查"


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


@dataclass(frozen=True)
class Override:
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

    def summary_dict(self) -> dict[str, Any]:
        """What a list of inspections shows (kept in the file's meta for fast listing)."""
        return {
            "progress": self.progress,
            "total": self.total,
            "percent": self.percent,
            "grade": self.grade,
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
