"""Text fields hold at most one Excel cell (32,767 characters): refused with a message, never cut.

Seen (#11): a 5 MB text was accepted into 复查意见, grew the file to 21 MB, and was then cut to
32,767 characters in Excel without a word.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.cli_office import add_commands
from fzzf_tui.errors import InvalidValue
from fzzf_tui.exporting import export_inspection
from fzzf_tui.fileio import MAX_TEXT, TextTooLong
from fzzf_tui.inspection import Finding, Inspection

add_commands(cli)

TOO_LONG = "复" * (MAX_TEXT + 1)
FITS = "查" * MAX_TEXT


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def inspection(store, special_checklist):
    ins = store.create(special_checklist, "洛阳市司法局", ["张明"], who="张明")
    f = ins.add_finding("执法公示不全", item_code="1.1", requirement="限期公示", due="2026-12-31")
    path = ins.path
    ins.close()
    return path, f.id


@pytest.mark.parametrize("args, label", [
    (lambda fid: ["finding", "set-status", "{p}", fid, "整改中", "--review", TOO_LONG], "复查意见"),
    (lambda fid: ["finding", "edit", "{p}", fid, "--requirement", TOO_LONG], "整改要求"),
    (lambda fid: ["finding", "add", "{p}", "--item", "1.2", "--text", TOO_LONG], "问题描述"),
    (lambda fid: ["score", "{p}", "1.2", "1", "--note", TOO_LONG], "指标 1.2 的备注"),
])
def test_an_overlong_text_is_refused_with_a_message_and_nothing_is_written(inspection, args, label) -> None:
    path, fid = inspection
    before = path.read_bytes()
    out = invoke(*[str(path) if a == "{p}" else a for a in args(fid)])
    assert out.exit_code == 1, out.output
    assert f"{label}过长：{MAX_TEXT + 1} 个字符，超过上限 {MAX_TEXT}（Excel 单元格的上限）" in out.output
    assert "Traceback" not in out.output
    assert path.read_bytes() == before


def test_exactly_one_cell_of_text_is_kept_whole_through_the_workbook(inspection, tmp_path: Path) -> None:
    path, fid = inspection
    assert invoke("finding", "set-status", path, fid, "整改中", "--review", FITS).exit_code == 0
    with Inspection.open(path, readonly=True) as ins:
        assert ins.finding(fid).review == FITS
        xlsx = export_inspection(ins, out=tmp_path / "清单.xlsx")
    ws = openpyxl.load_workbook(xlsx)["整改清单"]
    assert any(c.value == FITS for row in ws.iter_rows() for c in row)  # not cut


def test_bulk_writes_refuse_overlong_texts_naming_the_finding(inspection) -> None:
    path, fid = inspection
    with Inspection.open(path) as ins:
        f = ins.finding(fid)
        forged = Finding.from_dict({**f.to_dict(), "review": TOO_LONG})
        with pytest.raises(TextTooLong, match="问题“执法公示不全”的复查意见过长"):
            ins.bulk_apply("import", {}, findings=[forged])
        assert ins.finding(fid).review == ""
        assert isinstance(TextTooLong("x"), InvalidValue)


def test_import_status_refuses_an_overlong_cell_naming_it_and_writes_nothing(inspection, tmp_path: Path) -> None:
    path, fid = inspection
    with Inspection.open(path, readonly=True) as ins:
        xlsx = export_inspection(ins, out=tmp_path / "整改清单.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["整改清单"]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=9).value == fid)  # ids in hidden I
    ws[f"F{row}"] = "已整改"
    ws[f"G{row}"] = "PLACEHOLDER-REVIEW"  # 整改措施及完成情况, what the unit fills in
    wb.save(xlsx)
    # openpyxl cuts at 32,767 when writing; a hostile program need not: put the long text in the XML
    raw = {}
    with zipfile.ZipFile(xlsx) as zf:
        for name in zf.namelist():
            raw[name] = zf.read(name).replace(b"PLACEHOLDER-REVIEW", TOO_LONG.encode())
    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in raw.items():
            zf.writestr(name, data)
    assert len(openpyxl.load_workbook(xlsx)["整改清单"][f"G{row}"].value) == MAX_TEXT + 1
    before = path.read_bytes()
    out = CliRunner().invoke(cli, ["import-status", str(xlsx), "--inspection", str(path), "--yes"])
    # refused while streaming, before any row is applied: the workbook, the sheet and the cell named
    assert out.exit_code == 1, (out.stdout, out.stderr)
    assert f"整改清单.xlsx 的工作表“整改清单”单元格 G{row} 的文字超过 {MAX_TEXT} 字的上限" in out.stderr
    assert path.read_bytes() == before
