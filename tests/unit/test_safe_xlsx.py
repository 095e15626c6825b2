"""safe_xlsx refuses hostile .xlsx files before openpyxl parses them, with a message naming the file."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Callable

import openpyxl
import pytest
from openpyxl import Workbook

from fzzf_tui import safe_xlsx
from fzzf_tui.checklist.xlsx_import import import_checklist_xlsx
from fzzf_tui.errors import FzzfError
from fzzf_tui.safe_xlsx import WorkbookRejected, check_file, open_workbook

MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def plain_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "标题", "分值"
    ws["A2"], ws["B2"] = "有制度", 2
    wb.save(path)
    return path


def rewrite(path: Path, changes: dict[str, bytes | Callable[[bytes], bytes]], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """Copy the zip at ``path`` replacing members (a callable receives the old bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w", compression) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            change = changes.get(info.filename)
            if change is not None:
                data = change(data) if callable(change) else change
            zout.writestr(info.filename, data)
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if openpyxl is asked to parse anything."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl.load_workbook must not be called for a refused file")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real workbook whose sheet XML is 250 MB of repeated rows (under 1 MB compressed)."""
    path = plain_xlsx(tmp_path_factory.mktemp("bomb") / "指标表.xlsx")
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info.filename, zin.read(info))
                continue
            with zout.open(info.filename, "w", force_zip64=True) as fh:
                fh.write(b'<?xml version="1.0"?><worksheet ' + MAIN_NS + b"><sheetData>")
                chunk = b'<row r="2"><c r="A2"><v>0</v></c></row>' * 30000
                written = 0
                while written < 250 * 1024 * 1024:
                    fh.write(chunk)
                    written += len(chunk)
                fh.write(b"</sheetData></worksheet>")
    path.write_bytes(buf.getvalue())
    assert path.stat().st_size < 2 * 1024 * 1024
    return path


def test_zip_bomb_is_refused_quickly_without_parsing(zip_bomb: Path, no_parsing: None) -> None:
    start = time.perf_counter()
    with pytest.raises(WorkbookRejected) as exc:
        open_workbook(zip_bomb)
    assert time.perf_counter() - start < 1.0
    assert "指标表.xlsx" in str(exc.value) and "压缩炸弹" in str(exc.value)


def test_zip_bomb_through_the_importer_is_a_user_error(zip_bomb: Path, no_parsing: None) -> None:
    with pytest.raises(FzzfError, match="压缩炸弹"):
        import_checklist_xlsx(zip_bomb)


def test_highly_compressible_sheet_is_refused_by_ratio(tmp_path: Path, no_parsing: None) -> None:
    body = b'<?xml version="1.0"?><worksheet ' + MAIN_NS + b"><sheetData>" + b" " * (20 * 1024 * 1024) + b"</sheetData></worksheet>"
    path = rewrite(plain_xlsx(tmp_path / "r.xlsx"), {"xl/worksheets/sheet1.xml": body})
    with pytest.raises(WorkbookRejected, match="压缩比超过 100 倍"):
        check_file(path)


def test_total_uncompressed_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_parsing: None) -> None:
    monkeypatch.setattr(safe_xlsx, "MAX_UNCOMPRESSED", 4 * 1024)
    path = plain_xlsx(tmp_path / "big.xlsx")
    with pytest.raises(WorkbookRejected, match="big.xlsx 解压后超过"):
        check_file(path)


def test_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_parsing: None) -> None:
    monkeypatch.setattr(safe_xlsx, "MAX_FILE_SIZE", 100)
    with pytest.raises(WorkbookRejected, match=r"大.xlsx 有 \d+ KB，超过 100 字节的上限"):
        check_file(plain_xlsx(tmp_path / "大.xlsx"))


def test_not_a_zip_is_refused_with_the_file_name(tmp_path: Path, no_parsing: None) -> None:
    path = tmp_path / "清单.xlsx"
    path.write_text("一级指标,二级指标\n", encoding="utf-8")
    with pytest.raises(WorkbookRejected) as exc:
        check_file(path)
    assert str(exc.value) == "文件 清单.xlsx 不是 Excel 工作簿（.xlsx）"
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(WorkbookRejected, match="空.xlsx 是空文件"):
        check_file(empty)


def test_encrypted_or_legacy_file_is_refused(tmp_path: Path, no_parsing: None) -> None:
    path = tmp_path / "加密.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)  # an OLE2 container
    with pytest.raises(WorkbookRejected, match="加密.xlsx 是设了打开密码的工作簿或旧版 .xls"):
        check_file(path)


def test_zip_with_encrypted_member_is_refused(tmp_path: Path, no_parsing: None) -> None:
    path = plain_xlsx(tmp_path / "e.xlsx")
    data = bytearray(path.read_bytes())
    i = data.find(b"PK\x01\x02")  # first central directory entry: set the "encrypted" flag bit
    data[i + 8] |= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookRejected, match="e.xlsx 的内容已加密"):
        check_file(path)


def test_other_zip_is_not_a_workbook(tmp_path: Path, no_parsing: None) -> None:
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(WorkbookRejected, match="x.xlsx 是压缩包，但不是 Excel 工作簿"):
        check_file(path)
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(WorkbookRejected, match="压缩包已损坏"):
        check_file(path)


def test_unusual_compression_is_refused(tmp_path: Path, no_parsing: None) -> None:
    # zipfile decompresses bzip2 without an output limit, so it is refused outright.
    path = rewrite(plain_xlsx(tmp_path / "b.xlsx"), {}, compression=zipfile.ZIP_BZIP2)
    with pytest.raises(WorkbookRejected, match="压缩方式"):
        check_file(path)


def test_merged_range_bomb_is_refused_before_openpyxl(tmp_path: Path, no_parsing: None) -> None:
    # openpyxl creates one object per merged cell: this one range would be 17 billion objects.
    merge = b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>'
    path = rewrite(plain_xlsx(tmp_path / "m.xlsx"), {"xl/worksheets/sheet1.xml": lambda d: d.replace(b"</worksheet>", merge)})
    start = time.perf_counter()
    with pytest.raises(WorkbookRejected, match="合并单元格共覆盖 17179869184 个单元格"):
        check_file(path)
    assert time.perf_counter() - start < 1.0


def test_merged_range_spelled_with_character_references_is_refused(tmp_path: Path, no_parsing: None) -> None:
    # The check reads the XML with a real parser, so a spelling trick reads as what it means.
    merge = b'<mergeCells count="1"><mergeCell ref="&#65;1:XFD1048576"/></mergeCells></worksheet>'
    path = rewrite(plain_xlsx(tmp_path / "m.xlsx"), {"xl/worksheets/sheet1.xml": lambda d: d.replace(b"</worksheet>", merge)})
    with pytest.raises(WorkbookRejected, match="合并单元格共覆盖 17179869184 个单元格"):
        check_file(path)
    odd = b'<mergeCells count="1"><mergeCell ref="A1:B"/></mergeCells></worksheet>'
    rewrite(path, {"xl/worksheets/sheet1.xml": lambda d: d.replace(d[d.index(b"<mergeCells"):], odd)})
    with pytest.raises(WorkbookRejected, match="合并单元格范围“A1:B”无法识别"):
        check_file(path)


def test_ordinary_merges_are_counted(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.merge_cells("A1:C4")
    wb.active.merge_cells("D1:D2")
    wb.save(tmp_path / "ok.xlsx")
    checked = check_file(tmp_path / "ok.xlsx")
    assert checked.merged_cells == 14 and not checked.has_formulas


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',  # billion laughs
        b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>',  # external entity
    ],
)
def test_xml_entities_are_refused(tmp_path: Path, doctype: bytes) -> None:
    def add(d: bytes) -> bytes:
        end = d.index(b"?>") + 2 if b"?>" in d else 0
        return d[:end] + doctype + d[end:]

    path = rewrite(plain_xlsx(tmp_path / "xxe.xlsx"), {"xl/workbook.xml": add})
    with pytest.raises(WorkbookRejected, match="xxe.xlsx 含有不安全的 XML 内容"):
        open_workbook(path)


def test_refuses_to_parse_without_defusedxml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(WorkbookRejected, match="defusedxml"):
        open_workbook(plain_xlsx(tmp_path / "ok.xlsx"))


def test_openpyxl_parses_with_defusedxml() -> None:
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")


def test_good_workbook_opens_with_cached_formula_values(tmp_path: Path) -> None:
    path = plain_xlsx(tmp_path / "ok.xlsx")
    wb = Workbook()
    wb.active["A1"] = "=1+1"
    wb.save(tmp_path / "f.xlsx")
    rewrite(tmp_path / "f.xlsx", {"xl/worksheets/sheet1.xml": lambda d: d.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>").replace(b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>")})
    assert open_workbook(path).active["B2"].value == 2
    checked = check_file(tmp_path / "f.xlsx")
    assert checked.has_formulas
    assert checked.load().active["A1"].value == 2  # the cached value, not the formula
    assert checked.load(data_only=False).active["A1"].value == "=1+1"


def test_malformed_part_is_a_rejection_not_a_crash(tmp_path: Path) -> None:
    path = rewrite(plain_xlsx(tmp_path / "bad.xlsx"), {"xl/workbook.xml": b"<not-closed"})
    with pytest.raises(WorkbookRejected, match="bad.xlsx 无法作为 Excel 工作簿读取"):
        open_workbook(path)
