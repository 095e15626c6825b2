"""合并冲突: after `fzzf merge`, items two inspectors scored differently and finding fields they
edited differently; pick one candidate each."""

from __future__ import annotations

from dataclasses import dataclass
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
from . import SCREENS_CSS

if TYPE_CHECKING:
    from .inspection import InspectionScreen


def describe_candidate(result: dict[str, Any], item: Item | None = None) -> str:
    """A candidate in words: 发生/未发生 for a 减分项 (never a bare 是/否 that reads both ways)."""
    if result.get("na"):
        return f"不涉及（{result.get('na_reason', '')}）"
    if item is not None:
        return describe_value(item, Result.from_dict(result))
    return str(result.get("value"))


def describe_field_value(value: Any) -> str:
    """A finding field's candidate value in words (an empty value says so)."""
    if isinstance(value, list):
        value = "、".join(str(v.get("text") or v.get("path") or "") if isinstance(v, dict) else str(v) for v in value)
    return str(value) if value not in ("", None) else "（空）"


@dataclass(frozen=True)
class ConflictRow:
    code: str  # the item (for a finding: its item, "" if none)
    n: int  # 1-based candidate number
    finding: str = ""  # a finding-field conflict: the finding's id
    field: str = ""


class ConflictsTable(DataTable):
    BINDINGS = keymap.CONFLICTS_TABLE


class ConflictsScreen(ModalScreen[None]):
    """One row per candidate (a result, or a finding field's value); Enter takes the highlighted one."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = keymap.CONFLICTS

    def __init__(self, owner: "InspectionScreen") -> None:
        super().__init__(classes="dialog-screen")
        self.owner = owner
        self.rows: list[ConflictRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(id="conflicts-title", classes="dialog-title", markup=False)
            yield ConflictsTable(id="conflicts-table", cursor_type="row", zebra_stripes=True)
            yield Static("上下键选择，回车采用该候选；g 定位到指标。", classes="dialog-hint", markup=False)
        yield KeyBar(classes="key-bar")

    def on_mount(self) -> None:
        table = self.query_one(ConflictsTable)
        table.add_column("冲突", key="what", width=22)
        table.add_column("序号", key="n", width=4)
        table.add_column("检查人员", key="by", width=10)
        table.add_column("候选", key="value", width=26)
        table.add_column("时间", key="at", width=16)
        self.reload()
        table.focus()

    def _item(self, code: str) -> Item | None:
        checklist = self.owner.inspection.checklist
        return checklist.item(code) if checklist.has_item(code) else None

    def reload(self) -> None:
        ins = self.owner.inspection
        conflicts, fields = ins.conflicts(), ins.finding_conflicts()
        title = f"合并冲突  评分 {len(conflicts)} 项"
        if fields:
            title += f"，问题字段 {len(fields)} 处"
        self.query_one("#conflicts-title", Static).update(title)
        table = self.query_one(ConflictsTable)
        table.clear()
        self.rows = []

        def add(row: ConflictRow, what: str, cand: dict[str, Any], value: str) -> None:
            self.rows.append(row)
            table.add_row(
                truncate(what, 22) if row.n == 1 else "",
                str(row.n),
                truncate(str(cand.get("by", "")), 10),
                truncate(value, 26),
                str(cand.get("at", ""))[:16].replace("T", " "),
            )

        for c in conflicts:
            for n, cand in enumerate(c["candidates"], start=1):
                add(ConflictRow(c["code"], n), f"{c['code']} 评分", cand,
                    describe_candidate(cand["result"], self._item(c["code"])))
        for c in fields:
            fid = str(c.get("finding", ""))
            finding = next((f for f in ins.findings() if f.id == fid), None)
            words = finding.description if finding else str(c.get("description") or fid)
            code = (finding.item_code if finding else "") or ""
            what = f"问题“{truncate(words, 8)}”{c.get('label') or c.get('field')}"
            for n, cand in enumerate(c["candidates"], start=1):
                add(ConflictRow(code, n, fid, str(c["field"])), what, cand, describe_field_value(cand.get("value")))
        if not self.rows:
            self.notify("所有冲突已处理", title="合并冲突")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_pick()

    def _current(self) -> ConflictRow | None:
        table = self.query_one(ConflictsTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            return self.rows[table.cursor_row]
        return None

    def action_pick(self) -> None:
        row = self._current()
        if row is None:
            return
        ins = self.owner.inspection
        if row.finding:
            error = self.owner.perform(lambda: ins.resolve_finding_conflict(row.finding, row.field, row.n),
                                       label="问题字段冲突")
        else:
            error = self.owner.perform(lambda: ins.resolve_conflict(row.code, row.n), label=f"{row.code} 冲突")
        if error is None:
            self.reload()
            if not self.rows:
                self.dismiss()

    def action_goto(self) -> None:
        row = self._current()
        if row is None:
            return
        if not row.code:
            self.notify("该问题未关联指标", title="合并冲突")
            return
        self.owner.goto(row.code)
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
