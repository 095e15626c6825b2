"""Every key binding of the app, with a stable id per binding so users can remap keys.

Screens take their ``BINDINGS`` from here; the help screen lists these groups; the command
palette offers the actions. A user keymap (``<data dir>/keymap.json``, ``{"id": "keys"}``)
is applied with :meth:`textual.app.App.set_keymap`, e.g. ``{"inspection.next_unscored": "j"}``.
"""

from __future__ import annotations

import json
from pathlib import Path

from textual.binding import Binding

APP = [
    Binding("question_mark", "help", "帮助", id="app.help"),
    Binding("ctrl+p", "command_palette", "命令", id="app.command_palette", priority=True),
    Binding("ctrl+l", "show_log", "日志", id="app.log", show=False),
    Binding("ctrl+q", "quit", "退出", id="app.quit", priority=True, show=False),
    Binding("ctrl+c", "help_quit", show=False, system=True),
]

HOME = [
    Binding("n", "new", "新建检查", id="home.new"),
    Binding("slash", "focus_filter", "筛选", id="home.filter"),
    Binding("v", "cycle_status", "按状态", id="home.status_filter"),
    Binding("s", "cycle_sort", "排序", id="home.sort"),
    Binding("S", "reverse_sort", "倒序", id="home.sort_reverse", show=False),
    Binding("f", "finalize", "完成", id="home.finalize"),
    Binding("o", "reopen", "重新打开", id="home.reopen", show=False),
    Binding("a", "archive", "归档", id="home.archive", show=False),
    Binding("ctrl+r", "refresh", "刷新列表", id="home.refresh", show=False),
    Binding("escape", "clear_filter", "清除筛选", id="home.clear_filter", show=False),
]

# The table's own "enter" is what fires on the home screen; it carries the description.
HOME_TABLE = [Binding("enter", "select_cursor", "打开", id="home.open_row")]

_DIGITS = [
    Binding(
        str(d),
        f"score_digit({d})",
        "评分" if d == 1 else f"评分 {d}",
        id=f"inspection.digit_{d}",
        show=d == 1,
        key_display="1-9" if d == 1 else None,
    )
    for d in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0)
]

INSPECTION = [
    *_DIGITS,
    # y/n score 是/否 on a yes-no item; elsewhere "n" falls through to next_unscored
    # (score_no is disabled there), so both meanings of the issue's keys hold.
    Binding("y", "score_yes", "是", id="inspection.yes"),
    Binding("n", "score_no", "否", id="inspection.no"),
    Binding("plus,equals_sign", "case_add", "+1处", id="inspection.case_add"),
    Binding("minus", "case_remove", "-1处", id="inspection.case_remove", show=False),
    Binding("n,right_square_bracket", "next_unscored", "下一未评", id="inspection.next_unscored"),
    Binding("N,left_square_bracket", "prev_unscored", "上一未评", id="inspection.prev_unscored", show=False),
    Binding("x", "not_applicable", "不涉及", id="inspection.not_applicable"),
    Binding("f", "add_finding", "记问题", id="inspection.add_finding"),
    Binding("s", "summary", "汇总", id="inspection.summary"),
    Binding("slash", "search", "搜索", id="inspection.search"),
    Binding("ctrl+z", "undo", "撤销", id="inspection.undo"),
    Binding("e", "item_findings", "本项问题", id="inspection.item_findings", show=False),
    Binding("F", "all_findings", "问题清单", id="inspection.findings", show=False),
    Binding("m", "note", "备注", id="inspection.note", show=False),
    Binding("delete,backspace", "clear", "清除评分", id="inspection.clear", show=False),
    Binding("v", "cycle_filter", "筛选", id="inspection.filter", show=False),
    Binding("ctrl+r", "retry", "重试保存", id="inspection.retry"),
    Binding("c", "conflicts", "合并冲突", id="inspection.conflicts", show=False),
    Binding("escape", "back", "返回", id="inspection.back", show=False),
]

# Shorter key-bar entries for pairs shown as one (the help screen lists both keys).
KEY_BAR_LABELS = {"inspection.case_add": ("+/-", "增减")}

# Bound on the checklist tree itself (the tree's own enter/space come first).
TREE = [
    Binding("enter", "select_cursor", "评分/展开", id="inspection.select", show=False),
    Binding("space", "toggle_node", "展开/收起", id="inspection.toggle", show=False),
]

FINDINGS = [
    Binding("e", "edit", "编辑", id="findings.edit"),
    Binding("s", "status", "整改状态", id="findings.status"),
    Binding("f", "add", "新增问题", id="findings.add"),
    Binding("g", "goto", "定位指标", id="findings.goto"),
    Binding("a", "toggle_scope", "全部/本项", id="findings.scope"),
    Binding("escape", "close", "返回", id="findings.close"),
]
FINDINGS_TABLE = [Binding("enter", "select_cursor", "编辑", id="findings.open_row", show=False)]

CONFLICTS = [
    Binding("g", "goto", "定位指标", id="conflicts.goto"),
    Binding("escape", "close", "返回", id="conflicts.close"),
]
CONFLICTS_TABLE = [Binding("enter", "select_cursor", "采用此结果", id="conflicts.pick")]

SUMMARY = [
    Binding("e", "export", "导出", id="summary.export"),
    Binding("f", "finalize", "完成检查", id="summary.finalize"),
    Binding("o", "reopen", "重新打开", id="summary.reopen"),
    Binding("a", "archive", "归档", id="summary.archive"),
    Binding("escape", "back", "返回", id="summary.back"),
]

FORM = [
    Binding("ctrl+s", "save", "保存", id="form.save", priority=True),
    Binding("escape", "cancel", "取消", id="form.cancel"),
]

CONFIRM = [
    Binding("y", "confirm", "确定", id="confirm.yes"),
    Binding("n,escape", "cancel", "取消", id="confirm.no"),
]

SEARCH = [
    Binding("down", "cursor(1)", "下一个", id="search.down", show=False, priority=True),
    Binding("up", "cursor(-1)", "上一个", id="search.up", show=False, priority=True),
    Binding("enter", "choose", "跳转", id="search.choose", priority=True),
    Binding("escape", "close", "关闭", id="search.close"),
]

VIEWER = [
    Binding("escape,q", "close", "关闭", id="viewer.close"),
]

GROUPS: dict[str, list[Binding]] = {
    "全局": APP,
    "首页（检查列表）": HOME + HOME_TABLE,
    "检查（评分）": TREE + INSPECTION,
    "问题清单": FINDINGS_TABLE + FINDINGS,
    "合并冲突": CONFLICTS_TABLE + CONFLICTS,
    "汇总": SUMMARY,
    "表单与对话框": FORM + CONFIRM,
    "搜索": SEARCH,
    "帮助与日志": VIEWER,
}


def keymap_path(data_dir: Path) -> Path:
    return data_dir / "keymap.json"


def load_user_keymap(data_dir: Path) -> tuple[dict[str, str], str]:
    """The user's keymap and an error message ('' if fine or absent)."""
    path = keymap_path(data_dir)
    if not path.is_file():
        return {}, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {}, f"按键配置 {path} 无法读取，已使用默认按键：{exc}"
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        return {}, f"按键配置 {path} 应为 {{\"按键编号\": \"按键\"}} 形式，已使用默认按键"
    known = {b.id for group in GROUPS.values() for b in group if b.id}
    unknown = sorted(set(data) - known)
    if unknown:
        return {k: v for k, v in data.items() if k in known}, f"按键配置中有未知的编号：{'、'.join(unknown)}"
    return data, ""
