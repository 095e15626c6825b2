"""`fzzf import-checklist`, `checklist-template` and `export-checklist` on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from fzzf_tui.checklist import load_checklist_file
from fzzf_tui.cli import cli
from fzzf_tui.cli_checklist_xlsx import add_commands

add_commands(cli)
add_commands(cli)  # idempotent: the lead may wire it in too


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def table(path: Path, points: object = "2分") -> Path:
    wb = Workbook()
    ws = wb.active
    rows = [
        ["某区行政执法专项督察检查表"],
        ["一级指标", "检查内容", "分值", "责任单位"],
        ["一、执法公示", "1.公示执法主体", "2分", "区司法局、区市场监管局"],
        [None, "2.公示执法结果", points, "各执法部门"],
        ["二、执法全过程记录", "1.配备执法记录仪", 6, "各执法部门"],
    ]
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
    ws.merge_cells("A1:D1")
    ws.merge_cells("A3:A4")
    wb.save(path)
    return path


def test_commands_are_added(runner: CliRunner) -> None:
    out = runner.invoke(cli, ["--help"])
    assert "import-checklist" in out.output and "checklist-template" in out.output and "export-checklist" in out.output


def test_import_writes_a_loadable_yaml(runner: CliRunner, tmp_path: Path) -> None:
    out_file = tmp_path / "checklists" / "zfgs-2024.yaml"
    res = runner.invoke(cli, ["import-checklist", str(table(tmp_path / "表.xlsx")), "-o", str(out_file), "--version", "2024"])
    assert res.exit_code == 0, res.output
    assert "已写入" in res.output and "表头第 2 行" in res.output
    c = load_checklist_file(out_file)
    assert (c.id, c.type, c.version, c.total) == ("zfgs-2024", "专项督察", "2024", 10)
    assert [(i.code, i.title) for i in c.walk()] == [
        ("1", "执法公示"), ("1.1", "公示执法主体"), ("1.2", "公示执法结果"), ("2", "执法全过程记录"), ("2.1", "配备执法记录仪"),
    ]
    assert c.item("1.1").units == ("区司法局", "区市场监管局")
    res = runner.invoke(cli, ["import-checklist", str(tmp_path / "表.xlsx"), "-o", str(out_file)])
    assert res.exit_code == 1 and "已存在" in res.output
    res = runner.invoke(cli, ["import-checklist", str(tmp_path / "表.xlsx"), "-o", str(out_file), "--force", "--json"])
    data = json.loads(res.stdout)
    assert data["ok"] and data["written"] == str(out_file) and data["hash"] == load_checklist_file(out_file).content_hash


def test_import_with_a_bad_cell_names_it_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    out_file = tmp_path / "x.yaml"
    src = table(tmp_path / "表.xlsx", points="两分")
    res = runner.invoke(cli, ["import-checklist", str(src), "-o", str(out_file)])
    assert res.exit_code == 1
    assert "Sheet!C4: 分值 “两分” 不是数字" in res.output and "未写入任何文件" in res.output
    assert not out_file.exists()
    res = runner.invoke(cli, ["import-checklist", str(src), "-o", str(out_file), "--json"])
    assert res.exit_code == 1 and json.loads(res.stdout)["errors"] == ["Sheet!C4: 分值 “两分” 不是数字"]
    assert not out_file.exists()


def test_lenient_writes_and_lists_warnings(runner: CliRunner, tmp_path: Path) -> None:
    out_file = tmp_path / "x.yaml"
    res = runner.invoke(cli, ["import-checklist", str(table(tmp_path / "表.xlsx", points="两分")), "-o", str(out_file), "--lenient"])
    assert res.exit_code == 0, res.output
    assert "警告：Sheet!C4: 分值 “两分” 不是数字" in res.output
    assert load_checklist_file(out_file).item("1.2").points == 0


def test_map_and_check_only(runner: CliRunner, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    for r, row in enumerate([["事项", "赋值"], ["有制度", 2], ["有台账", 3]], 1):
        for c, v in enumerate(row, 1):
            ws.cell(r, c, v)
    wb.save(tmp_path / "t.xlsx")
    res = runner.invoke(cli, ["import-checklist", str(tmp_path / "t.xlsx"), "--check", "--type", "专项督察"])
    assert res.exit_code == 1 and "找不到表头" in res.output
    res = runner.invoke(
        cli, ["import-checklist", str(tmp_path / "t.xlsx"), "--check", "--type", "专项督察", "--map", "A=标题", "--map", "B=分值"]
    )
    assert res.exit_code == 0, res.output
    assert "只预览，未写入文件" in res.output and "其中评分项 2 项" in res.output
    assert not list(tmp_path.glob("*.yaml"))
    res = runner.invoke(cli, ["import-checklist", str(tmp_path / "t.xlsx"), "--map", "A"])
    assert res.exit_code == 2 and "列=列名" in res.output


def test_default_output_goes_to_the_checklists_folder(runner: CliRunner, tmp_path: Path, home: Path) -> None:
    res = runner.invoke(cli, ["import-checklist", str(table(tmp_path / "zfgs.xlsx")), "--version", "1"])
    assert res.exit_code == 0, res.output
    assert (home / "checklists" / "zfgs.yaml").is_file()


def test_template_then_fill_then_import(runner: CliRunner, tmp_path: Path) -> None:
    tpl = tmp_path / "模板.xlsx"
    res = runner.invoke(cli, ["checklist-template", "-o", str(tpl)])
    assert res.exit_code == 0 and tpl.is_file()
    assert runner.invoke(cli, ["checklist-template", "-o", str(tpl)]).exit_code == 1  # no overwrite
    wb = load_workbook(tpl)
    info = wb["清单信息"]
    for r in range(2, info.max_row + 1):
        value = {"清单编号": "tiny", "标题": "小清单", "检查类型": "专项督察", "版本": "1"}.get(info.cell(r, 1).value)
        if value:
            info.cell(r, 2).value = value
    ws = wb["指标"]
    heads = [c.value for c in ws[2]]
    ws.cell(3, heads.index("层级") + 1).value = 1
    ws.cell(3, heads.index("标题") + 1).value = "有制度"
    ws.cell(3, heads.index("分值") + 1).value = 5
    wb.save(tpl)
    res = runner.invoke(cli, ["import-checklist", str(tpl), "-o", str(tmp_path / "tiny.yaml")])
    assert res.exit_code == 0, res.output
    c = load_checklist_file(tmp_path / "tiny.yaml")
    assert (c.id, c.total, [i.code for i in c.walk()]) == ("tiny", 5, ["1"])


def test_export_then_import_keeps_the_hash(runner: CliRunner, tmp_path: Path, plugins) -> None:
    xlsx = tmp_path / "demo.xlsx"
    res = runner.invoke(cli, ["export-checklist", "demonstration-2020", "-o", str(xlsx)])
    assert res.exit_code == 0, res.output
    assert "已导出 demonstration-2020" in res.output
    res = runner.invoke(cli, ["import-checklist", str(xlsx), "-o", str(tmp_path / "d.yaml"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    original = plugins.get_checklist("demonstration-2020")
    assert data["hash"] == original.content_hash
    assert load_checklist_file(tmp_path / "d.yaml").content_hash == original.content_hash
    assert any("已有编号为“demonstration-2020”的清单" in w for w in data["warnings"])
    # A YAML file can be exported too, and the default path is the exports folder.
    res = runner.invoke(cli, ["export-checklist", str(tmp_path / "d.yaml")])
    assert res.exit_code == 0, res.output
    assert "exports" in res.output and "demonstration-2020.xlsx" in res.output


def test_export_unknown_checklist(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(cli, ["export-checklist", "no-such", "-o", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 1 and "没有编号为“no-such”的清单" in res.output


def test_hostile_file_is_refused_with_a_message(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "附件.xlsx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    res = runner.invoke(cli, ["import-checklist", str(bad)])
    assert res.exit_code == 1 and "附件.xlsx 是设了打开密码的工作簿" in res.output and "Traceback" not in res.output


def test_xlsx_dropped_into_checklists_folder_loads(tmp_path, monkeypatch) -> None:
    from fzzf_tui.checklist.xlsx_export import write_checklist_xlsx
    from fzzf_tui.plugins import get_plugins, reset_plugins

    special = get_plugins().get_checklist("special-2008")
    folder = tmp_path / "checklists"
    folder.mkdir()
    import dataclasses

    mine = dataclasses.replace(special, id="special-copy", _index={})
    write_checklist_xlsx(mine, folder / "copy.xlsx")
    (folder / "~$copy.xlsx").write_bytes(b"lock")
    (folder / "broken.xlsx").write_bytes(b"not a zip")
    monkeypatch.setenv("FZZF_CHECKLISTS_DIR", str(folder))
    reset_plugins()
    p = get_plugins()
    assert p.get_checklist("special-copy").leaf_count == special.leaf_count
    problems = "\n".join(p.problems())
    assert "broken.xlsx" in problems and "~$copy" not in problems


def test_check_previews_header_tree_methods_and_every_warning(runner: CliRunner, tmp_path: Path) -> None:
    from tests.unit import corpus

    path = corpus.special_seen(tmp_path)
    res = runner.invoke(cli, ["import-checklist", str(path), "--check"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "工作表：Sheet1；表头在第 4 行；按分节行、指标列和序号组织" in out
    assert "A“督察项目”→一级指标" in out and "C“评分标准”→评分标准" in out
    assert "      1.1.1 公示执法主体、职责、权限  3分  逐项扣分：未公示执法主体 扣2分；公示内容不全 扣1分" in out
    assert "  3 三、附加项  〔加分项，最多加5分〕" in out
    assert "Sheet1!E4: “得分”列是评分时填写的，不导入" in out and "检查类型按“督察”一词推断为“专项督察”" in out
    assert "只预览，未写入文件" in out and not list(tmp_path.glob("*.yaml"))
    res = runner.invoke(cli, ["import-checklist", str(path), "--check", "--json"])
    data = json.loads(res.output)
    assert data["written"] is None and data["tree"][2]["scoring"].startswith("逐项扣分")
    assert data["header_texts"]["A"] == "督察项目"


def test_import_a_word_table(runner: CliRunner, tmp_path: Path) -> None:
    from tests.unit import corpus

    path = corpus.word_special(tmp_path)
    out_file = tmp_path / "checklists" / "aqsc-2024.yaml"
    res = runner.invoke(cli, ["import-checklist", str(path), "-o", str(out_file), "--version", "2024"])
    assert res.exit_code == 0, res.output
    assert "表格“表格1”，表头第 1 行" in res.output
    c = load_checklist_file(out_file)
    assert (c.id, c.title, c.type, c.leaf_count) == ("aqsc-2024", "XX区安全生产执法专项督察评分表", "专项督察", 3)
    bad = corpus.word_continued(tmp_path, bad_points=True)
    res = runner.invoke(cli, ["import-checklist", str(bad), "--check"])
    assert res.exit_code == 1 and "表格2 第2行第4列: 分值 “若干” 不是数字" in res.output
    res = runner.invoke(cli, ["import-checklist", str(bad), "--check", "--table", "1"])
    assert res.exit_code == 0, res.output  # only the first table: no bad cell


def test_a_hostile_word_file_is_refused_with_its_name(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "评分表.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    res = runner.invoke(cli, ["import-checklist", str(path), "--check"])
    assert res.exit_code == 1 and "评分表.docx 是设了打开密码的文档或旧版 .doc 文件" in res.output
