"""`fzzf export` and `fzzf import-bundle` on real temp data dirs."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.cli_export import add_commands

add_commands(cli)
add_commands(cli)  # idempotent


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str, code: int = 0):
    result = runner.invoke(cli, list(args))
    assert result.exit_code == code, (result.output, result.stderr if hasattr(result, "stderr") else "")
    return result


@pytest.fixture
def inspection(runner: CliRunner, tmp_path: Path) -> str:
    out = run(runner, "new", "--checklist", "demonstration-2020", "--unit", "洛阳市司法局", "--inspector", "张明",
              "--date", "2026-11-20", "--json")
    ins_id = json.loads(out.output)["id"]
    run(runner, "score", ins_id, "1.1.1", "完全达到")
    run(runner, "score", ins_id, "1.1.2", "2")
    run(runner, "na", ins_id, "1.1.5", "--reason", "不承担该职责")
    evidence = tmp_path / "纪要.txt"
    evidence.write_text("会议纪要", encoding="utf-8")
    run(runner, "finding", "add", ins_id, "--item", "1.1.2", "--text", '=HYPERLINK("x")', "--evidence", str(evidence),
        "--requirement", "限期整改", "--due", "2026-12-31", "--severity", "较重")
    run(runner, "finding", "add", ins_id, "--text", "台账不完整")
    run(runner, "finalize", ins_id)
    return ins_id


def test_commands_are_added_once() -> None:
    assert "export" in cli.commands and "import-bundle" in cli.commands


def test_export_xlsx_to_the_default_folder(runner, inspection, home) -> None:
    out = run(runner, "export", inspection)
    path = home / "exports" / "洛阳市司法局-示范创建-2026-11-20.xlsx"
    assert f"已导出：{path}" in out.output
    wb = openpyxl.load_workbook(path)
    assert "整改清单" in wb.sheetnames
    show = json.loads(run(runner, "show", inspection, "--json").output)
    total = {r[0]: r for r in wb["评分汇总"].iter_rows(min_row=4, values_only=True)}["合计"]
    assert total[3] == pytest.approx(show["score"]["total"], abs=1e-4)
    rect = [r for r in wb["整改清单"].iter_rows(min_row=4, values_only=True) if r[8] is not None]  # I: 问题编号
    assert len(rect) == 2
    formula = next(c for c in wb["问题清单"]["E"] if c.value == '=HYPERLINK("x")')
    assert formula.data_type == "s"


def test_export_does_not_overwrite_and_says_which_file(runner, inspection, home) -> None:
    first = run(runner, "export", inspection).output
    second = run(runner, "export", inspection).output
    assert "(2).xlsx" in second and "已存在，未覆盖" in second and "--force" in second
    assert (home / "exports" / "洛阳市司法局-示范创建-2026-11-20(2).xlsx").is_file()
    forced = run(runner, "export", inspection, "--force").output
    assert forced.strip() == first.strip()
    data = json.loads(run(runner, "export", inspection, "--json").output)
    assert data["renamed"] and data["file"].endswith("(3).xlsx")


def test_export_to_a_given_file(runner, inspection, tmp_path) -> None:
    target = tmp_path / "报送" / "结果.xlsx"
    out = run(runner, "export", inspection, "-o", str(target))
    assert target.is_file() and str(target) in out.output


def test_bundle_round_trip_through_the_cli(runner, inspection, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "u盘"
    folder.mkdir()
    out = run(runner, "export", inspection, "--format", "bundle", "-o", str(folder))
    bundle = folder / "洛阳市司法局-示范创建-2026-11-20.fzzf.zip"
    assert bundle.is_file() and "已导出" in out.output
    before = json.loads(run(runner, "show", inspection, "--json").output)
    findings_before = json.loads(run(runner, "finding", "list", inspection, "--json").output)
    # the office: another data dir, and the inspector's evidence file is not there
    (tmp_path / "纪要.txt").unlink()
    office = tmp_path / "office"
    monkeypatch.setenv("FZZF_HOME", str(office))
    imported = run(runner, "import-bundle", str(bundle))
    assert f"已导入检查 {inspection}" in imported.output and "佐证材料 1 个" in imported.output
    after = json.loads(run(runner, "show", inspection, "--json").output)
    assert after["score"] == before["score"] and after["sections"] == before["sections"]
    assert json.loads(run(runner, "finding", "list", inspection, "--json").output) == findings_before
    assert after["file"].startswith(str(office))
    verified = run(runner, "verify", after["file"])
    assert "哈希链完整" in verified.output
    # a second import is refused, --replace replaces
    again = run(runner, "import-bundle", str(bundle), code=1)
    assert "错误：" in again.output and "已有同一检查" in again.output
    replaced = run(runner, "import-bundle", str(bundle), "--replace", "--json")
    assert json.loads(replaced.output)["file"] == after["file"]


def test_import_of_a_broken_bundle(runner, tmp_path) -> None:
    junk = tmp_path / "x.fzzf.zip"
    junk.write_bytes(b"PK\x03\x04 broken")
    out = run(runner, "import-bundle", str(junk), code=1)
    assert "错误：" in out.output and "数据包" in out.output


def test_unknown_format_and_bad_option(runner, inspection) -> None:
    out = run(runner, "export", inspection, "--format", "pdf", code=1)
    assert "错误：没有名为“pdf”的导出格式" in out.output and "bundle" in out.output and "docx" in out.output
    run(runner, "export", inspection, "--allow-missing-evidence", code=2)


def test_missing_evidence_needs_the_flag(runner, inspection, tmp_path, home) -> None:
    # the original going changes nothing: the file was copied into the evidence store
    (tmp_path / "纪要.txt").unlink()
    run(runner, "export", inspection, "-f", "bundle", "-o", str(tmp_path / "ok.zip"))
    # a store copy lost as well (a damaged disk): the bundle is refused without the flag
    for p in (home / "inspections" / "evidence").rglob("*"):
        if p.is_file():
            p.chmod(0o644)
            p.unlink()
    out = run(runner, "export", inspection, "-f", "bundle", "-o", str(tmp_path / "b.zip"), code=1)
    assert "佐证材料文件无法打包" in out.output and "--allow-missing-evidence" in out.output
    assert not (tmp_path / "b.zip").exists()
    run(runner, "export", inspection, "-f", "bundle", "-o", str(tmp_path / "b.zip"), "--allow-missing-evidence")
    assert (tmp_path / "b.zip").is_file()


def test_export_of_an_unknown_inspection(runner) -> None:
    out = run(runner, "export", "no-such-id", code=1)
    assert "错误：找不到检查" in out.output
