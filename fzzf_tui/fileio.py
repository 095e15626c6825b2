"""The one durable writer and the safe readers every layer may use (no project imports above it).

* :func:`atomic_write_bytes` replaces a file so a crash leaves either the old or the new
  version (temp file in the same folder, fsync, ``os.replace``, fsync of the folder);
* :func:`append_durable` appends bytes and returns only once they are on disk;
* :func:`remove_stale_temps` deletes temp files whose writer process is gone;
* :func:`load_json` parses JSON from a file with a nesting-depth limit and Chinese errors.

Temp files are named ``.<name>.<pid>.tmp`` (or ``.<name>.<pid>.<tag>.tmp``), so the writer
of a leftover can be identified and its file removed once that process is dead.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable

from .errors import FzzfError, InvalidValue

REPLACE_RETRIES = 20
REPLACE_DELAY = 0.05  # seconds; Windows antivirus/indexers hold files open briefly
MAX_JSON_DEPTH = 64  # an inspection file nests ~8 deep; anything far deeper is hostile
MAX_TEXT = 32_767  # characters: Excel's cell limit, and the store's limit for one text field

_TEMP = re.compile(r"^\..+\.(\d+)(?:\.[A-Za-z0-9_-]+)?\.tmp$")


class FileFormatError(FzzfError):
    """A file cannot be parsed safely (bad encoding, bad JSON, nesting too deep)."""


def fsync_dir(path: Path, platform: str | None = None) -> None:
    """fsync a directory so a rename in it survives power loss; a no-op where unsupported.

    Windows cannot open a directory as a file (and NTFS journals renames), so it is skipped.
    """
    platform = platform or sys.platform
    if platform.startswith("win"):
        return
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(str(path), flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems (e.g. certain network/FUSE mounts) refuse directory fsync
    finally:
        os.close(fd)


def replace_with_retry(
    src: Path,
    dst: Path,
    retries: int = REPLACE_RETRIES,
    delay: float = REPLACE_DELAY,
    replace: Callable[[Any, Any], None] = os.replace,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """``os.replace`` that retries while Windows reports the target busy (PermissionError)."""
    for attempt in range(retries):
        try:
            replace(src, dst)
            return
        except PermissionError:
            if attempt == retries - 1:
                raise
            sleep(delay * (attempt + 1))


def temp_path(path: Path, tag: str = "") -> Path:
    """The temp file beside ``path`` that this process writes before replacing ``path``."""
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}{'.' + tag if tag else ''}.tmp")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file.

    ``durable=False``: no fsync, for notes that only inform (the lock holder's name): a crash of
    the process still leaves the old or the new file, a power cut may leave neither (readers of
    such notes treat an unreadable one as absent). Each fsync costs milliseconds, more on the
    slow disks of office laptops.
    """
    path = Path(path)
    tmp = temp_path(path)
    fd = os.open(str(tmp), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
    try:
        _write_all(fd, data)
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    try:
        replace_with_retry(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


def append_durable(fd: int, data: bytes) -> None:
    """Append ``data`` to the open file ``fd`` (opened with ``O_APPEND``) and fsync it."""
    _write_all(fd, data)
    os.fsync(fd)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id is running on this machine (True when unsure)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform.startswith("win"):  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return True
    return True


def stale_temps(folder: Path) -> list[Path]:
    """Temp files in ``folder`` (not recursive) whose writer process is no longer running."""
    out = []
    try:
        names = os.listdir(folder)
    except OSError:
        return out
    for name in names:
        m = _TEMP.match(name)
        if m and not pid_alive(int(m.group(1))):
            out.append(Path(folder) / name)
    return out


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete what :func:`stale_temps` finds; returns the files removed."""
    removed = []
    for p in stale_temps(Path(folder)):
        try:
            if p.is_file():
                p.unlink()
                removed.append(p)
        except OSError:
            continue  # still in use on Windows, or already gone
    return removed


def json_depth_exceeds(obj: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests deeper than ``limit`` (iterative: no recursion)."""
    stack = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))
    return False


def load_json(raw: bytes | str, where: str, max_depth: int | None = MAX_JSON_DEPTH) -> Any:
    """Parse JSON read from ``where`` (named in errors); refuse nesting deeper than ``max_depth``."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, (bytes, bytearray)) else raw
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{where} 不是 UTF-8 文本（第 {exc.start} 字节）") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise FileFormatError(f"{where} 的 JSON 嵌套层数过多（超过 {max_depth or MAX_JSON_DEPTH} 层），不是有效的文件") from None
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"{where} 已损坏，无法解析（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）") from None
    if max_depth is not None and json_depth_exceeds(data, max_depth):
        raise FileFormatError(f"{where} 的 JSON 嵌套层数过多（超过 {max_depth} 层），不是有效的文件")
    return data


def check_text(value: str, label: str, limit: int = MAX_TEXT) -> str:
    """``value`` if it fits in one Excel cell; otherwise a clear refusal (never cut silently)."""
    if len(value) > limit:
        raise TextTooLong(
            f"{label}过长：{len(value)} 个字符，超过上限 {limit}（Excel 单元格的上限）。"
            "请精简，或把长文作为佐证材料文件附上。"
        )
    return value


class TextTooLong(InvalidValue):
    """A text field is longer than one Excel cell can hold."""


__all__ = [
    "FileFormatError", "MAX_JSON_DEPTH", "MAX_TEXT", "TextTooLong", "append_durable", "atomic_write_bytes", "check_text",
    "fsync_dir", "json_depth_exceeds", "load_json", "pid_alive", "remove_stale_temps", "replace_with_retry", "stale_temps",
    "temp_path",
]
