"""Bounded input (#11): hostile tables are refused while streaming, before anything is loaded;
import work grows linearly with rows; a failing checklist file is parsed once, not at every start."""

from __future__ import annotations

import io
import os
import random
import sys
import time
import zipfile
from pathlib import Path
from typing import Callable

import openpyxl
import pytest
from openpyxl import Workbook

from fzzf_tui import safe_xlsx, xlsx_stream
from fzzf_tui.checklist import cache
from fzzf_tui.checklist.table_import import import_table
from fzzf_tui.errors import ChecklistError, ExportError
from fzzf_tui.safe_xlsx import WorkbookRejected, check_file

PKG = str(Path(xlsx_stream.__file__).resolve().parent)
MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@pytest.fixture
def no_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if openpyxl is asked to load a workbook."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl.load_workbook must not be called")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def small_table(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in (["序号", "考核内容", "分值"], [1, "有制度", 2], [2, "有台账", 3]):
        ws.append(row)
    wb.save(path)
    return path


def replace_sheet(path: Path, write: Callable[[io.BufferedIOBase], None], member: str = "xl/worksheets/sheet1.xml") -> Path:
    """Rewrite ``member`` of the workbook at ``path`` with what ``write`` streams into it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != member:
                zout.writestr(info.filename, zin.read(info))
        with zout.open(member, "w", force_zip64=True) as fh:
            write(fh)
    path.write_bytes(buf.getvalue())
    return path


def sheet_of_rows(rows: bytes, count: int) -> Callable[[io.BufferedIOBase], None]:
    def write(fh: io.BufferedIOBase) -> None:
        fh.write(b'<?xml version="1.0"?><worksheet ' + MAIN_NS + b"><sheetData>")
        for _ in range(count):
            fh.write(rows)
        fh.write(b"</sheetData></worksheet>")

    return write


@pytest.fixture(scope="module")
def big_xml_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """As seen (#11): a 1.5 MB workbook whose one sheet is 80 MB of XML (ratio ~55, under the
    zip-bomb ratio limit, under the total-size limit)."""
    rnd = random.Random(1)
    block = b"".join(
        '<row><c t="inlineStr"><is><t>考核内容{}</t></is></c><c><v>{}</v></c></row>'.format(v, v % 10).encode()
        for v in (rnd.getrandbits(8) if i % 2 == 0 else 0 for i in range(4000))
    )
    path = small_table(tmp_path_factory.mktemp("big") / "评分表.xlsx")
    replace_sheet(path, sheet_of_rows(block, 80 * 1024 * 1024 // len(block) + 1))
    size = path.stat().st_size
    assert 1.0e6 < size < 2.0e6, size
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 80 * 1024 * 1024
    return path


def test_80_mb_of_sheet_xml_is_refused_by_its_size_before_reading_it(
    big_xml_workbook: Path, no_loading: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    fed: list[str] = []
    real_feed = xlsx_stream._feed
    monkeypatch.setattr(xlsx_stream, "_feed", lambda zf, member, parser: (fed.append(member), real_feed(zf, member, parser)))
    with pytest.raises(WorkbookRejected) as exc:
        import_table(big_xml_workbook, type="专项督察")
    message = str(exc.value)
    assert "评分表.xlsx" in message and "工作表“Sheet”" in message and "32 MB 的上限" in message
    assert "xl/worksheets/sheet1.xml" not in fed  # refused from the zip directory, never decompressed


def test_row_limit_is_checked_while_streaming(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_loading: None) -> None:
    monkeypatch.setattr(safe_xlsx, "MAX_ROWS", 50)
    path = replace_sheet(small_table(tmp_path / "t.xlsx"), sheet_of_rows(b"<row><c><v>1</v></c></row>", 10_000))
    with pytest.raises(WorkbookRejected, match="t.xlsx 的工作表“Sheet”超过 50 行的上限"):
        import_table(path, type="专项督察")


def test_cell_limit_counts_every_cell_of_every_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safe_xlsx, "MAX_CELLS", 100)
    path = replace_sheet(small_table(tmp_path / "t.xlsx"), sheet_of_rows(b"<row>" + b"<c/>" * 30 + b"</row>", 5))
    with pytest.raises(WorkbookRejected, match="t.xlsx 的单元格超过 100 个的上限"):
        check_file(path)


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path: Path, no_loading: None) -> None:
    text = ("很长的考核内容" * 5000).encode()  # 35,000 characters
    row = b'<row r="2"><c r="B2" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"
    path = replace_sheet(small_table(tmp_path / "t.xlsx"), sheet_of_rows(row, 1))
    with pytest.raises(WorkbookRejected, match="单元格 B2 的文字超过 32767 字的上限（Excel 单元格的最大长度）"):
        import_table(path, type="专项督察")


def test_a_shared_string_longer_than_excel_allows_is_refused(tmp_path: Path) -> None:
    path = small_table(tmp_path / "t.xlsx")
    sst = b'<?xml version="1.0"?><sst ' + MAIN_NS + b"><si><t>" + b"x" * 40_000 + b"</t></si></sst>"
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        zout.writestr("xl/sharedStrings.xml", sst)
    path.write_bytes(buf.getvalue())
    with pytest.raises(WorkbookRejected, match="共享字符串第 1 项超过 32767 字的上限"):
        check_file(path)


def test_cells_outside_excel_are_refused(tmp_path: Path) -> None:
    path = replace_sheet(small_table(tmp_path / "t.xlsx"), sheet_of_rows(b'<row r="1"><c r="XFE1"><v>1</v></c></row>', 1))
    with pytest.raises(WorkbookRejected, match="超出 Excel 范围"):
        check_file(path)


def test_a_far_away_cell_does_not_cost_a_walk_over_empty_rows(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    for row in (["序号", "考核内容", "分值"], [1, "有制度", 2], [2, "有台账", 3]):
        ws.append(row)
    ws["XFD1048576"] = "备注"  # a stray cell in the last cell Excel has
    wb.save(tmp_path / "t.xlsx")
    result = import_table(tmp_path / "t.xlsx", type="专项督察")
    assert [i.title for i in result.checklist.walk()] == ["有制度", "有台账"]


# -- linear in rows ----------------------------------------------------------------------------

def one_parent_table(path: Path, n: int) -> Path:
    """The shape seen (#11): n rows under one parent."""
    wb = Workbook()
    ws = wb.active
    ws.append(["某市法治政府建设专项督察评分表"])
    ws.append(["序号", "一级指标", "考核内容", "分值", "评分标准", "责任单位"])
    ws.append([None, "一、依法行政", None, None, None, None])
    for i in range(1, n + 1):
        ws.append([i, None, f"第{i}项考核内容", 1, "每发现1处扣0.5分，扣完为止", "市司法局"])
    wb.save(path)
    return path


def executed_lines(fn: Callable[[], object]) -> int:
    """Lines of fzzf_tui code executed by ``fn`` (a count of work that does not depend on load)."""
    count = 0

    def local(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):  # type: ignore[no-untyped-def]
        return local if frame.f_code.co_filename.startswith(PKG) else None

    sys.settrace(calls)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def test_import_work_grows_linearly_with_rows_under_one_parent(tmp_path: Path) -> None:
    small = one_parent_table(tmp_path / "small.xlsx", 300)
    large = one_parent_table(tmp_path / "large.xlsx", 1200)
    a = executed_lines(lambda: import_table(small, type="专项督察"))
    b = executed_lines(lambda: import_table(large, type="专项督察"))
    assert b / a < 4.6, (a, b)  # 4 times the rows: linear work is ~4x, quadratic was >10x


# -- failures are cached -----------------------------------------------------------------------

def test_a_failing_table_in_a_checklists_folder_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FZZF_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FZZF_NO_CACHE", raising=False)
    bad = tmp_path / "坏表.xlsx"
    wb = Workbook()
    wb.active.append(["随便写点什么"])
    wb.save(bad)
    calls: list[Path] = []
    real = cache.load_checklist_file
    monkeypatch.setattr(cache, "load_checklist_file", lambda p: (calls.append(p), real(p))[1])
    with pytest.raises(ChecklistError) as first:
        cache.load_cached(bad)
    with pytest.raises(ChecklistError) as second:
        cache.load_cached(bad)
    assert len(calls) == 1  # the second start is served from the cache
    assert [str(p) for p in second.value.problems] == [str(p) for p in first.value.problems]
    assert "找不到表头" in str(second.value)
    wb.active.append(["序号", "考核内容", "分值"])
    wb.active.append([1, "有制度", 2])
    wb.save(bad)
    os.utime(bad, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    with pytest.raises(ChecklistError, match="检查类型"):  # changed: parsed again (now the type is missing)
        cache.load_cached(bad)
    assert len(calls) == 2


# -- import-status checks sheet names while streaming ------------------------------------------

def test_import_status_refuses_a_foreign_workbook_by_its_sheet_names_before_reading_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_loading: None
) -> None:
    from fzzf_tui.exporting.status_import import read_returned

    fed: list[str] = []
    real_feed = xlsx_stream._feed
    monkeypatch.setattr(xlsx_stream, "_feed", lambda zf, member, parser: (fed.append(member), real_feed(zf, member, parser)))
    path = small_table(tmp_path / "别的表.xlsx")
    with pytest.raises(ExportError, match="别的表.xlsx 不是本工具导出的整改清单"):
        read_returned(path)
    assert not [m for m in fed if m.startswith("xl/worksheets/")]


def test_import_status_refuses_a_hostile_workbook_while_streaming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_loading: None
) -> None:
    from fzzf_tui.exporting.status_import import IDENTITY, RECTIFICATION, read_returned

    monkeypatch.setattr(safe_xlsx, "MAX_CELLS", 1000)
    wb = Workbook()
    wb.active.title = RECTIFICATION
    wb.create_sheet(IDENTITY)
    wb.save(tmp_path / "回传.xlsx")
    path = replace_sheet(tmp_path / "回传.xlsx", sheet_of_rows(b"<row>" + b"<c><v>1</v></c>" * 100 + b"</row>", 50))
    start = time.perf_counter()
    with pytest.raises(WorkbookRejected, match="单元格超过 1000 个的上限"):
        read_returned(path)
    assert time.perf_counter() - start < 5
