"""Evidence custody: files copied into a content-addressed store beside the inspection, attached
to findings and items through the journalled write path, carried by bundles."""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib

import pytest

from fzzf_tui.errors import InvalidValue
from fzzf_tui.exporting import export_inspection, import_bundle
from fzzf_tui.exporting.bundle import read_bundle
from fzzf_tui.inspection import Evidence, Inspection, InspectionStore, verify_file
from fzzf_tui.inspection import evidence as ev_mod


def png_bytes(w: int = 3, h: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x00\x00\x00" * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg_bytes(w: int = 640, h: int = 480, taken: str = "2026:05:12 10:31:02") -> bytes:
    """A minimal JPEG header: SOI, APP1 Exif with DateTimeOriginal in the Exif IFD, SOF0."""
    date = taken.encode() + b"\x00"
    # TIFF header (little endian), IFD0 at 8 with one entry: ExifIFD pointer
    ifd0_off, exif_off = 8, 8 + 2 + 12 + 4
    date_off = exif_off + 2 + 12 + 4
    tiff = b"II*\x00" + struct.pack("<I", ifd0_off)
    tiff += struct.pack("<H", 1) + struct.pack("<HHII", 0x8769, 4, 1, exif_off) + struct.pack("<I", 0)
    tiff += struct.pack("<H", 1) + struct.pack("<HHII", 0x9003, 2, len(date), date_off) + struct.pack("<I", 0)
    tiff += date
    app1 = b"Exif\x00\x00" + tiff
    sof = b"\x08" + struct.pack(">HH", h, w) + b"\x03" + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return (b"\xff\xd8" + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1
            + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xd9")


@pytest.fixture
def annual(store, annual_checklist):
    ins = store.create(annual_checklist, "洛阳市西工区司法局", ["张明"], "2026-11-20")
    yield ins
    ins.close()


def first_leaf(ins: Inspection) -> str:
    return next(iter(ins.checklist.leaves())).code


def test_a_file_is_copied_once_by_hash_and_the_original_can_go(annual, tmp_path) -> None:
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png_bytes())
    code = first_leaf(annual)
    added = ev_mod.add_item_evidence(annual, code, [photo])
    assert len(added) == 1 and added[0].stored and added[0].name == "现场照片.png"
    # the same photo under another name, attached to a finding: stored once
    copy = tmp_path / "副本.png"
    copy.write_bytes(photo.read_bytes())
    f = annual.add_finding("台账不全", item_code=code, units=["洛阳市西工区司法局"], due="2026-12-31")
    ev_mod.add_finding_evidence(annual, f.id, [copy])
    store_files = [p for p in ev_mod.store_root(annual.path).rglob("*") if p.is_file()]
    assert len(store_files) == 1
    assert hashlib.sha256(store_files[0].read_bytes()).hexdigest() == added[0].sha256
    photo.unlink()
    copy.unlink()
    for ev in (annual.result(code).evidence[0], annual.finding(f.id).evidence[0]):
        assert ev_mod.locate(ev, annual.path) == store_files[0]
    assert annual.verify(deep=True).ok


def test_item_evidence_survives_scoring_and_clearing_and_is_undoable(annual, tmp_path) -> None:
    doc = tmp_path / "会议纪要.pdf"
    doc.write_bytes(b"%PDF-1.4 minutes" * 10)
    code = first_leaf(annual)
    ev_mod.add_item_evidence(annual, code, [doc])
    item = annual.checklist.item(code)
    annual.set_value(code, 0 if item.method == "deduction" else item.points)
    annual.set_note(code, "资料齐全")
    assert len(annual.result(code).evidence) == 1
    annual.clear(code)
    r = annual.result(code)
    assert r is not None and not r.is_scored and len(r.evidence) == 1  # 清除评分 keeps the evidence
    message = annual.undo()
    assert "清除评分" in message
    assert annual.result(code).is_scored
    gone = ev_mod.remove_item_evidence(annual, code, annual.result(code).evidence[0].sha256[:12])
    assert gone.name == "会议纪要.pdf" and annual.result(code).evidence == ()
    assert "佐证材料（无 → 1 份）" in annual.undo()
    assert len(annual.result(code).evidence) == 1
    assert "佐证材料" in annual.redo()
    annual.close()
    reopened = Inspection.open(annual.path)
    try:
        assert reopened.result(code).evidence == ()
        assert reopened.verify(deep=True).ok
    finally:
        reopened.close()
    assert verify_file(annual.path).ok


def test_limits_and_bad_files_say_why_in_chinese(annual, tmp_path, monkeypatch) -> None:
    code = first_leaf(annual)
    monkeypatch.setenv("FZZF_EVIDENCE_MAX_MB", "0.01")
    big = tmp_path / "录像.mp4"
    big.write_bytes(b"x" * 20_000)
    with pytest.raises(InvalidValue, match="佐证材料文件过大：录像.mp4 为 19.5 KB，单个文件不能超过 10.2 KB"):
        ev_mod.add_item_evidence(annual, code, [big])
    empty = tmp_path / "空.txt"
    empty.write_bytes(b"")
    with pytest.raises(InvalidValue, match="是空的"):
        ev_mod.add_item_evidence(annual, code, [empty])
    with pytest.raises(InvalidValue, match="不是文件夹"):
        ev_mod.add_item_evidence(annual, code, [tmp_path])
    with pytest.raises(InvalidValue, match="不存在"):
        ev_mod.add_item_evidence(annual, code, [tmp_path / "无.jpg"])
    assert annual.result(code) is None
    assert not any(p.is_file() for p in ev_mod.store_root(annual.path).rglob("*"))


def test_old_typed_path_evidence_keeps_opening_and_can_be_collected(annual, tmp_path) -> None:
    f = tmp_path / "旧照片.jpg"
    f.write_bytes(jpeg_bytes())
    old = Evidence.from_file(f)  # the earlier release's reference: path + hash, no copy
    finding = annual.add_finding("旧问题", evidence=[old, "文字说明"], units=["x"], due="2026-12-31")
    assert finding.to_dict()["evidence"][0] == {"path": old.path, "size": old.size, "sha256": old.sha256, "text": ""}
    copied, missing = ev_mod.collect(annual)
    assert (copied, missing) == (1, [])
    f.unlink()
    assert ev_mod.locate(annual.finding(finding.id).evidence[0], annual.path) is not None
    assert annual.verify(deep=True).ok


def test_image_size_and_date_from_headers(tmp_path) -> None:
    p = tmp_path / "a.png"
    p.write_bytes(png_bytes(4032, 3024))
    assert ev_mod.image_info(p).describe() == "PNG 4032×3024"
    j = tmp_path / "b.jpg"
    j.write_bytes(jpeg_bytes(1920, 1080))
    assert ev_mod.image_info(j).describe() == "JPEG 1920×1080，拍摄于 2026-05-12 10:31:02"
    junk = tmp_path / "c.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe1\xff\xff" + b"\x00" * 10)
    assert ev_mod.image_info(junk) is None
    ev = Evidence(path=str(j), size=j.stat().st_size, sha256="0" * 64, name="b.jpg", stored=True)
    assert ev_mod.describe_file(ev, j).startswith("b.jpg（") and "1920×1080" in ev_mod.describe_file(ev, j)


def test_bundle_carries_item_and_finding_evidence_to_another_data_dir(annual, tmp_path, monkeypatch) -> None:
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg_bytes())
    minutes = tmp_path / "纪要.pdf"
    minutes.write_bytes(b"%PDF minutes" * 30)
    code = first_leaf(annual)
    ev_mod.add_item_evidence(annual, code, [minutes])
    f = annual.add_finding("公示不全", item_code=code, units=["x"], due="2026-12-31")
    ev_mod.add_finding_evidence(annual, f.id, [photo])
    photo.unlink()
    minutes.unlink()
    bundle = export_inspection(annual, "bundle", tmp_path / "out")
    contents = read_bundle(bundle)
    assert len(contents.referenced()) == 2 and contents.missing_evidence() == []
    with zipfile.ZipFile(bundle) as zf:
        assert sum(n.startswith("evidence/") for n in zf.namelist()) == 2
    monkeypatch.setenv("FZZF_HOME", str(tmp_path / "office"))
    office = InspectionStore()
    target = import_bundle(bundle, office)
    ins = Inspection.open(target, readonly=True)
    try:
        for ev in (*ins.result(code).evidence, *ins.finding(f.id).evidence):
            local = ev_mod.locate(ev, target)
            assert local is not None and local.is_relative_to(ev_mod.store_root(target))
    finally:
        ins.close()


def test_merge_carries_both_copies_item_evidence_into_the_output_store(annual_checklist, tmp_path) -> None:
    from fzzf_tui.inspection.merge import merge_inspections

    paths = []
    for n, who in enumerate(("张明", "李华")):
        folder = InspectionStore(tmp_path / who)
        ins = folder.create(annual_checklist, "西工区司法局", [who], "2026-11-20", who=who)
        try:
            f = tmp_path / f"{who}.png"
            f.write_bytes(png_bytes(10 + n, 10))
            code = first_leaf(ins)
            ev_mod.add_item_evidence(ins, code, [f])
            f.unlink()
            paths.append(ins.path)
        finally:
            ins.close()
    report = merge_inspections(paths, tmp_path / "合并" / "merged.fzzf")
    assert report.problems == []
    merged = Inspection.open(report.output, readonly=True)
    try:
        evs = merged.result(code).evidence
        assert len(evs) == 2
        assert all(ev_mod.locate(e, report.output).is_relative_to(tmp_path / "合并") for e in evs)
        assert merged.verify(deep=True).ok
    finally:
        merged.close()


def test_workbook_lists_evidence_with_size_hash_and_a_relative_link(annual, tmp_path) -> None:
    import openpyxl

    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg_bytes(1920, 1080))
    code = first_leaf(annual)
    ev_mod.add_item_evidence(annual, code, [photo], text="公示栏")
    f = annual.add_finding("公示不全", item_code=code, units=["x"], due="2026-12-31")
    ev_mod.add_finding_evidence(annual, f.id, [photo])
    photo.unlink()
    out = export_inspection(annual, "xlsx", tmp_path / "导出")
    ws = openpyxl.load_workbook(out)["佐证材料"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    sha = hashlib.sha256(jpeg_bytes(1920, 1080)).hexdigest()
    assert [(r[1], r[2], r[3], r[4], r[6]) for r in rows] == [
        (f"指标 {code}", code, "现场.jpg", len(jpeg_bytes(1920, 1080)), sha),
        ("问题：公示不全", code, "现场.jpg", len(jpeg_bytes(1920, 1080)), sha),
    ]
    assert rows[0][5] == "JPEG 1920×1080，拍摄于 2026-05-12 10:31:02" and rows[0][8] == "公示栏"
    link = ws.cell(row=4, column=8).hyperlink.target
    assert not link.startswith(("/", "file:")) and (out.parent / link).resolve() == ev_mod.locate(
        annual.result(code).evidence[0], annual.path).resolve()
