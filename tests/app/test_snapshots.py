"""Snapshots of the home, inspection and summary screens (fixed data, times and size).

Regenerate after an intended change: ``python -m pytest tests/app/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from .conftest import new_inspection, settle

# The two sizes the issue names: a laptop's 80×24 terminal and a wide 120×40 one.
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture
def sample(store, fixed_time, demo_checklist, annual_checklist, special_checklist):
    new_inspection(
        store, demo_checklist, "洛阳市司法局", inspectors=["张明", "李华"],
        scores={"1.1.1": "完全达到", "1.1.2": "基本达到", "1.1.3": "部分达到", "B.1": True},
        na={"1.1.5": "本单位不承担企业开办职责"},
        findings=[{"item_code": "1.1.3", "description": "行政审批中介服务清单未向社会公开", "severity": "较重",
                   "requirement": "30日内公开", "due": "2026-12-31"}],
    )
    annual = new_inspection(
        store, annual_checklist, "哈尔滨市某区人民政府", inspectors=["王强"],
        scores={"1.1.1.1": 0, "1.1.2.1": 2, "1.1.2.2": 0}, na={"1.1.2.3": "中直机构不涉及"},
        findings=[{"item_code": "1.1.2.1", "description": "规范性文件中存在变相设定行政许可的条款", "severity": "严重",
                   "requirement": "立即清理", "due": "2026-12-15"}],
    )
    new_inspection(store, special_checklist, "某县市场监督管理局", inspectors=["赵敏"], scores={"1.1": 0, "1.2": 2})
    return annual


@SIZES
def test_home_screen(snap_compare, make_app, sample, size) -> None:
    assert snap_compare(make_app(), terminal_size=size)


@SIZES
def test_inspection_screen(snap_compare, make_app, sample, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot, 3)

    assert snap_compare(make_app(open_path=sample), terminal_size=size, run_before=run_before)


@SIZES
def test_inspection_screen_after_scoring(snap_compare, make_app, sample, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot, 3)
        # 1.1.2.4: one case (the cursor stays); next unscored 1.1.3.1: one case (moves on)
        await pilot.press("plus", "n", "1")
        await settle(pilot)

    assert snap_compare(make_app(open_path=sample), terminal_size=size, run_before=run_before)


@SIZES
def test_summary_screen(snap_compare, make_app, sample, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot, 3)
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(make_app(open_path=sample), terminal_size=size, run_before=run_before)


@SIZES
def test_finding_form(snap_compare, make_app, sample, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot, 3)
        await pilot.press("f")
        await settle(pilot, 3)
        for area in pilot.app.screen.query("TextArea"):
            area.cursor_blink = False  # a blinking cursor makes the picture depend on timing
        await settle(pilot)

    assert snap_compare(make_app(open_path=sample), terminal_size=size, run_before=run_before)
