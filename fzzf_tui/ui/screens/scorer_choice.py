"""你是哪位检查人员: the person whose name goes on every score and audit entry of this session.

Asked when an inspection is opened for editing, unless the scorer is known already (``FZZF_USER``,
the choice remembered on this machine, a one-person team); changeable from the palette.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from textual.app import App

from ...inspection import Inspection, scorer

OTHER = "\x00other"


def choose_scorer(app: App, ins: Inspection, done: Callable[[bool], None], ask: bool = False) -> None:
    """Set ``ins.who``; ``done(True)`` once set, ``done(False)`` if the user backed out.

    ``ask``: offer the choice even when the scorer is known (the palette's 切换评分人)."""

    def got(name: str | None, asked: bool) -> None:
        if not name:
            done(False)
            return
        ins.who = name
        if asked:
            problem = scorer.remember(ins.id, ins.who)
            if problem:
                app.notify(problem, severity="warning", timeout=6)
        done(True)

    ask_person(app, ins.meta, f"你是哪位检查人员？  {ins.unit}",
               "本次评分、问题和修改将记在所选人员名下（本机会记住此选择）", got, ask=ask, current=ins.who)


def ask_person(app: App, meta: Mapping[str, Any], title: str, note: str,
               done: Callable[[str | None, bool], None], ask: bool = False, current: str | None = None,
               role: str = "评分人") -> None:
    """The person an action is recorded under, for an inspection with ``meta`` (or a would-be
    one: ``{"inspectors": [...]}``): known without asking (see :func:`scorer.resolve`) unless
    ``ask``, else chosen from the team or typed. ``done(name, asked)``; ``name`` None when the
    user backed out. Remembering the choice is the caller's (it knows the inspection id)."""
    if not ask:
        name = scorer.resolve(meta)
        if name:
            done(name, False)
            return
    from .dialogs import ChoiceDialog, PromptDialog  # only when someone must be asked

    def typed(values: dict) -> str | None:
        name = scorer.clean(values["text"])
        if not name:
            return "请填写姓名：评分和审计记录要记下具体的人"
        done(name, True)
        return None

    def other() -> None:
        app.push_screen(
            PromptDialog(typed, role, "姓名",
                         hint="不在检查组名单中的人员：填写本人姓名"),
            lambda ok: None if ok else done(None, True),
        )

    names = scorer.choices(meta)
    if not names:
        other()
        return

    def chosen(value: str | None) -> None:
        if value is None:
            done(None, True)
        elif value == OTHER:
            other()
        else:
            done(scorer.clean(value), True)

    options = [(n, n) for n in names] + [(OTHER, "其他人员（输入姓名）")]
    app.push_screen(ChoiceDialog(title, options, current if current in names else None, note=note), chosen)
