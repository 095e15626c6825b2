"""A one-line key bar: the current screen's shown bindings, with the key as it is mapped now.

A light stand-in for Textual's Footer (which mounts a widget per key and recomposes on every
binding change, a noticeable cost at start-up and on each cursor move). Keys are clickable.
When the line is short (80 columns), the essential keys (keymap.KEY_BAR_ESSENTIAL) are kept
first and the rest fill what room is left, in binding order; help, palette and quit always
sit at the right end.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ..keymap import KEY_BAR_ESSENTIAL, KEY_BAR_LABELS, KEY_BAR_TAIL
from ..text import cell_len

KEY_STYLE = Style(bold=True, color="#ffb000")
DIM = Style(dim=True)
Entry = tuple[str, str, str, bool]  # key, shown key, description, enabled


class KeyBar(Static):
    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        self.refresh()

    def _entries(self) -> tuple[list[tuple[int, Entry]], list[Entry]]:
        """(priority, entry) in binding order, and the right-end entries."""
        app = self.app
        label_for = getattr(self.screen, "key_bar_label", None)
        main: list[tuple[int, Entry]] = []
        tail: dict[str, Entry] = {}
        seen: set[tuple[str, str]] = set()
        for key, active in self.screen.active_bindings.items():
            b = active.binding
            if not b.show or not b.description or not active.enabled:
                continue  # disabled keys are left out: at 80 columns every cell counts
            ident = (b.action, b.description)
            if ident in seen:
                continue
            seen.add(ident)
            custom = label_for(b) if label_for is not None else None
            shown, description = custom or KEY_BAR_LABELS.get(b.id or "", (app.get_key_display(b), b.description))
            entry = (key, shown, description, active.enabled)
            if b.id in KEY_BAR_TAIL:
                tail[b.id] = entry
            else:
                rank = KEY_BAR_ESSENTIAL.index(b.id) if b.id in KEY_BAR_ESSENTIAL else len(KEY_BAR_ESSENTIAL)
                main.append((rank, entry))
        return main, [tail[i] for i in KEY_BAR_TAIL if i in tail]

    @staticmethod
    def _piece(key: str, shown: str, description: str, enabled: bool) -> Text:
        click = Style.from_meta({"@click": f"app.simulate_key({key!r})"})
        text = Text()
        text.append(f" {shown}", (KEY_STYLE if enabled else DIM) + click)
        text.append(f" {description}", (Style() if enabled else DIM) + click)
        return text

    def shown_entries(self, width: int) -> tuple[list[Entry], list[Entry]]:
        """What fits in ``width`` cells: the main entries (in binding order) and the tail."""
        main, tail = self._entries()
        room = width - 1 - sum(cell_len(self._piece(*e).plain) for e in tail)
        chosen: set[int] = set()
        # Essential keys by rank, then the others in binding order (sorted() is stable).
        for i, (_, entry) in sorted(enumerate(main), key=lambda pair: pair[1][0]):
            w = cell_len(self._piece(*entry).plain)
            if w <= room:
                chosen.add(i)
                room -= w
        return [entry for i, (_, entry) in enumerate(main) if i in chosen], tail

    def render(self) -> Text:
        width = self.size.width or 80
        main, tail = self.shown_entries(width)
        out = Text(no_wrap=True, overflow="crop", end="")
        for entry in main:
            out.append_text(self._piece(*entry))
        tail_text = Text().join(self._piece(*e) for e in tail)
        tail_text.append(" ")
        gap = width - cell_len(out.plain) - cell_len(tail_text.plain)
        if gap > 0:
            out.append(" " * gap)
        out.append_text(tail_text)
        return out
