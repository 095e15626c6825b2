"""Single writer: a second process is refused with who holds the lock; stale locks recover."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fzzf_tui.errors import InspectionLocked, ReadOnlyInspection
from fzzf_tui.inspection import Inspection
from fzzf_tui.inspection.lock import InspectionLock


def run(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True, timeout=60)


TRY_OPEN = """
import sys
from fzzf_tui.inspection import Inspection
from fzzf_tui.errors import InspectionLocked
try:
    Inspection.open(sys.argv[1])
    print("OPENED")
except InspectionLocked as e:
    print("LOCKED", e)
ro = Inspection.open(sys.argv[1], readonly=True)
print("READONLY", ro.unit)
"""


def test_second_process_is_refused_with_holder_named(store, special_checklist) -> None:
    ins = store.create(special_checklist, "锁测试单位", who="张三")
    try:
        out = run(TRY_OPEN, str(ins.path))
        assert "LOCKED" in out.stdout, out.stderr
        assert "测试员" in out.stdout or "张三" in out.stdout or "进程" in out.stdout
        assert "只读" in out.stdout
        assert "READONLY 锁测试单位" in out.stdout  # read-only access still works
    finally:
        ins.close()
    out = run(TRY_OPEN, str(ins.path))
    assert "OPENED" in out.stdout


def test_second_open_in_same_process_is_refused(store, special_checklist) -> None:
    ins = store.create(special_checklist, "单位")
    try:
        with pytest.raises(InspectionLocked, match="正由"):
            Inspection.open(ins.path)
        ro = Inspection.open(ins.path, readonly=True)
        with pytest.raises(ReadOnlyInspection):
            ro.set_value("1.1", 1)
    finally:
        ins.close()


CRASH_HOLDING = """
import os, sys
from fzzf_tui.inspection import Inspection
ins = Inspection.open(sys.argv[1])
print(os.getpid(), flush=True)
os._exit(9)  # crash without releasing anything
"""


def test_stale_lock_after_crash_is_recovered(store, special_checklist) -> None:
    ins = store.create(special_checklist, "崩溃单位")
    path = ins.path
    ins.close()
    out = run(CRASH_HOLDING, str(path))
    pid = int(out.stdout.split()[0])
    lock = InspectionLock(path)
    assert lock.info_path.exists() and lock.read_info()["pid"] == pid  # the note was left behind
    again = Inspection.open(path)
    try:
        assert again.stale_lock_recovered and again.stale_lock_recovered["pid"] == pid
        again.set_value("1.1", 0)
    finally:
        again.close()
    assert not lock.info_path.exists()


def test_os_lock_is_exclusive_per_lock_object_and_reports_other_failures(tmp_path: Path) -> None:
    from fzzf_tui.oslock import FileLock, LockBusy

    path = tmp_path / "x.fzzf.lock"
    first, second = FileLock(path), FileLock(path)
    first.acquire()
    first.acquire()  # taking a held lock again is a no-op, not a deadlock
    assert first.is_locked
    with pytest.raises(LockBusy):
        second.acquire()  # another open of the same file, in the same process
    assert not second.is_locked
    first.release()
    first.release()  # twice is harmless
    second.acquire()
    assert second.is_locked and path.exists()
    second.release()
    assert path.exists()  # never deleted: a late opener must not lock a name nobody else holds
    with pytest.raises(FileNotFoundError):  # not "busy": the caller reports the real error
        FileLock(tmp_path / "missing" / "x.lock").acquire()
