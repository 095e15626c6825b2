"""汇总: total, grade, 加分/减分, 进度 and 完成度 (against the threshold where the checklist has
one), per-section bars, findings by severity and status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ...inspection import FINISHED, IN_PROGRESS, SEVERITIES, STATUSES, Inspection
from ...inspection import conditions as na
from .. import keymap
from ..widgets.key_bar import KeyBar
from ...inspection.scoring import format_percent, format_signed
from ..text import fmt_points
from ..widgets.score_bars import Bar, ScoreBars
from . import lifecycle, na_profile
from . import SCREENS_CSS

if TYPE_CHECKING:
    from .inspection import InspectionScreen


def totals_text(ins: Inspection) -> Text:
    """总分, 等次, 加分/减分 (signed), 一票否决, 进度 and 完成度 — the words `fzzf show` uses."""
    r = ins.score()
    c = ins.checklist
    t = Text()
    if c.points_provisional:
        t.append(" 分值暂定 ", "bold black on yellow")
        t.append(" 来源文件未规定分值，本清单分值为暂定值\n", "dim")
    t.append("总分 ", "bold")
    if r.has_value:
        t.append(f"{fmt_points(r.total)} / {fmt_points(r.max_total)}", "bold")
        t.append(f"（{r.percent:.2f}%）  ")
    else:
        t.append(f"未评（满分 {fmt_points(r.max_total)}）  ", "bold yellow")
    t.append("等次 ", "bold")
    t.append(r.grade_text, "bold reverse" if r.grade else "yellow")
    t.append("\n")
    if any(i.kind != "normal" for i in c.items) and r.has_value:
        t.append(f"基础分 {fmt_points(r.base)}  加分项 {format_signed(r.bonus)}  减分项 {format_signed(-r.penalty)}\n")
    for o in r.overrides:
        t.append(o.describe() + "\n", "bold red" if o.kind == "veto" else "bold yellow")
    t.append("进度 ", "bold")
    t.append(format_percent(r.progress), "green" if r.unscored == 0 else "yellow")
    t.append(f"（已评 {r.valued} 项、不涉及 {r.na} 项，共 {r.leaves} 项；未评 {r.unscored} 项）\n")
    t.append("完成度 ", "bold")
    if r.completion is None:
        t.append("—（尚未评分）", "yellow")
    else:
        ok = r.ready is not False
        t.append(format_percent(r.completion), "green" if ok else "yellow")
    if r.completion_threshold is not None:
        t.append(f"（要求 {r.completion_threshold * 100:.0f}%，")
        t.append("已达到" if r.ready else "未达到", "green" if r.ready else "bold yellow")
        t.append("）")
    t.append("\n")
    profile = na.profile(ins.meta)
    if profile:
        t.append(f"单位情形 {'、'.join(profile)}（原文标注该情形不涉及的指标已标记为不涉及）\n")
    t.append(f"状态 {ins.status}  检查日期 {ins.meta.get('date', '')}  检查组 {'、'.join(ins.meta.get('inspectors', [])) or '-'}\n", "dim")
    return t


def section_bars(ins: Inspection) -> list[Bar]:
    r = ins.score()
    bars = []
    for item in ins.checklist.items:
        ns = r.nodes[item.code]
        bars.append(Bar(f"{item.code} {item.title}", ns.earned, ns.max, ns.scored, ns.leaves,
                        ns.applicable, "", kind=item.kind, signed=ns.signed, has_value=ns.has_value,
                        na=ns.na_leaves))
    return bars


def findings_table(ins: Inspection) -> Table:
    findings = ins.findings()
    table = Table(title=f"问题 {len(findings)} 个（按严重程度和整改状态）", title_justify="left",
                  box=None, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("严重程度")
    for status in STATUSES:
        table.add_column(status, justify="right")
    table.add_column("合计", justify="right")
    for severity in SEVERITIES:
        counts = [sum(1 for f in findings if f.severity == severity and f.status == s) for s in STATUSES]
        table.add_row(severity, *(str(n) for n in counts), str(sum(counts)))
    totals = [sum(1 for f in findings if f.status == s) for s in STATUSES]
    table.add_row(Text("合计", "bold"), *(Text(str(n), "bold") for n in totals), Text(str(len(findings)), "bold"))
    return table


class SummaryScreen(Screen):
    CSS_PATH = SCREENS_CSS

    BINDINGS = keymap.SUMMARY

    def __init__(self, owner: "InspectionScreen") -> None:
        super().__init__(id="summary-screen")
        self.owner = owner

    @property
    def inspection(self) -> Inspection:
        return self.owner.inspection

    def compose(self) -> ComposeResult:
        with Horizontal(classes="header-bar"):
            yield Static(id="summary-title", markup=False)
        with VerticalScroll(id="summary-body", can_focus=True):
            yield Static(id="summary-totals")
            yield Static("各部分得分", classes="section-title")
            yield ScoreBars(id="summary-bars")
            yield Static(id="summary-findings")
            yield Static(id="summary-self")
        yield KeyBar(classes="key-bar")

    def on_mount(self) -> None:
        self.refresh_summary()
        self.query_one("#summary-body").focus()

    def refresh_summary(self) -> None:
        ins = self.inspection
        c = ins.checklist
        self.query_one("#summary-title", Static).update(f"汇总 · {ins.unit} · {c.type} · {c.title} {c.version}")
        self.query_one("#summary-totals", Static).update(totals_text(ins))
        self.query_one(ScoreBars).set_bars(section_bars(ins))
        self.query_one("#summary-findings", Static).update(findings_table(ins))
        self._refresh_self()
        self.refresh_bindings()

    def _refresh_self(self) -> None:
        """自评分 vs 督察分 per section, when the unit's 自查表 is in the inspection."""
        from rich.console import Group

        from ...inspection.self_check import compare
        from ..widgets.self_check import comparison_note, comparison_table

        box = self.query_one("#summary-self", Static)
        owner = self.owner
        if not owner.self_results:
            box.display = False
            return
        comp = compare(self.inspection.checklist, self.inspection.results(), owner.self_results, self.inspection.score(),
                       owner.self_scored)
        box.update(Group(comparison_table(comp), comparison_note(comp)))
        box.display = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        ins = self.inspection
        if action == "finalize":
            return (not ins.readonly and ins.status == IN_PROGRESS) or None
        if action == "reopen":
            return (not ins.readonly and ins.status != IN_PROGRESS) or None
        if action == "archive":
            return (not ins.readonly and ins.status == FINISHED) or None
        return True

    def _run(self, op: Callable[[Inspection], Any], in_form: bool) -> str | None:
        return self.owner.perform(lambda: op(self.inspection), in_form=in_form, label="检查状态")

    def action_finalize(self) -> None:
        lifecycle.finalize(self.app, self.inspection, self._run, self.refresh_summary)

    def action_reopen(self) -> None:
        lifecycle.reopen(self.app, self.inspection, self._run, self.refresh_summary)

    def action_archive(self) -> None:
        lifecycle.archive(self.app, self.inspection, self._run, self.refresh_summary)

    def action_export(self, fmt: str = "") -> None:
        self.app.with_plugins(
            lambda plugins: lifecycle.export(self.app, self.inspection, dict(plugins.export_formats()), fmt or None)
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_mark_by_condition(self) -> None:
        na_profile.mark_by_condition(self.app, self.inspection, self._run, self.refresh_summary)

    def palette_commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        out = [
            (f"导出：{name}", lambda n=name: self.action_export(n), getattr(f, "label", ""))
            for name, f in self.app.export_formats().items()
        ]
        ins = self.inspection
        if not ins.readonly and ins.status == IN_PROGRESS:
            out += na_profile.palette_entry(ins, self.action_mark_by_condition)
        return out
