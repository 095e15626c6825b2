"""`fzzf doctor` and `fzzf --version` on a real data dir, real plugins and real locks."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

import fzzf_tui
from fzzf_tui.cli import cli
from fzzf_tui.inspection.lock import InspectionLock, lock_state
from fzzf_tui.plugins import reset_plugins


def doctor(*args: str, code: int | None = 0):
    out = CliRunner().invoke(cli, ["doctor", *args])
    if code is not None:
        assert out.exit_code == code, out.output
    return out


def doctor_json() -> dict:
    return json.loads(doctor("--json", code=None).output)


def test_json_report_names_versions_folders_and_checklists(home: Path) -> None:
    report = doctor_json()
    assert report["program"]["version"] == fzzf_tui.__version__
    assert report["python"]["version"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}.")
    deps = {d["name"].lower(): d for d in report["dependencies"]["direct"]}
    assert {"textual", "click", "pluggy", "tinydb", "openpyxl", "pyyaml", "platformdirs"} <= set(deps)
    assert all(d["ok"] and d["installed"] for d in deps.values())
    assert "rich" in {d["name"] for d in report["dependencies"]["indirect"]}  # pulled in by textual
    data = report["data"]["data_dir"]
    assert data["path"] == str(home) and data["writable"] is True and data["free"] > 0
    assert not list(home.glob(".fzzf-doctor-*"))  # the write probe cleaned up after itself
    ids = {c["id"]: c for c in report["checklists"]}
    assert {"demonstration-2020", "annual-2019", "special-2008"} <= set(ids)
    assert ids["annual-2019"]["version"] == "2019"
    assert report["problems"] == []
    assert report["program"]["docs"] and (Path(report["program"]["docs"]) / "plugins.md").is_file()


def test_text_report_is_one_screen_with_the_ruler_and_a_verdict(home: Path) -> None:
    out = doctor()
    lines = out.output.splitlines()
    assert lines[0].startswith("fzzf 体检报告")
    assert len(lines) <= 40  # fits one photographed screen
    for label in ("程序", "Python", "依赖", "清单", "插件", "数据目录", "检查文件", "终端", "编码", "宽度标尺", "结论"):
        assert any(line.startswith(label) for line in lines), label
    assert f"fzzf-tui {fzzf_tui.__version__}" in out.output
    # Not a terminal under the runner: said so, as a note, not an error.
    assert "[注意] 输出没有连接到终端" in out.output


def test_ruler_rows_are_equally_wide_by_the_ui_width_rules() -> None:
    report = doctor_json()
    rows = report["width_ruler"]
    assert len(rows) >= 4
    # rich (which draws Textual's screen) must agree that every row takes the same columns:
    # otherwise the "|" would not line up even in a correct terminal.
    widths = {cell_len(r["text"]) for r in rows}
    assert widths == {rows[0]["width"]}
    assert any(any(ord(ch) > 0x2E80 for ch in r["text"]) for r in rows)  # real CJK in it
    assert any("─" in r["text"] for r in rows)  # and the box drawing the UI uses
    out = doctor()
    ruler_lines = [line for line in out.output.splitlines() if line.startswith("  ") and "|" in line]
    assert len({cell_len(line.split("|")[0]) for line in ruler_lines}) == 1


def test_locks_held_and_left_by_a_crash_are_reported(store, special_checklist) -> None:
    ins = store.create(special_checklist, "正在编辑的单位", who="张三")
    try:
        assert lock_state(ins.path)["state"] == "held"
        # A second process, as a colleague running doctor while the TUI is open, sees it too.
        probe = subprocess.run(
            [sys.executable, "-c", textwrap.dedent("""
                import sys
                from fzzf_tui.inspection.lock import lock_state
                print(lock_state(sys.argv[1])["state"])
            """), str(ins.path)],
            capture_output=True, text=True, timeout=60,
        )
        assert probe.stdout.strip() == "held", probe.stderr
        report = doctor_json()
        held = report["data"]["inspections"]["held"]
        assert [h["file"] for h in held] == [ins.path.name]
        assert held[0]["holder"]["user"] == "测试员"
        assert "正由 测试员" in doctor().output
    finally:
        ins.close()
    assert lock_state(ins.path)["state"] == "free"
    assert doctor_json()["data"]["inspections"] == {
        "folder": str(store.root), "count": 1, "held": [], "stale": [], "unknown": []
    }
    # A crash leaves the holder's note behind while the OS lock is gone: stale.
    lock = InspectionLock(ins.path)
    lock.info_path.write_text(json.dumps({"user": "李四", "host": "其他电脑", "pid": 999999}), encoding="utf-8")
    assert lock_state(ins.path)["state"] == "stale"
    out = doctor()
    assert "未正常关闭 1 个" in out.output and "上次编辑未正常结束（李四" in out.output
    assert lock.info_path.exists()  # doctor only looks: the next opener takes over


def test_broken_plugin_is_named_and_fails_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "plugins"
    d.mkdir()
    (d / "kaputt.py").write_text("import no_such_dependency_abc\n", encoding="utf-8")
    monkeypatch.setenv("FZZF_PLUGINS_DIR", str(d))
    reset_plugins()
    out = doctor(code=1)
    assert "出错 1 个：kaputt" in out.output
    assert "[错误]" in out.output and "no_such_dependency_abc" in out.output
    report = doctor_json()
    assert any("kaputt" in p for p in report["problems"])


def test_unwritable_data_dir_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("FZZF_HOME", str(blocker / "data"))  # cannot be created under a file
    reset_plugins()
    out = doctor(code=1)
    assert "[错误] 数据目录不可写" in out.output and "FZZF_HOME" in out.output
    assert "尚未创建" in out.output


def test_version_shows_program_python_and_checklist_versions() -> None:
    out = CliRunner().invoke(cli, ["--version"])
    assert out.exit_code == 0, out.output
    first = out.output.splitlines()[0]
    assert first.startswith(f"fzzf {fzzf_tui.__version__}") and f"Python {sys.version_info.major}." in first
    for cid, version in (("demonstration-2020", "2020"), ("annual-2019", "2019"), ("special-2008", "2008")):
        line = next(line for line in out.output.splitlines() if line.strip().startswith(cid))
        assert f"版本 {version}" in line


def test_version_is_written_in_one_place() -> None:
    import importlib.metadata

    assert importlib.metadata.version("fzzf-tui") == fzzf_tui.__version__
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and "\nversion =" not in pyproject.split("[tool.")[0]


def test_python_docx_that_cannot_load_its_compiled_lxml_is_an_error(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """lxml is compiled: a kit wheel for another processor or Python installs but fails to load."""
    report = doctor_json()
    docx_row = next(d for d in report["dependencies"]["direct"] if d["name"].lower() == "python-docx")
    assert docx_row["ok"] and not docx_row.get("error")
    assert "lxml" in {d["name"] for d in report["dependencies"]["indirect"]}
    monkeypatch.setitem(sys.modules, "lxml.etree", None)  # what a mismatched .so amounts to
    out = doctor(code=1)
    assert "python-docx 1." in out.output and "（无法载入）" in out.output
    assert "[错误] 依赖 python-docx 无法载入" in out.output and "Word 表格" in out.output
