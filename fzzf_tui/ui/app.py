"""The Textual app: home screen first, inspections opened from the store, plugins loaded after
the first frame (their problems go to a notification and the log screen).

``run_app()`` is what ``fzzf`` (no sub-command) calls; ``FzzfApp`` takes its store, plugins and
clock as arguments so tests can drive it on a temporary data dir with fixed times.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from textual import events
from textual.app import App
from textual.screen import Screen

from .. import locations
from ..startup import resume_gc
from ..errors import FzzfError, InspectionLocked
from ..inspection import Inspection, InspectionStore
from . import keymap
from .settings import Settings


def _commands():
    # Imported on first use of the palette: textual.command is not needed for the first frame.
    from .commands import FzzfCommands

    return FzzfCommands


class HomeStandIn(Screen):
    """The bottom of the screen stack while the app starts on an inspection: the first time it
    would be shown, the real home screen (the list) is pushed over it instead."""

    def on_screen_resume(self) -> None:
        if self.app.screen is self:  # not while still covered by the start-up inspection
            from .screens.home import HomeScreen

            self.app.push_screen(HomeScreen())


class FzzfApp(App):
    """法治政府建设督察."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "法治政府建设督察"
    BINDINGS = keymap.APP
    COMMANDS = {_commands}
    NOTIFICATION_TIMEOUT = 5

    def __init__(
        self,
        store: InspectionStore | None = None,
        plugins: Any = None,
        *,
        open_path: str | os.PathLike[str] | None = None,
        clock: Callable[[], datetime] | None = None,
        data_dir: Path | None = None,
    ) -> None:
        super().__init__()
        if open_path is None:
            # The home screen is the default screen, whose CSS_PATH Textual does not read:
            # the other screens' styles come with the app's (see app.tcss).
            from .screens import SCREENS_CSS

            self.css_path = [*self.css_path, SCREENS_CSS]
        self.store = store if store is not None else InspectionStore()
        self.clock = clock or datetime.now
        self.open_path = open_path
        self.startup_problems: list[str] = []
        self.session_log: list[tuple[str, str]] = []
        self._plugins = plugins
        self.plugins_loaded = plugins is not None
        self._plugins_started = False
        self._after_plugins: list[Callable[[Any], None]] = []
        self._plugins_generation = 0  # a reload makes a slower earlier load's result stale
        self._open_inspections: list[Inspection] = []
        data_dir = data_dir or locations.data_dir()
        self.user_keymap, problem = keymap.load_user_keymap(data_dir)
        if problem:
            self.startup_problems.append(problem)
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        self.settings, problem = Settings.load(data_dir)
        if problem:
            self.startup_problems.append(problem)

    # -- clock (tests pass a fixed one) -------------------------------------------------
    def now_text(self) -> str:
        return self.clock().strftime("%H:%M:%S")

    def today(self) -> date:
        return self.clock().date()

    # -- start-up -----------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        # Started on an inspection (``fzzf open`` / benchmarks): an empty stand-in takes the home
        # screen's place until the user goes back to it, so the first frame is the inspection's
        # alone (the list and its widgets are not even imported before).
        if self.open_path is not None:
            return HomeStandIn()
        from .screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        if self.open_path is not None:
            path, self.open_path = Path(self.open_path), None
            self.open_inspection(path)
            self.call_later(self._ensure_home)
        if self.plugins_loaded:
            self._report_problems(self._plugins.problems())

    def _ensure_home(self) -> None:
        # The start-up inspection could not be opened (or waits on a dialog): show the list.
        if len(self.screen_stack) == 1 and isinstance(self.screen, HomeStandIn):
            self.screen.post_message(events.ScreenResume())

    def go_home(self) -> None:
        """Leave the current screen for the home screen."""
        self.pop_screen()

    # -- plugins: loaded in a worker thread; the UI thread never waits for plugin code ---------
    def _load_plugins(self) -> None:
        """Worker thread: import plugins and run their start-up hooks (each limited in time)."""
        from ..plugins import get_plugins

        generation = self._plugins_generation
        plugins = get_plugins().load_everything()
        problems = plugins.problems()
        try:
            self.call_from_thread(self._plugins_ready, plugins, problems, generation)
        except RuntimeError:  # the app closed while plugins were loading
            pass

    def _plugins_ready(self, plugins: Any, problems: list[str], generation: int) -> None:
        if generation != self._plugins_generation:
            return
        self._plugins = plugins
        self.plugins_loaded = True
        self._report_problems(problems)
        waiting, self._after_plugins = self._after_plugins, []
        for callback in waiting:
            callback(plugins)

    def _start_plugin_loader(self) -> None:
        if not self._plugins_started and self._plugins is None:
            self._plugins_started = True
            self.run_worker(self._load_plugins, thread=True, group="plugins")

    def with_plugins(self, callback: Callable[[Any], None]) -> None:
        """Call ``callback(plugins)`` now if plugins are loaded, else when they are (the UI
        stays responsive meanwhile; a plugin that hangs delays this by its time limit)."""
        if self._plugins is not None:
            callback(self._plugins)
            return
        self._after_plugins.append(callback)
        self.notify("正在加载插件和清单，完成后继续……", timeout=3)
        self._start_plugin_loader()

    def reload_plugins(self) -> None:
        """Load plugins again in the background (e.g. after a checklist was imported)."""
        from ..plugins import reset_plugins

        reset_plugins()
        self._plugins_generation += 1
        self._plugins = None
        self.plugins_loaded = False
        self._plugins_started = False
        self._start_plugin_loader()

    def loaded_plugins(self) -> Any:
        """The plugins. Screens reached through :meth:`with_plugins` find them loaded; only a
        screen built directly (tests) loads them here, on the calling thread."""
        if self._plugins is None:
            from ..plugins import get_plugins

            self._plugins = get_plugins().load_everything()
            self.plugins_loaded = True
        return self._plugins

    def export_formats(self) -> dict[str, Any]:
        """Export formats, or none while plugins are still loading (never waits)."""
        if self._plugins is None:
            return {}
        return dict(self._plugins.export_formats())

    def _report_problems(self, problems: list[str]) -> None:
        self.startup_problems.extend(problems)
        if self.startup_problems:
            n = len(self.startup_problems)
            first = self.startup_problems[0]
            self.notify(
                f"{first}\n（共 {n} 个问题，按 ^l 查看日志）" if n > 1 else f"{first}\n（按 ^l 查看日志）",
                title="插件或清单有问题", severity="warning", timeout=12, markup=False,
            )

    def screen_ready(self, screen: Screen) -> None:
        """Called when a screen's first frame is on the terminal (benchmarks hook in here)."""
        resume_gc()  # paused by the ``fzzf`` entry point until the first frame (startup.py)
        if not self.plugins_loaded:
            # Only now: loading every plugin's checklists is not needed for the first frame,
            # and a thread started earlier would compete with it for the interpreter.
            self._start_plugin_loader()

    # -- inspections ----------------------------------------------------------------------
    def open_inspection(self, path: Path) -> None:
        """Open for editing; if someone else holds it, offer read-only."""
        try:
            inspection = self.store.open(path)
        except InspectionLocked as exc:
            from .screens.dialogs import ConfirmDialog

            message = str(exc)

            def answered(ok: bool | None) -> None:
                if ok:
                    try:
                        ins = self.store.open(path, readonly=True)
                    except (FzzfError, OSError) as err:
                        self.notify(str(err), severity="error", timeout=10)
                        return
                    self.show_inspection(ins, readonly_reason=message)

            self.push_screen(ConfirmDialog("检查正由他人编辑", f"{message}\n\n以只读方式打开查看？", "只读打开"), answered)
            return
        except (FzzfError, OSError) as exc:
            self.notify(str(exc), title="无法打开", severity="error", timeout=10, markup=False)
            self.log_problem(f"无法打开 {path}：{exc}")
            return
        from .screens.scorer_choice import choose_scorer

        # the person scoring, not the OS account: known, remembered, or asked now
        choose_scorer(self, inspection, lambda ok: self.show_inspection(inspection) if ok else inspection.close())

    def show_inspection(self, inspection: Inspection, readonly_reason: str = "") -> None:
        from .screens.inspection import InspectionScreen

        self.push_screen(InspectionScreen(inspection, readonly_reason=readonly_reason))

    # -- log, help, palette ------------------------------------------------------------------
    KEY_NAMES = {"enter": "Enter", "escape": "Esc", "delete": "Del", "backspace": "Bksp", "tab": "Tab",
                 "space": "Space", "up": "Up", "down": "Down", "left": "Left", "right": "Right"}

    def get_key_display(self, binding) -> str:
        # Plain names: some terminals lack glyphs like the return symbol, and arrows are
        # ambiguous-width in CJK terminals.
        if not binding.key_display and binding.key in self.KEY_NAMES:
            return self.KEY_NAMES[binding.key]
        return super().get_key_display(binding)

    async def _on_key(self, event: events.Key) -> None:
        # As App._on_key, plus: a key that nothing handled gets a word from the screen (why it
        # does nothing here) instead of silence.
        from textual._dispatch_key import dispatch_key

        event.prevent_default()  # App._on_key (next in the MRO) would handle the key again
        if not await self._check_bindings(event.key):
            if not await dispatch_key(self, event):
                explain = getattr(self.screen, "explain_key", None)
                if explain is not None:
                    explain(event.key, event.character)

    def log_problem(self, message: str) -> None:
        self.session_log.append((self.now_text(), message))

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_show_log(self) -> None:
        from .screens.log import LogScreen

        if not isinstance(self.screen, LogScreen):
            self.push_screen(LogScreen())

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from .palette import FzzfPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(FzzfPalette(placeholder="搜索命令……", id="--command-palette"))

    def track(self, inspection: Inspection) -> None:
        """Remember an open inspection so quitting always releases its lock."""
        self._open_inspections.append(inspection)

    def untrack(self, inspection: Inspection) -> None:
        if inspection in self._open_inspections:
            self._open_inspections.remove(inspection)

    def on_unmount(self) -> None:
        # Screens are pruned without their own unmount handlers running when the app shuts
        # down, so the app closes what is still open: the lock must never outlive the app.
        for inspection in list(self._open_inspections):
            inspection.close()
        self._open_inspections.clear()


def run_app(open_path: str | os.PathLike[str] | None = None) -> None:
    """Run the TUI on the data dir from the environment (``FZZF_HOME`` or the default)."""
    try:
        FzzfApp(open_path=open_path).run()
    finally:
        resume_gc()
