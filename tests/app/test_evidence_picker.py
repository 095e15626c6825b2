"""佐证材料 through the file picker: an item's evidence (a met indicator) and a finding's photo,
picked by keyboard, copied into the store, kept when the original goes, carried by a bundle."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DirectoryTree

from fzzf_tui.exporting import export_inspection, import_bundle
from fzzf_tui.inspection import Inspection, InspectionStore
from fzzf_tui.inspection import evidence as ev_mod
from fzzf_tui.ui.screens.evidence import EvidencePicker, ItemEvidenceDialog
from fzzf_tui.ui.screens.finding_form import FindingForm
from fzzf_tui.ui.screens.inspection import InspectionScreen

from ..unit.test_evidence_store import jpeg_bytes, png_bytes
from .conftest import new_inspection, settle, type_text


async def wait_tree(pilot) -> DirectoryTree:
    for _ in range(100):  # the tree loads folders in a thread (its loader worker never ends)
        await pilot.pause(0.02)
        tree = pilot.app.screen.query_one(DirectoryTree)
        if tree.root.children:
            return tree
    raise AssertionError("the picker did not list the folder")


async def pick(pilot, name: str) -> None:
    """Move the picker's cursor down to ``name`` with the arrow key and press enter."""
    tree = await wait_tree(pilot)
    for _ in range(20):
        node = tree.cursor_node
        if node is not None and node.data is not None and Path(node.data.path).name == name:
            break
        await pilot.press("down")
    else:
        raise AssertionError(f"{name} not reached")
    await pilot.press("enter")
    await settle(pilot, 3)


async def test_item_and_finding_evidence_survive_the_original_and_travel_in_a_bundle(
        make_app, store, annual_checklist, tmp_path, monkeypatch) -> None:
    photos = tmp_path / "相机"
    photos.mkdir()
    (photos / "会议纪要.png").write_bytes(png_bytes(800, 600))
    (photos / "现场.jpg").write_bytes(jpeg_bytes(1920, 1080))
    path = new_inspection(store, annual_checklist, "西工区司法局")
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        app.evidence_folder = photos
        await settle(pilot, 3)
        screen = app.screen
        assert isinstance(screen, InspectionScreen)
        code = screen.checklist_tree.cursor_code
        await pilot.press("a")  # the item's evidence: none yet, so the picker opens at once
        await settle(pilot, 3)
        assert isinstance(app.screen, EvidencePicker)
        await pick(pilot, "会议纪要.png")
        assert isinstance(app.screen, ItemEvidenceDialog)
        listed = str(app.screen.query_one("#evidence-list").get_option_at_index(0).prompt)
        assert "会议纪要.png" in listed and "PNG 800×600" in listed
        await pilot.press("escape")
        await settle(pilot)
        assert "已附佐证文件（1 份）" in screen.query_one("#detail").plain
        # a finding with a photo: ^o in the form opens the picker
        await pilot.press("f")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FindingForm)
        await type_text(pilot, "现场公示栏未更新")
        await pilot.press("ctrl+o")
        await settle(pilot, 3)
        await pick(pilot, "现场.jpg")
        assert app.screen is form and len(form.files) == 1
        assert "1. 现场.jpg（97 字节，JPEG 1920×1080）" in str(
            form.query_one("#evidence-files").get_option_at_index(0).prompt)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)
        (finding,) = screen.inspection.findings()
        assert [e.name for e in finding.evidence if e.is_file] == ["现场.jpg"]
        assert "佐证 1 份" in screen.query_one("#detail").plain
    for f in photos.iterdir():
        f.unlink()  # the originals go
    ins = Inspection.open(path)
    try:
        assert ins.verify(deep=True).ok
        bundle = export_inspection(ins, "bundle", tmp_path / "u盘")
        ins_id = ins.id
    finally:
        ins.close()
    monkeypatch.setenv("FZZF_HOME", str(tmp_path / "督察办"))
    target = import_bundle(bundle, InspectionStore())
    office = Inspection.open(target, readonly=True)
    try:
        refs = [*office.result(code).evidence, *office.findings()[0].evidence]
        assert office.id == ins_id and len(refs) == 2
        for e in refs:
            local = ev_mod.locate(e, target)
            assert local is not None and local.is_relative_to(tmp_path / "督察办")
    finally:
        office.close()


async def test_too_large_file_is_refused_in_the_picker(make_app, store, annual_checklist, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FZZF_EVIDENCE_MAX_MB", "0.001")
    folder = tmp_path / "视频"
    folder.mkdir()
    (folder / "录像.mp4").write_bytes(b"v" * 5000)
    path = new_inspection(store, annual_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.evidence_folder = folder
        await settle(pilot, 3)
        await pilot.press("a")
        await settle(pilot, 3)
        await pick(pilot, "录像.mp4")
        picker = app.screen
        assert isinstance(picker, EvidencePicker)  # still open, saying why
        assert "佐证材料文件过大" in str(picker.query_one("#picker-error").render())
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)
        assert app.screen.inspection.result(app.screen.checklist_tree.cursor_code) is None


async def test_picker_starts_on_the_first_entry_letters_jump_and_an_empty_folder_says_so(
        make_app, store, annual_checklist, tmp_path) -> None:
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    folder = tmp_path / "files"
    folder.mkdir()
    for name in ("a-纪要.txt", "b-照片.png", "c-台账.txt"):
        (folder / name).write_bytes(png_bytes() if name.endswith(".png") else b"minutes")
    path = new_inspection(store, annual_checklist)
    app = make_app(open_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.evidence_folder = empty
        await settle(pilot, 3)
        await pilot.press("a")
        for _ in range(50):
            await pilot.pause(0.02)
        picker = app.screen
        assert isinstance(picker, EvidencePicker)
        assert "此文件夹中没有文件" in str(picker.query_one("#picker-info").render())
        picker.go(folder)
        tree = await wait_tree(pilot)
        assert Path(tree.cursor_node.data.path).name == "a-纪要.txt"  # enter works at once
        await pilot.press("b")
        assert Path(tree.cursor_node.data.path).name == "b-照片.png"
        await pilot.press("enter")
        await settle(pilot, 3)
        assert isinstance(app.screen, ItemEvidenceDialog)
        code = app.screen_stack[-2].checklist_tree.cursor_code
        assert [e.name for e in app.screen_stack[-2].inspection.result(code).evidence] == ["b-照片.png"]
