"""The inspection header: title on the left; progress, score and the save state on the right.

The save state is always visible: 已保存 (with the time of the last write), 保存失败 (what
failed is in the tooltip, the notification and the log) or 只读.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..text import cell_len, truncate

STATE_STYLE = {"saved": "bold green", "error": "bold white on red", "readonly": "bold black on yellow"}


class StatusHeader(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.title_text = ""
        self.title_parts: list[str] = []
        self.stats = ""
        self.save_state = "saved"
        self.save_label = "已保存"

    def set_title(self, *parts: str) -> None:
        """Title parts, most important first: the later ones are dropped when space is short."""
        self.title_parts = [p for p in parts if p]
        self.title_text = " · ".join(self.title_parts)
        self.refresh()

    def set_stats(self, text: str) -> None:
        self.stats = text
        self.refresh()

    def _state(self, state: str, label: str) -> None:
        self.save_state, self.save_label = state, label
        self.refresh()

    def saved(self, at: str = "") -> None:
        self.tooltip = None
        self._state("saved", f"已保存 {at}".strip())

    def failed(self, message: str) -> None:
        self.tooltip = message
        self._state("error", "保存失败 ^r重试")

    def readonly(self, label: str = "只读") -> None:
        self._state("readonly", label)

    def render(self) -> Text:
        width = self.size.width or 80
        right = Text()
        if self.stats:
            right.append(self.stats + "  ", "dim")
        right.append(f" {self.save_label} ", STATE_STYLE[self.save_state])
        room = width - cell_len(right.plain) - 2
        parts = list(self.title_parts) or [self.title_text]
        while len(parts) > 1 and cell_len(" · ".join(parts)) > room:
            parts.pop()  # drop the checklist title before cutting the unit
        left = Text(truncate(" · ".join(parts), max(0, room)), "bold")
        gap = width - cell_len(left.plain) - cell_len(right.plain)
        return Text.assemble(left, " " * max(1, gap), right, no_wrap=True, overflow="crop", end="")
