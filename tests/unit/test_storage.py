"""Crash safety of the inspection file: atomic replace, durability, platform branches."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fzzf_tui.errors import CorruptInspection, InspectionError
from fzzf_tui.inspection import Inspection, verify_file
from fzzf_tui.inspection import storage as storage_mod
from fzzf_tui.inspection.storage import AtomicJSONStorage, atomic_write_bytes, fsync_dir, replace_with_retry


def test_atomic_write_keeps_old_file_when_replace_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.json"
    atomic_write_bytes(target, b'{"old": 1}')

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_mod, "replace_with_retry", lambda s, d: boom(s, d))
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


def test_write_failure_drops_memory_copy_and_batch_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    st = AtomicJSONStorage(tmp_path / "db.json", create=True)
    st.write({"t": {"1": {"a": 1}}})
    monkeypatch.setattr(storage_mod, "atomic_write_bytes", lambda p, d: (_ for _ in ()).throw(OSError(28, "disk full")))
    with pytest.raises(OSError):
        st.write({"t": {"1": {"a": 2}}})
    monkeypatch.undo()
    assert st.read() == {"t": {"1": {"a": 1}}}  # memory shows what is on disk
    with pytest.raises(RuntimeError):
        with st.batch():
            st.write({"t": {"1": {"a": 3}}})
            raise RuntimeError("abort")
    assert st.read() == {"t": {"1": {"a": 1}}}
    with st.batch():
        st.write({"t": {"1": {"a": 4}}})
        st.write({"t": {"1": {"a": 5}}})
        assert json.loads((tmp_path / "db.json").read_text()) == {"t": {"1": {"a": 1}}}
    assert json.loads((tmp_path / "db.json").read_text()) == {"t": {"1": {"a": 5}}}


def test_chinese_is_readable_in_the_file(store, special_checklist) -> None:
    ins = store.create(special_checklist, "哈尔滨市司法局")
    ins.close()
    assert "哈尔滨市司法局" in ins.path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content, message",
    [(b"", "为空"), (b'{"meta": {"1": {"format": "fzzf-inspection/1"', "已损坏"), (b"\xff\xfe", "UTF-8"), (b"[1,2]", "格式不对"),
     (b'{"meta": {"1": {"format": "other"}}, "checklist": {"1": {}}}', "不是 fzzf")],
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


WRITER = textwrap.dedent(
    """
    import sys
    from fzzf_tui.inspection import Inspection
    ins = Inspection.open(sys.argv[1])
    leaves = [leaf.code for leaf in ins.checklist.leaves()]
    for i in range(1000):
        code = leaves[i % len(leaves)]
        ins.set_value(code, i)
        print(i, code, flush=True)
    print("done", flush=True)
    """
)


def test_sigkill_during_updates_never_loses_acknowledged_entries(store, annual_checklist, tmp_path: Path) -> None:
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("SIGKILL is POSIX only")
    ins = store.create(annual_checklist, "断电测试单位")
    path = ins.path
    ins.close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    rng = random.Random(20261123)
    acked: dict[str, int] = {}
    kills = 0
    for _ in range(10):
        proc = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE, text=True)
        target = rng.randint(3, 120)
        seen = 0
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("done"):
                break
            i, code = line.split()
            acked[code] = int(i)
            seen += 1
            if seen >= target:
                proc.send_signal(signal.SIGKILL)
                kills += 1
                break
        proc.wait()
        with Inspection.open(path, readonly=True) as check:  # always parses
            results = check.results()
            for code, value in acked.items():
                assert code in results, f"acknowledged update of {code} lost"
                assert results[code].value >= value, f"{code}: acknowledged {value}, file has {results[code].value}"
        assert verify_file(path).ok
    assert kills == 10
