"""The TUI stays responsive while a plugin hangs, then names it (issue #11, item 3)."""

from __future__ import annotations

from fzzf_tui.ui.screens.help import HelpScreen
from fzzf_tui.ui.screens.home import HomeScreen
from fzzf_tui.ui.screens.log import LogScreen
from fzzf_tui.ui.screens.new_inspection import NewInspectionScreen

from .conftest import settle

HANG = 30
LIMIT = 3.0  # long enough to press keys while the plugin hangs, short enough for a test

SLEEPY = f"""
import time
from fzzf_tui import hookimpl

@hookimpl
def register_checklists(register):
    time.sleep({HANG})
"""


async def test_keys_work_while_a_plugin_hangs(store, fixed_time, monkeypatch, tmp_path) -> None:
    from fzzf_tui.ui.app import FzzfApp

    plugin_dir = tmp_path / "plugins"
    plugin_dir.mkdir()
    (plugin_dir / "sleepy.py").write_text(SLEEPY, encoding="utf-8")
    monkeypatch.setenv("FZZF_PLUGINS_DIR", str(plugin_dir))
    monkeypatch.setenv("FZZF_HOOK_TIMEOUT", str(LIMIT))
    app = FzzfApp(store=store)  # plugins load in the background, as in real use
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("n")  # 新建 needs the checklists: it must not freeze the app
        await settle(pilot)
        assert any("正在加载插件" in n.message for n in app._notifications)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LogScreen)
        assert "插件仍在加载" in str(app.screen.query_one("#log-text").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert not app.plugins_loaded  # all of the above happened while the plugin hung

        await app.workers.wait_for_complete()
        await settle(pilot, 3)
        assert app.plugins_loaded
        # the wizard asked for opens once the plugins are in, with the built-in checklists
        assert isinstance(app.screen, NewInspectionScreen)
        assert any("sleepy" in p and "register_checklists" in p and "放弃" in p for p in app.startup_problems)
        assert any("sleepy" in n.message for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        log = str(app.screen.query_one("#log-text").render())
        assert "sleepy" in log and "register_checklists" in log


async def test_export_formats_never_wait_for_a_hanging_plugin(store, fixed_time, monkeypatch, tmp_path) -> None:
    """Export formats come from plugins: asked for before the plugins are in, the app answers
    with none at once; afterwards the built-in formats are there and the plugin is named."""
    from fzzf_tui.ui.app import FzzfApp

    plugin_dir = tmp_path / "plugins"
    plugin_dir.mkdir()
    (plugin_dir / "slow_export.py").write_text(SLEEPY.replace("register_checklists", "register_export_formats"), encoding="utf-8")
    monkeypatch.setenv("FZZF_PLUGINS_DIR", str(plugin_dir))
    monkeypatch.setenv("FZZF_HOOK_TIMEOUT", "1")
    app = FzzfApp(store=store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert not app.plugins_loaded and app.export_formats() == {}
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert {"xlsx", "bundle"} <= set(app.export_formats())
        assert any("slow_export" in p and "register_export_formats" in p for p in app.startup_problems)
