"""Tick which listed shortfalls apply to an item scored 逐项扣分 (itemized), by keyboard.

Digits toggle a shortfall, space toggles the highlighted one, enter saves, esc cancels; the
score the ticks give is shown as they change.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from ...checklist import Item
from ...inspection.scoring import earned_points
from ..text import fmt_points
from . import SCREENS_CSS


class TickDialog(ModalScreen["list[int] | None"]):
    """Returns the sorted 0-based indices of the ticked shortfalls, or None when cancelled."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("escape", "cancel", "取消", show=False),
        Binding("enter", "save", "保存", show=False, priority=True),
        Binding("ctrl+s", "save", "保存", show=False),
    ]

    def __init__(self, title: str, item: Item, ticked: list[int] | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.item = item
        self.ticked = set(ticked or [])

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static("勾选出现的扣分情形（每项扣相应分值，最低 "
                         f"{fmt_points(min(self.item.floor, self.item.points))} 分）", classes="dialog-hint")
            yield SelectionList[int](
                *(Selection(f"{i + 1} {s.text}（扣 {fmt_points(s.points)} 分）", i, i in self.ticked)
                  for i, s in enumerate(self.item.shortfalls)),
                compact=True, id="ticks",
            )
            yield Static("", id="tick-total", classes="dialog-hint")
            yield Static("数字键或空格勾选 · 回车保存 · esc 取消", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()
        self._show_total()

    def _show_total(self) -> None:
        chosen = sorted(self.query_one(SelectionList).selected)
        earned = earned_points(self.item, chosen)
        lost = self.item.points - earned
        self.query_one("#tick-total", Static).update(
            f"已勾选 {len(chosen)} 项：扣 {fmt_points(lost)} 分，得 {fmt_points(earned)} / {fmt_points(self.item.points)} 分"
        )

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self._show_total()

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit():
            n = int(event.character)
            if 1 <= n <= len(self.item.shortfalls):
                event.stop()
                self.query_one(SelectionList).toggle(n - 1)

    def action_save(self) -> None:
        self.dismiss(sorted(self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)
