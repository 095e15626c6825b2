"""Inspections on disk: one TinyDB file each, a lock per writer, every change durable at once.

Layout of an inspection file (JSON, via :class:`AtomicJSONStorage`):

* ``meta``      one document: unit, type, checklist id/version/hash, inspectors, dates, status,
                seal, reopen history, and a cached summary for fast listing
* ``checklist`` one document: the checklist snapshot (canonical JSON) the inspection is scored
                against; later edits to the checklist file never change it
* ``results``   one document per leaf item that has a result (doc id = leaf position)
* ``findings``  one document per 问题
* ``audit``     the hash-chained log; every change appends an entry in the same write
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

from tinydb import TinyDB
from tinydb.table import Document

from .. import locations
from ..checklist.loading import checklist_from_dict
from ..checklist.model import Checklist, canonical_json, snapshot_hash
from ..errors import CorruptInspection, InspectionError, InvalidValue, ReadOnlyInspection
from . import audit as audit_mod
from .findings import (
    STATUSES,
    Evidence,
    Finding,
    check_transition,
    validate_due,
    validate_severity,
    validate_status,
)
from .lock import InspectionLock, current_user
from .scoring import Result, ScoreReport, score_inspection, validate_value
from .storage import AtomicJSONStorage

SUFFIX = ".fzzf"
# Re-serialise the snapshot on open to prove it is canonical (``fzzf verify`` always does).
_PARANOID = os.environ.get("FZZF_PARANOID") == "1"
FILE_FORMAT = "fzzf-inspection/1"
IN_PROGRESS, FINISHED, ARCHIVED = "进行中", "已完成", "已归档"
INSPECTION_STATUSES = (IN_PROGRESS, FINISHED, ARCHIVED)
UNDOABLE = {"score", "na", "clear", "note", "finding.add", "finding.update", "finding.status"}


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_filename(text: str, limit: int = 40) -> str:
    """A file name part that is valid on Windows and Linux (Chinese kept)."""
    cleaned = _UNSAFE.sub("_", text).strip(" ._") or "未命名"
    return cleaned[:limit]


@dataclass
class InspectionSummary:
    id: str
    path: Path
    unit: str
    type: str
    checklist_id: str
    checklist_title: str
    checklist_version: str
    status: str
    progress: float
    total: float
    percent: float
    grade: str
    findings: int
    open_findings: int
    inspectors: list[str]
    date: str
    updated_at: str
    error: str = ""
    valued: int = -1  # items with a value (0: nothing scored yet, show 未评); -1 unknown (old file)
    unscored: int = -1

    @property
    def has_value(self) -> bool:
        return self.valued > 0 if self.valued >= 0 else self.progress > 0

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["path"] = str(self.path)
        return d


class Inspection:
    """An open inspection. Use :meth:`InspectionStore.open` or ``Inspection.open(path)``."""

    def __init__(self, path: Path, readonly: bool = False, who: str | None = None) -> None:
        self.path = Path(path)
        self.who = who or current_user()
        self.lock: InspectionLock | None = None
        self.readonly = readonly
        if not readonly:
            self.lock = InspectionLock(self.path)
            self.lock.acquire()
        try:
            self.storage = AtomicJSONStorage(self.path, readonly=readonly)
            self.db = TinyDB(storage=lambda: self.storage)  # type: ignore[arg-type]
            self._load()
        except BaseException:
            if self.lock is not None:
                self.lock.release()
            raise

    # -- opening ---------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str], readonly: bool = False, who: str | None = None) -> "Inspection":
        return cls(Path(path), readonly=readonly, who=who)

    def _load(self) -> None:
        data = self.storage.read() or {}
        for table in ("meta", "checklist"):
            if not data.get(table):
                raise CorruptInspection(f"检查文件缺少“{table}”部分，不是有效的检查文件：{self.path}")
        meta = self.db.table("meta").get(doc_id=1)
        if not meta or meta.get("format") != FILE_FORMAT:
            raise CorruptInspection(f"不是 fzzf 检查文件（格式标记不符）：{self.path}")
        snap = self.db.table("checklist").get(doc_id=1)
        try:
            # The snapshot is stored in canonical JSON, so its SHA-256 is the content hash:
            # checking the string is enough (and much cheaper than re-serialising the tree).
            stored_hash = snapshot_hash(snap["json"])
            self.checklist: Checklist = checklist_from_dict(json.loads(snap["json"]), f"{self.path} 中的清单快照")
            if _PARANOID and canonical_json(self.checklist.to_dict()) != snap["json"]:
                stored_hash = ""
            object.__setattr__(self.checklist, "_hash", stored_hash)
        except Exception as exc:  # noqa: BLE001
            raise CorruptInspection(f"检查文件中的清单快照无法读取：{self.path}（{exc}）") from None
        if self.checklist.content_hash != meta.get("checklist_hash"):
            raise CorruptInspection(
                f"检查文件中的清单快照与记录的哈希不符（文件可能被改动）：{self.path}"
            )
        self.meta: dict[str, Any] = dict(meta)
        self._leaf_ids = {leaf.code: i + 1 for i, leaf in enumerate(self.checklist.leaves())}
        self._results = {d["code"]: Result.from_dict(d) for d in self.db.table("results").all()}
        self._findings = {d["id"]: Finding.from_dict(d) for d in self.db.table("findings").all()}
        self._report: ScoreReport | None = None
        entries = self.db.table("audit").all()
        self._audit_seq = len(entries)
        self._audit_head = entries[-1]["hash"] if entries else audit_mod.GENESIS

    def close(self) -> None:
        self.storage.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def __enter__(self) -> "Inspection":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- properties ------------------------------------------------------------
    @property
    def id(self) -> str:
        return str(self.meta["id"])

    @property
    def status(self) -> str:
        return str(self.meta.get("status", IN_PROGRESS))

    @property
    def unit(self) -> str:
        return str(self.meta.get("unit", ""))

    @property
    def stale_lock_recovered(self) -> dict[str, Any] | None:
        return self.lock.recovered_from if self.lock else None

    def results(self) -> dict[str, Result]:
        return dict(self._results)

    def result(self, code: str) -> Result | None:
        return self._results.get(code)

    def findings(self) -> list[Finding]:
        return sorted(self._findings.values(), key=lambda f: (f.created_at, f.id))

    def finding(self, finding_id: str) -> Finding:
        try:
            return self._findings[finding_id]
        except KeyError:
            # allow unambiguous id prefixes, as typed on a command line
            matches = [f for fid, f in self._findings.items() if fid.startswith(finding_id)]
            if len(matches) == 1:
                return matches[0]
            raise InvalidValue(f"没有编号为“{finding_id}”的问题") from None

    def findings_for(self, code: str) -> list[Finding]:
        return [f for f in self.findings() if f.item_code == code]

    def open_finding_codes(self) -> set[str]:
        return {f.item_code for f in self._findings.values() if f.is_open and f.item_code}

    def score(self) -> ScoreReport:
        """The current score (cached until the next change)."""
        if self._report is None:
            self._report = score_inspection(self.checklist, self._results, self.open_finding_codes())
        return self._report

    def audit(self) -> list[dict[str, Any]]:
        return [dict(e) for e in self.db.table("audit").all()]

    # -- writing -----------------------------------------------------------------
    def _require_writable(self, allow_sealed: bool = False) -> None:
        if self.readonly:
            raise ReadOnlyInspection("此检查以只读方式打开（可能正由他人编辑），不能修改")
        if not allow_sealed and self.status != IN_PROGRESS:
            raise ReadOnlyInspection(f"检查状态为“{self.status}”，已封存；如需修改，请先重新打开并说明原因")

    def _append_audit(self, action: str, target: str, old: Any, new: Any, **extra: Any) -> dict[str, Any]:
        entry = audit_mod.make_entry(
            self._audit_head, self._audit_seq + 1, now_iso(), self.who, action, target, old, new, **extra
        )
        self.db.table("audit").insert(Document(entry, doc_id=entry["seq"]))
        self._audit_seq += 1
        self._audit_head = entry["hash"]
        return entry

    def _write(self, action: str, target: str, old: Any, new: Any, apply: Any, **extra: Any) -> None:
        """Apply a change and its audit entry in one durable write (all or nothing)."""
        seq, head = self._audit_seq, self._audit_head
        results, findings, meta = dict(self._results), dict(self._findings), dict(self.meta)
        self._report = None
        try:
            with self.storage.batch():
                apply()
                self._append_audit(action, target, old, new, **extra)
                self._update_summary()
        except BaseException:
            # Nothing reached the disk: restore memory to what is saved.
            self._audit_seq, self._audit_head = seq, head
            self._results, self._findings, self.meta = results, findings, meta
            self._report = None
            for table in self.db._tables.values():  # TinyDB keeps per-table query caches
                table.clear_cache()
            raise

    def _update_summary(self) -> None:
        report = self.score()
        self.meta["summary"] = {
            **report.summary_dict(),  # the engine's numbers, rounded by its one rule
            "findings": len(self._findings),
            "open_findings": sum(1 for f in self._findings.values() if f.is_open),
        }
        self.meta["updated_at"] = now_iso()
        self.db.table("meta").upsert(Document(self.meta, doc_id=1))

    def _put_result(self, result: Result | None, code: str) -> None:
        table = self.db.table("results")
        doc_id = self._leaf_ids[code]
        if result is None:
            if table.contains(doc_id=doc_id):
                table.remove(doc_ids=[doc_id])
            self._results.pop(code, None)
        else:
            table.upsert(Document(result.to_dict(), doc_id=doc_id))
            self._results[code] = result

    def _leaf(self, code: str):
        if not self.checklist.has_item(code):
            raise InvalidValue(f"清单“{self.checklist.title}”中没有编号为 {code} 的指标")
        item = self.checklist.item(code)
        if not item.is_leaf:
            raise InvalidValue(f"指标 {code}“{item.title}”是分类，不能直接评分，请对其下级指标评分")
        return item

    def set_value(self, code: str, value: Any, note: str | None = None) -> Result:
        """Score a leaf. Invalid values raise :class:`InvalidValue` and nothing is stored."""
        self._require_writable()
        item = self._leaf(code)
        normalised = validate_value(item, value)
        old = self._results.get(code)
        new = Result(
            code=code,
            value=normalised,
            na=False,
            na_reason="",
            note=(old.note if old else "") if note is None else note.strip(),
            by=self.who,
            at=now_iso(),
        )
        self._write("score", code, old.to_dict() if old else None, new.to_dict(), lambda: self._put_result(new, code))
        return new

    def set_na(self, code: str, reason: str, note: str | None = None) -> Result:
        """Mark a leaf 不涉及; a reason is mandatory."""
        self._require_writable()
        self._leaf(code)
        reason = (reason or "").strip()
        if not reason:
            raise InvalidValue(f"标记指标 {code} 为“不涉及”必须填写理由")
        old = self._results.get(code)
        new = Result(code, None, True, reason, (old.note if old else "") if note is None else note.strip(), self.who, now_iso())
        self._write("na", code, old.to_dict() if old else None, new.to_dict(), lambda: self._put_result(new, code))
        return new

    def set_note(self, code: str, note: str) -> Result:
        self._require_writable()
        self._leaf(code)
        old = self._results.get(code)
        base = old or Result(code)
        new = Result(code, base.value, base.na, base.na_reason, note.strip(), self.who, now_iso())
        self._write("note", code, old.to_dict() if old else None, new.to_dict(), lambda: self._put_result(new, code))
        return new

    def clear(self, code: str) -> None:
        """Remove the result of a leaf (back to 未评)."""
        self._require_writable()
        self._leaf(code)
        old = self._results.get(code)
        if old is None:
            return
        self._write("clear", code, old.to_dict(), None, lambda: self._put_result(None, code))

    # -- findings ------------------------------------------------------------------
    def _put_finding(self, finding: Finding | None, fid: str) -> None:
        table = self.db.table("findings")
        from tinydb import Query

        q = Query()
        if finding is None:
            table.remove(q.id == fid)
            self._findings.pop(fid, None)
        else:
            table.upsert(finding.to_dict(), q.id == fid)
            self._findings[fid] = finding

    def add_finding(
        self,
        description: str,
        item_code: str | None = None,
        evidence: Iterable[Evidence | str] = (),
        severity: str = "一般",
        requirement: str = "",
        units: Iterable[str] | None = None,
        due: Any = "",
        origin: str = "",
    ) -> Finding:
        self._require_writable()
        description = (description or "").strip()
        if not description:
            raise InvalidValue("问题描述不能为空")
        if item_code:
            if not self.checklist.has_item(item_code):
                raise InvalidValue(f"清单中没有编号为 {item_code} 的指标")
        units_t = tuple(u.strip() for u in units if u.strip()) if units is not None else ()
        if not units_t and item_code:
            units_t = self.checklist.item(item_code).units  # 责任单位 defaults to the item's
        ev = tuple(e if isinstance(e, Evidence) else Evidence(text=str(e)) for e in evidence)
        ts = now_iso()
        finding = Finding(
            id=uuid.uuid4().hex[:12],
            description=description,
            item_code=item_code or None,
            evidence=ev,
            severity=validate_severity(severity),
            requirement=(requirement or "").strip(),
            units=units_t,
            due=validate_due(due),
            status="待整改",
            history=({"at": ts, "who": self.who, "action": "创建", "status": "待整改"},),
            created_by=self.who,
            created_at=ts,
            updated_at=ts,
            origin=origin,
        )
        self._write("finding.add", finding.id, None, finding.to_dict(), lambda: self._put_finding(finding, finding.id))
        return finding

    EDITABLE = ("description", "item_code", "severity", "requirement", "units", "due", "evidence", "review")

    def update_finding(self, finding_id: str, **changes: Any) -> Finding:
        """Edit fields of a finding (not its status: see :meth:`set_finding_status`).

        复查意见 alone may change after 完成 (rectification goes on; it is not sealed)."""
        self._require_writable(allow_sealed=set(changes) <= {"review"})
        old = self.finding(finding_id)
        unknown = set(changes) - set(self.EDITABLE)
        if unknown:
            raise InvalidValue(f"问题不能修改这些字段：{', '.join(sorted(unknown))}")
        fields: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "description":
                value = (value or "").strip()
                if not value:
                    raise InvalidValue("问题描述不能为空")
            elif key == "severity":
                value = validate_severity(value)
            elif key == "due":
                value = validate_due(value)
            elif key == "units":
                value = tuple(u.strip() for u in value if u and u.strip())
            elif key == "evidence":
                value = tuple(e if isinstance(e, Evidence) else Evidence(text=str(e)) for e in value)
            elif key == "item_code":
                value = value or None
                if value and not self.checklist.has_item(value):
                    raise InvalidValue(f"清单中没有编号为 {value} 的指标")
            elif key in ("requirement", "review"):
                value = (value or "").strip()
            fields[key] = value
        ts = now_iso()
        changed = sorted(k for k, v in fields.items() if getattr(old, k) != v)
        if not changed:
            return old
        history = old.history + ({"at": ts, "who": self.who, "action": "修改", "fields": changed},)
        new = Finding(**{**old.__dict__, **fields, "history": history, "updated_at": ts})
        self._write("finding.update", old.id, old.to_dict(), new.to_dict(), lambda: self._put_finding(new, old.id))
        return new

    def set_finding_status(self, finding_id: str, status: str, review: str = "") -> Finding:
        """Move a finding through 待整改 → 整改中 → 已整改 → 已销号 (复查意见 needed to 销号)."""
        # 整改 goes on after 完成: status changes are allowed on a sealed inspection (the seal
        # covers what was found, not how rectification progresses).
        self._require_writable(allow_sealed=True)
        old = self.finding(finding_id)
        status = validate_status(status)
        review = (review or "").strip()
        check_transition(old.status, status, review or ("" if status == "已销号" else old.review))
        if status == old.status and (not review or review == old.review):
            return old
        ts = now_iso()
        entry = {"at": ts, "who": self.who, "action": "状态", "from": old.status, "to": status}
        if review:
            entry["review"] = review
        new = Finding(
            **{**old.__dict__, "status": status, "review": review or old.review, "history": old.history + (entry,), "updated_at": ts}
        )
        self._write("finding.status", old.id, old.to_dict(), new.to_dict(), lambda: self._put_finding(new, old.id))
        return new

    # -- lifecycle -----------------------------------------------------------------
    def _set_meta(self, **fields: Any) -> None:
        self.meta.update(fields)
        self.db.table("meta").upsert(Document(self.meta, doc_id=1))

    def update_info(self, **fields: Any) -> None:
        """Change unit, inspectors or dates of an inspection in progress."""
        self._require_writable()
        allowed = {"unit", "inspectors", "date", "end_date", "title"}
        unknown = set(fields) - allowed
        if unknown:
            raise InvalidValue(f"不能修改这些检查信息：{', '.join(sorted(unknown))}")
        if "unit" in fields and not str(fields["unit"]).strip():
            raise InvalidValue("被检查单位不能为空")
        old = {k: self.meta.get(k) for k in fields}
        self._write("info", "meta", old, fields, lambda: self._set_meta(**fields))

    def _seal(self) -> dict[str, Any]:
        return {
            "at": now_iso(),
            "by": self.who,
            "audit_seq": self._audit_seq + 1,  # the finalize entry itself
            "content": audit_mod.content_digest(
                (r.to_dict() for r in self._results.values()), (f.to_dict() for f in self._findings.values())
            ),
        }

    def finalize(self) -> None:
        """完成: seal results and findings; further changes need :meth:`reopen`."""
        self._require_writable()
        seal = self._seal()
        self._write("finalize", "status", IN_PROGRESS, FINISHED, lambda: self._set_meta(status=FINISHED, seal=seal))

    def reopen(self, reason: str) -> None:
        self._require_writable(allow_sealed=True)
        reason = (reason or "").strip()
        if not reason:
            raise InvalidValue("重新打开已完成的检查必须说明原因")
        if self.status == IN_PROGRESS:
            raise InvalidValue("检查正在进行中，无需重新打开")
        old = self.status
        reopens = list(self.meta.get("reopens", [])) + [{"at": now_iso(), "by": self.who, "reason": reason, "from": old}]
        self._write("reopen", "status", old, IN_PROGRESS, lambda: self._set_meta(status=IN_PROGRESS, seal=None, reopens=reopens), reason=reason)

    def archive(self) -> None:
        """归档: keeps the file; only a finished inspection can be archived."""
        self._require_writable(allow_sealed=True)
        if self.status != FINISHED:
            raise InvalidValue("只有“已完成”的检查可以归档，请先完成检查")
        self._write("archive", "status", FINISHED, ARCHIVED, lambda: self._set_meta(status=ARCHIVED))

    # -- undo -----------------------------------------------------------------------
    def last_undoable(self) -> dict[str, Any] | None:
        entries = self.db.table("audit").all()
        undone = {e.get("undoes") for e in entries if e.get("action") == "undo"}
        for e in reversed(entries):
            if e["action"] == "undo":
                continue
            if e["action"] not in UNDOABLE:
                return None  # never undo across a finalize/reopen
            if e["seq"] not in undone:
                return dict(e)
        return None

    def undo(self) -> str | None:
        """Revert the latest change not yet undone; the undo is itself audited.

        Returns a Chinese description of what was undone, or None if there is nothing.
        """
        self._require_writable()
        entry = self.last_undoable()
        if entry is None:
            return None
        action, target, old, new = entry["action"], entry["target"], entry["old"], entry["new"]
        if action in ("score", "na", "clear", "note"):
            restored = Result.from_dict(old) if old else None

            def apply() -> None:
                self._put_result(restored, target)

            what = f"指标 {target} 的{'评分' if action == 'score' else '不涉及标记' if action == 'na' else '清除' if action == 'clear' else '备注'}"
        else:
            restored_f = Finding.from_dict(old) if old else None

            def apply() -> None:
                self._put_finding(restored_f, target)

            what = "新增问题" if action == "finding.add" else "问题修改"
        self._write("undo", target, new, old, apply, undoes=entry["seq"])
        return f"已撤销{what}"

    # -- bulk changes (merge, follow-up, import) ----------------------------------------
    def bulk_apply(
        self,
        action: str,
        detail: Any,
        results: Iterable[Result] = (),
        findings: Iterable[Finding] = (),
        meta: dict[str, Any] | None = None,
        tables: dict[str, Any] | None = None,
    ) -> None:
        """Put many results/findings (and meta fields, extra tables) in one audited write."""
        self._require_writable(allow_sealed=True)
        results, findings = list(results), list(findings)
        for r in results:
            self._leaf(r.code)

        def apply() -> None:
            for r in results:
                self._put_result(r, r.code)
            for f in findings:
                self._put_finding(f, f.id)
            if meta:
                self._set_meta(**meta)
            for name, docs in (tables or {}).items():
                table = self.db.table(name)
                table.truncate()
                table.insert_multiple(docs)

        self._write(action, "inspection", None, detail, apply)

    def conflicts(self) -> list[dict[str, Any]]:
        """Merge conflicts left to resolve: ``{code, candidates: [{source, by, at, result}]}``."""
        return list(self.meta.get("conflicts") or [])

    def resolve_conflict(self, code: str, pick: int) -> Result:
        """Resolve a merge conflict by taking candidate number ``pick`` (1-based)."""
        self._require_writable()
        conflicts = self.conflicts()
        found = next((c for c in conflicts if c["code"] == code), None)
        if found is None:
            raise InvalidValue(f"指标 {code} 没有待处理的合并冲突")
        candidates = found["candidates"]
        if not 1 <= pick <= len(candidates):
            raise InvalidValue(f"指标 {code} 有 {len(candidates)} 个候选结果，请选择 1–{len(candidates)}")
        chosen = Result.from_dict(candidates[pick - 1]["result"])
        remaining = [c for c in conflicts if c["code"] != code]

        def apply() -> None:
            self._put_result(chosen, code)
            self._set_meta(conflicts=remaining)

        self._write("resolve", code, candidates, chosen.to_dict(), apply, pick=pick)
        return chosen

    # -- verification -------------------------------------------------------------------
    def verify(self) -> audit_mod.VerifyReport:
        return verify_data(self.storage.read() or {})


def verify_data(data: dict[str, Any]) -> audit_mod.VerifyReport:
    """Check the audit chain and, for a sealed inspection, the seal against the content."""
    def table(name: str) -> list[dict[str, Any]]:
        raw = data.get(name) or {}
        return [raw[k] for k in sorted(raw, key=lambda k: int(k))]

    entries = table("audit")
    report = audit_mod.verify_chain(entries)
    if not report.ok:
        return report
    meta = (data.get("meta") or {}).get("1") or {}
    seal = meta.get("seal")
    if meta.get("status") in (FINISHED, ARCHIVED):
        if not seal:
            report.ok = False
            report.problems.append("检查已完成，但缺少封存记录（seal）")
            return report
        digest = audit_mod.content_digest(table("results"), table("findings"))
        if digest != seal.get("content"):
            report.ok = False
            report.problems.append("检查已封存后，评分或问题被改动（封存哈希不符）")
        elif seal.get("audit_seq", 0) > len(entries):
            report.ok = False
            report.problems.append("封存记录指向不存在的审计记录")
    snap = (data.get("checklist") or {}).get("1") or {}
    try:
        from ..checklist.loading import checklist_from_dict as _cfd

        checklist = _cfd(json.loads(snap.get("json", "null")), "快照")
        if checklist.content_hash != meta.get("checklist_hash"):
            report.ok = False
            report.problems.append("清单快照与记录的清单哈希不符")
        created = entries[0] if entries else {}
        pinned = (created.get("new") or {}).get("hash") if created.get("action") == "create" else None
        if pinned and pinned != checklist.content_hash:
            report.ok = False
            report.problems.append("清单快照与创建时记录在审计链中的清单哈希不符（快照被替换）")
    except Exception:  # noqa: BLE001
        report.ok = False
        report.problems.append("清单快照无法读取")
    return report


def verify_file(path: str | os.PathLike[str]) -> audit_mod.VerifyReport:
    storage = AtomicJSONStorage(Path(path), readonly=True)
    return verify_data(storage.read() or {})


class InspectionStore:
    """The folder of inspection files (``<data dir>/inspections``)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root is not None else locations.inspections_dir()

    def paths(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.glob(f"*{SUFFIX}") if p.is_file())

    def create(
        self,
        checklist: Checklist,
        unit: str,
        inspectors: Iterable[str] = (),
        date_: str | date | None = None,
        who: str | None = None,
        title: str = "",
        extra_meta: dict[str, Any] | None = None,
        path: Path | None = None,
    ) -> Inspection:
        """Create a new inspection file and return it open (locked for writing).

        ``path`` chooses the file (e.g. ``fzzf merge -o``); by default it goes in the store.
        """
        unit = (unit or "").strip()
        if not unit:
            raise InvalidValue("被检查单位不能为空")
        who = who or current_user()
        if isinstance(date_, date):
            date_s = date_.isoformat()
        else:
            date_s = validate_due(date_) if date_ else date.today().isoformat()
        ins_id = datetime.now().strftime("%Y%m%d") + "-" + uuid.uuid4().hex[:6]
        self.root.mkdir(parents=True, exist_ok=True)
        if path is None:
            name = f"{safe_filename(unit)}-{safe_filename(checklist.type, 10)}-{ins_id}{SUFFIX}"
            path = self.root / name
        else:
            path = Path(path)
            if path.exists():
                raise InspectionError(f"文件已存在，不会覆盖：{path}")
            path.parent.mkdir(parents=True, exist_ok=True)
        ts = now_iso()
        meta = {
            "format": FILE_FORMAT,
            "id": ins_id,
            "unit": unit,
            "title": title,
            "type": checklist.type,
            "checklist_id": checklist.id,
            "checklist_title": checklist.title,
            "checklist_version": checklist.version,
            "checklist_hash": checklist.content_hash,
            "inspectors": [i.strip() for i in inspectors if i and i.strip()],
            "date": date_s,
            "status": IN_PROGRESS,
            "created_at": ts,
            "created_by": who,
            "updated_at": ts,
            "seal": None,
            "reopens": [],
        }
        if extra_meta:
            meta.update(extra_meta)
        snapshot = canonical_json(checklist.to_dict())
        first = audit_mod.make_entry(audit_mod.GENESIS, 1, ts, who, "create", "inspection", None,
                                     {"unit": unit, "checklist": checklist.id, "hash": checklist.content_hash})
        data = {
            "meta": {"1": meta},
            "checklist": {"1": {"json": snapshot, "hash": checklist.content_hash}},
            "results": {},
            "findings": {},
            "audit": {"1": first},
        }
        from .storage import atomic_write_bytes, encode

        if path.exists():  # pragma: no cover - ids are random
            raise InspectionError(f"文件已存在：{path}")
        atomic_write_bytes(path, encode(data))
        ins = Inspection.open(path, who=who)
        if not ins.readonly:
            with ins.storage.batch():
                ins._update_summary()
        return ins

    def resolve(self, ref: str | os.PathLike[str]) -> Path:
        """An inspection id, id prefix, or file path → the file path."""
        p = Path(ref)
        if p.suffix == SUFFIX and p.exists():
            return p
        if p.exists() and p.is_file():
            return p
        ref_s = str(ref)
        matches = [q for q in self.paths() if q.stem.endswith(ref_s) or ref_s in q.stem.split("-", 1)[-1]]
        exact = [q for q in self.paths() if q.stem.endswith("-" + ref_s)]
        if len(exact) == 1:
            return exact[0]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise InspectionError(f"“{ref_s}”对应多个检查，请写完整编号或文件路径")
        raise InspectionError(f"找不到检查“{ref_s}”（数据目录：{self.root}）")

    def open(self, ref: str | os.PathLike[str], readonly: bool = False, who: str | None = None) -> Inspection:
        return Inspection.open(self.resolve(ref), readonly=readonly, who=who)

    def summaries(self) -> list[InspectionSummary]:
        """Summaries of every inspection; unreadable files are listed with their error."""
        return [read_summary(p) for p in self.paths()]

    def iter_open(self, readonly: bool = True) -> Iterator[Inspection]:
        for p in self.paths():
            yield Inspection.open(p, readonly=readonly)


def read_summary(path: Path) -> InspectionSummary:
    """Read a file's summary without building its checklist (cached by size, mtime, inode
    and ctime: a same-size change within the mtime's resolution must not show a stale score)."""
    from ..checklist.cache import _cache_path  # same cache folder, keyed by path

    try:
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
        cache = _cache_path(path).with_name("summary-" + _cache_path(path).name)
        try:
            blob = json.loads(cache.read_text(encoding="utf-8"))
            if blob.get("stamp") == stamp:
                d = blob["summary"]
                d["path"] = path
                return InspectionSummary(**d)
        except Exception:  # noqa: BLE001
            pass
        data = AtomicJSONStorage(path, readonly=True).read() or {}
        meta = (data.get("meta") or {}).get("1")
        if not meta or meta.get("format") != FILE_FORMAT:
            raise CorruptInspection("不是 fzzf 检查文件")
        s = meta.get("summary") or {}
        summary = InspectionSummary(
            id=meta["id"],
            path=path,
            unit=meta.get("unit", ""),
            type=meta.get("type", ""),
            checklist_id=meta.get("checklist_id", ""),
            checklist_title=meta.get("checklist_title", ""),
            checklist_version=meta.get("checklist_version", ""),
            status=meta.get("status", IN_PROGRESS),
            progress=float(s.get("progress", 0)),
            total=float(s.get("total", 0)),
            percent=float(s.get("percent", 0)),
            grade=s.get("grade", ""),
            findings=int(s.get("findings", 0)),
            open_findings=int(s.get("open_findings", 0)),
            inspectors=list(meta.get("inspectors", [])),
            date=meta.get("date", ""),
            updated_at=meta.get("updated_at", ""),
            valued=int(s.get("valued", -1)),
            unscored=int(s.get("unscored", -1)),
        )
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            d = summary.to_dict()
            d.pop("path")
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"stamp": stamp, "summary": d}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, cache)
        except OSError:
            pass
        return summary
    except Exception as exc:  # noqa: BLE001 - listed with its error, never hidden
        return InspectionSummary(
            id=path.stem, path=path, unit="", type="", checklist_id="", checklist_title="", checklist_version="",
            status="无法读取", progress=0, total=0, percent=0, grade="", findings=0, open_findings=0,
            inspectors=[], date="", updated_at="", error=str(exc),
        )


__all__ = [
    "ARCHIVED", "FINISHED", "INSPECTION_STATUSES", "IN_PROGRESS", "Inspection", "InspectionStore",
    "InspectionSummary", "STATUSES", "read_summary", "verify_file",
]
