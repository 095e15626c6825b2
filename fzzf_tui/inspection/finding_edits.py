"""Recording and editing 问题 (findings), and the text limits every finding and result obeys
(a part of :class:`.store.Inspection`)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Iterable

from ..errors import InvalidValue
from ..fileio import check_text
from .findings import Evidence, Finding, check_transition, validate_due, validate_severity, validate_status
from .scoring import Result
from .status import now_iso

if TYPE_CHECKING:
    from .store import Inspection

    _Base = Inspection
else:
    _Base = object


class FindingsMixin(_Base):
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
        description = check_text((description or "").strip(), "问题描述")
        if not description:
            raise InvalidValue("问题描述不能为空")
        if item_code:
            if not self.checklist.has_item(item_code):
                raise InvalidValue(f"清单中没有编号为 {item_code} 的指标")
        units_t = tuple(check_text(u.strip(), "责任单位") for u in units if u.strip()) if units is not None else ()
        if not units_t and item_code:
            units_t = self.checklist.item(item_code).units  # 责任单位 defaults to the item's
        ev = tuple(_evidence(e) for e in evidence)
        ts = now_iso()
        finding = Finding(
            id=uuid.uuid4().hex[:12],
            description=description,
            item_code=item_code or None,
            evidence=ev,
            severity=validate_severity(severity),
            requirement=check_text((requirement or "").strip(), "整改要求"),
            units=units_t,
            # a campaign's inspection gives findings its 整改时限 unless one is given
            due=validate_due(due if due not in (None, "") else self.meta.get("default_due", "")),
            status="待整改",
            history=({"at": ts, "who": self.who, "action": "创建", "status": "待整改"},),
            created_by=self.who,
            created_at=ts,
            updated_at=ts,
            origin=origin,
        )
        self._write("finding.add", finding.id, None, finding.to_dict(), lambda: self._put_finding(finding, finding.id))
        return finding

    EDITABLE = ("description", "item_code", "severity", "requirement", "units", "due", "evidence", "review", "measures")

    def update_finding(self, finding_id: str, **changes: Any) -> Finding:
        """Edit fields of a finding (not its status: see :meth:`set_finding_status`).

        复查意见 and 整改措施 may change after 完成 (rectification goes on; they are not sealed)."""
        self._require_writable(allow_sealed=set(changes) <= {"review", "measures"})
        old = self.finding(finding_id)
        unknown = set(changes) - set(self.EDITABLE)
        if unknown:
            raise InvalidValue(f"问题不能修改这些字段：{', '.join(sorted(unknown))}")
        fields: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "description":
                value = check_text((value or "").strip(), "问题描述")
                if not value:
                    raise InvalidValue("问题描述不能为空")
            elif key == "severity":
                value = validate_severity(value)
            elif key == "due":
                value = validate_due(value)
            elif key == "units":
                value = tuple(check_text(u.strip(), "责任单位") for u in value if u and u.strip())
            elif key == "evidence":
                value = tuple(_evidence(e) for e in value)
            elif key == "item_code":
                value = value or None
                if value and not self.checklist.has_item(value):
                    raise InvalidValue(f"清单中没有编号为 {value} 的指标")
            elif key in ("requirement", "review", "measures"):
                value = check_text((value or "").strip(), {"requirement": "整改要求", "review": "复查意见"}.get(key, "整改措施"))
            fields[key] = value
        ts = now_iso()
        changed = sorted(k for k, v in fields.items() if getattr(old, k) != v)
        if not changed:
            return old
        history = old.history + ({"at": ts, "who": self.who, "action": "修改", "fields": changed},)
        new = old._replace(**fields, history=history, updated_at=ts)
        self._write("finding.update", old.id, old.to_dict(), new.to_dict(), lambda: self._put_finding(new, old.id))
        return new

    def set_finding_status(self, finding_id: str, status: str, review: str = "") -> Finding:
        """Move a finding through 待整改 → 整改中 → 已整改 → 已销号 (复查意见 needed to 销号)."""
        # 整改 goes on after 完成: status changes are allowed on a sealed inspection (the seal
        # covers what was found, not how rectification progresses).
        self._require_writable(allow_sealed=True)
        old = self.finding(finding_id)
        status = validate_status(status)
        review = check_text((review or "").strip(), "复查意见")
        check_transition(old.status, status, review or ("" if status == "已销号" else old.review))
        if status == old.status and (not review or review == old.review):
            return old
        ts = now_iso()
        entry = {"at": ts, "who": self.who, "action": "状态", "from": old.status, "to": status}
        if review:
            entry["review"] = review
        new = old._replace(status=status, review=review or old.review, history=old.history + (entry,), updated_at=ts)
        self._write("finding.status", old.id, old.to_dict(), new.to_dict(), lambda: self._put_finding(new, old.id))
        return new


def check_result_texts(r: Result) -> None:
    check_text(r.note, f"指标 {r.code} 的备注")
    check_text(r.na_reason, f"指标 {r.code} 的不涉及理由")


def check_finding_texts(f: Finding) -> None:
    """Every text of a finding arriving in bulk (merge, import) fits in one Excel cell."""
    where = f"问题“{f.description[:12]}”"
    for label, text in (("问题描述", f.description), ("整改要求", f.requirement), ("复查意见", f.review),
                        ("整改措施", f.measures)):
        check_text(text, f"{where}的{label}")
    for u in f.units:
        check_text(u, f"{where}的责任单位")
    for ev in f.evidence:
        check_text(ev.text, f"{where}的佐证材料说明")


def _evidence(e: Evidence | str) -> Evidence:
    ev = e if isinstance(e, Evidence) else Evidence(text=str(e))
    check_text(ev.text, "佐证材料说明")
    return ev
