"""The TUI turns the garbage collector the ``fzzf`` entry point paused back on at its first
frame (``fzzf_tui/startup.py``)."""

from __future__ import annotations

import gc

from fzzf_tui import startup


async def test_the_tui_resumes_collection_at_its_first_frame(make_app, store, special_checklist) -> None:
    ins = store.create(special_checklist, "某区司法局", ["王强"], "2026-05-01")
    path = ins.path
    ins.close()
    startup.pause_gc()
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(20):
            await pilot.pause(0.05)
            if gc.isenabled():
                break
        assert gc.isenabled()
    startup.resume_gc()
    gc.enable()
