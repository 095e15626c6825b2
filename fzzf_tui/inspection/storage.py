"""Crash-safe TinyDB storage: every write replaces the file atomically and durably.

TinyDB's JSONStorage truncates and rewrites the file in place, so a crash mid-write can leave
an empty or half-written file (tinydb issues #301, #113, #461). This storage instead writes a
temporary file in the same directory, fsyncs it, ``os.replace``s it over the old file and
fsyncs the directory, so the file on disk is always either the old or the new version.
A write returns only after the data is on disk: there is no write cache.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from tinydb.storages import Storage

from ..errors import CorruptInspection, InspectionError

REPLACE_RETRIES = 20
REPLACE_DELAY = 0.05  # seconds; Windows antivirus/indexers hold files open briefly


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


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(str(tmp), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
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
    fsync_dir(path.parent)


def _dumps(data: Any) -> str:
    # ensure_ascii=False keeps Chinese readable in the file.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def encode(data: Any) -> bytes:
    return _dumps(data).encode("utf-8")


class _TableEncoder:
    """Re-encodes only what changed since the last write.

    TinyDB replaces a table's dict whenever it changes that table and leaves other tables'
    dicts alone, so a table whose dict is the same object as last time encodes the same.
    Tables named in ``append_only`` (the audit log) only ever gain documents at the end, so
    their previous encoding is reused as a prefix and only new documents are encoded.
    """

    def __init__(self, append_only: tuple[str, ...] = ()) -> None:
        self.append_only = append_only
        self._whole: dict[str, tuple[Any, str]] = {}
        self._prefix: dict[str, tuple[int, Any, str]] = {}  # count, last doc object, "{...docs" without "}"

    def reset(self) -> None:
        self._whole.clear()
        self._prefix.clear()

    def _encode_table(self, name: str, table: Any) -> str:
        cached = self._whole.get(name)
        if cached is not None and cached[0] is table:
            return cached[1]
        if name in self.append_only and isinstance(table, dict):
            enc = self._encode_append_only(name, table)
        else:
            enc = _dumps(table)
        self._whole[name] = (table, enc)
        return enc

    def _encode_append_only(self, name: str, table: dict[str, Any]) -> str:
        keys = list(table)
        prev = self._prefix.get(name)
        start, prefix = 0, "{"
        if prev is not None:
            count, last_doc, body = prev
            if 0 < count <= len(keys) and table[keys[count - 1]] is last_doc:
                start, prefix = count, body
        parts = [f"{_dumps(k)}:{_dumps(table[k])}" for k in keys[start:]]
        if parts:
            body = prefix + ("," if start else "") + ",".join(parts)
        else:
            body = prefix
        if keys:
            self._prefix[name] = (len(keys), table[keys[-1]], body)
        return body + "}"

    def encode(self, data: dict[str, Any]) -> bytes:
        inner = ",".join(f"{_dumps(name)}:{self._encode_table(name, table)}" for name, table in data.items())
        return ("{" + inner + "}").encode("utf-8")


class AtomicJSONStorage(Storage):
    """TinyDB storage with atomic, durable writes and an in-memory copy of what is on disk.

    ``batch()`` groups several table operations into one durable write (a result and its audit
    entry land together or not at all). If a write fails, the in-memory copy is dropped and
    re-read from disk, so memory never shows data that is not saved.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        create: bool = False,
        readonly: bool = False,
        append_only: tuple[str, ...] = ("audit",),
    ) -> None:
        self.path = Path(path)
        self._encoder = _TableEncoder(append_only)
        self.readonly = readonly
        self._data: dict[str, Any] | None = None
        self._batch_depth = 0
        self._dirty = False
        self.writes = 0
        if not self.path.exists():
            if not create:
                raise InspectionError(f"检查文件不存在：{self.path}")
            atomic_write_bytes(self.path, encode({}))

    def _load(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raise InspectionError(f"检查文件不存在：{self.path}") from None
        except PermissionError:
            raise InspectionError(f"没有权限读取检查文件：{self.path}") from None
        if not raw.strip():
            raise CorruptInspection(f"检查文件为空，无法读取：{self.path}")
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise CorruptInspection(f"检查文件不是 UTF-8 文本（第 {exc.start} 字节）：{self.path}") from None
        except json.JSONDecodeError as exc:
            raise CorruptInspection(
                f"检查文件已损坏，无法解析（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）：{self.path}"
            ) from None
        if not isinstance(data, dict):
            raise CorruptInspection(f"检查文件格式不对（顶层不是对象）：{self.path}")
        return data

    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            self._data = self._load()
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        if self.readonly:
            raise InspectionError(f"检查文件以只读方式打开，不能保存：{self.path}")
        self._data = data
        if self._batch_depth:
            self._dirty = True
            return
        self._flush()

    def _flush(self) -> None:
        assert self._data is not None
        try:
            atomic_write_bytes(self.path, self._encoder.encode(self._data))
        except BaseException:
            self._data = None  # memory must not show what is not on disk
            self._encoder.reset()
            raise
        self.writes += 1
        self._dirty = False

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group writes: one durable write at the end, nothing written if the block fails."""
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            if self._batch_depth == 0:
                self._data = None
                self._dirty = False
                self._encoder.reset()
            raise
        self._batch_depth -= 1
        if self._batch_depth == 0 and self._dirty:
            self._flush()

    def discard(self) -> None:
        """Forget the in-memory copy (next read comes from disk)."""
        self._data = None
        self._encoder.reset()

    def close(self) -> None:
        self._data = None
