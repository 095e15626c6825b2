"""The inspection record: results, 不涉及, findings lifecycle, seal, undo, snapshot, audit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.errors import InvalidValue, ReadOnlyInspection
from fzzf_tui.inspection import Evidence, Inspection, InspectionStore, verify_file
from fzzf_tui.plugins import reset_plugins


def test_results_are_stored_with_who_and_when(store, demo_checklist) -> None:
    ins = store.create(demo_checklist, "洛阳市司法局", ["张明"], "2026-11-20")
    ins.set_value("1.1.1", "1", note="清单已公布")
    ins.set_na("1.1.5", "本单位不承担此职责")
    path = ins.path
    ins.close()
    again = Inspection.open(path, readonly=True)
    r = again.result("1.1.1")
    assert r.value == "完全达到" and r.note == "清单已公布" and r.by == "测试员" and r.at
    assert again.result("1.1.5").na and again.result("1.1.5").na_reason == "本单位不承担此职责"
    assert again.meta["date"] == "2026-11-20" and again.meta["inspectors"] == ["张明"]


def test_invalid_values_are_refused_and_never_stored(store, demo_checklist) -> None:
    ins = store.create(demo_checklist, "单位")
    before = ins.path.read_bytes()
    with pytest.raises(InvalidValue):
        ins.set_value("1.1.1", "9")
    with pytest.raises(InvalidValue, match="理由"):
        ins.set_na("1.1.1", "  ")
    with pytest.raises(InvalidValue, match="没有编号"):
        ins.set_value("9.9.9", "1")
    with pytest.raises(InvalidValue, match="分类"):
        ins.set_value("1.1", "1")
    assert ins.path.read_bytes() == before
    assert ins.results() == {}
    ins.close()


def test_finding_defaults_and_rectification_lifecycle(store, demo_checklist, tmp_path: Path) -> None:
    ins = store.create(demo_checklist, "单位")
    ev = tmp_path / "照片.jpg"
    ev.write_bytes(b"\xff\xd8jpeg")
    f = ins.add_finding("清单未公开", item_code="1.1.1", evidence=[Evidence.from_file(ev), "现场查看"], severity="较重",
                        requirement="限期公开", due="2026年12月31日")
    assert f.units == demo_checklist.item("1.1.1").units  # 责任单位 defaults to the item's
    assert f.due == "2026-12-31" and f.status == "待整改"
    assert f.evidence[0].size == 6 and len(f.evidence[0].sha256) == 64 and f.evidence[0].check() is None
    ev.write_bytes(b"changed")
    assert "已被修改" in f.evidence[0].check()
    with pytest.raises(InvalidValue, match="不能从"):
        ins.set_finding_status(f.id, "已销号")
    ins.set_finding_status(f.id, "整改中")
    ins.set_finding_status(f.id, "已整改", "已在网站公开")
    with pytest.raises(InvalidValue, match="复查意见"):
        Inspection.set_finding_status(ins, f.id, "已销号", "")
    done = ins.set_finding_status(f.id, "已销号", "复查属实，同意销号")
    assert done.review == "复查属实，同意销号"
    assert [h.get("to") for h in done.history if h["action"] == "状态"] == ["整改中", "已整改", "已销号"]
    whole = ins.add_finding("整体问题：未建立台账")
    assert whole.item_code is None and whole.units == ()
    with pytest.raises(InvalidValue):
        ins.add_finding("x", severity="很严重")
    with pytest.raises(InvalidValue):
        ins.add_finding("x", due="明年")
    edited = ins.update_finding(whole.id, requirement="建立台账", units=["市司法局"])
    assert edited.units == ("市司法局",) and edited.history[-1]["fields"] == ["requirement", "units"]
    ins.close()


def test_finalize_seals_and_reopen_needs_reason(store, special_checklist) -> None:
    ins = store.create(special_checklist, "单位")
    ins.set_value("1.1", 1)
    f = ins.add_finding("问题", item_code="1.1")
    ins.finalize()
    assert ins.status == "已完成" and ins.meta["seal"]["content"]
    with pytest.raises(ReadOnlyInspection, match="重新打开"):
        ins.set_value("1.1", 0)
    # rectification continues after 完成 without breaking the seal
    ins.set_finding_status(f.id, "整改中")
    assert ins.verify().ok
    with pytest.raises(InvalidValue, match="原因"):
        ins.reopen("")
    ins.archive()
    assert ins.status == "已归档" and ins.path.exists()
    ins.reopen("复查发现评分有误")
    assert ins.status == "进行中" and ins.meta["reopens"][-1]["reason"] == "复查发现评分有误"
    ins.set_value("1.1", 0)
    assert any(e["action"] == "reopen" and e.get("reason") == "复查发现评分有误" for e in ins.audit())
    ins.close()


def test_undo_reverts_last_change_and_is_audited(store, demo_checklist) -> None:
    ins = store.create(demo_checklist, "单位")
    ins.set_value("1.1.1", "1")
    ins.set_value("1.1.1", "3")
    f = ins.add_finding("问题", item_code="1.1.1")
    assert "新增问题" in ins.undo()
    assert f.id not in {x.id for x in ins.findings()}
    assert "评分" in ins.undo()
    assert ins.result("1.1.1").value == "完全达到"
    ins.undo()
    assert ins.result("1.1.1") is None
    assert ins.undo() is None  # nothing left (creation is not undoable)
    actions = [e["action"] for e in ins.audit()]
    assert actions.count("undo") == 3
    assert ins.verify().ok
    ins.close()


def test_checklist_edits_never_change_a_saved_inspection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = Path(__file__).resolve().parents[2] / "fzzf_tui/default_plugins/checklists/special_2008.yaml"
    folder = tmp_path / "checklists"
    folder.mkdir()
    local = folder / "mine.yaml"
    local.write_text(src.read_text(encoding="utf-8").replace("id: special-2008", "id: mine"), encoding="utf-8")
    monkeypatch.setenv("FZZF_CHECKLISTS_DIR", str(folder))
    reset_plugins()
    from fzzf_tui.plugins import get_plugins

    checklist = get_plugins().get_checklist("mine")
    store = InspectionStore()
    ins = store.create(checklist, "单位")
    ins.set_value("1.1", 2)
    before = ins.score().total
    points_before = ins.checklist.item("1.1").points
    path = ins.path
    ins.close()
    # the maintainer doubles every per-case deduction and renames an item
    text = local.read_text(encoding="utf-8").replace("per_case: 0.5", "per_case: 1")
    local.write_text(text, encoding="utf-8")
    reset_plugins()
    assert get_plugins().get_checklist("mine").content_hash != checklist.content_hash
    again = Inspection.open(path)
    assert again.checklist.content_hash == checklist.content_hash
    assert again.score().total == before and again.checklist.item("1.1").points == points_before
    again.close()


def test_tampering_with_an_audit_entry_is_detected(store, special_checklist) -> None:
    ins = store.create(special_checklist, "单位")
    for code in ("1.1", "1.2", "1.3"):
        ins.set_value(code, 1)
    path = ins.path
    ins.close()
    assert verify_file(path).ok
    data = json.loads(path.read_text(encoding="utf-8"))
    data["audit"]["3"]["new"]["value"] = 0  # someone edits entry 3 by hand
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = verify_file(path)
    assert not report.ok and report.first_broken_seq == 3
    out = CliRunner().invoke(cli, ["verify", str(path)])
    assert out.exit_code == 1 and "第 3 条" in out.output


def test_changing_a_sealed_result_by_hand_breaks_the_seal(store, special_checklist, tmp_path: Path) -> None:
    ins = store.create(special_checklist, "单位")
    ins.set_value("1.1", 1)
    ins.finalize()
    path = ins.path
    ins.close()
    copy = tmp_path / "copy.fzzf"
    shutil.copy(path, copy)
    data = json.loads(copy.read_text(encoding="utf-8"))
    key = next(iter(data["results"]))
    data["results"][key]["value"] = 0
    copy.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = verify_file(copy)
    assert not report.ok and "封存" in report.problems[0]
    assert verify_file(path).ok


def test_store_lists_and_resolves(store, demo_checklist, special_checklist, tmp_path: Path) -> None:
    a = store.create(demo_checklist, "甲单位")
    b = store.create(special_checklist, "乙/单位:*")  # unsafe characters in the name
    a.set_value("1.1.1", "1")
    a.close(), b.close()
    assert "/" not in b.path.name[len(str(b.path.parent)):] and ":" not in b.path.name
    rows = {s.unit: s for s in store.summaries()}
    assert rows["甲单位"].total == pytest.approx(10) and rows["甲单位"].type == "示范创建"
    assert store.resolve(a.id) == a.path and store.resolve(str(b.path)) == b.path
    (store.root / "坏文件.fzzf").write_text("{", encoding="utf-8")
    bad = [s for s in store.summaries() if s.error]
    assert len(bad) == 1 and "损坏" in bad[0].error


def test_replacing_the_snapshot_and_its_hash_is_detected(store, special_checklist, demo_checklist) -> None:
    from fzzf_tui.checklist.model import canonical_json

    ins = store.create(special_checklist, "单位")
    path = ins.path
    ins.close()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["checklist"]["1"]["json"] = canonical_json(demo_checklist.to_dict())
    data["meta"]["1"]["checklist_hash"] = demo_checklist.content_hash
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = verify_file(path)
    assert not report.ok and "快照被替换" in report.problems[-1]


def test_status_path_follows_allowed_transitions() -> None:
    from fzzf_tui.inspection.findings import status_path

    assert status_path("待整改", "已销号") == ["已整改", "已销号"]
    assert status_path("已销号", "待整改") == ["整改中", "待整改"]
    assert status_path("整改中", "整改中") == []
