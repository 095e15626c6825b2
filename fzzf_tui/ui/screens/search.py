"""Search items by code or text; results update as you type, enter jumps to the item."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...checklist import Checklist
from .. import keymap
from ..text import truncate
from . import SCREENS_CSS

LIMIT = 200


def search_items(checklist: Checklist, query: str, limit: int = LIMIT) -> list[str]:
    """Codes of items matching ``query``: code prefix first, then text matches (all words)."""
    q = query.strip().lower()
    if not q:
        return []
    words = q.split()
    prefix, text = [], []
    for item in checklist.walk():
        code = item.code.lower()
        if code == q or code.startswith(q + ".") or code.startswith(q):
            prefix.append(item.code)
            continue
        hay = " ".join((item.code, item.label, item.title, item.text, item.criteria, " ".join(item.units),
                        " ".join(item.offices), " ".join(item.evidence))).lower()
        if all(w in hay for w in words):
            text.append(item.code)
    return (prefix + text)[:limit]


class SearchScreen(ModalScreen["str | None"]):
    CSS_PATH = SCREENS_CSS

    BINDINGS = keymap.SEARCH

    def __init__(self, checklist: Checklist) -> None:
        super().__init__(classes="dialog-screen")
        self.checklist = checklist

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("搜索指标（编号或文字）", classes="dialog-title")
            yield Input(id="search-input", compact=True, placeholder="如 3.2 或 行政复议")
            yield OptionList(id="search-results", compact=True)
            yield Static("上下键选择 · 回车跳转 · esc 关闭", classes="dialog-hint", id="search-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        codes = search_items(self.checklist, event.value)
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options(
            Option(f"{code}  {truncate(self.checklist.item(code).title, 60)}", id=code) for code in codes
        )
        if codes:
            results.highlighted = 0
        hint = f"找到 {len(codes)} 项" + ("（只显示前 200 项）" if len(codes) >= LIMIT else "") if event.value.strip() else ""
        self.query_one("#search-hint", Static).update((hint + " · " if hint else "") + "上下键选择 · 回车跳转 · esc 关闭")

    def action_cursor(self, step: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            current = results.highlighted if results.highlighted is not None else -1
            results.highlighted = max(0, min(results.option_count - 1, current + step))

    def action_choose(self) -> None:
        results = self.query_one(OptionList)
        if results.highlighted is not None and results.option_count:
            self.dismiss(results.get_option_at_index(results.highlighted).id)
        else:
            self.notify("没有找到匹配的指标", severity="warning")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
