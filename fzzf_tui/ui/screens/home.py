"""Home: the list of inspections (sortable, filterable) and the entry to everything else."""

from __future__ import annotations

from typing import Any, Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from ...errors import FzzfError
from ...inspection import InspectionSummary
from .. import keymap
from ..widgets.key_bar import KeyBar
from ..text import fmt_points
from ..widgets.inspection_table import InspectionTable
from . import SCREENS_CSS

SORTS = (
    ("updated", "最后修改", lambda s: s.updated_at, True),
    ("unit", "被检查单位", lambda s: s.unit, False),
    ("type", "检查类型", lambda s: s.type, False),
    ("checklist", "清单", lambda s: (s.checklist_title, s.checklist_version), False),
    ("progress", "进度", lambda s: s.progress, True),
    ("score", "得分", lambda s: s.total if s.has_value else -1.0, True),  # 未评 sorts below 0
    ("status", "状态", lambda s: s.status, False),
)
SORT_BY_KEY = {key: (label, fn, desc) for key, label, fn, desc in SORTS}
STATUS_FILTERS = ("全部", "进行中", "已完成", "已归档")


class HomeScreen(Screen):
    CSS_PATH = SCREENS_CSS

    BINDINGS = keymap.HOME

    def __init__(self) -> None:
        super().__init__(id="home-screen")
        self.summaries: list[InspectionSummary] = []
        self.shown: list[InspectionSummary] = []
        self.sort_key = "updated"
        self.sort_desc = True
        self.status_filter = "全部"

    def compose(self) -> ComposeResult:
        with Horizontal(classes="header-bar"):
            yield Static("法治政府建设督察 · 检查列表", id="home-title")
            yield Static(id="home-count")
        with Horizontal(id="home-filter-row"):
            yield Static("筛选", classes="field-label")
            yield Input(id="home-filter", compact=True, placeholder="单位、类型、清单、状态（/ 进入，esc 清除）")
        yield InspectionTable(id="home-table")
        yield Static(id="home-detail", markup=False)
        yield KeyBar(classes="key-bar")

    def on_mount(self) -> None:
        self.reload()
        self.query_one(InspectionTable).focus()
        self.call_after_refresh(self.app.screen_ready, self)

    def on_screen_resume(self) -> None:
        self.reload()

    # -- data -------------------------------------------------------------------------
    def reload(self) -> None:
        self.summaries = self.app.store.summaries()
        self.apply_view()

    def apply_view(self) -> None:
        text = self.query_one("#home-filter", Input).value.strip().lower()
        rows = []
        for s in self.summaries:
            if self.status_filter != "全部" and s.status != self.status_filter:
                continue
            if text:
                hay = " ".join((s.unit, s.type, s.checklist_title, s.checklist_version, s.status, s.path.name,
                                " ".join(s.inspectors))).lower()
                if not all(w in hay for w in text.split()):
                    continue
            rows.append(s)
        label, key_fn, _ = SORT_BY_KEY[self.sort_key]
        good = sorted((s for s in rows if not s.error), key=key_fn, reverse=self.sort_desc)
        rows = good + [s for s in rows if s.error]  # unreadable files last, never hidden
        self.shown = rows
        self.query_one(InspectionTable).set_summaries(rows, self.app.today().year)
        order = "降序" if self.sort_desc else "升序"
        parts = [f"{len(rows)}/{len(self.summaries)} 个检查", f"按{label}{order}"]
        if self.status_filter != "全部":
            parts.append(f"状态：{self.status_filter}")
        self.query_one("#home-count", Static).update("  ".join(parts))
        self.show_detail()

    def current(self) -> InspectionSummary | None:
        table = self.query_one(InspectionTable)
        if not self.shown or not (0 <= table.cursor_row < len(self.shown)):
            return None
        return self.shown[table.cursor_row]

    def show_detail(self) -> None:
        s = self.current()
        detail = self.query_one("#home-detail", Static)
        if s is None:
            if not self.summaries:
                detail.update("还没有检查。按 n 新建检查（或在命令行运行 fzzf demo 生成示例）。")
            else:
                detail.update("没有符合筛选条件的检查。按 esc 清除筛选。")
            return
        if s.error:
            detail.update(f"{s.path.name} 无法读取：{s.error}")
            return
        detail.update(
            f"{s.unit} · {s.checklist_title} {s.checklist_version} · 检查组：{'、'.join(s.inspectors) or '-'}"
            f" · 日期 {s.date} · 得分 {fmt_points(s.total) if s.has_value else '未评'} {s.grade_shown}"
            f" · 问题 {s.findings}（未销号 {s.open_findings}）"
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_selected()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value
        if key in SORT_BY_KEY:
            if key == self.sort_key:
                self.sort_desc = not self.sort_desc
            else:
                self.sort_key, self.sort_desc = key, SORT_BY_KEY[key][2]
            self.apply_view()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.apply_view()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(InspectionTable).focus()

    # -- actions ------------------------------------------------------------------------
    def action_open_selected(self) -> None:
        s = self.current()
        if s is None:
            return
        if s.error:
            self.notify(f"无法打开：{s.error}", severity="error")
            return
        self.app.open_inspection(s.path)

    def action_new(self) -> None:
        from .new_inspection import NewInspectionScreen

        def created(inspection) -> None:
            if inspection:  # None when the wizard was left
                self.app.show_inspection(inspection)

        # Never wait for plugins on the UI thread: the wizard opens once they are loaded.
        self.app.with_plugins(lambda plugins: self.app.push_screen(NewInspectionScreen(), created))

    def action_campaigns(self) -> None:
        from .campaign import CampaignListScreen

        self.app.push_screen(CampaignListScreen())

    def action_focus_filter(self) -> None:
        self.query_one("#home-filter", Input).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#home-filter", Input)
        box.value = ""
        self.status_filter = "全部"
        self.apply_view()
        self.query_one(InspectionTable).focus()

    def action_cycle_status(self) -> None:
        i = STATUS_FILTERS.index(self.status_filter)
        self.status_filter = STATUS_FILTERS[(i + 1) % len(STATUS_FILTERS)]
        self.apply_view()

    def action_cycle_sort(self) -> None:
        keys = [k for k, *_ in SORTS]
        self.sort_key = keys[(keys.index(self.sort_key) + 1) % len(keys)]
        self.sort_desc = SORT_BY_KEY[self.sort_key][2]
        self.apply_view()

    def action_reverse_sort(self) -> None:
        self.sort_desc = not self.sort_desc
        self.apply_view()

    def action_refresh(self) -> None:
        self.reload()
        self.notify("列表已刷新", timeout=2)

    # finalize / reopen / archive work on the file: opened (locked) only for the change itself
    def _run_on(self, s: InspectionSummary) -> Callable[[Callable[[Any], Any], bool], str | None]:
        def run(op: Callable[[Any], Any], in_form: bool) -> str | None:
            try:
                with self.app.store.open(s.path) as ins:
                    op(ins)
            except (FzzfError, OSError) as exc:
                message = str(exc) if isinstance(exc, FzzfError) else f"保存失败：{exc.strerror or exc}"
                if not in_form:
                    self.notify(message, severity="error", timeout=10)
                self.app.log_problem(message)
                return message
            return None

        return run

    def _lifecycle(self, flow: Callable[..., None], allowed: tuple[str, ...]) -> None:
        s = self.current()
        if s is None or s.error:
            return
        if s.status not in allowed:
            need = "、".join(allowed)
            self.notify(f"此检查状态为“{s.status}”，只有“{need}”的检查可以这样操作", severity="warning")
            return
        try:
            with self.app.store.open(s.path, readonly=True) as ins:
                flow(self.app, ins, self._run_on(s), self.reload)
        except (FzzfError, OSError) as exc:
            self.notify(str(exc), severity="error")

    def action_finalize(self) -> None:
        from . import lifecycle

        self._lifecycle(lifecycle.finalize, ("进行中",))

    def action_reopen(self) -> None:
        from . import lifecycle

        self._lifecycle(lifecycle.reopen, ("已完成", "已归档"))

    def action_archive(self) -> None:
        from . import lifecycle

        self._lifecycle(lifecycle.archive, ("已完成",))

    def palette_commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        out = []
        for s in self.summaries:
            if not s.error:
                out.append((f"打开：{s.unit} {s.type}", lambda p=s.path: self.app.open_inspection(p),
                            f"{s.checklist_title} {s.checklist_version} · {s.status}"))
        for status in STATUS_FILTERS:
            out.append((f"按状态筛选：{status}", lambda st=status: self._set_status(st), "检查列表只显示该状态"))
        for key, label, _, _ in SORTS:
            out.append((f"排序：{label}", lambda k=key: self._set_sort(k), "按该列排序"))
        out.append(("督察任务…", self.action_campaigns, "各督察任务的单位、自查表和进度（按键 t）"))
        out.append(("从表格导入清单…", self.import_checklist,
                    "把评分表（Excel .xlsx 或 Word .docx）转换为清单：先预览识别结果，确认后保存到数据目录的 checklists 文件夹"))
        return out

    def import_checklist(self) -> None:
        """Import a published table (.xlsx/.docx) into the data dir's checklists folder: preview, then save."""
        from .import_checklist import ImportChecklistScreen

        self.app.push_screen(ImportChecklistScreen())

    def _set_status(self, status: str) -> None:
        self.status_filter = status
        self.apply_view()

    def _set_sort(self, key: str) -> None:
        self.sort_key, self.sort_desc = key, SORT_BY_KEY[key][2]
        self.apply_view()
