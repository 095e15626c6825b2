"""Evidence custody (佐证材料): a content-addressed store of files beside the inspection files.

A file attached as evidence is copied, while its SHA-256 is computed, into

    <folder of the inspection file>/evidence/<sha256[:2]>/<sha256><.ext>

so the same photo is stored once however often (and to however many findings, items or
inspections of that folder) it is attached, and moving, changing or deleting the original
changes nothing. The record (a finding's ``evidence`` or an item result's ``evidence``) keeps
the file's name, size and SHA-256 and where it came from; it is changed only through the
inspection's journalled write path, so audit, undo and ``fzzf verify`` cover it.

Evidence recorded by earlier releases (a typed path, hashed but not copied) keeps working:
:func:`locate` finds a file by its hash in the store first, then at the recorded path, then in
the folder a bundle import put it in. :func:`collect` copies such files into the store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..errors import InvalidValue
from ..fileio import check_text, fsync_dir, replace_with_retry
from .findings import Evidence, Finding, file_sha256

STORE_DIR = "evidence"
CHUNK = 1 << 20
DEFAULT_MAX_MB = 200  # one file; FZZF_EVIDENCE_MAX_MB changes it
MAX_TOTAL_BYTES = 1536 * 1024**2  # all files of one inspection: a bundle must still fit its 2 GB limit
MAX_PER_RECORD = 200  # files on one finding or item
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif"}
_SUFFIX = re.compile(r"\.[0-9A-Za-z]{1,10}$")
_SHA = re.compile(r"[0-9a-f]{64}")


def max_file_bytes() -> int:
    raw = os.environ.get("FZZF_EVIDENCE_MAX_MB", "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int(max(mb, 0.001) * 1024**2)


def human_size(n: int | None) -> str:
    if n is None:
        return "大小未知"
    if n < 1024:
        return f"{n} 字节"
    for unit, scale in (("KB", 1024), ("MB", 1024**2), ("GB", 1024**3)):
        if n < scale * 1024 or unit == "GB":
            return f"{n / scale:.1f} {unit}"
    return f"{n} 字节"  # pragma: no cover


def store_root(inspection_path: str | os.PathLike[str]) -> Path:
    """The evidence store of the folder holding ``inspection_path``."""
    return Path(inspection_path).parent / STORE_DIR


def display_name(ev: Evidence) -> str:
    return ev.name or re.split(r"[\\/]", ev.path)[-1] or "文件"


def _suffix(name: str) -> str:
    m = _SUFFIX.search(name)
    return m.group(0).lower() if m else ""


class EvidenceStore:
    """The content-addressed files of one folder of inspections."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    @classmethod
    def beside(cls, inspection_path: str | os.PathLike[str]) -> "EvidenceStore":
        return cls(store_root(inspection_path))

    def path_for(self, sha256: str, name: str = "") -> Path:
        return self.root / sha256[:2] / f"{sha256}{_suffix(name)}"

    def find(self, sha256: str, name: str = "") -> Path | None:
        """The stored file with this hash (any suffix), None if it is not in the store."""
        if not _SHA.fullmatch(sha256 or ""):
            return None
        first = self.path_for(sha256, name)
        if first.is_file():
            return first
        folder = self.root / sha256[:2]
        with contextlib.suppress(OSError):
            for p in folder.iterdir():
                if p.name.startswith(sha256) and p.is_file() and not p.name.startswith("."):
                    return p
        return None

    def add(self, source: str | os.PathLike[str], text: str = "") -> Evidence:
        """Copy ``source`` into the store (hashing it on the way) and return its reference.

        Raises :class:`InvalidValue` (in Chinese, naming the file) for a missing, empty,
        special or too large file; nothing is left behind then.
        """
        src = Path(source).expanduser()
        limit = max_file_bytes()
        try:
            st = src.stat()
        except FileNotFoundError:
            raise InvalidValue(f"佐证材料文件不存在：{src}") from None
        except OSError as exc:
            raise InvalidValue(f"无法读取佐证材料文件 {src}：{exc.strerror or exc}") from None
        if stat.S_ISDIR(st.st_mode):
            raise InvalidValue(f"佐证材料应为文件，不是文件夹：{src}")
        if not stat.S_ISREG(st.st_mode):
            raise InvalidValue(f"佐证材料应为普通文件（不能是设备或管道）：{src}")
        if st.st_size == 0:
            raise InvalidValue(f"佐证材料文件是空的（0 字节），请检查是否选错：{src}")
        if st.st_size > limit:
            raise InvalidValue(
                f"佐证材料文件过大：{src.name} 为 {human_size(st.st_size)}，单个文件不能超过 {human_size(limit)}。"
                "视频等大文件请压缩或截取后再添加（上限可用环境变量 FZZF_EVIDENCE_MAX_MB 调整）")
        check_text(text, "佐证材料说明")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidValue(f"无法创建佐证材料库 {self.root}：{exc.strerror or exc}") from None
        tmp = self.root / f".copy.{os.getpid()}.{id(self):x}.tmp"  # a killed copy is swept (fileio)
        try:
            h = hashlib.sha256()
            size = 0
            try:
                with src.open("rb") as fin, tmp.open("wb") as fout:
                    for chunk in iter(lambda: fin.read(CHUNK), b""):
                        size += len(chunk)
                        if size > limit:
                            raise InvalidValue(f"佐证材料文件过大（复制时超过 {human_size(limit)}）：{src}")
                        h.update(chunk)
                        fout.write(chunk)
                    fout.flush()
                    os.fsync(fout.fileno())
            except OSError as exc:
                raise InvalidValue(f"无法复制佐证材料文件 {src}：{exc.strerror or exc}") from None
            digest = h.hexdigest()
            existing = self.find(digest, src.name)
            if existing is None:
                dest = self.path_for(digest, src.name)
                dest.parent.mkdir(parents=True, exist_ok=True)
                replace_with_retry(tmp, dest)
                with contextlib.suppress(OSError):
                    os.chmod(dest, 0o444)  # a stored copy is never edited in place
                fsync_dir(dest.parent)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        try:
            original = str(src.resolve())
        except OSError:
            original = str(src)
        return Evidence(text=text, path=original, size=size, sha256=digest, name=src.name, stored=True)

    def check(self, ev: Evidence) -> str | None:
        """None when the stored copy is there and intact, else what is wrong (Chinese)."""
        found = self.find(ev.sha256, display_name(ev))
        if found is None:
            return f"佐证材料库中缺少文件：{display_name(ev)}（SHA-256 {ev.sha256[:12]}…）"
        try:
            digest, _ = file_sha256(found)
        except OSError as exc:
            return f"佐证材料 {found} 无法读取：{exc.strerror or exc}"
        if digest != ev.sha256:
            return f"佐证材料库中的文件已被改动（SHA-256 不符）：{found}"
        return None


# -- finding the bytes of a reference -------------------------------------------------------------
def _legacy_folder(inspection_id: str) -> Path:
    from .. import locations

    return locations.evidence_dir() / inspection_id


def locate(ev: Evidence, inspection_path: str | os.PathLike[str] | None, inspection_id: str = "",
           check: bool = True) -> Path | None:
    """The local file holding ``ev``: the store beside the inspection, else the recorded path,
    else the folder an earlier bundle import used. With ``check`` the SHA-256 must match."""
    if not ev.is_file:
        return None
    candidates: list[Path] = []
    if inspection_path is not None:
        stored = EvidenceStore.beside(inspection_path).find(ev.sha256, display_name(ev))
        if stored is not None:
            candidates.append(stored)
    candidates.append(Path(ev.path))
    if inspection_id:
        folder = _legacy_folder(inspection_id)
        try:
            index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
            entry = (index.get("files") or {}).get(ev.sha256) if isinstance(index, dict) else None
        except (OSError, ValueError, AttributeError):
            entry = None
        if isinstance(entry, dict) and entry.get("file"):
            candidates.append(folder / Path(str(entry["file"])).name)
    for path in candidates:
        try:
            if path.is_file() and (not check or file_sha256(path)[0] == ev.sha256):
                return path
        except OSError:
            continue
    return None


# -- what is attached -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Attached:
    """One evidence file and what it is attached to (for lists and exports)."""

    evidence: Evidence
    item_code: str | None
    finding: Finding | None = None

    @property
    def owner(self) -> str:
        if self.finding is not None:
            return f"问题：{_short(self.finding.description, 16)}"
        return f"指标 {self.item_code}"


def _short(text: str, n: int) -> str:
    s = " ".join((text or "").split())
    return s if len(s) <= n else s[:n] + "…"


def file_evidence(evidence: Iterable[Evidence]) -> list[Evidence]:
    return [e for e in evidence if e.is_file]


def attached(results: dict[str, Any], findings: Sequence[Finding], order: Sequence[str] = ()) -> list[Attached]:
    """Every evidence file of an inspection: items (in ``order``), then findings."""
    out: list[Attached] = []
    codes = list(order) or sorted(results)
    for code in codes:
        r = results.get(code)
        for ev in getattr(r, "evidence", ()) or ():
            if ev.is_file:
                out.append(Attached(ev, code))
    for f in findings:
        for ev in f.evidence:
            if ev.is_file:
                out.append(Attached(ev, f.item_code, f))
    return out


def total_bytes(items: Iterable[Attached]) -> int:
    seen: dict[str, int] = {}
    for a in items:
        seen[a.evidence.sha256] = a.evidence.size or 0
    return sum(seen.values())


def check_total(ins: Any, new: Sequence[Evidence]) -> None:
    have = attached(ins.results(), ins.findings())
    known = {a.evidence.sha256 for a in have}
    total = total_bytes(have) + sum(e.size or 0 for e in {e.sha256: e for e in new if e.sha256 not in known}.values())
    if total > MAX_TOTAL_BYTES:
        raise InvalidValue(
            f"本检查的佐证材料合计将达 {human_size(total)}，超过 {human_size(MAX_TOTAL_BYTES)} 的上限"
            "（数据包须能拷贝和导入）。请压缩照片或只保留必要的文件")


# -- item evidence (佐证 for met indicators), through the journalled write path -------------------
def _item_result(ins: Any, code: str):
    from .scoring import Result

    ins._require_writable()
    ins._leaf(code)
    old = ins.result(code)
    return old, (old or Result(code))


def set_item_evidence(ins: Any, code: str, evidence: Sequence[Evidence]) -> Any:
    """Replace the evidence list of a leaf item (one audited, undoable ``evidence`` entry)."""
    from .scoring import Result
    from .store import now_iso

    old, base = _item_result(ins, code)
    evidence = tuple(evidence)
    if len(file_evidence(evidence)) > MAX_PER_RECORD:
        raise InvalidValue(f"一个指标最多附 {MAX_PER_RECORD} 份佐证材料")
    for e in evidence:
        check_text(e.text, "佐证材料说明")
    if base.evidence == evidence:
        return base
    check_total(ins, evidence)
    new = Result(base.code, base.value, base.na, base.na_reason, base.note, ins.who, now_iso(), evidence)
    ins._write("evidence", code, old.to_dict() if old else None, new.to_dict(), lambda: ins._put_result(new, code))
    return new


def add_item_evidence(ins: Any, code: str, files: Iterable[str | os.PathLike[str]], text: str = "") -> list[Evidence]:
    """Copy ``files`` into the store and attach them to item ``code``; returns the new references
    (a file already attached to the item is not attached twice)."""
    old, base = _item_result(ins, code)
    store = EvidenceStore.beside(ins.path)
    added = [store.add(f, text) for f in files]
    have = {e.sha256 for e in base.evidence if e.is_file}
    fresh: list[Evidence] = []
    for e in added:
        if e.sha256 not in have:
            have.add(e.sha256)
            fresh.append(e)
    if fresh:
        set_item_evidence(ins, code, (*base.evidence, *fresh))
    return fresh


def remove_item_evidence(ins: Any, code: str, sha256: str) -> Evidence:
    """Detach one file (by SHA-256 or an unambiguous prefix) from item ``code``; the stored
    copy stays (other records or the audit trail may refer to it)."""
    old, base = _item_result(ins, code)
    matches = [e for e in base.evidence if e.is_file and e.sha256.startswith(sha256.lower())] if sha256 else []
    if len(matches) != 1:
        raise InvalidValue(f"指标 {code} 没有{'唯一' if matches else ''}哈希以“{sha256}”开头的佐证材料")
    gone = matches[0]
    set_item_evidence(ins, code, tuple(e for e in base.evidence if e is not gone))
    return gone


def add_finding_evidence(ins: Any, finding_id: str, files: Iterable[str | os.PathLike[str]], text: str = "") -> list[Evidence]:
    """Copy ``files`` into the store and attach them to a finding (a ``finding.update``)."""
    finding = ins.finding(finding_id)
    store = EvidenceStore.beside(ins.path)
    have = {e.sha256 for e in finding.evidence if e.is_file}
    fresh: list[Evidence] = []
    for e in (store.add(f, text) for f in files):
        if e.sha256 not in have:
            have.add(e.sha256)
            fresh.append(e)
    if fresh:
        if len(file_evidence(finding.evidence)) + len(fresh) > MAX_PER_RECORD:
            raise InvalidValue(f"一个问题最多附 {MAX_PER_RECORD} 份佐证材料")
        check_total(ins, fresh)
        ins.update_finding(finding.id, evidence=(*finding.evidence, *fresh))
    return fresh


def collect(ins: Any) -> tuple[int, list[str]]:
    """Copy every referenced file not yet in the store (evidence of earlier releases) into it.

    The records do not change (the store is addressed by hash). Returns how many files were
    copied and the names of those that could not be found with their recorded hash."""
    store = EvidenceStore.beside(ins.path)
    copied, missing = 0, []
    seen: set[str] = set()
    for a in attached(ins.results(), ins.findings()):
        ev = a.evidence
        if ev.sha256 in seen:
            continue
        seen.add(ev.sha256)
        if store.find(ev.sha256, display_name(ev)) is not None:
            continue
        found = locate(ev, None, ins.id)
        if found is None:
            missing.append(display_name(ev))
            continue
        stored = store.add(found)
        if stored.sha256 != ev.sha256:  # changed between the check and the copy
            missing.append(display_name(ev))
            continue
        copied += 1
    return copied, missing


# -- photos: size and date from the file header (stdlib only) ------------------------------------
@dataclass(frozen=True)
class ImageInfo:
    kind: str
    width: int
    height: int
    taken: str = ""  # EXIF DateTimeOriginal as YYYY-MM-DD HH:MM:SS

    def describe(self) -> str:
        text = f"{self.kind} {self.width}×{self.height}"
        return text + (f"，拍摄于 {self.taken}" if self.taken else "")


def image_info(path: str | os.PathLike[str]) -> ImageInfo | None:
    """Pixel size (and EXIF date for JPEG) of a PNG, JPEG or GIF; None for anything else.
    Reads only the header (bounded), never the whole image."""
    try:
        with open(path, "rb") as f:
            head = f.read(32)
            if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
                w, h = struct.unpack(">II", head[16:24])
                return ImageInfo("PNG", w, h)
            if head[:6] in (b"GIF87a", b"GIF89a"):
                w, h = struct.unpack("<HH", head[6:10])
                return ImageInfo("GIF", w, h)
            if head[:2] == b"\xff\xd8":
                f.seek(2)
                return _jpeg_info(f)
    except (OSError, struct.error, ValueError):
        return None
    return None


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_info(f: Any) -> ImageInfo | None:
    taken = ""
    for _ in range(256):  # segments before the frame header; bounded
        marker = f.read(2)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        code = marker[1]
        while code == 0xFF:  # fill bytes
            code = f.read(1)[0]
        if code in (0xD8, 0x01) or 0xD0 <= code <= 0xD7:
            continue
        if code in (0xD9, 0xDA):
            return None
        length = struct.unpack(">H", f.read(2))[0]
        if length < 2:
            return None
        if code in _SOF:
            data = f.read(5)
            h, w = struct.unpack(">HH", data[1:5])
            return ImageInfo("JPEG", w, h, taken)
        if code == 0xE1 and not taken:
            data = f.read(length - 2)
            taken = _exif_date(data)
            continue
        f.seek(length - 2, 1)
    return None


def _exif_date(data: bytes) -> str:
    if not data.startswith(b"Exif\x00\x00"):
        return ""
    tiff = data[6:]
    if tiff[:2] == b"II":
        end = "<"
    elif tiff[:2] == b"MM":
        end = ">"
    else:
        return ""

    def ifd(offset: int) -> dict[int, tuple[int, int, int]]:
        out: dict[int, tuple[int, int, int]] = {}
        if offset + 2 > len(tiff):
            return out
        count = struct.unpack(end + "H", tiff[offset:offset + 2])[0]
        for i in range(min(count, 512)):
            at = offset + 2 + 12 * i
            if at + 12 > len(tiff):
                break
            tag, typ, n = struct.unpack(end + "HHI", tiff[at:at + 8])
            value = struct.unpack(end + "I", tiff[at + 8:at + 12])[0]
            out[tag] = (typ, n, value)
        return out

    def text(entry: tuple[int, int, int] | None) -> str:
        if entry is None or entry[0] != 2 or entry[1] < 19:
            return ""
        raw = tiff[entry[2]:entry[2] + 19]
        s = raw.decode("ascii", "replace")
        if not re.fullmatch(r"\d{4}:\d\d:\d\d \d\d:\d\d:\d\d", s):
            return ""
        return s[:10].replace(":", "-") + s[10:]

    try:
        first = struct.unpack(end + "I", tiff[4:8])[0]
        ifd0 = ifd(first)
        sub = ifd0.get(0x8769)
        exif = ifd(sub[2]) if sub else {}
        return text(exif.get(0x9003)) or text(exif.get(0x9004)) or text(ifd0.get(0x0132))
    except struct.error:
        return ""


def describe_file(ev: Evidence, path: Path | None = None, short: bool = False) -> str:
    """“现场照片.jpg（2.1 MB，JPEG 4032×3024，拍摄于 2026-05-12 10:31:02）” (``short``: no date)."""
    parts = [human_size(ev.size)]
    if path is not None and _suffix(display_name(ev)) in IMAGE_SUFFIXES | {""}:
        info = image_info(path)
        if info is not None:
            parts.append(f"{info.kind} {info.width}×{info.height}" if short else info.describe())
    if path is None:
        parts.append("文件缺失")
    return f"{display_name(ev)}（{'，'.join(parts)}）"


__all__ = [
    "Attached", "EvidenceStore", "ImageInfo", "MAX_TOTAL_BYTES", "STORE_DIR", "add_finding_evidence",
    "add_item_evidence", "attached", "collect", "describe_file", "display_name", "file_evidence", "human_size",
    "image_info", "locate", "max_file_bytes", "remove_item_evidence", "set_item_evidence", "store_root",
]
