"""`fzzf na --condition` and `fzzf new --profile`: 不涉及 by the unit's profile, on a real data dir."""

from __future__ import annotations

import json

from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.inspection import Inspection


def run(*args: str, ok: bool = True):
    out = CliRunner().invoke(cli, list(args))
    if ok:
        assert out.exit_code == 0, out.output
    return out


def test_na_by_condition_one_step_undo_and_show() -> None:
    ins_id = json.loads(run("new", "--checklist", "annual-2019", "--unit", "中直某局", "--json").output)["id"]
    run("score", ins_id, "1.2.1.2", "1")  # scored first: left alone
    out = run("na", ins_id, "--condition", "中直机构")
    assert "已按“中直机构”标记不涉及 47 项（理由：原文标注“中直机构不涉及”）" in out.output
    assert "跳过已评分的 1 项（1.2.1.2），未改动" in out.output and "fzzf undo" in out.output
    shown = json.loads(run("show", ins_id, "--json").output)
    assert shown["na_profile"] == ["中直机构"] and shown["score"]["na"] == 47
    assert "单位情形 中直机构" in run("show", ins_id).output
    assert run("undo", ins_id).output.strip() == "已撤销：按“中直机构”批量标记不涉及（47 项）"
    shown = json.loads(run("show", ins_id, "--json").output)
    assert shown["score"]["na"] == 0 and shown["na_profile"] == [] and shown["score"]["valued"] == 1
    assert "已重做：按“中直机构”批量标记不涉及（47 项）" in run("redo", ins_id).output
    assert run("verify", ins_id).exit_code == 0


def test_new_with_profile_marks_at_creation() -> None:
    created = json.loads(run("new", "--checklist", "annual-2019", "--unit", "中直某局", "--profile", "中直机构",
                             "--profile", "无立法计划", "--json").output)
    assert created["profile"] == ["中直机构", "无立法计划"]
    assert [len(c["marked"]) for c in created["conditions"]] == [48, 9]
    with Inspection.open(created["file"], readonly=True) as ins:
        assert ins.result("2.12.3.2").na_reason == "原文标注“中直机构不涉及”"  # the first condition that reached it
        assert ins.result("2.12.4.1").na_reason == "原文标注“无立法计划不涉及”"
        assert [e["action"] for e in ins.audit()][-2:] == ["na.condition", "na.condition"]


def test_bad_profile_or_condition_says_what_there_is_and_creates_nothing() -> None:
    out = run("new", "--checklist", "annual-2019", "--unit", "某局", "--profile", "省直机构", ok=False)
    assert out.exit_code == 1 and "可选：中直机构、无立法计划、不涉及" in out.output
    assert json.loads(run("list", "--json").output) == []
    ins_id = json.loads(run("new", "--checklist", "special-2008", "--unit", "某县", "--json").output)["id"]
    out = run("na", ins_id, "--condition", "中直机构", ok=False)
    assert out.exit_code == 1 and "没有标注不涉及情形" in out.output
    out = run("na", ins_id, ok=False)
    assert out.exit_code == 2 and "--condition" in out.output and "没有标注不涉及情形" in out.output
    out = run("na", ins_id, "1.1", ok=False)
    assert out.exit_code == 2 and "--reason" in out.output
    out = run("na", ins_id, "1.1", "--condition", "x", ok=False)
    assert out.exit_code == 2 and "只能选一种" in out.output
    assert "已保存：1.1 不涉及（无重大决策）" in run("na", ins_id, "1.1", "--reason", "无重大决策").output


def test_listing_conditions_of_an_annual_inspection() -> None:
    ins_id = json.loads(run("new", "--checklist", "annual-2019", "--unit", "某局", "--json").output)["id"]
    out = run("na", ins_id, ok=False)
    assert "中直机构（原文标注“中直机构不涉及”，48 项）" in out.output
    assert "原文标注“不涉及”的条目（6 项）" in out.output
