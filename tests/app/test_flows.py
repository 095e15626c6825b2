"""Full flows through the real app, one per built-in type: create with the wizard, score by
key, 不涉及 with a reason, a finding, undo, finalize; then read the file back with the store."""

from __future__ import annotations

from textual.widgets import OptionList

from fzzf_tui.inspection import FINISHED, IN_PROGRESS
from fzzf_tui.ui.screens.findings import FindingsScreen
from fzzf_tui.ui.screens.inspection import InspectionScreen
from fzzf_tui.ui.screens.summary import SummaryScreen

from .conftest import settle, type_text


async def create_with_wizard(pilot, app, checklist_id: str, unit: str, inspectors: str) -> InspectionScreen:
    await pilot.press("n")
    await settle(pilot)
    options = app.screen.query_one("#new-checklist", OptionList)
    for _ in range(options.option_count):
        if options.get_option_at_index(options.highlighted).id == checklist_id:
            break
        await pilot.press("down")
    assert options.get_option_at_index(options.highlighted).id == checklist_id
    await pilot.press("enter")  # choose → focus moves to 被检查单位
    await type_text(pilot, unit)
    await pilot.press("enter")
    await type_text(pilot, inspectors)
    await pilot.press("enter")  # → 检查日期, pre-filled with today (the fixed clock)
    await pilot.press("enter")  # create
    await settle(pilot, 3)
    assert isinstance(app.screen, InspectionScreen), app.screen
    return app.screen


async def fill_finding(pilot, description: str, requirement: str, due: str) -> None:
    await pilot.press("f")
    await settle(pilot)
    await type_text(pilot, description)
    await pilot.press("tab", "tab", "tab")  # 佐证文件, 佐证说明 → 严重程度
    await pilot.press("down")  # 较重
    await pilot.press("tab")
    await type_text(pilot, requirement)
    await pilot.press("tab", "tab", "tab")  # 责任单位 (the inspected unit, ticked), 其他单位 → 整改时限
    await type_text(pilot, due)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def finalize_from_summary(pilot, app) -> None:
    await pilot.press("s")
    await settle(pilot)
    assert isinstance(app.screen, SummaryScreen)
    await pilot.press("f")
    await settle(pilot)
    await pilot.press("y")
    await settle(pilot)


async def test_demonstration_graded_flow(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = await create_with_wizard(pilot, app, "demonstration-2020", "洛阳市司法局", "张明、李华")
        tree = screen.checklist_tree
        assert tree.cursor_code == "1.1.1"  # the first unscored leaf
        await pilot.press("1")  # 完全达到; the cursor moves on by itself
        assert tree.cursor_code == "1.1.2"
        await pilot.press("2")  # 基本达到
        await pilot.press("3")  # 1.1.3 部分达到
        assert tree.cursor_code == "1.1.4"
        await pilot.press("x")
        await settle(pilot)
        await type_text(pilot, "本单位不承担此项职责")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.inspection.result("1.1.4").na
        # a level by key, then undone: the cursor goes back to the item
        assert tree.cursor_code == "1.1.5"
        await pilot.press("4")
        assert screen.inspection.result("1.1.5").value == "未达到"
        assert tree.cursor_code == "1.1.6"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert screen.inspection.result("1.1.5") is None
        assert tree.cursor_code == "1.1.5"
        # a finding on 1.1.3
        screen.goto("1.1.3")
        await fill_finding(pilot, "中介服务清单未公开", "30日内公开", "2026-12-31")
        assert isinstance(app.screen, InspectionScreen)
        # 加分项: 1 is 符合. 减分项 are answered by name (1/2 would read both ways on
        # "发生…的"): neither n nor a digit scores P.1; enter opens 1 未发生（不减分） / 2 发生（减 20 分）
        screen.goto("B.1")
        await pilot.press("1")
        assert screen.inspection.result("B.1").value == "符合"
        screen.goto("P.1")
        await pilot.press("1")
        assert screen.inspection.result("P.1") is None
        screen.goto("P.1")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert screen.inspection.result("P.1").value == "发生"
        assert screen.report.penalty == 20
        assert screen.header.save_state == "saved"
        path = screen.inspection.path
        await finalize_from_summary(pilot, app)
        assert screen.inspection.status == FINISHED
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")  # back home: the lock is released
        await settle(pilot)

    with store.open(path) as ins:
        assert ins.status == FINISHED
        assert ins.meta["unit"] == "洛阳市司法局"
        assert ins.meta["inspectors"] == ["张明", "李华"]
        assert ins.meta["date"] == "2026-05-01"
        results = ins.results()
        assert results["1.1.1"].value == "完全达到"
        assert results["1.1.2"].value == "基本达到"
        assert results["1.1.3"].value == "部分达到"
        assert results["1.1.4"].na and results["1.1.4"].na_reason == "本单位不承担此项职责"
        assert "1.1.5" not in results  # undone
        assert results["B.1"].value == "符合" and results["P.1"].value == "发生"
        (finding,) = ins.findings()
        assert finding.item_code == "1.1.3"
        assert finding.description == "中介服务清单未公开"
        assert finding.severity == "较重"
        assert finding.requirement == "30日内公开"
        assert finding.due == "2026-12-31"
        assert finding.units == ("洛阳市司法局",)  # 责任单位: the inspected unit, not the item's city units
        actions = [e["action"] for e in ins.audit()]
        assert "undo" in actions and actions[-1] == "finalize"
        assert ins.verify().ok


async def test_annual_deduction_flow(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = await create_with_wizard(pilot, app, "annual-2019", "哈尔滨市某区人民政府", "王强")
        tree = screen.checklist_tree
        assert len(tree.visible_leaf_codes()) == 338
        assert tree.cursor_code == "1.1.1.1"
        await pilot.press("plus", "plus", "plus", "minus")  # 2 cases, from 0: +/- stay on the item
        assert screen.inspection.result("1.1.1.1").value == 2
        assert tree.cursor_code == "1.1.1.1"
        await pilot.press("n", "0")  # 1.1.2.1: no problem found; on to 1.1.2.2
        assert tree.cursor_code == "1.1.2.2"
        await pilot.press("minus")  # 1.1.2.2 unscored: "-" records 0 cases
        assert screen.inspection.result("1.1.2.2").value == 0
        await pilot.press("n")
        code_na = tree.cursor_code
        await pilot.press("x")
        await settle(pilot)
        await type_text(pilot, "中直机构")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("3", "ctrl+z")  # scored (the cursor moved on), then undone (it comes back)
        await settle(pilot)
        undone = tree.cursor_code
        await fill_finding(pilot, "规范性文件变相设定许可", "立即清理", "2026-12-15")
        path = screen.inspection.path
        await finalize_from_summary(pilot, app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

    with store.open(path) as ins:
        results = ins.results()
        assert results["1.1.1.1"].value == 2
        assert results["1.1.2.1"].value == 0
        assert results["1.1.2.2"].value == 0
        assert results[code_na].na and results[code_na].na_reason == "中直机构"
        assert undone not in results
        assert ins.findings()[0].item_code == undone
        assert ins.status == FINISHED
        report = ins.score()
        assert report.leaves == 338 and report.scored == 4 and report.na == 1


async def test_special_deduction_flow_with_finding_status(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = await create_with_wizard(pilot, app, "special-2008", "某县市场监督管理局", "赵敏")
        await pilot.press("1", "plus", "n", "0")  # 1.1: 1 case; 1.2: one case by +; 1.3: none
        await pilot.press("x")
        await settle(pilot)
        await type_text(pilot, "无重大决策")
        await pilot.press("enter")
        await settle(pilot)
        await fill_finding(pilot, "决策未备案", "补备案", "2026-12-31")
        # edit it and move its 整改状态 from the findings list
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, FindingsScreen)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter")  # 整改中 → focus 复查意见
        await type_text(pilot, "已开始整改")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("end")
        await type_text(pilot, "（两项）")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n", "2", "ctrl+z")
        await settle(pilot)
        path = screen.inspection.path
        await finalize_from_summary(pilot, app)
        # reopen with a reason from the summary screen
        await pilot.press("o")
        await settle(pilot)
        await type_text(pilot, "补充评分")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.inspection.status == IN_PROGRESS
        await pilot.press("escape", "escape")
        await settle(pilot)

    with store.open(path) as ins:
        results = ins.results()
        assert results["1.1"].value == 1 and results["1.2"].value == 1 and results["1.3"].value == 0
        assert results["1.4"].na
        assert "1.5" not in results
        (finding,) = ins.findings()
        assert finding.status == "整改中" and finding.review == "已开始整改"
        assert finding.description == "决策未备案（两项）"
        assert ins.status == IN_PROGRESS
        assert ins.meta["reopens"][-1]["reason"] == "补充评分"
