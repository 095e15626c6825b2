"""不涉及 by condition: one audited step marks what the source tags, undo reverses it all."""

from __future__ import annotations

import pytest

from fzzf_tui.errors import InvalidValue
from fzzf_tui.inspection import Inspection
from fzzf_tui.inspection import conditions as na


def test_conditions_are_the_sources_tags_with_measure_tags_inherited(annual_checklist) -> None:
    found = {c.name: c for c in na.conditions(annual_checklist)}
    assert list(found) == ["中直机构", "无立法计划", "不涉及"]
    zz = found["中直机构"]
    assert zz.tag == "中直机构不涉及" and zz.reason == "原文标注“中直机构不涉及”"
    # 46 result forms carry the tag themselves; two more sit under a tagged 具体措施:
    # 1.11.3 “执行省生态环境损害的修复和赔偿制度。（中直机构不涉及）” → 1.11.3.1, and
    # 2.12.3 (tagged) → 2.12.3.2 (tagged only 无立法计划不涉及 itself).
    assert len(zz.codes) == 48
    assert "1.11.3.1" in zz.codes and "2.12.3.2" in zz.codes
    assert annual_checklist.item("1.11.3.1").na_conditions == ()
    assert "2.12.3.2" in found["无立法计划"].codes and len(found["无立法计划"].codes) == 10
    assert len(found["不涉及"].codes) == 6 and found["不涉及"].label.startswith("原文标注“不涉及”")
    assert all(annual_checklist.item(code).is_leaf for c in found.values() for code in c.codes)


def test_checklists_without_tags_have_no_conditions(demo_checklist, special_checklist) -> None:
    assert na.conditions(demo_checklist) == [] and na.conditions(special_checklist) == []
    with pytest.raises(InvalidValue, match="没有标注不涉及情形"):
        na.find_condition(demo_checklist, "中直机构")


def test_find_by_name_or_tag_and_unknown_names_list_the_choices(annual_checklist) -> None:
    assert na.find_condition(annual_checklist, "中直机构").tag == "中直机构不涉及"
    assert na.find_condition(annual_checklist, "（中直机构不涉及）").name == "中直机构"
    assert na.find_condition(annual_checklist, "不涉及").tag == "不涉及"
    with pytest.raises(InvalidValue, match="可选：中直机构、无立法计划、不涉及"):
        na.find_condition(annual_checklist, "省直机构")


def test_one_step_marks_skips_scored_and_undo_redo_reverse_it_all(store, annual_checklist) -> None:
    ins = store.create(annual_checklist, "中直某局", ["张明"], "2026-05-01", who="张明")
    path = ins.path
    ins.set_value("1.11.2.1", 0)  # scored before: kept (0 处问题)
    ins.set_na("1.11.2.2", "已另行说明")  # 不涉及 before: kept with its own reason
    ins.set_note("1.11.3.1", "现场看过台账")  # a note alone is not a score: marked, note kept
    entries = len(ins.audit())
    out = na.mark(ins, "中直机构")
    assert len(ins.audit()) == entries + 1  # ONE audited step
    assert (len(out.marked), out.skipped, out.already) == (46, ["1.11.2.1"], ["1.11.2.2"])
    assert out.message() == ("已按“中直机构”标记不涉及 46 项（理由：原文标注“中直机构不涉及”）；"
                             "跳过已评分的 1 项（1.11.2.1），未改动；1 项原已是不涉及")
    r = ins.result("1.11.3.1")
    assert r.na and r.na_reason == "原文标注“中直机构不涉及”" and r.note == "现场看过台账" and r.by == "张明"
    assert ins.result("1.11.2.1").value == 0 and ins.result("1.11.2.2").na_reason == "已另行说明"
    assert ins.meta["na_profile"] == ["中直机构"]
    entry = ins.audit()[-1]
    assert entry["action"] == "na.condition" and entry["who"] == "张明" and entry["new"]["marked"] == 46

    # Hand-worked 1.11 (2.04): 1.11.2 (0.51) and 1.11.3 (0.25) are wholly 不涉及; 1.11.4.1 too.
    ins.set_value("1.11.1.1", 0)
    ins.set_value("1.11.1.2", 1)  # one case: 0.26 − 0.5 → floor 0
    ins.set_value("1.11.4.2", 0)
    ins.set_value("1.11.4.3", 0)
    report = ins.score()
    n = report.nodes
    assert not n["1.11.3"].applicable
    assert n["1.11.2"].applicable  # 1.11.2.1 was scored before the profile was applied
    ins.set_na("1.11.2.1", "原文标注“中直机构不涉及”")
    n = ins.score().nodes
    assert not n["1.11.2"].applicable and not n["1.11.3"].applicable
    assert n["1.11.1"].earned == 0.25  # 0.25 + 0 of 0.51, nothing 不涉及
    assert (n["1.11.4"].applicable_max, n["1.11.4"].earned) == (0.51, 0.77)  # 0.51/0.51 × 0.77
    # 1.11: (0.25 + 0.77) ÷ (0.51 + 0.77) × 2.04 = 1.625625 → 1.63 (half-up)
    assert (n["1.11"].applicable_max, n["1.11"].earned) == (1.28, 1.63)
    for code in ("1.11.1.1", "1.11.1.2", "1.11.4.2", "1.11.4.3", "1.11.2.1"):
        ins.undo()
    assert ins.result("1.11.2.1").value == 0

    message = ins.undo()  # the whole profile step in one undo
    assert message == "已撤销：按“中直机构”批量标记不涉及（46 项）"
    assert ins.result("1.11.3.1").na is False and ins.result("1.11.3.1").note == "现场看过台账"
    assert sum(1 for r in ins.results().values() if r.na) == 1  # only the one marked by hand
    assert not ins.meta.get("na_profile")
    assert ins.redo() == "已重做：按“中直机构”批量标记不涉及（46 项）"
    assert sum(1 for r in ins.results().values() if r.na) == 47 and ins.meta["na_profile"] == ["中直机构"]
    ins.close()

    with Inspection.open(path, readonly=True) as again:  # durable, and the chain replays
        assert sum(1 for r in again.results().values() if r.na) == 47
        assert again.meta["na_profile"] == ["中直机构"]
        assert again.verify(deep=True).ok


def test_marking_again_changes_nothing_and_a_second_condition_adds_up(store, annual_checklist) -> None:
    ins = store.create(annual_checklist, "某区司法局", ["张明"], "2026-05-01", who="张明")
    try:
        na.mark(ins, "中直机构")
        entries = len(ins.audit())
        again = na.mark(ins, "中直机构")
        assert again.marked == [] and len(again.already) == 48 and len(ins.audit()) == entries
        assert again.message().startswith("按“中直机构”没有需要标记的条目")
        second = na.mark(ins, "无立法计划")
        # 2.12.3.2 is tagged both ways and already 不涉及 under 中直机构
        assert (len(second.marked), second.already) == (9, ["2.12.3.2"])
        assert ins.meta["na_profile"] == ["中直机构", "无立法计划"]
        report = ins.score()
        assert report.na == 57 and report.leaves == 338 and report.unscored == 338 - 57
    finally:
        ins.close()


def test_a_sealed_or_read_only_inspection_refuses(store, annual_checklist) -> None:
    ins = store.create(annual_checklist, "某局", ["张明"], "2026-05-01", who="张明")
    path = ins.path
    ins.close()
    with Inspection.open(path, readonly=True) as ro:
        with pytest.raises(Exception, match="只读"):
            na.mark(ro, "中直机构")
    with Inspection.open(path, who="张明") as rw:
        rw.finalize()
        with pytest.raises(Exception, match="封存"):
            na.mark(rw, "中直机构")
        assert rw.results() == {}


def test_mark_all_validates_every_name_first(store, annual_checklist) -> None:
    ins = store.create(annual_checklist, "某局", ["张明"], "2026-05-01", who="张明")
    try:
        with pytest.raises(InvalidValue, match="省直机构"):
            na.mark_all(ins, ["中直机构", "省直机构"])
        assert ins.results() == {} and not ins.meta.get("na_profile")
    finally:
        ins.close()


def test_the_workbook_tells_the_profile_reason_offices_and_lead_units(store, annual_checklist, tmp_path) -> None:
    import openpyxl

    from fzzf_tui.exporting import export_inspection
    from fzzf_tui.exporting.score_sheets import COL

    ins = store.create(annual_checklist, "中直某局", ["张明"], "2026-05-01", who="张明")
    try:
        na.mark(ins, "中直机构")
        path = export_inspection(ins, "xlsx", tmp_path / "out.xlsx")
    finally:
        ins.close()
    wb = openpyxl.load_workbook(path)
    info = {r[0]: r[1] for r in wb["检查信息"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert info["单位情形"] == "中直机构（原文标注该情形不涉及的指标已标记为不涉及）"
    assert info["不涉及项数"] == 48
    rows = {r[0]: r for r in wb["评分明细"].iter_rows(min_row=4, values_only=True) if r[0]}
    leaf = rows["1.3.1.1"]  # [市委编办、市司法局牵头，各有关市直单位负责] （中直机构不涉及）
    assert leaf[COL["不涉及"] - 1] == "是" and leaf[COL["不涉及理由"] - 1] == "原文标注“中直机构不涉及”"
    assert leaf[COL["责任单位"] - 1] == "市委编办（牵头）、市司法局（牵头）、各有关市直单位"
    assert leaf[COL["评分人"] - 1] == "张明"
    assert rows["1.1"][COL["责任处室"] - 1] == "法规处、纪检组及相关处室"
    assert rows["1.11.3"][COL["不涉及"] - 1] == "是"  # a section whose only form is 不涉及


def test_a_file_of_the_previous_release_takes_a_profile_and_gives_it_back(tmp_path) -> None:
    import shutil
    from pathlib import Path

    from fzzf_tui.inspection import verify_file

    legacy = Path(__file__).resolve().parent.parent / "fixtures" / "legacy" / "annual-legacy.fzzf"
    path = tmp_path / legacy.name
    shutil.copyfile(legacy, path)
    with Inspection.open(path, readonly=True) as before:
        by_hand = {c for c, r in before.results().items() if r.na}
        total = before.score().total
    with Inspection.open(path, who="新版检查员") as ins:
        out = na.mark(ins, "中直机构")
        assert set(out.already) == by_hand & set(out.condition.codes) and by_hand  # marked by hand before
        assert len(out.marked) + len(out.already) + len(out.skipped) == 48
        assert ins.undo() == f"已撤销：按“中直机构”批量标记不涉及（{len(out.marked)} 项）"
        assert {c for c, r in ins.results().items() if r.na} == by_hand and ins.score().total == total
    assert verify_file(path).ok
