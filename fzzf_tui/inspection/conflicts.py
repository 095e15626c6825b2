"""Merge conflicts left in a merged inspection, and their resolution (a part of :class:`.store.Inspection`).

``fzzf merge`` (:mod:`.merge`) leaves two kinds in meta: ``conflicts`` — an item scored
differently, left without a result — and ``finding_conflicts`` — a field of a finding changed
differently, left at its base value. Each resolution is one audited write; ``finalize``
refuses while any is open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import InvalidValue
from .findings import Finding
from .history import finding_label, item_label
from .scoring import Result
from .status import now_iso

if TYPE_CHECKING:
    from .store import Inspection

    _Base = Inspection
else:
    _Base = object


class ConflictsMixin(_Base):
    def conflicts(self) -> list[dict[str, Any]]:
        """Merge conflicts left to resolve: ``{code, candidates: [{source, by, at, result}]}``."""
        return list(self.meta.get("conflicts") or [])

    def finding_conflicts(self) -> list[dict[str, Any]]:
        """Finding fields edited differently in merged copies:
        ``{finding, field, label, candidates: [{source, by, at, value}]}``."""
        return list(self.meta.get("finding_conflicts") or [])

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
            # a candidate that cleared the result (未评) leaves none
            self._put_result(chosen if chosen.is_scored else None, code)
            self._set_meta(conflicts=remaining)

        self._write("resolve", code, candidates, chosen.to_dict(), apply, pick=pick)
        return chosen

    def resolve_finding_conflict(self, finding_id: str, field: str, pick: int) -> Finding:
        """Resolve a finding-field conflict of a merge by taking candidate ``pick`` (1-based)."""
        self._require_writable()
        conflicts = self.finding_conflicts()
        current = self.finding(finding_id)
        found = next((c for c in conflicts if c.get("finding") == current.id and c.get("field") == field), None)
        if found is None:
            raise InvalidValue(f"问题 {current.id} 的“{field}”没有待处理的合并冲突")
        candidates = found["candidates"]
        if not 1 <= pick <= len(candidates):
            raise InvalidValue(f"该冲突有 {len(candidates)} 个候选值，请选择 1–{len(candidates)}")
        value = candidates[pick - 1]["value"]
        d = current.to_dict()
        d[field] = value
        ts = now_iso()
        d["history"] = list(d.get("history") or []) + [{"at": ts, "who": self.who, "action": "处理合并冲突", "fields": [field], "pick": pick}]
        d["updated_at"] = ts
        chosen = Finding.from_dict(d)
        remaining = [c for c in conflicts if c is not found]

        def apply() -> None:
            self._put_finding(chosen, current.id)
            self._set_meta(finding_conflicts=remaining)

        self._write("resolve.finding", current.id, {"field": field, "candidates": candidates}, chosen.to_dict(), apply,
                    pick=pick, field=field)
        return chosen

    def open_conflicts(self) -> list[str]:
        """Plain names of merge conflicts not yet resolved (finalize refuses while any remain)."""
        out = [f"{item_label(self.checklist, c.get('code'))}的评分" for c in self.conflicts()]
        for c in self.finding_conflicts():
            doc = self._findings.get(str(c.get("finding")))
            label = finding_label(self.checklist, doc.to_dict() if doc else {"description": c.get("finding")})
            out.append(f"{label}的{c.get('label') or c.get('field')}")
        return out
