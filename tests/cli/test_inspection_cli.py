"""Scripting inspections with the CLI, on a real data dir."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fzzf_tui.cli import cli


def run(*args: str, ok: bool = True):
    out = CliRunner().invoke(cli, list(args))
    if ok:
        assert out.exit_code == 0, out.output
    return out


def test_full_scripted_inspection(tmp_path: Path) -> None:
    created = json.loads(run("new", "--checklist", "special-2008", "--unit", "某县司法局", "--inspector", "王强", "--json").output)
    ins_id, path = created["id"], created["file"]
    assert Path(path).exists()
    run("score", ins_id, "1.1", "2", "--note", "两处未审查")
    bad = run("score", ins_id, "1.1", "两处", ok=False)
    assert bad.exit_code == 1 and "处数" in bad.output
    run("na", ins_id, "1.2", "--reason", "无重大决策")
    ev = tmp_path / "会议纪要.pdf"
    ev.write_bytes(b"%PDF-1.4")
    f = json.loads(run("finding", "add", ins_id, "--item", "1.1", "--text", "决策未经合法性审查", "--evidence", str(ev),
                       "--severity", "严重", "--due", "2026-12-31", "--json").output)
    assert f["evidence"][0]["size"] == 8 and f["units"]
    run("finding", "set-status", ins_id, f["id"], "整改中")
    shown = json.loads(run("show", ins_id, "--json").output)
    assert shown["score"]["scored"] == 2 and shown["findings"]["by_status"]["整改中"] == 1
    listed = json.loads(run("list", "--json").output)
    assert listed[0]["unit"] == "某县司法局"
    run("finalize", ins_id)
    refused = run("score", ins_id, "1.3", "0", ok=False)
    assert "重新打开" in refused.output
    run("reopen", ins_id, "--reason", "补录")
    run("score", ins_id, "1.3", "0")
    assert "已撤销：指标 1.3《" in run("undo", ins_id).output
    assert "已重做：指标 1.3《" in run("redo", ins_id).output and "没有可重做" in run("redo", ins_id).output
    assert run("verify", path).exit_code == 0 and run("verify", ins_id).exit_code == 0
    assert json.loads(run("verify", path, "--json").output)["ok"] is True


def test_unknown_inspection_and_checklist_give_chinese_errors() -> None:
    out = run("show", "nope", ok=False)
    assert out.exit_code == 1 and "找不到检查" in out.output
    out = run("new", "--checklist", "nope", "--unit", "x", ok=False)
    assert "没有编号为“nope”的清单" in out.output


def test_demo_writes_examples_once(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    out = run("demo", "--dir", str(target), "--no-open")
    assert "3 个示例" in out.output
    assert len(list((target / "inspections").glob("*.fzzf"))) == 3
    out = run("demo", "--dir", str(target), "--no-open")
    assert "已在" in out.output


def test_open_resolves_the_inspection_before_starting_the_ui(monkeypatch) -> None:
    import fzzf_tui.ui.app as ui_app

    created = json.loads(run("new", "--checklist", "special-2008", "--unit", "某单位", "--json").output)
    seen = []
    monkeypatch.setattr(ui_app, "run_app", lambda open_path=None: seen.append(open_path))
    run("open", created["id"])
    assert seen == [created["file"]]
    out = run("open", "no-such-id", ok=False)
    assert out.exit_code == 1 and "找不到检查" in out.output and len(seen) == 1
