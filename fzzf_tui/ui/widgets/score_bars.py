"""Per-section score bars for the summary screen, drawn with spaces on coloured backgrounds.

Block characters (█ ▏) are ambiguous-width in CJK terminals; coloured spaces are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rich.text import Text
from textual.widgets import Static

from ...inspection.scoring import format_signed
from ..text import cell_len, fmt_points, pad

KINDS = {"bonus": "加分", "penalty": "减分"}


@dataclass(frozen=True)
class Bar:
    label: str
    earned: float
    max: float
    scored: int  # answered (a value or 不涉及)
    leaves: int
    applicable: bool = True
    note: str = ""
    kind: str = "normal"  # bonus/penalty: a signed amount, not a bar out of a maximum
    signed: float | None = None
    has_value: bool = True  # False: nothing scored yet, shown as 未评 (not an empty 0% bar)
    na: int = 0


def _counts(b: Bar) -> str:
    return f" 已评{b.scored - b.na}/{b.leaves}" + (f" 不涉及{b.na}" if b.na else "") + (f" {b.note}" if b.note else "")


def _stats(b: Bar) -> str:
    """The figures after the bar: the words of `fzzf show` and 评分汇总."""
    if b.kind != "normal" and b.applicable:
        stats = " 合计不超过" + ("+" if b.kind == "bonus" else "−") + fmt_points(b.max)
    elif b.applicable and b.max > 0 and b.has_value:
        stats = f" {fmt_points(b.earned)}/{fmt_points(b.max)} {fmt_points(100 * b.earned / b.max)}%"
    else:
        stats = ""
    return stats + _counts(b)


def render_bars(bars: Sequence[Bar], width: int) -> Text:
    # The section names get the room they need, up to what leaves a 10-cell bar and the figures;
    # the bar takes the rest, at most 40 cells (a wider bar says nothing more).
    stats = [_stats(b) for b in bars]
    stats_w = max([24] + [cell_len(s) for s in stats])
    longest = max((cell_len(b.label) for b in bars), default=8)
    label_w = max(8, min(longest, width - stats_w - 3 - 10))
    bar_w = max(10, min(40, width - label_w - stats_w - 3))
    t = Text(no_wrap=True)
    for b, figures in zip(bars, stats):
        t.append(pad(b.label, label_w) + " ")
        if b.kind != "normal" and b.applicable:
            amount = "未评" if b.signed is None else format_signed(b.signed)
            style = "dim" if b.signed is None else "bold green" if b.kind == "bonus" else "bold red"
            t.append(pad(f" {KINDS.get(b.kind, '')} {amount}", bar_w), style)
        elif b.applicable and b.max > 0 and b.has_value:
            frac = max(0.0, min(1.0, b.earned / b.max))
            filled = round(frac * bar_w)
            colour = "green" if frac >= 0.9 else "yellow" if frac >= 0.6 else "red"
            t.append(" " * filled, f"on {colour}")
            t.append(" " * (bar_w - filled), "on grey23")
        elif b.applicable:
            t.append(pad(" 未评", bar_w), "yellow")
        else:
            t.append(pad(" 不涉及", bar_w), "dim")
        t.append(figures)
        t.append("\n")
    return t


class ScoreBars(Static):
    """A list of labelled bars; re-rendered to the widget's width."""

    def __init__(self, bars: Sequence[Bar] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        self.bars = list(bars)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        self.refresh(layout=True)

    def render(self) -> Text:
        return render_bars(self.bars, self.size.width or 80)
