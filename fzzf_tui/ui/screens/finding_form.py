"""The 问题 form (add / edit) and the 整改状态 dialog."""

from __future__ import annotations

import re
from typing import Any, Sequence

from textual.app import ComposeResult
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from ...inspection import SEVERITIES, Evidence, Finding
from ...inspection.findings import TRANSITIONS
from .dialogs import FormDialog, SaveFn, field

SPLIT = re.compile(r"[,，、;；\n]+")


def split_list(text: str) -> list[str]:
    return [p.strip() for p in SPLIT.split(text or "") if p.strip()]


def evidence_from_form(files_text: str, note_text: str, existing: Sequence[Evidence] = ()) -> list[Evidence]:
    """佐证材料 from the form: one file path per line (hashed now), plus free text lines.

    A path that was already attached keeps its original hash (re-hashing would hide a change
    to the file since it was recorded). Raises InvalidValue for a missing file.
    """
    known = {e.path: e for e in existing if e.is_file}
    out: list[Evidence] = []
    for line in (files_text or "").splitlines():
        path = line.strip().strip('"')
        if not path:
            continue
        out.append(known.get(path) or Evidence.from_file(path))
    for line in (note_text or "").splitlines():
        if line.strip():
            out.append(Evidence(text=line.strip()))
    return out


class FindingForm(FormDialog):
    """问题描述, 佐证材料 (files and text), 严重程度, 整改要求, 责任单位, 整改时限."""

    def __init__(self, save: SaveFn, *, item_label: str, units: Sequence[str] = (),
                 finding: Finding | None = None) -> None:
        super().__init__(save, ("修改问题" if finding else "记录问题") + f"  {item_label}")
        self.finding = finding
        self.default_units = list(finding.units) if finding else list(units)

    def compose_fields(self) -> ComposeResult:
        f = self.finding
        files = "\n".join(e.path for e in f.evidence if e.is_file) if f else ""
        notes = "\n".join(e.text for e in f.evidence if not e.is_file) if f else ""
        yield field("问题描述", TextArea(f.description if f else "", id="description", compact=True,
                                      placeholder="发现的问题（必填）"))
        yield field("佐证文件", TextArea(files, id="evidence-files", compact=True,
                                      placeholder="文件路径，每行一个（记录大小和 SHA-256）"))
        yield field("佐证说明", Input(notes, id="evidence-text", compact=True, placeholder="如：抽查案卷 3 份"))
        yield field("严重程度", OptionList(*(Option(s, id=s) for s in SEVERITIES), id="severity", compact=True))
        yield field("整改要求", Input(f.requirement if f else "", id="requirement", compact=True))
        yield field("责任单位", Input("、".join(self.default_units), id="units", compact=True,
                                  placeholder="多个单位用顿号或逗号分隔"))
        yield field("整改时限", Input(f.due if f else "", id="due", compact=True, placeholder="2026-12-31"))
        yield Static("tab 切换栏目 · ^s 保存 · esc 取消", classes="dialog-hint")

    def on_mount(self) -> None:
        severity = self.query_one("#severity", OptionList)
        current = self.finding.severity if self.finding else SEVERITIES[0]
        severity.highlighted = SEVERITIES.index(current) if current in SEVERITIES else 0
        self.query_one("#description", TextArea).focus()

    def values(self) -> dict[str, Any]:
        severity = self.query_one("#severity", OptionList)
        index = severity.highlighted if severity.highlighted is not None else 0
        return {
            "description": self.query_one("#description", TextArea).text,
            "evidence_files": self.query_one("#evidence-files", TextArea).text,
            "evidence_text": self.query_one("#evidence-text", Input).value,
            "severity": SEVERITIES[index],
            "requirement": self.query_one("#requirement", Input).value,
            "units": self.query_one("#units", Input).value,
            "due": self.query_one("#due", Input).value,
        }

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.prevent_default()  # not the base class's save-on-enter
        # enter moves on through the form; ^s saves (a half-filled form is not saved by accident)
        event.stop()
        self.focus_next()


class FindingStatusDialog(FormDialog):
    """Move a finding to another 整改状态; 销号 needs 复查意见."""

    def __init__(self, save: SaveFn, finding: Finding) -> None:
        super().__init__(save, f"整改状态  当前：{finding.status}")
        self.finding = finding
        self.targets = list(TRANSITIONS.get(finding.status, ()))

    def compose_fields(self) -> ComposeResult:
        yield Static(self.finding.description, classes="dialog-hint", markup=False)
        yield field("改为", OptionList(*(Option(s, id=s) for s in self.targets), id="status", compact=True))
        yield field("复查意见", Input(self.finding.review, id="review", compact=True,
                                  placeholder="销号时必填；退回时说明原因"))

    def on_mount(self) -> None:
        options = self.query_one("#status", OptionList)
        if self.targets:
            options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#review", Input).focus()

    def values(self) -> dict[str, Any]:
        options = self.query_one("#status", OptionList)
        index = options.highlighted
        status = self.targets[index] if index is not None and self.targets else self.finding.status
        return {"status": status, "review": self.query_one("#review", Input).value}
