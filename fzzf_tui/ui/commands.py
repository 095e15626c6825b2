"""The command palette (ctrl+p): every action of the current screen, plus app commands.

Actions come from the active bindings (so what the palette offers is exactly what the keys
do, with the key shown), plus each screen's ``palette_commands()`` for things that have no
single key (jump to a section, choose a filter, open an inspection, an export format).
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

from . import keymap

Command = tuple[str, Callable[[], Any], str]
OUR_IDS = {b.id for group in keymap.GROUPS.values() for b in group if b.id}


class FzzfCommands(Provider):
    def commands(self) -> Iterator[Command]:
        app = self.app
        screen = self.screen
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            # Only the app's own bindings: widget internals (cursor keys…) are not commands.
            if not active.enabled or binding.id not in OUR_IDS or not binding.description:
                continue
            if binding.action.startswith("score_digit") or binding.action in ("command_palette", "quit"):
                continue
            if binding.action in seen:
                continue
            seen.add(binding.action)
            yield (
                binding.description,
                partial(app.run_action, binding.action, active.node),
                f"按键 {app.get_key_display(binding)}",
            )
        extra = getattr(screen, "palette_commands", None)
        if extra is not None:
            yield from extra()
        yield ("帮助：按键一览", app.action_help, "按键 ?")
        yield ("日志：启动问题与错误", app.action_show_log, "按键 ^l")
        yield ("切换主题", app.action_change_theme, "选择界面配色")
        yield ("退出", app.action_quit, "按键 ^q；所有修改均已即时保存")

    async def discover(self) -> Hits:
        for title, callback, help_text in self.commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
