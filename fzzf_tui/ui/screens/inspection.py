"""The inspection screen: checklist tree on the left, item detail on the right, scoring by key.

The screen owns the open :class:`Inspection`. Every change goes through :meth:`perform`, which
calls the store (durable when it returns), updates the 已保存 indicator and repaints only the
tree nodes whose state changed. A failed save is shown, logged, and kept for ^r retry; a
dialog whose save fails stays open with its content.
"""

from __future__ import annotations

import errno
from typing import Any, Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static, Tree

from ...checklist import Item
from ...errors import FzzfError, InspectionLocked, InvalidValue, ReadOnlyInspection
from ...inspection import IN_PROGRESS, Inspection, describe_value
from ...inspection.scoring import yesno_choices
from ...inspection.lock import describe_holder
from ...inspection.status import SELF_RESULTS_TABLE
from .. import keymap, scoring_keys
from ..widgets.key_bar import KeyBar
from ..text import fmt_points, truncate
from ..widgets.checklist_tree import MARKER_NAMES, ChecklistTree, NodeView
from ..widgets.item_detail import ItemDetail, render_item
from ..widgets.status_header import StatusHeader

from .inspection_nav import FILTER_NAMES, NavigationMixin
from .inspection_records import RecordsMixin
from .inspection_follow import FollowMixin

SCORING_ACTIONS = {
    "score_digit", "case_add", "case_remove", "not_applicable", "note", "clear", "add_finding",
}


def save_error_text(exc: BaseException) -> str:
    """A Chinese message for a failed save."""
    if isinstance(exc, OSError):
        reasons = {
            errno.ENOSPC: "磁盘空间不足",
            errno.EACCES: "没有写入权限",
            errno.EPERM: "没有写入权限",
            errno.EROFS: "磁盘为只读",
        }
        reason = reasons.get(exc.errno or 0) or exc.strerror or str(exc)
        return f"保存失败：{reason}。本次修改未写入。"
    return f"保存失败：{exc}"


class InspectionScreen(NavigationMixin, RecordsMixin, FollowMixin, Screen):
    """Score one inspection."""

    BINDINGS = keymap.INSPECTION

    def __init__(self, inspection: Inspection, *, readonly_reason: str = "") -> None:
        super().__init__(id="inspection-screen")
        self.inspection = inspection
        self.checklist = inspection.checklist
        self.readonly_reason = readonly_reason
        self.report = inspection.score()
        self.filter = "all"
        self.retry: tuple[str, Callable[[], Any]] | None = None
        self._order = [item.code for item in self.checklist.walk()]
        self._pos = {code: i for i, code in enumerate(self._order)}
        self._findings_by_code: dict[str, list] = {}
        self._inspection_closed = False
        self._last_value: Any = None
        self._resumed_once = False
        self._last_binding_state: tuple = ()
        self.self_results: dict = {}  # the unit's 自评 (never changed here)
        self.self_scored = None
        if len(inspection.db.table(SELF_RESULTS_TABLE)):  # most inspections have none: no import then
            from ...inspection.self_check import read_self_results, self_report

            self.self_results = read_self_results(inspection)
            self.self_scored = self_report(self.checklist, self.self_results) if self.self_results else None

    # -- layout -----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusHeader(id="ins-header", classes="header-bar")
        yield Static(id="ins-banner", markup=False)
        # stacked from the start on a narrow terminal: toggling it after mount restyles the tree
        stacked = "-stacked" if 0 < self.app.size.width < self.STACK_BELOW else ""
        with Horizontal(id="ins-main", classes=stacked):
            yield ChecklistTree(self.checklist, id="tree")
            yield ItemDetail(id="detail")
        yield KeyBar(classes="key-bar")

    STACK_BELOW = 100  # columns: narrower terminals put the detail under the tree

    def on_resize(self, event) -> None:
        self.query_one("#ins-main").set_class(event.size.width < self.STACK_BELOW, "-stacked")

    @property
    def checklist_tree(self) -> ChecklistTree:
        return self.query_one("#tree", ChecklistTree)

    @property
    def header(self) -> StatusHeader:
        return self.query_one(StatusHeader)

    POLL_SECONDS = 1.0  # read-only view: how often to look whether the editing instance saved

    def on_mount(self) -> None:
        self.app.track(self.inspection)
        if self.inspection.readonly:
            self._file_stamp = self._stamp()
            self.set_interval(self.POLL_SECONDS, self.poll_other_instance)
        self._index_findings()
        tree = self.checklist_tree
        start = self._next_code(None, lambda code: not self._is_scored(code)) or next(
            (leaf.code for leaf in self.checklist.leaves()), None
        )
        tree.build(self.compute_views(), open_to=start)
        if start:
            tree.select_code(start)
        tree.focus()
        self._update_header()
        self._update_banner()
        self._show_detail()
        conflicts = self.inspection.open_conflicts()
        if conflicts:
            self.notify(f"合并后有 {len(conflicts)} 处冲突（评分或问题字段不一致），按 c 逐项处理", title="合并冲突",
                        severity="warning", timeout=10)
        recovered = self.inspection.stale_lock_recovered
        if recovered:
            self.notify(
                f"上次编辑未正常结束（{describe_holder(recovered)}），已接管该检查。请核对最后几项记录。",
                title="已恢复", severity="warning", timeout=10,
            )
        self.call_after_refresh(self.app.screen_ready, self)

    def on_screen_resume(self) -> None:
        # Back from the summary / findings screens, which may have changed the inspection.
        if not self._resumed_once:
            self._resumed_once = True  # the first resume is the screen appearing
            return
        if not self._inspection_closed:
            self.after_change()
            self._update_banner()

    def on_unmount(self) -> None:
        self.close_inspection()

    def close_inspection(self) -> None:
        if not self._inspection_closed:
            self._inspection_closed = True
            self.inspection.close()
            self.app.untrack(self.inspection)

    # -- state -------------------------------------------------------------------------
    @property
    def writable(self) -> bool:
        return not self.inspection.readonly and self.inspection.status == IN_PROGRESS

    def _index_findings(self) -> None:
        by_code: dict[str, list] = {}
        for f in self.inspection.findings():
            if f.item_code:
                by_code.setdefault(f.item_code, []).append(f)
        self._findings_by_code = by_code

    def _is_scored(self, code: str) -> bool:
        item = self.checklist.item(code)
        if not item.is_leaf:
            return True
        r = self.inspection.result(code)
        return r is not None and r.is_scored

    def _matches_filter(self, code: str, mode: str | None = None) -> bool:
        mode = mode or self.filter
        if mode == "all":
            return True
        r = self.inspection.result(code)
        if mode == "todo":
            return r is None or not r.is_scored
        if mode == "na":
            return r is not None and r.na
        if mode == "differ":
            from ...inspection.self_check import differs

            return differs(self.checklist.item(code), r, self.self_results.get(code))
        return bool(self._findings_by_code.get(code))

    def compute_views(self) -> dict[str, NodeView]:
        nodes = self.report.nodes
        results = self.inspection.results()
        open_codes = {f.item_code for fs in self._findings_by_code.values() for f in fs if f.is_open}
        views: dict[str, NodeView] = {}
        for item in self.checklist.walk():
            if item.is_leaf:
                r = results.get(item.code)
                if r is not None and r.na:
                    marker = "na"
                elif item.code in open_codes:
                    marker = "issue"
                elif r is not None and r.is_scored:
                    marker = "done"
                else:
                    marker = "todo"
                views[item.code] = NodeView(marker)
            else:
                ns = nodes[item.code]
                views[item.code] = NodeView(
                    scored=ns.scored, leaves=ns.leaves, earned=ns.earned, max=ns.max, applicable=ns.applicable,
                    has_value=ns.has_value, signed=ns.signed, kind=item.kind,
                )
        return views

    def current_item(self) -> Item | None:
        code = self.checklist_tree.cursor_code
        return self.checklist.item(code) if code else None

    # -- display -----------------------------------------------------------------------
    def _update_header(self) -> None:
        ins = self.inspection
        c = self.checklist
        header = self.header
        who = f"评分人 {ins.who}" if not ins.readonly else ""  # after the unit: the last parts go first
        header.set_title(ins.unit, who, c.type, f"{c.title} {c.version}")
        r = self.report
        score = f"{fmt_points(r.total)}/{fmt_points(r.max_total)}" if r.has_value else "未评"
        stats = f"进度 {r.scored}/{r.leaves}  得分 {score} {r.grade_label if r.grade else '未评定'}"
        if c.points_provisional:
            stats = "分值暂定  " + stats
        if self.filter != "all":
            stats += f"  [筛选:{FILTER_NAMES[self.filter]}]"
        header.set_stats(stats)

    def _update_banner(self) -> None:
        banner = self.query_one("#ins-banner", Static)
        text = ""
        if self.inspection.readonly:
            text = f"只读  {self.readonly_reason or '此检查以只读方式打开，不能修改'}"
            if self._refreshed_at:
                text += f"\n对方在 {self._refreshed_at} 保存了修改，已自动刷新（每秒检查一次）"
            self.header.readonly("只读")
        elif self.inspection.status != IN_PROGRESS:
            text = f"此检查{self.inspection.status}，评分已封存。如需修改：按 s 进入汇总，再按 o 重新打开并说明原因。"
        banner.update(text)
        banner.display = bool(text)
        banner.set_class(self.inspection.readonly, "-readonly")

    def _show_detail(self, force: bool = True) -> None:
        item = self.current_item()
        detail = self.query_one(ItemDetail)
        if item is None or (not force and detail.code == item.code):
            return
        text = render_item(
            item,
            self.checklist.ancestors(item.code),
            self.inspection.result(item.code) if item.is_leaf else None,
            self.report.nodes.get(item.code),
            self._findings_by_code.get(item.code, []),
            self.digit_key,
        )
        if item.is_leaf and self.self_results:
            text.append_text(self._self_block(item))
        detail.show(item.code, text)

    def _self_block(self, item: Item):
        from ...inspection.self_check import compare
        from ..widgets.self_check import self_block

        comp = compare(self.checklist, self.inspection.results(), self.self_results, self.report, self.self_scored)
        return self_block(item, self.self_results.get(item.code), self.inspection.result(item.code), comp.leaf_gap(item))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        self._show_detail(force=False)
        self._refresh_bindings_if_changed()

    def _binding_state(self) -> tuple:
        item = self.current_item()
        leaf = item is not None and item.is_leaf
        return (self.writable, leaf, item.method if leaf else "", item.kind if leaf else "", len(item.levels) if leaf else 0,
                self.retry is not None)

    def _refresh_bindings_if_changed(self) -> None:
        # The key bar only changes when the kind of item under the cursor does.
        state = self._binding_state()
        if state != self._last_binding_state:
            self._last_binding_state = state
            self.refresh_bindings()

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        item = self.current_item()
        clicks = self.checklist_tree.take_click_chain()
        if item is None:
            return
        if not item.is_leaf:
            event.node.toggle()
        elif self.writable and clicks != 1:  # enter or a double click; a single click reads
            self.open_score_dialog(item)

    # -- the one way to change the inspection ------------------------------------------
    def perform(self, change: Callable[[], Any], *, in_form: bool = False, label: str = "") -> str | None:
        """Run one change through the store. Returns None when saved, else the error shown."""
        try:
            self._last_value = change()
        except InvalidValue as exc:
            if not in_form:
                self.notify(str(exc), title="未保存", severity="warning")
            return str(exc)
        except (ReadOnlyInspection, InspectionLocked) as exc:
            self.notify(str(exc), title="不能修改", severity="error")
            return str(exc)
        except (FzzfError, OSError) as exc:
            message = save_error_text(exc)
            self.header.failed(message)
            self.app.log_problem(message)
            if in_form:
                message += "表单内容已保留，处理后按 ^s 再次保存。"
                self.notify(message, title="保存失败", severity="error", timeout=10)
            else:
                self.retry = (label, change)
                self.notify(message + "按 ^r 重试。", title="保存失败", severity="error", timeout=10)
                self._refresh_bindings_if_changed()
            return message
        self.retry = None
        self.header.saved(self.app.now_text())
        self.after_change()
        return None

    def after_change(self) -> None:
        self.report = self.inspection.score()
        self._index_findings()
        self.checklist_tree.update_views(self.compute_views())
        self._update_header()
        self._show_detail()
        self._refresh_bindings_if_changed()

    # -- key actions ----------------------------------------------------------------------
    def digit_key(self, d: int) -> str:
        """The key bound to digit ``d`` now (the user's keymap may move it)."""
        mapped = getattr(self.app, "user_keymap", {}).get(f"inspection.digit_{d}")
        return keymap._keys(mapped)[0] if mapped and keymap._keys(mapped) else str(d)

    def _not_writable_reason(self) -> str:
        if self.inspection.readonly:
            return "只读查看（他人正在编辑此检查），不能修改"
        return f"此检查{self.inspection.status}，评分已封存。如需修改：按 s 进入汇总，再按 o 重新打开"

    def refusal(self, action: str, parameters: tuple[object, ...] = (), thorough: bool = False) -> str | None:
        """Why ``action`` cannot run now (None: it can). ``thorough`` also checks what needs
        a look at the file (is there anything to undo), which check_action skips."""
        if action in SCORING_ACTIONS:
            if not self.writable:
                return self._not_writable_reason()
            item = self.current_item() if self.is_mounted else None
            if item is None:
                return "没有选中的指标"
            if not item.is_leaf:
                return f"{item.code}“{truncate(item.title, 16)}”是分类，不能直接评分：请选中其下的指标（回车展开/收起）"
            if action == "score_digit":
                d = int(parameters[0]) if parameters else 0
                kind, value = scoring_keys.digit_action(item, d, self.digit_key)
                return value if kind == "refuse" else None
            if action in ("case_add", "case_remove") and item.method != "deduction":
                how = scoring_keys.scoring_help(item, self.digit_key)
                return f"+/- 只用于按处扣分的指标；本项{how}"
            if action == "clear" and self.inspection.result(item.code) is None:
                return "本项还没有评分，无需清除"
            return None
        if action in ("undo", "redo"):
            if not self.writable:
                return self._not_writable_reason()
            if thorough and action == "undo" and self.inspection.last_undoable() is None:
                return "没有可撤销的修改"
            if thorough and action == "redo" and self._last_redoable() is None:
                return "没有可重做的修改（撤销之后又做了新的修改时，不能再重做）"
            return None
        if action == "item_evidence":
            item = self.current_item() if self.is_mounted else None
            if item is None or not item.is_leaf:
                return "佐证材料附在指标上：请选中一个指标（回车展开/收起分类）"
            return None
        if action == "retry" and self.retry is None:
            return "没有需要重试的保存"
        if action == "conflicts" and not (self.inspection.conflicts() or self.inspection.finding_conflicts()):
            return "没有待处理的合并冲突"
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None: shown as unavailable; the key then reaches explain_key, which says why.
        return None if self.refusal(action, parameters) else True

    def explain_key(self, key: str, character: str | None) -> None:
        """A key that did nothing: say why (called by the app for unhandled keys)."""
        active = self.active_bindings.get(key)
        if active is not None and active.binding.id in OUR_IDS:
            name, params = _parse_action(active.binding.action)
            why = self.refusal(name, params, thorough=True)
            if why:
                self.notify(why, title=f"按键 {self.app.get_key_display(active.binding)}", severity="warning", timeout=4)
            return
        if character and character.isprintable():
            self.notify(f"按键“{character}”在此没有功能。按 ? 查看全部按键", severity="warning", timeout=3)

    def key_bar_label(self, binding) -> tuple[str, str] | None:
        """The digit keys' entry says what they choose on this item (1-4 选档, 1/2 是/否)."""
        if binding.id == "inspection.digit_1":
            return scoring_keys.key_bar_label(self.current_item(), self.digit_key)
        return None

    def _leaf(self) -> Item | None:
        item = self.current_item()
        return item if item is not None and item.is_leaf else None

    def _set(self, item: Item, value: Any, advance: bool = True) -> bool:
        code = item.code
        saved = self.perform(lambda: self.inspection.set_value(code, value), label=f"{code} 评分") is None
        if saved and advance:
            self.advance_from(code)
        return saved

    def advance_from(self, code: str) -> None:
        """After a leaf is scored: on to the next unscored item (unless turned off)."""
        settings = getattr(self.app, "settings", None)
        if settings is not None and not settings.auto_advance:
            return
        if not self._is_scored(code) or self.checklist_tree.cursor_code != code:
            return
        target = self._next_code(code, lambda c: not self._is_scored(c))
        if target is not None:
            self.checklist_tree.select_code(target)
        elif self.report.scored >= self.report.leaves:
            self.notify("全部指标已评定。按 s 查看汇总", title="完成", timeout=4)

    def action_score_digit(self, digit: int) -> None:
        item = self._leaf()
        if item is None:
            return
        kind, value = scoring_keys.digit_action(item, digit, self.digit_key)
        if kind == "set":
            self._set(item, value)
        elif kind == "tick":  # 逐项扣分: the digit ticks (or unticks) that shortfall; stay on the item
            r = self.inspection.result(item.code)
            ticked = set(r.value or []) if r is not None and not r.na else set()
            self._set(item, sorted(ticked ^ {value}), advance=False)
        elif kind == "dialog":
            self.open_score_dialog(item, initial=value)

    def _cases(self, item: Item) -> int:
        r = self.inspection.result(item.code)
        return int(r.value) if r is not None and not r.na and r.value is not None else 0

    # +/- count cases one by one: the cursor stays on the item.
    def action_case_add(self) -> None:
        item = self._leaf()
        if item is not None:
            self._set(item, self._cases(item) + 1, advance=False)

    def action_case_remove(self) -> None:
        item = self._leaf()
        if item is not None:
            self._set(item, max(0, self._cases(item) - 1), advance=False)

    def open_score_dialog(self, item: Item, initial: str = "") -> None:
        from .dialogs import ChoiceDialog, PromptDialog

        code = item.code
        result = self.inspection.result(code)
        current = result.value if result is not None and not result.na else None
        if item.method == "itemized":
            from .tick_dialog import TickDialog

            def ticked(value: list[int] | None) -> None:
                if value is not None:
                    self._set(item, value)

            self.app.push_screen(TickDialog(f"评分  {code} {truncate(item.title, 30)}", item, current), ticked)
            return
        if item.method in ("graded", "yesno", "findings"):
            if item.method == "graded":
                choices = [(lv.name, f"{lv.name}（{fmt_points(lv.fraction * item.points)} 分）") for lv in item.levels]
            elif item.method == "yesno":
                choices = yesno_choices(item)
                current = None if current is None else describe_value(item, result)
            else:
                choices = [("checked", "已检查")]
                current = "checked" if current else None

            def chosen(value: str | None) -> None:
                if value is not None:
                    self._set(item, {"yes": True, "no": False, "checked": True}.get(value, value))

            self.app.push_screen(ChoiceDialog(f"评分  {code} {truncate(item.title, 30)}", choices, current), chosen)
            return
        if item.method == "deduction":
            label, hint = "处数", f"发现问题的处数，每处扣 {fmt_points(item.deduction.per_case if item.deduction else 0)} 分"
        else:
            label, hint = "得分", f"0 至 {fmt_points(item.points)} 之间"
        value = initial or ("" if current is None else str(current))

        def save(v: dict[str, Any]) -> str | None:
            error = self.perform(lambda: self.inspection.set_value(code, v["text"]), in_form=True)
            if error is None:
                self.advance_from(code)
            return error

        self.app.push_screen(
            PromptDialog(
                save,
                f"评分  {code} {truncate(item.title, 30)}", label, value, hint=hint, select=not initial,
            )
        )

    def action_not_applicable(self) -> None:
        from .dialogs import PromptDialog

        item = self._leaf()
        if item is None:
            return
        code = item.code
        result = self.inspection.result(code)
        # the source's tags, a measure's included, in the words a profile step records
        from ...inspection import conditions as na  # not needed for the first frame

        reasons = [na.reason_for(t) for t in na.tags_for(self.checklist, code)]
        default = result.na_reason if result is not None and result.na else (reasons[0] if reasons else "")
        hint = "不涉及情形：" + "；".join(reasons) if reasons else "请说明不涉及的理由（必填）"
        def save(v: dict[str, Any]) -> str | None:
            error = self.perform(lambda: self.inspection.set_na(code, v["text"]), in_form=True)
            if error is None:
                self.advance_from(code)
            return error

        self.app.push_screen(
            PromptDialog(
                save,
                f"不涉及  {code} {truncate(item.title, 30)}", "理由", default, hint=hint,
                suggestions=reasons,
            )
        )

    def action_note(self) -> None:
        from .dialogs import PromptDialog

        item = self._leaf()
        if item is None:
            return
        code = item.code
        result = self.inspection.result(code)
        self.app.push_screen(
            PromptDialog(
                lambda v: self.perform(lambda: self.inspection.set_note(code, v["text"]), in_form=True),
                f"备注  {code} {truncate(item.title, 30)}", "备注", result.note if result else "",
            )
        )

    def action_clear(self) -> None:
        from .dialogs import ConfirmDialog

        item = self._leaf()
        if item is None or self.inspection.result(item.code) is None:
            return
        code = item.code

        def answered(ok: bool | None) -> None:
            if ok:
                self.perform(lambda: self.inspection.clear(code), label=f"{code} 清除")

        self.app.push_screen(
            ConfirmDialog("清除评分", f"清除指标 {code} 的评分、不涉及标记和备注？（可用 ^z 撤销）", "清除", danger=True),
            answered,
        )

    # -- retry / leave ---------------------------------------------------------------------
    def action_retry(self) -> None:
        if self.retry is not None:
            label, change = self.retry
            if self.perform(change, label=label) is None:
                self.notify(f"已保存：{label}", timeout=3)

    def action_summary(self) -> None:
        from .summary import SummaryScreen

        self.app.push_screen(SummaryScreen(self))

    def action_back(self) -> None:
        self.close_inspection()
        self.app.go_home()


def _parse_action(action: str) -> tuple[str, tuple[object, ...]]:
    """``score_digit(3)`` → ``("score_digit", (3,))`` (our bindings use int parameters only)."""
    name, _, rest = action.partition("(")
    params = tuple(int(p) for p in rest.rstrip(")").split(",") if p.strip().lstrip("-").isdigit())
    return name, params


OUR_IDS = {b.id for group in keymap.GROUPS.values() for b in group if b.id}

__all__ = ["InspectionScreen", "MARKER_NAMES", "save_error_text"]
