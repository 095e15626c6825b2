"""What a clerk checks on paper, for the 年度考核 and 专项督察 built-ins (示范创建: see
test_score_meaning.py and test_views_agree.py): every section row of 评分明细 adds up from the
rows below it, 评分汇总 and 评分明细 carry the engine's numbers, 未评 is never 0 — with
hand-worked figures, including a half-up rounding and renormalisation over 不涉及 items.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import openpyxl

from fzzf_tui.exporting import export_inspection
from fzzf_tui.exporting.score_sheets import DETAIL_HEADERS
from fzzf_tui.inspection import conditions

H = {name: i for i, name in enumerate(DETAIL_HEADERS)}


def sheets(path):
    wb = openpyxl.load_workbook(path)
    detail = {r[0]: r for r in wb["评分明细"].iter_rows(min_row=4, values_only=True) if r[0]}
    summary = {r[0]: r for r in wb["评分汇总"].iter_rows(min_row=4, values_only=True) if r[0]}
    info = {r[0]: r[1] for r in wb["检查信息"].iter_rows(min_row=4, values_only=True) if r[0]}
    return detail, summary, info


def check_paper(checklist, report, detail, summary) -> int:
    """Every row adds up from the rows below; both sheets print the engine's numbers."""
    checked = 0
    for item in checklist.walk():
        row, ns = detail[item.code], report.nodes[item.code]
        if item.is_leaf:
            if row[H["评分结果"]] == "未评":
                assert row[H["得分"]] is None  # blank, never 0
            continue
        if not ns.applicable:
            assert row[H["不涉及"]] == "是" and row[H["得分"]] is None
            continue
        if not ns.has_value:
            assert row[H["得分"]] == "未评" and row[H["下级得分合计"]] is None
            continue
        kids = [detail[c.code] for c in item.children if detail[c.code][H["不涉及"]] != "是"]
        assert row[H["应得分"]] == round(sum(k[H["满分"]] for k in kids), 2)
        got = sum(k[H["得分"]] for k in kids if isinstance(k[H["得分"]], (int, float)))
        assert row[H["下级得分合计"]] == round(got, 2)
        exact = Decimal(str(row[H["下级得分合计"]])) / Decimal(str(row[H["应得分"]])) * Decimal(str(row[H["满分"]]))
        assert row[H["得分"]] == float(exact.quantize(Decimal("0.01"), ROUND_HALF_UP)) == ns.earned
        checked += 1
    for item in checklist.items:
        ns = report.nodes[item.code]
        expected = ns.earned if ns.has_value else "未评"
        if not ns.applicable:
            expected = "不涉及"
        assert summary[item.code][3] == expected
        assert detail[item.code][H["得分"]] == (None if expected == "不涉及" else expected)
    assert summary["合计"][3] == detail["合计"][H["得分"]] == report.total
    return checked


def test_special_half_up_and_renormalised_rows_add_up(store, special_checklist, tmp_path) -> None:
    ins = store.create(special_checklist, "某县政府", ["王强"], "2026-05-01", who="王强")
    try:
        ins.set_na("4.1", "本年度无相关事项")
        for code, cases in (("4.2", 1), ("4.3", 0), ("4.4", 3)):  # 4.5 stays 未评
            ins.set_value(code, cases)
        ins.set_na("6.1", "本年度无行政复议案件")
        for code, cases in (("6.2", 1), ("6.3", 0), ("6.4", 2)):
            ins.set_value(code, cases)
        report = ins.score()
        detail, summary, info = sheets(export_inspection(ins, "xlsx", tmp_path / "o.xlsx"))
    finally:
        ins.close()
    n = report.nodes
    # 4 (20): 4.2 5 − 0.5 = 4.5, 4.3 4, 4.4 4 − 1.5 = 2.5, 4.5 未评 (applicable: it counts in 应得分)
    # 应得分 5 + 4 + 4 + 4 = 17, 下级得分合计 11 → 11 ÷ 17 × 20 = 12.941… → 12.94
    assert (n["4"].applicable_max, n["4"].children_earned, n["4"].earned) == (17, 11, 12.94)
    # 6 (15): 6.1 不涉及; 3.5 + 4 + 3 = 10.5 of 12 → 13.125 → 13.13 (half-up, not to even)
    assert (n["6"].applicable_max, n["6"].children_earned, n["6"].earned) == (12, 10.5, 13.13)
    assert report.total == 26.07 and report.grade == "" and report.unscored == 23
    assert check_paper(special_checklist, report, detail, summary) == 2
    assert detail["4.5"][H["评分结果"]] == "未评" and summary["1"][3] == "未评" and summary["1"][4] is None
    assert (detail["4"][H["应得分"]], detail["4"][H["下级得分合计"]], detail["4"][H["得分"]]) == (17, 11, 12.94)
    assert (detail["6"][H["应得分"]], detail["6"][H["下级得分合计"]], detail["6"][H["得分"]]) == (12, 10.5, 13.13)
    assert info["总分"] == 26.07 and info["等次"] == "未评定（尚有 23 项未评）"


def test_annual_profile_and_findings_rows_add_up(store, annual_checklist, tmp_path) -> None:
    ins = store.create(annual_checklist, "中直某局", ["张明"], "2026-05-01", who="张明")
    try:
        conditions.mark(ins, "中直机构")
        for code, cases in (("1.11.1.1", 0), ("1.11.1.2", 1), ("1.11.4.2", 0), ("1.11.4.3", 0),
                            ("1.1.2.1", 4), ("1.3.1.1", 0)):
            if ins.result(code) is None:
                ins.set_value(code, cases)
        report = ins.score()
        detail, summary, info = sheets(export_inspection(ins, "xlsx", tmp_path / "o.xlsx"))
    finally:
        ins.close()
    n = report.nodes
    assert ins.result("1.3.1.1").na  # tagged 中直机构不涉及: the profile made it 不涉及, not scored
    # 1.11 (2.04): (0.25 + 0.77) ÷ (0.51 + 0.77) × 2.04 = 1.625625 → 1.63 (see docs/scoring.md)
    assert (n["1.11"].applicable_max, n["1.11"].children_earned, n["1.11"].earned) == (1.28, 1.02, 1.63)
    # 1.1.2.1 (0.17) with four findings: 0.17 − 2 → 0 (扣完为止)
    assert n["1.1.2.1"].earned == 0 and detail["1.1.2.1"][H["得分"]] == 0  # a real 0, not 未评
    assert check_paper(annual_checklist, report, detail, summary) >= 4
    assert detail["2"][H["得分"]] == "未评" and summary["2"][3] == "未评"
    assert summary["1"][5:8] == (70, 5, 24)  # 评分项数 70: 已评 5, 不涉及 24 (中直机构 in 一、)
    assert info["不涉及项数"] == report.na == 48 and info["单位情形"].startswith("中直机构")
