"""The inspection screen: markers, navigation, search, filters, incremental tree updates,
failed saves that keep the entry, read-only when locked, 80x24 and CJK widths."""

from __future__ import annotations

import errno
import json
import os
import unicodedata

from rich.cells import cell_len
from textual.widgets import Input, TextArea

from fzzf_tui.inspection import Inspection
from fzzf_tui.ui.screens.finding_form import FindingForm
from fzzf_tui.ui.screens.inspection import InspectionScreen
from fzzf_tui.ui.widgets.checklist_tree import MARKERS

from .conftest import new_inspection, settle, type_text


def fail_writes(monkeypatch, code: int = errno.ENOSPC) -> None:
    import fzzf_tui.inspection.storage as storage

    def broken(target, data):
        raise OSError(code, os.strerror(code))

    # a save appends to the journal; compaction rewrites the file
    monkeypatch.setattr(storage, "append_durable", broken)
    monkeypatch.setattr(storage, "atomic_write_bytes", broken)


async def open_screen(app, pilot) -> InspectionScreen:
    await settle(pilot, 3)
    assert isinstance(app.screen, InspectionScreen), app.screen
    return app.screen


async def test_markers_and_section_stats(make_app, store, annual_checklist) -> None:
    path = new_inspection(
        store, annual_checklist, scores={"1.1.1.1": 0, "1.1.2.1": 2}, na={"1.1.2.2": "中直机构"},
        findings=[{"description": "问题", "item_code": "1.1.2.1"}],
    )
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        views = screen.checklist_tree.views
        assert views["1.1.1.1"].marker == "done"
        assert views["1.1.2.1"].marker == "issue"
        assert views["1.1.2.2"].marker == "na"
        assert views["1.1.2.3"].marker == "todo"
        section = views["1.1.2"]
        assert (section.scored, section.leaves) == (2, 4)
        # the label carries the marker and, for sections, progress and points
        leaf_label = screen.checklist_tree.render_label(screen.checklist_tree.nodes["1.1.2.2"], screen.checklist_tree.rich_style, screen.checklist_tree.rich_style)
        assert leaf_label.plain.startswith("[-] 1.1.2.2 ")
        sec_label = screen.checklist_tree.render_label(screen.checklist_tree.nodes["1.1.2"], screen.checklist_tree.rich_style, screen.checklist_tree.rich_style)
        assert "2/4" in sec_label.plain


def test_markers_are_unambiguous_ascii() -> None:
    for mark, _ in MARKERS.values():
        assert cell_len(mark) == 3
        assert all(unicodedata.east_asian_width(c) in ("Na", "N") and c.isascii() for c in mark)


async def test_change_updates_only_affected_nodes(make_app, store, annual_checklist) -> None:
    path = new_inspection(store, annual_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        tree = screen.checklist_tree
        nodes_before = dict(tree.nodes)
        root_before = tree.root
        assert tree.cursor_code == "1.1.1.1"
        await pilot.press("1")
        # the same node objects: nothing was rebuilt
        assert tree.root is root_before
        assert all(tree.nodes[c] is n for c, n in nodes_before.items())
        # and only the leaf and its ancestors changed view
        screen.inspection.set_value("1.1.2.1", 1)
        screen.report = screen.inspection.score()
        new_views = screen.compute_views()
        changed = tree.update_views(new_views)
        assert set(changed) == {"1.1.2.1", "1.1.2", "1.1", "1"}


async def test_next_previous_unscored_wrap(make_app, store, special_checklist) -> None:
    path = new_inspection(store, special_checklist, scores={"1.1": 0, "1.2": 0, "1.4": 0})
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        assert screen.checklist_tree.cursor_code == "1.3"
        await pilot.press("n")
        assert screen.checklist_tree.cursor_code == "1.5"
        await pilot.press("N")
        assert screen.checklist_tree.cursor_code == "1.3"
        await pilot.press("N")  # wraps to the last unscored item
        assert screen.checklist_tree.cursor_code == special_checklist.items[-1].children[-1].code
        await pilot.press("right_square_bracket")
        assert screen.checklist_tree.cursor_code == "1.3"


async def test_search_jumps_to_item(make_app, store, annual_checklist) -> None:
    path = new_inspection(store, annual_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        await pilot.press("slash")
        await settle(pilot)
        await type_text(pilot, "7.43")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.checklist_tree.cursor_code == "7.43"
        await pilot.press("slash")
        await settle(pilot)
        await type_text(pilot, "行政复议")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        code = screen.checklist_tree.cursor_code
        item = annual_checklist.item(code)
        assert "行政复议" in item.title + item.text


async def test_filters_show_matching_leaves(make_app, store, special_checklist) -> None:
    path = new_inspection(
        store, special_checklist, scores={"1.1": 0}, na={"1.2": "无"},
        findings=[{"description": "问题", "item_code": "2.1"}],
    )
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        await pilot.press("v")  # 未评
        await settle(pilot)
        assert screen.filter == "todo"
        leaves = set(screen.checklist_tree.visible_leaf_codes())
        assert "1.1" not in leaves and "1.2" not in leaves and "2.1" in leaves
        await pilot.press("v")  # 有问题
        await settle(pilot)
        assert screen.checklist_tree.visible_leaf_codes() == ["2.1"]
        await pilot.press("v")  # 不涉及
        await settle(pilot)
        assert screen.checklist_tree.visible_leaf_codes() == ["1.2"]
        await pilot.press("v")  # 全部
        await settle(pilot)
        assert len(screen.checklist_tree.visible_leaf_codes()) == special_checklist.leaf_count


async def test_failed_save_keeps_form_content(make_app, store, special_checklist, monkeypatch) -> None:
    path = new_inspection(store, special_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        await pilot.press("f")
        await settle(pilot)
        await type_text(pilot, "两项决策未备案")
        fail_writes(monkeypatch)
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FindingForm)  # still open
        assert form.query_one("#description", TextArea).text == "两项决策未备案"
        assert "磁盘空间不足" in str(form.query_one("#form-error").render())
        assert screen.header.save_state == "error"
        assert any("磁盘空间不足" in m for _, m in app.session_log)
        assert screen.inspection.findings() == []  # memory shows only what is on disk
        monkeypatch.undo()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert screen.header.save_state == "saved"
    with store.open(path) as ins:
        assert [f.description for f in ins.findings()] == ["两项决策未备案"]


async def test_failed_key_save_can_be_retried(make_app, store, special_checklist, monkeypatch) -> None:
    path = new_inspection(store, special_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        fail_writes(monkeypatch, errno.EACCES)
        await pilot.press("2")
        await settle(pilot)
        assert screen.header.save_state == "error"
        assert screen.inspection.result("1.1") is None
        assert screen.checklist_tree.views["1.1"].marker == "todo"
        monkeypatch.undo()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.header.save_state == "saved"
        assert screen.inspection.result("1.1").value == 2
    with store.open(path) as ins:
        assert ins.result("1.1").value == 2


async def test_invalid_points_input_stays_in_dialog(make_app, store, plugins) -> None:
    # the example office plugin is not loaded here; build a points checklist from a dict
    from fzzf_tui.checklist import checklist_from_dict

    checklist = checklist_from_dict(
        {
            "format": "fzzf-checklist/1", "id": "pts", "title": "直接打分", "type": "专项督察", "version": "1",
            "scoring": {"total": 10, "default_method": "points"},
            "items": [{"code": "1", "title": "一项", "points": 10}],
        },
        "test",
    )
    path = new_inspection(store, checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        await pilot.press("1")  # a digit opens the points input, pre-filled
        await settle(pilot)
        box = app.screen.query_one(Input)
        assert box.value == "1"
        await type_text(pilot, "2")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not screen and box.value == "12"  # 12 > 10: refused, kept
        assert "0–10" in str(app.screen.query_one("#form-error").render())
        await pilot.press("backspace")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.inspection.result("1").value == 1


async def test_locked_inspection_opens_read_only(make_app, store, special_checklist) -> None:
    path = new_inspection(store, special_checklist)
    holder = Inspection.open(path)  # another writer holds the lock
    try:
        app = make_app()
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert "正由" in str(app.screen.query_one(".dialog-body").render())
            await pilot.press("y")
            screen = await open_screen(app, pilot)
            assert screen.inspection.readonly
            assert screen.header.save_state == "readonly"
            banner = screen.query_one("#ins-banner")
            assert banner.display and "只读" in str(banner.render())
            await pilot.press("1", "x", "f")
            await settle(pilot)
            assert app.screen is screen  # scoring keys do nothing
            assert screen.inspection.result("1.1") is None
    finally:
        holder.close()


async def test_stale_lock_is_reported(make_app, store, special_checklist) -> None:
    path = new_inspection(store, special_checklist)
    info = path.with_name(path.name + ".lock.json")
    info.write_text(json.dumps({"user": "李四", "host": "另一台电脑", "pid": 1, "since": "2026-04-30T18:00:00"}), encoding="utf-8")
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_screen(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("李四" in m and "已接管" in m for m in messages), messages


async def test_fits_80x24_and_labels_fit_the_tree(make_app, store, annual_checklist) -> None:
    path = new_inspection(store, annual_checklist, scores={"1.1.1.1": 1})
    app = make_app(open_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        tree = screen.checklist_tree
        assert tree.size.width >= 34
        assert tree.virtual_size.width <= tree.size.width  # no horizontal scrolling
        for line in range(min(tree.last_line + 1, 60)):
            node = tree.get_node_at_line(line)
            label = tree.render_label(node, tree.rich_style, tree.rich_style)
            depth = len(annual_checklist.ancestors(node.data)) + 1
            assert cell_len(label.plain) + depth * tree.guide_depth <= tree.size.width, label.plain
        # everything that matters is on screen: header, tree, detail, key bar
        for selector in ("#ins-header", "#tree", "#detail", ".key-bar"):
            widget = screen.query_one(selector)
            assert widget.region.width > 0 and widget.region.height > 0, selector
        assert screen.query_one("#detail").region.right <= 80


async def test_mouse_clicks_tree_and_key_bar(make_app, store, special_checklist) -> None:
    from fzzf_tui.ui.screens.summary import SummaryScreen

    path = new_inspection(store, special_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        tree = screen.checklist_tree
        line = tree.nodes["1.4"].line
        await pilot.click(tree, offset=(8, line))
        await settle(pilot)
        assert tree.cursor_code == "1.4" and app.screen is screen  # a click only reads
        await pilot.double_click(tree, offset=(8, line))
        await settle(pilot)
        assert app.screen is not screen  # a double click scores (the 处数 input)
        await pilot.press("escape")
        await settle(pilot)
        bar = screen.query_one(".key-bar")
        plain = bar.render().plain
        x = cell_len(plain[: plain.index(" s 汇总")]) + 1  # cells, not characters
        await pilot.click(bar, offset=(x, 0))
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)


async def test_tree_opens_the_cursors_branch_and_makes_the_rest_on_demand(make_app, store, annual_checklist) -> None:
    """年度考核 (575 items): the first frame makes only the outline and the branch holding the
    first unscored item; a section opened by the user, a search or `n` makes its children."""
    path = new_inspection(store, annual_checklist, scores={"1.1.1.1": 1})
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        tree = screen.checklist_tree
        assert tree.cursor_code == "1.1.2.1"
        assert len(tree.nodes) < 40, len(tree.nodes)  # 8 + 11 + 6 + 4, not 575
        assert [n.data for n in tree.root.children if n.is_expanded] == ["1"]
        assert "2.12" not in tree.nodes and tree.in_view("2.12.1.1")  # in this view, not made yet
        # space on a closed section opens it: its children are made then
        tree.select_code("2")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert tree.nodes["2"].is_expanded and "2.12" in tree.nodes
        await pilot.press("down")
        await settle(pilot)
        assert tree.cursor_code == "2.12"
        # a search into a closed branch opens the way down to it
        screen.goto("7.43")
        await settle(pilot)
        assert tree.cursor_code == "7.43" and tree.nodes["7"].is_expanded
        assert tree.cursor_node is tree.nodes["7.43"] and tree.nodes["7.43"].line >= 0
        # n moves on into sections nobody opened
        tree.select_code("1.11")
        await pilot.press("n")
        await settle(pilot)
        assert tree.cursor_code == "1.11.1.1" and tree.nodes["1.11"].is_expanded


async def test_filter_view_opens_every_section_with_a_match(make_app, store, annual_checklist) -> None:
    path = new_inspection(store, annual_checklist, na={"3.17.1.1": "无此事项", "6.36.2.1": "无此事项"})
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_screen(app, pilot)
        assert screen.set_filter("na")
        await settle(pilot)
        tree = screen.checklist_tree
        assert tree.visible_leaf_codes() == ["3.17.1.1", "6.36.2.1"]
        for code in ("3", "3.17", "3.17.1", "6", "6.36", "6.36.2"):
            assert tree.nodes[code].is_expanded
        assert set(tree.nodes) == {"3", "3.17", "3.17.1", "3.17.1.1", "6", "6.36", "6.36.2", "6.36.2.1"}
        assert tree.cursor_code in ("3.17.1.1", "6.36.2.1")
