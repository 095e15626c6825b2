"""A read-only view (a second instance while someone edits) follows the editing instance."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from fzzf_tui.ui.screens.inspection import InspectionScreen

from .conftest import new_inspection, settle

EDITOR = textwrap.dedent("""
    import sys
    from fzzf_tui.inspection import Inspection
    ins = Inspection.open(sys.argv[1], who="李四")
    print("ready", flush=True)
    sys.stdin.readline()
    ins.set_value("1.1", 2)
    ins.add_finding("另一台电脑记录的问题", item_code="1.2")
    print("saved", flush=True)
    sys.stdin.readline()
    ins.close()
""")


async def test_read_only_view_refreshes_when_the_other_process_saves(make_app, store, special_checklist) -> None:
    path = new_inspection(store, special_checklist)
    editor = subprocess.Popen([sys.executable, "-c", EDITOR, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert editor.stdout.readline().strip() == "ready"
        app = make_app(open_path=path)
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            await pilot.press("y")  # 只读打开
            await settle(pilot, 3)
            screen = app.screen
            assert isinstance(screen, InspectionScreen) and screen.inspection.readonly
            assert screen.inspection.result("1.1") is None
            editor.stdin.write("\n")
            editor.stdin.flush()
            assert editor.stdout.readline().strip() == "saved"
            for _ in range(30):  # the view polls once a second
                await pilot.pause(0.1)
                if screen.inspection.result("1.1") is not None:
                    break
            await settle(pilot)
            assert screen.inspection.result("1.1").value == 2
            assert screen.checklist_tree.views["1.1"].marker == "done"
            assert screen.checklist_tree.views["1.2"].marker == "issue"
            banner = str(screen.query_one("#ins-banner").render())
            assert "对方在 09:30:00 保存了修改，已自动刷新" in banner, banner
            assert screen.inspection.readonly and screen.header.save_state == "readonly"
    finally:
        if editor.poll() is None:
            editor.stdin.write("\n")
            editor.stdin.flush()
        editor.wait(timeout=20)
