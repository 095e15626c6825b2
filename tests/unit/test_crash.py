"""kill -9 while scoring: no acknowledged change is ever lost, no temp file outlives the next open.

A forked writer scores a 年度考核 inspection and reports each change once ``set_value`` has
returned (acknowledged). The parent kills it with SIGKILL: at a random moment, in the middle
of a journal append (part of the line written), and in each stage of a compaction (temp file
half written; temp complete, not yet renamed; renamed, folder not yet synced). After every
kill the file must open, hold every acknowledged value, and verify; opening it for writing
must leave no temp file behind.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sys
import time
from pathlib import Path

import pytest

from fzzf_tui import fileio
from fzzf_tui.inspection import Inspection, InspectionStore, verify_file
from fzzf_tui.inspection import storage as storage_mod

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform.startswith("win"), reason="POSIX fork + SIGKILL")

KILLS = 60
COMPACT_BYTES = 12_000  # a compaction every ~30 changes, so kills land in them


def _writer(path: Path, start: int, mode: str, stage: int, out: int) -> None:
    """The child: score leaves with increasing values, report each acknowledged one."""
    import fzzf_tui.inspection.storage as st

    def signal_parent(tag: bytes) -> None:
        os.write(out, tag + b"\n")
        time.sleep(60)  # wait here for the kill

    if mode == "append":
        calls = {"n": 0}
        real = st.append_durable

        def append(fd: int, data: bytes) -> None:
            calls["n"] += 1
            if calls["n"] < stage:
                return real(fd, data)
            os.write(fd, data[: max(1, len(data) * (stage % 7 + 1) // 9)])  # part of the line is on disk
            signal_parent(b"A")

        st.append_durable = append
    elif mode == "compact":
        real_atomic = st.atomic_write_bytes

        def atomic(target: Path, data: bytes) -> None:
            tmp = fileio.temp_path(target)
            if stage == 0:  # crash while the temp file is half written
                with open(tmp, "wb") as f:
                    f.write(data[: len(data) // 2])
                signal_parent(b"C")
            elif stage == 1:  # temp complete and synced, not yet renamed
                with open(tmp, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                signal_parent(b"C")
            else:  # renamed; the folder itself not yet synced
                real_atomic(target, data)
                signal_parent(b"C")

        st.atomic_write_bytes = atomic
    ins = Inspection.open(path)
    leaves = [leaf.code for leaf in ins.checklist.leaves()]
    i = start
    while True:
        code = leaves[i % len(leaves)]
        ins.set_value(code, i)
        os.write(out, f"{i} {code}\n".encode())
        i += 1


def _spawn(path: Path, start: int, mode: str, stage: int) -> tuple[int, int]:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(r)
        try:
            _writer(path, start, mode, stage, w)
        finally:
            os._exit(0)
    os.close(w)
    return pid, r


def _read_lines(fd: int, timeout: float = 20.0):
    buf = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield line.decode()
    raise AssertionError("the writer stopped reporting")


def test_kill_9_during_appends_and_compactions_loses_no_acknowledged_change(store, annual_checklist, monkeypatch) -> None:
    monkeypatch.setenv("FZZF_COMPACT_BYTES", str(COMPACT_BYTES))
    ins = store.create(annual_checklist, "断电测试单位")
    path = ins.path
    ins.close()
    rng = random.Random(20261201)
    acked: dict[str, int] = {}
    counter = 0
    landed = {"random": 0, "append": 0, "compact": 0}
    started = time.perf_counter()
    for k in range(KILLS):
        mode = ("random", "append", "compact")[k % 3]
        stage = rng.randint(3, 25) if mode == "append" else (k // 3) % 3
        pid, fd = _spawn(path, counter, mode, stage)
        target = rng.randint(10, 60)
        seen = 0
        try:
            for line in _read_lines(fd):
                if line in ("A", "C"):
                    landed["append" if line == "A" else "compact"] += 1
                    break
                i, code = line.split()
                acked[code] = int(i)
                counter = int(i) + 1
                seen += 1
                if mode == "random" and seen >= target:
                    time.sleep(rng.random() * 0.002)  # land anywhere in the next change
                    landed["random"] += 1
                    break
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(fd)
        counter += 1  # a change that was in flight may have landed: never reuse its value
        # what any reader recovers: the state line with the journal replayed onto it
        results = storage_mod.load_file(path).state.results
        for code, value in acked.items():
            assert code in results, f"kill {k} ({mode}): acknowledged change of {code} lost"
            assert results[code]["value"] >= value, f"kill {k} ({mode}): {code} acknowledged {value}, file has {results[code]}"
        if k % 6 == 5:
            assert verify_file(path).ok
            Inspection.open(path).close()  # the next writer's open sweeps what the dead one left
        else:
            InspectionStore(path.parent).paths()  # so does opening the data folder
        leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
        assert leftovers == [], f"kill {k} ({mode}): {leftovers}"
    assert verify_file(path).ok
    assert sum(landed.values()) >= 50 and min(landed.values()) >= 15, landed
    assert counter >= 1000, counter
    print(f"\n{KILLS} kills {landed}, {counter} changes, {time.perf_counter() - started:.1f} s")
