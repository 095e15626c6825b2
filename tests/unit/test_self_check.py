"""自查表 out and back, and 自评 vs 督察 in the exports and the consolidation, on a campaign of
three units of the built-in 示范创建 checklist (figures computed by hand in tests/campaign_scenario.py)."""

from __future__ import annotations

import openpyxl
import pytest

from fzzf_tui.campaign import Campaign, unit_progress
from fzzf_tui.campaign.forms import write_forms
from fzzf_tui.campaign.self_check_import import plan_import, read_form
from fzzf_tui.errors import ExportError
from fzzf_tui.exporting import export_inspection
from fzzf_tui.exporting.consolidate import consolidate
from fzzf_tui.exporting.sheet_writer import HEADER_ROW
from fzzf_tui.exporting.self_check_sheets import DIFF, SELF_COLUMNS
from fzzf_tui.inspection import Inspection
from fzzf_tui.inspection.self_check import TABLE, compare_inspection, read_self_results
from tests.campaign_scenario import (
    EXPECTED,
    A,
    B,
    C,
    build_template,
    copy_scenario,
    fill_form,
    first_leaf,
    row_of,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory)


@pytest.fixture
def scenario(template, home, store, tmp_path):
    return copy_scenario(template, home, tmp_path)


def test_wrong_value_and_altered_identity_are_refused_by_cell(scenario):
    first = scenario.plans[A][0]
    row_111, row_112 = row_of(scenario.forms[A], "1.1.1"), row_of(scenario.forms[A], "1.1.2")
    assert first.refused == [
        f"自查表!E{row_111}: 自评结果“很好”不是允许的值（指标 1.1.1 应为 完全达到、基本达到、部分达到、未达到 之一），本行未导入",
        f"自查表!B{row_112}: 标识内容被改动（B{row_112} 指标内容），本行未导入",
    ]
    assert len(first.changes) == 102  # 104 leaves, two refused
    # the corrected return changes exactly the two rows refused before; nothing else is touched
    second = scenario.plans[A][1]
    assert [c.code for c in second.changes] == ["1.1.1", "1.1.2"] and second.refused == []
    assert second.unchanged == 102


def test_self_results_are_a_separate_audited_layer(scenario, demo_checklist):
    with Inspection.open(scenario.inspections[A], readonly=True) as ins:
        own = read_self_results(ins)
        assert len(own) == 104 and own["1.1.1"].value == "完全达到" and own["1.1.1"].by == "刘洋"
        assert "存办公室档案柜" in own["1.1.1"].evidence
        assert ins.result("1.1.1").value == "基本达到"  # the inspectors' result is untouched
        imports = [e for e in ins.audit() if e["action"] == "self_check.import"]
        assert len(imports) == 2
        last = imports[-1]["new"]
        assert last["file"] == "A-fixed.xlsx" and len(last["sha256"]) == 64 and last["filler"] == "刘洋"
        assert [(c["code"], c["old"], c["new"]["value"]) for c in last["changes"]] == [
            ("1.1.1", None, "完全达到"), ("1.1.2", None, "完全达到")]
        assert ins.verify().ok
        assert ins.meta["self_check"]["answered"] == 104


def test_comparison_figures_equal_hand_computed(scenario):
    for unit, want in EXPECTED.items():
        with Inspection.open(scenario.inspections[unit], readonly=True) as ins:
            comp = compare_inspection(ins)
        assert (comp.self_total, comp.inspected_total, comp.total_gap) == (want["self"], want["inspected"], want["gap"]), unit
        assert {s.code: s.gap for s in comp.sections} == want["sections"], unit
        assert len(comp.differing) == want["differing"], unit
        assert sum(want["sections"].values()) == want["gap"]


def test_differing_items_of_a(scenario, demo_checklist):
    with Inspection.open(scenario.inspections[A], readonly=True) as ins:
        comp = compare_inspection(ins)
    assert comp.differing == ["1.1.1", "1.1.2", first_leaf(demo_checklist, "4.1"), "B.2", "P.1"]


def test_export_has_self_columns_and_difference_sheet(scenario, demo_checklist, tmp_path):
    with Inspection.open(scenario.inspections[A], readonly=True) as ins:
        path = export_inspection(ins, "xlsx", tmp_path / "out")
    wb = openpyxl.load_workbook(path)
    assert DIFF in wb.sheetnames and wb.sheetnames.index(DIFF) == wb.sheetnames.index("评分明细") + 1
    ws = wb[DIFF]
    rows = {ws.cell(row=r, column=1).value: [ws.cell(row=r, column=c).value for c in range(1, 9)] for r in range(4, 15)}
    assert rows["1"][3:6] == [220, 208, 12]
    assert rows["4"][3:6] == [220, 215, 5]
    assert rows["B"][3:6] == [20, 10, 10]
    assert rows["P"][3:6] == [0, -20, 20]
    assert rows["合计"][2:6] == [1000, 1020, 973, 47]
    codes = [ws.cell(row=r, column=1).value for r in range(16, ws.max_row + 1)]
    assert [c for c in codes if c in {leaf.code for leaf in demo_checklist.leaves()}] == [
        "1.1.1", "1.1.2", first_leaf(demo_checklist, "4.1"), "B.2", "P.1"]
    detail = wb["评分明细"]
    header = [c.value for c in detail[3]]
    first = header.index(SELF_COLUMNS[0]) + 1
    assert header[first - 1:first + 4] == list(SELF_COLUMNS)
    by_code = {detail.cell(row=r, column=1).value: r for r in range(4, detail.max_row + 1)}
    r = by_code["1.1.1"]
    assert [detail.cell(row=r, column=first + i).value for i in range(3)] == ["完全达到", 10, "不一致"]
    assert detail.cell(row=by_code["1"], column=first + 1).value == 220
    assert detail.cell(row=by_code["合计"], column=first + 1).value == 1020
    assert detail.cell(row=by_code["2.1.23"], column=first + 2).value == "一致"


def test_export_without_self_assessment_is_unchanged(scenario, tmp_path):
    with Inspection.open(scenario.inspections[C], readonly=True) as ins:
        assert read_self_results(ins) == {}
        path = export_inspection(ins, "xlsx", tmp_path / "out")
    wb = openpyxl.load_workbook(path)
    assert DIFF not in wb.sheetnames
    assert SELF_COLUMNS[0] not in [c.value for c in wb["评分明细"][3]]


def test_consolidation_carries_self_excess(scenario, store, tmp_path):
    report = consolidate([store.root], tmp_path / "汇总.xlsx")
    rows = {r["unit"]: r for r in report.to_dict()["included"]}
    for unit, want in EXPECTED.items():
        assert rows[unit]["self_total"] == want["self"] and rows[unit]["self_excess"] == want["gap"]
        assert rows[unit]["self_excess_sections"] == want["sections"]
        assert rows[unit]["self_complete"] is True
    assert rows[C]["self_excess"] is None and rows[C]["self_total"] is None
    wb = openpyxl.load_workbook(report.output)
    ranking = wb["排名"]
    header = [c.value for c in ranking[HEADER_ROW]]
    v, w = header.index("自评分") + 1, header.index("自评虚高") + 1
    units = (A, B, C)
    got = {ranking.cell(row=r, column=2).value: (ranking.cell(row=r, column=v).value, ranking.cell(row=r, column=w).value)
           for r in range(HEADER_ROW + 1, ranking.max_row + 1) if ranking.cell(row=r, column=2).value in units}
    assert got == {A: (1020, 47), B: (810, 271), C: (None, None)}
    sheet = wb["自评虚高"]
    assert wb.sheetnames.index("自评虚高") == wb.sheetnames.index("分项对比") + 1
    table = {sheet.cell(row=r, column=1).value: [c.value for c in sheet[r]] for r in range(1, sheet.max_row + 1)}
    head = next(r for r in table.values() if r[0] == "被检查单位")
    assert head[:5] == ["被检查单位", "自评分", "督察分", "自评虚高", "自评进度"]
    sections = [h.split(" ")[0] for h in head[5:]]
    assert dict(zip(sections, table[B][5:])) == EXPECTED[B]["sections"]
    assert table[A][1:4] == [1020, 973, 47]
    assert C not in table


def test_campaign_statuses_follow_the_inspections(scenario, store, demo_checklist):
    with Campaign.open(scenario.campaign, readonly=True) as campaign:
        status = {p.unit.name: p.status for p in unit_progress(campaign, store)}
    assert status == {A: "督察进行中", B: "督察进行中", C: "督察进行中"}
    with Inspection.open(scenario.inspections[A], who="张明") as ins:
        f = ins.add_finding("行政审批事项清单未按期更新", item_code="1.1.1")
        assert f.due == "2026-08-31"  # 整改时限 inherited from the campaign
        ins.finalize()
    with Inspection.open(scenario.inspections[C], who="王芳") as ins:
        ins.finalize()
    with Campaign.open(scenario.campaign, readonly=True) as campaign:
        status = {p.unit.name: p.status for p in unit_progress(campaign, store)}
    assert status == {A: "整改中", B: "督察进行中", C: "已完成"}
    with Inspection.open(scenario.inspections[A], who="张明") as ins:
        ins.set_finding_status(f.id, "已整改")
        ins.set_finding_status(f.id, "已销号", "经回头看，清单已更新并公开")
    with Campaign.open(scenario.campaign, readonly=True) as campaign:
        status = {p.unit.name: p.status for p in unit_progress(campaign, store)}
    assert status[A] == "已销号"


def test_statuses_before_inspection(store, demo_checklist, tmp_path):
    from tests.campaign_scenario import run_scenario

    sc = run_scenario(demo_checklist, tmp_path, store, score=False)
    with Campaign.open(sc.campaign, readonly=True) as campaign:
        status = {p.unit.name: p.status for p in unit_progress(campaign, store)}
    assert status == {A: "自查已交", B: "自查已交", C: "待自查"}


def test_form_for_another_campaign_or_unit_is_refused_whole(scenario, store, demo_checklist, tmp_path):
    from tests.campaign_scenario import create_campaign

    other = create_campaign(None, demo_checklist)
    form = read_form(scenario.forms[B])
    with Campaign.open(other, readonly=True) as campaign:
        with pytest.raises(ExportError, match="属于督察任务"):
            plan_import(form, campaign, {})
    # a unit re-labels another unit's form as its own
    relabelled = fill_form(scenario.forms[B], {}, tmp_path / "relabelled.xlsx", edits={"A2": "填报单位：市财政局"})
    with Campaign.open(scenario.campaign, readonly=True) as campaign:
        with pytest.raises(ExportError, match=r"自查表!A2"):
            plan_import(read_form(relabelled), campaign, {})


def test_rows_copied_inserted_or_contradictory_are_refused(scenario, demo_checklist, tmp_path):
    with Campaign.open(scenario.campaign, readonly=True) as campaign:
        fresh = write_forms(campaign, tmp_path / "f3", _store(), [C])[0]
    r1, r2, r3 = (row_of(fresh, first_leaf(demo_checklist, s)) for s in ("3", "5", "6"))
    wb = openpyxl.load_workbook(fresh)
    ws = wb["自查表"]
    ws.cell(row=r1, column=6, value="是")  # 不涉及 without a reason
    ws.cell(row=r2, column=5, value="完全达到")
    ws.cell(row=r2, column=6, value="是")  # both an answer and 不涉及
    ws.cell(row=r2, column=7, value="不适用")
    ws.cell(row=r3, column=10, value=ws.cell(row=r2, column=10).value)  # hidden code copied
    ws.cell(row=r3 + 1, column=7, value="无此职能")  # a reason without 不涉及
    last = ws.max_row + 1
    ws.cell(row=last, column=5, value="完全达到")  # a new row below the table
    out = tmp_path / "messy.xlsx"
    wb.save(out)
    with Campaign.open(scenario.campaign, readonly=True) as campaign:
        plan = plan_import(read_form(out), campaign, {})
    cells = [line.split(":")[0] for line in plan.refused]
    assert cells == [f"自查表!G{r1}", f"自查表!E{r2}", f"自查表!J{r3}", f"自查表!F{r3 + 1}", f"自查表!J{last}"]
    assert "重复出现" in plan.refused[2] and "没有指标编号" in plan.refused[4]
    assert plan.changes == []


def _store():
    from fzzf_tui.inspection import InspectionStore

    return InspectionStore()


def test_a_stale_form_never_undoes_a_later_import(scenario, tmp_path):
    """The first (bad) return of 市司法局, sent again after the corrected one went in: rows left
    as written change nothing, and the two rows the unit had filled wrongly stay refused."""
    from tests.campaign_scenario import import_form

    again = import_form(scenario.campaign, tmp_path / "A-returned.xlsx", _store())
    assert again.changes == [] and len(again.refused) == 2
    with Inspection.open(scenario.inspections[A], readonly=True) as ins:
        assert read_self_results(ins)["1.1.1"].value == "完全达到"


def test_conflicting_returns_are_refused(scenario, tmp_path, demo_checklist):
    """Two forms written at the same time; the second says something else about an item the
    first already changed: refused by cell, the first one's value kept."""
    with Campaign.open(scenario.campaign, readonly=True) as campaign:
        one, two = (write_forms(campaign, tmp_path / d, _store(), [C])[0] for d in ("x", "y"))
    code = first_leaf(demo_checklist, "7")
    from tests.campaign_scenario import import_form

    import_form(scenario.campaign, fill_form(one, {code: "完全达到"}, tmp_path / "one.xlsx"), _store())
    plan = import_form(scenario.campaign, fill_form(two, {code: "未达到"}, tmp_path / "two.xlsx"), _store())
    assert len(plan.refused) == 1 and plan.refused[0].startswith(f"自查表!E{row_of(two, code)}: 冲突")
    with Inspection.open(scenario.inspections[C], readonly=True) as ins:
        assert read_self_results(ins)[code].value == "完全达到"


def test_hostile_self_results_table_is_ignored_for_unknown_items(scenario, tmp_path):
    from fzzf_tui.inspection.self_check import from_tables

    with Inspection.open(scenario.inspections[B], readonly=True) as ins:
        tables = {TABLE: {"1": {"code": "9.9.9", "value": "完全达到"}, "2": {"code": "1"}, "3": "junk",
                          "4": {"code": "1.1.1", "value": "完全达到"}}}
        got = from_tables(tables, ins.checklist)
    assert list(got) == ["1.1.1"]


def test_self_excess_waits_for_a_complete_inspection(scenario, store, tmp_path):
    """A half-done inspection is never shown as a unit's 自评虚高 (lists and consolidation)."""
    with Inspection.open(scenario.inspections[B], who="李华") as ins:
        ins.clear("8.2.100")
        comp = compare_inspection(ins)
    assert comp.total_gap == 271.0 + 5.0 and comp.final_gap is None  # 8.2.100 部分达到 (5) no longer counts
    report = consolidate([store.root], tmp_path / "汇总.xlsx")
    b = next(r for r in report.to_dict()["included"] if r["unit"] == B)
    assert b["self_total"] == 810.0 and b["self_excess"] is None and set(b["self_excess_sections"].values()) == {None}
    ranking = openpyxl.load_workbook(report.output)["排名"]
    header = [c.value for c in ranking[HEADER_ROW]]
    columns = (header.index("自评分") + 1, header.index("自评虚高") + 1)
    row = next(r for r in range(HEADER_ROW + 1, ranking.max_row + 1) if ranking.cell(row=r, column=2).value == B)
    assert [ranking.cell(row=row, column=c).value for c in columns] == [810, "—"]
