"""Verifying an inspection: the audit chain is the record, the stored state must follow from it.

:func:`verify_loaded` checks, in order: the JSON is not absurdly nested; the hash chain is
whole; the checklist snapshot is the one pinned at creation; replaying every entry from an
empty state (:mod:`.replay`) gives exactly the results, findings, meta and extra tables the
file holds (naming the first item or finding that differs); every result belongs to a leaf
of the snapshot and holds a valid value; and a finished inspection's seal holds (content,
chain head, and the office key's signature when one is configured). ``fzzf verify``,
``import-bundle``, ``consolidate`` and opening a file this machine did not write all use it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

from ..checklist.loading import checklist_from_dict
from ..checklist.model import Checklist, snapshot_hash
from ..errors import FzzfError
from ..fileio import MAX_JSON_DEPTH, json_depth_exceeds
from . import audit as audit_mod
from .replay import Replayer, State, apply_changes, differences, gaps
from .status import ARCHIVED, FINISHED
from .storage import Loaded, load_file


def _snapshot(loaded: Loaded, problems: list[str], checklist: Checklist | None) -> Checklist | None:
    meta = loaded.state.meta
    snap = loaded.checklist_doc.get("json")
    if not isinstance(snap, str):
        problems.append("清单快照无法读取")
        return None
    digest = snapshot_hash(snap)
    if digest != meta.get("checklist_hash"):
        problems.append("清单快照与记录的清单哈希不符")
        return None
    created = loaded.entries[0] if loaded.entries else {}
    pinned = (created.get("new") or {}).get("hash") if created.get("action") == "create" else None
    if pinned and pinned != digest:
        problems.append("清单快照与创建时记录在审计链中的清单哈希不符（快照被替换）")
        return None
    if checklist is not None and checklist.content_hash == digest:
        return checklist
    try:
        return checklist_from_dict(json.loads(snap), "清单快照")
    except Exception:  # noqa: BLE001 - any failure to build it means the snapshot is unusable
        problems.append("清单快照无法读取")
        return None


def _check_against_snapshot(state: State, checklist: Checklist, problems: list[str]) -> None:
    from .scoring import validate_value

    for leaf in checklist.leaves():
        r = state.results.get(leaf.code)
        if r is None or r.get("na") or r.get("value") is None:
            continue
        if leaf.method == "yesno" and isinstance(r.get("value"), bool):
            continue  # the true/false an earlier release stored for 是/否 answers
        try:
            validate_value(leaf, r.get("value"))
        except (FzzfError, ValueError, TypeError):
            problems.append(f"指标 {leaf.code} 的评分“{r.get('value')}”不是该指标允许的值")
            return
    for code in state.results:
        if not checklist.has_item(code) or not checklist.item(code).is_leaf:
            problems.append(f"评分记录中的指标 {code} 不是清单快照中的末级指标")
            return
    for fid, f in state.findings.items():
        item = f.get("item_code")
        if item and not checklist.has_item(str(item)):
            problems.append(f"问题 {fid} 关联的指标 {item} 不在清单快照中")
            return


def verify_loaded(loaded: Loaded, checklist: Checklist | None = None, deep: bool = True) -> audit_mod.VerifyReport:
    """Verify a loaded file (``checklist``: the snapshot already built, to save rebuilding it).

    ``deep`` also checks the nesting depth (for data that came from elsewhere).
    """
    entries = loaded.entries
    try:
        too_deep = deep and (json_depth_exceeds(loaded.image.base, MAX_JSON_DEPTH)
                             or any(json_depth_exceeds(e, MAX_JSON_DEPTH) for e in entries))
    except FzzfError as exc:  # an entry line that cannot be read
        return audit_mod.VerifyReport(False, len(entries), [str(exc)])
    if too_deep:
        return audit_mod.VerifyReport(False, len(entries), [f"文件的 JSON 嵌套层数超过 {MAX_JSON_DEPTH} 层，不是有效的检查文件"])
    try:
        report = audit_mod.verify_chain(list(entries))
    except FzzfError as exc:
        return audit_mod.VerifyReport(False, len(entries), [str(exc)])
    except (TypeError, ValueError, RecursionError):
        return audit_mod.VerifyReport(False, len(entries), ["审计记录格式不对，无法校验"], 1)
    if not report.ok:
        return report
    problems = report.problems
    snapshot = _snapshot(loaded, problems, checklist)
    # replay from nothing; a migration entry (an earlier release's file, first written by this
    # one) states the whole state: what the chain before it gives must agree with it
    order = [leaf.code for leaf in snapshot.leaves()] if snapshot else None
    r = Replayer()
    for e in entries:
        changes = e.get("set")
        if e.get("action") == "migrate" and isinstance(changes, dict) and changes.get("replace"):
            stated = State()
            apply_changes(stated, changes)
            diffs = differences(r.state, stated, order, 3)
            if diffs:
                problems.append(f"第 {e.get('seq')} 条（旧版文件迁移）之前的内容与审计记录不符：" + "；".join(diffs))
                break
        try:
            r.feed(e)
        except (TypeError, ValueError, AttributeError, KeyError):
            problems.append(f"审计记录第 {e.get('seq')} 条（{e.get('action')}）无法重放")
            break
    if not problems:
        problems.extend(differences(r.state, loaded.state, order))
    if not problems and snapshot is not None:
        _check_against_snapshot(loaded.state, snapshot, problems)
    report.notes.extend(gaps(r.state))
    meta = loaded.state.meta
    if not problems and meta.get("status") in (FINISHED, ARCHIVED):
        seal = meta.get("seal")
        if not isinstance(seal, dict):
            problems.append("检查已完成，但缺少封存记录（seal）")
        else:
            content = audit_mod.content_digest(loaded.state.results.values(), loaded.state.findings.values())
            try:
                key = audit_mod.office_key()
            except audit_mod.OfficeKeyError as exc:
                key = None
                report.notes.append(str(exc))
            check = audit_mod.check_seal(seal, str(meta.get("id", "")), entries, content, key)
            problems.extend(check.problems)
            report.notes.extend(check.notes)
            report.signed = check.signed_by
    report.ok = not problems
    return report


def verify_tables(tables: Mapping[str, Any]) -> audit_mod.VerifyReport:
    """Verify an inspection given as TinyDB tables (a bundle's inspection.json)."""
    from .storage import load_tables

    try:
        loaded = load_tables(tables, "数据包")
    except FzzfError as exc:
        return audit_mod.VerifyReport(False, 0, [str(exc)])
    return verify_loaded(loaded)


def verify_file(path: str | os.PathLike[str]) -> audit_mod.VerifyReport:
    """Verify an inspection file (raises :class:`InspectionError` if it cannot be read at all)."""
    return verify_loaded(load_file(Path(path)))


# kept for callers of the earlier name
verify_data = verify_tables

__all__ = ["verify_data", "verify_file", "verify_loaded", "verify_tables"]
