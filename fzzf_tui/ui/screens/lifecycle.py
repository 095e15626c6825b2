"""完成 / 重新打开 / 归档 / 导出, shared by the home and summary screens.

Each flow asks first (nothing is sealed, archived or overwritten without a confirmation) and
then hands a change to ``run(op, in_form)``, which applies ``op(inspection)`` through the
owning screen and returns None or the Chinese error.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Callable

from textual.app import App

from ...errors import FzzfError
from ...inspection import Inspection
from ...inspection.scoring import format_percent
from ..text import fmt_points
from .dialogs import ChoiceDialog, ConfirmDialog, PromptDialog

Run = Callable[[Callable[[Inspection], Any], bool], "str | None"]


def finalize_message(ins: Inspection) -> str:
    r = ins.score()
    lines = [
        "完成后，评分和问题将被封存（整改状态仍可更新）；以后如需修改，须重新打开并说明原因。",
        "",
        f"进度 {format_percent(r.progress)}：已评 {r.valued} 项、不涉及 {r.na} 项，共 {r.leaves} 项。",
    ]
    completion = "—" if r.completion is None else format_percent(r.completion)
    if r.completion_threshold is not None:
        completion += f"（清单要求 {r.completion_threshold * 100:.0f}%）"
    lines.append(f"完成度 {completion}；得分 {fmt_points(r.total) if r.has_value else '未评'}，等次 {r.grade_label}。")
    if r.unscored:
        lines.append(f"注意：还有 {r.unscored} 项未评：未评项不得分，且不评定等次。")
    if r.ready is False:
        lines.append("注意：完成度未达到清单要求。")
    conflicts = ins.open_conflicts()
    if conflicts:
        lines.append(f"注意：还有 {len(conflicts)} 处合并冲突未处理（按 c 处理），处理完之前不能完成检查。")
    return "\n".join(lines)


def finalize(app: App, ins: Inspection, run: Run, done: Callable[[], None] = lambda: None) -> None:
    def answered(ok: bool | None) -> None:
        if ok and run(lambda i: i.finalize(), False) is None:
            app.notify("检查已完成并封存", title="已完成")
            done()

    app.push_screen(ConfirmDialog("完成检查", finalize_message(ins), "完成"), answered)


def reopen(app: App, ins: Inspection, run: Run, done: Callable[[], None] = lambda: None) -> None:
    def saved(ok: bool | None) -> None:
        if ok:
            app.notify("检查已重新打开，原因已记入审计记录", title="已重新打开")
            done()

    app.push_screen(
        PromptDialog(
            lambda v: run(lambda i: i.reopen(v["text"]), True),
            f"重新打开检查（当前：{ins.status}）", "原因", hint="重新打开会解除封存，原因记入审计记录（必填）",
        ),
        saved,
    )


def archive(app: App, ins: Inspection, run: Run, done: Callable[[], None] = lambda: None) -> None:
    def answered(ok: bool | None) -> None:
        if ok and run(lambda i: i.archive(), False) is None:
            app.notify("检查已归档（文件保留在数据目录中）", title="已归档")
            done()

    app.push_screen(
        ConfirmDialog(
            "归档检查",
            f"将“{ins.unit}”的检查归档。\n归档不会删除任何内容：检查文件保留在数据目录中，可随时查看、导出或重新打开。",
            "归档",
        ),
        answered,
    )


def exporter() -> Callable[..., Path] | None:
    """``fzzf_tui.exporting.export_inspection`` if the export layer is installed."""
    try:
        module = importlib.import_module("fzzf_tui.exporting")
    except ImportError:
        return None
    return getattr(module, "export_inspection", None)


def export(app: App, ins: Inspection, formats: dict[str, Any], fmt: str | None = None) -> None:
    export_fn = exporter()
    if export_fn is None:
        app.notify("导出功能暂不可用", severity="warning")
        return

    def go(name: str | None) -> None:
        if not name:
            return
        try:
            path = export_fn(ins, fmt=name)
        except FzzfError as exc:
            app.notify(str(exc), title="导出失败", severity="error", timeout=10)
            app.log_problem(f"导出失败：{exc}")  # type: ignore[attr-defined]
            return
        except OSError as exc:
            app.notify(f"导出失败：{exc.strerror or exc}", title="导出失败", severity="error", timeout=10)
            return
        app.notify(str(path), title="已导出", timeout=10)
        warn = getattr(importlib.import_module("fzzf_tui.exporting"), "export_warnings", None)
        gaps = warn(ins, name) if warn is not None else []
        if gaps:
            more = f"\n……共 {len(gaps)} 个" if len(gaps) > 5 else ""
            app.notify("以下问题缺少整改要求或整改时限（文件中为空白或“待明确”），请补充后重新导出：\n" + "\n".join(gaps[:5]) + more,
                       title="请注意", severity="warning", timeout=15)

    if fmt or len(formats) <= 1:
        go(fmt or next(iter(formats), "xlsx"))
        return
    names = sorted(formats, key=lambda n: (n != "xlsx", n))
    app.push_screen(
        ChoiceDialog("导出格式", [(n, f"{n}  {getattr(formats[n], 'label', '')}") for n in names], "xlsx"), go
    )
