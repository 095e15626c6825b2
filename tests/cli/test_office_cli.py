"""`fzzf consolidate` and `fzzf import-status` on real temp data dirs."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.cli_office import add_commands
from fzzf_tui.exporting import export_inspection
from fzzf_tui.inspection import Inspection
from tests.unit.test_consolidate import base_inspection, make_copies

add_commands(cli)
add_commands(cli)  # idempotent


def test_add_commands_is_idempotent() -> None:
    before = dict(cli.commands)
    add_commands(cli)
    assert cli.commands == before
    assert {"consolidate", "import-status"} <= set(cli.commands)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str, code: int = 0, input: str | None = None):
    result = runner.invoke(cli, [str(a) for a in args], input=input)
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


# -- consolidate --------------------------------------------------------------------------------
def test_consolidate_a_folder_with_bundles_and_a_broken_file(runner, store, special_checklist, tmp_path):
    folder = tmp_path / "收件"
    base = base_inspection(store, special_checklist)
    make_copies(base, folder, 6)
    with Inspection.open(base, readonly=True) as ins:
        export_inspection(ins, fmt="bundle", out=folder / "数据包" / "模板.fzzf.zip")
    (folder / "坏的.fzzf").write_bytes(b"\x00\x01")

    result = run(runner, "consolidate", folder, "-o", tmp_path / "汇总.xlsx", "--today", "2026-06-01", "--json")
    report = json.loads(result.stdout)
    assert result.stderr == ""  # no stray progress line when no terminal watches
    assert len(report["included"]) == 7 and report["overdue"] == 7  # one late finding each
    assert [Path(s["file"]).name for s in report["skipped"]] == ["坏的.fzzf"]
    assert Path(report["output"]) == tmp_path / "汇总.xlsx"
    assert sorted(e["ranked"] for e in report["included"]) == [False] + [True] * 6  # the template is 进行中
    wb = openpyxl.load_workbook(report["output"])
    assert wb.sheetnames == ["排名", "分项对比", "整改台账", "未纳入文件", "来源"]

    result = run(runner, "consolidate", folder, "-o", tmp_path / "汇总.xlsx", "--today", "2026-01-01")
    text = result.stdout
    assert "已汇总 7 个检查、14 个问题 → " in text and "汇总(2).xlsx" in text
    assert "参与排名 6 个，未参与排名 1 个" in text and "--include-unfinished" in text
    assert "逾期未整改 0 项；未纳入 1 个文件" in text and "坏的.fzzf" in text
    assert result.stderr == ""

    d = json.loads(run(runner, "consolidate", folder, "-o", tmp_path / "临时.xlsx", "--include-unfinished", "--json").stdout)
    assert all(e["ranked"] for e in d["included"]) and d["include_unfinished"]


def test_consolidate_reports_when_there_is_nothing_to_read(runner, tmp_path):
    (tmp_path / "空").mkdir()
    result = run(runner, "consolidate", tmp_path / "空", code=1)
    assert "没有找到可汇总的检查文件" in result.stderr


# -- import-status ------------------------------------------------------------------------------
@pytest.fixture
def returned(store, special_checklist, tmp_path):
    """An exported 整改清单 the unit has filled in: one status changed, one identity cell altered."""
    ins = store.create(special_checklist, "被检查单位丙")
    a = ins.add_finding("未公开权责清单", item_code="1.1", requirement="公开", due="2026-12-31")
    b = ins.add_finding("决策未经合法性审查", item_code="1.2", requirement="补审")
    xlsx = export_inspection(ins, out=tmp_path / "整改清单.xlsx")
    ins.close()
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["整改清单"]
    rows = {ws.cell(row=r, column=9).value: r for r in range(4, ws.max_row + 1)}  # I: 问题编号 (hidden)
    ws[f"F{rows[a.id]}"] = "已整改"
    ws[f"G{rows[a.id]}"] = "已在门户网站公开"
    ws[f"D{rows[b.id]}"] = "改过的责任单位"
    wb.save(xlsx)
    return ins.path, xlsx, a.id, b.id, rows


def test_import_status_dry_run_shows_the_diff_and_writes_nothing(runner, returned):
    path, xlsx, a, b, rows = returned
    before = path.read_bytes()
    result = run(runner, "import-status", xlsx, "--dry-run", code=3)  # a row is refused: exit code 3
    out = result.stdout
    assert "有 1 行被拒绝（退出码 3）" in result.stderr
    assert f"整改清单!F{rows[a]}" in out and "状态 待整改 → 已整改" in out and "已在门户网站公开" in out
    assert f"拒绝 整改清单!D{rows[b]}: 标识内容被改动" in out
    assert "未写入" in out
    assert path.read_bytes() == before


def test_import_status_asks_before_writing(runner, returned):
    path, xlsx, a, b, rows = returned
    before = path.read_bytes()
    out = run(runner, "import-status", xlsx, input="n\n", code=3).stdout
    assert "写入以上 1 处修改？" in out and "未写入任何修改" in out
    assert path.read_bytes() == before
    out = run(runner, "import-status", xlsx, input="y\n", code=3).stdout
    assert "已写入 1 处修改" in out
    with Inspection.open(path, readonly=True) as ins:
        assert ins.finding(a).status == "已整改" and ins.finding(b).status == "待整改"
        assert [e["action"] for e in ins.audit()[-2:]] == ["finding.status", "finding.update"]  # 状态, then 整改措施


def test_import_status_json_with_yes(runner, returned):
    path, xlsx, a, b, rows = returned
    # seen: -y exited 0 although a row was refused
    data = json.loads(run(runner, "import-status", xlsx, "--yes", "--json", code=3).stdout)
    assert data["applied"] == 1 and data["changes"][0]["finding_id"] == a
    assert data["refused"] == [f"整改清单!D{rows[b]}: 标识内容被改动（D{rows[b]} 责任单位），本行未导入"]
    again = json.loads(run(runner, "import-status", xlsx, "--yes", "--json", code=3).stdout)
    assert again["applied"] == 0 and again["changes"] == [] and again["unchanged"] == 1


def test_import_status_json_needs_yes_or_dry_run(runner, returned):
    _, xlsx, *_ = returned
    result = run(runner, "import-status", xlsx, "--json", code=2)
    assert "--yes" in result.stderr


def test_import_status_with_an_explicit_inspection_outside_the_data_dir(runner, returned, tmp_path):
    path, xlsx, a, *_ = returned
    moved = tmp_path / "别处" / "检查.fzzf"
    moved.parent.mkdir()
    path.rename(moved)
    result = run(runner, "import-status", xlsx, "--dry-run", code=1)
    assert "--inspection" in result.stderr
    run(runner, "import-status", xlsx, "--inspection", moved, "--yes", code=3)
    with Inspection.open(moved, readonly=True) as ins:
        assert ins.finding(a).status == "已整改"


def test_import_status_refuses_a_workbook_of_another_inspection(runner, returned, store, special_checklist):
    _, xlsx, *_ = returned
    other = store.create(special_checklist, "别的单位")
    other.close()
    result = run(runner, "import-status", xlsx, "--inspection", other.path, "--yes", code=1)
    assert "属于检查" in result.stderr


def test_import_status_while_the_inspection_is_being_edited(runner, returned):
    path, xlsx, *_ = returned
    with Inspection.open(path):  # someone has it open for writing
        run(runner, "import-status", xlsx, "--dry-run", code=3)  # reading is fine
        result = run(runner, "import-status", xlsx, "--yes", code=1)
    assert "错误" in result.stderr


def test_import_status_refuses_a_file_that_is_not_a_workbook(runner, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04not really a zip")
    result = run(runner, "import-status", bad, code=1)
    assert "bad.xlsx" in result.stderr
