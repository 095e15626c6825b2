"""`fzzf checklists`, `fzzf plugins`, `fzzf validate` on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.plugins import reset_plugins

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_checklists_lists_builtins_and_example_plugin(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FZZF_PLUGINS_DIR", str(REPO / "plugins"))
    reset_plugins()
    out = runner.invoke(cli, ["checklists", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    ids = {r["id"]: r for r in data["checklists"]}
    assert set(ids) >= {"demonstration-2020", "annual-2019", "special-2008", "example-case-review"}
    assert ids["example-case-review"]["plugin"] == "example_office_checklist"
    assert data["errors"] == []
    plain = runner.invoke(cli, ["checklists"])
    assert "示范创建" in plain.output and "年度考核" in plain.output and "专项督察" in plain.output


def test_plugins_json_has_no_errors(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FZZF_PLUGINS_DIR", str(REPO / "plugins"))
    reset_plugins()
    out = runner.invoke(cli, ["plugins", "--json"])
    rows = json.loads(out.output)
    assert all(not r["errors"] and not r["checklist_errors"] for r in rows)
    assert {"fzzf_tui.default_plugins.builtin_checklists", "example_office_checklist"} <= {r["name"] for r in rows}


def test_broken_plugin_is_named_and_others_still_listed(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "plugins"
    d.mkdir()
    (d / "kaputt.py").write_text("import no_such_dependency_abc\n", encoding="utf-8")
    monkeypatch.setenv("FZZF_PLUGINS_DIR", str(d))
    reset_plugins()
    out = runner.invoke(cli, ["checklists"])
    assert out.exit_code == 0
    assert "annual-2019" in out.output
    assert "kaputt" in out.output and "no_such_dependency_abc" in out.output
    out = runner.invoke(cli, ["plugins"])
    assert "kaputt" in out.output and "出错" in out.output


def test_plugins_dir_option(runner: CliRunner, tmp_path: Path) -> None:
    d = tmp_path / "p"
    d.mkdir()
    (d / "x.py").write_text("raise SystemExit('不要退出')\n", encoding="utf-8")
    out = runner.invoke(cli, ["--plugins-dir", str(d), "plugins", "--json"])
    assert out.exit_code == 0, out.output
    rows = {r["name"]: r for r in json.loads(out.output)}
    assert rows["x"]["errors"]


def test_validate_reports_located_errors_and_exit_code(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: fzzf-checklist/1\nid: bad\ntitle: t\ntype: x\nversion: '1'\nitems:\n  - code: '1'\n    points: 3\n",
        encoding="utf-8",
    )
    out = runner.invoke(cli, ["validate", str(bad)])
    assert out.exit_code == 1
    assert f"{bad}:7" in out.output and "缺少标题" in out.output
    good = REPO / "fzzf_tui" / "default_plugins" / "checklists" / "special_2008.yaml"
    out = runner.invoke(cli, ["validate", str(good), "--json"])
    assert out.exit_code == 0 and json.loads(out.output)[0]["ok"]
