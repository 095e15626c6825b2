"""Export formats from plugins, default names and folders, and never overwriting silently."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import openpyxl
import pytest

from fzzf_tui import locations
from fzzf_tui.errors import ExportError
from fzzf_tui.exporting import export_formats, export_inspection, planned_path
from fzzf_tui.exporting.data import InspectionData
from fzzf_tui.exporting.files import numbered
from fzzf_tui.plugins import reset_plugins


@pytest.fixture
def ins(store, special_checklist):
    ins = store.create(special_checklist, "某县/市场:监督*管理局", ["赵敏"], "2026-11-05")
    ins.set_value("1.1", 1)
    yield ins
    ins.close()


def test_builtin_formats_are_registered_through_the_hook() -> None:
    formats = export_formats()
    assert {"xlsx", "bundle"} <= set(formats)
    assert formats["xlsx"].suffix == ".xlsx" and formats["bundle"].suffix == ".fzzf.zip"
    assert formats["xlsx"].plugin == "fzzf_tui.default_plugins.exporters"


def test_default_name_and_folder(ins) -> None:
    path = export_inspection(ins)
    assert path.parent == locations.exports_dir()
    assert path.name == "某县_市场_监督_管理局-专项督察-2026-11-05.xlsx"
    assert openpyxl.load_workbook(path).sheetnames[0] == "检查信息"


def test_exports_dir_defaults_to_the_working_directory(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("FZZF_EXPORT_DIR")
    monkeypatch.chdir(tmp_path)
    assert locations.exports_dir() == tmp_path / "exports"


def test_an_existing_file_is_never_overwritten_silently(ins) -> None:
    first = export_inspection(ins)
    first.write_bytes(b"the office's annotated copy")
    second = export_inspection(ins)
    third = export_inspection(ins)
    assert first.read_bytes() == b"the office's annotated copy"
    assert second.name == first.name.replace(".xlsx", "(2).xlsx")
    assert third.name == first.name.replace(".xlsx", "(3).xlsx")
    forced = export_inspection(ins, force=True)
    assert forced == first and first.read_bytes().startswith(b"PK")


def test_numbered_names_keep_two_part_suffixes() -> None:
    assert numbered(Path("a/x.fzzf.zip"), ".fzzf.zip", 2) == Path("a/x(2).fzzf.zip")
    assert numbered(Path("x.xlsx"), ".xlsx", 3) == Path("x(3).xlsx")


def test_out_may_be_a_folder_or_a_file(ins, tmp_path) -> None:
    folder = tmp_path / "u盘"
    folder.mkdir()
    assert export_inspection(ins, out=folder).parent == folder
    new_folder = str(tmp_path / "新文件夹") + os.sep
    assert export_inspection(ins, out=new_folder).parent == tmp_path / "新文件夹"
    assert export_inspection(ins, out=tmp_path / "报告").name == "报告.xlsx"
    assert export_inspection(ins, out=tmp_path / "报告.xlsx").name == "报告(2).xlsx"
    assert export_inspection(ins, "bundle", out=tmp_path / "移交.zip").name == "移交.zip"
    with pytest.raises(ExportError, match="扩展名"):
        export_inspection(ins, out=tmp_path / "报告.pdf")


def test_planned_path_is_what_export_aims_for(ins, tmp_path) -> None:
    planned = planned_path(ins, "bundle", tmp_path)
    assert export_inspection(ins, "bundle", tmp_path) == planned
    assert export_inspection(ins, "bundle", tmp_path) != planned


def test_unknown_format(ins) -> None:
    with pytest.raises(ExportError, match="没有名为“pdf”的导出格式.*xlsx"):
        export_inspection(ins, "pdf")


PLUGIN = '''
from fzzf_tui import hookimpl

def write_text(data, path):
    lines = [data.unit, data.type, f"{data.report.total:g}", str(len(data.findings)), type(data).__name__]
    path.write_text("\\n".join(lines), encoding="utf-8")

def broken(data, path):
    path.write_text("half")
    raise RuntimeError("磁盘坏了")

@hookimpl
def register_export_formats(register):
    register("txt", "纯文本摘要", ".txt", write_text)
    register("broken", "坏的格式", ".bad", broken)
'''


@pytest.fixture
def text_plugin(tmp_path, monkeypatch):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "text_export.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    monkeypatch.setenv("FZZF_PLUGINS_DIR", str(folder))
    reset_plugins()


def test_a_plugin_can_add_a_format(text_plugin, ins, tmp_path) -> None:
    assert export_formats()["txt"].plugin == "text_export"
    path = export_inspection(ins, "txt", tmp_path)
    assert path.name.endswith("-专项督察-2026-11-05.txt")
    unit, type_, total, findings, kind = path.read_text(encoding="utf-8").split("\n")
    assert (unit, type_, kind) == ("某县/市场:监督*管理局", "专项督察", "InspectionData")
    assert float(total) == pytest.approx(ins.score().total)


def test_a_failing_writer_leaves_no_file(text_plugin, ins, tmp_path) -> None:
    with pytest.raises(ExportError, match="插件 text_export.*磁盘坏了"):
        export_inspection(ins, "broken", tmp_path)
    assert list(tmp_path.iterdir()) == [tmp_path / "plugins"]


def test_options_a_format_does_not_take(text_plugin, ins, tmp_path) -> None:
    with pytest.raises(ExportError, match="不支持这些选项"):
        export_inspection(ins, "txt", tmp_path, allow_missing_evidence=True)


def test_writers_get_a_snapshot(ins) -> None:
    data = InspectionData.from_inspection(ins)
    assert data.report.total == ins.score().total and data.verification.ok
    ins.set_value("1.2", 0)
    assert "1.2" not in data.results  # later changes do not leak into a running export
