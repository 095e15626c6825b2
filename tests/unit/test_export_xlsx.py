"""The xlsx export, read back with openpyxl: sheets, totals, findings, print settings, safety."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from fzzf_tui.exporting import export_inspection
from fzzf_tui.exporting.cells import text_width, wrapped_lines
from fzzf_tui.exporting.data import InspectionData
from fzzf_tui.exporting.score_sheets import DETAIL_HEADERS
from fzzf_tui.exporting.xlsx import (
    FINGERPRINT_FIELDS,
    RECTIFICATION_HEADERS,
    SHEET_NAMES,
    add_rectification_sheet,
    add_summary_sheet,
    build_workbook,
    finding_fingerprint,
)

from .test_export_helpers import FORMULA_TEXT, rich_demo_inspection


@pytest.fixture
def rich(store, demo_checklist, tmp_path):
    ins = rich_demo_inspection(store, demo_checklist, tmp_path / "evidence")
    yield ins
    ins.close()


@pytest.fixture
def workbook(rich, tmp_path):
    path = export_inspection(rich, "xlsx", tmp_path / "out.xlsx")
    return openpyxl.load_workbook(path), path


def rows(ws, first: int):
    return [r for r in ws.iter_rows(min_row=first, values_only=True) if any(v is not None for v in r)]


def test_sheet_names_and_hidden_identity_sheet(workbook) -> None:
    wb, _ = workbook
    assert wb.sheetnames == [*SHEET_NAMES, "佐证材料", "_fzzf"]  # 佐证材料: the inspection has files
    assert SHEET_NAMES == ("检查信息", "评分汇总", "评分明细", "问题清单", "整改清单")
    assert wb["_fzzf"].sheet_state == "hidden"
    assert all(wb[name].sheet_state == "visible" for name in SHEET_NAMES)


def test_info_sheet_has_identity_score_and_dates(workbook, rich) -> None:
    wb, _ = workbook
    info = {r[0]: r[1] for r in rows(wb["检查信息"], 4)}
    report = rich.score()
    assert info["被检查单位"] == "洛阳市司法局" and info["检查类型"] == "示范创建"
    assert info["清单编号"] == "demonstration-2020" and info["清单哈希"] == rich.meta["checklist_hash"]
    assert info["检查人员"] == "张明、李华"
    assert info["检查日期"] == datetime(2026, 11, 20)  # a date cell, not text
    assert isinstance(info["创建时间"], datetime) and isinstance(info["导出时间"], datetime)
    assert info["总分"] == pytest.approx(report.total) and info["满分"] == 1000
    assert info["得分率"] == pytest.approx(report.percent / 100)
    assert info["等次"] == report.grade_text == "未评定（尚有 93 项未评）"
    assert info["完成度"] == pytest.approx(report.completion)
    assert info["检查状态"] == "已完成" and info["封存人"] == "测试员"
    assert (info["加分"], info["减分"]) == (10, -20)  # signed amounts
    assert info["评分人"] == "测试员（11 项）"
    assert info["分值"].startswith("分值暂定")
    assert "完成度要求" in info  # 示范创建 has one (完成度达90%以上)
    assert info["问题数"] == 4 and info["未销号问题数"] == 3
    assert info["审计链校验"] == "通过"


def test_summary_totals_equal_the_scoring_engine(workbook, rich) -> None:
    wb, _ = workbook
    ws = wb["评分汇总"]
    report = rich.score()
    assert [c.value for c in ws[3]] == ["编号", "一级指标", "满分", "得分", "得分率", "评分项数", "已评", "不涉及", "问题数", "未销号"]
    body = {r[0]: r for r in rows(ws, 4)}
    for code in "1234567":
        ns = report.nodes[code]
        if ns.has_value:
            assert body[code][3] == ns.earned
            assert body[code][4] == pytest.approx(ns.percent / 100, abs=1e-9)
        else:  # nothing scored in the section: 未评, and no 0% bar
            assert body[code][3] == "未评" and body[code][4] is None
        assert body[code][2] == rich.checklist.item(code).points
    assert body["3"][3] == "未评"
    assert body["8"][3] == "不涉及" and body["8"][4] is None and body["8"][7] == 4
    # 加分项/减分项: signed amounts, no "out of"
    assert body["B"][3] == 10 and body["P"][3] == -20 and body["B"][2] is None and body["P"][2] is None
    assert ws.cell(row=3 + list(body).index("P") + 1, column=4).number_format == '+0.00;"−"0.00;0.00'
    total = body["合计"]
    assert total[2] == 1000
    assert total[3] == pytest.approx(report.total)
    assert total[4] == pytest.approx(report.percent / 100)
    assert total[8] == 4  # every finding
    assert body["1"][8] == 2 and body["3"][8] == 1  # 问题数 per section
    assert body["等次"][2] == report.grade_text
    # base is renormalised over the applicable sections, then bonus and penalty apply
    assert report.total == pytest.approx(report.base + 10 - 20)
    # numbers are numbers
    assert isinstance(total[3], float) and ws.cell(row=4, column=3).data_type == "n"


def test_summary_has_a_bar_chart_of_section_percentages(workbook) -> None:
    wb, path = workbook
    ws = wb["评分汇总"]
    names = zipfile.ZipFile(path).namelist()
    assert any(n.startswith("xl/charts/chart") for n in names)
    xml = zipfile.ZipFile(path).read(next(n for n in names if n.startswith("xl/charts/chart"))).decode()
    assert "barChart>" in xml and re.search(r'barDir val="bar"', xml)
    # the series is the 得分率 column of the eight normal sections
    assert re.search(r"'评分汇总'!\$E\$4:\$E\$11", xml)
    assert ws["E4"].number_format.endswith("%")


def test_detail_sheet_has_the_whole_tree(workbook, rich) -> None:
    wb, _ = workbook
    ws = wb["评分明细"]
    report = rich.score()
    checklist = rich.checklist
    body = [r for r in ws.iter_rows(min_row=4, values_only=True)]
    codes = [r[0] for r in body]
    assert codes[: checklist.item_count] == [i.code for i in checklist.walk()]
    assert codes[checklist.item_count] == "合计"
    by_code = {r[0]: r for r in body}
    h = {name: i for i, name in enumerate(DETAIL_HEADERS)}
    assert [c.value for c in ws[3]] == list(DETAIL_HEADERS)
    assert by_code["1.1.1"][h["评分结果"]] == "完全达到" and by_code["1.1.1"][h["得分"]] == 10 and by_code["1.1.1"][h["满分"]] == 10
    assert by_code["1.1.1"][h["检查备注"]] == "资料齐全"
    assert by_code["1.1.3"][h["检查备注"]] == "+中介服务清单未公开"
    assert by_code["1.1.5"][h["评分结果"]] == "不涉及" and by_code["1.1.5"][h["不涉及"]] == "是"
    assert by_code["1.1.5"][h["不涉及理由"]] == "本单位不承担企业开办职责" and by_code["1.1.5"][h["应得分"]] is None
    assert by_code["1.1.4"][h["评分结果"]] == "未评" and by_code["1.1.4"][h["得分"]] is None
    assert by_code["1.1"][h["得分"]] == report.nodes["1.1"].earned
    assert by_code["8"][h["不涉及"]] == "是"
    assert "市政府办公室" in by_code["1.1.1"][h["责任单位"]]
    assert by_code["1.1.1"][h["评分人"]] == "测试员"
    assert by_code["合计"][h["得分"]] == report.total
    # hierarchy: outline levels and indentation follow depth
    row_of = {ws.cell(row=r, column=1).value: r for r in range(4, ws.max_row + 1)}
    assert ws.row_dimensions[row_of["1"]].outline_level == 0
    assert ws.row_dimensions[row_of["1.1"]].outline_level == 1
    assert ws.row_dimensions[row_of["1.1.1"]].outline_level == 2
    assert ws.cell(row=row_of["1.1.1"], column=2).alignment.indent > ws.cell(row=row_of["1.1"], column=2).alignment.indent
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref.startswith("A3:P")


def test_every_finding_is_in_both_lists(workbook, rich) -> None:
    wb, _ = workbook
    findings = rich.findings()
    listed = rows(wb["问题清单"], 4)
    assert {r[1] for r in listed} == {f.id for f in findings}
    rect = wb["整改清单"]
    assert [c.value for c in rect[3]] == list(RECTIFICATION_HEADERS)
    assert RECTIFICATION_HEADERS[6:8] == ("整改措施及完成情况（被检查单位填写）", "复查意见（检查组填写）")
    body = [r for r in rows(rect, 4) if r[8]]
    assert len(body) == len(findings)
    assert {r[8] for r in body} == {f.id for f in findings}
    assert [r[0] for r in body] == list(range(1, len(findings) + 1))
    # 序号 agree between the two lists
    assert [r[1] for r in listed] == [r[8] for r in body]
    by_id = {f.id: f for f in findings}
    for r in body:
        f = by_id[r[8]]
        assert r[1].startswith(f.description)
        assert (r[2] or "") == f.requirement and (r[3] or "") == "、".join(f.units)
        assert r[5] == f.status and (r[6] or "") == f.measures and (r[7] or "") == f.review
        assert r[4] == (datetime.fromisoformat(f.due) if f.due else None)  # a date cell
        assert r[9] == finding_fingerprint(f)
    closed = next(r for r in body if r[5] == "已销号")
    assert closed[7] == "经复查，台账已补齐" and closed[6] is None  # the inspectors' words, not the unit's


def test_findings_sheet_lists_evidence_with_hashes(workbook, rich) -> None:
    wb, _ = workbook
    listed = {r[1]: r for r in rows(wb["问题清单"], 4)}
    f = next(f for f in rich.findings() if f.description == FORMULA_TEXT)
    row = listed[f.id]
    assert row[2] == "1.1.2" and row[3] == rich.checklist.item("1.1.2").full_text
    assert row[6] == "严重"
    for ev in f.evidence:
        assert ev.sha256 in row[5] and Path(ev.path).name in row[5]
    assert "办事大厅公示栏" in row[5]
    overall = next(r for r in listed.values() if r[2] == "整体")
    assert "台账缺少2026年第二季度记录" in overall[5]


def test_rectification_sheet_print_settings(workbook, rich) -> None:
    wb, _ = workbook
    ws = wb["整改清单"]
    n = len(rich.findings())
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
    assert ws.print_title_rows.replace("$", "") == "1:3"  # title, subtitle and header on every page
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == f"A3:J{3 + n}"  # covers the hidden identity columns too
    assert ws.column_dimensions["I"].hidden and ws.column_dimensions["J"].hidden
    assert not ws.column_dimensions["H"].hidden
    # the signature block: one row (never split over two pages) right under the table, printed
    sign = 3 + n + 2
    assert ws.print_area == f"'整改清单'!$A$1:$H${sign}" and ws.max_row == sign
    assert ws.cell(row=sign, column=1).value.startswith("检查组（签字）") and "日期" in ws.cell(row=sign, column=1).value
    right = ws.cell(row=sign, column=4).value
    assert right.startswith("被检查单位（盖章）") and "负责人（签字）" in right and "年    月    日" in right
    assert {str(m) for m in ws.merged_cells.ranges} >= {f"A{sign}:C{sign}", f"D{sign}:H{sign}"}
    assert ws.row_dimensions[sign].height >= 6 * 15
    # only 状态 and 整改措施 are open to the unit (protection without a password, a guard)
    assert ws.protection.sheet and not ws.protection.password
    assert [ws.cell(row=4, column=c).protection.locked for c in range(1, 9)] == [True] * 5 + [False, False, True]
    assert ws["A1"].value.endswith("问题整改清单") and ws["A1"].font.name == "黑体"
    assert ws["B4"].alignment.wrap_text and ws["B4"].font.name == "宋体"
    assert ws["E4"].number_format.startswith("yyyy")
    # pages numbered per sheet; no “共 &N 页”, which every program counts over the whole print job
    assert ws.oddFooter.center.text == "第 &P 页" and ws.page_setup.useFirstPageNumber
    assert int(ws.page_setup.firstPageNumber) == 1
    # rows are tall enough for their wrapped text
    assert all((ws.row_dimensions[r].height or 0) >= 30 for r in range(4, 4 + n))


def test_rectification_status_drop_down(workbook, rich) -> None:
    wb, _ = workbook
    ws = wb["整改清单"]
    n = len(rich.findings())
    validations = ws.data_validations.dataValidation
    assert len(validations) == 1
    dv = validations[0]
    assert dv.type == "list" and dv.showErrorMessage
    assert dv.formula1 == '"待整改,整改中,已整改"'  # 已销号 is the inspectors' decision
    assert str(dv.sqref) == f"F4:F{3 + n}"


def test_formula_like_text_is_stored_as_text(workbook, rich) -> None:
    wb, path = workbook
    for name in ("问题清单", "整改清单"):
        ws = wb[name]
        cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
        values = {c.value for c in cells}
        assert all(c.data_type == "s" for c in cells), name
        assert any(v == FORMULA_TEXT for v in values) or any(v.startswith(FORMULA_TEXT) for v in values)
    rect = {r[8]: r for r in rows(wb["整改清单"], 4)}
    f = next(f for f in rich.findings() if f.description == FORMULA_TEXT)
    assert rect[f.id][2] == "-立即整改" and rect[f.id][3] == "@市政务服务和大数据管理局"
    cell = next(c for c in wb["问题清单"]["E"] if c.value == FORMULA_TEXT)
    assert cell.data_type == "s" and cell.quotePrefix
    # and nowhere in the file is there a formula
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in zf.read(name).decode() and "<f " not in zf.read(name).decode()


def test_identity_sheet_maps_rows_to_finding_ids(workbook, rich) -> None:
    wb, _ = workbook
    ws = wb["_fzzf"]
    meta = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, 9)}
    assert meta["format"] == "fzzf-xlsx/2"
    assert meta["inspection_id"] == rich.id
    assert meta["checklist_hash"] == rich.meta["checklist_hash"]
    assert meta["fingerprint_fields"].split(",") == list(FINGERPRINT_FIELDS)
    table = [r for r in ws.iter_rows(min_row=11, values_only=True) if r[0] is not None]
    rect = wb["整改清单"]
    for number, fid, fingerprint, row in table:
        assert rect.cell(row=row, column=1).value == number
        assert rect.cell(row=row, column=9).value == fid
        assert rect.cell(row=row, column=10).value == fingerprint


def test_fingerprint_changes_with_content_and_status(rich) -> None:
    f = next(f for f in rich.findings() if f.status == "已整改")
    before = finding_fingerprint(f)
    assert before == finding_fingerprint(rich.finding(f.id))
    rich.set_finding_status(f.id, "整改中", review="复查未通过")
    assert finding_fingerprint(rich.finding(f.id)) != before


def test_columns_are_sized_for_chinese_text() -> None:
    assert text_width("整改") == 4 and text_width("ab") == 2 and text_width("整改ab\n整") == 6
    assert wrapped_lines("整" * 20, 22) == 2 and wrapped_lines("a\nb", 10) == 2


def test_column_widths_count_cjk_double(workbook) -> None:
    wb, _ = workbook
    ws = wb["评分汇总"]
    longest = max(text_width(ws.cell(row=r, column=2).value or "") for r in range(4, 12))
    assert ws.column_dimensions["B"].width >= min(40, longest)


def test_empty_inspection_exports(store, special_checklist, tmp_path) -> None:
    ins = store.create(special_checklist, "某县市场监督管理局", [], "2026-11-01")
    try:
        wb = openpyxl.load_workbook(export_inspection(ins, "xlsx", tmp_path))
    finally:
        ins.close()
    ws = wb["整改清单"]
    assert ws["A4"].value == "本次检查未发现需要整改的问题。"
    assert not ws.data_validations.dataValidation
    total = {r[0]: r for r in rows(wb["评分汇总"], 4)}["合计"]
    assert total[3] == "未评" and total[2] == 100  # nothing scored is not 0 points


def test_annual_checklist_with_338_leaves(store, annual_checklist, tmp_path) -> None:
    ins = store.create(annual_checklist, "哈尔滨市某区人民政府", ["王强"], "2026-11-02")
    try:
        leaves = list(annual_checklist.leaves())
        for n, leaf in enumerate(leaves[:40]):
            ins.set_value(leaf.code, n % 3)
        ins.set_na(leaves[50].code, "中直机构不涉及")
        ins.add_finding("规范性文件中存在变相设定行政许可的条款", item_code=leaves[1].code, severity="严重", due="2026-12-15")
        report = ins.score()
        wb = openpyxl.load_workbook(export_inspection(ins, "xlsx", tmp_path))
    finally:
        ins.close()
    total = {r[0]: r for r in rows(wb["评分汇总"], 4)}["合计"]
    assert total[3] == pytest.approx(report.total)
    detail_codes = [r[0] for r in wb["评分明细"].iter_rows(min_row=4, values_only=True)]
    assert len(detail_codes[: detail_codes.index("合计")]) == annual_checklist.item_count


def test_control_characters_do_not_break_the_export(store, special_checklist, tmp_path) -> None:
    ins = store.create(special_checklist, "某县", [], "2026-11-01")
    try:
        ins.add_finding("复制来的文字\x07带控制符\x1b", item_code="1.1")
        wb = openpyxl.load_workbook(export_inspection(ins, "xlsx", tmp_path))
    finally:
        ins.close()
    assert rows(wb["问题清单"], 4)[0][4] == "复制来的文字带控制符"


def test_sheet_builders_are_reusable(rich) -> None:
    """A consolidation can assemble its own workbook from the sheet builders."""
    data = InspectionData.from_inspection(rich)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    add_summary_sheet(wb, data)
    add_rectification_sheet(wb, data)
    assert wb.sheetnames == ["评分汇总", "整改清单"]
    whole = build_workbook(data)
    assert whole.sheetnames[:5] == list(SHEET_NAMES)
    assert isinstance(whole["检查信息"]["B4"].value, str)


def test_dates_are_dates(workbook) -> None:
    wb, _ = workbook
    listed = rows(wb["问题清单"], 4)
    assert all(isinstance(r[9], datetime) for r in listed)  # 记录日期
    assert date.today() == listed[0][9].date()
