"""The lossless transfer bundle: one inspection and its evidence files in one zip, for the
USB stick or mail to the 督察办, and its safe import on the other side.

Layout (``fzzf-bundle/1``)::

    manifest.json               format, generator, export time, the inspection's id, unit, type,
                                date, status, checklist id/hash, the SHA-256 of inspection.json,
                                every evidence file (sha256, size, zip name, original paths) and
                                any evidence that could not be included (``missing``)
    inspection.json             the whole inspection as one JSON object: tables meta, checklist
                                (snapshot), results, findings, audit (the hash chain; each entry
                                says what it changed), extra tables — the layout every release
                                reads
    evidence/<sha256>/<name>    each referenced evidence file once, under its content hash
    README.txt                  a note for whoever opens the zip by hand

Import never trusts the zip: entry names are checked (no absolute paths, ``..``, drive letters,
backslashes, links or unknown entries); only stored or deflated entries are read; the entry
count and total uncompressed size are limited (:mod:`zipfile` never returns more than an
entry's declared size); inspection.json must match the manifest hash, and its audit chain,
seal and checklist hash must verify; each evidence file must match the SHA-256 its finding
or item records. Evidence references are kept unchanged (they are covered by the seal and the
audit trail); the files go into the evidence store beside the imported inspection
(:mod:`fzzf_tui.inspection.evidence`), where :func:`find_evidence` looks first. Bundles carry
the evidence of findings and of items (佐证 for met indicators).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Iterable

from .. import __version__, locations
from ..errors import ExportError
from ..inspection import Evidence, Finding, Inspection, InspectionStore, Result, read_summary
from ..inspection.lock import InspectionLock
from ..fileio import FileFormatError, atomic_write_bytes, fsync_dir, load_json
from ..inspection import trust
from ..inspection.storage import encode_file, load_file, load_tables
from ..inspection.folder import safe_filename
from ..inspection.status import FILE_FORMAT, SUFFIX
from ..inspection.verify import verify_tables
from ..inspection.findings import file_sha256
from ..inspection import evidence as evidence_mod
from .data import InspectionData

BUNDLE_FORMAT = "fzzf-bundle/1"
MANIFEST, INSPECTION, README = "manifest.json", "inspection.json", "README.txt"
EVIDENCE_DIR = "evidence"
INDEX = "index.json"

MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 2 * 1024**3  # all entries uncompressed
MAX_INSPECTION_BYTES = 256 * 1024**2
MAX_SMALL_BYTES = 8 * 1024**2  # manifest, README
CHUNK = 1 << 20

_EVIDENCE_NAME = re.compile(r"evidence/([0-9a-f]{64})/([^/\\:\x00-\x1f]{1,200})")
_SAFE_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}")
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')

README_TEXT = """本文件是 fzzf（法治政府建设督察工具）导出的检查数据包。

inspection.json  检查的全部数据：检查信息、清单快照、评分、问题、审计记录（哈希链）
evidence/        问题和指标所附的佐证材料文件，按 SHA-256 存放
manifest.json    数据包目录

请用 “fzzf import-bundle 本文件” 导入，导入时会校验审计记录和佐证材料的哈希。
请勿修改包内文件，否则无法导入。
"""


# -- evidence lookup ---------------------------------------------------------------------------
def evidence_folder(inspection_id: str) -> Path:
    """Where bundle imports of earlier releases put an inspection's evidence (still read)."""
    return locations.evidence_dir() / inspection_id


def find_evidence(inspection_id: str, evidence: Evidence, inspection_path: Path | None = None) -> Path | None:
    """The local file holding ``evidence``, checked by SHA-256: the evidence store beside the
    inspection, else the original path, else the folder an earlier import used; None if none
    matches."""
    return evidence_mod.locate(evidence, inspection_path, inspection_id)


def _references(findings: Iterable[Finding], results: Iterable[Any]) -> Iterable[Evidence]:
    for finding in findings:
        yield from finding.evidence
    for result in results:
        yield from getattr(result, "evidence", ()) or ()


def _base_name(path: str) -> str:
    name = re.split(r"[\\/]", path)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    if not name or name in (".", ".."):
        return "file"
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 120 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:120]
    return name


# -- export ----------------------------------------------------------------------------------------
@dataclass
class _EvidenceFile:
    sha256: str
    size: int | None
    name: str
    paths: list[str] = field(default_factory=list)
    source: Path | None = None
    problem: str = ""


def _collect_evidence(data: InspectionData) -> list[_EvidenceFile]:
    files: dict[str, _EvidenceFile] = {}
    for ev in _references(data.findings, data.results.values()):
        if not ev.is_file:
            continue
        entry = files.setdefault(ev.sha256, _EvidenceFile(ev.sha256, ev.size, _base_name(evidence_mod.display_name(ev))))
        if ev.path not in entry.paths:
            entry.paths.append(ev.path)
    for entry in files.values():
        for ev_path in entry.paths:
            found = find_evidence(data.id, Evidence(path=ev_path, size=entry.size, sha256=entry.sha256,
                                                    name=entry.name), data.path)
            if found is not None:
                entry.source = found
                break
        if entry.source is None:
            exists = any(Path(p).is_file() for p in entry.paths)
            entry.problem = "文件已被修改（SHA-256 不符）" if exists else "文件不存在"
    return sorted(files.values(), key=lambda e: e.sha256)


def write_bundle(data: InspectionData, path: Path, allow_missing_evidence: bool = False) -> None:
    """The registered ``bundle`` writer."""
    if not data.verification.ok:
        raise ExportError("检查文件校验未通过，不能导出数据包：" + "；".join(data.verification.problems))
    raw = encode_file(data.tables)
    evidence = _collect_evidence(data)
    missing = [e for e in evidence if e.source is None]
    if missing and not allow_missing_evidence:
        lines = "\n".join(f"  {e.paths[0]}：{e.problem}" for e in missing)
        raise ExportError(
            f"有 {len(missing)} 个佐证材料文件无法打包：\n{lines}\n"
            "请找回原文件后重试；如仍要导出（数据包中将缺少这些文件），请加 --allow-missing-evidence"
        )
    meta = data.meta
    manifest = {
        "format": BUNDLE_FORMAT,
        "generator": f"fzzf-tui {__version__}",
        "exported_at": data.exported_at.isoformat(timespec="seconds"),
        "inspection": {
            "id": data.id,
            "unit": data.unit,
            "type": data.type,
            "date": data.date,
            "status": meta.get("status", ""),
            "checklist_id": meta.get("checklist_id", ""),
            "checklist_hash": meta.get("checklist_hash", ""),
            "file": data.path.name,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "size": len(raw),
            "findings": len(data.findings),
            "audit_entries": len(data.audit),
        },
        "evidence": [
            {"sha256": e.sha256, "size": e.size, "name": f"{EVIDENCE_DIR}/{e.sha256}/{e.name}", "paths": e.paths}
            for e in evidence
            if e.source is not None
        ],
        "missing": [{"sha256": e.sha256, "paths": e.paths, "problem": e.problem} for e in missing],
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        zf.writestr(INSPECTION, raw)
        zf.writestr(README, README_TEXT)
        for e in evidence:
            if e.source is not None:
                _add_evidence(zf, e)


def _add_evidence(zf: zipfile.ZipFile, e: _EvidenceFile) -> None:
    assert e.source is not None
    h = hashlib.sha256()
    name = f"{EVIDENCE_DIR}/{e.sha256}/{e.name}"
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with e.source.open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
        for chunk in iter(lambda: src.read(CHUNK), b""):
            h.update(chunk)
            dst.write(chunk)
    if h.hexdigest() != e.sha256:  # changed while we were copying it
        raise ExportError(f"佐证材料文件在打包过程中被修改：{e.source}")


# -- reading a bundle safely ---------------------------------------------------------------------
def _check_name(name: str) -> None:
    bad = (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or ":" in name
        or any(part in ("", ".", "..") for part in name.split("/"))
    )
    if bad:
        raise ExportError(f"数据包中有不安全的文件名“{name}”，已拒绝导入")
    if name not in (MANIFEST, INSPECTION, README) and not _EVIDENCE_NAME.fullmatch(name):
        raise ExportError(f"数据包中有不认识的文件“{name}”，已拒绝导入")


def _check_members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ExportError(f"数据包中的文件过多（{len(infos)} 个），已拒绝导入")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        _check_name(name)
        if name in members:
            raise ExportError(f"数据包中“{name}”出现了两次，已拒绝导入")
        if info.flag_bits & 0x1:
            raise ExportError(f"数据包中的“{name}”已加密，无法导入")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # zipfile inflates bzip2/lzma without an output limit per read
            raise ExportError(f"数据包中的“{name}”使用了不支持的压缩方式，已拒绝导入")
        mode = (info.external_attr >> 16) & 0o170000
        if mode and mode != 0o100000:  # only regular files (no links, devices, folders)
            raise ExportError(f"数据包中的“{name}”不是普通文件，已拒绝导入")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ExportError(f"数据包解压后超过 {MAX_TOTAL_BYTES // 1024**2} MB，已拒绝导入")
        members[name] = info
    for required in (MANIFEST, INSPECTION):
        if required not in members:
            raise ExportError(f"数据包中缺少 {required}，不是 fzzf 数据包")
    return members


def _read_limited(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise ExportError(f"数据包中的 {info.filename} 过大，已拒绝导入")
    with zf.open(info) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ExportError(f"数据包中的 {info.filename} 过大，已拒绝导入")
    return data


def _copy_limited(src: IO[bytes], dst: IO[bytes], limit: int) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: src.read(CHUNK), b""):
        size += len(chunk)
        if size > limit:
            raise ExportError("数据包中的佐证材料比记录的大，已拒绝导入")
        h.update(chunk)
        dst.write(chunk)
    return h.hexdigest(), size


@dataclass
class BundleContents:
    """What a checked bundle holds (nothing has been written yet)."""

    manifest: dict[str, Any]
    raw: bytes
    tables: dict[str, Any]
    meta: dict[str, Any]
    findings: list[Finding]
    evidence: dict[str, zipfile.ZipInfo]  # sha256 -> entry
    results: list[Result] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.meta["id"])

    def referenced(self) -> dict[str, list[Evidence]]:
        """Evidence files the findings and item results refer to, by SHA-256."""
        out: dict[str, list[Evidence]] = {}
        for ev in _references(self.findings, self.results):
            if ev.is_file:
                out.setdefault(ev.sha256, []).append(ev)
        return out

    def missing_evidence(self) -> list[str]:
        """Original paths of referenced evidence the bundle does not contain."""
        return [evs[0].path for sha, evs in sorted(self.referenced().items()) if sha not in self.evidence]


def _read_contents(zf: zipfile.ZipFile) -> BundleContents:
    members = _check_members(zf)
    try:
        manifest = load_json(_read_limited(zf, members[MANIFEST], MAX_SMALL_BYTES), "数据包目录 manifest.json")
    except FileFormatError:
        raise ExportError("数据包目录 manifest.json 无法读取") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise ExportError(f"不是可识别的 fzzf 数据包（格式应为 {BUNDLE_FORMAT}）")
    raw = _read_limited(zf, members[INSPECTION], MAX_INSPECTION_BYTES)
    expected = (manifest.get("inspection") or {}).get("sha256")
    if hashlib.sha256(raw).hexdigest() != expected:
        raise ExportError("数据包中的检查数据与目录记录的哈希不符（文件被改动或损坏），已拒绝导入")
    try:
        tables = load_json(raw, "数据包中的检查数据")
        meta = tables["meta"]["1"]
        if meta.get("format") != FILE_FORMAT:
            raise ValueError
        findings = [Finding.from_dict(d) for d in (tables.get("findings") or {}).values()]
        results = [Result.from_dict(d) for d in (tables.get("results") or {}).values()]
    except FileFormatError as exc:
        raise ExportError(f"{exc}，已拒绝导入") from None
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise ExportError("数据包中的检查数据无法读取，不是有效的检查文件") from None
    if not _SAFE_ID.fullmatch(str(meta.get("id", ""))):
        raise ExportError(f"数据包中的检查编号“{meta.get('id')}”无效，已拒绝导入")
    report = verify_tables(tables)
    if not report.ok:
        raise ExportError("数据包中的检查未通过校验（审计记录、内容、封存或清单哈希）：" + "；".join(report.problems))
    evidence: dict[str, zipfile.ZipInfo] = {}
    for name, info in members.items():
        m = _EVIDENCE_NAME.fullmatch(name)
        if m:
            if m.group(1) in evidence:
                raise ExportError(f"数据包中同一佐证材料（{m.group(1)[:12]}…）出现了两次，已拒绝导入")
            evidence[m.group(1)] = info
    return BundleContents(manifest, raw, tables, dict(meta), findings, evidence, results)


def read_bundle(path: str | os.PathLike[str]) -> BundleContents:
    """Open and check a bundle without importing it."""
    with _open_zip(path) as zf:
        return _read_contents(zf)


@contextlib.contextmanager
def _open_zip(path: str | os.PathLike[str]) -> Any:
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ExportError(f"数据包不存在：{path}") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExportError(f"不是有效的数据包（zip 文件无法打开：{exc}）：{path}") from None
    try:
        yield zf
    except zipfile.BadZipFile as exc:  # CRC errors and truncation surface while reading
        raise ExportError(f"数据包已损坏：{exc}") from None
    finally:
        zf.close()


# -- import ------------------------------------------------------------------------------------------
def _existing(store: InspectionStore, inspection_id: str) -> Path | None:
    for p in store.paths():
        if p.stem.endswith("-" + inspection_id) or read_summary(p).id == inspection_id:
            return p
    return None


class _EvidenceUndo:
    """What an import added to the evidence store (files, folders), so a refused import leaves
    nothing behind. Files that were already there are never touched."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.folders: list[Path] = []

    def mkdir(self, folder: Path) -> None:
        missing = []
        for p in (folder, *folder.parents):
            if p.exists():
                break
            missing.append(p)
        folder.mkdir(parents=True, exist_ok=True)
        self.folders += missing

    def run(self) -> None:
        for p in self.files:
            with contextlib.suppress(OSError):
                os.chmod(p, 0o644)  # stored copies are read-only (Windows refuses to delete those)
            with contextlib.suppress(OSError):
                p.unlink()
        for folder in sorted(self.folders, key=lambda f: len(f.parts), reverse=True):  # deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: never removes anything else


def _extract_evidence(zf: zipfile.ZipFile, contents: BundleContents, target: Path,
                      undo: _EvidenceUndo | None = None) -> None:
    """Put the bundle's referenced evidence into the store beside ``target``, each file
    checked against its SHA-256 and recorded size while it is copied."""
    undo = undo or _EvidenceUndo()
    referenced = contents.referenced()
    wanted = [(sha, info) for sha, info in sorted(contents.evidence.items()) if sha in referenced]
    if not wanted:
        return
    store = evidence_mod.EvidenceStore.beside(target)
    for sha, info in wanted:
        refs = referenced[sha]
        size = next((ev.size for ev in refs if ev.size is not None), None)
        if size is not None and info.file_size != size:
            raise ExportError(f"数据包中的佐证材料 {refs[0].path} 大小与记录不符，已拒绝导入")
        have = store.find(sha, info.filename)
        if have is not None:
            try:
                if file_sha256(have)[0] == sha:
                    continue
            except OSError:
                pass
        dest = store.path_for(sha, info.filename)
        undo.mkdir(dest.parent)
        tmp = dest.parent / f".{sha[:16]}.{os.getpid()}.tmp"
        try:
            with zf.open(info) as src, tmp.open("wb") as dst:
                digest, _ = _copy_limited(src, dst, info.file_size)
                dst.flush()
                os.fsync(dst.fileno())
            if digest != sha:
                raise ExportError(f"数据包中的佐证材料 {refs[0].path} 与记录的 SHA-256 不符（文件被改动或损坏），已拒绝导入")
            if dest.exists():  # a damaged copy: replace it (stored copies are read-only)
                with contextlib.suppress(OSError):
                    os.chmod(dest, 0o644)
            else:
                undo.files.append(dest)
            os.replace(tmp, dest)
            with contextlib.suppress(OSError):
                os.chmod(dest, 0o444)
            fsync_dir(dest.parent)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _same_record(existing: Path, contents: BundleContents) -> bool:
    """Whether the data dir's file holds the same audit trail as the bundle (same head)."""
    try:
        audit = contents.tables.get("audit") or {}
        last = audit[max(audit, key=int)] if audit else {}
        return load_file(existing).head == last.get("hash")
    except Exception:  # noqa: BLE001 - unreadable: not the same
        return False


def import_bundle(path: str | os.PathLike[str], store: InspectionStore, replace: bool = False) -> Path:
    """Import a bundle into ``store``; returns the inspection file written.

    An inspection with the same id is never overwritten unless ``replace`` is true (and then
    only while nobody has it open for editing).
    """
    with _open_zip(path) as zf:
        contents = _read_contents(zf)
        existing = _existing(store, contents.id)
        if existing is not None and not replace:
            same = _same_record(existing, contents)
            hint = "内容完全相同，无需再次导入" if same else "内容不同；如要用数据包中的版本替换，请加 --replace"
            raise ExportError(f"数据目录中已有同一检查（编号 {contents.id}）：{existing}，{hint}")
        store.root.mkdir(parents=True, exist_ok=True)
        if existing is not None:
            target = existing
        else:
            meta = contents.meta
            name = f"{safe_filename(str(meta.get('unit', '')))}-{safe_filename(str(meta.get('type', '')), 10)}-{contents.id}{SUFFIX}"
            target = store.root / name
        lock = InspectionLock(target) if existing is not None else None
        if lock is not None:
            lock.acquire()  # raises InspectionLocked if someone is editing it
        undo = _EvidenceUndo()
        try:
            _extract_evidence(zf, contents, target, undo)
            _install(contents, target, new=existing is None)
        except BaseException:
            undo.run()  # a refused import leaves no evidence (and no empty folder) behind
            raise
        finally:
            if lock is not None:
                lock.release()
    return target


def _install(contents: BundleContents, target: Path, new: bool) -> None:
    """Write the inspection file next to its target, open and verify it, then move it in place."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.import.tmp")
    try:
        data = load_tables(contents.tables, "数据包").file_bytes()[0]  # the data dir's layout
        atomic_write_bytes(tmp, data)
        try:
            ins = Inspection.open(tmp, readonly=True)
        except Exception as exc:  # noqa: BLE001 - any failure to load refuses the import
            raise ExportError(f"导入的检查无法打开：{exc}") from None
        try:
            report = ins.verify()
            ok = report.ok and ins.checklist.content_hash == ins.meta.get("checklist_hash")
        finally:
            ins.close()
        if not ok:
            raise ExportError("导入后的检查未通过校验：" + "；".join(report.problems or ["清单哈希不符"]))
        if new:
            try:
                fd = os.open(str(target), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                raise ExportError(f"文件已存在：{target}") from None
            os.close(fd)
        try:
            os.replace(tmp, target)
        except BaseException:
            if new:
                with contextlib.suppress(OSError):
                    target.unlink()
            raise
        fsync_dir(target.parent)
        trust.remember(target, hashlib.sha256(data).hexdigest())  # verified just above
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def evidence_problems(findings: Iterable[Finding], inspection_id: str, inspection_path: Path | None = None,
                      results: Iterable[Any] = ()) -> list[str]:
    """Referenced evidence files that cannot be found locally with the recorded hash."""
    out = []
    for ev in _references(findings, results):
        if ev.is_file and find_evidence(inspection_id, ev, inspection_path) is None:
            out.append(ev.path)
    return out


__all__ = [
    "BUNDLE_FORMAT", "BundleContents", "evidence_folder", "evidence_problems", "find_evidence", "import_bundle",
    "read_bundle", "write_bundle",
]
