"""Log: problems found at start-up (plugins, checklists, keymap) and errors during this session."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from .. import keymap
from ..widgets.key_bar import KeyBar
from . import SCREENS_CSS


class LogScreen(Screen):
    CSS_PATH = SCREENS_CSS

    BINDINGS = keymap.VIEWER

    def compose(self) -> ComposeResult:
        yield Static("日志 · 启动问题与运行错误（esc 返回）", classes="header-bar")
        with VerticalScroll(id="log-body", can_focus=True):
            yield Static(id="log-text")
        yield KeyBar(classes="key-bar")

    def on_mount(self) -> None:
        app = self.app
        t = Text()
        t.append("启动时发现的问题\n", "bold")
        if app.startup_problems:
            for p in app.startup_problems:
                t.append(f"- {p}\n", "yellow")
        elif not app.plugins_loaded:
            t.append("插件仍在加载……\n", "dim")
        else:
            t.append("无\n", "dim")
        t.append("\n本次运行的错误\n", "bold")
        if app.session_log:
            for when, message in app.session_log:
                t.append(f"{when}  {message}\n", "red")
        else:
            t.append("无\n", "dim")
        self.query_one("#log-text", Static).update(t)
        self.query_one("#log-body").focus()

    def action_close(self) -> None:
        self.app.pop_screen()
