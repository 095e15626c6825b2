"""Undo and redo over the audit trail, and plain words for what a step undid or redid.

Undo reverts the latest change not yet undone (never across 完成/重新打开 or a bulk change);
redo re-applies the latest undone change; any other change empties the redo stack. Both are
ordinary audit entries (``undo`` with ``undoes``, ``redo`` with ``redoes``), so the stacks are
rebuilt from the chain when a file is opened.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..checklist.model import Checklist
from .replay import SIMPLE
from .scoring import Result, describe_value

# Actions undo may revert. Other modules may add theirs (a bulk change whose entry carries
# ``was`` can be undone like any other).
UNDOABLE = {"score", "na", "clear", "note", "finding.add", "finding.update", "finding.status", "evidence",
            "na.condition"}  # 不涉及 by condition (conditions.py): one step, undone as one


class UndoStack:
    """Seqs of changes that undo (``done``) and redo (``undone``) would act on, latest last."""

    def __init__(self) -> None:
        self.done: list[int] = []
        self.undone: list[int] = []

    def feed(self, entry: Mapping[str, Any]) -> None:
        action = entry.get("action")
        if action == "undo":
            seq = entry.get("undoes")
            if self.done and self.done[-1] == seq:
                self.undone.append(self.done.pop())
            else:  # not what this stack would have undone: start afresh
                self.done.clear()
                self.undone.clear()
        elif action == "redo":
            seq = entry.get("redoes")
            if self.undone and self.undone[-1] == seq:
                self.done.append(self.undone.pop())
            else:
                self.done.clear()
                self.undone.clear()
        elif action in UNDOABLE:
            self.done.append(int(entry["seq"]))
            self.undone.clear()
        else:
            self.done.clear()
            self.undone.clear()


ACTION_WORDS = {"score": "评分", "na": "不涉及标记", "clear": "清除评分", "note": "备注", "evidence": "佐证材料"}
FIELD_WORDS = {
    "description": "问题描述", "item_code": "关联指标", "severity": "严重程度", "requirement": "整改要求",
    "units": "责任单位", "due": "整改时限", "evidence": "佐证材料", "review": "复查意见",
}


def _short(text: Any, n: int) -> str:
    s = " ".join(str(text or "").split())
    return s if len(s) <= n else s[:n] + "…"


def item_label(checklist: Checklist, code: str | None) -> str:
    """``指标 1.2.3《标题…》`` (or ``整体`` for a finding on no item)."""
    if not code:
        return "整体"
    if checklist.has_item(code):
        return f"指标 {code}《{_short(checklist.item(code).title, 18)}》"
    return f"指标 {code}"


def _result_text(checklist: Checklist, code: str, doc: Mapping[str, Any] | None, action: str) -> str:
    if action == "note":
        note = (doc or {}).get("note")
        return f"“{_short(note, 12)}”" if note else "无备注"
    result = Result.from_dict(doc) if doc else None
    if checklist.has_item(code):
        return describe_value(checklist.item(code), result)
    if result is None or not result.is_scored:
        return "未评"
    return "不涉及" if result.na else str(result.value)


def _files(doc: Mapping[str, Any] | None) -> str:
    n = sum(1 for e in (doc or {}).get("evidence") or () if isinstance(e, Mapping) and e.get("sha256"))
    return f"{n} 份" if n else "无"


def finding_label(checklist: Checklist, doc: Mapping[str, Any] | None) -> str:
    doc = doc or {}
    return f"问题“{_short(doc.get('description'), 12)}”（{item_label(checklist, doc.get('item_code'))}）"


def describe(checklist: Checklist, entry: Mapping[str, Any], undo: bool) -> str:
    """What undoing (or redoing) ``entry`` does, e.g. 已撤销：指标 1.2.3《…》的评分（2 → 未评）."""
    verb = "已撤销" if undo else "已重做"
    action, target = str(entry.get("action")), str(entry.get("target"))
    old, new = entry.get("old"), entry.get("new")
    before, after = (new, old) if undo else (old, new)
    table = SIMPLE.get(action)
    if action == "evidence":
        a, b = (_files(before), _files(after))
        return f"{verb}：{item_label(checklist, target)}的佐证材料（{a} → {b}）"
    if table == "results":
        a = _result_text(checklist, target, before, action)
        b = _result_text(checklist, target, after, action)
        return f"{verb}：{item_label(checklist, target)}的{ACTION_WORDS[action]}（{a} → {b}）"
    if action == "finding.add":
        label = finding_label(checklist, new)
        return f"{verb}：新增{label}" + ("，该问题已移除" if undo else "，该问题已恢复")
    if action == "finding.update":
        label = finding_label(checklist, old if undo else new)
        o, n = old or {}, new or {}
        fields = [k for k in FIELD_WORDS if o.get(k) != n.get(k)]
        if len(fields) == 1:
            k = fields[0]
            a, b = (n.get(k), o.get(k)) if undo else (o.get(k), n.get(k))
            show = (lambda v: "、".join(v) or "无") if k == "units" else (lambda v: f"“{_short(v, 12)}”" if v else "无")
            if k == "evidence":
                show = lambda v: f"文件 {sum(1 for e in v or [] if e.get('sha256'))} 份"  # noqa: E731
            return f"{verb}：{label}的{FIELD_WORDS[k]}修改（{show(a)} → {show(b)}）"
        names = "、".join(FIELD_WORDS[k] for k in fields) or "内容"
        return f"{verb}：{label}的修改（{names}）"
    if action == "finding.status":
        label = finding_label(checklist, new)
        a, b = ((new or {}).get("status"), (old or {}).get("status")) if undo else ((old or {}).get("status"), (new or {}).get("status"))
        if a == b:
            return f"{verb}：{label}的复查意见"
        return f"{verb}：{label}的整改状态（{a} → {b}）"
    if action == "na.condition":
        from .conditions import describe as describe_condition

        return f"{verb}：{describe_condition(entry)}"
    changes = entry.get("set") or {}
    n_results, n_findings = len(changes.get("results") or {}), len(changes.get("findings") or {})
    parts = [f"评分 {n_results} 项" if n_results else "", f"问题 {n_findings} 个" if n_findings else ""]
    counted = "、".join(p for p in parts if p)
    return f"{verb}：“{action}”操作" + (f"（{counted}）" if counted else "")


__all__ = ["UNDOABLE", "UndoStack", "describe", "finding_label", "item_label"]
