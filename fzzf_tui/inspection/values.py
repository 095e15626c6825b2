"""Values of single items: what an inspector may enter per method, how it reads, what it earns,
and the one rounding rule for points (see :mod:`.scoring` for the roll-up and docs/scoring.md).

Split from scoring.py (which re-exports every name here) so each stays small.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping, NamedTuple

from ..checklist.model import Item
from ..errors import InvalidValue
from .findings import Evidence

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


def format_percent(ratio: float) -> str:
    """进度 and 完成度 as printed everywhere: a percentage to 2 decimals by the ratio rule, no
    trailing zeros (7.69%, 0.3%, 50%, 100%). Never whole percent: one item of 338 is 0.3%, not a
    0% that reads as not started."""
    return format_points(round_ratio(ratio) * 100) + "%"  # 4-decimal ratio: exact at 2 decimals


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


class Result(NamedTuple):
    """What an inspector recorded for one leaf item."""

    code: str
    value: Any = None
    na: bool = False
    na_reason: str = ""
    note: str = ""
    by: str = ""
    at: str = ""
    evidence: tuple[Evidence, ...] = ()  # 佐证材料 for the item (see inspection/evidence.py)

    @property
    def is_scored(self) -> bool:
        return self.na or self.value is not None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "code": self.code,
            "value": self.value,
            "na": self.na,
            "na_reason": self.na_reason,
            "note": self.note,
            "by": self.by,
            "at": self.at,
        }
        if self.evidence:  # only when present: results of earlier files serialise as before
            d["evidence"] = [e.to_dict() for e in self.evidence]
        return d

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
            evidence=tuple(Evidence.from_dict(e) for e in d.get("evidence") or () if isinstance(e, Mapping)),
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
