"""Taking back a 整改清单 filled in by the inspected unit: diff, identity checks, audited apply."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from fzzf_tui import safe_xlsx
from fzzf_tui.errors import ExportError, InspectionError
from fzzf_tui.exporting import export_inspection
from fzzf_tui.exporting.status_import import (
    apply_status_changes,
    find_inspection,
    plan_status_import,
    read_returned,
)
from fzzf_tui.inspection import Inspection, InspectionStore


class Returned:
    """An exported 整改清单 as the unit edits it with openpyxl (or Excel/WPS)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wb = openpyxl.load_workbook(path)
        self.ws = self.wb["整改清单"]
        self.row = {self.ws.cell(row=r, column=9).value: r for r in range(4, self.ws.max_row + 1)}

    def set(self, finding_id: str, column: str, value) -> int:
        r = self.row[finding_id]
        self.ws[f"{column}{r}"] = value
        return r

    def save(self) -> Path:
        self.wb.save(self.path)
        return self.path


@pytest.fixture
def exported(store: InspectionStore, special_checklist, tmp_path: Path):
    """A finalized inspection with four findings and its exported 整改清单."""
    ins = store.create(special_checklist, "被检查单位甲")
    a = ins.add_finding("规范性文件未报备", item_code="1.1", requirement="限期报备", units=["法制科"], due="2026-12-31")
    b = ins.add_finding("权责清单未公开", item_code="1.2", requirement="在门户网站公开", due="2026-10-31", severity="较重")
    c = ins.add_finding("执法案卷不规范", item_code="3.1", requirement="逐卷整改")
    d = ins.add_finding("=HYPERLINK(\"http://x\")", requirement="@公式样的文字")
    ins.finalize()
    xlsx = export_inspection(ins, out=tmp_path / "整改清单.xlsx")
    path = ins.path
    ins.close()
    return path, xlsx, (a.id, b.id, c.id, d.id)


def plan_for(path: Path, xlsx: Path, write: bool = False):
    ins = Inspection.open(path, readonly=not write)
    return ins, plan_status_import(read_returned(xlsx), ins)


# -- the Done-when case ---------------------------------------------------------------------------
def test_status_applied_and_the_row_with_an_altered_identity_cell_refused(exported):
    path, xlsx, (a, b, c, d) = exported
    sheet = Returned(xlsx)
    ra = sheet.set(a, "F", "已整改")
    sheet.set(a, "G", "已报备，附回执")
    sheet.set(b, "F", "整改中")
    rb = sheet.set(b, "C", "单位自己改写的整改要求")  # an identity cell
    sheet.save()

    ins, plan = plan_for(path, xlsx, write=True)
    with ins:
        assert [(ch.finding_id, ch.old_status, ch.new_status, ch.new_measures) for ch in plan.changes] == [
            (a, "待整改", "已整改", "已报备，附回执")
        ]
        assert plan.changes[0].cell == f"整改清单!F{ra}"
        assert plan.refused == [f"整改清单!C{rb}: 标识内容被改动（C{rb} 整改要求），本行未导入"]
        assert plan.unchanged == 2
        audit_before = len(ins.audit())
        assert apply_status_changes(ins, plan) == 1
        entries = ins.audit()[audit_before:]
    assert [(e["action"], e["target"]) for e in entries] == [("finding.status", a), ("finding.update", a)]
    assert entries[0]["new"]["status"] == "已整改" and entries[0]["who"] == "测试员"
    with Inspection.open(path, readonly=True) as ins:
        # the unit's 整改措施 goes to its own field; the inspectors' 复查意见 stays theirs
        assert ins.finding(a).status == "已整改" and ins.finding(a).measures == "已报备，附回执"
        assert ins.finding(a).review == ""
        assert ins.finding(b).status == "待整改"  # its row was refused as a whole
        assert ins.verify().ok  # status changes after the seal are audited, not tampering


def test_planning_changes_nothing(exported):
    path, xlsx, (a, *_) = exported
    sheet = Returned(xlsx)
    sheet.set(a, "F", "已整改")
    sheet.save()
    before = path.read_bytes()
    ins, plan = plan_for(path, xlsx)
    ins.close()
    assert len(plan.changes) == 1 and path.read_bytes() == before


# -- invalid values -------------------------------------------------------------------------------
def test_invalid_status_is_reported_with_its_cell(exported):
    path, xlsx, (a, b, *_) = exported
    sheet = Returned(xlsx)
    ra = sheet.set(a, "F", "完成了")
    rb = sheet.set(b, "F", None)
    sheet.save()
    ins, plan = plan_for(path, xlsx)
    ins.close()
    assert plan.refused[0].startswith(f"整改清单!F{ra}: 状态“完成了”不是允许的值")
    assert plan.refused[1].startswith(f"整改清单!F{rb}: 状态为空")
    assert not plan.changes


def test_a_unit_may_move_a_finding_forward_but_never_close_it(exported):
    path, xlsx, (a, b, c, d) = exported
    sheet = Returned(xlsx)
    sheet.set(a, "F", "已整改")  # 待整改 → 已整改 directly: allowed
    ra_g = sheet.set(a, "G", "已报备")
    rb = sheet.set(b, "F", "已销号")  # even with something in G, closing is the inspectors' decision
    sheet.set(b, "G", "已公开，请销号")
    rc = sheet.set(c, "H", "单位自己写的复查意见")  # the inspectors' column
    sheet.save()
    ins, plan = plan_for(path, xlsx, write=True)
    with ins:
        (change,) = plan.changes
        assert (change.finding_id, change.steps, change.row) == (a, ["已整改"], ra_g)
        assert plan.refused == [
            f"整改清单!F{rb}: 单位不能将问题改为“已销号”：销号由检查组复查后在系统中办理（须填写复查意见），本行未导入",
            f"整改清单!H{rc}: 复查意见由检查组填写，单位不能修改（H{rc} 复查意见（检查组填写）），本行未导入",
        ]
        apply_status_changes(ins, plan)
        assert ins.finding(a).status == "已整改" and ins.finding(b).status == "待整改"


def test_backward_moves_and_closed_findings_are_refused(exported):
    path, xlsx, (a, b, c, *_) = exported
    with Inspection.open(path) as ins:
        ins.set_finding_status(a, "整改中")
        ins.set_finding_status(b, "已整改")
        ins.set_finding_status(b, "已销号", "复查通过")
    with Inspection.open(path, readonly=True) as ins:
        xlsx = export_inspection(ins, out=xlsx.parent / "再导出.xlsx")
    sheet = Returned(xlsx)
    ra = sheet.set(a, "F", "待整改")
    rb = sheet.set(b, "F", "整改中")
    sheet.set(c, "G", "正在逐卷整改")  # only 整改措施, status unchanged: fine
    sheet.save()
    ins, plan = plan_for(path, xlsx, write=True)
    with ins:
        assert plan.refused == [
            f"整改清单!F{ra}: 状态只能按 待整改 → 整改中 → 已整改 推进，不能从“整改中”改回“待整改”，本行未导入",
            f"整改清单!F{rb}: 问题已“已销号”，不再接受单位的修改；如需重新整改，由检查组在系统中重新打开，本行未导入",
        ]
        assert [(ch.finding_id, ch.steps, ch.new_measures) for ch in plan.changes] == [(c, [], "正在逐卷整改")]
        assert apply_status_changes(ins, plan) == 1
        assert ins.finding(c).measures == "正在逐卷整改" and ins.finding(c).status == "待整改"


def test_the_drop_down_offers_only_the_units_statuses(exported):
    _, xlsx, _ = exported
    ws = openpyxl.load_workbook(xlsx)["整改清单"]
    (dv,) = ws.data_validations.dataValidation
    assert dv.formula1 == '"待整改,整改中,已整改"' and "销号由检查组" in dv.error


# -- identity ----------------------------------------------------------------------------------
def test_altered_hidden_identity_is_refused(exported):
    path, xlsx, (a, b, c, d) = exported
    sheet = Returned(xlsx)
    ra = sheet.set(a, "I", "ffffffffffff")  # unknown id
    rb = sheet.set(b, "J", "0" * 64)  # fingerprint edited
    rc, rd = sheet.row[c], sheet.row[d]
    sheet.ws[f"I{rc}"], sheet.ws[f"I{rd}"] = d, c  # ids swapped between two rows
    sheet.save()
    ins, plan = plan_for(path, xlsx)
    ins.close()
    cells = [line.split(":")[0] for line in plan.refused]
    assert cells == [f"整改清单!I{ra}", f"整改清单!J{rb}", f"整改清单!J{rc}", f"整改清单!J{rd}"]
    assert "不是本整改清单导出的问题" in plan.refused[0]
    assert not plan.changes and plan.unchanged == 0


def test_every_visible_identity_column_is_checked(exported):
    path, xlsx, (a, b, c, d) = exported
    sheet = Returned(xlsx)
    edits = {a: ("B", "规范性文件未报备（已改）"), b: ("D", "别的科室"), c: ("E", datetime(2027, 1, 1)), d: ("C", "改了")}
    expected = []
    for fid, (col, value) in edits.items():
        r = sheet.set(fid, col, value)
        sheet.set(fid, "F", "整改中")
        expected.append(f"整改清单!{col}{r}")
    sheet.save()
    ins, plan = plan_for(path, xlsx)
    ins.close()
    assert [line.split(":")[0] for line in plan.refused] == expected
    assert all("标识内容被改动" in line for line in plan.refused)


def test_harmless_retyping_of_identity_cells_is_accepted(exported):
    path, xlsx, (a, b, *_) = exported
    sheet = Returned(xlsx)
    sheet.set(a, "E", "2026年12月31日")  # the same date typed as text
    sheet.set(a, "F", "整改中")
    sheet.set(b, "F", " 整改中 ")
    r = sheet.row[b]
    sheet.ws[f"B{r}"] = sheet.ws[f"B{r}"].value.replace("\n", "\r\n")  # Windows line ends
    sheet.save()
    ins, plan = plan_for(path, xlsx)
    ins.close()
    assert not plan.refused
    assert sorted(ch.finding_id for ch in plan.changes) == sorted([a, b])


def test_rows_sorted_by_the_unit_are_matched_by_their_hidden_id(exported):
    path, xlsx, (a, b, *_) = exported
    sheet = Returned(xlsx)
    ra, rb = sheet.row[a], sheet.row[b]
    for col in "ABCDEFGHIJ":  # the unit sorted the list: rows a and b swap places
        sheet.ws[f"{col}{ra}"], sheet.ws[f"{col}{rb}"] = sheet.ws[f"{col}{rb}"].value, sheet.ws[f"{col}{ra}"].value
    sheet.ws[f"F{rb}"] = "整改中"  # now row a's finding
    sheet.save()
    ins, plan = plan_for(path, xlsx)
    ins.close()
    assert not plan.refused and not plan.warnings
    assert [(ch.finding_id, ch.row, ch.new_status) for ch in plan.changes] == [(a, rb, "整改中")]


def test_new_and_duplicated_rows_are_refused_and_deleted_rows_reported(exported):
    path, xlsx, (a, b, c, d) = exported
    sheet = Returned(xlsx)
    last = sheet.ws.max_row
    for col in "ABCDEFGHIJ":  # a copied row
        sheet.ws[f"{col}{last + 1}"] = sheet.ws[f"{col}{sheet.row[a]}"].value
    sheet.ws[f"B{last + 2}"] = "单位自己加的问题"  # a new row without id
    sheet.ws[f"F{last + 2}"] = "已整改"
    sheet.ws.delete_rows(sheet.row[c])
    sheet.save()
    ins, plan = plan_for(path, xlsx)
    ins.close()
    assert [line.split(":")[0] for line in plan.refused] == [f"整改清单!I{last}", f"整改清单!I{last + 1}"]
    assert "重复出现" in plan.refused[0] and "没有问题编号" in plan.refused[1]
    assert len(plan.warnings) == 1 and c in plan.warnings[0]


# -- three-way: the office may have moved on since the export ------------------------------------------
def test_an_untouched_row_never_sets_back_what_the_office_changed_after_export(exported):
    path, xlsx, (a, b, *_) = exported
    with Inspection.open(path) as ins:
        ins.set_finding_status(a, "整改中")
        ins.set_finding_status(b, "整改中")
    sheet = Returned(xlsx)  # row a untouched (still 待整改 in the file)
    rb = sheet.set(b, "F", "已整改")
    sheet.save()
    ins, plan = plan_for(path, xlsx)
    ins.close()
    assert not plan.refused
    (change,) = plan.changes
    assert (change.finding_id, change.old_status, change.new_status) == (b, "整改中", "已整改")
    assert change.note and change.cell == f"整改清单!F{rb}"


def test_conflicting_changes_are_refused(exported):
    path, xlsx, (a, b, *_) = exported
    with Inspection.open(path) as ins:
        ins.set_finding_status(a, "已整改")  # the office knows more than the unit's report
        ins.update_finding(b, measures="督察组记录：已约谈")
    sheet = Returned(xlsx)
    ra = sheet.set(a, "F", "整改中")
    rb = sheet.set(b, "G", "单位：正在整改")
    sheet.save()
    ins, plan = plan_for(path, xlsx)
    ins.close()
    assert plan.refused == [
        f"整改清单!F{ra}: 状态冲突：导出后系统中已改为“已整改”，单位填写“整改中”，本行未导入",
        f"整改清单!G{rb}: 整改措施冲突：导出后系统中已修改整改措施，单位也填写了不同的内容，本行未导入",
    ]


def test_identity_is_checked_against_the_exported_version_from_the_audit_trail(store, special_checklist, tmp_path):
    ins = store.create(special_checklist, "单位乙")
    f = ins.add_finding("台账不全", item_code="1.1", requirement="补齐台账")
    xlsx = export_inspection(ins, out=tmp_path / "整改清单.xlsx")
    ins.update_finding(f.id, requirement="补齐台账并报送")  # the office edits after export
    ins.close()
    sheet = Returned(xlsx)
    sheet.set(f.id, "F", "已整改")
    sheet.save()
    ins, plan = plan_for(ins.path, xlsx)
    ins.close()
    assert not plan.refused and [ch.new_status for ch in plan.changes] == ["已整改"]


def test_reimporting_the_same_file_changes_nothing(exported):
    path, xlsx, (a, b, *_) = exported
    sheet = Returned(xlsx)
    sheet.set(a, "F", "已整改")
    sheet.set(b, "G", "正在公开")
    sheet.save()
    ins, plan = plan_for(path, xlsx, write=True)
    with ins:
        assert apply_status_changes(ins, plan) == 2
        n = len(ins.audit())
        again = plan_status_import(read_returned(xlsx), ins)
        assert not again.changes and not again.refused and again.unchanged == 4
        assert len(ins.audit()) == n
        assert ins.finding(b).measures == "正在公开" and ins.finding(b).status == "待整改"


# -- which workbook, which inspection -------------------------------------------------------------
def test_a_workbook_of_another_inspection_is_refused(exported, store, special_checklist):
    path, xlsx, _ = exported
    other = store.create(special_checklist, "别的单位")
    try:
        with pytest.raises(ExportError, match="属于检查"):
            plan_status_import(read_returned(xlsx), other)
    finally:
        other.close()


def test_find_inspection_by_id_even_when_the_file_was_renamed(exported, store):
    path, xlsx, _ = exported
    returned = read_returned(xlsx)
    assert find_inspection(store, returned.inspection_id) == path
    renamed = path.with_name("改过名字.fzzf")
    path.rename(renamed)
    assert find_inspection(store, returned.inspection_id) == renamed
    renamed.unlink()
    with pytest.raises(InspectionError, match="--inspection"):
        find_inspection(store, returned.inspection_id, returned.unit)


def test_only_exported_rectification_lists_are_accepted(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "整改清单"
    wb.save(tmp_path / "手工做的.xlsx")
    with pytest.raises(ExportError, match="不是本工具导出的整改清单"):
        read_returned(tmp_path / "手工做的.xlsx")


def test_the_workbook_is_opened_through_safe_xlsx(exported, monkeypatch):
    _, xlsx, _ = exported
    monkeypatch.setattr(safe_xlsx, "MAX_UNCOMPRESSED", 1000)  # as if the file were a zip bomb
    with pytest.raises(safe_xlsx.WorkbookRejected, match="压缩炸弹"):
        read_returned(xlsx)


# -- a workbook exported before 整改措施 had its own column ----------------------------------------
def as_version_1(xlsx: Path, findings: dict) -> Path:
    """Rewrite a current export into the fzzf-xlsx/1 layout: 复查意见 in G, ids in H–I."""
    from fzzf_tui.exporting.xlsx import finding_fingerprint

    v1_fields = ("id", "description", "item_code", "severity", "requirement", "units", "due", "status", "review")
    wb = openpyxl.load_workbook(xlsx)
    ws, ident = wb["整改清单"], wb["_fzzf"]
    ws.delete_cols(7)  # G 整改措施 goes; H 复查意见 → G, I → H, J → I
    for r in range(4, ws.max_row + 1):
        fid = ws.cell(row=r, column=8).value
        if fid in findings:
            ws.cell(row=r, column=9).value = finding_fingerprint(findings[fid], v1_fields)
    ident["B1"] = "fzzf-xlsx/1"
    ident["B8"] = ",".join(v1_fields)
    for r in range(11, ident.max_row + 1):
        fid = ident.cell(row=r, column=2).value
        ident.cell(row=r, column=3).value = finding_fingerprint(findings[fid], v1_fields)
    out = xlsx.with_name("旧版整改清单.xlsx")
    wb.save(out)
    return out


def test_a_version_1_workbook_is_read_and_its_column_g_taken_as_the_units_measures(exported):
    path, xlsx, (a, b, *_) = exported
    with Inspection.open(path, readonly=True) as ins:
        findings = {f.id: f for f in ins.findings()}
    old = as_version_1(xlsx, findings)
    wb = openpyxl.load_workbook(old)
    ws = wb["整改清单"]
    rows = {ws.cell(row=r, column=8).value: r for r in range(4, ws.max_row + 1)}
    ws[f"F{rows[a]}"], ws[f"G{rows[a]}"] = "已整改", "已报备完毕"
    ws[f"F{rows[b]}"], ws[f"G{rows[b]}"] = "已销号", "同意销号"  # the old list let a unit do this
    wb.save(old)
    ins, plan = plan_for(path, old, write=True)
    with ins:
        assert [(ch.finding_id, ch.new_status, ch.new_measures) for ch in plan.changes] == [(a, "已整改", "已报备完毕")]
        assert len(plan.refused) == 1 and plan.refused[0].startswith(f"整改清单!F{rows[b]}: 单位不能将问题改为“已销号”")
        apply_status_changes(ins, plan)
        assert ins.finding(a).measures == "已报备完毕" and ins.finding(a).review == ""
