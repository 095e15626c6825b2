"""One inspection file on disk: the state on its first line, then the audit trail as a journal.

Layout (UTF-8, one JSON document per line)::

    line 1   the state as TinyDB tables: meta, checklist (the pinned snapshot), results,
             findings, any extra tables, and ``journal`` = {seq, head}: the audit entry the
             state was written at (the checkpoint)
    line 2…  the audit trail: entry 1, 2, … one per line. Entries after the checkpoint are
             the journal proper: each is appended and fsynced before the change it records
             is acknowledged

A save appends one line (one write + one fsync), so it costs the same on the 5,000th change
as on the first, and neither the snapshot nor the state is rewritten. *Compaction* writes a
new line 1 at the latest entry and replaces the whole file atomically (temp file, fsync,
rename): on close, and when the journal outgrows the state. Opening parses line 1 and only
the entries after the checkpoint, and replays them (:mod:`.replay`, the same code that
verifies a file); earlier entries are parsed when something asks for them. A last line that
is incomplete or unreadable is an append that was never acknowledged (the writer crashed
mid-write): readers ignore it and the next writer cuts it off. The inspection stays one file:
copying it at any moment copies a whole inspection (at worst without that last line).

A file written by an earlier release — one JSON object whose ``audit`` table holds the trail —
reads the same way (so does a bundle's inspection.json, written in that form on purpose); its
first change rewrites it in this layout.

TinyDB reads the state through :class:`JournalStorage`; changes never use TinyDB's write
path but :meth:`JournalStorage.commit`, so each one is exactly one entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from tinydb.storages import Storage

from ..errors import CorruptInspection, InspectionError
from ..fileio import FileFormatError, append_durable, atomic_write_bytes, load_json
from .replay import Replayer, State

COMPACT_MIN_BYTES = 256 * 1024  # a journal shorter than this is never worth a rewrite
LAYOUT = 2  # line 1 + one line per entry; 1 = one JSON object with an ``audit`` table


def compact_threshold(state_bytes: int) -> int:
    """Journal size at which the file is compacted: once the journal outgrows the state line."""
    env = os.environ.get("FZZF_COMPACT_BYTES")
    if env and env.isdigit():
        return int(env)
    return max(COMPACT_MIN_BYTES, state_bytes)


def dumps(data: Any) -> str:
    # ensure_ascii=False keeps Chinese readable; JSON escapes newlines, so one document = one line
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def encode(data: Any) -> bytes:
    return dumps(data).encode("utf-8")


def encode_file(tables: Mapping[str, Any]) -> bytes:
    """One JSON object holding every table, audit included: a bundle's inspection.json (and the
    layout an earlier release wrote, which every reader still accepts)."""
    return (dumps(tables) + "\n").encode("utf-8")


class EntryLog(Sequence[dict[str, Any]]):
    """The audit entries of a file, parsed from their lines only when asked for."""

    def __init__(self, raw: bytes = b"", spans: list[tuple[int, int]] | None = None, where: str = "",
                 max_depth: int | None = None, parsed: list[dict[str, Any] | None] | None = None) -> None:
        self._raw = raw
        self._spans: list[tuple[int, int] | None] = list(spans or [])
        self._parsed: list[dict[str, Any] | None] = parsed if parsed is not None else [None] * len(self._spans)
        self._where = where
        self._max_depth = max_depth

    @classmethod
    def of(cls, entries: list[dict[str, Any]]) -> "EntryLog":
        log = cls()
        for e in entries:
            log.append(e)
        return log

    def __len__(self) -> int:
        return len(self._parsed)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        entry = self._parsed[index]
        if entry is None:
            span = self._spans[index]
            assert span is not None
            try:
                entry = load_json(self._raw[span[0]:span[1]], "审计记录", self._max_depth)
                if not isinstance(entry, dict):
                    raise FileFormatError("审计记录不是对象")
            except FileFormatError:
                raise CorruptInspection(f"检查文件第 {index + 2} 行（审计记录第 {index + 1} 条）已损坏，无法读取：{self._where}") from None
            self._parsed[index] = entry
        return entry

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(len(self)):
            yield self[i]

    def append(self, entry: dict[str, Any]) -> None:
        self._parsed.append(entry)
        self._spans.append(None)

    def line(self, index: int) -> bytes:
        """Entry ``index`` as one line (its stored bytes when it came from the file)."""
        span = self._spans[index]
        if span is not None:
            return self._raw[span[0]:span[1] + 1]
        return (dumps(self[index]) + "\n").encode("utf-8")

    def rebase(self, raw: bytes, spans: list[tuple[int, int]]) -> None:
        """After a rewrite: the same entries, now at ``spans`` of ``raw``."""
        self._raw, self._spans = raw, list(spans)


@dataclass
class Image:
    """A parsed inspection file."""

    base: dict[str, Any]  # line 1 (or the whole object of layout 1)
    log: EntryLog  # every entry, in file order
    checkpoint: int  # entries folded into ``base``'s state
    state_bytes: int  # length of line 1 (layout 2)
    valid_end: int  # offset just past the last complete, readable line
    size: int
    layout: int = LAYOUT
    sha256: str = ""  # of the bytes read
    journal_start: int = 0  # offset of the first entry after the checkpoint (= valid_end if none)

    @property
    def torn(self) -> int:
        """Bytes after the last good line: an append that was never acknowledged."""
        return self.size - self.valid_end

    @property
    def journal(self) -> list[dict[str, Any]]:
        return [self.log[i] for i in range(self.checkpoint, len(self.log))]


def _int_key(k: str) -> Any:
    try:
        return (0, int(k))
    except (TypeError, ValueError):
        return (1, str(k))


def _path_last(message: str, where: str) -> str:
    """Store messages end with the file (the CLI and consolidation rely on it)."""
    text = message.replace(f"检查文件 {where} ", "检查文件")
    return f"{text}：{where}"


def _layout1(base: dict[str, Any], size: int, where: str) -> Image:
    raw_audit = base.pop("audit", None) or {}
    if not isinstance(raw_audit, dict):
        raise CorruptInspection(f"审计记录（audit）格式不对：{where}")
    entries = [raw_audit[k] for k in sorted(raw_audit, key=_int_key)]
    if not all(isinstance(e, dict) for e in entries):
        raise CorruptInspection(f"审计记录（audit）格式不对：{where}")
    return Image(base, EntryLog.of(entries), len(entries), size, size, size, layout=1, journal_start=size)


def parse_image(raw: bytes, where: str, max_depth: int | None = None) -> Image:
    """Split a file into its state and its entries; refuse what cannot be an inspection file."""
    if not raw.strip():
        raise CorruptInspection(f"检查文件为空，无法读取：{where}")
    end = raw.find(b"\n")
    first = raw if end < 0 else raw[:end]
    try:
        base = load_json(first, f"检查文件 {where}", max_depth)
    except FileFormatError as exc:
        if end < 0:
            raise CorruptInspection(_path_last(str(exc), where)) from None
        try:  # one JSON object written with line breaks (by hand, pretty-printed)
            base = load_json(raw, f"检查文件 {where}", max_depth)
        except FileFormatError:
            raise CorruptInspection(_path_last(str(exc), where)) from None
        end = -1
    if not isinstance(base, dict):
        raise CorruptInspection(f"检查文件格式不对（顶层不是对象）：{where}")
    if "journal" not in base:
        if end >= 0 and raw[end + 1:].strip():
            raise CorruptInspection(f"检查文件第 1 行之后有多余内容，无法读取：{where}")
        return _layout1(base, len(raw), where)
    mark = base.pop("journal")
    try:
        doc = mark["1"]
        checkpoint, head = int(doc["seq"]), str(doc["head"])
        if int(doc.get("layout", LAYOUT)) != LAYOUT:
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise CorruptInspection(f"检查文件的日志标记（journal）不对，无法读取：{where}") from None
    spans: list[tuple[int, int]] = []
    pos = end + 1
    valid_end = pos
    while pos < len(raw):
        nl = raw.find(b"\n", pos)
        if nl < 0:
            break  # no line end: an append cut short
        spans.append((pos, nl))
        pos = nl + 1
    log = EntryLog(raw, spans, where, max_depth)
    if len(spans) < checkpoint:
        raise CorruptInspection(f"检查文件缺少审计记录（应有至少 {checkpoint} 条，只有 {len(spans)} 条）：{where}")
    # the entries after the checkpoint are parsed now; a bad one may only be the very last line
    good = len(spans)
    for i in range(checkpoint, len(spans)):
        try:
            log[i]
        except CorruptInspection:
            if i < len(spans) - 1:
                raise CorruptInspection(f"检查文件第 {i + 2} 行已损坏，无法读取（其后还有记录）：{where}") from None
            good = i
    if good < len(spans):
        spans = spans[:good]
        log = EntryLog(raw, spans, where, max_depth, log._parsed[:good])
    if spans:
        valid_end = spans[-1][1] + 1
    if checkpoint and str(log[checkpoint - 1].get("hash")) != head:
        raise CorruptInspection(f"检查文件第 1 行与审计记录第 {checkpoint} 条不符（文件被改动或损坏）：{where}")
    journal_start = spans[checkpoint][0] if checkpoint < len(spans) else valid_end
    return Image(base, log, checkpoint, end + 1, valid_end, len(raw), journal_start=journal_start)


def read_image(path: Path, max_depth: int | None = None) -> tuple[Image, os.stat_result]:
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            raw = f.read()
    except FileNotFoundError:
        raise InspectionError(f"检查文件不存在：{path}") from None
    except PermissionError:
        raise InspectionError(f"没有权限读取检查文件：{path}") from None
    except IsADirectoryError:
        raise InspectionError(f"不是检查文件（是文件夹）：{path}") from None
    image = parse_image(raw, str(path), max_depth)
    image.sha256 = hashlib.sha256(raw).hexdigest()
    return image, st


@dataclass
class Loaded:
    """A file's state after its journal is replayed: what every reader works from."""

    image: Image
    state: State
    checklist_doc: dict[str, Any]
    replayer: Replayer
    stat: os.stat_result | None = None

    @property
    def entries(self) -> EntryLog:
        return self.replayer.entries  # type: ignore[return-value]

    @property
    def head(self) -> str:
        return str(self.entries[-1].get("hash", "")) if len(self.entries) else ""

    def state_tables(self) -> dict[str, Any]:
        out = self.state.to_tables()
        out["checklist"] = {"1": self.checklist_doc}
        return out

    def tables(self) -> dict[str, Any]:
        """The whole inspection as TinyDB tables, the audit trail as table ``audit``."""
        out = self.state_tables()
        out["audit"] = {str(i): e for i, e in enumerate(self.entries, start=1)}
        return out

    def file_bytes(self) -> tuple[bytes, list[tuple[int, int]]]:
        """A compacted file (layout 2) holding this state, and where its entry lines are."""
        tables = self.state_tables()
        n = len(self.entries)
        tables["journal"] = {"1": {"layout": LAYOUT, "seq": n, "head": self.head}}
        parts = [(dumps(tables) + "\n").encode("utf-8")]
        spans = []
        pos = len(parts[0])
        for i in range(n):
            line = self.entries.line(i)
            spans.append((pos, pos + len(line) - 1))
            pos += len(line)
            parts.append(line)
        return b"".join(parts), spans


def load(image: Image, where: str, stat: os.stat_result | None = None) -> Loaded:
    """Replay the entries after ``image``'s checkpoint onto its state."""
    base = image.base
    try:
        state = State.from_tables(base)
    except (ValueError, TypeError, AttributeError) as exc:
        raise CorruptInspection(f"检查文件内容不完整（{exc}）：{where}") from None
    checklist_doc = (base.get("checklist") or {}).get("1") if isinstance(base.get("checklist"), dict) else None
    if not isinstance(checklist_doc, dict):
        checklist_doc = {}
    log = image.log
    tail = [log[i] for i in range(image.checkpoint, len(log))]
    replayer = Replayer(state, EntryLog(log._raw, log._spans[: image.checkpoint], where, log._max_depth,
                                        log._parsed[: image.checkpoint]))
    prev = log[image.checkpoint - 1] if image.checkpoint else None
    for entry in tail:
        if prev is not None and (entry.get("seq") != _seq(prev) + 1 or entry.get("prev") != prev.get("hash")):
            raise CorruptInspection(
                f"检查文件的审计记录第 {entry.get('seq')} 条与上一条衔接不上（文件被改动或损坏）：{where}"
            )
        try:
            replayer.feed(entry)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise CorruptInspection(f"检查文件的审计记录第 {entry.get('seq')} 条无法重放（{exc}）：{where}") from None
        prev = entry
    replayer.entries._spans[image.checkpoint:] = log._spans[image.checkpoint:]  # type: ignore[attr-defined]
    return Loaded(image, replayer.state, checklist_doc, replayer, stat)


def _seq(entry: Mapping[str, Any]) -> int:
    try:
        return int(entry.get("seq"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return -1


def load_file(path: Path, max_depth: int | None = None) -> Loaded:
    image, st = read_image(path, max_depth)
    return load(image, str(path), st)


def load_tables(tables: Mapping[str, Any], where: str) -> Loaded:
    """Load an inspection given as TinyDB tables with an ``audit`` table (a bundle's content)."""
    return load(_layout1(dict(tables), 0, where), where)


class JournalStorage(Storage):
    """TinyDB storage over an inspection file: reads the replayed state, appends entries.

    ``derive`` (set by the owner) returns meta fields that are caches of the state (the list
    summary); they are written only when the file is compacted.
    """

    def __init__(self, path: str | os.PathLike[str], readonly: bool = False, max_depth: int | None = None) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.loaded = load_file(self.path, max_depth)
        image = self.loaded.image
        self.derive: Callable[[], Mapping[str, Any]] | None = None
        self._fd: int | None = None
        self._state_bytes = image.state_bytes
        self._size = image.valid_end  # what the file holds once a torn tail is cut
        self._journal_start = image.journal_start
        self._rewrite_needed = image.layout != LAYOUT
        self._cut_at: int | None = image.valid_end if image.torn else None
        self._tables: dict[str, Any] | None = None
        self.sha256 = image.sha256 if not image.torn else ""
        self.appends = 0
        self.compactions = 0
        if not readonly and self._cut_at is not None:
            self._cut_torn_tail()

    # -- reading -----------------------------------------------------------------------------
    @property
    def state(self) -> State:
        return self.loaded.state

    @property
    def entries(self) -> EntryLog:
        return self.loaded.entries

    @property
    def head(self) -> str:
        return self.loaded.head

    def lookup(self, seq: int) -> Mapping[str, Any] | None:
        return self.loaded.replayer.lookup(seq)

    def read(self) -> dict[str, Any]:
        if self._tables is None:
            self._tables = self.loaded.tables()
        return self._tables

    def write(self, data: dict[str, Any]) -> None:
        raise InspectionError("检查数据只能通过审计记录修改（Inspection._write / bulk_apply）")

    @property
    def journal_bytes(self) -> int:
        """Bytes of entries appended since the state line was written."""
        return self._size - self._journal_start

    @property
    def needs_compaction(self) -> bool:
        return self.journal_bytes > 0

    # -- writing -----------------------------------------------------------------------------
    def _require_writable(self) -> None:
        if self.readonly:
            raise InspectionError(f"检查文件以只读方式打开，不能保存：{self.path}")

    def _open_fd(self) -> int:
        if self._fd is None:
            flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0)
            try:
                self._fd = os.open(str(self.path), flags)
            except FileNotFoundError:
                raise InspectionError(f"检查文件不存在（被移走或删除？）：{self.path}") from None
        return self._fd

    def _close_fd(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError:
                pass

    def _cut_torn_tail(self) -> None:
        """Remove an unacknowledged partial append so the next line starts clean."""
        if self._cut_at is None:
            return
        fd = os.open(str(self.path), os.O_WRONLY | getattr(os, "O_BINARY", 0))
        try:
            os.ftruncate(fd, self._cut_at)
            os.fsync(fd)
        finally:
            os.close(fd)
        self._cut_at = None

    def commit(self, entry: dict[str, Any], rewrite: bool = False) -> None:
        """Make ``entry`` durable, then apply it to the state (the same replay step as opening).

        Raises, with nothing changed in memory, if it could not be written. ``rewrite`` (or a
        file of an earlier layout) writes it by compaction instead of appending.
        """
        self._require_writable()
        if rewrite or self._rewrite_needed:
            state = self.state.copy()
            log = self.entries
            trial = Loaded(self.loaded.image, state, self.loaded.checklist_doc,
                           Replayer(state, EntryLog(log._raw, log._spans, str(self.path), None, list(log._parsed))),
                           self.loaded.stat)
            trial.replayer.feed(entry)
            self._write_compacted(trial)
            self.loaded = trial
            self._tables = None
            self._rewrite_needed = False
            return
        line = (dumps(entry) + "\n").encode("utf-8")
        try:
            self._cut_torn_tail()
            append_durable(self._open_fd(), line)
        except BaseException:
            # part of the line may be on disk: cut it off before anything else is appended
            self._cut_at = self._size
            self._close_fd()
            try:
                self._cut_torn_tail()
            except OSError:
                pass
            raise
        self.appends += 1
        self._size += len(line)
        self.sha256 = ""
        self.loaded.replayer.feed(entry)
        self._tables = None
        if self.journal_bytes > compact_threshold(self._state_bytes):
            try:
                self.compact()
            except OSError:
                pass  # the change is durable in the journal; compaction is retried later

    def _write_compacted(self, loaded: Loaded) -> None:
        if self.derive is not None:
            loaded.state.meta.update(self.derive())
        data, spans = loaded.file_bytes()
        self._close_fd()  # Windows cannot replace a file we hold open
        atomic_write_bytes(self.path, data)
        loaded.entries.rebase(data, spans)
        self._state_bytes = spans[0][0] if spans else len(data)
        self._size = self._journal_start = len(data)
        self._cut_at = None
        self.sha256 = hashlib.sha256(data).hexdigest()  # what the file now holds (for trust)
        self.compactions += 1

    def compact(self) -> None:
        """Write a new state line at the latest entry (atomic rewrite of the whole file)."""
        self._require_writable()
        self._write_compacted(self.loaded)
        self._tables = None

    def close(self) -> None:
        self._close_fd()


def write_new(path: Path, tables: Mapping[str, Any], first: dict[str, Any]) -> None:
    """Write a new inspection file: ``tables`` (the state) at its first entry ``first``."""
    loaded = Loaded(Image({}, EntryLog(), 0, 0, 0, 0), State.from_tables(tables), dict(tables["checklist"]["1"]),
                    Replayer(None, EntryLog.of([first])))
    atomic_write_bytes(path, loaded.file_bytes()[0])


__all__ = [
    "COMPACT_MIN_BYTES", "EntryLog", "Image", "JournalStorage", "LAYOUT", "Loaded", "compact_threshold", "dumps",
    "encode", "encode_file", "load", "load_file", "load_tables", "parse_image", "read_image", "write_new",
]
