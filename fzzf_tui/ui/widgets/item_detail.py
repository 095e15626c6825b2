"""The right-hand pane: everything about the item under the cursor, and how to score it."""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from ...checklist import KIND_LABELS, Item
from ...checklist.model import method_label
from ...inspection import Finding, Result, describe_value
from ...inspection.scoring import NodeScore, format_signed
from ..scoring_keys import KeyFor, default_key, scoring_help
from ..text import fmt_points, truncate, wrap_text

def _heading(text: Text, title: str) -> None:
    text.append("\n")
    text.append(f"【{title}】", "bold")
    text.append("\n")


def render_item(
    item: Item,
    ancestors: Sequence[Item],
    result: Result | None,
    score: NodeScore | None,
    findings: Sequence[Finding],
    key: KeyFor = default_key,
) -> Text:
    """The detail text of one item (leaf or section)."""
    t = Text()
    if ancestors:
        # Short: the tree shows the sections in full; here they only say where the item sits.
        t.append(" > ".join(f"{a.code} {truncate(a.title, 12)}" for a in ancestors), "dim")
        t.append("\n")
    t.append(item.code, "bold")
    if item.label:
        t.append(f"  {item.label}")
    t.append("\n")
    t.append(item.title, "bold")
    t.append("\n")
    if item.kind == "bonus":
        facts = [f"加分项（{'符合' if item.is_leaf else '合计不超过'} +{fmt_points(item.points)} 分）"]
    elif item.kind == "penalty":
        facts = [f"减分项（{'发生' if item.is_leaf else '合计不超过'} −{fmt_points(item.points)} 分）"]
    else:
        facts = [f"满分 {fmt_points(item.points)} 分"]
    if item.is_leaf:
        facts.insert(0, method_label(item))
    t.append(" · ".join(facts), "dim")
    t.append("\n")
    if item.veto is not None:
        t.append(f"一票否决：本项失分{'（发生）' if item.kind == 'penalty' else ''}则等次为{item.veto.grade}\n", "bold red")
    if item.grade_cap:
        t.append(f"等次上限：本项失分{'（发生）' if item.kind == 'penalty' else ''}则等次至多为{item.grade_cap}\n", "bold yellow")

    if item.is_leaf:  # first, so a short (80×24) pane shows it without scrolling
        _heading(t, "当前结果")
        state = describe_value(item, result)
        style = "bold"
        if result is None or not result.is_scored:
            style = "bold yellow"
        t.append(state, style)
        if result is not None and result.na:
            t.append(f"  理由：{result.na_reason}")
        elif score is not None and result is not None and result.value is not None:
            if item.kind != "normal":
                t.append(f"  {KIND_LABELS[item.kind]} {format_signed(score.signed or 0)} 分")
            else:
                t.append(f"  得 {fmt_points(score.earned)} / {fmt_points(score.max)} 分")
        t.append("\n")
        if result is not None and result.by and (result.is_scored or result.note):  # not for evidence alone
            t.append(f"{result.by}  {result.at.replace('T', ' ')[:19]}\n", "dim")

    if not item.is_leaf:
        if score is not None:
            _heading(t, "进度与得分")
            # the words of `fzzf show` and 评分汇总: 已评 counts values, 不涉及 apart
            t.append(f"已评 {score.scored - score.na_leaves}/{score.leaves} 项")
            if score.na_leaves:
                t.append(f"，不涉及 {score.na_leaves} 项")
            t.append("\n")
            if not score.applicable:
                t.append("本部分全部不涉及，不计分")
            elif item.kind != "normal":
                t.append("未评" if score.signed is None else f"{KIND_LABELS[item.kind]} {format_signed(score.signed)} 分")
            elif not score.has_value:
                t.append(f"未评（满分 {fmt_points(score.max)}）")
            else:
                t.append(f"得分 {fmt_points(score.earned)} / {fmt_points(score.max)}")
                if score.renormalised:
                    t.append(f"（按适用项折算：{fmt_points(score.children_earned)} ÷ {fmt_points(score.applicable_max)}"
                             f" × {fmt_points(score.max)}）", "dim")
            t.append("\n")
    if item.text and item.text != item.title:
        _heading(t, "原文")
        t.append(item.text + "\n")
    if item.is_leaf:
        _heading(t, "评分标准")
        if item.criteria:
            t.append(item.criteria + "\n")
        if item.method == "graded":
            current = result.value if result and not result.na else None
            for i, level in enumerate(item.levels, 1):
                line = f"{i} {level.name}（{fmt_points(level.fraction * 100)}%，{fmt_points(level.fraction * item.points)} 分）"
                t.append(line, "bold reverse" if level.name == current else "")
                t.append("\n")
        if item.method == "itemized":
            ticked = set(result.value or []) if result and not result.na and isinstance(result.value, list) else set()
            for i, s in enumerate(item.shortfalls):
                mark = "[x]" if i in ticked else "[ ]"
                t.append(f"{mark} {key(i + 1)} {s.text}（扣 {fmt_points(s.points)} 分）", "bold reverse" if i in ticked else "")
                t.append("\n")
        t.append(scoring_help(item, key), "dim")
        t.append("\n")
    lead = set(item.lead_units)
    for title, values in (
        ("佐证材料", item.evidence),
        ("责任单位", tuple(f"{u}（牵头）" if u in lead else u for u in item.units)),
        ("责任处室", item.offices),
        ("不涉及情形", tuple(f"{tag}（{a.code} 标注，适用于其下各项）" for a in ancestors for tag in a.na_conditions
                            if tag not in item.na_conditions) + item.na_conditions),
    ):
        if values:
            _heading(t, title)
            t.append("\n".join(f"- {v}" for v in values) + "\n")
    if item.is_leaf:
        files = [e for e in (result.evidence if result is not None else ()) if e.is_file]
        _heading(t, f"已附佐证文件（{len(files)} 份）" if files else "已附佐证文件")
        if not files:
            t.append("无。按 a 添加文件（照片、扫描件等）\n", "dim")
        if files:
            from ...inspection.evidence import display_name, human_size  # only when files are attached
        for n, e in enumerate(files, 1):
            t.append(f"{n}. {display_name(e)}（{human_size(e.size)}）" + (f"  {e.text}" if e.text else "") + "\n")
        if result is not None and result.note:
            _heading(t, "检查备注")
            t.append(result.note + "\n")
        _heading(t, f"问题（{len(findings)}）")
        if not findings:
            t.append("无。按 f 记录问题\n", "dim")
        for f in findings:
            t.append(f"[{f.severity}][{f.status}] ", "bold red" if f.is_open else "dim")
            t.append(f.description)
            extra = []
            if f.due:
                extra.append(f"整改时限 {f.due}")
            files = sum(1 for e in f.evidence if e.is_file)
            if files:
                extra.append(f"佐证 {files} 份")
            if extra:
                t.append("（" + "，".join(extra) + "）", "dim")
            t.append("\n")
    if item.source_note:
        _heading(t, "来源说明")
        t.append("（清单维护者对原文的说明，不是检查意见）\n", "dim")
        t.append(item.source_note + "\n", "dim")
    return t


class ItemDetail(Static, can_focus=True):
    """Scrollable detail of the current item (one widget; it scrolls its own content)."""

    BINDINGS = [
        Binding("up", "scroll_up", show=False),
        Binding("down", "scroll_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._text = Text()
        self._wrapped: tuple[int, Text] | None = None
        self.code: str | None = None

    def show(self, code: str, text: Text) -> None:
        self.code = code
        self._text = text
        self._wrapped = None
        self.refresh(layout=True)
        self.scroll_home(animate=False)

    def render(self) -> Text:
        # Wrapped here, once per width: Rich's own folding of long CJK paragraphs is slow.
        width = self.content_size.width or self.size.width or 40
        if self._wrapped is None or self._wrapped[0] != width:
            self._wrapped = (width, wrap_text(self._text, width))
        return self._wrapped[1]

    @property
    def plain(self) -> str:
        return self._text.plain
