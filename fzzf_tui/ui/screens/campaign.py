"""督察任务 in the TUI: the list of campaigns, and one campaign's units × status.

The campaign view shows every unit with its status (待自查 / 自查已交 / 督察进行中 / 已完成 /
整改中 / 已销号), progress, 自评分, 督察分 and 自评虚高. Enter opens the unit's inspection,
creating it pre-filled from the campaign (unit, checklist, team, 不涉及 profile, 整改时限) after
a confirmation. f writes the units' 自查表; i takes returned ones back (diff first, then
confirm). The screen only reads the campaign file; every change is in the units' inspections.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...campaign import Campaign, CampaignStore, UnitProgress, unit_progress
from ...errors import FzzfError
from ...inspection.scoring import format_percent, format_signed
from .. import keymap
from ..text import fmt_points, truncate
from ..widgets.key_bar import KeyBar
from . import SCREENS_CSS

STATUS_STYLE = {
    "待自查": "dim", "自查已交": "cyan", "督察进行中": "yellow", "已完成": "green", "整改中": "bold red",
    "已销号": "green",
}  # 自查逾期 (待自查 after the 自查截止) is bold yellow


def campaign_store(app: Any) -> CampaignStore:
    """Campaigns live beside the app's inspections folder."""
    return CampaignStore(Path(app.store.root).parent / "campaigns")


class CampaignTable(DataTable):
    BINDINGS = keymap.CAMPAIGNS_TABLE

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)


class UnitTable(DataTable):
    BINDINGS = keymap.CAMPAIGN_TABLE

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)


class CampaignListScreen(Screen):
    """Every campaign in the data dir; enter opens one."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = keymap.CAMPAIGNS

    def __init__(self) -> None:
        super().__init__(id="campaigns-screen")
        self.summaries: list[Any] = []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="header-bar"):
            yield Static("法治政府建设督察 · 督察任务", id="campaigns-title")
        yield CampaignTable(id="campaigns-table")
        yield Static(id="campaigns-detail", markup=False)
        yield KeyBar(classes="key-bar")

    def on_mount(self) -> None:
        table = self.query_one(CampaignTable)
        for key, label, width in (("name", "督察任务", 30), ("checklist", "清单", 24), ("units", "单位", 5),
                                  ("due", "自查截止", 11), ("start", "督察", 11)):
            table.add_column(label, key=key, width=width)
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.summaries = campaign_store(self.app).summaries()
        table = self.query_one(CampaignTable)
        table.clear()
        for s in self.summaries:
            if s.error:
                table.add_row(Text(truncate(s.path.name, 30), "red"), Text("无法读取", "red"), "", "", "", key=str(s.path))
                continue
            table.add_row(truncate(s.name, 30), truncate(s.checklist_title, 24), Text(str(s.units), justify="right"),
                          s.dates.self_check_due or "未定", s.dates.inspection_start or "未定", key=str(s.path))
        detail = self.query_one("#campaigns-detail", Static)
        if not self.summaries:
            detail.update("还没有督察任务。在命令行用 fzzf campaign new 新建（见 docs/campaign.md）。")
        else:
            self.show_detail()

    def current(self) -> Any:
        table = self.query_one(CampaignTable)
        if not self.summaries or not (0 <= table.cursor_row < len(self.summaries)):
            return None
        return self.summaries[table.cursor_row]

    def show_detail(self) -> None:
        s = self.current()
        if s is None:
            return
        text = f"{s.path.name} 无法读取：{s.error}" if s.error else (
            f"{s.name} · {s.checklist_title} {s.checklist_version} · 单位 {s.units} 个 · 检查组 {s.teams} 个 · "
            + " · ".join(f"{k} {v}" for k, v in s.dates.lines()))
        self.query_one("#campaigns-detail", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        s = self.current()
        if s is None:
            return
        if s.error:
            self.notify(s.error, severity="error", markup=False)
            return
        self.app.push_screen(CampaignScreen(s.path))

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()


class CampaignScreen(Screen):
    """One campaign: units × status, progress and 自评虚高; enter goes into a unit's inspection."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = keymap.CAMPAIGN

    def __init__(self, path: Path) -> None:
        super().__init__(id="campaign-screen")
        self.path = Path(path)
        self.campaign: Campaign | None = None
        self.progress: list[UnitProgress] = []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="header-bar"):
            yield Static(id="campaign-title", markup=False)
        yield Static(id="campaign-info", markup=False)
        yield UnitTable(id="campaign-units")
        yield Static(id="campaign-detail", markup=False)
        yield KeyBar(classes="key-bar")

    def on_mount(self) -> None:
        table = self.query_one(UnitTable)
        for key, label, width in (("unit", "被检查单位", 16), ("team", "检查组", 8), ("status", "状态", 12),
                                  ("progress", "进度", 6), ("self", "自评分", 8), ("inspected", "督察分", 8),
                                  ("gap", "自评虚高", 8), ("findings", "问题", 8)):
            table.add_column(label, key=key, width=width)
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        if self.campaign is not None:
            self.reload()

    def today(self) -> date:
        return self.app.today()

    def reload(self) -> None:
        try:
            with Campaign.open(self.path, readonly=True) as campaign:
                self.campaign = campaign
            self.progress = unit_progress(self.campaign, self.app.store)
        except (FzzfError, OSError) as exc:
            self.notify(str(exc), title="无法打开督察任务", severity="error", markup=False, timeout=10)
            return
        c = self.campaign
        self.query_one("#campaign-title", Static).update(
            truncate(f"督察任务 · {c.name} · {c.checklist.title} {c.checklist.version}", 100))
        counts: dict[str, int] = {}
        for p in self.progress:
            counts[p.status] = counts.get(p.status, 0) + 1
        info = "  ".join(f"{k} {v}" for k, v in c.dates.lines())
        info += "\n" + "  ".join(f"{k} {v}" for k, v in counts.items())
        info += f"  （共 {len(self.progress)} 个单位）"
        self.query_one("#campaign-info", Static).update(info)
        table = self.query_one(UnitTable)
        keep = table.cursor_row
        table.clear()
        day = self.today()
        for p in self.progress:
            table.add_row(*self._cells(p, day), key=p.unit.name)
        if self.progress:
            table.move_cursor(row=min(max(keep, 0), len(self.progress) - 1))
        self.show_detail()

    def _cells(self, p: UnitProgress, day: date) -> list[Any]:
        status = Text(p.status, STATUS_STYLE.get(p.status, ""))
        if self.campaign is not None and p.self_overdue(self.campaign, day):
            status = Text(p.status_text(self.campaign, day), "bold yellow")
        e = p.entry
        if e is None:
            return [truncate(p.unit.name, 16), truncate(p.unit.team or "-", 8), status, "", "", "", "", ""]
        comp = e.self_comparison
        gap = comp.final_gap  # only once the inspectors have answered every item

        def num(x: float | None) -> Text:
            return Text("—" if x is None else fmt_points(x), justify="right")

        return [
            truncate(p.unit.name, 16), truncate(p.unit.team or "-", 8), status,
            Text(format_percent(e.report.progress), justify="right"), num(comp.self_total), num(comp.inspected_total),
            Text("—" if gap is None else format_signed(gap), "bold magenta" if gap and gap > 0 else "", justify="right"),
            Text(f"{len(e.findings)}（{p.open_findings}）", justify="right"),
        ]

    def current(self) -> UnitProgress | None:
        table = self.query_one(UnitTable)
        if not self.progress or not (0 <= table.cursor_row < len(self.progress)):
            return None
        return self.progress[table.cursor_row]

    def show_detail(self) -> None:
        p = self.current()
        detail = self.query_one("#campaign-detail", Static)
        if p is None:
            detail.update("")
            return
        parts = [p.unit.name]
        team = self.campaign.team(p.unit.team) if self.campaign and p.unit.team else None
        if team is not None:
            parts.append(f"检查组 {team.name}：{'、'.join(team.members) or '未定成员'}")
        if p.unit.profile:
            parts.append("不涉及情形：" + "、".join(p.unit.profile))
        if p.entry is None:
            parts.append("尚未建立检查：按回车建立（单位、清单、检查组、不涉及情形、整改时限取自督察任务）")
        else:
            sc = p.entry.meta.get("self_check") or {}
            if sc:
                parts.append(f"自查表 {sc.get('file', '')}（填报人 {sc.get('filler') or '未填'}）")
            parts.append(f"检查文件 {p.entry.source.name}")
            if p.entry.self_comparison.differing:
                parts.append(f"自评与督察不一致 {len(p.entry.self_comparison.differing)} 项")
        if p.others:
            parts.append("另有：" + "、".join(q.name for q in p.others))
        detail.update(" · ".join(parts))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_unit()

    # -- actions --------------------------------------------------------------------------------
    def open_unit(self) -> None:
        """Enter: the unit's inspection (created pre-filled after a confirmation)."""
        from .dialogs import ConfirmDialog

        p = self.current()
        if p is None or self.campaign is None:
            return
        if p.path is not None:
            self.app.open_inspection(p.path)
            return
        team = self.campaign.team(p.unit.team) if p.unit.team else None
        lines = [f"清单：{self.campaign.checklist.title}（{self.campaign.checklist.version}）"]
        if team is not None:
            lines.append(f"检查组：{team.name}（{'、'.join(team.members) or '未定成员'}）")
        lines.append(f"检查日期：{self.campaign.dates.inspection_start or self.today().isoformat()}")
        if self.campaign.dates.rectify_due:
            lines.append(f"问题的整改时限默认为 {self.campaign.dates.rectify_due}")
        if p.unit.profile:
            lines.append("按不涉及情形预先标记：" + "、".join(p.unit.profile))
        name = p.unit.name

        def answered(ok: bool | None) -> None:
            if ok:
                self.create_inspection(name)

        self.app.push_screen(ConfirmDialog(f"为“{name}”建立检查", "\n".join(lines), "建立"), answered)

    def _team_meta(self, unit: str) -> dict[str, Any]:
        """The would-be inspection's team, for choosing who is recording (not the OS account)."""
        assert self.campaign is not None
        u = self.campaign.unit(unit)
        team = self.campaign.team(u.team) if u.team else None
        return {"inspectors": list(team.members) if team else []}

    def create_inspection(self, unit: str) -> None:
        from .scorer_choice import ask_person

        def got(name: str | None, _asked: bool) -> None:
            if name:
                self._create_inspection(unit, name)

        ask_person(self.app, self._team_meta(unit), f"你是哪位检查人员？  {unit}",
                   "建立检查和本次评分将记在所选人员名下（本机会记住此选择）", got)

    def _create_inspection(self, unit: str, who: str) -> None:
        from ...campaign import create_unit_inspection
        from ...inspection import scorer

        assert self.campaign is not None
        try:
            ins = create_unit_inspection(self.campaign, unit, self.app.store, who=who, today=self.today)
        except (FzzfError, OSError) as exc:
            self.notify(str(exc), title="未建立检查", severity="error", markup=False, timeout=10)
            return
        problem = scorer.remember(ins.id, who)
        if problem:
            self.notify(problem, severity="warning", timeout=6)
        self.app.show_inspection(ins)

    def action_forms(self) -> None:
        from ... import locations
        from ...campaign.forms import write_forms
        from ...inspection.folder import safe_filename

        if self.campaign is None:
            return
        folder = locations.exports_dir() / f"自查表-{safe_filename(self.campaign.name, 40)}"
        try:
            files = write_forms(self.campaign, folder, self.app.store)
        except (FzzfError, OSError) as exc:
            self.notify(str(exc), title="未生成自查表", severity="error", markup=False, timeout=10)
            return
        self.notify(f"已生成 {len(files)} 份自查表 → {folder}", title="自查表", timeout=10, markup=False)

    def action_import_self_check(self) -> None:
        from .dialogs import PromptDialog

        shown: list[Callable[[], None]] = []

        def chosen(values: dict[str, Any]) -> str | None:
            raw = str(values.get("text", "")).strip().strip('"')
            if not raw:
                return "请输入交回的自查表（.xlsx）路径"
            error, show = self.preview_import(Path(raw).expanduser())
            if show is not None:
                shown.append(show)
            return error

        def closed(ok: Any) -> None:
            # The diff opens once the path prompt has closed: a dialog pushed while the prompt
            # was still on top handed its answer back to the prompt, and the import was lost.
            if ok is True and shown:
                shown[-1]()

        self.app.push_screen(PromptDialog(chosen, "导入自查表", "文件路径", hint="单位交回的自查表 .xlsx；先显示差异，确认后写入"),
                             closed)

    def preview_import(self, path: Path) -> tuple[str | None, Callable[[], None] | None]:
        """Plan the import of one returned form: (why it cannot be read, or None; what shows the
        diff and applies it on confirmation, to run once the path prompt has closed)."""
        from ...campaign.progress import find_unit_inspection
        from ...campaign.self_check_import import plan_import, read_form
        from ...inspection import Inspection
        from ...inspection.self_check import read_self_results
        from .dialogs import ConfirmDialog

        assert self.campaign is not None
        try:
            form = read_form(path)
            existing = find_unit_inspection(self.campaign, self.app.store, form.unit)
            current = {}
            if existing is not None:
                with Inspection.open(existing, readonly=True) as ins:
                    current = read_self_results(ins)
            plan = plan_import(form, self.campaign, current)
        except (FzzfError, OSError) as exc:
            return str(exc), None
        lines = [f"{plan.unit}（填报人 {plan.filler.get('填报人') or '未填'}）：将更新 {len(plan.changes)} 项，"
                 f"未变化 {plan.unchanged} 项，拒绝 {len(plan.refused)} 行"]
        lines += [f"拒绝 {r}" for r in plan.refused[:8]]
        if len(plan.refused) > 8:
            lines.append(f"……另有 {len(plan.refused) - 8} 行被拒绝（命令行 fzzf campaign import-self-check 可看全部）")
        lines += [c.describe() for c in plan.changes[:10]]
        if len(plan.changes) > 10:
            lines.append(f"……另有 {len(plan.changes) - 10} 项")
        lines += [f"注意：{w}" for w in plan.warnings[:3]]
        if not plan.changes:
            return None, lambda: self.notify("\n".join(lines), title="没有需要写入的自评", markup=False,
                                             severity="warning" if plan.refused else "information", timeout=15)

        def answered(ok: bool | None) -> None:
            if ok:
                self.import_as_person(plan)

        return None, lambda: self.app.push_screen(
            ConfirmDialog(f"导入自查表 {path.name}", "\n".join(lines), f"写入 {len(plan.changes)} 项"), answered)

    def import_as_person(self, plan: Any) -> None:
        """Who is importing (recorded in the audit trail): known, or asked — never the OS account."""
        from ...campaign.progress import find_unit_inspection
        from ...inspection import Inspection
        from .scorer_choice import ask_person

        assert self.campaign is not None
        meta: dict[str, Any] = self._team_meta(plan.unit)
        try:
            path = find_unit_inspection(self.campaign, self.app.store, plan.unit)
            if path is not None:
                with Inspection.open(path, readonly=True) as existing:
                    meta = dict(existing.meta)
        except (FzzfError, OSError) as exc:
            self.notify(str(exc), title="未写入", severity="error", markup=False, timeout=10)
            return

        def got(name: str | None, _asked: bool) -> None:
            if name:
                self.apply_import(plan, name)

        ask_person(self.app, meta, f"谁在导入“{plan.unit}”的自查表？",
                   "导入将记在所选人员名下（审计记录）", got, role="操作人")

    def apply_import(self, plan: Any, who: str) -> None:
        from ...campaign.progress import create_unit_inspection, find_unit_inspection
        from ...campaign.self_check_import import apply_import
        from ...inspection import Inspection

        assert self.campaign is not None
        try:
            path = find_unit_inspection(self.campaign, self.app.store, plan.unit)
            ins = (Inspection.open(path, who=who) if path is not None
                   else create_unit_inspection(self.campaign, plan.unit, self.app.store, who=who, today=self.today))
            with ins:
                n = apply_import(ins, plan, who=who)
        except (FzzfError, OSError) as exc:
            self.notify(str(exc), title="未写入", severity="error", markup=False, timeout=10)
            return
        self.notify(f"已写入“{plan.unit}”的自评 {n} 项", title="导入自查表", timeout=6, markup=False)
        self.reload()

    def action_refresh(self) -> None:
        self.reload()
        self.notify("已刷新", timeout=2)

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        out = []
        for i, p in enumerate(self.progress):
            out.append((f"单位：{p.unit.name}", lambda r=i: self._goto(r), p.status))
        return out

    def _goto(self, row: int) -> None:
        self.query_one(UnitTable).move_cursor(row=row)


__all__ = ["CampaignListScreen", "CampaignScreen", "campaign_store"]
