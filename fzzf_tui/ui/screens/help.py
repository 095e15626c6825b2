"""Help: every key of every screen, as currently mapped (user keymap applied)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from .. import keymap
from ..widgets.key_bar import KeyBar
from ..widgets.checklist_tree import MARKERS, MARKER_NAMES
from . import SCREENS_CSS


def help_table(app) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=False)
    table.add_column("按键", no_wrap=True)
    table.add_column("功能")
    table.add_column("编号", style="dim", no_wrap=True)
    user = getattr(app, "user_keymap", {})
    for group, bindings in keymap.GROUPS.items():
        table.add_row(Text(group, style="bold reverse"), "", "")
        seen: set[tuple[str, str]] = set()
        for b in bindings:
            if b.system or not b.description:
                continue
            keys = user.get(b.id, b.key) if b.id else b.key
            shown = ", ".join(app.get_key_display(b.__class__(k.strip(), b.action)) for k in keys.split(","))
            if (shown, b.description) in seen:
                continue
            seen.add((shown, b.description))
            table.add_row(shown, b.description, b.id or "")
        table.add_row("", "", "")
    return table


def markers_text() -> Text:
    t = Text()
    t.append("标记：", "bold")
    for name, (mark, _) in MARKERS.items():
        t.append(f"{mark} {MARKER_NAMES[name]}  ")
    t.append("\n数字键选择：分档指标按 1、2、3… 选档次；是/否类指标按 1 是、2 否；按处扣分的指标按 0-9 输入处数（+/- 增减一处）。")
    t.append("\nn（或 ]）只移到下一未评，N（或 [）上一未评，从不评分。评完一项后光标自动移到下一未评（命令面板 ^p 中“设置”可关闭）。")
    t.append("\n按了没有作用的键时，底部会提示原因。^z 撤销，^y 重做，提示中写明撤销的是哪一项。")
    t.append("\n自定义按键：在数据目录的 keymap.json 中写 {\"编号\": \"按键\"}，如 {\"inspection.next_unscored\": \"j\"}。")
    return t


class HelpScreen(Screen):
    CSS_PATH = SCREENS_CSS

    BINDINGS = keymap.VIEWER

    def compose(self) -> ComposeResult:
        yield Static("帮助 · 按键一览（esc 返回）", classes="header-bar")
        with VerticalScroll(id="help-body", can_focus=True):
            yield Static(markers_text(), id="help-markers")
            yield Static(help_table(self.app), id="help-table")
        yield KeyBar(classes="key-bar")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.app.pop_screen()
