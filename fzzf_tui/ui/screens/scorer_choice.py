"""你是哪位检查人员: the person whose name goes on every score and audit entry of this session.

Asked when an inspection is opened for editing, unless the scorer is known already (``FZZF_USER``,
the choice remembered on this machine, a one-person team); changeable from the palette.
"""

from __future__ import annotations

from typing import Callable

from textual.app import App

from ...inspection import Inspection, scorer
from .dialogs import ChoiceDialog, PromptDialog

OTHER = "\x00other"


def choose_scorer(app: App, ins: Inspection, done: Callable[[bool], None], ask: bool = False) -> None:
    """Set ``ins.who``; ``done(True)`` once set, ``done(False)`` if the user backed out.

    ``ask``: offer the choice even when the scorer is known (the palette's 切换评分人)."""
    if not ask:
        name = scorer.resolve(ins.meta)
        if name:
            ins.who = name
            done(True)
            return

    def use(name: str) -> None:
        ins.who = scorer.clean(name)
        problem = scorer.remember(ins.id, ins.who)
        if problem:
            app.notify(problem, severity="warning", timeout=6)
        done(True)

    def typed(values: dict) -> str | None:
        name = scorer.clean(values["text"])
        if not name:
            return "请填写姓名：评分和审计记录要记下具体的人"
        use(name)
        return None

    def other() -> None:
        app.push_screen(
            PromptDialog(typed, "评分人", "姓名", hint="不在检查组名单中的人员：填写本人姓名"),
            lambda ok: None if ok else done(False),
        )

    names = scorer.choices(ins.meta)
    if not names:
        other()
        return

    def chosen(value: str | None) -> None:
        if value is None:
            done(False)
        elif value == OTHER:
            other()
        else:
            use(value)

    options = [(n, n) for n in names] + [(OTHER, "其他人员（输入姓名）")]
    current = ins.who if ins.who in names else None
    app.push_screen(
        ChoiceDialog(f"你是哪位检查人员？  {ins.unit}", options, current,
                     note="本次评分、问题和修改将记在所选人员名下（本机会记住此选择）"),
        chosen,
    )
