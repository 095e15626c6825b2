"""The transfer bundle: lossless round trip, safe import, evidence by hash, no silent overwrite."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from fzzf_tui import locations
from fzzf_tui.errors import ExportError, InspectionLocked
from fzzf_tui.exporting import bundle as bundle_mod
from fzzf_tui.exporting import export_inspection, import_bundle
from fzzf_tui.exporting.bundle import find_evidence, read_bundle
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.inspection import Evidence, Inspection, InspectionStore, TamperedInspection, verify_file

from .test_export_helpers import rich_demo_inspection

from ..forge import read_tables, write_tables


@pytest.fixture
def exported(store, demo_checklist, tmp_path):
    ins = rich_demo_inspection(store, demo_checklist, tmp_path / "evidence")
    (tmp_path / "out").mkdir()
    try:
        path = export_inspection(ins, "bundle", tmp_path / "out")
        original = ins.path
    finally:
        ins.close()
    return path, original


@pytest.fixture
def office(tmp_path, monkeypatch):
    """A second data dir: the 督察办's computer."""
    home = tmp_path / "office"
    monkeypatch.setenv("FZZF_HOME", str(home))
    return InspectionStore()


def state(path: Path) -> dict:
    ins = Inspection.open(path, readonly=True)
    try:
        return {
            "meta": {k: v for k, v in ins.meta.items()},
            "score": ins.score().to_dict(),
            "nodes": {c: (n.earned, n.applicable) for c, n in ins.score().nodes.items()},
            "results": {c: r.to_dict() for c, r in ins.results().items()},
            "findings": [f.to_dict() for f in ins.findings()],
            "audit": ins.audit(),
            "hash": ins.checklist.content_hash,
        }
    finally:
        ins.close()


def rewrite_zip(src: Path, dst: Path, change) -> None:
    """Copy a zip entry by entry; ``change(name, data)`` returns new (name, data) or None to drop."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            out = change(info.filename, zin.read(info))
            if out is not None:
                zout.writestr(out[0], out[1])


def test_bundle_layout(exported) -> None:
    path, original = exported
    assert path.name == "洛阳市司法局-示范创建-2026-11-20.fzzf.zip"
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        raw = zf.read("inspection.json")
    assert names[:3] == ["manifest.json", "inspection.json", "README.txt"]
    # the whole inspection as one JSON object (every table, the trail as "audit"), as stored
    assert json.loads(raw) == read_tables(original) and raw.count(b"\n") == 1
    assert manifest["format"] == "fzzf-bundle/1"
    assert manifest["inspection"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert manifest["inspection"]["unit"] == "洛阳市司法局"
    evidence = [n for n in names if n.startswith("evidence/")]
    assert len(evidence) == 2  # the minutes are referenced twice but stored once
    assert {e["name"] for e in manifest["evidence"]} == set(evidence)
    assert manifest["missing"] == []


def test_round_trip_gives_an_identical_inspection(exported, office) -> None:
    path, original = exported
    before = state(original)
    imported = import_bundle(path, office)
    assert imported.parent == office.root and imported.exists()
    assert imported.read_bytes() == original.read_bytes()
    after = state(imported)
    assert after == before
    assert verify_file(imported).ok
    assert verify_file(imported).entries == len(before["audit"])
    # the imported inspection is usable: it opens for writing and keeps its audit chain
    ins = office.open(before["meta"]["id"])
    try:
        f = next(f for f in ins.findings() if f.status == "已整改")
        ins.set_finding_status(f.id, "已销号", review="督察办复查通过")
        assert ins.verify().ok
    finally:
        ins.close()


def test_evidence_is_extracted_and_checked_by_hash(exported, office, tmp_path) -> None:
    path, original = exported
    ins_id = state(original)["meta"]["id"]
    # the office computer does not have the inspector's files
    for f in (tmp_path / "evidence").iterdir():
        f.unlink()
    target = import_bundle(path, office)
    store = office.root / "evidence"  # the content-addressed store beside the imported inspection
    assert store.is_dir()
    ins = Inspection.open(office.resolve(ins_id), readonly=True)
    try:
        refs = [ev for f in ins.findings() for ev in f.evidence if ev.is_file]
    finally:
        ins.close()
    assert len(refs) == 3
    for ev in refs:
        local = find_evidence(ins_id, ev, target)
        assert local is not None and local.parent.parent == store
        assert local.name.startswith(ev.sha256)
        assert hashlib.sha256(local.read_bytes()).hexdigest() == ev.sha256
    assert sorted(p.suffix for p in store.rglob("*") if p.is_file()) == [".jpg", ".pdf"]
    assert not (locations.evidence_dir() / ins_id).exists()


def test_import_refuses_an_existing_inspection_unless_replace(exported, office) -> None:
    path, _ = exported
    first = import_bundle(path, office)
    with pytest.raises(ExportError, match="已有同一检查.*内容完全相同"):
        import_bundle(path, office)
    # changed locally: still refused, and the message says how to replace
    ins = Inspection.open(first)
    try:
        f = next(f for f in ins.findings() if f.status == "已整改")
        ins.set_finding_status(f.id, "已销号", review="已复查")
    finally:
        ins.close()
    changed = first.read_bytes()
    with pytest.raises(ExportError, match="--replace"):
        import_bundle(path, office)
    assert first.read_bytes() == changed
    assert import_bundle(path, office, replace=True) == first
    assert first.read_bytes() != changed
    assert len(office.paths()) == 1


def test_replace_is_refused_while_someone_edits(exported, office) -> None:
    path, _ = exported
    first = import_bundle(path, office)
    editing = Inspection.open(first)
    try:
        with pytest.raises(InspectionLocked):
            import_bundle(path, office, replace=True)
    finally:
        editing.close()


@pytest.mark.parametrize(
    "bad_name",
    ["../escape.txt", "/etc/passwd", "evidence/../../x", "C:/windows/x", "evidence\\..\\x", "notes.txt",
     "evidence/" + "a" * 64 + "/../../x", "./manifest.json"],
)
def test_unsafe_entry_names_are_refused(exported, office, tmp_path, bad_name) -> None:
    path, _ = exported
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr(bad_name, b"x")
    with pytest.raises(ExportError, match="数据包中有"):
        import_bundle(bad, office)
    assert office.paths() == []
    assert not (tmp_path / "escape.txt").exists()


def test_links_are_refused(exported, office, tmp_path) -> None:
    path, _ = exported
    bad = tmp_path / "link.zip"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("evidence/"):
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                data = b"/etc/passwd"
            zout.writestr(info, data)
    with pytest.raises(ExportError, match="不是普通文件"):
        import_bundle(bad, office)


def test_only_stored_or_deflated_entries_are_read(exported, office, tmp_path) -> None:
    path, _ = exported
    bad = tmp_path / "lzma.zip"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(bad, "w", compression=zipfile.ZIP_LZMA) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    with pytest.raises(ExportError, match="不支持的压缩方式"):
        import_bundle(bad, office)


def test_total_size_is_limited(exported, office, monkeypatch) -> None:
    path, _ = exported
    monkeypatch.setattr(bundle_mod, "MAX_TOTAL_BYTES", 10_000)
    with pytest.raises(ExportError, match="超过"):
        import_bundle(path, office)
    assert office.paths() == []


def test_too_many_entries_are_refused(exported, office, monkeypatch) -> None:
    path, _ = exported
    monkeypatch.setattr(bundle_mod, "MAX_ENTRIES", 3)
    with pytest.raises(ExportError, match="过多"):
        import_bundle(path, office)


def test_tampered_inspection_data_is_refused(exported, office, tmp_path) -> None:
    path, _ = exported
    bad = tmp_path / "tampered.zip"

    def change(name, data):
        if name == "inspection.json":
            return name, data.replace("较重".encode(), "一般".encode())
        return name, data

    rewrite_zip(path, bad, change)
    with pytest.raises(ExportError, match="哈希不符"):
        import_bundle(bad, office)


def test_tampered_audit_trail_is_refused_even_with_a_matching_manifest(exported, office, tmp_path) -> None:
    path, _ = exported
    with zipfile.ZipFile(path) as zf:
        raw = zf.read("inspection.json")
    data = json.loads(raw)
    first = data["audit"]["2"]
    first["who"] = "别人"  # rewrite history
    new_raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    bad = tmp_path / "audit.zip"

    def change(name, content):
        if name == "inspection.json":
            return name, new_raw
        if name == "manifest.json":
            m = json.loads(content)
            m["inspection"]["sha256"] = hashlib.sha256(new_raw).hexdigest()
            return name, json.dumps(m)
        return name, content

    rewrite_zip(path, bad, change)
    with pytest.raises(ExportError, match="未通过校验"):
        import_bundle(bad, office)
    assert office.paths() == []


def test_tampered_evidence_is_refused_and_nothing_is_imported(exported, office, tmp_path) -> None:
    path, _ = exported
    bad = tmp_path / "evidence.zip"

    def change(name, data):
        if name.startswith("evidence/") and name.endswith(".jpg"):
            return name, data[:-1] + b"!"
        return name, data

    rewrite_zip(path, bad, change)
    with pytest.raises(ExportError, match="SHA-256 不符"):
        import_bundle(bad, office)
    assert office.paths() == []
    # seen: the refused import left an (empty) evidence folder behind
    assert not (office.root / "evidence").exists()


def test_an_import_refused_after_the_evidence_was_copied_removes_it(exported, office, monkeypatch) -> None:
    path, _ = exported

    def refuse(*args, **kwargs):
        raise ExportError("导入后的检查未通过校验：测试")

    monkeypatch.setattr(bundle_mod, "_install", refuse)
    with pytest.raises(ExportError, match="测试"):
        import_bundle(path, office)
    assert not (office.root / "evidence").exists()  # the files it had copied, and their folders, are gone
    monkeypatch.undo()
    imported = import_bundle(path, office)  # and a later import works normally
    assert imported.exists() and len([p for p in (office.root / "evidence").rglob("*") if p.is_file()]) == 2


def test_a_refused_import_never_removes_evidence_that_was_already_there(exported, office, monkeypatch) -> None:
    path, _ = exported
    first = import_bundle(path, office)
    stored = sorted(p for p in (office.root / "evidence").rglob("*") if p.is_file())
    assert len(stored) == 2
    monkeypatch.setattr(bundle_mod, "_install", lambda *a, **k: (_ for _ in ()).throw(ExportError("拒绝：测试")))
    with pytest.raises(ExportError, match="测试"):
        import_bundle(path, office, replace=True)
    assert sorted(p for p in (office.root / "evidence").rglob("*") if p.is_file()) == stored and first.exists()


def test_not_a_bundle(office, tmp_path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(ExportError, match="不是有效的数据包"):
        import_bundle(junk, office)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr("inspection.json", "{}")
    with pytest.raises(ExportError, match="不是可识别的 fzzf 数据包"):
        import_bundle(other, office)


def test_unsafe_inspection_id_is_refused(exported, office, tmp_path) -> None:
    path, _ = exported
    with zipfile.ZipFile(path) as zf:
        data = json.loads(zf.read("inspection.json"))
    data["meta"]["1"]["id"] = "../../evil"
    new_raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    bad = tmp_path / "id.zip"

    def change(name, content):
        if name == "inspection.json":
            return name, new_raw
        if name == "manifest.json":
            m = json.loads(content)
            m["inspection"]["sha256"] = hashlib.sha256(new_raw).hexdigest()
            return name, json.dumps(m)
        return name, content

    rewrite_zip(path, bad, change)
    with pytest.raises(ExportError, match="检查编号"):
        import_bundle(bad, office)


def test_missing_evidence_blocks_export_unless_allowed(store, demo_checklist, tmp_path) -> None:
    ins = rich_demo_inspection(store, demo_checklist, tmp_path / "evidence", finalize=False)
    try:
        (tmp_path / "evidence" / "现场照片.jpg").unlink()
        (tmp_path / "evidence" / "会议纪要.pdf").write_bytes(b"changed")
        with pytest.raises(ExportError, match="2 个佐证材料文件无法打包") as err:
            export_inspection(ins, "bundle", tmp_path / "out")
        assert "文件不存在" in str(err.value) and "SHA-256 不符" in str(err.value)
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
        path = export_inspection(ins, "bundle", tmp_path / "out", allow_missing_evidence=True)
    finally:
        ins.close()
    contents = read_bundle(path)
    assert len(contents.manifest["missing"]) == 2
    assert len(contents.missing_evidence()) == 2 and contents.evidence == {}


def test_a_tampered_inspection_is_not_bundled(store, demo_checklist, tmp_path) -> None:
    ins = rich_demo_inspection(store, demo_checklist, tmp_path / "evidence")
    path = ins.path
    ins.close()
    data = read_tables(path)
    edited = data["results"][next(iter(data["results"]))]
    edited["note"] = "事后改动"
    write_tables(path, data)
    # the edited file is refused as soon as it is opened, naming the item, so it cannot be bundled
    with pytest.raises(TamperedInspection, match=f"指标 {edited['code']} 的评分与审计记录不符"):
        Inspection.open(path, readonly=True)
    out = CliRunner().invoke(cli, ["export", str(path), "--format", "bundle", "-o", str(tmp_path / "out")])
    assert out.exit_code != 0 and "未通过校验" in out.output and not (tmp_path / "out").exists()


def test_reexport_from_the_office_finds_imported_evidence(exported, office, tmp_path) -> None:
    path, original = exported
    for f in (tmp_path / "evidence").iterdir():
        f.unlink()
    imported = import_bundle(path, office)
    ins = Inspection.open(imported, readonly=True)
    try:
        again = export_inspection(ins, "bundle", tmp_path / "again")
    finally:
        ins.close()
    assert read_bundle(again).missing_evidence() == []
    with zipfile.ZipFile(again) as a, zipfile.ZipFile(path) as b:
        assert a.read("inspection.json") == b.read("inspection.json")
        assert sorted(n for n in a.namelist() if n.startswith("evidence/")) == sorted(
            n for n in b.namelist() if n.startswith("evidence/"))


def test_find_evidence_prefers_the_original_file(tmp_path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"abc")
    ev = Evidence.from_file(f)
    assert find_evidence("x", ev) == Path(ev.path)
    f.write_bytes(b"changed")
    assert find_evidence("x", ev) is None
    assert find_evidence("x", Evidence(text="只有文字")) is None


def test_import_leaves_no_temporary_files(exported, office) -> None:
    path, _ = exported
    target = import_bundle(path, office)
    leftovers = [p for p in office.root.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert [p.name for p in office.root.iterdir() if p.suffix == ".fzzf"] == [target.name]
    assert not any(p.name.endswith(".tmp") for p in (locations.evidence_dir()).rglob("*"))
    assert os.access(target, os.R_OK)


def _forge_bundle(src: Path, dst: Path, edit) -> None:
    """Edit inspection.json's state by hand and fix the manifest's sha256 and size to match."""
    with zipfile.ZipFile(src) as zf:
        data = json.loads(zf.read("inspection.json"))
    edit(data)
    new_raw = json.dumps(data, ensure_ascii=False).encode("utf-8")

    def change(name, content):
        if name == "inspection.json":
            return name, new_raw
        if name == "manifest.json":
            m = json.loads(content)
            m["inspection"]["sha256"] = hashlib.sha256(new_raw).hexdigest()
            if "size" in m["inspection"]:
                m["inspection"]["size"] = len(new_raw)
            return name, json.dumps(m, ensure_ascii=False).encode("utf-8")
        return name, content

    rewrite_zip(src, dst, change)


def _first_result(data):
    return next(iter(data["results"].values()))


@pytest.mark.parametrize("what, edit, named", [
    ("result", lambda d: _first_result(d).update(value=0 if _first_result(d)["value"] != 0 else 1),
     lambda d: f"指标 {_first_result(d)['code']} 的评分与审计记录不符"),
    ("finding", lambda d: next(iter(d["findings"].values())).update(requirement="改过的整改要求"),
     lambda d: f"问题 {next(iter(d['findings'].values()))['id']}"),
    ("meta", lambda d: d["meta"]["1"].update(unit="别的单位"), lambda d: "检查信息“unit”与审计记录不符"),
])
def test_a_bundle_with_hand_edited_state_and_a_fixed_manifest_is_refused_naming_it(
        exported, office, tmp_path, what, edit, named) -> None:
    """Seen (#11): edit inspection.json, fix the manifest's sha256/size: import-bundle accepted it."""
    path, _ = exported
    bad = tmp_path / f"forged-{what}.zip"
    _forge_bundle(path, bad, edit)
    with zipfile.ZipFile(path) as zf:
        expected = named(json.loads(zf.read("inspection.json")))
    with pytest.raises(ExportError, match="未通过校验") as refused:
        import_bundle(bad, office)
    assert expected in str(refused.value), str(refused.value)
    assert office.paths() == []
    out = CliRunner().invoke(cli, ["import-bundle", str(bad)])
    assert out.exit_code != 0 and expected in out.output and "Traceback" not in out.output, out.output
    assert office.paths() == []
    assert not (office.root / "evidence").exists()  # the evidence it had copied is gone again
