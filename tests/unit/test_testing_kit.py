"""The author kit's testing helpers (fzzf_tui.testing), used on the built-in checklists — and
shown to fail when scoring, loading or the export goes wrong."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from openpyxl import load_workbook

import fzzf_tui.testing.extremes as extremes
from fzzf_tui.checklist import checklist_from_dict
from fzzf_tui.testing import (
    NA,
    assert_plugin_ok,
    assert_scoring,
    assert_valid,
    load_plugin,
    run_inspection,
    scenarios,
    score,
)

BUILTIN = "fzzf_tui.default_plugins.builtin_checklists"

SMALL = {
    "format": "fzzf-checklist/1", "id": "small", "title": "小清单", "type": "专项督察", "version": "1",
    "scoring": {"total": 20, "children_sum": False},  # lets the bonus section cap (2) sit below its item (3)
    "items": [
        {"code": "1", "title": "甲", "points": 10, "children": [
            {"code": "1.1", "title": "甲一", "points": 4, "method": "yesno"},
            {"code": "1.2", "title": "甲二", "points": 6, "method": "deduction", "deduction": {"per_case": 1, "floor": 1}},
        ]},
        {"code": "2", "title": "乙", "points": 10, "method": "graded",
         "levels": [{"name": "好", "fraction": 1}, {"name": "差", "fraction": 0.2}]},
        {"code": "3", "title": "加分", "kind": "bonus", "points": 2, "children": [
            {"code": "3.1", "title": "经验推广", "points": 3, "method": "yesno"}]},
        {"code": "4", "title": "减分", "kind": "penalty", "points": 5, "children": [
            {"code": "4.1", "title": "被纠错", "points": 5, "method": "deduction", "deduction": {"per_case": 2, "floor": 0}}]},
    ],
}


# -- the built-ins, through the helpers authors use ----------------------------------------------
def test_builtin_plugin_loads_cleanly(fzzf) -> None:
    plugin = fzzf.plugin(BUILTIN)
    assert set(plugin.checklists) == {"demonstration-2020", "annual-2019", "special-2008"}
    assert plugin.kind == "default" and plugin.version


@pytest.mark.parametrize(
    "checklist_id, all_met, penalties",
    [("demonstration-2020", 1020, 960), ("annual-2019", 100, None), ("special-2008", 100, None)],
)
def test_builtins_score_as_their_numbers_say(fzzf, checklist_id: str, all_met: float, penalties: float | None) -> None:
    checklist = fzzf.checklist(checklist_id)
    done = {s.name: s for s in fzzf.assert_scoring(checklist)}
    assert done["all_met"].report.total == pytest.approx(all_met)
    assert done["all_met"].report.grade == "优秀" and done["all_met"].report.completion == 1
    assert done["all_failed"].report.total == 0 and done["all_failed"].report.grade == "不合格"
    assert done["all_na"].report.na == checklist.leaf_count
    if penalties is None:
        assert "penalties" not in done
    else:
        assert done["penalties"].report.total == pytest.approx(penalties)


@pytest.mark.parametrize("checklist_id, limit", [("special-2008", None), ("demonstration-2020", None), ("annual-2019", 60)])
def test_builtins_whole_inspection_through_store_and_workbook(fzzf, checklist_id: str, limit: int | None) -> None:
    checklist = fzzf.checklist(checklist_id)
    run = fzzf.run_inspection(checklist, limit=limit)
    assert run.ok, run.problems
    assert run.info["清单编号"] == checklist_id
    assert run.info["清单来源"] == "fzzf-tui 内置 0.1.0"
    assert run.path.is_file() and run.workbook.suffix == ".xlsx"


# -- scenarios: expectations from the checklist's numbers -----------------------------------
def test_expected_values_of_a_small_checklist() -> None:
    c = checklist_from_dict(SMALL)
    by = {s.name: s for s in scenarios(c)}
    # all met: base 20, bonus capped at 2, no penalty
    assert (by["all_met"].base, by["all_met"].bonus, by["all_met"].penalty, by["all_met"].total) == (20, 2, 0, 22)
    # all failed: 1.2 keeps its floor 1 of 6, 2 keeps 20 % of 10; section 1 = 1/10*10; penalty 5 cases*2 capped 5
    failed = by["all_failed"]
    assert failed.values["1.2"] == 5 and failed.values["4.1"] == 3 and failed.values["2"] == "差"
    assert failed.base == pytest.approx(1 + 2) and failed.penalty == 5 and failed.total == 0
    assert by["penalties"].total == pytest.approx(15)
    assert_scoring(c)  # the engine agrees


def test_na_renormalisation_is_expected_independently() -> None:
    c = checklist_from_dict(SMALL)
    values = {code: extremes.best_value(c.item(code)) for code in ("1.2", "2", "3.1", "4.1")}
    values["1.1"] = NA
    report = score(c, values)
    expected = extremes.expected_outcome(c, {"1.2": 6, "2": 10, "3.1": 3, "4.1": 5}, {"1.1"})
    assert report.total == pytest.approx(expected["total"]) == pytest.approx(22)


def test_assert_scoring_fails_when_the_engine_disagrees(monkeypatch: pytest.MonkeyPatch) -> None:
    real = extremes.score_inspection

    def uncapped_bonus(checklist, results, *args):
        report = real(checklist, results, *args)
        report.total += 1  # a scoring bug: the bonus cap is not applied
        return report

    monkeypatch.setattr(extremes, "score_inspection", uncapped_bonus)
    with pytest.raises(AssertionError) as err:
        assert_scoring(checklist_from_dict(SMALL))
    assert "全部达到：总分应为 22，评分结果为 23" in str(err.value)


def with_items(**changes) -> dict:
    """SMALL with item fields changed, e.g. with_items(**{"4.1": {"veto": {...}}})."""
    import copy

    data = copy.deepcopy(SMALL)

    def walk(items):
        for item in items:
            item.update(changes.get(item["code"], {}))
            walk(item.get("children", []))

    walk(data["items"])
    return data


def test_veto_and_grade_cap_scenarios_when_the_checklist_has_them() -> None:
    plain = checklist_from_dict(SMALL)
    assert not [s for s in scenarios(plain) if ":" in s.name]  # none without veto/grade_cap
    c = checklist_from_dict(with_items(**{"4.1": {"veto": {"grade": "不合格", "total": 5}}, "1.1": {"grade_cap": "合格"}}))
    by = {s.name: s for s in scenarios(c)}
    veto = by["veto:4.1"]
    assert veto.values["4.1"] == 3 and veto.values["1.1"] is True  # only the vetoed item fails
    assert (veto.grade, veto.total) == ("不合格", 5)  # the total is limited to 5
    cap = by["grade_cap:1.1"]
    assert cap.values["1.1"] is False and cap.grade == "合格"  # 18/20 would be 优秀, capped
    assert by["all_failed"].grade == "不合格" and by["all_met"].grade == "优秀"
    assert_scoring(c)  # the engine applies vetoes and caps as documented


def test_assert_scoring_catches_an_engine_that_ignores_vetoes(monkeypatch: pytest.MonkeyPatch) -> None:
    c = checklist_from_dict(with_items(**{"4.1": {"veto": {"grade": "不合格"}}}))
    real = extremes.score_inspection

    def no_veto(checklist, results, *args):
        report = real(checklist, results, *args)
        if report.vetoed:
            report.grade = report.grade_by_score
        return report

    monkeypatch.setattr(extremes, "score_inspection", no_veto)
    with pytest.raises(AssertionError, match="只有指标 4.1 失分（一票否决）：等次应为“不合格”，评分结果为“良好”"):
        assert_scoring(c)


def test_a_veto_that_can_never_trigger_is_reported() -> None:
    # every level of item 2 earns full points: it can never lose any
    data = with_items(**{"2": {"veto": {"grade": "不合格"}, "levels": [{"name": "好", "fraction": 1}, {"name": "较好", "fraction": 1}]}})
    c = checklist_from_dict(data)
    _, problems = extremes.run_scenarios(c)
    assert any("指标 2 设有一票否决，但它不会失分" in p for p in problems), problems


# -- loading and validating --------------------------------------------------------------------
def test_load_plugin_names_what_is_missing_or_wrong(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="没有加载名为 nosuch 的插件"):
        load_plugin("nosuch", plugin_dirs=[])
    d = tmp_path / "plugins"
    d.mkdir()
    (d / "typo.py").write_text(textwrap.dedent("""
        from fzzf_tui import hookimpl

        @hookimpl
        def register_checklist(register):
            pass
    """), encoding="utf-8")
    plugin = load_plugin("typo", plugin_dirs=[d])
    assert plugin.warnings and not plugin.errors
    with pytest.raises(AssertionError, match="register_checklist"):
        assert_plugin_ok("typo", plugin_dirs=[d])
    assert_plugin_ok("typo", warnings=False, plugin_dirs=[d])


def test_assert_valid_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: fzzf-checklist/1\nid: bad\ntitle: t\ntype: x\nversion: '1'\nitems:\n"
        "  - code: '1'\n    points: 3\n  - code: '1'\n    title: 重复\n    points: 2\n    method: magic\n",
        encoding="utf-8",
    )
    with pytest.raises(AssertionError) as err:
        assert_valid(bad)
    text = str(err.value)
    assert f"{bad}:7" in text and "缺少标题" in text and "重复" in text and "magic" in text
    assert assert_valid(SMALL).id == "small"


# -- the whole inspection catches a broken export -------------------------------------------------
def test_run_inspection_catches_a_workbook_that_disagrees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fzzf_tui.default_plugins.exporters as exporters

    real = exporters.write_xlsx

    def wrong_total(data, path, **options):
        real(data, path, **options)
        wb = load_workbook(path)
        ws = wb["检查信息"]
        for row in ws.iter_rows():
            if row[0].value == "总分":
                row[1].value = 99
        del wb["评分明细"]
        wb.save(path)

    monkeypatch.setattr(exporters, "write_xlsx", wrong_total)
    run = run_inspection(checklist_from_dict(SMALL), tmp_path)
    assert not run.ok
    assert any("总分为 99" in p for p in run.problems)
    assert any("缺少工作表“评分明细”" in p for p in run.problems)
