"""Undo and redo, each itself an audited change (a part of :class:`.store.Inspection`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .findings import Finding
from .history import UndoStack, describe
from .replay import entry_changes, inverse_changes
from .scoring import Result

if TYPE_CHECKING:
    from .store import Inspection

    _Base = Inspection
else:
    _Base = object


class UndoMixin(_Base):
    @property
    def _undo(self) -> UndoStack:
        if self._undo_stack is None:
            stack = UndoStack()
            for e in self.storage.entries:
                stack.feed(e)
            self._undo_stack = stack
        return self._undo_stack

    def last_undoable(self) -> dict[str, Any] | None:
        """The entry :meth:`undo` would revert (None if there is nothing to undo)."""
        if not self._undo.done:
            return None
        e = self.storage.lookup(self._undo.done[-1])
        return dict(e) if e else None

    def last_redoable(self) -> dict[str, Any] | None:
        """The entry :meth:`redo` would re-apply (None if there is nothing to redo)."""
        if not self._undo.undone:
            return None
        e = self.storage.lookup(self._undo.undone[-1])
        return dict(e) if e else None

    def _apply_changes(self, changes: dict[str, Any]) -> None:
        for code, doc in (changes.get("results") or {}).items():
            self._put_result(Result.from_dict(doc) if doc else None, code)
        for fid, doc in (changes.get("findings") or {}).items():
            self._put_finding(Finding.from_dict(doc) if doc else None, fid)
        if changes.get("meta"):
            self._set_meta(**changes["meta"])
        for name, docs in (changes.get("tables") or {}).items():
            self._put_table(name, docs)

    def undo(self) -> str | None:
        """Revert the latest change not yet undone; the undo is itself audited.

        Returns what was undone in plain Chinese, naming the item (code and title) or the
        finding (its first words and item) and the values, e.g.
        “已撤销：指标 1.2.3《…》的评分（2 → 未评）”; None if there is nothing to undo.
        """
        self._require_writable()
        entry = self.last_undoable()
        if entry is None:
            return None
        changes = inverse_changes(entry, self.storage.lookup)
        if changes is None:
            return None
        self._write("undo", entry["target"], entry["new"], entry["old"], lambda: self._apply_changes(changes),
                    undoes=entry["seq"])
        return describe(self.checklist, entry, undo=True)

    def redo(self) -> str | None:
        """Re-apply the latest undone change (audited); None if there is nothing to redo."""
        self._require_writable()
        entry = self.last_redoable()
        if entry is None:
            return None
        changes = entry_changes(entry, self.storage.lookup)
        if changes is None:
            return None
        self._write("redo", entry["target"], entry["old"], entry["new"], lambda: self._apply_changes(changes),
                    redoes=entry["seq"])
        return describe(self.checklist, entry, undo=False)
