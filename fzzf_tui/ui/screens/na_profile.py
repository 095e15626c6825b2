"""按单位情形标记不涉及: pick the unit's profile (中直机构, 无立法计划 …) and mark every item the
source tags that way in one step (the inspection and summary screens offer it in the palette;
the new-inspection form offers the profile at creation)."""

from __future__ import annotations

from typing import Any, Callable

from textual.app import App

from ...inspection import Inspection
from ...inspection import conditions as na

Run = Callable[[Callable[[Inspection], Any], bool], "str | None"]
TITLE = "被检查单位属于哪种情形？"
NOTE = ("原文标注该情形不涉及的指标（标在具体措施上的含其下各项）一次标记为不涉及，理由为原文标注。"
        "已评分或已是不涉及的不改动；按 ^z 一次撤销。")


def choices(ins: Inspection) -> list[tuple[str, str]]:
    applied = set(na.profile(ins.meta))
    return [(c.name, c.label + ("，已应用" if c.name in applied else "")) for c in na.conditions(ins.checklist)]


def palette_entry(ins: Inspection, action: Callable[[], Any]) -> list[tuple[str, Callable[[], Any], str]]:
    """The palette command, when the checklist has conditions at all."""
    if not na.conditions(ins.checklist):
        return []
    return [("不涉及：按单位情形批量标记…", action, "如中直机构、无立法计划：按清单原文标注一次标记，可一次撤销")]


def mark_by_condition(app: App, ins: Inspection, run: Run, done: Callable[[], None] = lambda: None) -> None:
    """Ask which condition applies, mark it through ``run`` and say what happened."""
    options = choices(ins)
    if not options:
        app.notify("本检查的清单没有标注不涉及情形", severity="warning", timeout=4)
        return

    def picked(name: str | None) -> None:
        if not name:
            return
        outcome: list[na.Outcome] = []
        if run(lambda i: outcome.append(na.mark(i, name)), False) is None and outcome:
            o = outcome[0]
            app.notify(o.message() + ("。按 ^z 可一次撤销" if o.marked else ""), title="按情形标记不涉及",
                       timeout=8, markup=False)
            done()

    from .dialogs import ChoiceDialog  # not needed for the first frame

    app.push_screen(ChoiceDialog(TITLE, options, note=NOTE), picked)


__all__ = ["choices", "mark_by_condition", "palette_entry"]
