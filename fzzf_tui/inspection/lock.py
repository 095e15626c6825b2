"""Single-writer lock for an inspection file, with a note saying who holds it.

The lock itself is an OS lock (:mod:`fzzf_tui.oslock`: ``fcntl.flock`` on Linux,
``msvcrt.locking`` on Windows), which the OS releases when the holding process dies, so a crash
can never leave the file locked forever. Beside it, ``<file>.lock.json`` says who holds it (user, machine, pid,
since when). If we obtain the OS lock while that note still names another holder, the previous
holder crashed: the lock is *stale*, and we take it over and report it.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import InspectionLocked
from ..fileio import atomic_write_bytes
from ..oslock import FileLock, LockBusy


def current_user() -> str:
    for env in ("FZZF_USER",):
        if os.environ.get(env):
            return os.environ[env]
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database on some systems
        return "未知用户"


def holder_info() -> dict[str, Any]:
    return {
        "user": current_user(),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "since": datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def local_time_text(iso: Any) -> str:
    """An ISO timestamp as this computer's local time, ``2026-05-01 09:30`` ('?' if unreadable)."""
    try:
        when = datetime.fromisoformat(str(iso))
    except ValueError:
        return "?"
    if when.tzinfo is not None:
        when = when.astimezone()  # to this machine's zone (a holder abroad wrote its own)
    return when.strftime("%Y-%m-%d %H:%M")


def describe_holder(info: dict[str, Any]) -> str:
    if not info:
        return "另一个程序"
    since = local_time_text(info.get("since"))
    return f"{info.get('user', '?')}（计算机 {info.get('host', '?')}，进程 {info.get('pid', '?')}，自 {since} 起）"


class InspectionLock:
    """Exclusive, non-blocking lock of one inspection file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.info_path = self.path.with_name(self.path.name + ".lock.json")
        self._lock = FileLock(self.lock_path)
        self.recovered_from: dict[str, Any] | None = None

    def read_info(self) -> dict[str, Any]:
        try:
            return json.loads(self.info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def acquire(self) -> None:
        try:
            self._lock.acquire()
        except LockBusy:
            info = self.read_info()
            raise InspectionLocked(
                f"检查“{self.path.name}”正由 {describe_holder(info)} 编辑，只能以只读方式查看。"
                "如对方已退出，请稍后再试。",
                info,
            ) from None
        previous = self.read_info()
        mine = holder_info()
        if previous and (previous.get("pid") != mine["pid"] or previous.get("host") != mine["host"]):
            # We hold the OS lock, so its previous holder is gone: a stale lock from a crash.
            self.recovered_from = previous
        try:
            # not fsynced: the note is informative only (an unreadable one reads as no note);
            # the OS lock is what protects the file
            atomic_write_bytes(self.info_path, json.dumps(mine, ensure_ascii=False).encode("utf-8"), durable=False)
        except OSError:
            pass

    def release(self) -> None:
        if self._lock.is_locked:
            with contextlib.suppress(OSError):
                self.info_path.unlink()
            self._lock.release()

    @property
    def is_locked(self) -> bool:
        return self._lock.is_locked

    def __enter__(self) -> "InspectionLock":
        self.acquire()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()


def lock_state(path: Path) -> dict[str, Any]:
    """Whether an inspection file is being edited, without keeping its lock (for ``fzzf doctor``).

    ``state`` is ``free``, ``held`` (``holder`` says who), ``stale`` (a note from an editor that
    crashed; the next opener takes over) or ``unknown`` (``error`` says why). Probing takes the
    OS lock for an instant, so an open at that very instant may be told the file is busy.
    """
    lock = InspectionLock(path)
    info = lock.read_info()
    if not lock.lock_path.exists():  # nobody has ever locked it here
        return {"state": "stale" if info else "free", "holder": info}
    try:
        lock._lock.acquire()
    except LockBusy:
        return {"state": "held", "holder": info}
    except OSError as exc:
        return {"state": "unknown", "holder": info, "error": f"{type(exc).__name__}: {exc}"}
    lock._lock.release()
    return {"state": "stale" if info else "free", "holder": info}
