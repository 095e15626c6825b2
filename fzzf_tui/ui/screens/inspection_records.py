"""What the inspection screen records besides scores: 问题 (findings) and 佐证材料 (evidence).

A mixin of :class:`~.inspection.InspectionScreen` (kept apart so each file stays readable):
the finding form and status dialog, the findings list, and an item's evidence files — picked
with the file picker, copied into the evidence store beside the inspection, recorded through
the screen's ``perform`` (one audited change each).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import InvalidValue
from ...inspection import Evidence
from ..text import truncate

if TYPE_CHECKING:
    from .finding_form import FindingForm, FindingStatusDialog


def _ev():
    """The evidence store module, imported when evidence is first handled (not for the first frame)."""
    from ...inspection import evidence

    return evidence


class RecordsMixin:
    """Findings and evidence actions of the inspection screen."""

    # -- findings --------------------------------------------------------------------------
    def finding_form(self, item_code: str | None, finding=None) -> "FindingForm":
        from .finding_form import FindingForm, evidence_from_form

        item = self.checklist.item(item_code) if item_code else None
        label = f"{item.code} {truncate(item.title, 24)}" if item else "（不关联指标）"

        def save(values: dict[str, Any]) -> str | None:
            def change():
                if not values["due"].strip():
                    raise InvalidValue("请填写整改时限（整改清单上必须有期限）")
                if not values["units"]:
                    raise InvalidValue("请至少选择或填写一个责任单位")
                evidence = evidence_from_form(values["evidence_files"], values["evidence_text"])
                _ev().check_total(self.inspection, [e for e in evidence if e.is_file])
                fields = dict(
                    evidence=evidence, severity=values["severity"], requirement=values["requirement"],
                    units=values["units"], due=values["due"],
                )
                if finding is None:
                    return self.inspection.add_finding(values["description"], item_code=item_code, **fields)
                if not values["description"].strip():
                    raise InvalidValue("问题描述不能为空")
                return self.inspection.update_finding(finding.id, description=values["description"].strip(), **fields)

            return self.perform(change, in_form=True)

        due, due_hint = self.default_due()
        return FindingForm(save, item_label=label, unit=self.inspection.unit, units=item.units if item else (),
                           finding=finding, due=due, due_hint=due_hint,
                           store_add=self.store_evidence if self.writable else None, locate=self.locate_evidence)

    def default_due(self) -> tuple[str, str]:
        """整改时限 to start a new finding with, and the words saying where it comes from."""
        from datetime import date, timedelta

        campaign_due = str(self.inspection.meta.get("default_due") or "")
        if campaign_due:  # an inspection of a 督察任务: its 整改时限
            name = (self.inspection.meta.get("campaign") or {}).get("name", "")
            return campaign_due, f"整改时限取自督察任务“{name}”（{campaign_due}），可直接修改"

        days = getattr(self.checklist, "rectification_days", None) or getattr(self.app.settings, "due_days", 30)
        try:
            start = date.fromisoformat(str(self.inspection.meta.get("date", "")))
        except ValueError:
            start = self.app.today()
        due = (start + timedelta(days=int(days))).isoformat()
        return due, f"整改时限默认为检查日期（{start.isoformat()}）后 {days} 天，可直接修改"

    def status_dialog(self, finding) -> "FindingStatusDialog":
        from .finding_form import FindingStatusDialog

        return FindingStatusDialog(
            lambda v: self.perform(
                lambda: self.inspection.set_finding_status(finding.id, v["status"], v["review"]), in_form=True
            ),
            finding,
        )

    def action_add_finding(self) -> None:
        item = self._leaf()
        if item is not None:
            self.app.push_screen(self.finding_form(item.code))

    def action_item_findings(self) -> None:
        from .findings import FindingsScreen

        item = self.current_item()
        self.app.push_screen(FindingsScreen(self, item.code if item is not None and item.is_leaf else None))

    def action_all_findings(self) -> None:
        from .findings import FindingsScreen

        self.app.push_screen(FindingsScreen(self, None))

    def action_conflicts(self) -> None:
        from .conflicts import ConflictsScreen

        if not (self.inspection.conflicts() or self.inspection.finding_conflicts()):
            self.notify("没有待处理的合并冲突", title="合并冲突")
            return
        self.app.push_screen(ConflictsScreen(self))

    # -- 佐证材料 -----------------------------------------------------------------------------
    def store_evidence(self, path: Path) -> Evidence:
        """Copy a picked file into the evidence store (raises InvalidValue with the reason)."""
        return _ev().EvidenceStore.beside(self.inspection.path).add(path)

    def locate_evidence(self, e: Evidence) -> Path | None:
        return _ev().locate(e, self.inspection.path, self.inspection.id, check=False)

    def item_files(self, code: str) -> list[tuple[Evidence, Path | None]]:
        r = self.inspection.result(code)
        return [(e, self.locate_evidence(e)) for e in (r.evidence if r else ()) if e.is_file]

    def action_item_evidence(self) -> None:
        from .evidence import ItemEvidenceDialog

        item = self._leaf()
        if item is None:
            return
        code = item.code
        title = f"佐证材料  {code} {truncate(item.title, 30)}"

        def add(path: Path) -> str | None:
            def change() -> list[Evidence]:
                added = _ev().add_item_evidence(self.inspection, code, [path])
                if not added:
                    raise InvalidValue(f"本项已附有这个文件：{path.name}")
                return added

            error = self.perform(change, in_form=True)
            if error is None:
                self.notify(f"已添加佐证：{_ev().describe_file(self._last_value[0], path)}", timeout=4, markup=False)
            return error

        def remove(e: Evidence) -> str | None:
            error = self.perform(lambda: _ev().remove_item_evidence(self.inspection, code, e.sha256), in_form=True)
            if error is None:
                self.notify(f"已移除佐证：{_ev().display_name(e)}（库中的文件保留；^z 可撤销）", timeout=4, markup=False)
            return error

        self.app.push_screen(ItemEvidenceDialog(title, lambda: self.item_files(code), add, remove, self.writable,
                                                f"选择佐证材料文件  {code} {truncate(item.title, 24)}"))

    # -- undo / redo ------------------------------------------------------------------------------
    def _last_redoable(self) -> Any:
        finder = getattr(self.inspection, "last_redoable", None)
        return finder() if finder is not None else None

    def _undo_redo(self, verb: str) -> None:
        why = self.refusal(verb, (), thorough=True)
        if why:
            self.notify(why, severity="warning", timeout=3)
            return
        change = self.inspection.undo if verb == "undo" else self.inspection.redo
        if self.perform(change, label="撤销" if verb == "undo" else "重做") is not None:
            return
        entry = self.inspection.audit()[-1]
        message = self._last_value or ("已撤销" if verb == "undo" else "已重做")
        self.notify(message, title="撤销" if verb == "undo" else "重做", timeout=5, markup=False)
        code = self._item_of(entry)
        if code:
            self.goto(code)

    def _item_of(self, entry: dict[str, Any]) -> str | None:
        """The leaf an undo/redo touched (a finding's item for a finding)."""
        target = entry.get("target")
        if target and self.checklist.has_item(target) and self.checklist.item(target).is_leaf:
            return target
        for side in ("new", "old"):
            value = entry.get(side)
            if isinstance(value, dict) and value.get("item_code") and self.checklist.has_item(value["item_code"]):
                return value["item_code"]
        return None

    def action_undo(self) -> None:
        self._undo_redo("undo")

    def action_redo(self) -> None:
        self._undo_redo("redo")
