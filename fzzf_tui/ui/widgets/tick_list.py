"""A SelectionList whose ticks read ``[v]``/``[ ]`` in any terminal."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton


class TickList(SelectionList[str]):
    """Ticks drawn as ``[v]``/``[ ]``: Textual's half-block buttons are ambiguous-width
    in CJK terminals and do not show ticked or not without colour."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 4 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        index = (segments[1].style.meta or {}).get("option") if segments[1].style else None
        ticked = index is not None and self.get_option_at_index(index).value in self._selected
        mark = Segment("[v]" if ticked else "[ ]", segments[1].style)
        return Strip([mark, *segments[3:]])
