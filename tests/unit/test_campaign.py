"""The campaign file (audited, verified, locked), its checks, 不涉及 profiles, units from Excel,
and what a unit's inspection inherits from the campaign."""

from __future__ import annotations

import json

import openpyxl
import pytest

from fzzf_tui.campaign import (
    Campaign,
    CampaignSpec,
    CampaignStore,
    CampaignUnit,
    Dates,
    Team,
    create_unit_inspection,
    unit_progress,
)
from fzzf_tui.campaign.forms import build_form
from fzzf_tui.campaign.model import conditions, profile_na
from fzzf_tui.campaign.store import verify_file
from fzzf_tui.campaign.units_xlsx import read_units
from fzzf_tui.errors import (
    CorruptInspection,
    ExportError,
    InspectionLocked,
    InvalidValue,
)
from fzzf_tui.inspection import Inspection
from fzzf_tui.inspection.followup import create_follow_up


def spec(**kw):
    base = dict(
        name="2026年度督察",
        units=(CampaignUnit("市司法局", "第一组"), CampaignUnit("市公安局")),
        teams=(Team("第一组", ("张明", "李华")),),
        dates=Dates(self_check_due="2026-04-15", inspection_start="2026-05-06", rectify_due="2026-08-31",
                    follow_up="2026-09-30"),
    )
    base.update(kw)
    return CampaignSpec(**base)


def test_create_pins_the_checklist_and_audits_every_change(home, demo_checklist):
    with CampaignStore().create(spec(), demo_checklist, who="王主任") as c:
        assert c.path.parent == home / "campaigns" and c.path.name.endswith(".fzzf-campaign")
        assert c.checklist.content_hash == demo_checklist.content_hash
        assert [u.name for u in c.units] == ["市司法局", "市公安局"]
        c.set_dates(follow_up="2026-10-08")
        c.add_units([CampaignUnit("市财政局", "第二组")])
    with Campaign.open(c.path, readonly=True) as c2:
        assert c2.dates.follow_up == "2026-10-08"
        assert [t.name for t in c2.teams] == ["第一组", "第二组"]  # a team named by a unit is added
        entries = c2.audit()
        assert [e["action"] for e in entries] == ["campaign.create", "campaign.update", "campaign.update"]
        assert entries[0]["who"] == "王主任" and entries[0]["new"]["checklist_hash"] == demo_checklist.content_hash
        assert entries[1]["old"]["dates"]["follow_up"] == "2026-09-30"
        assert c2.verify().ok


def test_a_campaign_file_changed_outside_the_app_is_refused(home, demo_checklist):
    with CampaignStore().create(spec(), demo_checklist) as c:
        path = c.path
    data = json.loads(path.read_text(encoding="utf-8"))
    data["units"]["2"]["name"] = "市教育局"  # a unit swapped in by hand
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = verify_file(path)
    assert not report.ok and "被检查单位与审计记录不符" in report.problems[0]
    with pytest.raises(CorruptInspection, match="未通过校验"):
        Campaign.open(path, readonly=True)
    summary = CampaignStore().summaries()[0]
    assert summary.error and "未通过校验" in summary.error  # listed with its error, never hidden


def test_a_replaced_snapshot_is_refused(home, demo_checklist, special_checklist):
    from fzzf_tui.checklist.model import canonical_json

    with CampaignStore().create(spec(), demo_checklist) as c:
        path = c.path
    data = json.loads(path.read_text(encoding="utf-8"))
    data["checklist"]["1"]["json"] = canonical_json(special_checklist.to_dict())
    data["meta"]["1"]["checklist_hash"] = special_checklist.content_hash
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert not verify_file(path).ok
    with pytest.raises(CorruptInspection):
        Campaign.open(path, readonly=True)


def test_one_writer_at_a_time(home, demo_checklist):
    with CampaignStore().create(spec(), demo_checklist) as c:
        with pytest.raises(InspectionLocked, match="督察任务"):
            Campaign.open(c.path)
        with Campaign.open(c.path, readonly=True) as reader:  # reading is always possible
            assert reader.name == "2026年度督察"


@pytest.mark.parametrize("bad, message", [
    (dict(units=()), "至少要有一个被检查单位"),
    (dict(units=(CampaignUnit("市司法局"), CampaignUnit(" 市司法局 "))), "重复"),
    (dict(name="  "), "名称不能为空"),
    (dict(teams=(Team("一组"), Team("一组"))), "检查组“一组”重复"),
    (dict(units=(CampaignUnit("市司法局", profile=("中直机构不涉及",)),)), "不在清单中"),
    (dict(dates=Dates(inspection_start="2026-05-06", inspection_end="2026-05-01")), "早于开始日期"),
])
def test_bad_campaigns_are_refused_with_the_reason(home, demo_checklist, bad, message):
    with pytest.raises(InvalidValue, match=message):
        CampaignStore().create(spec(**bad), demo_checklist)
    assert CampaignStore().paths() == []


def test_dates_are_checked():
    with pytest.raises(InvalidValue, match="自查截止“4月15日”不是有效日期"):
        Dates.from_dict({"self_check_due": "4月15日"})
    assert Dates.from_dict({"rectify_due": "2026年8月31日"}).rectify_due == "2026-08-31"


def test_unit_inspection_inherits_from_the_campaign(store, annual_checklist):
    assert conditions(annual_checklist)[:2] == ["中直机构不涉及", "无立法计划不涉及"]
    expected_na = profile_na(annual_checklist, ["中直机构不涉及"])
    assert len(expected_na) == 48
    units = (CampaignUnit("国家税务总局某市税务局", "第一组", ("中直机构不涉及",)), CampaignUnit("市司法局", "第一组"))
    with CampaignStore().create(spec(units=units), annual_checklist) as c:
        with create_unit_inspection(c, "国家税务总局某市税务局", store, who="王主任") as ins:
            assert ins.meta["inspectors"] == ["张明", "李华"] and ins.meta["date"] == "2026-05-06"
            assert ins.meta["title"] == "2026年度督察" and ins.meta["team"] == "第一组"
            assert ins.meta["campaign"]["id"] == c.id and ins.meta["default_due"] == "2026-08-31"
            na = {code: r.na_reason for code, r in ins.results().items() if r.na}
            assert set(na) == set(expected_na)
            assert set(na.values()) == {"原文标注“中直机构不涉及”"}  # the words of 新建检查's 单位情形
            assert ins.audit()[-1]["action"] == "na.condition" and ins.meta["na_profile"] == ["中直机构"]
            path = ins.path
        with pytest.raises(InvalidValue, match="已有检查"):
            create_unit_inspection(c, "国家税务总局某市税务局", store)
        # the unit's 自查表 starts with those items marked 不涉及
        ws = build_form(c, c.unit("国家税务总局某市税务局"))["自查表"]
        marked = {ws.cell(row=r, column=10).value for r in range(6, ws.max_row + 1) if ws.cell(row=r, column=6).value == "是"}
        assert marked == set(expected_na)
        progress = {p.unit.name: p for p in unit_progress(c, store)}
        assert progress["国家税务总局某市税务局"].path == path and progress["市司法局"].path is None
    # 回头看 keeps the campaign, its date and its 整改时限
    with Inspection.open(path, who="张明") as ins:
        leaf = next(leaf for leaf in annual_checklist.leaves() if leaf.code not in expected_na)
        finding = ins.add_finding("未按要求公开执法信息", item_code=leaf.code)
        assert finding.due == "2026-08-31"
        other = ins.add_finding("另一问题", item_code=leaf.code, due="2026-07-01")
        assert other.due == "2026-07-01"  # a due date given wins
        ins.finalize()
    with create_follow_up(path, store) as fu:
        assert fu.meta["campaign"]["id"] == c.id
        assert fu.meta["campaign"]["unit"] == "国家税务总局某市税务局"
        assert fu.meta["date"] == "2026-09-30" and fu.meta["default_due"] == "2026-08-31"
    with Campaign.open(c.path, readonly=True) as c2:
        progress = {p.unit.name: p for p in unit_progress(c2, store)}
        assert progress["国家税务总局某市税务局"].path == path  # the 回头看 is not the unit's main inspection
        assert progress["国家税务总局某市税务局"].status == "整改中"
        assert len(progress["国家税务总局某市税务局"].others) == 1


def _units_book(path, rows, sheet="单位名单"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_units_from_an_office_list(tmp_path):
    path = _units_book(tmp_path / "名单.xlsx", [
        ["2026年督察单位名单"],
        [],
        ["序号", "单位名称", "检查组", "不涉及情形"],
        [1, "市司法局", "第一组", None],
        [2, " 市 公安局", "第一组", "中直机构不涉及、无立法计划不涉及"],
        [None, None, None, None],
        [3, "市财政局", None, None],
    ])
    units = read_units(path)
    assert [(u.name, u.team, u.profile) for u in units] == [
        ("市司法局", "第一组", ()),
        ("市 公安局", "第一组", ("中直机构不涉及", "无立法计划不涉及")),
        ("市财政局", "", ()),
    ]
    # a column letter: the header is the first row with text in that column
    assert [u.name for u in read_units(path, column="B")] == ["市司法局", "市 公安局", "市财政局"]


def test_units_list_errors_name_the_place(tmp_path):
    dup = _units_book(tmp_path / "dup.xlsx", [["被检查单位"], ["市司法局"], ["市公安局"], ["市司法局"]])
    with pytest.raises(ExportError, match=r"dup.xlsx!单位名单!A4：单位“市司法局”与 A2 重复"):
        read_units(dup)
    none = _units_book(tmp_path / "none.xlsx", [["姓名", "电话"], ["张明", "1"]])
    with pytest.raises(ExportError, match="找不到单位列"):
        read_units(none)
    assert [u.name for u in read_units(none, column="姓名")] == ["张明"]
    with pytest.raises(ExportError, match="没有名为“名单”的工作表"):
        read_units(none, sheet="名单")
