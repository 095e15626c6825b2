"""Consolidate many inspections (files, bundles, folders) for the 督察办: read them, then write the
汇总 workbook (:mod:`.summary_book`) and, on request, the 通报 (:mod:`.bulletin_docx`).

Inputs are ``.fzzf`` inspection files, ``.fzzf.zip`` bundles, or folders searched
recursively for both. They are only read: no lock is taken and nothing is written, so a
colleague may have an inspection open while the office consolidates. Each file is scored with
the same engine as the app (:func:`score_inspection` on its own checklist snapshot), so the
totals are the app's totals. An input that cannot be read is listed with the reason and the
run goes on.

Who is ranked and how is decided in :mod:`.ranking` (only finished inspections by default;
``include_unfinished`` ranks the others too, marked as provisional); the sheets are laid out in
:mod:`.summary_book`, including the campaign's 自评虚高 sheet and the 排名 columns 自评分 |
自评虚高 when some unit's 自查自评 is in its file. 自评虚高 = 自评分 − 督察分 (each scored by the
engine on its own answers), given once the inspectors have answered every item. The figures are
on :class:`Entry` (:attr:`Entry.self_comparison`) and in :meth:`ConsolidateReport.to_dict`
(``self_total``, ``self_excess``, ``self_excess_sections``).

Copies of one inspection (same id) are verified in full and counted once when they agree (see
:func:`_dedupe`); copies that disagree are all listed under 未纳入文件 with why.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from ..checklist.model import Checklist, snapshot_hash
from ..errors import ExportError, FzzfError
from ..inspection import Finding, Result, score_inspection
from ..inspection.self_check import from_tables as self_assessments_from
from ..inspection.store import FILE_FORMAT, SUFFIX
from .consolidate_cache import ConsolidateCache, default_cache, file_digest
from .consolidate_model import ConsolidateReport, Entry, self_excess_dict  # noqa: F401 - re-exported
from .data import sort_findings
from .files import target_path
from .summary_book import (
    COMPARISON,
    LEDGER,
    LEDGER_HEADERS,
    RANKING,
    RANKING_HEADERS,
    SHEET_NAMES,
    SKIPPED,
    SOURCE_HEADERS,
    SOURCES,
    is_overdue,
    write_workbook,
)

BUNDLE_SUFFIX = ".fzzf.zip"
MAX_FILE_BYTES = 256 * 1024 * 1024  # an inspection file is read whole; refuse absurd ones
SEVERITIES = ("一般", "较重", "严重")


# -- inputs ----------------------------------------------------------------------------------
def is_input_name(name: str) -> bool:
    return (name.endswith(SUFFIX) or name.endswith(BUNDLE_SUFFIX)) and not name.startswith(".")


def collect_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given (in order), folders searched recursively; each file once."""
    out: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve() if p.exists() else p.absolute()
        if key not in seen:
            seen.add(key)
            out.append(p)

    for p in map(Path, paths):
        if p.is_dir():
            for q in sorted(p.rglob("*")):
                if q.is_file() and is_input_name(q.name) and not any(part.startswith(".") for part in q.relative_to(p).parts):
                    add(q)
        else:
            add(p)
    return out


class Reader:
    """Reads inspections for consolidation; builds each distinct checklist snapshot once, and
    takes an unchanged ``.fzzf`` file's figures from ``cache`` (:mod:`.consolidate_cache`) when
    one is given and ``verify`` is not asked for."""

    def __init__(self, verify: bool = False, cache: ConsolidateCache | None = None) -> None:
        self.verify = verify
        self.cache = None if verify else cache
        self._checklists: dict[str, Checklist] = {}

    def _checklist(self, key: str, snap: str, where: str) -> Checklist:
        import json

        from ..checklist.loading import checklist_from_dict

        checklist = self._checklists.get(key)
        if checklist is None:
            checklist = checklist_from_dict(json.loads(snap), where)
            self._checklists[key] = checklist
        return checklist

    def read(self, path: Path) -> Entry:
        digest = ""
        if self.cache is not None and path.name.endswith(SUFFIX):
            try:
                if path.stat().st_size <= MAX_FILE_BYTES:
                    digest = file_digest(path)
            except OSError:
                digest = ""
            if digest:
                hit = self._cached(path, digest)
                if hit is not None:
                    hit.sha256 = digest
                    return hit
        entry, snap = self._read(path)
        if digest and self.cache is not None and not entry.has_self:
            try:
                unchanged = file_digest(path) == digest  # not rewritten while it was read
            except OSError:
                unchanged = False
            if unchanged:
                entry.sha256 = digest
                self.cache.put(digest, entry, snap)
        return entry

    def _cached(self, path: Path, digest: str) -> Entry | None:
        assert self.cache is not None
        d = self.cache.get(path, digest)
        if d is None:
            return None
        meta = d["meta"]
        key = str(meta.get("checklist_hash", ""))
        snap = self.cache.snapshot(key) if key not in self._checklists else ""
        if snap is None:
            return None
        checklist = self._checklist(key, snap, f"{path.name} 的清单快照")
        return Entry(path, dict(meta), checklist, d["findings"], d["report"], int(d["audit_entries"]),
                     str(d["audit_head"]), "")

    def _tables(self, path: Path) -> tuple[dict[str, Any], str]:
        if path.name.endswith(BUNDLE_SUFFIX):
            from .bundle import read_bundle

            # a bundle is checked on reading (audit chain, seal, checklist hash) or refused
            return read_bundle(path).tables, "通过"
        if not path.name.endswith(SUFFIX):
            raise ExportError("不是检查文件（.fzzf）或数据包（.fzzf.zip）")
        if not path.is_file():
            raise ExportError("文件不存在")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ExportError(f"文件过大（{size // (1024 * 1024)} MB），不像检查文件")
        from ..fileio import MAX_JSON_DEPTH
        from ..inspection.storage import load_file

        loaded = load_file(path, max_depth=MAX_JSON_DEPTH)
        verification = ""
        if self.verify:
            from ..inspection.verify import verify_loaded

            v = verify_loaded(loaded, deep=False)
            verification = "通过" if v.ok else "未通过：" + "；".join(v.problems)
        return loaded.tables(), verification

    def _read(self, path: Path) -> tuple[Entry, str]:
        """The entry read and scored from the file, and its checklist snapshot."""
        tables, verification = self._tables(path)
        meta = (tables.get("meta") or {}).get("1")
        if not isinstance(meta, dict) or meta.get("format") != FILE_FORMAT:
            raise ExportError("不是 fzzf 检查文件（格式标记不符）")
        if not str(meta.get("id") or "").strip():
            raise ExportError("检查文件缺少检查编号")
        snap = ((tables.get("checklist") or {}).get("1") or {}).get("json")
        if not isinstance(snap, str):
            raise ExportError("检查文件缺少清单快照")
        # The snapshot is canonical JSON, so hashing the string proves it (as Inspection does).
        key = snapshot_hash(snap)
        if key != meta.get("checklist_hash"):
            raise ExportError("清单快照与记录的哈希不符（文件可能被改动）")
        checklist = self._checklist(key, snap, f"{path.name} 的清单快照")
        results = {d["code"]: Result.from_dict(d) for d in (tables.get("results") or {}).values()}
        findings = [Finding.from_dict(d) for d in (tables.get("findings") or {}).values()]
        open_codes = {f.item_code for f in findings if f.is_open and f.item_code}
        report = score_inspection(checklist, results, open_codes)
        audit = tables.get("audit") or {}
        head = ""
        if audit:
            last = audit.get(str(max(int(k) for k in audit)))
            head = str((last or {}).get("hash", ""))
        entry = Entry(path, dict(meta), checklist, sort_findings(checklist, findings), report, len(audit), head,
                      verification, self_assessments=self_assessments_from(tables, checklist), results=results)
        return entry, snap


def _reason(exc: BaseException, path: Path) -> str:
    text = str(exc) if isinstance(exc, FzzfError) else f"{type(exc).__name__}: {exc}"
    # the file is named in its own column; the store's messages end with "：<path>"
    for tail in (f"：{path}", f": {path}", str(path)):
        text = text.replace(tail, "")
    return text.strip() or type(exc).__name__


def _chain(reader: "Reader", e: Entry) -> tuple[list[str], list[str]]:
    """(problems, entry hashes) of one copy, verified in full."""
    from ..inspection.verify import verify_loaded

    try:
        if e.source.name.endswith(BUNDLE_SUFFIX):
            from .bundle import read_bundle

            audit = read_bundle(e.source).tables.get("audit") or {}  # verified on reading, or refused
            return [], [str(audit[k].get("hash")) for k in sorted(audit, key=int)]
        from ..fileio import MAX_JSON_DEPTH
        from ..inspection.storage import load_file

        loaded = load_file(e.source, max_depth=MAX_JSON_DEPTH)
        report = verify_loaded(loaded)
        return list(report.problems), [str(x.get("hash")) for x in loaded.entries]
    except Exception as exc:  # noqa: BLE001 - unreadable now: it does not verify
        return [_reason(exc, e.source)], []


def _dedupe(entries: list[Entry], skipped: list[tuple[str, str]], reader: "Reader | None" = None) -> list[Entry]:
    """One entry per inspection id, decided by verified content.

    Copies of one inspection are verified in full. A copy that fails is not counted. Of the
    rest, one whose audit trail is the start of another's is an earlier state of the same record
    and is not counted beside it. Copies whose trails diverge (each has changes the other
    lacks) disagree: none of them is counted, each is listed with why, for the office to merge
    or choose.
    """
    reader = reader or Reader()
    by_id: dict[str, list[Entry]] = {}
    for e in entries:
        by_id.setdefault(e.id, []).append(e)
    kept: list[Entry] = []
    for e in entries:
        copies = by_id[e.id]
        if copies[0] is not e:
            continue
        if len(copies) == 1:
            kept.append(e)
            continue
        good: list[tuple[Entry, list[str]]] = []
        bad: list[Entry] = []
        for c in copies:
            problems, chain = _chain(reader, c)
            if problems or not chain:
                c.verification = "未通过：" + "；".join(problems or ["审计记录为空"])
                bad.append(c)
            else:
                c.verification = "通过"
                good.append((c, chain))
        names = "、".join(c.source.name for c in copies)
        for c in bad:
            skipped.append((str(c.source), f"同一检查（编号 {e.id}）有 {len(copies)} 份副本（{names}），此份未通过校验，"
                                           f"未计入：{c.verification[4:]}"))
        if not good:
            continue
        good.sort(key=lambda g: -len(g[1]))
        longest, chain = good[0]
        diverged = [(c, ch) for c, ch in good[1:] if chain[len(ch) - 1] != ch[-1]]
        if diverged:
            for c, ch in good:
                others = [o for o, _ in good if o is not c]
                first_diff = next((i for i, (x, y) in enumerate(zip(ch, chain)) if x != y), min(len(ch), len(chain)))
                skipped.append((str(c.source), (
                    f"与 {'、'.join(o.source.name for o in others)} 是同一检查（编号 {e.id}）的不同副本，内容不一致"
                    f"（审计记录 {len(ch)} 条，自第 {first_diff + 1} 条起与另一份不同），两份都未计入；"
                    "请核对后用 fzzf merge 合并，或只保留正确的一份")))
            continue
        for c, ch in good[1:]:
            detail = "内容相同" if len(ch) == len(chain) else (
                f"是 {longest.source.name} 的较早状态（审计记录 {len(ch)} 条，为其 {len(chain)} 条中的前 {len(ch)} 条）")
            skipped.append((str(c.source), f"与 {longest.source.name} 是同一检查（编号 {e.id}），只计一次：{detail}"))
        notes = [c.source.name for c, _ in good[1:]] + [c.source.name for c in bad]
        if notes:
            longest.notes.append("另有副本未计入：" + "、".join(notes))
        kept.append(longest)
    return kept


def read_inputs(
    inputs: Iterable[str | Path],
    progress: Callable[[Path], None] | None = None,
    verify: bool = False,
    cache: ConsolidateCache | None = None,
) -> tuple[list[Entry], list[tuple[str, str]]]:
    """Read every input (read-only): the entries counted once each, and the inputs skipped with why.

    ``cache``: figures of unchanged files from earlier runs (see :mod:`.consolidate_cache`)."""
    files = collect_inputs(inputs)
    if not files:
        raise ExportError("没有找到可汇总的检查文件（.fzzf）或数据包（.fzzf.zip）")
    reader = Reader(verify=verify, cache=cache)
    entries: list[Entry] = []
    skipped: list[tuple[str, str]] = []
    for path in files:
        try:
            entries.append(reader.read(path))
        except Exception as exc:  # noqa: BLE001 - a broken or hostile input never stops the run
            skipped.append((str(path), _reason(exc, path)))
        if progress is not None:
            progress(path)
    if cache is not None:
        cache.prune()
    return _dedupe(entries, skipped, reader), skipped


def consolidate(
    inputs: Iterable[str | Path],
    out: str | Path | None,
    today: date | None = None,
    force: bool = False,
    progress: Callable[[Path], None] | None = None,
    verify: bool = False,
    include_unfinished: bool = False,
    report_docx: str | Path | None = None,
    report_format: str = "bulletin",
    report_options: dict[str, Any] | None = None,
    use_cache: bool = True,
) -> ConsolidateReport:
    """Read every input (read-only), write the workbook, return what was included and skipped.

    ``today`` decides what is overdue (default: the real today); ``progress`` is called after
    each input; ``verify`` also checks each ``.fzzf`` file's audit chain and seal (bundles are
    always checked); ``include_unfinished`` ranks unfinished inspections too (provisionally).
    ``report_docx``: also write the 通报 there, with the consolidation format ``report_format``
    (built in: ``bulletin``; a plugin may register its own). ``use_cache``: take unchanged
    files' figures from the local cache of earlier runs (:mod:`.consolidate_cache`).
    """
    today = today or date.today()
    target = target_path(out, "汇总", ".xlsx")
    report_target = None
    if report_docx is not None:  # a wrong format or file name is said before any work is done
        from . import _format

        report_target = target_path(report_docx, "通报", _format(report_format, consolidation=True).suffix)
    report = ConsolidateReport(target, today=today, include_unfinished=include_unfinished)
    started = time.perf_counter()
    cache = default_cache() if use_cache else None
    report.included, report.skipped = read_inputs(inputs, progress, verify, cache)
    if cache is not None:
        report.cached = cache.hits
    report.overdue = sum(e.overdue(today) for e in report.included)
    report.timings["read"] = time.perf_counter() - started
    started = time.perf_counter()
    report.output = write_workbook(report, target, today, force, include_unfinished)
    report.timings["write"] = time.perf_counter() - started
    if report_target is not None:
        from . import export_consolidation

        report.documents.append(export_consolidation(report, report_format, report_target, force=force,
                                                     **(report_options or {})))
    return report


__all__ = [
    "COMPARISON", "ConsolidateReport", "Entry", "LEDGER", "LEDGER_HEADERS", "RANKING", "RANKING_HEADERS", "Reader",
    "SHEET_NAMES", "SKIPPED", "SOURCE_HEADERS", "SOURCES", "collect_inputs", "consolidate", "is_overdue", "read_inputs",
    "write_workbook",
]
