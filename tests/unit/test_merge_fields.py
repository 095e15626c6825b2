"""Merging copies of one inspection field by field, and the same finding entered twice."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.errors import InvalidValue
from fzzf_tui.inspection import Inspection
from fzzf_tui.inspection.merge import merge_inspections


@pytest.fixture
def copies(store, special_checklist, tmp_path: Path):
    """One inspection with a score and a finding, then two copies of it (two laptops)."""
    ins = store.create(special_checklist, "洛阳市司法局", ["张明", "李华"], who="张明")
    ins.set_value("1.1", 1)
    ins.set_value("1.2", 0)
    f = ins.add_finding("重大决策未经合法性审查", item_code="1.2", requirement="限期整改", due="2026-12-31")
    ins.close()
    a, b = tmp_path / "张明" / "检查.fzzf", tmp_path / "李华" / "检查.fzzf"
    for p in (a, b):
        p.parent.mkdir()
        shutil.copy(ins.path, p)
    return a, b, f.id


def test_edits_of_different_fields_of_one_finding_are_both_kept(copies, tmp_path: Path) -> None:
    """Seen: each copy edits a different field; merge kept the newer copy whole, no conflict,
    and the other edit was gone."""
    a, b, fid = copies
    with Inspection.open(a, who="张明") as ins:
        ins.update_finding(fid, requirement="三十日内完成合法性审查并报送")
        ins.set_value("1.1", 2)  # a result changed in one copy only
    with Inspection.open(b, who="李华") as ins:
        ins.update_finding(fid, due="2026-10-31")  # the later edit: it was the one kept whole before
    report = merge_inspections([a, b], tmp_path / "合并.fzzf")
    assert report.finding_conflicts == [] and report.conflicts == [] and report.base_entries == 4
    with Inspection.open(tmp_path / "合并.fzzf") as m:
        f = m.finding(fid)
        assert f.requirement == "三十日内完成合法性审查并报送" and f.due == "2026-10-31"
        assert m.result("1.1").value == 2 and m.result("1.2").value == 0  # one side's change taken
        assert [h["action"] for h in f.history].count("修改") == 2 and f.history[-1]["action"] == "合并"
        assert m.verify().ok
        m.finalize()


def test_the_same_field_edited_on_both_sides_is_a_conflict_and_blocks_finalize(copies, tmp_path: Path) -> None:
    a, b, fid = copies
    with Inspection.open(a, who="张明") as ins:
        ins.update_finding(fid, requirement="三十日内整改")
        ins.update_finding(fid, severity="严重")
    with Inspection.open(b, who="李华") as ins:
        ins.update_finding(fid, requirement="六十日内整改")
        ins.set_value("1.1", 0)
    with Inspection.open(a, who="张明") as ins:
        ins.set_value("1.1", 3)  # the same result changed differently: a result conflict
    out = tmp_path / "合并.fzzf"
    report = merge_inspections([a, b], out)
    (conflict,) = report.finding_conflicts
    assert conflict["finding"] == fid and conflict["field"] == "requirement" and conflict["label"] == "整改要求"
    assert [(c["by"], c["value"]) for c in conflict["candidates"]] == [("张明", "三十日内整改"), ("李华", "六十日内整改")]
    assert [c["code"] for c in report.conflicts] == ["1.1"]
    with Inspection.open(out) as m:
        f = m.finding(fid)
        assert f.severity == "严重"  # the field only 张明 changed is taken
        assert f.requirement == "限期整改"  # the conflicting field keeps the common value until resolved
        with pytest.raises(InvalidValue) as refused:
            m.finalize()
        message = str(refused.value)
        assert "2 处合并冲突" in message and "指标 1.1《" in message and "重大决策未经合法性审查" in message
        assert "整改要求" in message and m.status == "进行中"
        m.resolve_finding_conflict(fid, "requirement", 2)
        assert m.finding(fid).requirement == "六十日内整改" and m.finding_conflicts() == []
        m.resolve_conflict("1.1", 1)
        m.finalize()
        assert m.verify().ok


def test_merge_cli_lists_and_resolves_finding_conflicts(copies, tmp_path: Path) -> None:
    a, b, fid = copies
    for path, text in ((a, "甲意见"), (b, "乙意见")):
        with Inspection.open(path) as ins:
            ins.update_finding(fid, requirement=text)
    out = tmp_path / "m.fzzf"
    res = CliRunner().invoke(cli, ["merge", str(a), str(b), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "问题字段冲突 1 处" in res.output and "的整改要求" in res.output and "甲意见" in res.output
    listed = json.loads(CliRunner().invoke(cli, ["conflicts", str(out), "--json"]).output)
    assert listed["findings"][0]["field"] == "requirement" and listed["results"] == []
    res = CliRunner().invoke(cli, ["finalize", str(out)])
    assert res.exit_code == 1 and "合并冲突" in res.output
    res = CliRunner().invoke(cli, ["resolve", str(out), fid, "1", "--field", "整改要求"])
    assert res.exit_code == 0 and "剩余冲突 0" in res.output, res.output
    assert CliRunner().invoke(cli, ["finalize", str(out)]).exit_code == 0


def test_the_same_finding_entered_by_two_inspectors_is_kept_once(store, special_checklist, tmp_path: Path) -> None:
    a = store.create(special_checklist, "洛阳市司法局", ["张明"], who="张明")
    b = store.create(special_checklist, "洛阳市司法局", ["李华"], who="李华")
    fa = a.add_finding("行政执法公示不全", item_code="1.3", requirement="限期公示")
    fb = b.add_finding(" 行政执法公示不全 ", item_code="1.3", requirement="限期公示", severity="较重")
    b.add_finding("行政执法公示不全", item_code="1.4")  # same words, another item: a different finding
    a.close(), b.close()
    out = tmp_path / "合并.fzzf"
    report = merge_inspections([a.path, b.path], out)
    first, second = sorted([fa, fb], key=lambda f: (f.created_at, f.id))  # the earlier record is kept
    (dedup,) = report.deduplicated
    assert dedup["finding"] == first.id and dedup["merged"] == [second.id]
    assert dedup["by"] == [first.created_by, second.created_by] and set(dedup["by"]) == {"张明", "李华"}
    (conflict,) = report.finding_conflicts  # they disagree on 严重程度: not silently one of them
    assert conflict["field"] == "severity" and {c["value"] for c in conflict["candidates"]} == {"一般", "较重"}
    with Inspection.open(out) as m:
        on_13 = m.findings_for("1.3")
        assert len(on_13) == 1 and len(m.findings()) == 2
        kept = on_13[0]
        assert kept.id == first.id and kept.created_by == first.created_by
        source = b.id if second is fb else a.id
        assert kept.provenance == ({"id": second.id, "by": second.created_by, "at": second.created_at, "source": source},)
        assert m.verify().ok


def test_a_finding_removed_in_one_copy_is_kept_and_reported(copies, tmp_path: Path) -> None:
    a, b, fid = copies
    with Inspection.open(a) as ins:
        assert "新增问题" in ins.undo()  # 张明 undoes the finding on his laptop
    with Inspection.open(b) as ins:
        ins.update_finding(fid, review="已约谈")  # 李华 keeps working on it
    report = merge_inspections([a, b], tmp_path / "m.fzzf")
    assert any(fid in p and "已删除" in p and "已保留" in p for p in report.problems)
    with Inspection.open(tmp_path / "m.fzzf", readonly=True) as m:
        assert m.finding(fid).review == "已约谈"


def test_a_finding_removed_in_one_copy_and_untouched_in_the_other_is_removed(copies, tmp_path: Path) -> None:
    """Removing is an edit on one side like any other: taken, and said."""
    a, b, fid = copies
    with Inspection.open(a) as ins:
        assert "新增问题" in ins.undo()
    with Inspection.open(b) as ins:
        ins.set_value("1.3", 1)  # 李华 works on something else
    report = merge_inspections([a, b], tmp_path / "m.fzzf")
    assert any(fid in p and "已按删除合并" in p for p in report.problems)
    with Inspection.open(tmp_path / "m.fzzf", readonly=True) as m:
        assert m.findings() == [] and m.result("1.3").value == 1
        (entry,) = [e for e in m.audit() if e["action"] == "merge"]
        assert entry["new"]["removed"] == [fid]  # the audit trail says what the merge removed


def test_evidence_is_merged_three_way(store, special_checklist, tmp_path: Path) -> None:
    ins = store.create(special_checklist, "洛阳市司法局", ["张明", "李华"], who="张明")
    f = ins.add_finding("执法案卷不规范", item_code="1.2", evidence=["案卷一", "案卷二"])
    ins.close()
    a, b = tmp_path / "a.fzzf", tmp_path / "b.fzzf"
    shutil.copy(ins.path, a), shutil.copy(ins.path, b)
    with Inspection.open(a) as x:
        x.update_finding(f.id, evidence=["案卷一", "照片"])  # 案卷二 removed, 照片 added
    with Inspection.open(b) as y:
        y.update_finding(f.id, evidence=["案卷一", "案卷二", "会议纪要"])  # 会议纪要 added
    merge_inspections([a, b], tmp_path / "m.fzzf")
    with Inspection.open(tmp_path / "m.fzzf", readonly=True) as m:
        assert sorted(e.text for e in m.finding(f.id).evidence) == ["会议纪要", "案卷一", "照片"]


def test_two_identical_findings_kept_side_by_side_in_one_file_stay_two(store, special_checklist, tmp_path: Path) -> None:
    a = store.create(special_checklist, "洛阳市司法局", ["张明"], who="张明")
    b = store.create(special_checklist, "洛阳市司法局", ["李华"], who="李华")
    a.add_finding("规范性文件未备案", item_code="1.4")
    a.add_finding("规范性文件未备案", item_code="1.4")  # 张明 recorded two cases with the same words
    b.add_finding("规范性文件未备案", item_code="1.4")
    a.close(), b.close()
    report = merge_inspections([a.path, b.path], tmp_path / "m.fzzf")
    (dedup,) = report.deduplicated  # 李华's one joins the first of 张明's two
    assert dedup["by"] == ["张明", "李华"] or dedup["by"] == ["李华", "张明"]
    with Inspection.open(tmp_path / "m.fzzf", readonly=True) as m:
        assert len(m.findings_for("1.4")) == 2
        assert sum(len(f.provenance) for f in m.findings()) == 1


def test_both_recorders_and_open_conflicts_show_in_show_finding_list_and_the_workbook(store, special_checklist,
                                                                                       tmp_path: Path) -> None:
    """Seen (#12 item 12): the export showed a conflicted item as 未评 with no warning; a finding
    two inspectors recorded named only one of them."""
    import openpyxl

    a = store.create(special_checklist, "洛阳市司法局", ["张明"], who="张明")
    b = store.create(special_checklist, "洛阳市司法局", ["李华"], who="李华")
    a.add_finding("行政执法公示不全", item_code="1.3", requirement="限期公示")
    b.add_finding("行政执法公示不全", item_code="1.3", requirement="限期公示")
    a.set_value("1.1", 0), b.set_value("1.1", 2)
    a.close(), b.close()
    out = tmp_path / "合并.fzzf"
    merge_inspections([a.path, b.path], out)
    runner = CliRunner()
    shown = runner.invoke(cli, ["show", str(out)])
    assert shown.exit_code == 0, shown.output
    assert "1 个问题由多名检查人员记录" in shown.output
    assert "还有 1 处合并冲突未处理" in shown.output and "指标 1.1《" in shown.output
    listed = runner.invoke(cli, ["finding", "list", str(out)]).output
    assert "记录人：张明、李华" in listed or "记录人：李华、张明" in listed
    xlsx = tmp_path / "合并.xlsx"
    res = runner.invoke(cli, ["export", str(out), "-o", str(xlsx)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(xlsx)
    rows = [r for r in wb["问题清单"].iter_rows(min_row=1, values_only=True) if r and r[4] == "行政执法公示不全"]
    assert len(rows) == 1 and set(rows[0][8].split("、")) == {"张明", "李华"}
    info = {r[0]: r[1] for r in wb["检查信息"].iter_rows(values_only=True) if r and r[0]}
    assert info["合并冲突"].startswith("1 处未处理") and "指标 1.1《" in info["合并冲突"]
    with Inspection.open(out) as m:
        m.resolve_conflict("1.1", 2)
    assert "合并冲突" not in runner.invoke(cli, ["show", str(out)]).output


def test_what_the_inputs_carry_beyond_scores_and_findings_is_kept(store, special_checklist, tmp_path: Path) -> None:
    """The checklist's plugin, a campaign link, the unit's 自查 layer and a merged input's own
    sources: a merge must not drop them (nor the title)."""
    ins = store.create(special_checklist, "洛阳市司法局", ["张明", "李华"], who="张明", title="2026 年专项督察",
                       extra_meta={"checklist_plugin": "fzzf-special", "campaign": {"id": "c-1", "name": "专项督察"}})
    ins.bulk_apply("self_check.import", {"file": "自查表.xlsx"}, meta={"self_check": {"file": "自查表.xlsx"}},
                   tables={"self_results": [{"code": "1.1", "value": 2}]})
    ins.close()
    a, b = tmp_path / "a.fzzf", tmp_path / "b.fzzf"
    shutil.copy(ins.path, a), shutil.copy(ins.path, b)
    with Inspection.open(a) as x:
        x.set_value("1.1", 1)
    with Inspection.open(b) as y:
        y.bulk_apply("self_check.import", {"file": "自查表(2).xlsx"}, meta={"self_check": {"file": "自查表(2).xlsx"}},
                     tables={"self_results": [{"code": "1.1", "value": 3}]})  # the unit sent a corrected 自查表
    report = merge_inspections([a, b], tmp_path / "m.fzzf")
    assert report.problems == []  # changed in one copy only: taken, like any other field
    with Inspection.open(tmp_path / "m.fzzf", readonly=True) as m:
        assert m.meta["checklist_plugin"] == "fzzf-special" and m.meta["campaign"]["id"] == "c-1"
        assert m.meta["title"] == "2026 年专项督察" and m.meta["self_check"]["file"] == "自查表(2).xlsx"
        assert m.storage.state.tables["self_results"] == [{"code": "1.1", "value": 3}]
        assert m.result("1.1").value == 1 and m.verify().ok
        again = tmp_path / "m2.fzzf"
    other = tmp_path / "c.fzzf"
    shutil.copy(tmp_path / "m.fzzf", other)
    merge_inspections([tmp_path / "m.fzzf", other], again)  # a merge of merges keeps the first sources
    with Inspection.open(again, readonly=True) as mm:
        sources = [d["source"] for d in mm.storage.state.tables["source_audits"]]
        with Inspection.open(tmp_path / "m.fzzf", readonly=True) as m:
            assert sorted(sources) == sorted([ins.id, ins.id, m.id])  # a's, b's and the first merge's, once each
        assert mm.verify().ok


def test_extra_data_changed_on_both_sides_takes_the_newer_and_says_so(store, special_checklist, tmp_path: Path) -> None:
    ins = store.create(special_checklist, "洛阳市司法局", ["张明"], who="张明")
    ins.close()
    a, b = tmp_path / "a.fzzf", tmp_path / "b.fzzf"
    shutil.copy(ins.path, a), shutil.copy(ins.path, b)
    for path, value in ((a, 2), (b, 3)):
        with Inspection.open(path) as x:
            x.bulk_apply("self_check.import", {}, tables={"self_results": [{"code": "1.1", "value": value}]})
    report = merge_inspections([a, b], tmp_path / "m.fzzf")
    (said,) = report.problems
    assert "附加数据“self_results”在各文件中不同" in said
    with Inspection.open(tmp_path / "m.fzzf", readonly=True) as m:
        taken = "a.fzzf" if "a.fzzf" in said else "b.fzzf"
        assert m.storage.state.tables["self_results"] == [{"code": "1.1", "value": 2 if taken == "a.fzzf" else 3}]


def test_the_units_measures_merge_like_any_other_field(copies, tmp_path: Path) -> None:
    """整改措施及完成情况 (taken from the unit's returned 整改清单) on one laptop, 复查意见 on the other."""
    a, b, fid = copies
    with Inspection.open(a) as ins:
        ins.update_finding(fid, measures="已建立合法性审查台账")
    with Inspection.open(b) as ins:
        ins.update_finding(fid, review="台账已抽查")
    report = merge_inspections([a, b], tmp_path / "m.fzzf")
    assert report.finding_conflicts == []
    with Inspection.open(tmp_path / "m.fzzf", readonly=True) as m:
        f = m.finding(fid)
        assert f.measures == "已建立合法性审查台账" and f.review == "台账已抽查"


def test_a_note_written_on_one_copy_is_kept(copies, tmp_path: Path) -> None:
    """Seen: a 备注 added to an item on one laptop, the score changed on the other: the merge
    compared scores only and kept the other copy's result, without the note."""
    a, b, fid = copies
    with Inspection.open(a, who="张明") as ins:
        ins.set_note("1.1", "抽查 3 份文件")
        ins.set_note("1.4", "未评，待补材料")  # a note on an item nobody scored
    with Inspection.open(b, who="李华") as ins:
        ins.set_value("1.1", 2)
        ins.set_note("1.2", "已核对原件")
    with Inspection.open(a, who="张明") as ins:
        ins.set_note("1.2", "会议纪要齐全")  # both wrote a different note on 1.2
    report = merge_inspections([a, b], tmp_path / "m.fzzf")
    assert report.conflicts == []
    with Inspection.open(tmp_path / "m.fzzf", readonly=True) as m:
        assert m.result("1.1").value == 2 and m.result("1.1").note == "抽查 3 份文件"
        assert m.result("1.4").note == "未评，待补材料" and not m.result("1.4").is_scored
        assert set(m.result("1.2").note.split("；")) == {"已核对原件", "会议纪要齐全"} and m.result("1.2").value == 0


def test_notes_of_separately_entered_inspections_are_kept_on_unscored_items(store, special_checklist, tmp_path) -> None:
    a = store.create(special_checklist, "洛阳市司法局", ["张明"], who="张明")
    b = store.create(special_checklist, "洛阳市司法局", ["李华"], who="李华")
    a.set_note("1.3", "单位称材料在档案室")
    b.set_value("1.3", 1)
    a.close(), b.close()
    merge_inspections([a.path, b.path], tmp_path / "m.fzzf")
    with Inspection.open(tmp_path / "m.fzzf", readonly=True) as m:
        r = m.result("1.3")
        assert r.value == 1 and r.note == "单位称材料在档案室"


def test_an_items_evidence_merges_three_way(store, special_checklist, tmp_path: Path) -> None:
    from fzzf_tui.inspection import Evidence

    ins = store.create(special_checklist, "洛阳市司法局", ["张明", "李华"], who="张明")
    ins.set_value("1.1", 1)
    ins.close()
    a, b = tmp_path / "a.fzzf", tmp_path / "b.fzzf"
    shutil.copy(ins.path, a), shutil.copy(ins.path, b)
    with Inspection.open(a) as x:
        x.bulk_apply("attach", {}, results=[x.result("1.1")._replace(evidence=(Evidence(text="台账照片"),))])
    with Inspection.open(b) as y:
        y.set_value("1.1", 2)  # the score changes on the other laptop
    merge_inspections([a, b], tmp_path / "m.fzzf")
    with Inspection.open(tmp_path / "m.fzzf", readonly=True) as m:
        r = m.result("1.1")
        assert r.value == 2 and [e.text for e in r.evidence] == ["台账照片"]
