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
    Binding("ctrl+q", "quit", "退出", id="app.quit", priority=True),
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
    Binding("t", "campaigns", "督察任务", id="home.campaigns"),
]

# The table's own "enter" is what fires on the home screen; it carries the description.
HOME_TABLE = [Binding("enter", "select_cursor", "打开", id="home.open_row")]

# Digits choose: the level of a graded item, 1 是 / 2 否 on a yes/no item, the number of
# cases on a deduction item. No letter both moves and scores (``n`` is only "next").
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
    Binding("plus,equals_sign", "case_add", "+1处", id="inspection.case_add"),
    Binding("minus", "case_remove", "-1处", id="inspection.case_remove", show=False),
    Binding("x", "not_applicable", "不涉及", id="inspection.not_applicable"),
    Binding("f", "add_finding", "记问题", id="inspection.add_finding"),
    Binding("n,right_square_bracket", "next_unscored", "下一未评", id="inspection.next_unscored"),
    Binding("N,left_square_bracket", "prev_unscored", "上一未评", id="inspection.prev_unscored", show=False),
    Binding("s", "summary", "汇总", id="inspection.summary"),
    Binding("slash", "search", "搜索", id="inspection.search"),
    Binding("ctrl+z", "undo", "撤销", id="inspection.undo"),
    Binding("ctrl+y", "redo", "重做", id="inspection.redo"),
    Binding("e", "item_findings", "本项问题", id="inspection.item_findings", show=False),
    Binding("F", "all_findings", "问题清单", id="inspection.findings", show=False),
    Binding("m", "note", "备注", id="inspection.note", show=False),
    Binding("a", "item_evidence", "佐证", id="inspection.evidence"),
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

CAMPAIGNS = [
    Binding("ctrl+r", "refresh", "刷新", id="campaigns.refresh", show=False),
    Binding("escape", "back", "返回", id="campaigns.back"),
]
CAMPAIGNS_TABLE = [Binding("enter", "select_cursor", "打开", id="campaigns.open_row")]

CAMPAIGN = [
    Binding("f", "forms", "生成自查表", id="campaign.forms"),
    Binding("i", "import_self_check", "导入自查表", id="campaign.import"),
    Binding("ctrl+r", "refresh", "刷新", id="campaign.refresh", show=False),
    Binding("escape", "back", "返回", id="campaign.back"),
]
CAMPAIGN_TABLE = [Binding("enter", "select_cursor", "进入检查", id="campaign.open_unit")]

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
    "督察任务列表": CAMPAIGNS_TABLE + CAMPAIGNS,
    "督察任务（各单位）": CAMPAIGN_TABLE + CAMPAIGN,
    "表单与对话框": FORM + CONFIRM,
    "搜索": SEARCH,
    "帮助与日志": VIEWER,
}


# What the key bar keeps when the terminal is narrow (80 columns): these first, then the rest
# in binding order while they fit. Quit, help and the palette sit at the right end.
KEY_BAR_ESSENTIAL = (
    "inspection.retry", "inspection.digit_1", "inspection.search", "inspection.undo",
    "inspection.next_unscored", "inspection.add_finding", "inspection.not_applicable", "inspection.summary",
    "home.open_row", "home.new", "home.filter", "summary.export", "summary.back", "findings.close",
    "app.command_palette", "inspection.case_add", "inspection.redo",
)
KEY_BAR_TAIL = ("app.help", "app.quit")

# Bindings that are active together (a screen, its focused widget, the app): within one
# scope a key may mean one thing only.
SCOPES: dict[str, list[Binding]] = {
    "检查（评分）": APP + TREE + INSPECTION,
    "首页（检查列表）": APP + HOME_TABLE + HOME,
    "问题清单": APP + FINDINGS_TABLE + FINDINGS,
    "合并冲突": APP + CONFLICTS_TABLE + CONFLICTS,
    "汇总": APP + SUMMARY,
    "表单": APP + FORM,
    "确认框": APP + CONFIRM,
    "搜索": APP + SEARCH,
    "帮助与日志": APP + VIEWER,
}

# Ids that no longer exist, and why (a keymap.json that still names them is migrated).
OBSOLETE = {
    "inspection.yes": "“是”改用数字键 1（选项一），不再单设按键",
    "inspection.no": "“否”改用数字键 2（选项二）：n 只表示“下一未评”，不再评分",
}


def keymap_path(data_dir: Path) -> Path:
    return data_dir / "keymap.json"


def _keys(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


def clashes(user: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """Keys that mean two things in one scope once ``user`` is applied.

    Returns ``(scope, key, id_a, id_b)`` for each clash where at least one id was remapped.
    """
    out = []
    for scope, bindings in SCOPES.items():
        owner: dict[str, str] = {}
        for b in bindings:
            if not b.id or b.system:
                continue
            for key in _keys(user.get(b.id, b.key)):
                other = owner.get(key)
                if other is not None and other != b.id and (other in user or b.id in user):
                    out.append((scope, key, other, b.id))
                owner.setdefault(key, b.id)
    return out


def _describe(binding_id: str) -> str:
    for group in GROUPS.values():
        for b in group:
            if b.id == binding_id:
                return f"{binding_id}（{b.description}）"
    return binding_id


def migrate(data: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Drop entries that are obsolete or make a key mean two things; say why for each."""
    notes = []
    kept = dict(data)
    for old in sorted(set(kept) & set(OBSOLETE)):
        notes.append(f"{old} 已取消：{OBSOLETE[old]}")
        del kept[old]
    # Undo the user's remaps one clash at a time until none is left (each pass drops at least one).
    for _ in range(len(kept) + 1):
        found = clashes(kept)
        if not found:
            break
        scope, key, a, b = found[0]
        drop = b if b in kept else a
        default = next(x.key for g in GROUPS.values() for x in g if x.id == drop)
        other = a if drop == b else b
        notes.append(
            f"{_describe(drop)} 设为 {key}，在“{scope}”中与 {_describe(other)} 冲突，已改回默认按键 {default}"
        )
        del kept[drop]
    return kept, notes


def load_user_keymap(data_dir: Path) -> tuple[dict[str, str], str]:
    """The user's keymap (migrated) and a message for the user ('' if fine or absent).

    Entries that are obsolete or would make one key mean two things are dropped; the file is
    then rewritten without them (the original kept as ``keymap.json.bak``), so the message is
    shown once.
    """
    path = keymap_path(data_dir)
    if not path.is_file():
        return {}, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {}, f"按键配置 {path} 无法读取，已使用默认按键：{exc}"
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        return {}, f"按键配置 {path} 应为 {{\"按键编号\": \"按键\"}} 形式，已使用默认按键"
    known = {b.id for group in GROUPS.values() for b in group if b.id} | set(OBSOLETE)
    unknown = sorted(set(data) - known)
    problems = [f"按键配置中有未知的编号（已忽略）：{'、'.join(unknown)}"] if unknown else []
    kept, notes = migrate({k: v for k, v in data.items() if k not in unknown})
    if notes:
        from ..inspection.storage import atomic_write_bytes

        try:
            backup = path.with_name(path.name + ".bak")
            atomic_write_bytes(backup, path.read_bytes())
            rewritten = {**kept, **{k: data[k] for k in unknown}}  # unknown ids may be a newer version's
            atomic_write_bytes(path, (json.dumps(rewritten, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
            where = f"已更新 {path}（原文件保存为 {backup.name}）"
        except OSError as exc:
            where = f"未能更新 {path}：{exc.strerror or exc}"
        problems.append("按键配置已迁移：" + "；".join(notes) + "。" + where)
    return kept, "\n".join(problems)
