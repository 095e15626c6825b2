"""Importing tables stays linear and hostile workbooks are refused fast and small (#11, #14).

1. ``import-checklist`` on tables of 2,500 … 20,000 rows under one parent (the shape seen to be
   quadratic): seconds, µs per row, and two ratios measured in this run — per-row time against
   the 2,500-row table (≈1 when linear) and the whole import against reading the same cells with
   openpyxl's read-only mode (the cheapest library read). Target: 20,000 rows ≤ 5 s.
2. A 1.5 MB workbook holding 80 MB of sheet XML: time to refusal and peak RSS of a fresh process,
   against a fresh process that only imports the importer. Target: < 2 s and < 200 MB.
3. The same for Word (python-docx on lxml): a 20,000-row table (seconds, ratio per row against
   2,500 rows); a 1.5 MB .docx holding 80 MB of document XML refused (< 2 s, < 200 MB); and the
   largest document the checks let through (just under the 32 MB part limit, one table of many
   paragraphs): seconds and peak RSS of a fresh process, so the bound on memory is known.

Run: ``python benchmarks/table_import_bench.py`` (or ``python benchmarks/run.py table_import_bench``).
"""

from __future__ import annotations

import io
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

SIZES = (2_500, 5_000, 10_000, 20_000)
TARGET_20K = 5.0
TARGET_REFUSE_S = 2.0
TARGET_REFUSE_MB = 200


def one_parent_table(path: Path, n: int) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["某市法治政府建设专项督察评分表"])
    ws.append(["序号", "一级指标", "考核内容", "分值", "评分标准", "责任单位"])
    ws.append([None, "一、依法行政", None, None, None, None])
    for i in range(1, n + 1):
        ws.append([i, None, f"第{i}项考核内容，要求完整公开", 1, "每发现1处扣0.5分，扣完为止", "市司法局、市政府办公室"])
    wb.save(path)
    return path


def hostile_workbook(path: Path) -> Path:
    """1.5 MB on disk, one sheet of 80 MB XML (as seen in #11)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["序号", "考核内容", "分值"])
    wb.save(path)
    rnd = random.Random(1)
    block = b"".join(
        '<row><c t="inlineStr"><is><t>考核内容{}</t></is></c><c><v>{}</v></c></row>'.format(v, v % 10).encode()
        for v in (rnd.getrandbits(8) if i % 2 == 0 else 0 for i in range(4000))
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info.filename, zin.read(info))
        with zout.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for _ in range(80 * 1024 * 1024 // len(block) + 1):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    path.write_bytes(buf.getvalue())
    return path


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _cell(text: str, span: int = 1) -> str:
    pr = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
    return f"<w:tc>{pr}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def _docx_with_body(path: Path, chunks) -> Path:
    """A real .docx (python-docx's own template) whose body is replaced by ``chunks`` of XML,
    streamed into the zip so a large body never sits in memory here."""
    import docx

    seed = path.with_suffix(".seed.docx")
    docx.Document().save(seed)
    with zipfile.ZipFile(seed) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                zout.writestr(info.filename, zin.read(info))
        with zout.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}><w:body>'.encode())
            for chunk in chunks:
                fh.write(chunk)
            fh.write(b"<w:sectPr/></w:body></w:document>")
    seed.unlink()
    return path


def word_table(path: Path, n: int) -> Path:
    """The same table as :func:`one_parent_table`, as a Word table under its title paragraph."""
    head = "".join(_cell(t) for t in ("序号", "考核内容", "分值", "评分标准", "责任单位"))

    def chunks():
        yield ("<w:p><w:r><w:t>某市法治政府建设专项督察评分表</w:t></w:r></w:p><w:tbl><w:tblPr/><w:tblGrid>"
               + "<w:gridCol/>" * 5 + f"</w:tblGrid><w:tr>{head}</w:tr><w:tr>{_cell('一、依法行政', 5)}</w:tr>").encode()
        for i in range(1, n + 1):
            yield ("<w:tr>" + _cell(str(i)) + _cell(f"第{i}项考核内容，要求完整公开") + _cell("1")
                   + _cell("每发现1处扣0.5分，扣完为止") + _cell("市司法局、市政府办公室") + "</w:tr>").encode()
        yield b"</w:tbl>"

    return _docx_with_body(path, chunks())


def hostile_docx(path: Path, xml_mb: int, table_rows: int = 0) -> Path:
    """``xml_mb`` MB of document XML in paragraphs of slightly varied text (compressing about
    50:1, under the zip-bomb ratio limit), after a small table when ``table_rows``."""
    rnd = random.Random(2)
    block = b"".join(
        f"<w:p><w:r><w:t>第{rnd.getrandbits(7)}条 依法行政</w:t></w:r></w:p>".encode() for _ in range(2000)
    )

    def chunks():
        if table_rows:
            rows = "".join(f"<w:tr>{_cell(str(i))}{_cell(f'督察事项{i}')}{_cell('2')}</w:tr>" for i in range(table_rows))
            yield (f"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
                   f"<w:tr>{_cell('序号')}{_cell('督察事项')}{_cell('分值')}</w:tr>{rows}</w:tbl>").encode()
        for _ in range(xml_mb * 1024 * 1024 // len(block) + 1):
            yield block

    return _docx_with_body(path, chunks())


def time_import(path: Path, repeat: int = 3) -> float:
    from fzzf_tui.checklist.table_import import import_table

    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        import_table(path, type="专项督察")
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def time_openpyxl_read(path: Path, repeat: int = 3) -> float:
    from openpyxl import load_workbook

    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        wb = load_workbook(path, read_only=True, data_only=True)
        for _row in wb.active.iter_rows(values_only=True):
            pass
        wb.close()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


_CHILD = r"""
import json, resource, sys, time
t = time.perf_counter()
from fzzf_tui.checklist.table_import import import_table
from fzzf_tui.errors import FzzfError
message = ""
if sys.argv[1] != "-":
    try:
        import_table(sys.argv[1], type="专项督察")
    except FzzfError as exc:
        message = str(exc)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
try:  # Linux: ru_maxrss keeps the parent's peak from before exec; VmHWM is this program's own
    rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    pass
print(json.dumps({"s": time.perf_counter() - t, "rss_mb": rss, "message": message}, ensure_ascii=False))
"""


def child(arg: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, arg], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print("1. rows under one parent: import time (median of 3)")
        print(f"{'rows':>8} {'seconds':>8} {'µs/row':>8} {'per-row vs 2.5k':>16} {'vs openpyxl read':>17}")
        base_per_row = None
        result_20k = None
        for n in SIZES:
            path = one_parent_table(root / f"t{n}.xlsx", n)
            t = time_import(path)
            baseline = time_openpyxl_read(path)
            per_row = t / n
            base_per_row = base_per_row or per_row
            print(f"{n:>8} {t:>8.2f} {per_row * 1e6:>8.0f} {per_row / base_per_row:>16.2f} {t / baseline:>17.2f}")
            if n == 20_000:
                result_20k = t
        assert result_20k is not None
        verdict = "ok" if result_20k <= TARGET_20K else "OVER TARGET"
        print(f"   20,000 rows: {result_20k:.2f} s (target ≤ {TARGET_20K:.0f} s): {verdict}")

        print("2. a 1.5 MB workbook with 80 MB of sheet XML: refused in a fresh process")
        hostile = hostile_workbook(root / "hostile.xlsx")
        bare = child("-")
        refused = child(str(hostile))
        size_mb = hostile.stat().st_size / 1024 / 1024
        print(f"   file {size_mb:.1f} MB; refusal {refused['s']:.2f} s (process that only imports: {bare['s']:.2f} s)")
        print(f"   peak RSS {refused['rss_mb']:.0f} MB (process that only imports: {bare['rss_mb']:.0f} MB, "
              f"ratio {refused['rss_mb'] / bare['rss_mb']:.2f})")
        print(f"   message: {refused['message']}")
        ok = refused["s"] < TARGET_REFUSE_S and refused["rss_mb"] < TARGET_REFUSE_MB and refused["message"]
        print(f"   target < {TARGET_REFUSE_S:.0f} s and < {TARGET_REFUSE_MB} MB: {'ok' if ok else 'OVER TARGET'}")

        print("3. Word (.docx): the same table as a Word table, import time (median of 3)")
        print(f"{'rows':>8} {'seconds':>8} {'µs/row':>8} {'per-row vs 2.5k':>16}")
        base_per_row = None
        for n in (2_500, 20_000):
            t = time_import(word_table(root / f"w{n}.docx", n))
            per_row = t / n
            base_per_row = base_per_row or per_row
            print(f"{n:>8} {t:>8.2f} {per_row * 1e6:>8.0f} {per_row / base_per_row:>16.2f}")
            if n == 20_000:
                print(f"   20,000 rows: {t:.2f} s (target ≤ {TARGET_20K:.0f} s): {'ok' if t <= TARGET_20K else 'OVER TARGET'}")
        bomb = hostile_docx(root / "hostile.docx", 80)
        refused = child(str(bomb))
        print(f"   {bomb.stat().st_size / 1024 / 1024:.1f} MB .docx with 80 MB of XML: refusal {refused['s']:.2f} s, "
              f"peak RSS {refused['rss_mb']:.0f} MB (ratio {refused['rss_mb'] / bare['rss_mb']:.2f}); {refused['message']}")
        ok = refused["s"] < TARGET_REFUSE_S and refused["rss_mb"] < TARGET_REFUSE_MB and refused["message"]
        print(f"   target < {TARGET_REFUSE_S:.0f} s and < {TARGET_REFUSE_MB} MB: {'ok' if ok else 'OVER TARGET'}")
        largest = hostile_docx(root / "largest.docx", 31, table_rows=20)
        got = child(str(largest))
        print(f"   largest accepted: {largest.stat().st_size / 1024 / 1024:.1f} MB .docx, 31 MB of XML: "
              f"{got['s']:.2f} s, peak RSS {got['rss_mb']:.0f} MB (ratio {got['rss_mb'] / bare['rss_mb']:.2f})"
              f"{'; refused: ' + got['message'] if got['message'] else ''}")


if __name__ == "__main__":
    main()
