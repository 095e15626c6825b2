"""The conflict view: resolve a merged inspection's conflicts by keyboard."""

from __future__ import annotations

from fzzf_tui.inspection import Inspection
from fzzf_tui.inspection.merge import merge_inspections
from fzzf_tui.ui.screens.conflicts import ConflictsScreen
from fzzf_tui.ui.screens.inspection import InspectionScreen

from .test_home_and_app import settle


async def test_resolve_merge_conflicts_in_the_ui(make_app, store, special_checklist, tmp_path) -> None:
    a = store.create(special_checklist, "某县司法局", ["甲"], who="甲")
    b = store.create(special_checklist, "某县司法局", ["乙"], who="乙")
    a.set_value("1.1", 0), b.set_value("1.1", 2)
    a.set_value("1.2", 1), b.set_na("1.2", "无重大决策")
    a.close(), b.close()
    merged = store.root / "合并.fzzf"
    merge_inspections([a.path, b.path], merged)
    app = make_app(open_path=merged)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        assert isinstance(app.screen, InspectionScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConflictsScreen)
        assert len(app.screen.rows) == 4  # two items × two candidates
        await pilot.press("down", "enter")  # 1.1: take the second inspector's 2 cases
        await settle(pilot)
        assert len(app.screen.rows) == 2
        await pilot.press("enter")  # 1.2: take the first candidate
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)
        await pilot.press("escape")
        await settle(pilot)
    with Inspection.open(merged, readonly=True) as ins:
        assert ins.conflicts() == []
        assert ins.result("1.1").value == 2 and ins.result("1.2").value == 1
        assert [e["action"] for e in ins.audit()][-2:] == ["resolve", "resolve"]
