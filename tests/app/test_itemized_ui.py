"""Ticking the listed shortfalls of a 逐项扣分 (itemized) item from the keyboard."""

from __future__ import annotations

from fzzf_tui.inspection import Inspection
from fzzf_tui.ui.screens.inspection import InspectionScreen
from fzzf_tui.ui.screens.tick_dialog import TickDialog

from ..unit.test_itemized import checklist
from .conftest import new_inspection, settle


async def test_tick_shortfalls_in_the_dialog_and_with_digits(make_app, store) -> None:
    path = new_inspection(store, checklist())
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        screen = app.screen
        assert isinstance(screen, InspectionScreen)
        assert screen.checklist_tree.cursor_code == "1.1"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TickDialog)
        await pilot.press("1", "3")
        await settle(pilot)
        assert "扣 5 分，得 0 / 5 分" in str(app.screen.query_one("#tick-total").render())
        await pilot.press("3")  # untick
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)
        assert screen.inspection.result("1.1").value == [0]
        assert screen.checklist_tree.cursor_code == "1.2"  # saved: on to the next unscored item
        await pilot.press("up")
        await settle(pilot)
        await pilot.press("2")  # on the tree a digit ticks that shortfall directly, staying on the item
        await settle(pilot)
        assert screen.inspection.result("1.1").value == [0, 1]
        assert screen.checklist_tree.cursor_code == "1.1"
        assert screen.report.nodes["1.1"].earned == 2
        await pilot.press("enter", "escape")  # a cancelled dialog changes nothing
        await settle(pilot)
        assert screen.inspection.result("1.1").value == [0, 1]
    ins = Inspection.open(path, readonly=True)
    try:
        assert ins.result("1.1").value == [0, 1]
    finally:
        ins.close()
