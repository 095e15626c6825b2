"""Import a checklist from a published table (.xlsx or .docx): preview first, then save.

Enter reads the file and shows what was found — the header, the tree with points and scoring,
every warning — without writing anything; Ctrl+S saves only what was previewed. When the table
does not say its inspection type, the type is chosen here. Reading runs in a worker thread, so a
large table never freezes the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ...errors import FzzfError
from . import SCREENS_CSS

AUTO = "auto"
TYPES = ("示范创建", "年度考核", "专项督察")


class ImportChecklistScreen(ModalScreen[bool]):
    """Returns True when a checklist was saved."""

    CSS_PATH = SCREENS_CSS

    DEFAULT_CSS = """
    #import-preview-box { height: 1fr; min-height: 5; background: $surface; margin-top: 1; }
    .import-dialog .field Select { width: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "取消", show=False),
        Binding("ctrl+s", "save", "保存", show=False, priority=True),
    ]

    def __init__(self, path: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.initial_path = path
        self.result: Any = None  # the ImportResult previewed
        self.previewed: tuple[str, str] | None = None  # (path, type) of that preview
        self.save_after = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide import-dialog"):
            yield Static("从表格导入清单", classes="dialog-title")
            yield Static("Excel（.xlsx）或 Word（.docx）评分表；回车预览，确认后 Ctrl+S 保存", classes="dialog-hint")
            with Horizontal(classes="field"):
                yield Label("文件", classes="field-label")
                yield Input(self.initial_path, id="path", compact=True, placeholder="文件路径")
            with Horizontal(classes="field"):
                yield Label("检查类型", classes="field-label")
                yield Select([("按表中文字识别", AUTO), *((t, t) for t in TYPES)], value=AUTO, allow_blank=False,
                             id="type", compact=True)
            with VerticalScroll(id="import-preview-box"):
                yield Static("", id="import-preview", markup=False)
            yield Static("", classes="form-error", id="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("预览 回车", id="preview", compact=True)
                yield Button("保存 ^s", id="save", variant="primary", compact=True)
                yield Button("取消 esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()
        self.show_error("")

    # -- helpers -----------------------------------------------------------------------------
    def key(self) -> tuple[str, str]:
        raw = self.query_one("#path", Input).value.strip().strip('"').strip("'")
        return raw, str(self.query_one("#type", Select).value)

    def show_error(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(message)
        error.display = bool(message)

    def show_preview(self, text: str) -> None:
        self.query_one("#import-preview", Static).update(text)

    # -- preview -----------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_preview()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.previewed is not None or self.query_one("#form-error", Static).display:
            self.action_preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"preview": self.action_preview, "save": self.action_save}.get(event.button.id or "", self.action_cancel)()

    def action_preview(self) -> None:
        path, kind = self.key()
        if not path:
            self.show_error("请输入 .xlsx 或 .docx 文件的路径")
            return
        self.result, self.previewed = None, None
        self.show_error("")
        self.show_preview(f"正在读取 {Path(path).name} …")
        self.run_worker(lambda: self._read(path, kind), thread=True, exclusive=True, group="import")

    def _read(self, path: str, kind: str) -> None:
        from ...checklist.table_import import import_table
        from ...checklist.table_import.preview import preview_lines

        try:
            p = Path(path).expanduser()
            if not p.is_file():
                raise FzzfError(f"找不到文件：{p}")
            result = import_table(p, type=None if kind == AUTO else kind)
        except FzzfError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        lines = preview_lines(result)
        self.app.call_from_thread(self._ready, result, (path, kind), "\n".join(lines))

    def _failed(self, message: str) -> None:
        self.show_preview("")
        lines = message.splitlines()
        text = "\n".join(lines[:12]) + (f"\n…（共 {len(lines) - 1} 处）" if len(lines) > 12 else "")
        if "缺少检查类型" in message:
            text += "\n表中看不出检查类型：请在上面“检查类型”中选择。"
            self.query_one("#type", Select).focus()
        self.show_error(text)
        self.save_after = False

    def _ready(self, result: Any, key: tuple[str, str], text: str) -> None:
        self.result, self.previewed = result, key
        self.show_preview(text)
        if self.save_after:
            self.save_after = False
            self.show_error("以上是识别结果，确认无误后再按 Ctrl+S 保存")

    # -- save --------------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.result is None or self.previewed != self.key():
            self.save_after = True
            self.action_preview()
            return
        from ...checklist.table_import import write_yaml
        from ...locations import data_dir

        c = self.result.checklist
        target = data_dir() / "checklists" / f"{c.id}.yaml"
        if target.exists():
            self.show_error(f"清单文件已存在：{target}（请先改名或删除旧文件）")
            return
        try:
            write_yaml(c, target, comment=f"由表格 {Path(self.previewed[0]).name} 导入（{self.result.noun}“{self.result.sheet}”）。")
        except FzzfError as exc:
            self.show_error(str(exc))
            return
        self.app.reload_plugins()  # the wizard sees the new checklist
        hints = f"（{len(self.result.warnings)} 条提示见预览）" if self.result.warnings else ""
        self.app.notify(f"已导入清单 {c.id}：{c.title} → {target}{hints}", title="导入清单", timeout=10)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
