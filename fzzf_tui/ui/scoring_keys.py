"""What the scoring keys do on an item — the one place the inspection screen (actions and
the message for a key that does nothing), the key bar and the item detail take it from.

Digits choose: 1..n pick the n-th option of a graded or yes/no item (1 是 / 2 否), or type
the number of cases of a deduction item. No letter both moves and scores.
"""

from __future__ import annotations

from typing import Any, Callable

from ..checklist import Item
from ..inspection.scoring import YESNO_ANSWERS, yesno_choices
from .text import fmt_points

KeyFor = Callable[[int], str]  # the key currently bound to digit n (user keymap applied)


def default_key(d: int) -> str:
    return str(d)


def yes_no_names(item: Item) -> tuple[str, str]:
    """The names of a yes/no item's two answers (是/否, 符合/不符合, 未发生/发生)."""
    return YESNO_ANSWERS.get(item.kind, YESNO_ANSWERS["normal"])


def by_name_only(item: Item) -> bool:
    """A 减分项 is answered by name in its dialog: "1"/"2" on "发生…的" would read both ways."""
    return item.method == "yesno" and item.kind == "penalty"


def options(item: Item) -> list[tuple[Any, str]]:
    """(value, name) chosen by digits 1..n; empty when the digits type a number instead."""
    m = item.method
    if m == "graded":
        return [(lv.name, lv.name) for lv in item.levels]
    if m == "yesno":
        return [(value, value) for value, _ in yesno_choices(item)]
    if m == "findings":
        return [(True, "已检查")]
    return []


def options_text(item: Item, key: KeyFor = default_key) -> str:
    """``1 完全达到 / 2 基本达到 / …`` for the item's options."""
    return " / ".join(f"{key(i)} {name}" for i, (_, name) in enumerate(options(item), 1))


def digit_action(item: Item, d: int, key: KeyFor = default_key) -> tuple[str, Any]:
    """What digit ``d`` does on ``item``: ``("set", value)``, ``("dialog", text)`` or
    ``("refuse", message)``."""
    m = item.method
    opts = options(item)
    if by_name_only(item):
        return "refuse", "减分项请按回车，在选择框中按名称选择（" + " / ".join(label for _, label in yesno_choices(item)) + "）"
    if opts:
        if 1 <= d <= len(opts):
            return "set", opts[d - 1][0]
        return "refuse", f"本项只能选 {options_text(item, key)}，按键 {key(d)} 不对应任何选项"
    if m == "deduction":
        return "set", d
    if m == "points":
        return "dialog", str(d)
    if m == "itemized":
        n = len(item.shortfalls)
        if 1 <= d <= n:
            return "tick", d - 1
        return "refuse", f"本项有 {n} 个扣分情形（{key(1)}-{key(n)}），按键 {key(d)} 不对应任何情形"
    return "refuse", f"本项的评分方式（{m}）不能用数字键评分，请按回车"


def key_bar_label(item: Item | None, key: KeyFor = default_key) -> tuple[str, str] | None:
    """The key bar entry of the digit keys for this item (None: no digit scores it)."""
    if item is None or not item.is_leaf:
        return None
    if by_name_only(item):
        return None  # the detail says: enter, then choose by name
    opts = options(item)
    if item.method == "yesno":
        return f"{key(1)}/{key(2)}", "/".join(name for _, name in opts)
    if opts:
        return (key(1) if len(opts) == 1 else f"{key(1)}-{key(len(opts))}"), ("选档" if len(opts) > 1 else opts[0][1])
    if item.method == "deduction":
        return f"{key(0)}-{key(9)}", "处数"
    if item.method == "points":
        return f"{key(0)}-{key(9)}", "得分"
    if item.method == "itemized":
        n = len(item.shortfalls)
        return (key(1) if n == 1 else f"{key(1)}-{key(n)}"), "勾选扣分"
    return None


def scoring_help(item: Item, key: KeyFor = default_key, case_keys: str = "+ / -") -> str:
    """The keys that score this item, in words (the item detail shows it under 评分标准)."""
    m = item.method
    if m == "graded":
        return f"按 {options_text(item, key)}；回车打开选择框"
    if by_name_only(item):
        return "回车选择：" + " / ".join(label for _, label in yesno_choices(item))
    if m == "yesno":
        labels = " / ".join(f"{key(i)} {label}" for i, (_, label) in enumerate(yesno_choices(item), 1))
        return f"按 {labels}；回车打开选择框"
    if m == "deduction":
        d = item.deduction
        rule = f"每处扣 {fmt_points(d.per_case)} 分，最低 {fmt_points(d.floor)} 分。" if d else ""
        return f"{rule}{case_keys} 增减一处，{key(0)}-{key(9)} 直接输入处数，回车输入更多"
    if m == "points":
        return f"回车或数字键输入得分（0-{fmt_points(item.points)}）"
    if m == "itemized":
        n = len(item.shortfalls)
        return (f"按 {key(1)}-{key(n)} 勾选或取消出现的扣分情形；回车打开勾选框（都没有出现时在框中直接回车）")
    return f"只记问题不打分：按 {key(1)} 标记为已检查，f 记录问题"
