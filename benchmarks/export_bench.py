"""Export of a 338-leaf 年度考核 inspection with 100 findings: xlsx and bundle, and the import.

Medians of five runs (targets: xlsx ≤ 2× the baseline, bundle and import ≤ 0.5 s each). The
baseline, measured in the same run and interleaved with the export: bare openpyxl writing the
same cells (the values of our workbook, read back beforehand, in the same sheets), no styles,
no row heights, no print settings — so the ratio shows what the snapshot, styling, row heights
and print setup cost.
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


def cells_of(xlsx: Path) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def plain_cells(path: Path, sheets: dict[str, list[tuple]]) -> None:
    """Bare openpyxl (normal mode, as the export) writing ``sheets``' values."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)


def main() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        store, ins = build(home)
        from fzzf_tui.exporting import export_inspection, import_bundle
        from fzzf_tui.inspection import InspectionStore

        out = home / "out"
        out.mkdir()
        sheets = cells_of(export_inspection(ins, "xlsx", out, force=True))
        cells = sum(1 for rows in sheets.values() for r in rows for v in r if v is not None)
        ours, plain = [], []
        for _ in range(5):  # interleaved, so a busy moment hits both sides alike
            ours.append(timed(lambda: export_inspection(ins, "xlsx", out, force=True), 1))
            plain.append(timed(lambda: plain_cells(home / "plain.xlsx", sheets), 1))
        xlsx, baseline = statistics.median(ours), statistics.median(plain)
        bundle_path = export_inspection(ins, "bundle", out, force=True)
        bundle = timed(lambda: export_inspection(ins, "bundle", out, force=True))
        ins.close()

        def do_import() -> None:
            os.environ["FZZF_HOME"] = str(home / f"office-{time.perf_counter_ns()}")
            import_bundle(bundle_path, InspectionStore())

        imp = timed(do_import)
    print(f"xlsx export       {xlsx * 1000:8.0f} ms   (bare openpyxl writing the same {cells} cells: "
          f"{baseline * 1000:.0f} ms, ratio {xlsx / baseline:.2f}, target ≤ 2)")
    print(f"bundle export     {bundle * 1000:8.0f} ms   target ≤ 500 ms")
    print(f"bundle import     {imp * 1000:8.0f} ms   target ≤ 500 ms")
    return {"xlsx_ms": xlsx * 1000, "baseline_ms": baseline * 1000, "xlsx_ratio": xlsx / baseline}


if __name__ == "__main__":
    main()
