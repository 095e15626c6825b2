"""Export of a 338-leaf 年度考核 inspection with 100 findings: xlsx and bundle, and the import.

Medians of a few runs (target: xlsx ≤ 3 s, bundle and import ≤ 0.5 s each). Baseline, in the
same run: openpyxl writing the same number of plain cells, no styles, no chart, so the ratio
shows what styling, row heights and the extra sheets cost.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def build(home: Path):
    os.environ.update({"FZZF_HOME": str(home), "FZZF_PLUGINS_DIR": "", "FZZF_CHECKLISTS_DIR": ""})
    from fzzf_tui.inspection import Evidence, InspectionStore
    from fzzf_tui.plugins import get_plugins, reset_plugins

    reset_plugins()
    checklist = get_plugins().get_checklist("annual-2019")
    store = InspectionStore()
    ins = store.create(checklist, "基准测试单位", ["检查员甲", "检查员乙"], "2026-11-20")
    leaves = [leaf.code for leaf in checklist.leaves()]
    for i, code in enumerate(leaves):
        ins.set_value(code, i % 3)
    evidence = home / "佐证.pdf"
    evidence.write_bytes(b"%PDF-1.4 " + os.urandom(200_000))
    ev = Evidence.from_file(evidence)
    for i in range(100):
        ins.add_finding(f"问题 {i}：规范性文件未按程序报备，部分文件超过规定时限。", item_code=leaves[i],
                        evidence=[ev, "现场查阅文件目录"], requirement="限期整改并建立备案台账", due="2026-12-31")
    return store, ins


def timed(fn, repeat: int = 3) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def plain_cells(path: Path, rows: int, cols: int) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in range(rows):
        ws.append([f"单元格 {r}-{c}" for c in range(cols)])
    wb.save(path)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        store, ins = build(home)
        from fzzf_tui.exporting import export_inspection, import_bundle
        from fzzf_tui.inspection import InspectionStore

        out = home / "out"
        out.mkdir()
        xlsx = timed(lambda: export_inspection(ins, "xlsx", out, force=True))
        bundle_path = export_inspection(ins, "bundle", out, force=True)
        bundle = timed(lambda: export_inspection(ins, "bundle", out, force=True))
        ins.close()

        def do_import() -> None:
            os.environ["FZZF_HOME"] = str(home / f"office-{time.perf_counter_ns()}")
            import_bundle(bundle_path, InspectionStore())

        imp = timed(do_import)
        cells = 600 * 12 + 100 * 10 + 100 * 9 + 40 * 2
        baseline = timed(lambda: plain_cells(home / "plain.xlsx", cells // 12, 12))
    print(f"xlsx export       {xlsx * 1000:8.0f} ms   (plain openpyxl, same cell count: {baseline * 1000:.0f} ms, "
          f"ratio {xlsx / baseline:.1f})  target ≤ 3000 ms")
    print(f"bundle export     {bundle * 1000:8.0f} ms   target ≤ 500 ms")
    print(f"bundle import     {imp * 1000:8.0f} ms   target ≤ 500 ms")


if __name__ == "__main__":
    main()
