"""Merging a team's files and 回头看 follow-ups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.errors import InspectionError, InvalidValue
from fzzf_tui.inspection import Inspection
from fzzf_tui.inspection.merge import merge_inspections


def two_inspectors(store, checklist):
    a = store.create(checklist, "洛阳市司法局", ["张明"], who="张明")
    b = store.create(checklist, "洛阳市 司法局", ["李华"], who="李华")
    a.set_value("1.1.1", "完全达到")
    b.set_value("1.1.1", "完全达到")  # same → combined
    a.set_value("1.1.2", "基本达到")
    b.set_value("1.1.2", "部分达到")  # differs → conflict
    a.set_value("2.1.23", "完全达到")  # only a
    b.set_na("2.1.24", "无立法权")  # only b
    fa = a.add_finding("审批清单未公开", item_code="1.1.1")
    fb = b.add_finding("中介服务未清理", item_code="1.1.3")
    paths = a.path, b.path
    a.close(), b.close()
    return paths, fa, fb


def test_merge_combines_lists_conflicts_and_keeps_findings(store, demo_checklist, tmp_path: Path) -> None:
    (pa, pb), fa, fb = two_inspectors(store, demo_checklist)
    out = tmp_path / "合并.fzzf"
    report = merge_inspections([pa, pb], out)
    assert report.combined == 3 and [c["code"] for c in report.conflicts] == ["1.1.2"]
    cands = report.conflicts[0]["candidates"]
    assert {c["by"] for c in cands} == {"张明", "李华"} and all(c["at"] for c in cands)
    with Inspection.open(out) as m:
        assert m.result("1.1.2") is None  # left unresolved
        assert m.result("1.1.1").value == "完全达到" and m.result("2.1.24").na
        assert {f.id for f in m.findings()} == {fa.id, fb.id}
        assert m.meta["inspectors"] == ["张明", "李华"]
        src = m.db.table("source_audits").all()
        assert len(src) == 2 and all(len(s["entries"]) >= 4 for s in src)
        assert m.verify().ok
        with pytest.raises(InvalidValue):
            m.resolve_conflict("1.1.2", 3)
        m.resolve_conflict("1.1.2", 2)
        assert m.result("1.1.2").value == cands[1]["result"]["value"] and m.conflicts() == []
        assert m.audit()[-1]["action"] == "resolve"


def test_merge_refuses_different_checklist_hashes(store, demo_checklist, special_checklist, tmp_path: Path) -> None:
    a = store.create(demo_checklist, "单位")
    b = store.create(special_checklist, "单位")
    a.close(), b.close()
    with pytest.raises(InspectionError, match="清单版本不同"):
        merge_inspections([a.path, b.path], tmp_path / "x.fzzf")
    assert not (tmp_path / "x.fzzf").exists()
    out = CliRunner().invoke(cli, ["merge", str(a.path), str(b.path), "-o", str(tmp_path / "y.fzzf")])
    assert out.exit_code == 1 and "清单版本不同" in out.output


def test_merge_cli_reports_conflicts(store, demo_checklist, tmp_path: Path) -> None:
    (pa, pb), _, _ = two_inspectors(store, demo_checklist)
    out = CliRunner().invoke(cli, ["merge", str(pa), str(pb), "-o", str(tmp_path / "m.fzzf"), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["conflicts"][0]["code"] == "1.1.2"
    again = CliRunner().invoke(cli, ["merge", str(pa), str(pb), "-o", str(tmp_path / "m.fzzf")])
    assert again.exit_code == 1 and "不会覆盖" in again.output
    res = CliRunner().invoke(cli, ["resolve", str(tmp_path / "m.fzzf"), "1.1.2", "1"])
    assert res.exit_code == 0 and "剩余冲突 0" in res.output


def test_follow_up_contains_only_items_with_open_findings(store, demo_checklist) -> None:
    ins = store.create(demo_checklist, "单位")
    f1 = ins.add_finding("问题一", item_code="1.1.3")
    f2 = ins.add_finding("问题二", item_code="3.2.40")
    f3 = ins.add_finding("已解决", item_code="1.1.1")
    for st, rv in (("整改中", ""), ("已整改", ""), ("已销号", "复查通过")):
        ins.set_finding_status(f3.id, st, rv)
    ins.finalize()
    path = ins.path
    ins.close()
    out = CliRunner().invoke(cli, ["follow-up", str(path), "--json"])
    assert out.exit_code == 0, out.output
    d = json.loads(out.output)
    assert d["items"] == 2 and d["findings"] == 2
    with Inspection.open(d["file"]) as fu:
        assert [leaf.code for leaf in fu.checklist.leaves()] == ["1.1.3", "3.2.40"]
        assert fu.checklist.item("3.2.40").title == demo_checklist.item("3.2.40").title
        assert {f.origin for f in fu.findings()} == {f1.id, f2.id}
        assert fu.meta["follow_up_of"]["id"]
        copy = next(f for f in fu.findings() if f.origin == f1.id)
        fu.set_finding_status(copy.id, "已整改", "已公开")
        fu.set_finding_status(copy.id, "已销号", "复查属实")
    out = CliRunner().invoke(cli, ["follow-up", d["file"], "--sync"])
    assert out.exit_code == 0, out.output
    with Inspection.open(path, readonly=True) as orig:
        assert orig.finding(f1.id).status == "已销号" and orig.finding(f2.id).status == "待整改"
        assert orig.verify().ok  # rectification after 完成 keeps the seal valid


def test_follow_up_without_open_findings_is_refused(store, special_checklist) -> None:
    ins = store.create(special_checklist, "单位")
    ins.close()
    out = CliRunner().invoke(cli, ["follow-up", str(ins.path)])
    assert out.exit_code == 1 and "无需回头看" in out.output
