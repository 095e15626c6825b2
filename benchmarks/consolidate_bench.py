"""Consolidate 100 inspections vs a raw openpyxl write-only workbook of the same cells
(target ratio ≤ 1.5). Both measured in this run."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path


def build(home: Path, n: int) -> Path:
    os.environ.update({"FZZF_HOME": str(home), "FZZF_PLUGINS_DIR": "", "FZZF_CHECKLISTS_DIR": ""})
    from fzzf_tui.inspection import InspectionStore
    from fzzf_tui.plugins import get_plugins, reset_plugins

    reset_plugins()
    checklist = get_plugins().get_checklist("annual-2019")
    store = InspectionStore()
    ins = store.create(checklist, "基准单位")
    leaves = [leaf.code for leaf in checklist.leaves()]
    for i, code in enumerate(leaves[:120]):
        ins.set_value(code, i % 3)
    for i in range(10):
        ins.add_finding(f"问题 {i}", item_code=leaves[i], due="2026-01-31")
    path = ins.path
    ins.close()
    raw = path.read_text(encoding="utf-8")
    for i in range(1, n):
        data = json.loads(raw)
        data["meta"]["1"]["id"] = f"b-{uuid.uuid4().hex[:8]}"
        data["meta"]["1"]["unit"] = f"单位{i:03d}"
        (store.root / f"c{i:03d}.fzzf").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return store.root


def raw_same_cells(src: Path, out: Path) -> None:
    """The same workbook contents written with bare openpyxl write-only (no reading, no scoring)."""
    from openpyxl import Workbook, load_workbook

    wb_src = load_workbook(src, read_only=True)
    rows = {name: list(wb_src[name].iter_rows(values_only=True)) for name in wb_src.sheetnames}
    wb_src.close()
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
        root = build(home, 100)
        times = []
        for k in range(3):
            t = time.perf_counter()
            rep = consolidate([root], home / f"out{k}.xlsx", today=date(2026, 6, 1))
            times.append(time.perf_counter() - t)
        ours = sorted(times)[1]
        raw = sorted(raw_same_cells(rep.output, home / f"raw{k}.xlsx") for k in range(3))[1]
        from fzzf_tui.exporting.consolidate import _Reader, collect_inputs

        reads = []
        for _ in range(3):
            reader = _Reader()
            t = time.perf_counter()
            for p in collect_inputs([root]):
                reader.load(p)
            reads.append(time.perf_counter() - t)
        read = sorted(reads)[1]
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print("consolidate 100 年度考核 inspections (read + score + write)")
    print(f"  baseline raw openpyxl write-only of the same cells: {raw * 1000:7.1f} ms")
    print(f"  fzzf consolidate, total:                           {ours * 1000:7.1f} ms  ratio {ours / raw:.2f} (target ≤ 1.5)")
    print(f"    of which reading + scoring 100 files:            {read * 1000:7.1f} ms")
    print(f"    writing the workbook:                            {(ours - read) * 1000:7.1f} ms  ratio {(ours - read) / raw:.2f}")
    return {"raw_ms": raw * 1000, "ours_ms": ours * 1000, "read_ms": read * 1000, "ratio": ours / raw}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
