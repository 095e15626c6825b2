"""The inspection record: results, 不涉及, findings lifecycle, seal, undo, snapshot, audit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.errors import InvalidValue, ReadOnlyInspection
from fzzf_tui.inspection import Evidence, Inspection, InspectionStore, verify_file
from fzzf_tui.plugins import reset_plugins

from ..forge import read_tables, write_tables


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
    data = read_tables(path)
    data["audit"]["3"]["new"]["value"] = 0  # someone edits entry 3 by hand
    write_tables(path, data)
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
    data = read_tables(copy)
    key = next(iter(data["results"]))
    data["results"][key]["value"] = 0
    write_tables(copy, data)
    report = verify_file(copy)
    # the replayed chain names the item before the seal is even looked at
    assert not report.ok and "指标 1.1 的评分与审计记录不符" in report.problems[0] and "文件中为 0" in report.problems[0]
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
    data = read_tables(path)
    data["checklist"]["1"]["json"] = canonical_json(demo_checklist.to_dict())
    data["meta"]["1"]["checklist_hash"] = demo_checklist.content_hash
    write_tables(path, data)
    report = verify_file(path)
    assert not report.ok and "快照被替换" in report.problems[-1]


def test_status_path_follows_allowed_transitions() -> None:
    from fzzf_tui.inspection.findings import status_path

    assert status_path("待整改", "已销号") == ["已整改", "已销号"]
    assert status_path("已销号", "待整改") == ["整改中", "待整改"]
    assert status_path("整改中", "整改中") == []


def test_undo_and_redo_name_the_item_and_the_values(store, demo_checklist) -> None:
    ins = store.create(demo_checklist, "单位")
    ins.set_value("1.1.1", "1")
    ins.set_value("1.1.2", "2")
    f = ins.add_finding("审批清单未向社会公布，群众无法查询", item_code="1.1.3")

    def title(code: str) -> str:
        return demo_checklist.item(code).title[:18] + "…"

    msg = ins.undo()
    # the latest change is undone, and the message says exactly which finding on which item
    assert msg == f"已撤销：新增问题“审批清单未向社会公布，群…”（指标 1.1.3《{title('1.1.3')}》），该问题已移除"
    assert f.id not in {x.id for x in ins.findings()}
    msg = ins.undo()
    assert msg == f"已撤销：指标 1.1.2《{title('1.1.2')}》的评分（基本达到 → 未评）" and ins.result("1.1.2") is None
    assert ins.redo() == msg.replace("已撤销", "已重做").replace("（基本达到 → 未评）", "（未评 → 基本达到）")
    assert ins.result("1.1.2").value == "基本达到"
    assert "新增问题" in ins.redo() and ins.finding(f.id).description.startswith("审批清单")
    assert ins.redo() is None  # nothing left to redo
    ins.undo()
    ins.set_note("1.1.1", "新的备注")  # a new change empties the redo stack
    assert ins.redo() is None and ins.last_redoable() is None
    assert ins.undo() == f"已撤销：指标 1.1.1《{title('1.1.1')}》的备注（“新的备注” → 无备注）"
    actions = [e["action"] for e in ins.audit()]
    assert actions.count("undo") == 4 and actions.count("redo") == 2
    path = ins.path
    ins.close()
    # the stacks are rebuilt from the trail when the file is opened again
    with Inspection.open(path) as again:
        assert again.verify().ok
        assert "指标 1.1.2" in again.undo() and again.result("1.1.2") is None
        assert "指标 1.1.2" in again.redo() and again.result("1.1.2").value == "基本达到"


def test_undo_never_crosses_finalize_and_messages_status_changes(store, special_checklist) -> None:
    ins = store.create(special_checklist, "单位")
    f = ins.add_finding("执法公示不全", item_code="1.1")
    ins.set_finding_status(f.id, "整改中")
    assert ins.undo() == "已撤销：问题“执法公示不全”（指标 1.1《" + special_checklist.item("1.1").title[:18] + "…》）的整改状态（整改中 → 待整改）"
    ins.finalize()
    with pytest.raises(ReadOnlyInspection):
        ins.undo()
    ins.reopen("补充")
    assert ins.undo() is None  # nothing before the reopen can be undone
    ins.close()


def edited_copy(ins, tmp_path: Path, change) -> Path:
    path = ins.path
    copy = tmp_path / f"copy-{len(list(tmp_path.iterdir()))}.fzzf"
    shutil.copy(path, copy)
    data = read_tables(copy)
    change(data)
    write_tables(copy, data)
    return copy


@pytest.mark.parametrize(
    "what, change, named",
    [
        ("result", lambda d: [r.update(value=0) for r in d["results"].values() if r["code"] == "1.2"], "指标 1.2 的评分与审计记录不符"),
        ("finding", lambda d: [f.update(severity="一般") for f in d["findings"].values()], "问题"),
        ("meta", lambda d: d["meta"]["1"].update(unit="别的单位"), "检查信息“unit”与审计记录不符"),
        ("removed result", lambda d: d["results"].pop(next(k for k, r in d["results"].items() if r["code"] == "1.1")),
         "指标 1.1 的评分与审计记录不符（审计记录中有评分，文件中没有）"),
    ],
)
def test_hand_edited_state_fails_verify_naming_the_item(store, special_checklist, tmp_path: Path, what, change, named) -> None:
    ins = store.create(special_checklist, "单位")
    ins.set_value("1.1", 1)
    ins.set_value("1.2", 2)
    ins.add_finding("重大决策未经合法性审查", item_code="1.2", severity="严重")
    ins.close()
    copy = edited_copy(ins, tmp_path, change)
    report = verify_file(copy)
    assert not report.ok and named in report.problems[0], report.problems
    out = CliRunner().invoke(cli, ["verify", str(copy)])
    assert out.exit_code == 1 and named in out.output
    # `show` refuses it too: an edited file is not opened as if it were the record
    out = CliRunner().invoke(cli, ["show", str(copy)])
    assert out.exit_code != 0 and named in out.output and "fzzf verify" in out.output
    assert verify_file(ins.path).ok


def test_every_kind_of_change_replays_exactly(store, special_checklist, tmp_path: Path) -> None:
    """Bulk, merge-style, meta, resolve and lifecycle changes are all in the chain: replaying it
    from nothing gives the stored state."""
    from fzzf_tui.inspection import Result

    ins = store.create(special_checklist, "单位", ["甲"], "2026-01-02", title="专项")
    ins.set_value("1.1", 1)
    ins.update_info(inspectors=["甲", "乙"], title="专项督察")
    ins.bulk_apply("import", {"n": 2}, results=[Result("1.2", 2, by="乙", at="2026-01-02T10:00:00+08:00"),
                                               Result("1.3", None, True, "无此职责", by="乙", at="x")],
                   meta={"conflicts": [{"code": "1.4", "title": "t", "candidates": [
                       {"source": "a", "file": "a", "by": "甲", "at": "", "result": Result("1.4", 1).to_dict()},
                       {"source": "b", "file": "b", "by": "乙", "at": "", "result": Result("1.4", 0).to_dict()}]}]},
                   tables={"source_audits": [{"source": "a", "entries": []}]})
    ins.resolve_conflict("1.4", 2)
    f = ins.add_finding("问题", item_code="1.1")
    ins.update_finding(f.id, requirement="限期整改", units=["某局"])
    ins.finalize()
    ins.set_finding_status(f.id, "整改中", "已开始")
    ins.archive()
    ins.reopen("复查")
    ins.undo() if ins.last_undoable() else None
    report = ins.verify()
    assert report.ok and report.notes == [], report
    path = ins.path
    ins.close()
    assert verify_file(path).ok
    with Inspection.open(path, readonly=True) as again:
        assert again.result("1.4").value == 0 and again.meta["inspectors"] == ["甲", "乙"]
        assert [e["action"] for e in again.audit()][:3] == ["create", "score", "info"]
