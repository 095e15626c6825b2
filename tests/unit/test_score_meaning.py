"""Scores that mean what they say (issue 12): each "seen" problem, reproduced and fixed.

Every view must tell the same story: the engine, `fzzf show` (text and --json), the exported
workbook (检查信息/评分汇总/评分明细) and the list of inspections.
"""

from __future__ import annotations

import json
import os
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from fzzf_tui.checklist import checklist_from_dict
from fzzf_tui.errors import ChecklistError, InvalidValue
from fzzf_tui.exporting import export_inspection
from fzzf_tui.exporting.score_sheets import DETAIL_HEADERS
from fzzf_tui.inspection import read_summary
from fzzf_tui.inspection.scoring import Result, format_signed, round_points, score_inspection

H = {name: i for i, name in enumerate(DETAIL_HEADERS)}


def base_dict(**scoring) -> dict:
    """A small 示范创建-like checklist: two sections of two graded leaves, a bonus and a penalty."""
    return {
        "format": "fzzf-checklist/1", "id": "mini", "title": "小清单", "type": "示范创建", "version": "1",
        "provisional": ["points"],
        "scoring": {"total": 40, **scoring},
        "items": [
            {"code": "1", "title": "甲", "children": [
                {"code": "1.1", "title": "甲一", "points": 10}, {"code": "1.2", "title": "甲二", "points": 10}]},
            {"code": "2", "title": "乙", "children": [
                {"code": "2.1", "title": "乙一", "points": 10}, {"code": "2.2", "title": "乙二", "points": 10}]},
            {"code": "B", "title": "加分项", "kind": "bonus", "children": [
                {"code": "B.1", "title": "获得表彰的", "points": 2, "method": "yesno"}]},
            {"code": "P", "title": "减分项", "kind": "penalty", "children": [
                {"code": "P.1", "title": "发生严重违法行政行为的", "points": 4, "method": "yesno", "grade_cap": "合格"},
                {"code": "P.2", "title": "申报材料弄虚作假的", "points": 4, "method": "yesno",
                 "veto": {"grade": "不合格"}}]},
        ],
    }


def answers(level: str = "完全达到", p1: str = "未发生", p2: str = "未发生", b1: str = "不符合") -> dict[str, Result]:
    out = {code: Result(code, level) for code in ("1.1", "1.2", "2.1", "2.2")}
    out.update({"B.1": Result("B.1", b1), "P.1": Result("P.1", p1), "P.2": Result("P.2", p2)})
    return out


def run(*args: str):
    from fzzf_tui.cli import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


# -- 1. 减分项 answered by what happened, shown signed everywhere ----------------------------------
def test_a_penalty_is_answered_by_what_happened_not_by_yes_or_no(store, demo_checklist) -> None:
    with store.create(demo_checklist, "某单位") as ins:
        for word in ("是", "否", "y", "n", True, False):
            with pytest.raises(InvalidValue, match="发生"):
                ins.set_value("P.1", word)  # "是" to "发生严重违法行政行为…的" reads both ways
        assert ins.set_value("P.1", "发生").value == "发生"
        assert ins.score().penalty == 20 and ins.score().nodes["P"].signed == -20
        assert ins.set_value("P.1", "未发生").value == "未发生"
        assert ins.score().penalty == 0 and ins.score().nodes["P"].signed == 0
        assert ins.set_value("B.1", "符合").value == "符合" and ins.score().nodes["B"].signed == 10


def test_bonus_and_penalty_are_signed_amounts_that_agree_on_both_sheets(store, demo_checklist, tmp_path) -> None:
    with store.create(demo_checklist, "某单位") as ins:
        ins.set_value("1.1.1", "完全达到")
        ins.set_value("B.1", "符合")
        ins.set_value("P.1", "发生")
        ins.set_value("P.2", "未发生")
        wb = openpyxl.load_workbook(export_inspection(ins, "xlsx", tmp_path / "o.xlsx"))
        ref = ins.id
    summary = {r[0]: r for r in wb["评分汇总"].iter_rows(min_row=4, values_only=True) if r[0]}
    detail = {r[0]: r for r in wb["评分明细"].iter_rows(min_row=4, values_only=True) if r[0]}
    # no "points out of": 满分 is blank, 得分 is what the section adds or takes
    assert summary["B"][2] is None and summary["B"][3] == 10
    assert summary["P"][2] is None and summary["P"][3] == -20
    assert detail["B"][H["得分"]] == 10 and detail["P"][H["得分"]] == -20  # the two sheets agree
    assert detail["P.1"][H["评分结果"]] == "发生" and detail["P.1"][H["得分"]] == -20 and detail["P.1"][H["满分"]] is None
    assert detail["P.2"][H["评分结果"]] == "未发生" and detail["P.2"][H["得分"]] == 0
    assert "发生减 20 分" in detail["P.1"][H["评分方法"]]
    text = run("show", ref)
    assert "加分项 +10  减分项 −20" in text
    assert "−20（合计不超过 −40）" in text and "40/40" not in text and "40 / 40" not in text
    data = json.loads(run("show", ref, "--json"))
    assert data["score"]["bonus"] == 10 and data["score"]["penalty"] == -20
    assert data["score"]["total"] == data["score"]["base"] + 10 - 20
    assert run("score", ref, "P.2", "发生").strip().endswith("P.2 发生（−20 分）")


# -- 2. 一票否决 and 等次上限 --------------------------------------------------------------------
def test_veto_sets_the_grade_whatever_the_score() -> None:
    c = checklist_from_dict(base_dict())
    clean = score_inspection(c, answers())
    assert (clean.total, clean.grade) == (40, "优秀")
    vetoed = score_inspection(c, answers(p2="发生", b1="符合"))
    assert vetoed.total == 38 and vetoed.percent == 95  # 40 + 2 − 4: the score alone would be 优秀
    assert vetoed.grade == "不合格" and vetoed.grade_by_score == "优秀"
    assert [o.code for o in vetoed.overrides] == ["P.2"] and "一票否决" in vetoed.overrides[0].describe()
    # a veto is known at once: it grades even an inspection that is not fully scored
    partial = score_inspection(c, {"P.2": Result("P.2", "发生")})
    assert partial.unscored == 6 and partial.grade == "不合格"


def test_veto_total_and_grade_cap() -> None:
    data = base_dict()
    data["items"][3]["children"][1]["veto"] = {"grade": "不合格", "total": 0}
    c = checklist_from_dict(data)
    assert score_inspection(c, answers(p2="发生")).total == 0
    capped = score_inspection(c, answers(p1="发生"))
    assert capped.percent == 90 and capped.grade_by_score == "优秀" and capped.grade == "合格"
    assert capped.overrides[0].kind == "cap"


def test_veto_and_cap_are_validated() -> None:
    data = base_dict()
    data["items"][3]["children"][1]["veto"] = {"grade": "很差"}
    data["items"][0]["grade_cap"] = "合格"  # on a section
    data["items"][3]["children"][0]["lead_units"] = ["某局"]  # not among its units
    with pytest.raises(ChecklistError) as err:
        checklist_from_dict(data)
    text = str(err.value)
    assert "很差" in text and "不是本清单的等次" in text
    assert "只能设在评分的末级指标上" in text and "不在责任单位" in text


# -- 3. 进度 and 完成度 are two measures; the threshold only where the source has one -----------------
def test_complete_levels_decide_what_counts_as_complete() -> None:
    plain = checklist_from_dict(base_dict())
    rep = score_inspection(plain, answers(level="基本达到"))
    assert rep.total == 32 and rep.completion == 0  # the old reading: 基本达到 is never 完成
    lenient = checklist_from_dict(base_dict(complete_levels=["完全达到", "基本达到"]))
    rep = score_inspection(lenient, answers(level="基本达到"))
    assert rep.total == 32 and rep.completion == 1 and rep.progress == 1


def test_progress_and_completion_differ_and_say_so() -> None:
    c = checklist_from_dict(base_dict(pass_threshold=0.9))
    rep = score_inspection(c, {"1.1": Result("1.1", "完全达到"), "1.2": Result("1.2", na=True, na_reason="x")})
    assert rep.progress == round(2 / 7, 4)  # answered (scored or 不涉及) of all items
    assert rep.completion == round(1 / 3, 4)  # 完成 of the applicable normal items; 未评 are not 完成
    assert rep.completion_threshold == 0.9 and rep.ready is False


def test_threshold_absent_is_the_old_default_and_null_means_none() -> None:
    assert checklist_from_dict(base_dict()).completion_threshold == 0.9  # files that say nothing
    none = checklist_from_dict(base_dict(pass_threshold=None))
    assert none.completion_threshold is None
    rep = score_inspection(none, answers())
    assert rep.ready is None and rep.to_dict()["completion_threshold"] is None


def test_blank_is_not_zero_and_ungraded(store, special_checklist, tmp_path) -> None:
    with store.create(special_checklist, "空白单位") as ins:
        report = ins.score()
        assert not report.has_value and report.grade == "" and report.grade_text == "未评定（尚有 31 项未评）"
        wb = openpyxl.load_workbook(export_inspection(ins, "xlsx", tmp_path / "o.xlsx"))
        ref, path = ins.id, ins.path
    d = json.loads(run("show", ref, "--json"))
    assert d["score"]["total"] is None and d["score"]["percent"] is None and d["score"]["grade"] == ""
    assert all(sec["earned"] is None for sec in d["sections"])
    text = run("show", ref)
    assert "得分 未评（满分 100）" in text and "完成度 —（尚未评分）" in text and "（不合格）" not in text
    assert "进度 0%  得分 未评  等次 未评定  问题 0" in run("list")
    assert not read_summary(path).has_value
    summary = {r[0]: r for r in wb["评分汇总"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert summary["1"][3] == "未评" and summary["1"][4] is None  # no 0% bar in the chart
    assert summary["合计"][3] == "未评"
    info = {r[0]: r[1] for r in wb["检查信息"].iter_rows(min_row=4, values_only=True)}
    assert info["总分"] == "未评" and info["完成度"] == "—"


# -- 5. 评分明细 adds up on paper ------------------------------------------------------------------
def test_every_section_row_adds_up_from_the_rows_below(store, demo_checklist, tmp_path) -> None:
    with store.create(demo_checklist, "折算单位") as ins:
        for code, level in (("1.1.1", "完全达到"), ("1.1.2", "基本达到"), ("1.1.3", "部分达到"), ("1.2.7", "基本达到")):
            ins.set_value(code, level)
        ins.set_na("1.1.4", "无此职责")
        ins.set_na("1.1.5", "无此职责")
        for leaf in demo_checklist.item("1.3").leaves():
            ins.set_na(leaf.code, "整节不涉及")
        wb = openpyxl.load_workbook(export_inspection(ins, "xlsx", tmp_path / "o.xlsx"))
        report = ins.score()
    rows = {r[0]: r for r in wb["评分明细"].iter_rows(min_row=4, values_only=True) if r[0]}
    checked = 0
    for item in demo_checklist.walk():
        if item.is_leaf or item.kind != "normal" or not report.nodes[item.code].has_value:
            continue
        row = rows[item.code]
        kids = [rows[c.code] for c in item.children if rows[c.code][H["不涉及"]] != "是"]
        assert row[H["应得分"]] == pytest.approx(sum(k[H["满分"]] for k in kids))
        assert row[H["下级得分合计"]] == pytest.approx(sum(k[H["得分"]] for k in kids if isinstance(k[H["得分"]], (int, float))))
        exact = Decimal(str(row[H["下级得分合计"]])) / Decimal(str(row[H["应得分"]])) * Decimal(str(row[H["满分"]]))
        assert row[H["得分"]] == float(exact.quantize(Decimal("0.01"), ROUND_HALF_UP))
        checked += 1
    assert checked >= 3
    # 1.1: (10 + 8 + 5 + 0) over the applicable 40 of its 60 → 34.5; written on the row
    assert rows["1.1"][H["应得分"]] == 40 and rows["1.1"][H["下级得分合计"]] == 23 and rows["1.1"][H["得分"]] == 34.5
    assert rows["1.1"][H["评分方法"]] == "按适用项折算"


# -- 10. one rounding rule; every view shows the same number ---------------------------------------
def test_one_rounding_rule() -> None:
    assert round_points(0.125) == 0.13 and round_points(2.675) == 2.68 and round_points(0.8799999999999998) == 0.88
    assert format_signed(-20) == "−20" and format_signed(10) == "+10" and format_signed(0) == "0"


def test_home_cli_and_cells_show_the_same_rounded_number(store, annual_checklist, tmp_path) -> None:
    with store.create(annual_checklist, "某区") as ins:
        leaves = list(annual_checklist.leaves())
        for n, leaf in enumerate(leaves[:30]):
            ins.set_value(leaf.code, n % 3)
        report = ins.score()
        ref, path = ins.id, ins.path
        wb = openpyxl.load_workbook(export_inspection(ins, "xlsx", tmp_path / "o.xlsx"))
    for x in [report.total] + [ns.earned for ns in report.nodes.values()]:
        assert round(x, 2) == x  # stored numbers are the rounded ones, no 0.8799999999999998
    for row in wb["评分明细"].iter_rows(min_row=4, values_only=True):
        for v in row[4:8]:
            if isinstance(v, float):
                assert round(v, 2) == v
    shown = json.loads(run("show", ref, "--json"))["score"]["total"]
    listed = read_summary(path).total
    assert shown == listed == report.total


def test_the_list_never_shows_a_stale_score_when_a_file_is_replaced_by_one_of_the_same_size(store, special_checklist) -> None:
    """A file replaced by another version of the same size (a copy from a USB stick, a sync tool)
    within the mtime's resolution: the list must read the new file, not its cached summary."""
    with store.create(special_checklist, "某县") as ins:
        ins.set_value("1.1", 1)
        path = ins.path
    before = os.stat(path)
    first = read_summary(path)
    raw = path.read_bytes()
    other = raw.replace(b'"value":1,', b'"value":3,').replace(
        f'"total":{first.total}'.encode(), f'"total":{first.total - 1}'.encode()
    )
    assert len(other) == len(raw) and other != raw
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(other)
    os.replace(tmp, path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = read_summary(path)  # not the cached summary of the first file ...
    assert again.total != first.total
    # ... nor the score this one claims: its edited value disagrees with its audit trail
    assert again.status == "无法读取" and "未通过校验" in again.error, again


# -- the checklist format: new fields do not change old hashes -------------------------------------
def test_old_checklists_keep_their_hash() -> None:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "plugins" / "example_office_checklist.py"
    spec = importlib.util.spec_from_file_location("example_office_checklist", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # pinned before veto, grade_cap, lead_units, complete_levels and source_note existed
    assert checklist_from_dict(module.CASE_FILE_REVIEW).content_hash == (
        "sha256:2f03fdc1b997886512120d7de3c84d8fd89b21c7f7760ed8ad2b1916ed971c26"
    )


def test_new_names_and_old_names_mean_and_hash_the_same() -> None:
    a, b = base_dict(pass_threshold=0.8), base_dict(completion_threshold=0.8)
    a["items"][0]["source_note"] = b["items"][0]["note"] = "原文此处无标题，据上下文恢复"
    ca, cb = checklist_from_dict(a), checklist_from_dict(b)
    assert ca.content_hash == cb.content_hash
    assert ca.item("1").source_note == "原文此处无标题，据上下文恢复" and ca.completion_threshold == 0.8
    both = base_dict(pass_threshold=0.8, completion_threshold=0.8)
    with pytest.raises(ChecklistError, match="旧名"):
        checklist_from_dict(both)
    # new fields change the hash only when used
    plain = checklist_from_dict(base_dict())
    data = base_dict()
    for item in data["items"][3]["children"]:
        item.pop("veto", None), item.pop("grade_cap", None)
    assert checklist_from_dict(data).content_hash != plain.content_hash
    assert "veto" not in json.dumps(checklist_from_dict(data).to_dict())


def test_progress_is_never_rounded_to_a_figure_that_reads_otherwise() -> None:
    from fzzf_tui.inspection.scoring import format_percent

    # one item of 338 is under 1%: whole percent would print "0%", i.e. not started
    assert [format_percent(x) for x in (0, 1 / 338, 26 / 338, 0.5, 337 / 338, 1)] == [
        "0%", "0.3%", "7.69%", "50%", "99.7%", "100%"]
