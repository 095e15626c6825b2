"""The campaign in the real app: the list and the units × status view, Enter into a unit's
inspection (created pre-filled), the unit's 自评 beside the inspectors' result, the
自评不一致 filter, and 自评分 vs 督察分 on the summary equal to the hand-computed figures."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from fzzf_tui.inspection import Inspection
from fzzf_tui.ui.screens.campaign import CampaignListScreen, CampaignScreen
from fzzf_tui.ui.screens.inspection import InspectionScreen
from fzzf_tui.ui.screens.summary import SummaryScreen
from fzzf_tui.ui.widgets.item_detail import ItemDetail
from tests.campaign_scenario import A, B, C, build_template, copy_scenario, first_leaf

from .conftest import settle


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory)


@pytest.fixture
def scenario(template, home, store, tmp_path):
    return copy_scenario(template, home, tmp_path)


def cells(table: DataTable, row: int) -> list[str]:
    return [str(getattr(c, "plain", c)) for c in table.get_row_at(row)]


async def open_campaign(pilot, app) -> CampaignScreen:
    await pilot.press("t")
    await settle(pilot)
    assert isinstance(app.screen, CampaignListScreen)
    await pilot.press("enter")
    await settle(pilot, 3)
    assert isinstance(app.screen, CampaignScreen)
    return app.screen


async def test_campaign_view_and_side_by_side(make_app, scenario, demo_checklist) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = await open_campaign(pilot, app)
        table = screen.query_one(DataTable)
        rows = [cells(table, r) for r in range(table.row_count)]
        assert [r[:3] for r in rows] == [[A, "第一组", "督察进行中"], [B, "第一组", "督察进行中"], [C, "第二组", "督察进行中"]]
        assert rows[0][4:7] == ["1020", "973", "+47"]
        assert rows[1][4:7] == ["810", "539", "+271"]
        assert rows[2][4:7] == ["—", "1000", "—"]
        assert "自评与督察不一致 5 项" in str(screen.query_one("#campaign-detail", Static).render())

        await pilot.press("enter")  # into 市司法局's inspection
        await settle(pilot, 3)
        ins_screen = app.screen
        assert isinstance(ins_screen, InspectionScreen) and ins_screen.inspection.unit == A
        ins_screen.goto("1.1.1")
        await settle(pilot)
        detail = ins_screen.query_one(ItemDetail).plain
        assert "【单位自评】" in detail and "完全达到  自评 10 分" in detail
        assert "与督察结果不一致（督察：基本达到，自评比督察高 2 分）" in detail
        assert "佐证材料（单位填报）：《1.1.1 落实情况报告》" in detail and "填报人 刘洋" in detail

        assert ins_screen.set_filter("differ")
        await settle(pilot)
        shown = [c for c in ins_screen.checklist_tree.visible_leaf_codes()]
        assert shown == ["1.1.1", "1.1.2", first_leaf(demo_checklist, "4.1"), "B.2", "P.1"]

        await pilot.press("s")
        await settle(pilot, 2)
        assert isinstance(app.screen, SummaryScreen)
        text = _plain(app.screen.query_one("#summary-self", Static))
        lines = {line.split()[0]: line.split() for line in text.splitlines() if line.split()}
        assert lines["1"][-4:] == ["220", "220", "208", "+12"]
        assert lines["4"][-4:] == ["220", "220", "215", "+5"]
        assert lines["B"][-4:] == ["+20", "+20", "+10", "+10"]
        assert lines["P"][-4:] == ["−40", "0", "−20", "+20"]
        assert lines["总分"] == ["总分", "1000", "1020", "973", "+47"]
        assert "自评与督察不一致 5 项" in text


def _plain(widget: Static) -> str:
    from rich.console import Console

    console = Console(width=120, record=True, color_system=None)
    console.print(widget.content)  # what the widget shows (a table and a note)
    return console.export_text()


async def test_enter_creates_the_units_inspection_pre_filled(make_app, store, demo_checklist, tmp_path) -> None:
    from tests.campaign_scenario import create_campaign

    create_campaign(None, demo_checklist)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = await open_campaign(pilot, app)
        table = screen.query_one(DataTable)
        assert [cells(table, r)[2] for r in range(3)] == ["自查逾期"] * 3  # the fixed clock is 2026-05-01
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "为“市公安局”建立检查" in str(app.screen.query_one(".dialog-title", Static).render())
        await pilot.press("y")
        await settle(pilot, 3)
        assert isinstance(app.screen, InspectionScreen)
        ins = app.screen.inspection
        assert (ins.unit, ins.meta["inspectors"], ins.meta["date"]) == (B, ["张明", "李华"], "2026-05-06")
        await pilot.press("f")  # a finding: 整改时限 comes from the campaign
        await settle(pilot)
        assert app.screen.query_one("#due").value == "2026-08-31"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("1")  # 完全达到 on the first item
        await settle(pilot)
        path = ins.path
        await pilot.press("escape")  # back to the campaign view, refreshed
        await settle(pilot, 3)
        assert isinstance(app.screen, CampaignScreen)
        assert cells(app.screen.query_one(DataTable), 1)[2] == "督察进行中"
    with Inspection.open(path, readonly=True) as ins:
        assert ins.result("1.1.1").value == "完全达到" and ins.meta["campaign"]["unit"] == B


async def test_the_person_recording_is_asked_not_the_login_account(make_app, store, demo_checklist, tmp_path,
                                                                     monkeypatch) -> None:
    """Without FZZF_USER, importing a returned 自查表 in the campaign view and creating a unit's
    inspection there recorded the computer's login account (the scorer too, for every score)."""
    import getpass

    from textual.widgets import Input

    from fzzf_tui.campaign import Campaign
    from fzzf_tui.campaign.forms import write_forms
    from fzzf_tui.inspection.self_check import read_self_results
    from fzzf_tui.ui.screens.dialogs import ChoiceDialog, PromptDialog
    from tests.campaign_scenario import create_campaign, fill_form

    monkeypatch.delenv("FZZF_USER", raising=False)
    campaign_path = create_campaign(None, demo_checklist)
    with Campaign.open(campaign_path, readonly=True) as campaign:
        form = write_forms(campaign, tmp_path / "forms", store, [A])[0]
    leaf = first_leaf(demo_checklist, "1")
    returned = fill_form(form, {leaf: "完全达到"}, tmp_path / "A-returned.xlsx")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = await open_campaign(pilot, app)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one(Input).value = str(returned)
        await pilot.press("enter")
        await settle(pilot, 3)
        await pilot.press("y")  # the diff is confirmed
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog) and "谁在导入“市司法局”的自查表？" in app.screen.title_text
        assert [v for v, _ in app.screen.choices][:2] == ["张明", "李华"]
        await pilot.press("3")  # 其他人员
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one(Input).value = "赵科长"
        await pilot.press("enter")
        await settle(pilot, 3)
        assert app.screen is screen

        await pilot.press("down", "enter", "y")  # 市公安局: create its inspection
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog) and "你是哪位检查人员？  市公安局" in app.screen.title_text
        await pilot.press("2")
        await settle(pilot, 3)
        assert isinstance(app.screen, InspectionScreen)  # not asked a second time
        ins = app.screen.inspection
        assert ins.who == "李华" and ins.audit()[0]["who"] == "李华"
    path = next(p.path for p in screen.progress if p.unit.name == A)
    with Inspection.open(path, readonly=True) as ins:
        whos = [e["who"] for e in ins.audit()]
        assert read_self_results(ins)[leaf].value == "完全达到"
    assert whos and set(whos) == {"赵科长"} and getpass.getuser() not in whos
