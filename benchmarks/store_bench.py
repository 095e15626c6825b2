"""Durable save of one score: a 338-leaf 年度考核 inspection with 100 findings.

Measures the median time of ``Inspection.set_value`` (atomic replace + fsync) with 1 and with
500 other inspections stored (target ≤ 10 ms median; ratio 500 vs 1 ≤ 1.2). Baseline, in the
same run: writing the same number of bytes with one write + fsync + rename, no TinyDB.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import median_ms  # noqa: E402


def build(home: Path):
    os.environ.update({"FZZF_HOME": str(home), "FZZF_PLUGINS_DIR": "", "FZZF_CHECKLISTS_DIR": ""})
    from fzzf_tui.inspection import InspectionStore
    from fzzf_tui.plugins import get_plugins, reset_plugins

    reset_plugins()
    checklist = get_plugins().get_checklist("annual-2019")
    store = InspectionStore()
    ins = store.create(checklist, "基准测试单位")
    leaves = [leaf.code for leaf in checklist.leaves()]
    for i, code in enumerate(leaves):
        ins.set_value(code, i % 3)
    for i in range(100):
        ins.add_finding(f"问题 {i}：规范性文件未按程序报备", item_code=leaves[i], requirement="限期整改", due="2026-12-31")
    return store, ins, leaves


def saves(ins, leaves, n: int = 200) -> float:
    samples = []
    for i in range(n):
        t = time.perf_counter()
        ins.set_value(leaves[i % len(leaves)], (i + 1) % 4)
        samples.append(time.perf_counter() - t)
    return median_ms(samples)


def raw_baseline(path: Path, n: int = 200) -> float:
    from fzzf_tui.inspection.storage import atomic_write_bytes

    data = path.read_bytes()
    target = path.with_name("raw-baseline.json")
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        atomic_write_bytes(target, data)
        samples.append(time.perf_counter() - t)
    target.unlink()
    return median_ms(samples)


def main() -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix="fzzf-bench-"))
    try:
        store, ins, leaves = build(home)
        one = saves(ins, leaves)
        size = ins.path.stat().st_size
        for i in range(500):
            shutil.copy(ins.path, store.root / f"other-{i:03d}.fzzf")
        many = saves(ins, leaves)
        raw = raw_baseline(ins.path)
        ins.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"store: durable save of one score (file {size / 1024:.0f} KiB, 338 leaves, 100 findings)")
    print(f"  baseline raw atomic write of same bytes: {raw:6.2f} ms")
    print(f"  1 inspection stored:     {one:6.2f} ms median  (ratio to raw {one / raw:.2f})")
    print(f"  501 inspections stored:  {many:6.2f} ms median  (ratio 500 vs 1: {many / one:.2f}; target ≤ 1.2)")
    print(f"  target ≤ 10 ms → {'OK' if max(one, many) <= 10 else 'MISSED'}")
    return {"raw_ms": raw, "one_ms": one, "many_ms": many, "ratio": many / one}


if __name__ == "__main__":
    main()
