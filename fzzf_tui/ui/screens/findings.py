"""问题清单: the findings of one item or of the whole inspection; edit them, move their 整改状态."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ...inspection import IN_PROGRESS, Finding
from .. import keymap
from ..widgets.key_bar import KeyBar
from ..text import truncate
from . import SCREENS_CSS

if TYPE_CHECKING:
    from .inspection import InspectionScreen

SEVERITY_STYLE = {"严重": "bold red", "较重": "yellow", "一般": ""}


class FindingsTable(DataTable):
    BINDINGS = keymap.FINDINGS_TABLE


class FindingsScreen(ModalScreen[None]):
    CSS_PATH = SCREENS_CSS

    BINDINGS = keymap.FINDINGS

    def __init__(self, owner: "InspectionScreen", code: str | None) -> None:
        super().__init__(classes="dialog-screen")
        self.owner = owner
        self.code = code
        self.findings: list[Finding] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(id="findings-title", classes="dialog-title", markup=False)
            yield FindingsTable(id="findings-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="finding-detail", classes="dialog-hint", markup=False)
        yield KeyBar(classes="key-bar")

    def on_mount(self) -> None:
        table = self.query_one(FindingsTable)
        table.add_column("指标", key="code", width=9)
        table.add_column("严重", key="severity", width=4)
        table.add_column("状态", key="status", width=6)
        table.add_column("问题描述", key="description", width=34)
        table.add_column("时限", key="due", width=10)
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        ins = self.owner.inspection
        all_findings = ins.findings()
        self.findings = [f for f in all_findings if self.code is None or f.item_code == self.code]
        scope = f"指标 {self.code}" if self.code else "全部指标"
        open_n = sum(1 for f in self.findings if f.is_open)
        self.query_one("#findings-title", Static).update(f"问题清单  {scope}  共 {len(self.findings)} 个，未销号 {open_n} 个")
        table = self.query_one(FindingsTable)
        row = table.cursor_row
        table.clear()
        for f in self.findings:
            table.add_row(
                f.item_code or "-",
                Text(f.severity, SEVERITY_STYLE.get(f.severity, "")),
                f.status,
                truncate(f.description, 34),
                f.due or "-",
                key=f.id,
            )
        if self.findings:
            table.move_cursor(row=min(max(row, 0), len(self.findings) - 1))
        self._show_current()

    def current(self) -> Finding | None:
        table = self.query_one(FindingsTable)
        if not self.findings or table.cursor_row < 0 or table.cursor_row >= len(self.findings):
            return None
        return self.findings[table.cursor_row]

    def _show_current(self) -> None:
        f = self.current()
        detail = self.query_one("#finding-detail", Static)
        if f is None:
            detail.update("没有问题。按 f 新增。" if self.code else "没有问题。")
            return
        parts = [f.description]
        if f.requirement:
            parts.append(f"整改要求：{f.requirement}")
        if f.units:
            parts.append(f"责任单位：{'、'.join(f.units)}")
        if f.evidence:
            parts.append("佐证材料：" + "；".join(e.describe() for e in f.evidence))
        if f.measures:  # what the unit reported in its returned 整改清单
            parts.append(f"整改措施及完成情况（单位填报）：{f.measures}")
        if f.review:
            parts.append(f"复查意见：{f.review}")
        if f.recorded_by:
            parts.append(f"记录人：{f.recorded_by}")
        detail.update("\n".join(parts))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_current()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        ins = self.owner.inspection
        if action in ("edit", "add"):
            return (not ins.readonly and ins.status == IN_PROGRESS) or None
        if action == "status":
            return not ins.readonly or None
        return True

    def action_edit(self) -> None:
        f = self.current()
        if f is not None and self.check_action("edit", ()):
            self.app.push_screen(self.owner.finding_form(f.item_code, f))

    def action_status(self) -> None:
        f = self.current()
        if f is None:
            return
        if f.status not in ("待整改", "整改中", "已整改", "已销号"):
            return
        self.app.push_screen(self.owner.status_dialog(f))

    def action_add(self) -> None:
        code = self.code
        if code is None:
            item = self.owner._leaf()
            code = item.code if item is not None else None
        self.app.push_screen(self.owner.finding_form(code))

    def action_goto(self) -> None:
        f = self.current()
        if f is not None and f.item_code:
            self.dismiss()
            self.owner.goto(f.item_code)

    def action_toggle_scope(self) -> None:
        if self.code is None:
            item = self.owner._leaf()
            self.code = item.code if item is not None else None
        else:
            self.code = None
        self.reload()

    def action_close(self) -> None:
        self.dismiss()
