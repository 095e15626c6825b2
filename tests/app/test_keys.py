"""The key scheme on site: navigation never scores, scoring moves on, every key that does
nothing says why, undo/redo say what they did, and keymap.json stays in step."""

from __future__ import annotations

import json
from pathlib import Path

from fzzf_tui.inspection import Inspection
from fzzf_tui.ui import keymap
from fzzf_tui.ui.screens.inspection import InspectionScreen

from .conftest import new_inspection, settle


async def open_screen(app, pilot) -> InspectionScreen:
    await settle(pilot, 3)
    assert isinstance(app.screen, InspectionScreen), app.screen
    return app.screen


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def test_no_key_means_two_things_in_one_screen() -> None:
    assert keymap.clashes({}) == []
    nav = {b.id: b.key for b in keymap.INSPECTION}
    assert "n" in nav["inspection.next_unscored"].split(",")
    # no binding but "next" uses n on the inspection screen
    for b in keymap.SCOPES["检查（评分）"]:
        if b.id != "inspection.next_unscored":
            assert "n" not in b.key.split(","), b.id


async def test_n_never_changes_a_yes_no_result(make_app, store, demo_checklist) -> None:
    # B.1 (加分项) answered 符合; B.2 (加分项) and P.1 (减分项) unanswered: n on each only moves
    path = new_inspection(store, demo_checklist, scores={"B.1": "符合"})
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        for code in ("B.1", "B.2", "P.1", "B.1"):
            screen.goto(code)
            await settle(pilot)
            before = screen.inspection.result(code)
            await pilot.press("n")
            await settle(pilot)
            assert screen.inspection.result(code) == before, code
            assert screen.checklist_tree.cursor_code != code
        assert screen.inspection.result("B.1").value == "符合"
        assert screen.inspection.result("B.2") is None and screen.inspection.result("P.1") is None
        # the unanswered yes/no item left behind is pointed out, with the keys that answer it
        assert any("B.2 仍未评" in m and "1 符合 / 2 不符合" in m for m in messages(app)), messages(app)
        # a 减分项 is answered by name only: a digit says so and changes nothing
        screen.goto("P.1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert screen.inspection.result("P.1") is None
        assert any("减分项请按回车" in m for m in messages(app))
        # the digits answer B.2, and the key bar and detail say which digit is which
        screen.goto("B.2")
        await settle(pilot)
        bar = screen.query_one(".key-bar").render().plain
        assert " 1/2 符合/不符合" in bar, bar
        assert "按 1 符合（加 10 分） / 2 不符合（不加分）" in screen.query_one("#detail").plain
        await pilot.press("2")
        await settle(pilot)
        assert screen.inspection.result("B.2").value == "不符合"
    with store.open(path) as ins:
        assert ins.result("B.1").value == "符合" and ins.result("B.2").value == "不符合"
        assert ins.result("P.1") is None


async def test_scoring_moves_to_the_next_unscored_item(make_app, store, demo_checklist, home: Path) -> None:
    path = new_inspection(store, demo_checklist, scores={"1.1.2": "完全达到"})
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        tree = screen.checklist_tree
        assert tree.cursor_code == "1.1.1"
        await pilot.press("2")
        await settle(pilot)
        assert screen.inspection.result("1.1.1").value == "基本达到"
        assert tree.cursor_code == "1.1.3"  # 1.1.2 was already scored: skipped
        # 不涉及 through its dialog moves on too
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("enter")  # the first listed 不涉及情形 is pre-filled
        await settle(pilot)
        if isinstance(app.screen, InspectionScreen):
            assert screen.inspection.result("1.1.3").na
            assert tree.cursor_code == "1.1.4"
        else:  # no listed condition: type one
            from .conftest import type_text

            await type_text(pilot, "不承担此职责")
            await pilot.press("enter")
            await settle(pilot)
            assert screen.inspection.result("1.1.3").na and tree.cursor_code == "1.1.4"
        # turned off from the palette: the cursor stays, and the choice is remembered
        toggle = next(cb for title, cb, _ in screen.palette_commands() if title.startswith("设置：评分后自动跳到"))
        toggle()
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert screen.inspection.result("1.1.4").value == "完全达到"
        assert tree.cursor_code == "1.1.4"
    assert json.loads((home / "settings.json").read_text(encoding="utf-8"))["auto_advance"] is False
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        assert app.settings.auto_advance is False
        code = screen.checklist_tree.cursor_code
        await pilot.press("1")
        await settle(pilot)
        assert screen.checklist_tree.cursor_code == code


async def test_plus_minus_count_cases_without_moving(make_app, store, special_checklist) -> None:
    path = new_inspection(store, special_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        await pilot.press("plus", "plus", "plus")
        await settle(pilot)
        assert screen.checklist_tree.cursor_code == "1.1"
        assert screen.inspection.result("1.1").value == 3


async def test_keys_that_do_nothing_say_why(make_app, store, demo_checklist) -> None:
    path = new_inspection(store, demo_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        assert screen.checklist_tree.cursor_code == "1.1.1"  # a 4-level item
        await pilot.press("5")
        await settle(pilot)
        assert screen.inspection.result("1.1.1") is None
        assert any("1 完全达到" in m and "按键 5 不对应任何选项" in m for m in messages(app)), messages(app)
        await pilot.press("plus")
        await settle(pilot)
        assert any("+/- 只用于按处扣分的指标" in m for m in messages(app))
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert any("没有可撤销的修改" in m for m in messages(app))
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert any("没有可重做的修改" in m for m in messages(app))
        await pilot.press("q")
        await settle(pilot)
        assert any("按键“q”在此没有功能" in m for m in messages(app))
        screen.goto("1.1")  # a section
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert any("是分类，不能直接评分" in m for m in messages(app))


async def test_score_keys_in_read_only_view_say_why(make_app, store, special_checklist) -> None:
    path = new_inspection(store, special_checklist)
    holder = Inspection.open(path)
    try:
        app = make_app(open_path=path)
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            await pilot.press("y")  # open read-only
            screen = await open_screen(app, pilot)
            await pilot.press("1")
            await settle(pilot)
            assert screen.inspection.result("1.1") is None
            assert any("只读查看" in m for m in messages(app)), messages(app)
    finally:
        holder.close()


async def test_undo_names_the_item_and_goes_back_to_it(make_app, store, special_checklist) -> None:
    path = new_inspection(store, special_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        await pilot.press("f")
        await settle(pilot)
        from .conftest import type_text

        await type_text(pilot, "决策未备案")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [f.item_code for f in screen.inspection.findings()] == ["1.1"]
        await pilot.press("2")  # 1.1: two cases, on to 1.2
        await pilot.press("1")  # 1.2, on to 1.3
        await settle(pilot)
        assert screen.checklist_tree.cursor_code == "1.3"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert screen.checklist_tree.cursor_code == "1.2"
        assert any("1.2" in m for m in messages(app)[-1:]), messages(app)
        await pilot.press("ctrl+z", "ctrl+z")  # 1.1's score, then the finding on 1.1
        await settle(pilot)
        assert screen.inspection.findings() == []
        assert screen.checklist_tree.cursor_code == "1.1"  # where the finding was


async def test_keymap_migrates_obsolete_and_clashing_keys(make_app, store, special_checklist, home: Path) -> None:
    (home / "keymap.json").write_text(
        json.dumps({"inspection.no": "n", "inspection.next_unscored": "1", "inspection.search": "j"}),
        encoding="utf-8",
    )
    path = new_inspection(store, special_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        assert app.user_keymap == {"inspection.search": "j"}
        problem = "\n".join(app.startup_problems)
        assert "inspection.no 已取消" in problem and "inspection.next_unscored" in problem and "冲突" in problem
        await pilot.press("1")  # still scores (not "next")
        await settle(pilot)
        assert screen.inspection.result("1.1").value == 1
        await pilot.press("n")  # next again
        await settle(pilot)
        assert screen.checklist_tree.cursor_code == "1.3"
        # the help screen shows the keys as they are now
        from fzzf_tui.ui.screens.help import help_table
        import io

        from rich.console import Console

        console = Console(width=200, record=True, file=io.StringIO())
        console.print(help_table(app))
        text = console.export_text()
        assert any(line.split()[:1] == ["j"] and "inspection.search" in line for line in text.splitlines())
    assert json.loads((home / "keymap.json").read_text(encoding="utf-8")) == {"inspection.search": "j"}
    assert "inspection.no" in (home / "keymap.json.bak").read_text(encoding="utf-8")
