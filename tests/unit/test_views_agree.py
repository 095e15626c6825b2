"""One inspection, every view: `fzzf show` (text and --json), `fzzf list`, the workbook's 检查信息,
评分汇总 and 评分明细, and the consolidation tell the same story — a 一票否决 triggered, a 加分,
不涉及 children and 未评 items — with the engine's numbers, worked out here by hand.

示范创建 (demonstration-2020): 1.1 (60) 1.1.1 完全达到 10, 1.1.2 基本达到 8, 1.1.3 部分达到 5,
1.1.4 未达到 0, 1.1.5 and 1.1.6 不涉及: 应得分 40, 下级得分合计 23, 得分 23 ÷ 40 × 60 = 34.5.
Section 1 (220): only 1.1 has a value, 1.2–1.7 are 未评 (applicable, nothing earned): 34.5.
基础分 34.5 (of 1000); B.1 符合 +10; P.2 发生 −20 and 一票否决 → 不合格; 总分 24.5 (2.45%).
进度 (6 valued + 2 不涉及) ÷ 104 = 7.69%; 完成度 2 完成 (完全达到, 基本达到) ÷ 98 applicable = 2.04%.
"""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.exporting import export_inspection

BASE, TOTAL = 34.5, 24.5
VETO = "一票否决：P.2 在示范创建活动的申报材料中,故意编造、虚构有关数据、资料、文件等,或者隐瞒事实真相的。 → 等次为不合格"


def run(*args: str) -> str:
    out = CliRunner().invoke(cli, list(args))
    assert out.exit_code == 0, out.output
    return out.stdout  # progress lines go to stderr


@pytest.fixture
def vetoed(store, demo_checklist, tmp_path):
    ins = store.create(demo_checklist, "某县政府", ["张明"], "2026-05-01", who="张明")
    for code, level in (("1.1.1", "完全达到"), ("1.1.2", "基本达到"), ("1.1.3", "部分达到"), ("1.1.4", "未达到")):
        ins.set_value(code, level)
    ins.set_na("1.1.5", "无此事项")
    ins.set_na("1.1.6", "无此事项")
    ins.set_value("B.1", "符合")
    ins.set_value("P.2", "发生")
    ins.add_finding("申报材料数据不实", item_code="P.2", severity="严重")
    book = export_inspection(ins, "xlsx", tmp_path / "out.xlsx")
    yield ins, book
    ins.close()


def test_the_engine_numbers_worked_by_hand(vetoed) -> None:
    ins, _ = vetoed
    r = ins.score()
    assert (r.base, r.bonus, r.penalty, r.total, r.percent) == (BASE, 10, 20, TOTAL, 2.45)
    assert r.grade == "不合格" and r.vetoed and r.grade_label == "不合格（一票否决）"
    assert (r.valued, r.na, r.leaves, r.unscored, r.progress, r.completion) == (6, 2, 104, 96, 0.0769, 0.0204)
    n = r.nodes
    assert (n["1.1"].applicable_max, n["1.1"].children_earned, n["1.1"].earned) == (40, 23, 34.5)
    assert n["1"].earned == BASE and not n["2"].has_value
    assert (n["B"].signed, n["P"].signed) == (10, -20)


def test_show_and_list_say_it_in_the_same_words(vetoed) -> None:
    ins, _ = vetoed
    d = json.loads(run("show", ins.id, "--json"))
    s = d["score"]
    assert (s["total"], s["base"], s["bonus"], s["penalty"]) == (TOTAL, BASE, 10, -20)
    assert s["grade_label"] == "不合格（一票否决）" and [o["code"] for o in s["overrides"]] == ["P.2"]
    sections = {sec["code"]: sec for sec in d["sections"]}
    assert sections["1"]["earned"] == BASE and sections["2"]["earned"] is None  # 未评, not 0
    assert (sections["B"]["signed"], sections["P"]["signed"]) == (10, -20)
    text = run("show", ins.id)
    for line in ("得分 24.5 / 1000（2.45%）  等次 不合格", "基础分 34.5  加分项 +10  减分项 −20", VETO,
                 "进度 7.69%（已评 6 项、不涉及 2 项，共 104 项；未评 96 项）", "完成度 2.04%（要求 90%，未达到）",
                 "1 政府职能依法全面履行  34.5 / 220  （已评 4/22，不涉及 2）", "2 依法行政制度体系完善  未评 / 130",
                 "B 加分项  +10（合计不超过 +20）", "P 减分项  −20（合计不超过 −40）"):
        assert line in text, line
    assert "进度 7.69%  得分 24.5  等次 不合格（一票否决）" in run("list")  # the same 进度 as show


def test_the_three_sheets_agree_with_the_engine_and_each_other(vetoed) -> None:
    ins, book = vetoed
    wb = openpyxl.load_workbook(book)
    info = {r[0]: r[1] for r in wb["检查信息"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert (info["总分"], info["基础分"], info["加分"], info["减分"]) == (TOTAL, BASE, 10, -20)
    assert info["等次"] == "不合格" and info["一票否决"] == VETO
    assert (info["已评项数"], info["不涉及项数"], info["未评项数"]) == (6, 2, 96)
    summary = {r[0]: r for r in wb["评分汇总"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert summary["1"][2:5] == (220, BASE, 0.1568) and summary["1"][6:8] == (4, 2)
    assert summary["2"][3] == "未评" and summary["2"][4] is None
    assert (summary["B"][3], summary["P"][3], summary["合计"][3]) == (10, -20, TOTAL)
    assert summary["一票否决"][2] == VETO and summary["等次"][2] == "不合格"
    detail = {r[0]: r for r in wb["评分明细"].iter_rows(min_row=4, values_only=True) if r[0]}
    col = {name: i for i, name in enumerate(next(wb["评分明细"].iter_rows(min_row=3, max_row=3, values_only=True)))}

    def cell(code: str, name: str):
        return detail[code][col[name]]

    # 1.1 adds up on its own row: 下级得分合计 ÷ 应得分 × 满分, from the rows below
    leaves = [f"1.1.{k}" for k in range(1, 7)]
    assert cell("1.1", "应得分") == sum(cell(c, "满分") for c in leaves if cell(c, "不涉及") != "是") == 40
    assert cell("1.1", "下级得分合计") == sum(cell(c, "得分") or 0 for c in leaves) == 23
    assert cell("1.1", "得分") == round(23 / 40 * 60, 2) == BASE
    assert [cell(c, "评分结果") for c in ("1.1.5", "1.2.7", "B.1", "P.2")] == ["不涉及", "未评", "符合", "发生"]
    assert cell("1.2.7", "得分") is None  # 未评 is blank, never 0
    # the same amounts on both sheets, and the total from its parts
    assert cell("1", "得分") == summary["1"][3] and cell("2", "得分") == summary["2"][3] == "未评"
    assert (cell("B", "得分"), cell("P", "得分")) == (summary["B"][3], summary["P"][3]) == (10, -20)
    assert cell("合计", "得分") == summary["合计"][3] == round(BASE + 10 - 20, 2) == TOTAL
    assert cell("P.2", "评分方法").startswith("减分项·发生/未发生（发生减 20 分）；一票否决")


def test_the_consolidation_ranks_nothing_unfinished_and_says_why_the_grade(vetoed, tmp_path) -> None:
    ins, _ = vetoed
    out = tmp_path / "汇总.xlsx"
    d = json.loads(run("consolidate", str(ins.path), "-o", str(out), "--json"))
    row = d["included"][0]
    assert (row["total"], row["grade"], row["grade_label"], row["ranked"]) == (TOTAL, "不合格", "不合格（一票否决）", False)
    assert [o["code"] for o in row["overrides"]] == ["P.2"]
    wb = openpyxl.load_workbook(out)
    rows = [list(r) for r in wb["排名"].iter_rows(values_only=True)]
    head = next(r for r in rows if r and r[0] == "名次")
    got = dict(zip(head, next(r for r in rows if "某县政府" in r)))
    assert got["名次"] == "—" and got["得分"] == TOTAL and got["等次"] == "不合格（一票否决）"
    assert VETO in got["备注"]
    comparison = [list(r) for r in wb["分项对比"].iter_rows(values_only=True)]
    unit_row = next(r for r in comparison if "某县政府" in r)
    assert unit_row[2:5] == [0.0245, 0.1568, "未评"]


def test_finalize_says_the_grade_as_the_list_does(vetoed) -> None:
    from fzzf_tui.ui.screens.lifecycle import finalize_message

    ins, _ = vetoed
    assert "等次 不合格（一票否决）。" in finalize_message(ins)
    ins.close()
    assert "检查已完成并封存，得分 24.5，等次 不合格（一票否决）" in run("finalize", ins.id)
