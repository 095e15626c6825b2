"""The conflict view: resolve a merged inspection's conflicts by keyboard."""

from __future__ import annotations

import shutil

import pytest

from fzzf_tui.errors import InvalidValue
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


async def test_finding_field_conflicts_are_resolved_in_the_same_view(make_app, store, special_checklist, tmp_path) -> None:
    """Two copies of one inspection edited the same finding's 整改要求 differently and the same
    item's score differently: the view lists both kinds; the inspection cannot be finalized before."""
    ins = store.create(special_checklist, "某县司法局", ["甲", "乙"], who="甲")
    f = ins.add_finding("执法公示不全", item_code="1.2", requirement="限期公示")
    ins.close()
    a, b = tmp_path / "甲.fzzf", tmp_path / "乙.fzzf"
    shutil.copy(ins.path, a), shutil.copy(ins.path, b)
    with Inspection.open(a, who="甲") as x:
        x.update_finding(f.id, requirement="十日内公示")
        x.set_value("1.1", 0)
    with Inspection.open(b, who="乙") as y:
        y.update_finding(f.id, requirement="三十日内公示")
        y.set_value("1.1", 2)
    merged = store.root / "合并.fzzf"
    merge_inspections([a, b], merged)
    app = make_app(open_path=merged)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        assert isinstance(app.screen, InspectionScreen)
        with pytest.raises(InvalidValue, match="2 处合并冲突未处理"):
            app.screen.inspection.finalize()
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConflictsScreen)
        assert [(r.finding, r.field, r.n) for r in app.screen.rows] == [
            ("", "", 1), ("", "", 2), (f.id, "requirement", 1), (f.id, "requirement", 2)]
        title = str(app.screen.query_one("#conflicts-title").render())
        assert "评分 1 项" in title and "问题字段 1 处" in title
        await pilot.press("down", "down", "down", "enter")  # 整改要求: take 乙's
        await settle(pilot)
        assert [(r.code, r.finding) for r in app.screen.rows] == [("1.1", ""), ("1.1", "")]
        await pilot.press("enter")  # 1.1: take 甲's
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)
    with Inspection.open(merged) as m:
        assert m.finding(f.id).requirement == "三十日内公示" and m.result("1.1").value == 0
        assert m.finding_conflicts() == [] and m.conflicts() == []
        assert [e["action"] for e in m.audit()][-2:] == ["resolve.finding", "resolve"]
        m.finalize()
