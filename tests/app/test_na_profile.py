"""不涉及 by the unit's profile in the real app: at creation (新建检查) and later (palette)."""

from __future__ import annotations

from textual.widgets import OptionList, SelectionList

from fzzf_tui.inspection import Inspection
from fzzf_tui.ui.screens.dialogs import ChoiceDialog
from fzzf_tui.ui.screens.inspection import InspectionScreen
from fzzf_tui.ui.screens.summary import SummaryScreen

from .conftest import new_inspection, settle, type_text


async def test_profile_chosen_in_the_new_inspection_form(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot, 3)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        options = form.query_one("#new-checklist", OptionList)
        profile = form.query_one("#new-profile", SelectionList)
        while options.get_option_at_index(options.highlighted).id != "annual-2019":
            await pilot.press("down")
            await settle(pilot)
            if options.get_option_at_index(options.highlighted).id != "annual-2019":
                assert not profile.display or options.get_option_at_index(options.highlighted).id is None
        await settle(pilot)
        assert profile.display and profile.option_count == 3  # 中直机构, 无立法计划, 不涉及
        await pilot.press("enter")
        await type_text(pilot, "中直某局")
        await pilot.press("enter")
        await type_text(pilot, "张明")
        await pilot.press("tab", "tab", "tab")  # 检查日期, 评分人 → 单位情形
        assert app.focused is profile
        await pilot.press("space")  # 中直机构
        await pilot.press("ctrl+s")
        await settle(pilot, 3)
        assert isinstance(app.screen, InspectionScreen), app.screen
        ins = app.screen.inspection
        assert ins.meta["na_profile"] == ["中直机构"]
        assert sum(1 for r in ins.results().values() if r.na) == 48
        assert ins.result("1.11.3.1").na_reason == "原文标注“中直机构不涉及”"
        await pilot.press("ctrl+z")  # one undo takes the whole profile back
        await settle(pilot)
        assert not any(r.na for r in ins.results().values())
        path = ins.path
        await pilot.press("escape")
        await settle(pilot)
    with Inspection.open(path, readonly=True) as done:
        assert done.results() == {} and not done.meta.get("na_profile")


async def test_profile_hidden_for_a_checklist_without_tags(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot, 3)
        await pilot.press("n")
        await settle(pilot)
        options = app.screen.query_one("#new-checklist", OptionList)
        assert options.get_option_at_index(options.highlighted).id == "demonstration-2020"
        assert not app.screen.query_one("#new-profile", SelectionList).display


async def test_palette_marks_by_condition_and_summary_tells_it(make_app, store, annual_checklist) -> None:
    path = new_inspection(store, annual_checklist, "某区司法局", scores={"2.12.4.1": 0})
    app = make_app(open_path=path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot, 3)
        screen = app.screen
        assert isinstance(screen, InspectionScreen)
        run = next(cb for title, cb, _ in screen.palette_commands() if title.startswith("不涉及：按单位情形批量标记"))
        run()
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("2")  # 无立法计划
        await settle(pilot, 3)
        ins = screen.inspection
        assert ins.meta["na_profile"] == ["无立法计划"]
        assert ins.result("2.12.4.1").value == 0  # scored before: not overwritten
        assert sum(1 for r in ins.results().values() if r.na) == 9
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        totals = str(app.screen.query_one("#summary-totals").render())
        assert "单位情形 无立法计划" in totals and "不涉及 9 项" in totals
        offered = [title for title, _, _ in app.screen.palette_commands()]
        assert "不涉及：按单位情形批量标记…" in offered
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)


async def test_a_measures_tag_reaches_its_leaf_in_the_detail_and_the_na_dialog(make_app, store, annual_checklist) -> None:
    from fzzf_tui.ui.widgets.item_detail import ItemDetail

    path = new_inspection(store, annual_checklist, "中直某局")
    app = make_app(open_path=path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot, 3)
        screen = app.screen
        screen.goto("1.11.3.1")  # its 具体措施 1.11.3 is tagged （中直机构不涉及）, the form itself is not
        await settle(pilot)
        assert "中直机构不涉及（1.11.3 标注，适用于其下各项）" in screen.query_one(ItemDetail)._text.plain
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("enter")  # the pre-filled reason: the words of a profile step
        await settle(pilot)
        assert screen.inspection.result("1.11.3.1").na_reason == "原文标注“中直机构不涉及”"
        await pilot.press("escape")
        await settle(pilot)
