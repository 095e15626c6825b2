"""The 问题 form: 整改时限 is a real, visible date (or refused when cleared); 责任单位 is the
inspected unit, with the item's own units offered as choices."""

from __future__ import annotations

from textual.widgets import Input, SelectionList

from fzzf_tui.ui.screens.finding_form import FindingForm
from fzzf_tui.ui.screens.inspection import InspectionScreen

from .conftest import new_inspection, settle, type_text


async def open_form(app, pilot, code: str) -> FindingForm:
    await settle(pilot, 3)
    screen = app.screen
    assert isinstance(screen, InspectionScreen)
    screen.goto(code)
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    assert isinstance(app.screen, FindingForm)
    return app.screen


async def test_due_is_a_real_default_date_and_units_start_with_the_inspected_unit(make_app, store, annual_checklist) -> None:
    item = annual_checklist.item("1.1.2.1")
    assert item.units  # the item names city units
    path = new_inspection(store, annual_checklist, "道里区司法局", date_="2026-05-01")
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(app, pilot, "1.1.2.1")
        due = form.query_one("#due", Input)
        assert due.value == "2026-05-31"  # a value, not a grey placeholder
        assert "检查日期（2026-05-01）后 30 天" in str(form.query_one(".dialog-hint").render()) or any(
            "后 30 天" in str(w.render()) for w in form.query(".dialog-hint")
        )
        choices = form.query_one("#unit-choices", SelectionList)
        assert choices.selected == ["道里区司法局"]
        offered = [choices.get_option_at_index(i).prompt for i in range(choices.option_count)]
        assert [str(p) for p in offered] == ["道里区司法局", *item.units]
        await type_text(pilot, "未公开清单")
        # tick the item's first unit too: focus the choices, move down, space
        choices.focus()
        await pilot.press("down", "space")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)
        (finding,) = app.screen.inspection.findings()
        assert finding.due == "2026-05-31"
        assert finding.units == ("道里区司法局", item.units[0])


async def test_cleared_due_is_refused_not_saved_blank(make_app, store, special_checklist) -> None:
    path = new_inspection(store, special_checklist, "某县司法局")
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(app, pilot, "1.1")
        await type_text(pilot, "决策未备案")
        due = form.query_one("#due", Input)
        due.value = ""
        assert due.placeholder.startswith("必填")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # still open, nothing saved
        assert "请填写整改时限" in str(form.query_one("#form-error").render())
        due.value = "2026/7/1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)
        assert app.screen.inspection.findings()[0].due == "2026-07-01"
