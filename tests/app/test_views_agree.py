"""The TUI tells the story `fzzf show` and the workbook tell (tests/unit/test_views_agree.py):
a 一票否决 triggered, a 加分, 不涉及 children, 未评 items."""

from __future__ import annotations

from fzzf_tui.ui.screens.inspection import InspectionScreen
from fzzf_tui.ui.screens.summary import SummaryScreen, section_bars
from fzzf_tui.ui.widgets.item_detail import ItemDetail
from fzzf_tui.ui.widgets.score_bars import render_bars

from .conftest import new_inspection, settle

VETO = "一票否决：P.2 在示范创建活动的申报材料中,故意编造、虚构有关数据、资料、文件等,或者隐瞒事实真相的。 → 等次为不合格"


async def test_header_detail_and_summary_agree_with_show(make_app, store, demo_checklist) -> None:
    path = new_inspection(
        store, demo_checklist, "某县政府",
        scores={"1.1.1": "完全达到", "1.1.2": "基本达到", "1.1.3": "部分达到", "1.1.4": "未达到", "B.1": "符合", "P.2": "发生"},
        na={"1.1.5": "无此事项", "1.1.6": "无此事项"},
    )
    app = make_app(open_path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, 3)
        screen = app.screen
        assert isinstance(screen, InspectionScreen)
        assert "进度 8/104  得分 24.5/1000 不合格（一票否决）" in screen.header.stats
        screen.goto("1")
        await settle(pilot)
        detail = screen.query_one(ItemDetail)._text.plain
        assert "已评 4/22 项，不涉及 2 项" in detail and "得分 34.5 / 220" in detail  # as `fzzf show`
        screen.goto("P.2")
        await settle(pilot)
        detail = screen.query_one(ItemDetail)._text.plain
        assert "发生/未发生 · 减分项（发生 −20 分）" in detail and "是否达到" not in detail
        assert "发生  减分项 −20 分" in detail
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        totals = str(app.screen.query_one("#summary-totals").render())
        for words in ("总分 24.5 / 1000（2.45%）  等次 不合格", "基础分 34.5  加分项 +10  减分项 −20", VETO,
                      "进度 7.69%（已评 6 项、不涉及 2 项，共 104 项；未评 96 项）", "完成度 2.04%（要求 90%，未达到）"):
            assert words in totals, words
        bars = render_bars(section_bars(app.screen.inspection), 140).plain.splitlines()
        assert bars[0].endswith("34.5/220 15.68% 已评4/22 不涉及2")
        assert "未评" in bars[1] and bars[1].endswith("已评0/13")
        assert "加分 +10" in bars[8] and "减分 −20" in bars[9]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
