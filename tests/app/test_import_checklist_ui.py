"""Importing a scoring table from the home screen: preview first, choose the type when the
table does not say it, then save."""

from __future__ import annotations

import openpyxl

from fzzf_tui.plugins import get_plugins
from fzzf_tui.ui.screens.import_checklist import ImportChecklistScreen

from .test_home_and_app import settle


def table(path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["界面导入测试指标体系"])
    ws.append(["一级指标", "三级指标", "分值", "评分标准", "责任单位"])
    ws.append(["一、依法决策", "1.重大决策经合法性审查", "10分", "未审查的扣5分；审查不规范的扣2分", "市司法局"])
    ws.append([None, "2.决策过程全程记录", "10分", None, "市政府办公室"])
    wb.save(path)


async def wait_for_preview(pilot, screen: ImportChecklistScreen) -> None:
    for _ in range(100):
        await pilot.pause(0.05)
        if not str(screen.query_one("#import-preview").render()).startswith("正在读取"):
            return


async def test_import_checklist_from_home_with_preview_and_type_choice(make_app, home, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FZZF_CHECKLISTS_DIR", str(home / "checklists"))
    src = tmp_path / "指标表.xlsx"
    table(src)
    app = make_app()
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot, 3)
        app.screen.import_checklist()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImportChecklistScreen)
        field = screen.query_one("#path")
        field.value = str(tmp_path / "nope.xlsx")
        await pilot.press("enter")
        await wait_for_preview(pilot, screen)
        assert "找不到文件" in str(screen.query_one("#form-error").render())
        field.value = str(src)
        await pilot.press("ctrl+s")  # not previewed yet: shows the preview, saves nothing
        await wait_for_preview(pilot, screen)
        error = str(screen.query_one("#form-error").render())
        assert "缺少检查类型" in error and "请在上面“检查类型”中选择" in error
        screen.query_one("#type").value = "专项督察"  # choosing a type previews again
        await wait_for_preview(pilot, screen)
        preview = str(screen.query_one("#import-preview").render())
        assert "表头在第 2 行" in preview and "逐项扣分：未审查 扣5分；审查不规范 扣2分" in preview
        assert not (home / "checklists").exists() or not list((home / "checklists").glob("*.yaml"))
        await pilot.press("ctrl+s")
        await settle(pilot, 3)
        assert not isinstance(app.screen, ImportChecklistScreen)
        await pilot.press("n")  # the new-inspection wizard offers the imported checklist at once
        for _ in range(60):
            await pilot.pause(0.05)
            if type(app.screen).__name__ == "NewInspectionScreen":
                break
        assert type(app.screen).__name__ == "NewInspectionScreen"
        assert "界面导入测试指标体系" in str([str(o.prompt) for o in app.screen.query_one("#new-checklist").options])
    files = list((home / "checklists").glob("*.yaml"))
    assert len(files) == 1
    loaded = {c.title: c for c in get_plugins().checklists()}
    assert loaded["界面导入测试指标体系"].type == "专项督察" and loaded["界面导入测试指标体系"].leaf_count == 2
