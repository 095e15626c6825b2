"""回头看 (follow-up): a new inspection of the same unit with only the items that have open findings.

The follow-up's checklist is derived from the original snapshot: each item with an open
finding keeps its subtree and its ancestors (so codes and wording are unchanged). Each open
finding is copied with ``origin`` = the original finding's id, so the re-check can mark it
已销号 or keep it open; :func:`sync_back` writes those statuses back to the original.
"""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from typing import Any

from ..checklist.model import Checklist, Item
from ..errors import InspectionError
from .findings import Finding, status_path
from .folder import InspectionStore
from .store import Inspection, now_iso


def _prune(item: Item, keep: set[str]) -> Item | None:
    if item.code in keep:
        return item
    children = tuple(c for c in (_prune(ch, keep) for ch in item.children) if c is not None)
    if not children:
        return None
    return item._replace(children=children, points=sum(c.points for c in children if c.kind == item.kind))


def derive_checklist(original: Checklist, codes: set[str]) -> Checklist:
    items = tuple(c for c in (_prune(i, codes) for i in original.items) if c is not None)
    total = sum(i.points for i in items if i.kind == "normal")
    return dataclasses.replace(
        original,
        id=f"{original.id}.followup",
        title=f"{original.title}（回头看）",
        version=original.version,
        items=items,
        total=total,
        description=f"由清单 {original.id} {original.version}（{original.content_hash[:19]}…）中有未销号问题的指标生成。",
        _index={},
    )


def create_follow_up(original_path: Path, store: InspectionStore, who: str | None = None) -> Inspection:
    with Inspection.open(original_path, readonly=True) as orig:
        open_findings = [f for f in orig.findings() if f.is_open]
        if not open_findings:
            raise InspectionError(f"检查“{orig.unit}”没有未销号的问题，无需回头看")
        codes = {f.item_code for f in open_findings if f.item_code}
        checklist = derive_checklist(orig.checklist, codes) if codes else None
        if checklist is None or not checklist.items:
            # only inspection-level findings: keep the top-level sections so the file is valid
            checklist = derive_checklist(orig.checklist, {i.code for i in orig.checklist.items})
        extra = {"follow_up_of": {"id": orig.id, "file": str(orig.path), "checklist_hash": orig.meta["checklist_hash"]},
                 "type": orig.meta.get("type")}
        # an inspection of a 督察任务: the 回头看 belongs to it too, on its 回头看 date and with
        # its 整改时限 for new findings
        link = orig.meta.get("campaign")
        date_ = None
        if isinstance(link, dict):
            extra["campaign"] = link
            date_ = (link.get("dates") or {}).get("follow_up") or None
            if orig.meta.get("default_due"):
                extra["default_due"] = orig.meta["default_due"]
        ins = store.create(
            checklist,
            orig.unit,
            orig.meta.get("inspectors", []),
            date_,
            who=who,
            extra_meta=extra,
        )
        ts = now_iso()
        copies = [
            f._replace(
                id=uuid.uuid4().hex[:12],
                origin=f.id,
                history=f.history + ({"at": ts, "who": ins.who, "action": "回头看", "from_inspection": orig.id},),
                updated_at=ts,
            )
            for f in open_findings
        ]
        ins.bulk_apply("follow-up", {"original": orig.id, "findings": [f.origin for f in copies]}, findings=copies)
        return ins


def sync_back(follow_up_path: Path, who: str | None = None) -> list[dict[str, Any]]:
    """Write the follow-up's rectification statuses back to the original inspection."""
    changes = []
    with Inspection.open(follow_up_path, readonly=True) as fu:
        link = fu.meta.get("follow_up_of")
        if not link:
            raise InspectionError(f"{follow_up_path.name} 不是回头看检查")
        updates = {f.origin: f for f in fu.findings() if f.origin}
    with Inspection.open(Path(link["file"]), who=who) as orig:
        for fid, new in updates.items():
            try:
                old: Finding = orig.finding(fid)
            except Exception:  # noqa: BLE001
                continue
            if old.status != new.status:
                path = status_path(old.status, new.status)
                for step in path:
                    orig.set_finding_status(fid, step, new.review)
                changes.append({"finding": fid, "from": old.status, "to": new.status})
    return changes
