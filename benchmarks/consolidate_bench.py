"""Consolidate 100 年度考核 inspections vs bare openpyxl write-only of the same cells. Both are
measured in this run, interleaved, each the median of five.

The baseline only writes: it is handed the finished cell values of our workbook (read back
from it beforehand) and appends them to a write-only workbook. ``fzzf consolidate`` also has
to read, check and score every inspection. Printed: the write stage alone (our styled sheets vs
raw openpyxl), the whole run as an office repeats it — files unchanged since the last run come
from the local cache (target ≤ 2× the raw write) — and the whole run with nothing cached (the
first consolidation of new files; no target).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

N = 100
TODAY = date(2026, 6, 1)


def Result(*args: Any, **kwargs: Any) -> Any:
    from fzzf_tui.inspection import Result as _Result

    return _Result(*args, **kwargs)


def build(home: Path, n: int = N) -> Path:
    """One real inspection (every item scored, 10 findings), then n-1 more made through the store
    with their own unit and scores in one audited bulk write each; all finished (ranked).
    Returns the folder holding them (real journal files, as the app writes them)."""
    os.environ.update({"FZZF_HOME": str(home), "FZZF_PLUGINS_DIR": "", "FZZF_CHECKLISTS_DIR": ""})
    from dataclasses import replace

    from fzzf_tui.inspection import InspectionStore
    from fzzf_tui.plugins import get_plugins, reset_plugins

    reset_plugins()
    checklist = get_plugins().get_checklist("annual-2019")
    store = InspectionStore()
    ins = store.create(checklist, "基准单位")
    leaves = [leaf.code for leaf in checklist.leaves()]
    ins.bulk_apply("benchmark", {"leaves": len(leaves)},
                   results=[Result(code, i % 3, by="基准", at="2026-05-01T09:00:00+08:00") for i, code in enumerate(leaves)])
    for i in range(10):
        ins.add_finding(f"问题 {i}：制度未按要求公开", item_code=leaves[i], requirement="限期整改并报送材料",
                        due="2026-01-31" if i % 2 else "2026-12-31")
    results = list(ins.results().values())
    findings = ins.findings()
    ins.finalize()
    ins.close()
    for i in range(1, n):
        copy = store.create(checklist, f"单位{i:03d}")
        mine = [replace(r, value=(i + k) % 3) if k < i % 40 else r for k, r in enumerate(results)]
        copy.bulk_apply("benchmark", {"copy": i}, results=mine,
                        findings=[replace(f, id=f"{f.id[:6]}{i:06d}") for f in findings])
        copy.finalize()
        copy.close()
    return store.root


def cells_of(xlsx: Path) -> dict[str, list[tuple[Any, ...]]]:
    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True)
    try:
        return {name: list(wb[name].iter_rows(values_only=True)) for name in wb.sheetnames}
    finally:
        wb.close()


def raw_write(rows: dict[str, list[tuple[Any, ...]]], out: Path) -> float:
    """Seconds to write the same cells with bare openpyxl write-only (no styles, no reading)."""
    from openpyxl import Workbook

    t = time.perf_counter()
    wb = Workbook(write_only=True)
    for name, data in rows.items():
        ws = wb.create_sheet(name)
        for r in data:
            ws.append(list(r))
    wb.save(out)
    return time.perf_counter() - t


def main() -> dict[str, float]:
    from fzzf_tui.exporting.consolidate import consolidate

    home = Path(tempfile.mkdtemp(prefix="fzzf-bench-"))
    try:
        root = build(home, N)
        rep = consolidate([root], home / "warm.xlsx", today=TODAY)  # also fills the cache
        assert len(rep.included) == N, rep.skipped
        rows = cells_of(rep.output)
        totals, writes, reads, raws, colds = [], [], [], [], []
        for n in range(5):  # interleaved, so a busy moment hits both sides alike
            t = time.perf_counter()
            rep = consolidate([root], home / "out.xlsx", today=TODAY, force=True)
            totals.append(time.perf_counter() - t)
            assert rep.cached == N
            writes.append(rep.timings["write"])
            reads.append(rep.timings["read"])
            raws.append(raw_write(rows, home / "raw.xlsx"))
            os.environ["FZZF_CACHE_DIR"] = str(home / f"cold-cache-{n}")  # an empty cache: nothing known
            t = time.perf_counter()
            cold = consolidate([root], home / "cold.xlsx", today=TODAY, force=True)
            colds.append(time.perf_counter() - t)
            assert cold.cached == 0
            del os.environ["FZZF_CACHE_DIR"]
        ours, write, read, raw, first = (statistics.median(x) for x in (totals, writes, reads, raws, colds))
        cells = sum(len(r) for data in rows.values() for r in data)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"consolidate {N} 年度考核 inspections ({rep.findings} findings, {cells} cells)")
    print(f"  baseline: bare openpyxl write-only of the same cells  {raw * 1000:7.1f} ms")
    print(f"  fzzf consolidate, write stage (styled sheets)          {write * 1000:7.1f} ms  ratio {write / raw:.2f}")
    print(f"  fzzf consolidate, read {N} unchanged files (cache)     {read * 1000:7.1f} ms")
    print(f"  fzzf consolidate, whole run, files unchanged          {ours * 1000:7.1f} ms  ratio {ours / raw:.2f} "
          "(target ≤ 2)")
    print(f"  fzzf consolidate, whole run, nothing cached (first)   {first * 1000:7.1f} ms  ratio {first / raw:.2f}")
    return {"raw_ms": raw * 1000, "write_ms": write * 1000, "read_ms": read * 1000, "total_ms": ours * 1000,
            "write_ratio": write / raw, "total_ratio": ours / raw, "cold_ratio": first / raw}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
