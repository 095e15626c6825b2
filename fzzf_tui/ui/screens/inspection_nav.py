"""Moving about the inspection screen (next/previous unscored, search, filters, goto) and its
command-palette entries: a mixin of :class:`~.inspection.InspectionScreen`, kept apart so
each file stays readable."""

from __future__ import annotations

from typing import Any, Callable

from .. import scoring_keys

FILTERS = (("all", "全部"), ("todo", "未评"), ("issue", "有问题"), ("na", "不涉及"), ("differ", "自评不一致"))
FILTER_NAMES = dict(FILTERS)


class NavigationMixin:
    """Navigation, filters and palette commands of the inspection screen."""

    # -- navigation ----------------------------------------------------------------------
    def _next_code(self, start: str | None, want: Callable[[str], bool], step: int = 1) -> str | None:
        """The next leaf (in checklist order, wrapping) shown in the tree and matching ``want``."""
        n = len(self._order)
        if n == 0:
            return None
        i = self._pos.get(start, -1 if step > 0 else n) if start else (-1 if step > 0 else n)
        in_view = self.checklist_tree.in_view
        for k in range(1, n + 1):
            code = self._order[(i + step * k) % n]
            if self.checklist.item(code).is_leaf and in_view(code) and want(code):
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
        item = self._leaf()
        self._jump_unscored(1)
        if item is not None and item.method == "yesno" and self.writable and not self._is_scored(item.code):
            # Someone used to the old keys may have meant 否: say that n only moved on.
            self.notify(
                f"n 只移到下一未评，{item.code} 仍未评。{scoring_keys.options_text(item, self.digit_key)}",
                timeout=4,
            )

    def action_prev_unscored(self) -> None:
        self._jump_unscored(-1)

    def goto(self, code: str) -> None:
        """Put the cursor on ``code``, leaving a filter that hides it."""
        if not self.checklist_tree.in_view(code):
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
        tree = self.checklist_tree
        tree.build(self.compute_views(), visible, open_to=current)
        target = current if current and tree.in_view(current) else next(iter(tree.visible_leaf_codes()), None)
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

    # -- command palette -------------------------------------------------------------------
    def palette_commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        out: list[tuple[str, Callable[[], Any], str]] = []
        for mode, name in FILTERS:
            out.append((f"筛选：{name}", lambda m=mode: self.set_filter(m), f"只显示{name}的指标" if mode != "all" else "显示全部指标"))
        for item in self.checklist.items:
            out.append((f"跳转：{item.code} {item.title}", lambda c=item.code: self.goto(c), "跳到该部分"))
        item = self._leaf()
        if item is not None and self.writable:
            for i, (_, name) in enumerate(scoring_keys.options(item), 1):
                out.append((f"评分：{name}", lambda d=i: self.action_score_digit(d),
                            f"{item.code} 评为“{name}”（按键 {self.digit_key(i)}）"))
        if self.writable:
            from . import na_profile

            out += na_profile.palette_entry(self.inspection, self.mark_by_condition)
            out.append((f"切换评分人（现为 {self.inspection.who}）", self.change_scorer,
                        "之后的评分、问题和修改记在所选人员名下"))
        settings = getattr(self.app, "settings", None)
        if settings is not None:
            state = "开" if settings.auto_advance else "关"
            out.append((f"设置：评分后自动跳到下一未评（现为{state}）", self.toggle_auto_advance,
                        "评完一项后光标自动移到下一未评指标；再选一次切换"))
        return out

    def mark_by_condition(self) -> None:
        from . import na_profile

        na_profile.mark_by_condition(self.app, self.inspection, lambda op, in_form: self.perform(
            lambda: op(self.inspection), in_form=in_form, label="按情形标记不涉及"))

    def change_scorer(self) -> None:
        from .scorer_choice import choose_scorer

        def done(ok: bool) -> None:
            self._update_header()
            if ok:
                self.notify(f"评分人：{self.inspection.who}", timeout=3)

        choose_scorer(self.app, self.inspection, done, ask=True)

    def toggle_auto_advance(self) -> None:
        settings = self.app.settings
        settings.auto_advance = not settings.auto_advance
        problem = settings.save()
        state = "开" if settings.auto_advance else "关"
        self.notify(problem or f"评分后自动跳到下一未评：{state}", severity="warning" if problem else "information", timeout=4)
