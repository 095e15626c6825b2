"""新建检查: pick a checklist from every loaded plugin (grouped by type), enter unit, team, date,
and — where the checklist tags items 不涉及 for some units — the unit's profile (中直机构 …),
which marks those items 不涉及 right after creation (one undoable step per profile)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, OptionList, SelectionList, Static

from ..widgets.tick_list import TickList
from textual.widgets.option_list import Option

from ...errors import FzzfError
from ...inspection import Inspection, scorer
from ...inspection import conditions as na
from ...plugins import DEFAULT_PLUGINS
from ..text import truncate
from .dialogs import FormDialog, field
from .finding_form import split_list


def checklist_options(plugins) -> list[Option | None]:
    """Options grouped by inspection type; type headings are disabled options."""
    entries = plugins.checklist_entries()
    types = list(plugins.inspection_types())
    for e in entries:
        if e.checklist.type not in types:
            types.append(e.checklist.type)
    options: list[Option | None] = []
    for t in types:
        group = [e for e in entries if e.checklist.type == t]
        if not group:
            continue
        options.append(Option(Text(f"{t}（{len(group)}）", style="bold"), disabled=True))
        for e in group:
            c = e.checklist
            source = "内置" if e.plugin in DEFAULT_PLUGINS else f"插件 {e.plugin}"
            options.append(Option(f"  {truncate(c.title, 40)} {c.version} · {c.leaf_count}项 · {source}", id=c.id))
    return options


class NewInspectionScreen(FormDialog):
    TITLE_TEXT = "新建检查"
    SAVE_LABEL = "创建"
    CANCELLED = None

    def __init__(self) -> None:
        super().__init__(self._create)
        self.created: Inspection | None = None
        self.marked: list[na.Outcome] = []  # what the chosen unit profile marked 不涉及
        self._shown_conditions: list[str] | None = None

    def compose_fields(self) -> ComposeResult:
        plugins = self.app.loaded_plugins()
        self._plugins = plugins
        yield Static("选择清单（上下键，回车确认）", classes="dialog-hint")
        yield OptionList(*checklist_options(plugins), id="new-checklist", compact=True)
        yield field("被检查单位", Input(id="new-unit", compact=True, placeholder="必填"))
        yield field("检查组成员", Input(id="new-inspectors", compact=True, placeholder="多人用顿号或逗号分隔"))
        yield field("检查日期", Input(self.app.today().isoformat(), id="new-date", compact=True))
        yield field("评分人", Input(scorer.resolve({}) or scorer.last_chosen(), id="new-who", compact=True,
                                        placeholder="本人姓名，记入评分和审计记录"))
        yield field("单位情形", TickList(id="new-profile", compact=True),
                    "空格勾选：清单原文标注该情形不涉及的指标在创建后一次标记为不涉及（可一次撤销）")
        yield Static("tab 切换栏目 · 回车下一项 · 空格勾选单位情形 · ^s 创建 · esc 取消", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one("#new-checklist", OptionList)
        first = next((i for i in range(options.option_count) if not options.get_option_at_index(i).disabled), None)
        if first is not None:
            options.highlighted = first
        self._show_conditions(options.get_option_at_index(first).id if first is not None else None)
        options.focus()

    def _show_conditions(self, checklist_id: str | None) -> None:
        """The profiles the highlighted checklist offers (none: the row says so and is skipped)."""
        profile = self.query_one("#new-profile", SelectionList)
        found = na.conditions(self._plugins.get_checklist(checklist_id)) if checklist_id else []
        names = [c.name for c in found]
        if names == self._shown_conditions:
            return  # same choices: keep what is ticked
        self._shown_conditions = names
        profile.clear_options()
        profile.add_options([(c.label, c.name) for c in found])
        if found:
            profile.highlighted = 0  # space ticks the first at once
        profile.display = bool(found)
        profile.parent.display = bool(found)  # type: ignore[union-attr]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "new-checklist":
            self._show_conditions(event.option.id)

    def values(self) -> dict[str, Any]:
        options = self.query_one("#new-checklist", OptionList)
        index = options.highlighted
        checklist_id = options.get_option_at_index(index).id if index is not None else None
        return {
            "checklist": checklist_id,
            "unit": self.query_one("#new-unit", Input).value,
            "inspectors": self.query_one("#new-inspectors", Input).value,
            "date": self.query_one("#new-date", Input).value,
            "who": self.query_one("#new-who", Input).value,
            "profile": list(self.query_one("#new-profile", SelectionList).selected),
        }

    def is_dirty(self) -> bool:
        v = self.values()
        return bool(v["unit"].strip() or v["inspectors"].strip())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#new-unit", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.prevent_default()  # not the base class's save-on-enter
        event.stop()
        if event.input.id in ("new-date", "new-who"):
            self.action_save()
        else:
            self.focus_next()

    def _create(self, values: dict[str, Any]) -> str | None:
        if not values["checklist"]:
            return "请选择清单"
        team = split_list(values["inspectors"])
        who = scorer.clean(values.get("who")) or scorer.resolve({"inspectors": team})
        if not who:
            return "请填写评分人（本人姓名）：评分和审计记录要记下具体的人"
        try:
            checklist = self._plugins.get_checklist(values["checklist"])
            self.created = self.app.store.create(
                checklist, values["unit"], team, values["date"].strip() or None, who=who,
                extra_meta=self._plugins.provenance(checklist.id),  # 清单来源 in exports
            )
            scorer.remember(self.created.id, who)
        except FzzfError as exc:
            return str(exc)
        except OSError as exc:
            return f"无法创建检查文件：{exc.strerror or exc}"
        try:  # the inspection exists now: a failure here is reported, not retried by creating again
            self.marked = na.mark_all(self.created, values.get("profile") or [])
        except (FzzfError, OSError) as exc:
            self.app.notify(f"检查已创建，但按单位情形标记不涉及未完成：{exc}。可在检查中用命令面板重新标记。",
                            severity="error", timeout=10, markup=False)
        for outcome in self.marked:
            self.app.notify(outcome.message(), title="按情形标记不涉及", timeout=8, markup=False)
        return None

    def action_save(self) -> None:
        error = self._create(self.values())
        if error:
            self.show_error(error)
        else:
            self.dismiss(self.created)  # type: ignore[arg-type]
