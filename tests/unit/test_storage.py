"""The inspection file on disk: append-only journal, compaction, torn tails, old files, temp files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fzzf_tui import fileio
from fzzf_tui.errors import CorruptInspection, InspectionError
from fzzf_tui.fileio import atomic_write_bytes, fsync_dir, replace_with_retry
from fzzf_tui.inspection import Inspection, verify_file
from fzzf_tui.inspection import storage as storage_mod
from fzzf_tui.inspection.storage import read_image

DATA = Path(__file__).resolve().parents[1] / "data"

from ..forge import read_tables, write_tables


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


# -- the low-level writer ---------------------------------------------------------------------
def test_atomic_write_keeps_old_file_when_replace_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.json"
    atomic_write_bytes(target, b'{"old": 1}')

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio, "replace_with_retry", lambda s, d: boom(s, d))
    with pytest.raises(OSError):
        atomic_write_bytes(target, b'{"new": 2}')
    assert target.read_bytes() == b'{"old": 1}'
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # temp file cleaned up


def test_replace_retries_while_windows_reports_busy(tmp_path: Path) -> None:
    calls = []

    def flaky(src, dst):
        calls.append(1)
        if len(calls) < 3:
            raise PermissionError(13, "The process cannot access the file because it is being used")
        os.replace(src, dst)

    src, dst = tmp_path / "s", tmp_path / "d"
    src.write_text("x")
    replace_with_retry(src, dst, replace=flaky, sleep=lambda s: None)
    assert dst.read_text() == "x" and len(calls) == 3

    always = lambda s, d: (_ for _ in ()).throw(PermissionError(13, "busy"))  # noqa: E731
    src.write_text("y")
    with pytest.raises(PermissionError):
        replace_with_retry(src, dst, retries=4, replace=always, sleep=lambda s: None)


def test_fsync_dir_platform_branches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    fsync_dir(tmp_path, platform="win32")
    assert opened == []  # Windows: directories cannot be fsynced, skipped
    fsync_dir(tmp_path, platform="linux")
    assert opened and opened[0][0] == str(tmp_path)
    fsync_dir(tmp_path / "missing", platform="linux")  # no error for a missing dir


def test_the_checklist_layer_does_not_import_upward() -> None:
    code = (
        "import sys, importlib, pkgutil, fzzf_tui.checklist as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'fzzf_tui.checklist.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(k for k in sys.modules if k.startswith(('fzzf_tui.inspection', 'fzzf_tui.exporting'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
    src = Path(fileio.__file__).resolve().parent / "checklist"  # lazy imports inside functions too
    upward = re.compile(r"from \.\.+(inspection|exporting|ui|cli)\b|import fzzf_tui\.(inspection|exporting)")
    assert not [p.name for p in src.rglob("*.py") if upward.search(p.read_text(encoding="utf-8"))]


# -- the journal --------------------------------------------------------------------------------
def test_a_save_appends_one_line_and_never_rewrites_the_snapshot(store, annual_checklist) -> None:
    ins = store.create(annual_checklist, "单位")
    first_line = lines(ins.path)[0]
    leaves = [leaf.code for leaf in annual_checklist.leaves()]
    for i, code in enumerate(leaves[:40]):
        ins.set_value(code, i % 3)
        now = lines(ins.path)
        assert now[0] == first_line  # the state line (with the ~130 KB snapshot) is untouched
        assert len(now) == i + 4 and now[-1] == b""  # one more line each time (after creation's)
    entry = json.loads(lines(ins.path)[-2])
    assert entry["action"] == "score" and entry["target"] == leaves[39] and "set" not in entry  # implied by target/new
    # another reader sees every acknowledged change while the file is still open
    with Inspection.open(ins.path, readonly=True) as other:
        assert other.result(leaves[39]).value == 39 % 3 and len(other.audit()) == 41
    ins.close()
    after = lines(ins.path)
    assert len(after) == 43 and after[0] != first_line  # compacted on close: a new state line
    assert after[1:] == now[1:]  # the entries are kept byte for byte
    assert json.loads(after[0])["journal"]["1"]["seq"] == 41
    again = Inspection.open(ins.path, readonly=True)
    assert len(again.results()) == 40 and again.verify().ok
    again.close()


def test_compaction_at_threshold_keeps_every_change(store, special_checklist, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FZZF_COMPACT_BYTES", "3000")
    ins = store.create(special_checklist, "单位")
    leaves = [leaf.code for leaf in special_checklist.leaves()]
    for i in range(60):
        ins.set_value(leaves[i % len(leaves)], i % 2)
    assert ins.storage.compactions >= 5 and ins.storage.journal_bytes <= 3000 + 1000
    expected = {c: r.to_dict() for c, r in ins.results().items()}
    path = ins.path
    ins.close()
    with Inspection.open(path, readonly=True) as again:
        assert {c: r.to_dict() for c, r in again.results().items()} == expected
        assert len(again.audit()) == 61 and again.verify().ok


def test_failed_append_leaves_memory_and_file_as_saved(store, special_checklist, monkeypatch: pytest.MonkeyPatch) -> None:
    ins = store.create(special_checklist, "单位")
    ins.set_value("1.1", 1)
    before = ins.path.read_bytes()

    def half_then_fail(fd, data):
        os.write(fd, data[: len(data) // 2])  # part of the line reaches the disk, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_mod, "append_durable", half_then_fail)
    with pytest.raises(OSError):
        ins.set_value("1.1", 0)
    with pytest.raises(OSError):
        ins.add_finding("问题")
    monkeypatch.undo()
    assert ins.result("1.1").value == 1 and ins.findings() == []  # memory shows what is saved
    assert ins.path.read_bytes() == before  # the half line was cut off again
    ins.set_value("1.2", 1)  # and the next change lands cleanly
    path = ins.path
    ins.close()
    with Inspection.open(path, readonly=True) as again:
        assert again.result("1.1").value == 1 and again.result("1.2").value == 1 and again.verify().ok


def test_torn_last_line_is_ignored_by_readers_and_cut_by_the_next_writer(store, special_checklist) -> None:
    ins = store.create(special_checklist, "单位")
    ins.set_value("1.1", 1)
    path = ins.path
    ins.storage.close()
    ins.lock.release()  # as if the process died here, without compaction
    with path.open("ab") as f:
        f.write(b'{"seq":3,"at":"2026-')  # a crash in the middle of the next append
    image, _ = read_image(path)
    assert image.torn == len(b'{"seq":3,"at":"2026-') and len(image.journal) == 1
    with Inspection.open(path, readonly=True) as reader:
        assert reader.result("1.1").value == 1 and reader.verify().ok
    assert path.read_bytes().endswith(b'"at":"2026-')  # a reader never writes
    with Inspection.open(path) as writer:
        assert not path.read_bytes().endswith(b'"at":"2026-')  # the writer cut it off on opening
        writer.set_value("1.2", 0)
    with Inspection.open(path, readonly=True) as again:
        assert again.result("1.2").value == 0 and [e["seq"] for e in again.audit()] == [1, 2, 3]


def test_damage_in_the_middle_of_the_journal_is_refused(store, special_checklist) -> None:
    ins = store.create(special_checklist, "单位")
    ins.set_value("1.1", 1)
    ins.set_value("1.2", 1)
    path = ins.path
    ins.storage.close()
    ins.lock.release()
    parts = lines(path)  # state, create, score 1.1, score 1.2, ""
    good = list(parts)
    parts[2] = b'{"seq":2,"broken'
    path.write_bytes(b"\n".join(parts))
    with pytest.raises(CorruptInspection, match="第 3 行已损坏，无法读取（其后还有记录）"):
        Inspection.open(path, readonly=True)
    good[1] = b'{"seq":1,"broken'  # an entry before the checkpoint: read when needed, refused then
    path.write_bytes(b"\n".join(good))
    with pytest.raises(CorruptInspection, match="第 2 行（审计记录第 1 条）已损坏"):
        Inspection.open(path, readonly=True)


def test_chinese_is_readable_in_the_file(store, special_checklist) -> None:
    ins = store.create(special_checklist, "哈尔滨市司法局")
    ins.close()
    assert "哈尔滨市司法局" in ins.path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content, message",
    [(b"", "为空"), (b'{"meta": {"1": {"format": "fzzf-inspection/1"', "已损坏"), (b"\xff\xfe", "UTF-8"), (b"[1,2]", "格式不对"),
     (b'{"meta": {"1": {"format": "other"}}, "checklist": {"1": {"json": "{}"}}}', "不是 fzzf"),
     (b"[" * 100_000 + b"]" * 100_000, "嵌套层数过多")],
)
def test_corrupt_files_are_refused_and_left_untouched(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "x.fzzf"
    p.write_bytes(content)
    with pytest.raises(InspectionError, match=message):
        Inspection.open(p)
    assert p.read_bytes() == content
    # the lock was released: a retry fails the same way, not with "locked"
    with pytest.raises(CorruptInspection):
        Inspection.open(p)


def test_deep_nesting_is_a_clear_error_not_a_traceback(store, special_checklist, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from fzzf_tui.cli import cli

    ins = store.create(special_checklist, "单位")
    ins.set_value("1.1", 1, note="x")
    path = ins.path
    ins.close()
    data = read_tables(path)
    deep: object = "x"
    for _ in range(500):  # under Python's recursion limit for parsing, far over the file's own depth
        deep = [deep]
    next(iter(data["results"].values()))["note"] = deep
    bad = tmp_path / "deep.fzzf"
    write_tables(bad, data)
    for args in (["verify", str(bad)], ["show", str(bad)]):
        out = CliRunner().invoke(cli, args)
        assert out.exit_code != 0 and "嵌套层数" in out.output and "Traceback" not in out.output, out.output
        assert not isinstance(out.exception, RecursionError)


# -- files of the earlier release ------------------------------------------------------------
def test_an_old_single_file_inspection_opens_and_migrates_on_first_write(tmp_path: Path) -> None:
    path = tmp_path / "old.fzzf"
    shutil.copy(DATA / "legacy-plain.fzzf", path)
    original = path.read_bytes()
    assert b"\n" not in original  # one JSON object, as the earlier release wrote it
    report = verify_file(path)
    assert report.ok and any("创建时的检查信息" in n for n in report.notes)
    with Inspection.open(path, readonly=True) as old:
        results = {c: r.to_dict() for c, r in old.results().items()}
        findings = [f.to_dict() for f in old.findings()]
        score = old.score().total
        assert old.meta["title"] == "2025 年专项督察" and old.meta["reopens"][0]["reason"] == "补充评分"
    assert path.read_bytes() == original  # reading never rewrites
    with Inspection.open(path) as ins:
        assert path.read_bytes() == original  # nor does opening for writing
        ins.set_value("1.6", 1)
        actions = [e["action"] for e in ins.audit()]
        assert actions[-2:] == ["migrate", "score"] and len(actions) == 17
    with Inspection.open(path, readonly=True) as again:
        assert {c: r.to_dict() for c, r in again.results().items() if c != "1.6"} == results
        assert [f.to_dict() for f in again.findings()] == findings and again.result("1.6").value == 1
        assert again.score().total > score
        report = again.verify()
        assert report.ok and report.notes == [], report  # after migration everything replays
    # undo works across the migration boundary for the new change only
    with Inspection.open(path) as ins:
        assert "1.6" in ins.undo() and ins.undo() is None


def test_an_old_merged_file_verifies_with_a_note_and_detects_edits(tmp_path: Path) -> None:
    path = tmp_path / "merged.fzzf"
    shutil.copy(DATA / "legacy-merged.fzzf", path)
    report = verify_file(path)
    assert report.ok and any("无法逐条重放" in n for n in report.notes)
    data = read_tables(path)
    data["meta"]["1"]["unit"] = "别的单位"  # unit was never changed through the chain... but creation was not recorded
    write_tables(path, data)
    assert verify_file(path).ok  # an earlier release did not record it: the note says so, nothing more can be said
    data["audit"][str(len(data["audit"]))]["new"]["value"] = 0
    write_tables(path, data)
    assert not verify_file(path).ok


# -- temp files -----------------------------------------------------------------------------------
def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temp_files_of_dead_writers_are_removed_when_the_folder_is_opened(store, special_checklist) -> None:
    ins = store.create(special_checklist, "单位")
    ins.close()
    dead = dead_pid()
    stale = store.root / f".{ins.path.name}.{dead}.tmp"
    stale.write_bytes(b"x" * 1000)
    stale_import = store.root / f".{ins.path.name}.{dead}.import.tmp"
    stale_import.write_bytes(b"y")
    live = store.root / f".{ins.path.name}.{os.getpid()}.tmp"  # a writer still at work (us)
    live.write_bytes(b"z")
    other = store.root / "notes.tmp"  # not ours: never touched
    other.write_bytes(b"keep")
    from fzzf_tui.inspection import InspectionStore

    InspectionStore(store.root).summaries()
    assert not stale.exists() and not stale_import.exists()
    assert live.exists() and other.exists()
    stale.write_bytes(b"again")
    Inspection.open(ins.path).close()  # opening one inspection for writing sweeps its folder too
    assert not stale.exists() and live.exists()
