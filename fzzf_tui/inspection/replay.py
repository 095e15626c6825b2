"""Replaying the audit trail: each entry says exactly what it did to the inspection's state.

There is one path from entries to state, used three ways: applying a live change (the store
applies the entry it has just made durable), recovering after a crash (the journal tail is
replayed onto the last compacted state) and verifying (the whole chain is replayed from an
empty state and compared with what the file says).

An entry's change set (``set``) maps ``results`` (by item code), ``findings`` (by id) and
``meta`` (by key) to their new values (``None`` removes a result or finding) and ``tables``
(extra tables such as ``source_audits``) to their new documents; ``replace: true`` means the
state *is* the change set (the migration of a file written before entries carried their
changes). Simple edits of one result or finding leave ``set`` out: it is implied by
``target`` and ``new``. Undoable entries also carry ``was`` (the values before), unless
implied by ``old``. Undo and redo imply theirs from the entry they undo or redo.

Entries written before this format (see :func:`implied_changes`) are replayed as far as they
allow; what they cannot reproduce (the meta an inspection was created with, a merge's
payload, a seal) is marked *unknown* and left out of the comparison, with a note saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

CORE_TABLES = ("meta", "checklist", "results", "findings", "audit", "journal")
DERIVED_META = ("summary", "updated_at")  # caches recomputed by the app, never compared
SIMPLE = {
    "score": "results", "na": "results", "note": "results", "clear": "results",
    "finding.add": "findings", "finding.update": "findings", "finding.status": "findings",
}
PARTS = ("results", "findings", "meta", "tables")

Lookup = Callable[[int], Mapping[str, Any] | None]


@dataclass
class State:
    """What an inspection holds besides its snapshot and audit trail."""

    meta: dict[str, Any] = field(default_factory=dict)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    findings: dict[str, dict[str, Any]] = field(default_factory=dict)
    tables: dict[str, list[Any]] = field(default_factory=dict)  # extra tables
    # Legacy gaps: "results", "findings", "tables", "meta:*" (every key not in known_meta),
    # "meta:<key>".
    unknown: set[str] = field(default_factory=set)
    known_meta: set[str] = field(default_factory=set)

    @classmethod
    def from_tables(cls, tables: Mapping[str, Any]) -> "State":
        """The state stored in TinyDB-shaped tables (``{table: {doc_id: doc}}``)."""

        def docs(name: str) -> list[Any]:
            raw = tables.get(name) or {}
            if not isinstance(raw, dict):
                raise ValueError(f"表“{name}”不是对象")
            return [raw[k] for k in sorted(raw, key=_doc_key)]

        meta_docs = docs("meta")
        meta = meta_docs[0] if meta_docs else {}
        if not isinstance(meta, dict):
            raise ValueError("检查信息（meta）不是对象")
        results = {}
        for d in docs("results"):
            if not isinstance(d, dict) or not isinstance(d.get("code"), str):
                raise ValueError("评分记录缺少指标编号")
            results[d["code"]] = d
        findings = {}
        for d in docs("findings"):
            if not isinstance(d, dict) or not isinstance(d.get("id"), str):
                raise ValueError("问题记录缺少编号")
            findings[d["id"]] = d
        extra = {name: docs(name) for name in tables if name not in CORE_TABLES}
        return cls(dict(meta), results, findings, extra)

    def to_tables(self) -> dict[str, Any]:
        """TinyDB-shaped tables of the state (without ``checklist`` and ``audit``)."""
        out: dict[str, Any] = {
            "meta": {"1": self.meta},
            "results": {str(i): d for i, d in enumerate(self.results.values(), start=1)},
            "findings": {str(i): d for i, d in enumerate(self.findings.values(), start=1)},
        }
        for name, docs in self.tables.items():
            out[name] = {str(i): d for i, d in enumerate(docs, start=1)}
        return out

    def copy(self) -> "State":
        # documents are never changed in place (a change replaces them), so shallow copies do
        return State(dict(self.meta), dict(self.results), dict(self.findings), dict(self.tables),
                     set(self.unknown), set(self.known_meta))


def _doc_key(k: str) -> Any:
    try:
        return (0, int(k))
    except (TypeError, ValueError):
        return (1, str(k))


def empty_changes() -> dict[str, Any]:
    return {"results": {}, "findings": {}, "meta": {}, "tables": {}}


def normalise(changes: Mapping[str, Any]) -> dict[str, Any]:
    """A change set without empty parts (how it is written into an entry)."""
    out = {k: changes[k] for k in PARTS if changes.get(k)}
    if changes.get("replace"):
        out["replace"] = True
    return out


# -- what an entry changes -------------------------------------------------------------------
def implied_changes(entry: Mapping[str, Any], lookup: Lookup) -> dict[str, Any] | None:
    """The change set an entry without ``set`` stands for; None when it cannot be known."""
    action = entry.get("action")
    table = SIMPLE.get(str(action))
    if table is not None:
        return {table: {str(entry.get("target")): entry.get("new")}}
    if action == "undo":
        undone = lookup(_int(entry.get("undoes")))
        return inverse_changes(undone, lookup) if undone is not None else None
    if action == "redo":
        redone = lookup(_int(entry.get("redoes")))
        return entry_changes(redone, lookup) if redone is not None else None
    return None


def entry_changes(entry: Mapping[str, Any], lookup: Lookup) -> dict[str, Any] | None:
    if "set" in entry:
        return entry["set"] if isinstance(entry["set"], dict) else None
    return implied_changes(entry, lookup)


def inverse_changes(entry: Mapping[str, Any], lookup: Lookup) -> dict[str, Any] | None:
    """The change set that undoes ``entry`` (None when it cannot be undone)."""
    if "was" in entry:
        return entry["was"] if isinstance(entry["was"], dict) else None
    action = entry.get("action")
    table = SIMPLE.get(str(action))
    if table is not None:
        return {table: {str(entry.get("target")): entry.get("old")}}
    if action == "undo":
        undone = lookup(_int(entry.get("undoes")))
        return entry_changes(undone, lookup) if undone is not None else None
    if action == "redo":
        redone = lookup(_int(entry.get("redoes")))
        return inverse_changes(redone, lookup) if redone is not None else None
    return None


def _int(v: Any) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return -1


# -- applying ----------------------------------------------------------------------------------
def apply_changes(state: State, changes: Mapping[str, Any]) -> None:
    if changes.get("replace"):
        state.meta = {k: v for k, v in state.meta.items() if k in DERIVED_META}
        state.results, state.findings, state.tables = {}, {}, {}
        state.unknown.clear()
        state.known_meta.clear()
    for code, doc in (changes.get("results") or {}).items():
        if doc is None:
            state.results.pop(code, None)
        else:
            state.results[code] = doc
    for fid, doc in (changes.get("findings") or {}).items():
        if doc is None:
            state.findings.pop(fid, None)
        else:
            state.findings[fid] = doc
    for key, value in (changes.get("meta") or {}).items():
        state.meta[key] = value
        state.known_meta.add(key)
        state.unknown.discard(f"meta:{key}")
    for name, docs in (changes.get("tables") or {}).items():
        state.tables[name] = list(docs or [])


def _legacy(state: State, entry: Mapping[str, Any]) -> None:
    """Replay what an entry written before change sets existed allows; mark the rest unknown."""
    action, new, old = entry.get("action"), entry.get("new"), entry.get("old")
    if action == "create":
        state.unknown.add("meta:*")  # the meta it was created with was not recorded
    elif action == "info" and isinstance(new, dict):
        apply_changes(state, {"meta": new})
    elif action in ("finalize", "archive"):
        apply_changes(state, {"meta": {"status": new}})
        if action == "finalize":
            state.unknown.add("meta:seal")
    elif action == "reopen":
        apply_changes(state, {"meta": {"status": new, "seal": None}})
        state.unknown.add("meta:reopens")
    elif action == "resolve":
        code = str(entry.get("target"))
        apply_changes(state, {"results": {code: new}})
        conflicts = state.meta.get("conflicts")
        if isinstance(conflicts, list):
            state.meta["conflicts"] = [c for c in conflicts if not (isinstance(c, dict) and c.get("code") == code)]
    else:  # merge, follow-up and other bulk changes recorded only a summary
        state.unknown.update(("results", "findings", "tables", "meta:conflicts", "meta:merged_from"))
    del old


def apply_entry(state: State, entry: Mapping[str, Any], lookup: Lookup) -> None:
    """Apply one audit entry to ``state`` (the one replay step)."""
    changes = entry_changes(entry, lookup)
    if changes is None:
        _legacy(state, entry)
    else:
        apply_changes(state, changes)
    at = entry.get("at")
    if isinstance(at, str):
        state.meta["updated_at"] = at


def replay(entries: list[Mapping[str, Any]], start: State | None = None) -> State:
    """Replay ``entries`` (a whole chain, in order) onto ``start`` (an empty state by default)."""
    r = Replayer(start)
    for e in entries:
        r.feed(e)
    return r.state


class Replayer:
    """Replays entries one by one, keeping them (in ``entries``) for undo/redo look-ups.

    ``entries`` may already hold earlier entries (a checkpoint's), parsed lazily by the caller.
    """

    def __init__(self, start: State | None = None, entries: Any = None) -> None:
        self.state = start if start is not None else State()
        self.entries: Any = entries if entries is not None else []

    def lookup(self, seq: int) -> Mapping[str, Any] | None:
        if 1 <= seq <= len(self.entries):
            e = self.entries[seq - 1]
            if e.get("seq") == seq:
                return e
        return None

    def feed(self, entry: Mapping[str, Any]) -> None:
        apply_entry(self.state, entry, self.lookup)
        self.entries.append(entry)


# -- comparing ---------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """JSON-shaped copy (tuples → lists) so in-memory and parsed values compare equal."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _short(text: Any, n: int = 16) -> str:
    s = str(text or "")
    return s if len(s) <= n else s[:n] + "…"


def _show(value: Any) -> str:
    if value is None:
        return "无"
    if isinstance(value, dict):
        if "code" in value and "na" in value:
            if value.get("na"):
                return f"不涉及（{_short(value.get('na_reason'))}）"
            return "未评" if value.get("value") is None else f"“{value.get('value')}”"
        return "…"
    if isinstance(value, str):
        return f"“{_short(value, 24)}”" if value else "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return str(value)
    return "…"


FIELD_NAMES = {
    "value": "评分", "na": "不涉及", "na_reason": "不涉及理由", "note": "备注", "by": "评分人", "at": "评分时间",
    "description": "问题描述", "item_code": "指标编号", "evidence": "佐证材料", "severity": "严重程度",
    "requirement": "整改要求", "units": "责任单位", "due": "整改时限", "status": "整改状态", "review": "复查意见",
    "history": "处理记录", "created_by": "记录人", "created_at": "记录时间", "updated_at": "修改时间", "origin": "原问题",
    "measures": "整改措施及完成情况", "provenance": "合并来源",
}


def _field_diff(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> str:
    if a is None or b is None:
        return ""
    for k in list(a) + [k for k in b if k not in a]:
        if _plain(a.get(k)) != _plain(b.get(k)):
            return f"{FIELD_NAMES.get(k, k)}：审计记录为 {_show(a.get(k))}，文件中为 {_show(b.get(k))}"
    return ""


def differences(replayed: State, stored: State, order: list[str] | None = None, limit: int = 5) -> list[str]:
    """Where the stored state differs from the replayed one, first item/finding first.

    ``order`` lists item codes in checklist order (so the first item named is the first on
    paper). Parts a legacy chain cannot reproduce are skipped.
    """
    out: list[str] = []
    if "results" not in replayed.unknown:
        codes = set(replayed.results) | set(stored.results)
        ranked = {c: i for i, c in enumerate(order or [])}
        for code in sorted(codes, key=lambda c: (ranked.get(c, len(ranked)), c)):
            a, b = replayed.results.get(code), stored.results.get(code)
            if _plain(a) != _plain(b):
                if a is None:
                    what = "文件中有评分，审计记录中没有"
                elif b is None:
                    what = "审计记录中有评分，文件中没有"
                else:
                    what = _field_diff(a, b)
                out.append(f"指标 {code} 的评分与审计记录不符（{what}）")
                if len(out) >= limit:
                    return out
    if "findings" not in replayed.unknown:
        ids = set(replayed.findings) | set(stored.findings)

        def when(fid: str) -> tuple[str, str]:
            d = replayed.findings.get(fid) or stored.findings.get(fid) or {}
            return (str(d.get("created_at", "")), fid)

        for fid in sorted(ids, key=when):
            a, b = replayed.findings.get(fid), stored.findings.get(fid)
            if _plain(a) != _plain(b):
                d = a or b or {}
                name = f"问题 {fid}“{_short(d.get('description'))}”"
                if a is None:
                    what = "文件中有此问题，审计记录中没有"
                elif b is None:
                    what = "审计记录中有此问题，文件中没有"
                else:
                    what = _field_diff(a, b)
                out.append(f"{name}与审计记录不符（{what}）")
                if len(out) >= limit:
                    return out
    keys = (set(replayed.meta) | set(stored.meta)) - set(DERIVED_META)
    for key in sorted(keys):
        if f"meta:{key}" in replayed.unknown or ("meta:*" in replayed.unknown and key not in replayed.known_meta):
            continue
        a, b = replayed.meta.get(key), stored.meta.get(key)
        if _plain(a) != _plain(b) and not (a is None and key not in stored.meta) and not (b is None and key not in replayed.meta):
            out.append(f"检查信息“{key}”与审计记录不符（审计记录为 {_show(a)}，文件中为 {_show(b)}）")
            if len(out) >= limit:
                return out
    if "tables" not in replayed.unknown:
        for name in sorted(set(replayed.tables) | set(stored.tables)):
            if _plain(replayed.tables.get(name) or []) != _plain(stored.tables.get(name) or []):
                out.append(f"附表“{name}”与审计记录不符")
                if len(out) >= limit:
                    return out
    return out


def gaps(state: State) -> list[str]:
    """Plain words for what a legacy chain could not reproduce (for the verify report)."""
    notes = []
    if "results" in state.unknown or "findings" in state.unknown:
        notes.append("文件含旧版批量记录（如合并），其评分和问题无法逐条重放核对")
    if "meta:*" in state.unknown:
        notes.append("旧版文件未记录创建时的检查信息，检查信息仅核对其后的修改")
    if "meta:seal" in state.unknown:
        notes.append("旧版封存记录未写入审计链，封存仅按内容哈希核对")
    return notes


__all__ = [
    "CORE_TABLES", "DERIVED_META", "Replayer", "SIMPLE", "State", "apply_changes", "apply_entry", "differences",
    "empty_changes", "entry_changes", "gaps", "implied_changes", "inverse_changes", "normalise", "replay",
]
