"""合并冲突: after `fzzf merge`, items two inspectors scored differently; pick one result each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ...checklist import Item
from ...inspection import Result, describe_value
from .. import keymap
from ..text import truncate
from ..widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from .inspection import InspectionScreen


def describe_candidate(result: dict[str, Any], item: Item | None = None) -> str:
    """A candidate in words: 发生/未发生 for a 减分项 (never a bare 是/否 that reads both ways)."""
    if result.get("na"):
        return f"不涉及（{result.get('na_reason', '')}）"
    if item is not None:
        return describe_value(item, Result.from_dict(result))
    return str(result.get("value"))


class ConflictsTable(DataTable):
    BINDINGS = keymap.CONFLICTS_TABLE


class ConflictsScreen(ModalScreen[None]):
    """One row per candidate result; Enter takes the highlighted one for its item."""

    BINDINGS = keymap.CONFLICTS

    def __init__(self, owner: "InspectionScreen") -> None:
        super().__init__(classes="dialog-screen")
        self.owner = owner
        self.rows: list[tuple[str, int]] = []  # (code, 1-based candidate number)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(id="conflicts-title", classes="dialog-title", markup=False)
            yield ConflictsTable(id="conflicts-table", cursor_type="row", zebra_stripes=True)
            yield Static("上下键选择，回车采用该结果；g 定位到指标。", classes="dialog-hint", markup=False)
        yield KeyBar(classes="key-bar")

    def on_mount(self) -> None:
        table = self.query_one(ConflictsTable)
        table.add_column("指标", key="code", width=9)
        table.add_column("序号", key="n", width=4)
        table.add_column("检查人员", key="by", width=10)
        table.add_column("结果", key="value", width=22)
        table.add_column("时间", key="at", width=16)
        self.reload()
        table.focus()

    def _item(self, code: str) -> Item | None:
        checklist = self.owner.inspection.checklist
        return checklist.item(code) if checklist.has_item(code) else None

    def reload(self) -> None:
        conflicts = self.owner.inspection.conflicts()
        self.query_one("#conflicts-title", Static).update(f"合并冲突  待处理 {len(conflicts)} 项")
        table = self.query_one(ConflictsTable)
        table.clear()
        self.rows = []
        for c in conflicts:
            for n, cand in enumerate(c["candidates"], start=1):
                self.rows.append((c["code"], n))
                table.add_row(
                    c["code"] if n == 1 else "",
                    str(n),
                    truncate(str(cand.get("by", "")), 10),
                    truncate(describe_candidate(cand["result"], self._item(c["code"])), 22),
                    str(cand.get("at", ""))[:16].replace("T", " "),
                )
        if not conflicts:
            self.notify("所有冲突已处理", title="合并冲突")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_pick()

    def action_pick(self) -> None:
        table = self.query_one(ConflictsTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return
        code, n = self.rows[table.cursor_row]
        error = self.owner.perform(lambda: self.owner.inspection.resolve_conflict(code, n), label=f"{code} 冲突")
        if error is None:
            self.reload()
            if not self.rows:
                self.dismiss()

    def action_goto(self) -> None:
        table = self.query_one(ConflictsTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            self.owner.goto(self.rows[table.cursor_row][0])
            self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
