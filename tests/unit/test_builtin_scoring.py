"""Hand-worked examples for each built-in checklist, one per rule of docs/scoring.md.

Every expected number below is worked out by hand from the checklist's (provisional) points;
the comments show the arithmetic as the docs do, so a 督察办 reader can follow it.
"""

from __future__ import annotations

import pytest

from fzzf_tui.inspection.scoring import Result, score_inspection


def R(code, value=None, na=False):
    return Result(code=code, value=value, na=na, na_reason="理由" if na else "")


def every(checklist, value, kinds=("normal",)):
    return {leaf.code: R(leaf.code, value) for leaf in checklist.leaves() if leaf.kind in kinds}


def answered(checklist, value, bonus="不符合", penalty="未发生", **events):
    """Every indicator at ``value``, every 加分项 ``bonus`` and 减分项 ``penalty`` unless given."""
    out = every(checklist, value)
    for leaf in checklist.leaves():
        if leaf.kind == "bonus":
            out[leaf.code] = R(leaf.code, events.get(leaf.code.replace(".", "_"), bonus))
        elif leaf.kind == "penalty":
            out[leaf.code] = R(leaf.code, events.get(leaf.code.replace(".", "_"), penalty))
    return out


# -- 示范创建 (demonstration-2020): 10 points per 三级指标, total 1000 ---------------------------------
class TestDemonstration:
    def test_renormalised_section(self, demo_checklist) -> None:
        c = demo_checklist
        rep = score_inspection(c, [R("1.1.1", "完全达到"), R("1.1.2", "基本达到"), R("1.1.3", na=True)])
        # 1.1 has six indicators (60); 1.1.3 不涉及 → 应得分 50; (10 + 8) ÷ 50 × 60 = 21.6
        ns = rep.nodes["1.1"]
        assert (ns.applicable_max, ns.children_earned, ns.earned) == (50, 18, 21.6)
        assert rep.nodes["1"].earned == 21.6 and rep.base == 21.6  # nothing else scored: nothing added

    def test_signed_bonus_and_penalty(self, demo_checklist) -> None:
        rep = score_inspection(demo_checklist, answered(demo_checklist, "完全达到", B_1="符合", P_1="未发生"))
        # 1000 + 10 (B.1 符合) − 0 = 1010: 加分项 may take the total past 满分
        assert (rep.base, rep.bonus, rep.penalty, rep.total) == (1000, 10, 0, 1010)
        assert rep.nodes["B"].signed == 10 and rep.nodes["P"].signed == 0
        both = score_inspection(demo_checklist, answered(demo_checklist, "完全达到", B_1="符合", B_2="符合"))
        assert both.nodes["B"].signed == 20  # capped at the 加分项's 20

    def test_the_seen_case_every_indicator_met_and_both_penalties_is_vetoed(self, demo_checklist) -> None:
        rep = score_inspection(demo_checklist, answered(demo_checklist, "完全达到", P_1="发生", P_2="发生"))
        # 1000 − 20 − 20 = 960 (96%): the score alone says 优秀, but P.2 (申报材料弄虚作假) is 一票否决
        assert (rep.total, rep.percent, rep.grade_by_score) == (960, 96, "优秀")
        assert rep.grade == "不合格" and rep.nodes["P"].signed == -40
        assert {o.code: o.kind for o in rep.overrides} == {"P.1": "cap", "P.2": "veto"}

    def test_grade_cap(self, demo_checklist) -> None:
        rep = score_inspection(demo_checklist, answered(demo_checklist, "完全达到", P_1="发生"))
        # 1000 − 20 = 980 (98%, 优秀 by score); P.1 发生 caps the grade at 合格
        assert (rep.total, rep.grade_by_score, rep.grade) == (980, "优秀", "合格")

    def test_completion_counts_basically_met(self, demo_checklist) -> None:
        rep = score_inspection(demo_checklist, answered(demo_checklist, "基本达到"))
        # every indicator 基本达到: 100 × 8 = 800 (80%, 良好); 基本达到 counts as 完成 → 完成度 100%
        assert (rep.total, rep.grade, rep.completion, rep.ready) == (800, "良好", 1, True)
        half = answered(demo_checklist, "基本达到")
        for leaf in list(demo_checklist.leaves())[:15]:
            half[leaf.code] = R(leaf.code, "部分达到")
        rep = score_inspection(demo_checklist, half)
        # 15 of 100 部分达到: 完成度 85% < 90% required → not ready; score 85 × 8 + 15 × 5 = 755
        assert (rep.total, rep.completion, rep.ready) == (755, 0.85, False)

    def test_unscored_is_not_zero(self, demo_checklist) -> None:
        rep = score_inspection(demo_checklist, {})
        assert not rep.has_value and rep.grade == "" and rep.completion is None
        assert rep.to_dict()["total"] is None and rep.nodes["1"].percent is None
        rep = score_inspection(demo_checklist, every(demo_checklist, "完全达到"))
        # every indicator met but 加分项/减分项 not answered: 1000 points, no grade yet
        assert rep.total == 1000 and rep.unscored == 4 and rep.grade == ""


# -- 年度考核 (annual-2019): 49 主要任务 × 2.04/2.05, 0.5 per case --------------------------------------
class TestAnnual:
    def test_weights_follow_tasks_not_lines(self, annual_checklist) -> None:
        c = annual_checklist
        # task 3 (one result form) and task 31 (seventeen) weigh the same 2.04
        assert c.item("1.3").points == c.item("5.31").points == 2.04
        assert c.item("1.3.1.1").points == 2.04 and c.item("5.31.1.1").points == 0.12  # 2.04 ÷ 17
        assert c.item("1").points == 22.44  # eleven tasks

    def test_a_handful_of_findings_on_a_task_matters(self, annual_checklist) -> None:
        c = annual_checklist
        clean = every(c, 0)
        assert score_inspection(c, clean).total == 100
        four = dict(clean, **{"1.3.1.1": R("1.3.1.1", 4)})
        rep = score_inspection(c, four)
        # 2.04 − 4 × 0.5 = 0.04 left of task 3; total 100 − 2 = 98
        assert rep.nodes["1.3"].earned == 0.04 and rep.total == 98
        five = dict(clean, **{"1.3.1.1": R("1.3.1.1", 5)})
        assert score_inspection(c, five).nodes["1.3"].earned == 0  # 扣完为止

    def test_a_finding_never_takes_more_than_its_result_form(self, annual_checklist) -> None:
        c = annual_checklist
        results = every(c, 0)
        for leaf in list(c.item("1.1").leaves())[:4]:
            results[leaf.code] = R(leaf.code, 1)
        rep = score_inspection(c, results)
        # task 1.1: twelve forms of 0.17; four findings take 4 × 0.17 (not 4 × 0.5): 2.04 − 0.68
        assert rep.nodes["1.1"].earned == 1.36 and rep.total == 99.32

    def test_renormalised_measure(self, annual_checklist) -> None:
        c = annual_checklist
        results = every(c, 0)
        results["1.7.1.1"] = R("1.7.1.1", na=True)
        results["1.7.2.1"] = R("1.7.2.1", 1)
        rep = score_inspection(c, results)
        # measure 1.7.1 (two forms of 0.68, one 不涉及): 0.68 ÷ 0.68 × 1.36 = 1.36
        # measure 1.7.2 (one form of 0.68, one finding): 0.68 − 0.5 = 0.18
        # task 1.7: 1.36 + 0.18 = 1.54 of 2.04
        assert rep.nodes["1.7.1"].earned == 1.36 and rep.nodes["1.7.2"].earned == 0.18
        assert rep.nodes["1.7"].earned == 1.54
        assert rep.total == 99.5

    def test_no_completion_requirement(self, annual_checklist) -> None:
        rep = score_inspection(annual_checklist, every(annual_checklist, 0))
        assert annual_checklist.completion_threshold is None
        assert rep.completion == 1 and rep.ready is None and rep.grade == "优秀"

    def test_rounding_half_up_at_every_node(self, annual_checklist) -> None:
        c = annual_checklist
        results = every(c, 0)
        results["5.31.1.1"] = R("5.31.1.1", na=True)
        results["5.31.2.1"] = R("5.31.2.1", 1)
        rep = score_inspection(c, results)
        ns = rep.nodes["5.31.2"]
        # every number on the report has at most two decimals and adds up from the rows below
        assert round(ns.earned, 2) == ns.earned
        task = rep.nodes["5.31"]
        assert task.children_earned == pytest.approx(
            sum(rep.nodes[ch.code].earned for ch in c.item("5.31").children if rep.nodes[ch.code].applicable)
        )


# -- 专项督察 (special-2008): six 检查重点, 0.5 per case ------------------------------------------------
class TestSpecial:
    def test_deduction_and_renormalisation(self, special_checklist) -> None:
        c = special_checklist
        results = every(c, 0)
        results["1.1"] = R("1.1", 2)
        results["1.2"] = R("1.2", na=True)
        rep = score_inspection(c, results)
        # 1.1: 3 − 2 × 0.5 = 2. 决策机制 (20) without 1.2 (4): 应得分 16, 下级合计 15 → 15 ÷ 16 × 20 = 18.75
        assert rep.nodes["1.1"].earned == 2
        ns = rep.nodes["1"]
        assert (ns.applicable_max, ns.children_earned, ns.earned) == (16, 15, 18.75)
        assert rep.total == 98.75 and rep.grade == "优秀"

    def test_no_completion_requirement_and_no_grade_while_unscored(self, special_checklist) -> None:
        c = special_checklist
        rep = score_inspection(c, {"1.1": R("1.1", 0)})
        assert c.completion_threshold is None and rep.ready is None
        assert rep.grade == "" and rep.unscored == 30 and rep.total == 3  # 3 points so far, no 0-based grade
