"""An open inspection: its state, every change one durable audit entry, undo/redo, lifecycle.

The file (:mod:`.storage`) holds the state as TinyDB tables on its first line and appends one
journal line per change. Tables:

* ``meta``      one document: unit, type, checklist id/version/hash, inspectors, dates, status,
                seal, reopen history, merge conflicts, and a cached summary for fast listing
* ``checklist`` one document: the checklist snapshot (canonical JSON) the inspection is scored
                against; later edits to the checklist file never change it
* ``results``   one document per leaf item that has a result
* ``findings``  one document per 问题
* ``audit``     the hash-chained log; each entry says what it changed (:mod:`.replay`), so the
                state can always be rebuilt from it and checked against it (:mod:`.verify`)

Every change goes through :meth:`Inspection._write` (or :meth:`Inspection.bulk_apply`): the
``apply`` callback changes state only through ``_put_result``, ``_put_finding``,
``_set_meta`` and ``_put_table``, which record the change set; the entry is made durable,
then applied with the same replay step that opening and ``verify`` use.

The class is put together from parts kept in their own modules: recording and editing findings
(:mod:`.finding_edits`), merge conflicts and their resolution (:mod:`.conflicts`), undo/redo
(:mod:`.undo`). They change state only through the methods above.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from tinydb import TinyDB

from ..checklist.loading import checklist_from_dict
from ..checklist.snapshot import checklist_from_snapshot
from ..checklist.model import Checklist, canonical_json, snapshot_hash
from ..errors import CorruptInspection, InvalidValue, ReadOnlyInspection
from ..fileio import check_text, remove_stale_temps
from . import trust
from .findings import STATUSES, Finding
from .conflicts import ConflictsMixin
from .finding_edits import FindingsMixin, check_finding_texts, check_result_texts
from .history import UNDOABLE
from .lock import InspectionLock, current_user
from .replay import DERIVED_META, empty_changes, implied_changes, inverse_changes, normalise
from .scoring import Result, ScoreReport, score_inspection, validate_value
from .status import ARCHIVED, FILE_FORMAT, FINISHED, IN_PROGRESS, INSPECTION_STATUSES, SUFFIX, now_iso
from .storage import LAYOUT, JournalStorage
from .undo import UndoMixin

if TYPE_CHECKING:
    from . import audit as audit_mod
    from .history import UndoStack

# Re-serialise the snapshot on open to prove it is canonical (``fzzf verify`` always does).
_PARANOID = os.environ.get("FZZF_PARANOID") == "1"


def _audit():
    """The audit-chain module, imported with the first change or check (opening a file this
    machine wrote needs neither, and the first frame comes sooner without it)."""
    from . import audit

    return audit


def __getattr__(name: str) -> Any:
    # verify_file / verify_tables (verify_data, its earlier name): re-exported lazily
    if name in ("verify_file", "verify_tables", "verify_data"):
        from . import verify

        return verify.verify_tables if name == "verify_data" else getattr(verify, name)
    raise AttributeError(name)


class TamperedInspection(CorruptInspection):
    """A file from elsewhere whose stored state does not follow from its audit trail."""

    def __init__(self, message: str, report: "audit_mod.VerifyReport") -> None:
        super().__init__(message)
        self.report = report


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False))


def summary_of(report: ScoreReport, findings: Iterable[Finding]) -> dict[str, Any]:
    """The cached summary shown by ``fzzf list`` and the home screen."""
    findings = list(findings)
    return {
        **report.summary_dict(),  # the engine's numbers, rounded by its one rule
        "findings": len(findings),
        "open_findings": sum(1 for f in findings if f.is_open),
    }


_SNAPSHOTS: dict[str, Checklist] = {}  # built checklists by snapshot hash (they are immutable)
_SNAPSHOTS_KEPT = 4


def _snapshot_checklist(text: str, where: str, trusted: bool = False) -> Checklist:
    """The checklist of a stored snapshot, built once per process for each distinct snapshot.

    The snapshot is stored in canonical JSON, so its SHA-256 is the content hash: checking the
    string is enough (and much cheaper than re-serialising the tree). ``trusted``: the file is
    one this machine wrote or verified, so its snapshot passed validation when it was made and
    is rebuilt without validating it again (``checklist/snapshot.py``); the caller still checks
    the hash against the inspection's record.
    """
    stored_hash = snapshot_hash(text)
    cached = _SNAPSHOTS.get(stored_hash)
    if cached is not None and not _PARANOID:
        return cached
    if trusted and not _PARANOID:
        checklist = checklist_from_snapshot(json.loads(text), where)
    else:
        checklist = checklist_from_dict(json.loads(text), where)
    if _PARANOID and canonical_json(checklist.to_dict()) != text:
        stored_hash = ""
    object.__setattr__(checklist, "_hash", stored_hash)
    if stored_hash:
        if len(_SNAPSHOTS) >= _SNAPSHOTS_KEPT:
            _SNAPSHOTS.pop(next(iter(_SNAPSHOTS)))
        _SNAPSHOTS[stored_hash] = checklist
    return checklist


class _Recorder:
    """The change set (and the values before it) that one ``apply`` callback makes."""

    def __init__(self) -> None:
        self.changes = empty_changes()
        self.was = empty_changes()

    def note(self, part: str, key: str, before: Any, after: Any) -> None:
        if key not in self.was[part]:
            self.was[part][key] = before
        self.changes[part][key] = after


class Inspection(FindingsMixin, ConflictsMixin, UndoMixin):
    """An open inspection. Use :meth:`InspectionStore.open` or ``Inspection.open(path)``.

    A file this machine did not write (or already verify) in its current form is verified in
    full before it is used; one that fails raises :class:`TamperedInspection`.
    """

    def __init__(self, path: Path, readonly: bool = False, who: str | None = None) -> None:
        self.path = Path(path)
        self.who = who or current_user()
        self.lock: InspectionLock | None = None
        self.readonly = readonly
        self._rec: _Recorder | None = None
        if not readonly:
            self.lock = InspectionLock(self.path)
            self.lock.acquire()
        try:
            if not readonly:
                remove_stale_temps(self.path.parent)  # ours only ever: their writers are dead
            self.storage = JournalStorage(self.path, readonly=readonly)
            self.db = TinyDB(storage=lambda: self.storage)  # type: ignore[arg-type]
            trusted = trust.is_trusted(self.path, self.storage.loaded.image.sha256)
            self._load(trusted)
            self.storage.derive = self._derived
            # The summary a file carries (what lists show) is derived, so verify ignores it; a
            # file is only trusted with it when it says what the record scores to.
            self._summary_checked = trusted
            if not trusted:
                report = self.verify(deep=True)
                if not report.ok:
                    raise TamperedInspection(
                        f"检查文件未通过校验，内容与审计记录不符（文件可能被改动）：{report.problems[0]}"
                        f"（详见 fzzf verify）：{self.path}", report)
                self._summary_checked = self.meta.get("summary") == self._derived()["summary"]
                if self.storage.sha256 and self._summary_checked:
                    trust.remember(self.path, self.storage.sha256)
        except BaseException:
            if getattr(self, "storage", None) is not None:
                self.storage.close()
            if self.lock is not None:
                self.lock.release()
            raise

    # -- opening ---------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str], readonly: bool = False, who: str | None = None) -> "Inspection":
        return cls(Path(path), readonly=readonly, who=who)

    def _load(self, trusted: bool = False) -> None:
        loaded = self.storage.loaded
        meta = loaded.state.meta
        if not meta or not loaded.checklist_doc:
            missing = "meta" if not meta else "checklist"
            raise CorruptInspection(f"检查文件缺少“{missing}”部分，不是有效的检查文件：{self.path}")
        if meta.get("format") != FILE_FORMAT:
            raise CorruptInspection(f"不是 fzzf 检查文件（格式标记不符）：{self.path}")
        snap = loaded.checklist_doc
        try:
            self.checklist: Checklist = _snapshot_checklist(snap["json"], f"{self.path} 中的清单快照", trusted)
        except Exception as exc:  # noqa: BLE001
            raise CorruptInspection(f"检查文件中的清单快照无法读取：{self.path}（{exc}）") from None
        if self.checklist.content_hash != meta.get("checklist_hash"):
            raise CorruptInspection(
                f"检查文件中的清单快照与记录的哈希不符（文件可能被改动）：{self.path}"
            )
        self.meta: dict[str, Any] = dict(meta)
        try:
            self._results = {code: Result.from_dict(d) for code, d in loaded.state.results.items()}
            self._findings = {fid: Finding.from_dict(d) for fid, d in loaded.state.findings.items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise CorruptInspection(f"检查文件中的评分或问题记录无法读取（{exc}）：{self.path}") from None
        self._report: ScoreReport | None = None
        entries = loaded.entries
        # an earlier release's file: its creation entry did not record the meta it created
        self._legacy = loaded.image.layout != LAYOUT and not any(
            e.get("action") in ("create", "migrate") and "set" in e for e in entries)
        self._undo_stack: UndoStack | None = None  # built from the whole trail when first needed

    def _derived(self) -> dict[str, Any]:
        return {"summary": summary_of(self.score(), self._findings.values())}

    def close(self) -> None:
        if getattr(self, "storage", None) is None:
            return
        compacted = False
        if not self.readonly and self.storage.needs_compaction:
            try:
                self.storage.compact()  # writes the derived summary afresh
                compacted = True
            except OSError:
                pass  # every change is already durable in the journal; compaction retries next time
        if not self.readonly and self.storage.sha256 and (compacted or getattr(self, "_summary_checked", False)):
            trust.remember(self.path, self.storage.sha256)
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
        return [dict(e) for e in self.storage.entries]

    @property
    def audit_head(self) -> str:
        return self.storage.head

    def tables(self) -> dict[str, Any]:
        """The whole inspection as TinyDB tables, as a compacted file holds it (for bundles)."""
        tables = self.storage.loaded.tables()
        tables["meta"] = {"1": {**tables["meta"]["1"], **self._derived()}}
        return tables

    # -- writing -----------------------------------------------------------------
    def _require_writable(self, allow_sealed: bool = False) -> None:
        if self.readonly:
            raise ReadOnlyInspection("此检查以只读方式打开（可能正由他人编辑），不能修改")
        if not allow_sealed and self.status != IN_PROGRESS:
            raise ReadOnlyInspection(f"检查状态为“{self.status}”，已封存；如需修改，请先重新打开并说明原因")

    def _write(self, action: str, target: str, old: Any, new: Any, apply: Callable[[], Any], **extra: Any) -> dict[str, Any]:
        """Apply a change and make its audit entry durable (all or nothing); returns the entry.

        ``apply`` changes the state only through ``_put_result``, ``_put_finding``,
        ``_set_meta`` and ``_put_table``; what it changes is recorded in the entry (``set``,
        and ``was`` for undoable actions) unless ``action``/``target``/``new`` imply it.
        """
        if self._rec is not None:
            raise RuntimeError("_write cannot be nested")
        saved = (dict(self._results), dict(self._findings), dict(self.meta))
        self._rec = _Recorder()
        self._report = None
        try:
            apply()
            rec = self._rec
            self._rec = None
            if self._legacy:
                self._migrate()
            changes = _plain(normalise(rec.changes))
            was = _plain(normalise(rec.was))
            probe = {"action": action, "target": target, "old": old, "new": new, **extra}
            fields = dict(extra)
            implied = implied_changes(probe, self.storage.lookup)
            if implied is None or _plain(implied) != changes:
                fields["set"] = changes
            if action in UNDOABLE and ("set" in fields or _plain(inverse_changes(probe, self.storage.lookup)) != was):
                fields["was"] = was
            audit = _audit()
            entry = audit.make_entry(self.storage.head or audit.GENESIS, len(self.storage.entries) + 1, now_iso(),
                                     self.who, action, target, _plain(old), _plain(new), **fields)
            self.storage.commit(entry)
        except BaseException:
            # Nothing reached the disk: restore memory to what is saved.
            self._rec = None
            self._results, self._findings, self.meta = saved
            self._report = None
            raise
        self.meta["updated_at"] = entry["at"]
        if self._undo_stack is not None:
            self._undo_stack.feed(entry)
        if _PARANOID:
            self._check_replayed()
        return entry

    def _check_replayed(self) -> None:
        state = self.storage.state
        assert {k: v.to_dict() for k, v in self._results.items()} == _plain(state.results), "results differ from replay"
        assert _plain({k: v.to_dict() for k, v in self._findings.items()}) == _plain(state.findings), "findings differ"
        mine = {k: v for k, v in self.meta.items() if k not in DERIVED_META}
        theirs = {k: v for k, v in state.meta.items() if k not in DERIVED_META}
        assert _plain(mine) == _plain(theirs), "meta differs from replay"

    def _migrate(self) -> None:
        """First change to a file of an earlier release: record its whole state in the chain
        (entry ``migrate``), so everything after it replays and verifies exactly."""
        state = self.storage.state
        changes = {
            "replace": True,
            "results": dict(state.results),
            "findings": dict(state.findings),
            "meta": {k: v for k, v in state.meta.items() if k not in DERIVED_META},
            "tables": dict(state.tables),
        }
        entry = _audit().make_entry(self.storage.head, len(self.storage.entries) + 1, now_iso(), self.who, "migrate",
                                     "inspection", None, {"from": "单文件旧格式"}, set=_plain(changes))
        self.storage.commit(entry, rewrite=True)
        self._legacy = False
        if self._undo_stack is not None:
            self._undo_stack.feed(entry)

    def _recorder(self) -> _Recorder:
        if self._rec is None:
            raise RuntimeError("state changes must happen inside Inspection._write (so they are audited)")
        return self._rec

    def _put_result(self, result: Result | None, code: str) -> None:
        rec = self._recorder()
        before = self._results.get(code)
        rec.note("results", code, before.to_dict() if before else None, result.to_dict() if result else None)
        if result is None:
            self._results.pop(code, None)
        else:
            self._results[code] = result

    def _put_finding(self, finding: Finding | None, fid: str) -> None:
        rec = self._recorder()
        before = self._findings.get(fid)
        rec.note("findings", fid, before.to_dict() if before else None, finding.to_dict() if finding else None)
        if finding is None:
            self._findings.pop(fid, None)
        else:
            self._findings[fid] = finding

    def _set_meta(self, **fields: Any) -> None:
        rec = self._recorder()
        for key, value in fields.items():
            if key in DERIVED_META:
                continue
            rec.note("meta", key, self.meta.get(key), value)
            self.meta[key] = value

    def _put_table(self, name: str, docs: Iterable[Any]) -> None:
        if name in ("meta", "checklist", "results", "findings", "audit"):
            raise ValueError(f"table {name!r} is not an extra table")
        rec = self._recorder()
        rec.note("tables", name, list(self.storage.state.tables.get(name, [])), list(docs))

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
            note=(old.note if old else "") if note is None else check_text(note.strip(), f"指标 {code} 的备注"),
            by=self.who,
            at=now_iso(),
            evidence=old.evidence if old else (),
        )
        self._write("score", code, old.to_dict() if old else None, new.to_dict(), lambda: self._put_result(new, code))
        return new

    def set_na(self, code: str, reason: str, note: str | None = None) -> Result:
        """Mark a leaf 不涉及; a reason is mandatory."""
        self._require_writable()
        self._leaf(code)
        reason = check_text((reason or "").strip(), f"指标 {code} 的不涉及理由")
        if not reason:
            raise InvalidValue(f"标记指标 {code} 为“不涉及”必须填写理由")
        old = self._results.get(code)
        note_s = (old.note if old else "") if note is None else check_text(note.strip(), f"指标 {code} 的备注")
        new = Result(code, None, True, reason, note_s, self.who, now_iso(), old.evidence if old else ())
        self._write("na", code, old.to_dict() if old else None, new.to_dict(), lambda: self._put_result(new, code))
        return new

    def set_note(self, code: str, note: str) -> Result:
        self._require_writable()
        self._leaf(code)
        note = check_text(note.strip(), f"指标 {code} 的备注")
        old = self._results.get(code)
        base = old or Result(code)
        new = Result(code, base.value, base.na, base.na_reason, note, self.who, now_iso(), base.evidence)
        self._write("note", code, old.to_dict() if old else None, new.to_dict(), lambda: self._put_result(new, code))
        return new

    def clear(self, code: str) -> None:
        """Remove the result of a leaf (back to 未评)."""
        self._require_writable()
        self._leaf(code)
        old = self._results.get(code)
        if old is None:
            return
        # 佐证材料 attached to the item stay: clearing is about the score, not the evidence
        kept = Result(code, evidence=old.evidence, by=self.who, at=now_iso()) if old.evidence else None
        if kept is not None and not old.is_scored and not old.note:
            return
        self._write("clear", code, old.to_dict(), kept.to_dict() if kept else None, lambda: self._put_result(kept, code))

    # -- lifecycle -----------------------------------------------------------------
    def update_info(self, **fields: Any) -> None:
        """Change unit, inspectors or dates of an inspection in progress."""
        self._require_writable()
        allowed = {"unit", "inspectors", "date", "end_date", "title"}
        unknown = set(fields) - allowed
        if unknown:
            raise InvalidValue(f"不能修改这些检查信息：{', '.join(sorted(unknown))}")
        if "unit" in fields and not str(fields["unit"]).strip():
            raise InvalidValue("被检查单位不能为空")
        for key in ("unit", "title"):
            if key in fields:
                check_text(str(fields[key]), "被检查单位" if key == "unit" else "检查名称")
        old = {k: self.meta.get(k) for k in fields}
        self._write("info", "meta", old, fields, lambda: self._set_meta(**fields))

    def finalize(self) -> None:
        """完成: seal results and findings; further changes need :meth:`reopen`."""
        self._require_writable()
        pending = self.open_conflicts()
        if pending:
            shown = "；".join(pending[:5]) + (f" 等 {len(pending)} 处" if len(pending) > 5 else "")
            raise InvalidValue(f"还有 {len(pending)} 处合并冲突未处理，不能完成检查：{shown}。"
                               "请先处理冲突（fzzf conflicts / fzzf resolve，或在界面中按 c）")
        audit = _audit()
        content = audit.content_digest((r.to_dict() for r in self._results.values()),
                                       (f.to_dict() for f in self._findings.values()))
        seal = audit.make_seal(self.id, len(self.storage.entries) + 1, self.storage.head, content, now_iso(), self.who,
                               audit.office_key())
        self._write("finalize", "status", IN_PROGRESS, FINISHED, lambda: self._set_meta(status=FINISHED, seal=seal))

    def reopen(self, reason: str) -> None:
        self._require_writable(allow_sealed=True)
        reason = check_text((reason or "").strip(), "重新打开的原因")
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
            check_result_texts(r)
        for f in findings:
            check_finding_texts(f)

        def apply() -> None:
            for r in results:
                self._put_result(r, r.code)
            for f in findings:
                self._put_finding(f, f.id)
            if meta:
                self._set_meta(**meta)
            for name, docs in (tables or {}).items():
                self._put_table(name, docs)

        self._write(action, "inspection", None, detail, apply)

    # -- verification -------------------------------------------------------------------
    def verify(self, deep: bool = False) -> "audit_mod.VerifyReport":
        """Replay the audit chain and check the state, snapshot and seal against it."""
        from .verify import verify_loaded

        return verify_loaded(self.storage.loaded, self.checklist, deep=deep)



__all__ = [
    "ARCHIVED", "FILE_FORMAT", "FINISHED", "INSPECTION_STATUSES", "IN_PROGRESS", "Inspection",
    "STATUSES", "SUFFIX", "TamperedInspection", "UNDOABLE", "now_iso", "summary_of", "verify_data", "verify_file",
    "verify_tables",
]
