"""Durable save as history grows: a 338-leaf 年度考核 inspection with 100 findings.

Measures, in one run:

* the median time of one ``Inspection.set_value`` (a durable save: one journal line appended
  and fsynced) after 100, 1,000 and 5,000 changes — target ≤ 3 ms each, and 5,000 vs 100
  ≤ 1.2× (a save must not grow with history);
* the baselines on the same disk: appending a line of the same size with one write + fsync,
  and replacing the whole file atomically (what a save cost before the journal);
* the file size per 1,000 changes (compacted);
* opening the 5,000-change inspection (≤ 150 ms), as written by this machine (trusted) and
  as received from elsewhere (verified by replaying all 5,000 entries).

Run: ``python benchmarks/store_bench.py``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import median_ms  # noqa: E402

SAMPLES = 60
TARGET_SAVE_MS, TARGET_RATIO, TARGET_OPEN_MS = 3.0, 1.2, 150.0


def build(home: Path):
    os.environ.update({"FZZF_HOME": str(home), "FZZF_PLUGINS_DIR": "", "FZZF_CHECKLISTS_DIR": ""})
    from fzzf_tui.inspection import InspectionStore
    from fzzf_tui.plugins import get_plugins, reset_plugins

    reset_plugins()
    checklist = get_plugins().get_checklist("annual-2019")
    store = InspectionStore()
    ins = store.create(checklist, "基准测试单位")
    leaves = [leaf.code for leaf in checklist.leaves()]
    return store, ins, leaves


def changes(ins) -> int:
    return len(ins.storage.entries)


def fill(ins, leaves: list[str], upto: int) -> None:
    """Make changes until the history holds ``upto`` entries: 100 findings early, scores after."""
    i = changes(ins)
    while changes(ins) < upto:
        if len(ins.findings()) < 100 and i % 3 == 0:
            n = len(ins.findings())
            ins.add_finding(f"问题 {n}：规范性文件未按程序报备", item_code=leaves[n], requirement="限期整改", due="2026-12-31")
        else:
            ins.set_value(leaves[i % len(leaves)], i % 4)
        i += 1


def saves(ins, leaves: list[str], raw_fd: int, n: int = SAMPLES) -> tuple[float, float, float]:
    """Median save, median raw append + fsync of a line of the same size interleaved with the
    saves (so both see the same disk load), and the store's own time with fsync switched off."""
    samples, raws, cpu = [], [], []
    line = b""
    for i in range(n):
        code = leaves[(i * 7) % len(leaves)]
        t = time.perf_counter()
        os.write(raw_fd, line or b"x\n")
        os.fsync(raw_fd)
        raws.append(time.perf_counter() - t)
        t = time.perf_counter()
        ins.set_value(code, (i + 1) % 4)
        samples.append(time.perf_counter() - t)
        line = ins.storage.entries.line(len(ins.storage.entries) - 1)
    real_fsync = os.fsync
    os.fsync = lambda fd: None  # type: ignore[assignment]
    try:
        for i in range(n):
            t = time.perf_counter()
            ins.set_value(leaves[(i * 11) % len(leaves)], i % 4)
            cpu.append(time.perf_counter() - t)
    finally:
        os.fsync = real_fsync  # type: ignore[assignment]
    return median_ms(samples), median_ms(raws), median_ms(cpu)


def raw_rewrite(path: Path, n: int = 20) -> float:
    from fzzf_tui.fileio import atomic_write_bytes

    data = path.read_bytes()
    target = path.with_name("raw-rewrite.json")
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        atomic_write_bytes(target, data)
        samples.append(time.perf_counter() - t)
    target.unlink()
    return median_ms(samples)


def open_ms(path: Path, trusted: bool, n: int = 7) -> float:
    from fzzf_tui.inspection import Inspection
    from fzzf_tui.inspection import store as store_mod
    from fzzf_tui.inspection import trust

    samples = []
    for _ in range(n):
        store_mod._SNAPSHOTS.clear()  # as a fresh process would: build the checklist snapshot
        if not trusted:
            trust._record_path(path).unlink(missing_ok=True)
        t = time.perf_counter()
        ins = Inspection.open(path, readonly=True)
        samples.append(time.perf_counter() - t)
        ins.close()
    return median_ms(samples)


def main() -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix="fzzf-bench-"))
    out: dict[str, float] = {}
    try:
        store, ins, leaves = build(home)
        sizes = {}
        raw_path = home / "raw-append.jsonl"
        raw_fd = os.open(str(raw_path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            for at in (100, 1000, 5000):
                fill(ins, leaves, at)
                out[f"save_{at}_ms"], out[f"raw_{at}_ms"], out[f"cpu_{at}_ms"] = saves(ins, leaves, raw_fd)
                if at in (1000, 5000):
                    ins.storage.compact()
                    sizes[at] = ins.path.stat().st_size
        finally:
            os.close(raw_fd)
        out["raw_append_ms"] = statistics.median(out[f"raw_{at}_ms"] for at in (100, 1000, 5000))
        out["raw_rewrite_ms"] = raw_rewrite(ins.path)
        path = ins.path
        n_changes = changes(ins)
        ins.close()
        out["kb_per_1000"] = (sizes[5000] - sizes[1000]) / 4 / 1024
        out["file_kb"] = path.stat().st_size / 1024
        out["open_trusted_ms"] = open_ms(path, trusted=True)
        out["open_verified_ms"] = open_ms(path, trusted=False, n=3)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    raw = out["raw_append_ms"]
    ratio = out["save_5000_ms"] / out["save_100_ms"]
    worst = max(out["save_100_ms"], out["save_1000_ms"], out["save_5000_ms"])
    print("store: durable save of one score, 338-leaf 年度考核 inspection with 100 findings")
    print(f"  baseline on this disk: rewrite the whole file atomically {out['raw_rewrite_ms']:6.2f} ms (a save before the journal)")
    for at in (100, 1000, 5000):
        v, r, c = out[f"save_{at}_ms"], out[f"raw_{at}_ms"], out[f"cpu_{at}_ms"]
        print(f"  after {at:5d} changes: save {v:6.2f} ms median; raw append+fsync of the same line {r:5.2f} ms"
              f" (ratio {v / r:.2f}); the store's own time without fsync {c:5.2f} ms")
    print(f"  5,000 vs 100 changes: {ratio:.2f}× (target ≤ {TARGET_RATIO}); "
          f"without fsync {out['cpu_5000_ms'] / out['cpu_100_ms']:.2f}×")
    print(f"  target ≤ {TARGET_SAVE_MS:g} ms → {'OK' if worst <= TARGET_SAVE_MS else 'MISSED'}"
          f" (fsync on this disk: median {raw:.2f} ms)")
    print(f"  file: {out['kb_per_1000']:.0f} KiB per 1,000 changes; {out['file_kb']:.0f} KiB after {n_changes} changes")
    print(f"  open {n_changes}-change inspection: {out['open_trusted_ms']:.0f} ms written here, "
          f"{out['open_verified_ms']:.0f} ms from elsewhere (full replay)  (target ≤ {TARGET_OPEN_MS:g} ms →"
          f" {'OK' if out['open_trusted_ms'] <= TARGET_OPEN_MS else 'MISSED'})")
    return out


if __name__ == "__main__":
    main()
