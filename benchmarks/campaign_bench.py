"""A 督察任务 on the 338-item 年度考核 checklist: writing 自查表, importing one back, listing units.

Medians of a few runs. Targets: a 自查表 ≤ 1.5 s (300 units: a few minutes, with a progress
bar); reading + planning + storing one returned 自查表 ≤ 2 s; the campaign view of 30 units
with their inspections ≤ 3 s. Baseline, in the same run: openpyxl writing the same number of
plain cells (no styles, validation or protection) and loading them back, so the ratios show
what the form's formatting and the import's checks cost.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

UNITS = 30


def timed(fn, repeat: int = 3) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def plain(path: Path, rows: int, cols: int) -> None:
    from openpyxl import Workbook, load_workbook

    wb = Workbook()
    ws = wb.active
    for r in range(rows):
        ws.append([f"单元格 {r}-{c}" for c in range(cols)])
    wb.save(path)
    load_workbook(path).close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        os.environ.update({"FZZF_HOME": str(home), "FZZF_PLUGINS_DIR": "", "FZZF_CHECKLISTS_DIR": "",
                           "FZZF_USER": "基准"})
        import openpyxl

        from fzzf_tui.campaign import Campaign, CampaignSpec, CampaignStore, CampaignUnit, unit_progress
        from fzzf_tui.campaign.forms import build_form, form_bytes, write_forms
        from fzzf_tui.campaign.progress import create_unit_inspection
        from fzzf_tui.campaign.self_check_import import apply_import, plan_import, read_form
        from fzzf_tui.inspection import Inspection, InspectionStore
        from fzzf_tui.inspection.self_check import read_self_results
        from fzzf_tui.plugins import get_plugins, reset_plugins

        reset_plugins()
        checklist = get_plugins().get_checklist("annual-2019")
        units = tuple(CampaignUnit(f"单位{n:03d}", "第一组") for n in range(UNITS))
        store = InspectionStore()
        with CampaignStore().create(CampaignSpec("基准督察任务", units), checklist) as c:
            path = c.path
        with Campaign.open(path, readonly=True) as c:
            one = timed(lambda: form_bytes(build_form(c, c.units[0])))
            forms = write_forms(c, home / "forms", store, [u.name for u in units[:3]])
            for u in units:
                create_unit_inspection(c, u.name, store).close()
        filled = []
        for n, form in enumerate(forms):
            wb = openpyxl.load_workbook(form)
            ws = wb["自查表"]
            for r in range(6, ws.max_row + 1):
                if ws.cell(row=r, column=10).value:
                    ws.cell(row=r, column=5, value=1)
                    ws.cell(row=r, column=8, value="会议纪要、工作台账")
            filled.append(home / f"filled-{n}.xlsx")
            wb.save(filled[-1])
        samples = []
        for form_path in filled:  # each into its own unit's inspection: read, check, diff, store
            t = time.perf_counter()
            form = read_form(form_path)
            with Campaign.open(path, readonly=True) as c:
                target = next(p for p in unit_progress(c, store) if p.unit.name == form.unit).path
                with Inspection.open(target) as ins:
                    apply_import(ins, plan_import(form, c, read_self_results(ins)))
            samples.append(time.perf_counter() - t)
        back = statistics.median(samples)

        def view() -> None:
            with Campaign.open(path, readonly=True) as c:
                unit_progress(c, store)

        listing = timed(view)
        rows = sum(1 for _ in checklist.walk()) + 5
        baseline = timed(lambda: plain(home / "plain.xlsx", rows, 10))
    print(f"自查表 (338 items)     {one * 1000:8.0f} ms   (plain openpyxl write+read, same cells: {baseline * 1000:.0f} ms, "
          f"ratio {one / baseline:.1f})  target ≤ 1500 ms")
    print(f"import one 自查表      {back * 1000:8.0f} ms   (ratio {back / baseline:.1f})  target ≤ 2000 ms")
    print(f"campaign view, {UNITS} units {listing * 1000:6.0f} ms   target ≤ 3000 ms")


if __name__ == "__main__":
    main()
