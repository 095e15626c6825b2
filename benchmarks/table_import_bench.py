"""Importing tables stays linear and hostile workbooks are refused fast and small (#11, #14).

1. ``import-checklist`` on tables of 2,500 … 20,000 rows under one parent (the shape seen to be
   quadratic): seconds, µs per row, and two ratios measured in this run — per-row time against
   the 2,500-row table (≈1 when linear) and the whole import against reading the same cells with
   openpyxl's read-only mode (the cheapest library read). Target: 20,000 rows ≤ 5 s.
2. A 1.5 MB workbook holding 80 MB of sheet XML: time to refusal and peak RSS of a fresh process,
   against a fresh process that only imports the importer. Target: < 2 s and < 200 MB.

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
print(json.dumps({"s": time.perf_counter() - t, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "message": message}, ensure_ascii=False))
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


if __name__ == "__main__":
    main()
