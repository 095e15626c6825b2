"""The 问题 form (add / edit) and the 整改状态 dialog."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList, SelectionList, Static, TextArea
from textual.widgets.option_list import Option

from ...errors import InvalidValue
from ...inspection import SEVERITIES, Evidence, Finding
from ...inspection import evidence as ev_mod
from ...inspection.findings import TRANSITIONS
from ..widgets.tick_list import TickList
from .dialogs import FormDialog, SaveFn, field

SPLIT = re.compile(r"[,，、;；\n]+")


def split_list(text: str) -> list[str]:
    return [p.strip() for p in SPLIT.split(text or "") if p.strip()]


def evidence_from_form(files: Sequence[Evidence], note_text: str) -> list[Evidence]:
    """佐证材料 from the form: the files picked (already in the evidence store), then one
    text entry per line of the description."""
    out: list[Evidence] = list(files)
    for line in (note_text or "").splitlines():
        if line.strip():
            out.append(Evidence(text=line.strip()))
    return out


ADD_FILE = "__add__"
StoreAdd = Callable[[Path], Evidence]


class UnitChoices(TickList):
    """责任单位 ticks (see :class:`~..widgets.tick_list.TickList`)."""


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

    BINDINGS = [
        *FormDialog.BINDINGS,
        Binding("ctrl+o", "add_file", "添加佐证文件", id="finding.add_file"),
        Binding("delete", "remove_file", "移除佐证文件", id="finding.remove_file", show=False),
    ]

    def __init__(self, save: SaveFn, *, item_label: str, unit: str = "", units: Sequence[str] = (),
                 finding: Finding | None = None, due: str = "", due_hint: str = "",
                 store_add: StoreAdd | None = None, locate: Callable[[Evidence], Path | None] | None = None) -> None:
        super().__init__(save, ("修改问题" if finding else "记录问题") + f"  {item_label}")
        self.store_add = store_add
        self.locate = locate or (lambda e: None)
        self.files: list[Evidence] = [e for e in finding.evidence if e.is_file] if finding else []
        self.finding = finding
        current = list(finding.units) if finding else [unit] if unit else []
        self.unit_options = unit_choices(unit, units, current)
        self.selected_units = [u for u in current if u in self.unit_options]
        self.due_default = finding.due if finding else due
        self.due_hint = due_hint

    def compose_fields(self) -> ComposeResult:
        f = self.finding
        notes = "\n".join(e.text for e in f.evidence if not e.is_file) if f else ""
        yield field("问题描述", TextArea(f.description if f else "", id="description", compact=True,
                                      placeholder="发现的问题（必填）"))
        yield field("佐证文件", OptionList(*self._file_options(), id="evidence-files", compact=True))
        yield field("佐证说明", Input(notes, id="evidence-text", compact=True, placeholder="文字说明，如：抽查案卷 3 份"))
        yield field("严重程度", OptionList(*(Option(s, id=s) for s in SEVERITIES), id="severity", compact=True))
        yield field("整改要求", Input(f.requirement if f else "", id="requirement", compact=True))
        yield field("责任单位", UnitChoices(
            *((u, u, u in self.selected_units) for u in self.unit_options), id="unit-choices", compact=True,
        ))
        yield field("其他单位", Input("", id="units", compact=True, placeholder="不在上面的单位，用顿号分隔"))
        yield field("整改时限", Input(self.due_default, id="due", compact=True, placeholder="必填，如 2026-06-30"))
        hint = "tab 切换栏目 · 空格勾选责任单位 · ^o 添加佐证文件 · ^s 保存 · esc 取消"
        if self.due_hint:
            hint = f"{self.due_hint}\n{hint}"
        yield Static(hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        severity = self.query_one("#severity", OptionList)
        current = self.finding.severity if self.finding else SEVERITIES[0]
        severity.highlighted = SEVERITIES.index(current) if current in SEVERITIES else 0
        self.query_one("#description", TextArea).focus()

    # -- 佐证文件: picked with the file picker, copied into the evidence store at once ----------
    def _file_options(self) -> list[Option]:
        options = [Option(f"{n}. {ev_mod.describe_file(e, self.locate(e), short=True)}", id=f"file-{n}")
                   for n, e in enumerate(self.files, 1)]
        add = "＋ 添加文件（回车或 ^o；delete 移除选中的文件）"
        return [*options, Option(add if self.store_add else "（此处不能添加文件）", id=ADD_FILE)]

    def _refresh_files(self, highlight: int | None = None) -> None:
        files = self.query_one("#evidence-files", OptionList)
        files.clear_options()
        files.add_options(self._file_options())
        files.highlighted = highlight if highlight is not None else len(self.files)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "evidence-files":
            event.stop()
            if event.option.id == ADD_FILE:
                self.action_add_file()

    def action_add_file(self) -> None:
        if self.store_add is None:
            return
        from .evidence import EvidencePicker

        def choose(path: Path) -> str | None:
            try:
                added = self.store_add(path)
            except InvalidValue as exc:
                return str(exc)
            if any(e.sha256 == added.sha256 for e in self.files):
                return f"这个文件已经添加过了：{ev_mod.display_name(added)}"
            self.files.append(added)
            return None

        def done(ok: bool | None) -> None:
            if ok:
                self._refresh_files()
                self.query_one("#evidence-files", OptionList).focus()

        self.app.push_screen(EvidencePicker(choose, f"选择佐证材料文件  {self.title_text}"), done)

    def action_remove_file(self) -> None:
        files = self.query_one("#evidence-files", OptionList)
        if self.focused is not files or files.highlighted is None or files.highlighted >= len(self.files):
            return
        index = files.highlighted
        del self.files[index]
        self._refresh_files(min(index, len(self.files)))

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
            "evidence_files": tuple(self.files),
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
