"""The 问题 form (add / edit) and the 整改状态 dialog."""

from __future__ import annotations

import re
from typing import Any, Sequence

from textual.app import ComposeResult
from textual.widgets import Input, OptionList, SelectionList, Static, TextArea
from rich.segment import Segment
from textual.strip import Strip
from textual.widgets._toggle_button import ToggleButton
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


class UnitChoices(SelectionList[str]):
    """责任单位 ticks drawn as ``[v]``/``[ ]``: Textual's half-block buttons are ambiguous-width
    in CJK terminals and do not show ticked or not without colour."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 4 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        index = (segments[1].style.meta or {}).get("option") if segments[1].style else None
        ticked = index is not None and self.get_option_at_index(index).value in self._selected
        mark = Segment("[v]" if ticked else "[ ]", segments[1].style)
        return Strip([mark, *segments[3:]])


def unit_choices(inspected: str, item_units: Sequence[str], current: Sequence[str] = ()) -> list[str]:
    """责任单位 offered in the form: the inspected unit first, then the item's own units."""
    out: list[str] = []
    for u in (inspected, *item_units, *current):
        u = (u or "").strip()
        if u and u not in out:
            out.append(u)
    return out


class FindingForm(FormDialog):
    """问题描述, 佐证材料 (files and text), 严重程度, 整改要求, 责任单位, 整改时限.

    责任单位 starts as the inspected unit (the 整改清单 goes to it); the item's own units are
    offered beside it (space ticks one), other units can be typed. 整改时限 starts as a real
    date (the default period after the inspection date), shown and changeable — and required.
    """

    def __init__(self, save: SaveFn, *, item_label: str, unit: str = "", units: Sequence[str] = (),
                 finding: Finding | None = None, due: str = "", due_hint: str = "") -> None:
        super().__init__(save, ("修改问题" if finding else "记录问题") + f"  {item_label}")
        self.finding = finding
        current = list(finding.units) if finding else [unit] if unit else []
        self.unit_options = unit_choices(unit, units, current)
        self.selected_units = [u for u in current if u in self.unit_options]
        self.due_default = finding.due if finding else due
        self.due_hint = due_hint

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
        yield field("责任单位", UnitChoices(
            *((u, u, u in self.selected_units) for u in self.unit_options), id="unit-choices", compact=True,
        ))
        yield field("其他单位", Input("", id="units", compact=True, placeholder="不在上面的单位，用顿号分隔"))
        yield field("整改时限", Input(self.due_default, id="due", compact=True, placeholder="必填，如 2026-06-30"))
        hint = "tab 切换栏目 · 空格勾选责任单位 · ^s 保存 · esc 取消"
        if self.due_hint:
            hint = f"{self.due_hint}\n{hint}"
        yield Static(hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        severity = self.query_one("#severity", OptionList)
        current = self.finding.severity if self.finding else SEVERITIES[0]
        severity.highlighted = SEVERITIES.index(current) if current in SEVERITIES else 0
        self.query_one("#description", TextArea).focus()

    def units(self) -> list[str]:
        chosen = list(self.query_one("#unit-choices", SelectionList).selected)
        for u in split_list(self.query_one("#units", Input).value):
            if u not in chosen:
                chosen.append(u)
        return chosen

    def values(self) -> dict[str, Any]:
        severity = self.query_one("#severity", OptionList)
        index = severity.highlighted if severity.highlighted is not None else 0
        return {
            "description": self.query_one("#description", TextArea).text,
            "evidence_files": self.query_one("#evidence-files", TextArea).text,
            "evidence_text": self.query_one("#evidence-text", Input).value,
            "severity": SEVERITIES[index],
            "requirement": self.query_one("#requirement", Input).value,
            "units": self.units(),
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
