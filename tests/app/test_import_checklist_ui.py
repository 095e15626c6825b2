"""Importing an indicator table from the home screen's command palette action."""

from __future__ import annotations

import openpyxl

from fzzf_tui.plugins import get_plugins

from .test_home_and_app import settle


def table(path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["界面导入测试指标体系"])
    ws.append(["一级指标", "三级指标", "分值", "责任单位"])
    ws.append(["一、依法决策", "1.重大决策经合法性审查", "10分", "市司法局"])
    ws.append([None, "2.决策过程全程记录", "10分", "市政府办公室"])
    wb.save(path)


async def test_import_checklist_from_home(make_app, home, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FZZF_CHECKLISTS_DIR", str(home / "checklists"))
    src = tmp_path / "指标表.xlsx"
    table(src)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        app.screen.import_checklist()
        await settle(pilot)
        field = app.screen.query_one("Input")
        field.value = str(tmp_path / "nope.xlsx")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "nope.xlsx" in str(app.screen.query_one("#form-error").render())
        field.value = str(src)
        await pilot.press("ctrl+s")
        await settle(pilot)
    files = list((home / "checklists").glob("*.yaml"))
    assert len(files) == 1
    loaded = {c.title: c for c in get_plugins().checklists()}
    assert loaded["界面导入测试指标体系"].type == "专项督察" and loaded["界面导入测试指标体系"].leaf_count == 2
