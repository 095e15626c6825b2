"""A one-line key bar: the current screen's shown bindings, with the key as it is mapped now.

A light stand-in for Textual's Footer (which mounts a widget per key and recomposes on every
binding change, a noticeable cost at start-up and on each cursor move). Keys are clickable.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ..keymap import KEY_BAR_LABELS
from ..text import cell_len

KEY_STYLE = Style(bold=True, color="#ffb000")
DIM = Style(dim=True)
ALWAYS = ("help", "command_palette")  # kept at the right end even when space is short


class KeyBar(Static):
    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        self.refresh()

    def _entries(self) -> tuple[list[tuple[str, str, str, bool]], list[tuple[str, str, str, bool]]]:
        app = self.app
        main, tail = [], []
        seen: set[tuple[str, str]] = set()
        for key, active in self.screen.active_bindings.items():
            b = active.binding
            if not b.show or not b.description or not active.enabled:
                continue  # disabled keys are left out: at 80 columns every cell counts
            ident = (b.action, b.description)
            if ident in seen:
                continue
            seen.add(ident)
            shown, description = KEY_BAR_LABELS.get(b.id or "", (app.get_key_display(b), b.description))
            entry = (key, shown, description, active.enabled)
            (tail if b.action in ALWAYS else main).append(entry)
        return main, tail

    @staticmethod
    def _piece(key: str, shown: str, description: str, enabled: bool) -> Text:
        click = Style.from_meta({"@click": f"app.simulate_key({key!r})"})
        text = Text()
        text.append(f" {shown} ", (KEY_STYLE if enabled else DIM) + click)
        text.append(f"{description} ", (Style() if enabled else DIM) + click)
        return text

    def render(self) -> Text:
        width = self.size.width or 80
        main, tail = self._entries()
        tail_text = Text().join(self._piece(*e) for e in tail)
        room = width - cell_len(tail_text.plain)
        out = Text(no_wrap=True, overflow="crop", end="")
        for entry in main:
            piece = self._piece(*entry)
            if cell_len(out.plain) + cell_len(piece.plain) > room:
                break
            out.append_text(piece)
        gap = width - cell_len(out.plain) - cell_len(tail_text.plain)
        if gap > 0:
            out.append(" " * gap)
        out.append_text(tail_text)
        return out
