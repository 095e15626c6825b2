"""Home list (sort, filter, lifecycle), start-up problems, log, help, palette, keymap, export."""

from __future__ import annotations

import io
import json
from pathlib import Path

from fzzf_tui.inspection import ARCHIVED, FINISHED, IN_PROGRESS
from fzzf_tui.plugins import Plugins
from fzzf_tui.ui import keymap
from fzzf_tui.ui.app import HomeStandIn
from fzzf_tui.ui.screens import lifecycle
from fzzf_tui.ui.screens.help import HelpScreen
from fzzf_tui.ui.screens.home import HomeScreen
from fzzf_tui.ui.screens.inspection import InspectionScreen
from fzzf_tui.ui.screens.log import LogScreen
from fzzf_tui.ui.screens.summary import SummaryScreen
from fzzf_tui.ui.widgets.inspection_table import InspectionTable

from .conftest import new_inspection, settle, type_text


def units(screen: HomeScreen) -> list[str]:
    return [s.unit for s in screen.shown]


async def test_home_lists_sorts_and_filters(make_app, store, demo_checklist, annual_checklist, special_checklist) -> None:
    new_inspection(store, demo_checklist, "洛阳市司法局", scores={"1.1.1": 1, "1.1.2": 1})
    new_inspection(store, annual_checklist, "哈尔滨市某区人民政府")
    new_inspection(store, special_checklist, "某县市场监督管理局", scores={"1.1": 0})
    (store.root / "坏文件.fzzf").write_text("{not json", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        table = screen.query_one(InspectionTable)
        assert table.row_count == 4
        assert screen.shown[-1].error  # the unreadable file is listed, last, never hidden
        headers = [str(c.label) for c in table.columns.values()]
        assert headers == ["被检查单位", "检查类型", "清单及版本", "进度", "得分", "状态", "最后修改"]
        await pilot.press("s")  # sort by 被检查单位
        assert screen.sort_key == "unit"
        assert units(screen)[:3] == sorted(units(screen)[:3])
        await pilot.press("S")
        assert units(screen)[:3] == sorted(units(screen)[:3], reverse=True)
        for _ in range(3):  # → 检查类型 → 清单 → 进度
            await pilot.press("s")
        assert screen.sort_key == "progress"
        assert screen.shown[0].unit == "某县市场监督管理局"  # 1/31 scored is the highest progress
        await pilot.press("slash")
        await type_text(pilot, "年度")
        await settle(pilot)
        assert units(screen) == ["哈尔滨市某区人民政府"]
        await pilot.press("escape")
        await settle(pilot)
        assert table.row_count == 4
        await pilot.press("v")  # status filter 进行中 hides the broken file
        assert screen.status_filter == "进行中" and table.row_count == 3


async def test_home_finalize_archive_reopen(make_app, store, special_checklist) -> None:
    path = new_inspection(store, special_checklist, "某县市场监督管理局", scores={"1.1": 0})
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        body = str(app.screen.query_one(".dialog-body").render())
        assert "还有 30 项未评" in body
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.shown[0].status == FINISHED
        await pilot.press("a")
        await settle(pilot)
        assert "不会删除" in str(app.screen.query_one(".dialog-body").render())
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.shown[0].status == ARCHIVED
        assert path.exists()  # archive keeps the file
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("enter")  # no reason: refused, the dialog stays
        await settle(pilot)
        assert "原因" in str(app.screen.query_one("#form-error").render())
        await type_text(pilot, "补充材料")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.shown[0].status == IN_PROGRESS
    with store.open(path) as ins:
        assert [e["action"] for e in ins.audit()][-3:] == ["finalize", "archive", "reopen"]


async def test_escape_from_inspection_returns_home_and_releases_lock(make_app, store, special_checklist) -> None:
    path = new_inspection(store, special_checklist)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, 3)
        assert isinstance(app.screen, InspectionScreen)
        await pilot.press("1", "escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.shown[0].progress > 0  # the list is refreshed
        with store.open(path) as ins:  # not locked any more
            assert ins.result("1.1").value == 1


async def test_started_on_inspection_escape_builds_home(make_app, store, special_checklist) -> None:
    path = new_inspection(store, special_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        assert isinstance(app.screen, InspectionScreen)
        stand_in = app.screen_stack[0]
        assert isinstance(stand_in, HomeStandIn)  # the list is not built behind it
        assert not stand_in.children
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.screen_stack == [stand_in, app.screen]
        assert app.screen.shown[0].path == path


async def test_start_on_unreadable_file_shows_home_with_error(make_app, store, tmp_path) -> None:
    bad = store.root / "坏.fzzf"
    store.root.mkdir(parents=True, exist_ok=True)
    bad.write_text("{", encoding="utf-8")
    app = make_app(open_path=bad)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        assert isinstance(app.screen, HomeScreen) and app.screen.query("#home-table")
        assert any("无法读取" in n.message or "损坏" in n.message for n in app._notifications)


async def test_quitting_releases_the_lock(make_app, store, special_checklist) -> None:
    path = new_inspection(store, special_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        await pilot.press("s")  # quit from a nested screen
        await settle(pilot)
    assert not path.with_name(path.name + ".lock.json").exists()
    with store.open(path):
        pass


BROKEN_PLUGIN = "raise RuntimeError('插件作者的错误')\n"


async def test_startup_problems_notified_and_logged(make_app, tmp_path) -> None:
    plugin_dir = tmp_path / "plugins"
    plugin_dir.mkdir()
    (plugin_dir / "broken_one.py").write_text(BROKEN_PLUGIN, encoding="utf-8")
    plugins = Plugins(plugin_dirs=[plugin_dir], entry_points=False)
    app = make_app(plugins=plugins)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # the app still opens
        messages = [n.message for n in app._notifications]
        assert any("broken_one" in m for m in messages), messages
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LogScreen)
        assert "插件作者的错误" in str(app.screen.query_one("#log-text").render())


async def test_plugins_load_in_background(store, fixed_time, monkeypatch, tmp_path) -> None:
    from fzzf_tui.plugins import reset_plugins
    from fzzf_tui.ui.app import FzzfApp

    plugin_dir = tmp_path / "plugins"
    plugin_dir.mkdir()
    (plugin_dir / "broken_two.py").write_text(BROKEN_PLUGIN, encoding="utf-8")
    monkeypatch.setenv("FZZF_PLUGINS_DIR", str(plugin_dir))
    reset_plugins()
    app = FzzfApp(store=store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.plugins_loaded
        assert any("broken_two" in p for p in app.startup_problems)
        assert any("broken_two" in n.message for n in app._notifications)


async def test_help_lists_every_binding(make_app) -> None:
    from rich.console import Console

    from fzzf_tui.ui.screens.help import help_table

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(help_table(app))
        text = console.export_text()
        for group in keymap.GROUPS.values():
            for binding in group:
                if binding.id and not binding.system and binding.description:
                    assert binding.id in text, binding.id
        assert "下一未评" in text and "不涉及" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_keymap_file_remaps_keys(make_app, store, special_checklist, home: Path) -> None:
    (home / "keymap.json").write_text(json.dumps({"inspection.next_unscored": "j"}), encoding="utf-8")
    path = new_inspection(store, special_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        screen = app.screen
        assert screen.checklist_tree.cursor_code == "1.1"
        await pilot.press("j")
        assert screen.checklist_tree.cursor_code == "1.2"


async def test_palette_offers_the_screen_actions(make_app, store, demo_checklist) -> None:
    from fzzf_tui.ui.commands import FzzfCommands

    path = new_inspection(store, demo_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        screen = app.screen
        titles = {title: cb for title, cb, _ in FzzfCommands(screen).commands()}
        for binding in keymap.INSPECTION:
            if binding.action.startswith("score_digit"):
                continue  # offered by level name instead
            name, _, _ = binding.action.partition("(")
            if screen.check_action(name, ()):  # everything that can be done now is offered
                assert binding.description in titles, binding.description
        assert "评分：基本达到" in titles and "筛选：未评" in titles
        assert any(t.startswith("跳转：3 ") for t in titles)
        # running one from the palette
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "基本达到")
        await settle(pilot, 3)
        await pilot.press("enter")
        await settle(pilot, 3)
        assert screen.inspection.result("1.1.1").value == "基本达到"


async def test_summary_shows_totals_and_exports(make_app, store, demo_checklist, monkeypatch, tmp_path) -> None:
    path = new_inspection(
        store, demo_checklist, scores={"1.1.1": "完全达到", "1.1.2": "部分达到"}, na={"1.1.3": "不涉及"},
        findings=[{"description": "甲", "item_code": "1.1.2", "severity": "严重"}],
    )
    exported = []

    def fake_export(inspection, fmt="xlsx", out=None, force=False):
        exported.append(fmt)
        return tmp_path / f"x.{fmt}"

    monkeypatch.setattr(lifecycle, "exporter", lambda: fake_export)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        await pilot.press("s")
        await settle(pilot)
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        totals = str(summary.query_one("#summary-totals").render())
        assert "完成度" in totals and "要求 90%" in totals and "未达到" in totals
        bars = summary.query_one("#summary-bars").bars
        assert [b.label.split()[0] for b in bars] == [i.code for i in demo_checklist.items]
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter")  # xlsx is first in the format choice
        await settle(pilot)
        assert exported == ["xlsx"]
        assert any("x.xlsx" in n.message for n in app._notifications)
        monkeypatch.setattr(lifecycle, "exporter", lambda: None)
        summary.action_export("xlsx")
        await settle(pilot)
        assert any("导出功能暂不可用" in n.message for n in app._notifications)


async def test_leaving_a_filled_wizard_asks_first(make_app, store) -> None:
    from fzzf_tui.ui.screens.dialogs import ConfirmDialog
    from fzzf_tui.ui.screens.new_inspection import NewInspectionScreen

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: leaves at once
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter")
        await type_text(pilot, "某单位")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep the form
        await settle(pilot)
        assert isinstance(app.screen, NewInspectionScreen)
        assert app.screen.values()["unit"] == "某单位"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert store.paths() == []


async def test_export_with_the_real_export_layer(make_app, store, demo_checklist, home: Path) -> None:
    import pytest

    if lifecycle.exporter() is None:
        pytest.skip("fzzf_tui.exporting.export_inspection is not available")
    path = new_inspection(store, demo_checklist, "洛阳市司法局", scores={"1.1.1": 1},
                          findings=[{"description": "问题", "item_code": "1.1.1"}])
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter")  # xlsx
        await settle(pilot, 4)
        exported = [n.message for n in app._notifications if n.title == "已导出"]
        # the finding has no 整改要求 or 整改时限: the 整改清单 would print blanks, so the export says so
        warned = [n for n in app._notifications if n.title == "请注意"]
    assert exported and Path(exported[0]).is_file() and exported[0].endswith(".xlsx")
    assert warned and warned[0].severity == "warning" and "第 1 项问题（指标 1.1.1，“问题”）缺少整改要求和整改时限" in warned[0].message
    assert Path(exported[0]).parent == home / "exports"
