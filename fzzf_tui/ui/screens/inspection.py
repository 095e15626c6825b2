"""The inspection screen: checklist tree on the left, item detail on the right, scoring by key.

The screen owns the open :class:`Inspection`. Every change goes through :meth:`perform`, which
calls the store (durable when it returns), updates the 已保存 indicator and repaints only the
tree nodes whose state changed. A failed save is shown, logged, and kept for ^r retry; a
dialog whose save fails stays open with its content.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING, Any, Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static, Tree

from ...checklist import Item
from ...errors import FzzfError, InspectionLocked, InvalidValue, ReadOnlyInspection
from ...inspection import IN_PROGRESS, Inspection, describe_value
from ...inspection.scoring import yesno_choices
from ...inspection.lock import describe_holder
from .. import keymap
from ..widgets.key_bar import KeyBar
from ..text import fmt_points, truncate
from ..widgets.checklist_tree import MARKER_NAMES, ChecklistTree, NodeView
from ..widgets.item_detail import ItemDetail, render_item
from ..widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from .finding_form import FindingForm, FindingStatusDialog

FILTERS = (("all", "全部"), ("todo", "未评"), ("issue", "有问题"), ("na", "不涉及"))
FILTER_NAMES = dict(FILTERS)
SCORING_ACTIONS = {
    "score_digit", "score_yes", "score_no", "case_add", "case_remove", "not_applicable", "note", "clear",
    "add_finding",
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


class InspectionScreen(Screen):
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

    # -- layout -----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusHeader(id="ins-header", classes="header-bar")
        yield Static(id="ins-banner", markup=False)
        with Horizontal(id="ins-main"):
            yield ChecklistTree(self.checklist, id="tree")
            yield ItemDetail(id="detail")
        yield KeyBar(classes="key-bar")

    @property
    def checklist_tree(self) -> ChecklistTree:
        return self.query_one("#tree", ChecklistTree)

    @property
    def header(self) -> StatusHeader:
        return self.query_one(StatusHeader)

    def on_mount(self) -> None:
        self.app.track(self.inspection)
        self._index_findings()
        tree = self.checklist_tree
        tree.build(self.compute_views())
        start = self._next_code(None, lambda code: not self._is_scored(code)) or next(
            (leaf.code for leaf in self.checklist.leaves()), None
        )
        if start:
            tree.select_code(start)
        tree.focus()
        self._update_header()
        self._update_banner()
        self._show_detail()
        conflicts = self.inspection.conflicts()
        if conflicts:
            self.notify(f"合并后有 {len(conflicts)} 项评分不一致，按 c 逐项处理", title="合并冲突", severity="warning", timeout=10)
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
        header.set_title(f"{ins.unit} · {c.type} · {c.title} {c.version}")
        r = self.report
        score = f"{fmt_points(r.total)}/{fmt_points(r.max_total)}" if r.has_value else "未评"
        stats = f"进度 {r.scored}/{r.leaves}  得分 {score} {r.grade or '未评定'}"
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
        detail.show(
            item.code,
            render_item(
                item,
                self.checklist.ancestors(item.code),
                self.inspection.result(item.code) if item.is_leaf else None,
                self.report.nodes.get(item.code),
                self._findings_by_code.get(item.code, []),
            )
        )

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
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SCORING_ACTIONS:
            item = self.current_item() if self.is_mounted else None
            if not self.writable or item is None or not item.is_leaf:
                return False if action == "score_no" else None
            m = item.method
            if m == "yesno" and item.kind == "penalty" and action in ("score_digit", "score_yes", "score_no"):
                # 是/否 keys would read both ways on "发生…的": a 减分项 is answered by name (enter)
                return False if action == "score_no" else None
            if action == "score_digit":
                d = int(parameters[0]) if parameters else 0
                if m == "graded":
                    return 1 <= d <= len(item.levels) or None
                if m == "yesno":
                    return d in (1, 2) or None
                if m == "findings":
                    return d == 1 or None
                return True
            if action == "score_yes":
                return m in ("yesno", "findings") or None
            if action == "score_no":
                return m == "yesno"  # False: "n" goes on to next_unscored
            if action in ("case_add", "case_remove"):
                return m == "deduction" or None
            return True
        if action == "retry":
            return self.retry is not None
        if action == "undo":
            return self.writable or None
        return True

    def _leaf(self) -> Item | None:
        item = self.current_item()
        return item if item is not None and item.is_leaf else None

    def _set(self, item: Item, value: Any) -> None:
        code = item.code
        self.perform(lambda: self.inspection.set_value(code, value), label=f"{code} 评分")

    def action_score_digit(self, digit: int) -> None:
        item = self._leaf()
        if item is None:
            return
        m = item.method
        if m == "graded":
            self._set(item, item.levels[digit - 1].name)
        elif m == "yesno":
            self._set(item, yesno_choices(item)[digit - 1][0])
        elif m == "deduction":
            self._set(item, digit)
        elif m == "points":
            self.open_score_dialog(item, initial=str(digit))
        elif m == "findings":
            self._set(item, True)

    def action_score_yes(self) -> None:
        item = self._leaf()
        if item is not None:
            self._set(item, yesno_choices(item)[0][0] if item.method == "yesno" else True)

    def action_score_no(self) -> None:
        item = self._leaf()
        if item is not None:
            self._set(item, yesno_choices(item)[1][0])

    def _cases(self, item: Item) -> int:
        r = self.inspection.result(item.code)
        return int(r.value) if r is not None and not r.na and r.value is not None else 0

    def action_case_add(self) -> None:
        item = self._leaf()
        if item is not None:
            self._set(item, self._cases(item) + 1)

    def action_case_remove(self) -> None:
        item = self._leaf()
        if item is not None:
            self._set(item, max(0, self._cases(item) - 1))

    def open_score_dialog(self, item: Item, initial: str = "") -> None:
        from .dialogs import ChoiceDialog, PromptDialog

        code = item.code
        result = self.inspection.result(code)
        current = result.value if result is not None and not result.na else None
        if item.method in ("graded", "yesno", "findings"):
            if item.method == "graded":
                choices = [(lv.name, f"{lv.name}（{fmt_points(lv.fraction * item.points)} 分）") for lv in item.levels]
            elif item.method == "yesno":
                choices = yesno_choices(item)
                current = None if current is None else describe_value(item, result)
            else:
                choices = [("已检查", "已检查")]
                current = "已检查" if current else None

            def chosen(value: str | None) -> None:
                if value is not None:
                    self._set(item, {"是": True, "否": False, "已检查": True}.get(value, value))

            self.app.push_screen(ChoiceDialog(f"评分  {code} {truncate(item.title, 30)}", choices, current), chosen)
            return
        if item.method == "deduction":
            label, hint = "处数", f"发现问题的处数，每处扣 {fmt_points(item.deduction.per_case if item.deduction else 0)} 分"
        else:
            label, hint = "得分", f"0 至 {fmt_points(item.points)} 之间"
        value = initial or ("" if current is None else str(current))
        self.app.push_screen(
            PromptDialog(
                lambda v: self.perform(lambda: self.inspection.set_value(code, v["text"]), in_form=True),
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
        default = result.na_reason if result is not None and result.na else (item.na_conditions[0] if item.na_conditions else "")
        hint = "不涉及情形：" + "；".join(item.na_conditions) if item.na_conditions else "请说明不涉及的理由（必填）"
        self.app.push_screen(
            PromptDialog(
                lambda v: self.perform(lambda: self.inspection.set_na(code, v["text"]), in_form=True),
                f"不涉及  {code} {truncate(item.title, 30)}", "理由", default, hint=hint,
                suggestions=item.na_conditions,
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

    # -- findings --------------------------------------------------------------------------
    def finding_form(self, item_code: str | None, finding=None) -> "FindingForm":
        from .finding_form import FindingForm, evidence_from_form, split_list

        item = self.checklist.item(item_code) if item_code else None
        label = f"{item.code} {truncate(item.title, 24)}" if item else "（不关联指标）"

        def save(values: dict[str, Any]) -> str | None:
            def change():
                evidence = evidence_from_form(
                    values["evidence_files"], values["evidence_text"], finding.evidence if finding else ()
                )
                fields = dict(
                    evidence=evidence, severity=values["severity"], requirement=values["requirement"],
                    units=split_list(values["units"]), due=values["due"],
                )
                if finding is None:
                    return self.inspection.add_finding(values["description"], item_code=item_code, **fields)
                if not values["description"].strip():
                    raise InvalidValue("问题描述不能为空")
                return self.inspection.update_finding(finding.id, description=values["description"].strip(), **fields)

            return self.perform(change, in_form=True)

        return FindingForm(save, item_label=label, units=item.units if item else (), finding=finding)

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

        if not self.inspection.conflicts():
            self.notify("没有待处理的合并冲突", title="合并冲突")
            return
        self.app.push_screen(ConflictsScreen(self))

    # -- navigation ----------------------------------------------------------------------
    def _next_code(self, start: str | None, want: Callable[[str], bool], step: int = 1) -> str | None:
        """The next leaf (in checklist order, wrapping) shown in the tree and matching ``want``."""
        n = len(self._order)
        if n == 0:
            return None
        i = self._pos.get(start, -1 if step > 0 else n) if start else (-1 if step > 0 else n)
        nodes = self.checklist_tree.nodes
        for k in range(1, n + 1):
            code = self._order[(i + step * k) % n]
            if code in nodes and self.checklist.item(code).is_leaf and want(code):
                return code
        return None

    def _jump_unscored(self, step: int) -> None:
        code = self._next_code(self.checklist_tree.cursor_code, lambda c: not self._is_scored(c), step)
        if code is None:
            if self.report.scored >= self.report.leaves:
                self.notify("全部指标已评定", title="完成")
            else:
                self.notify("当前筛选下没有未评指标，按 v 切换筛选", severity="warning")
            return
        self.checklist_tree.select_code(code)

    def action_next_unscored(self) -> None:
        self._jump_unscored(1)

    def action_prev_unscored(self) -> None:
        self._jump_unscored(-1)

    def goto(self, code: str) -> None:
        """Put the cursor on ``code``, leaving a filter that hides it."""
        if code not in self.checklist_tree.nodes:
            self.set_filter("all")
        self.checklist_tree.select_code(code)
        self.checklist_tree.focus()

    def action_search(self) -> None:
        from .search import SearchScreen

        def chosen(code: str | None) -> None:
            if code:
                self.goto(code)

        self.app.push_screen(SearchScreen(self.checklist), chosen)

    def set_filter(self, mode: str) -> bool:
        if mode != "all" and not any(self._matches_filter(leaf.code, mode) for leaf in self.checklist.leaves()):
            self.notify(f"没有“{FILTER_NAMES[mode]}”的指标", severity="warning")
            return False
        current = self.checklist_tree.cursor_code
        self.filter = mode
        visible = None if mode == "all" else (lambda code: self._matches_filter(code, mode))
        self.checklist_tree.build(self.compute_views(), visible)
        target = current if current in self.checklist_tree.nodes else next(iter(self.checklist_tree.visible_leaf_codes()), None)
        if target:
            self.call_after_refresh(self.checklist_tree.select_code, target)
        self._update_header()
        return True

    def action_cycle_filter(self) -> None:
        modes = [m for m, _ in FILTERS]
        i = modes.index(self.filter)
        for k in range(1, len(modes) + 1):
            mode = modes[(i + k) % len(modes)]
            if mode == "all" or any(self._matches_filter(leaf.code, mode) for leaf in self.checklist.leaves()):
                self.set_filter(mode)
                self.notify(f"筛选：{FILTER_NAMES[mode]}", timeout=2)
                return

    # -- undo / retry / leave -----------------------------------------------------------------
    def action_undo(self) -> None:
        entry = self.inspection.last_undoable()
        if entry is None:
            self.notify("没有可撤销的修改")
            return
        if self.perform(self.inspection.undo, label="撤销") is None:
            self.notify(self._last_value or "已撤销", timeout=3)
            target = entry.get("target")
            if target and self.checklist.has_item(target) and self.checklist.item(target).is_leaf:
                self.goto(target)

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

    # -- command palette -------------------------------------------------------------------
    def palette_commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        out: list[tuple[str, Callable[[], Any], str]] = []
        for mode, name in FILTERS:
            out.append((f"筛选：{name}", lambda m=mode: self.set_filter(m), f"只显示{name}的指标" if mode != "all" else "显示全部指标"))
        for item in self.checklist.items:
            out.append((f"跳转：{item.code} {item.title}", lambda c=item.code: self.goto(c), "跳到该部分"))
        item = self._leaf()
        if item is not None and self.writable and item.method == "graded":
            for i, lv in enumerate(item.levels, 1):
                out.append((f"评分：{lv.name}", lambda d=i: self.action_score_digit(d), f"{item.code} 评为“{lv.name}”（按键 {i}）"))
        return out


__all__ = ["InspectionScreen", "MARKER_NAMES", "save_error_text"]
