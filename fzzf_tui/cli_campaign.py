"""``fzzf campaign …``: a 督察任务 from 部署 to 销号 — create it, hand out and take back the
units' 自查表, create the units' inspections, see where every unit stands."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from .errors import FzzfError, InvalidValue

who_option = click.option(
    "--who", envvar="FZZF_USER",
    help="操作人姓名，记入审计记录；也可设置环境变量 FZZF_USER。不填时用本机上次选定的人。",
)
json_option = click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
DATE_OPTIONS = (
    ("self_check_due", "--self-check-due", "自查截止日期（单位交回自查表的期限），如 2026-04-15。"),
    ("inspection_start", "--inspection-start", "督察开始日期（各单位检查的默认检查日期）。"),
    ("inspection_end", "--inspection-end", "督察结束日期。"),
    ("rectify_due", "--rectify-due", "整改时限：督察中记录的问题默认的整改期限。"),
    ("follow_up", "--follow-up", "回头看日期。"),
)


def _person(who: str | None) -> str:
    """The person recorded in the audit trail (never the computer's login account): --who or
    FZZF_USER, else the person last chosen on this machine (said on stderr), else refuse."""
    from .inspection import scorer

    name = scorer.clean(who) or scorer.last_chosen()
    if not name:
        raise click.UsageError("请说明操作人：加 --who 姓名，或设置环境变量 FZZF_USER。"
                               "审计记录要记下具体的人，而不是电脑的登录账号。")
    if not scorer.clean(who):
        click.echo(f"操作人：{name}（本机上次选定；可用 --who 指定）", err=True)
    return name


def _echo_json(data: Any) -> None:
    from .cli_output import echo_json

    echo_json(data)


def _date_options(f: Any) -> Any:
    for name, flag, help_text in reversed(DATE_OPTIONS):
        f = click.option(flag, name, help=help_text)(f)
    return f


def _split_pair(text: str, what: str) -> tuple[str, str]:
    for sep in ("=", "＝", ":", "："):
        if sep in text:
            left, right = text.split(sep, 1)
            return left.strip(), right.strip()
    raise click.BadParameter(f"“{text}”应写成 {what}")


def _store() -> Any:
    from .campaign import CampaignStore

    return CampaignStore()


def _inspections() -> Any:
    from .inspection import InspectionStore

    return InspectionStore()


@click.group(name="campaign")
def campaign_group() -> None:
    """督察任务：被检查单位、检查组、日期；自查表发放与收回；各单位进度与自评虚高。"""


@campaign_group.command(name="new")
@click.argument("name")
@click.option("--checklist", "checklist_id", required=True, help="清单编号（见 fzzf checklists），如 demonstration-2020。")
@click.option("--unit", "units", multiple=True, metavar="单位[:检查组]", help="被检查单位，可多次指定；可写“单位:检查组”。")
@click.option("--units-xlsx", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="从 Excel 单位名单读取被检查单位（可含“检查组”“不涉及情形”列）。")
@click.option("--column", help="单位名单中单位列的表头或列字母（默认自动识别“被检查单位”“单位名称”等）。")
@click.option("--sheet", help="单位名单所在的工作表（默认第一个）。")
@click.option("--team", "teams", multiple=True, metavar="检查组=成员、成员", help="检查组及其成员，可多次指定。")
@click.option("--profile", "profiles", multiple=True, metavar="单位=情形、情形",
              help="单位适用的不涉及情形（清单中的不涉及情形），可多次指定。")
@_date_options
@click.option("--note", default="", help="备注（如文号）。")
@who_option
@json_option
def new_command(name: str, checklist_id: str, units: tuple[str, ...], units_xlsx: Path | None, column: str | None,
                sheet: str | None, teams: tuple[str, ...], profiles: tuple[str, ...], note: str, who: str | None,
                as_json: bool, **dates: str | None) -> None:
    """新建督察任务 NAME：选定清单（按内容哈希固定），列出被检查单位和检查组，定下日期。"""
    from .campaign import CampaignSpec, CampaignUnit, Dates, Team
    from .campaign.model import split_names
    from .plugins import get_plugins

    checklist = get_plugins().get_checklist(checklist_id)
    unit_list: list[CampaignUnit] = []
    if units_xlsx is not None:
        from .campaign.units_xlsx import read_units

        unit_list += read_units(units_xlsx, column, sheet)
    for text in units:
        uname, _, team = text.replace("：", ":").partition(":")
        unit_list.append(CampaignUnit(uname.strip(), team.strip()))
    for text in profiles:
        uname, conds = _split_pair(text, "“单位=情形、情形”")
        match = [i for i, u in enumerate(unit_list) if u.name == uname]
        if not match:
            raise InvalidValue(f"--profile 中的单位“{uname}”不在被检查单位中")
        u = unit_list[match[0]]
        unit_list[match[0]] = CampaignUnit(u.name, u.team, tuple(u.profile) + tuple(split_names(conds)))
    team_list = []
    for text in teams:
        tname, members = _split_pair(text, "“检查组=成员、成员”")
        team_list.append(Team(tname, tuple(split_names(members))))
    spec = CampaignSpec(name, tuple(unit_list), tuple(team_list), Dates.from_dict(dates), note)
    with _store().create(spec, checklist, who=_person(who)) as campaign:
        if as_json:
            _echo_json(campaign.to_dict())
            return
        click.echo(f"已建立督察任务 {campaign.id}：{campaign.name}")
        click.echo(f"  清单：{checklist.title}（{checklist.version}，{checklist.short_hash}）")
        click.echo(f"  被检查单位 {len(campaign.units)} 个，检查组 {len(campaign.teams)} 个")
        click.echo(f"  文件：{campaign.path}")


@campaign_group.command(name="list")
@json_option
def list_command(as_json: bool) -> None:
    """列出数据目录中的督察任务。"""
    rows = _store().summaries()
    if as_json:
        _echo_json([s.to_dict() for s in rows])
        return
    if not rows:
        click.echo("还没有督察任务。用 fzzf campaign new 新建。")
    for s in rows:
        if s.error:
            click.echo(f"{s.path.name}  无法读取：{s.error}")
            continue
        due = s.dates.self_check_due or "未定"
        click.echo(f"{s.id}  {s.name}  单位 {s.units} 个  检查组 {s.teams} 个  自查截止 {due}  清单 {s.checklist_title}")


def _pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` terminal cells (CJK characters take two)."""
    from .exporting.cells import text_width

    gap = " " * max(0, width - text_width(text))
    return gap + text if right else text + gap


def _today(value: datetime | None) -> date:
    return value.date() if value else date.today()


def _fmt(x: float | None) -> str:
    from .inspection.scoring import format_points

    return "—" if x is None else format_points(x)


def _gap(x: float | None) -> str:
    from .inspection.scoring import format_signed

    return "—" if x is None else format_signed(x)


@campaign_group.command(name="show")
@click.argument("ref")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="判断自查是否逾期所用的日期（默认今天）。")
@json_option
def show_command(ref: str, today: datetime | None, as_json: bool) -> None:
    """显示督察任务：日期、检查组、各单位状态、自评分、督察分和自评虚高。"""
    from .campaign import unit_progress
    from .inspection.scoring import format_percent

    day = _today(today)
    with _store().open(ref, readonly=True) as campaign:
        progress = unit_progress(campaign, _inspections())
        if as_json:
            _echo_json({**campaign.to_dict(), "units": [p.to_dict(campaign, day) for p in progress],
                        "verify": campaign.verify().to_dict()})
            return
        c = campaign.checklist
        click.echo(f"{campaign.name}（{campaign.id}）")
        click.echo(f"清单：{c.title}（{c.version}，{c.short_hash}）" + ("  【分值暂定】" if c.points_provisional else ""))
        click.echo("  ".join(f"{k} {v}" for k, v in campaign.dates.lines()))
        for t in campaign.teams:
            click.echo(f"检查组 {t.name}：{'、'.join(t.members) or '（未定成员）'}")
        counts: dict[str, int] = {}
        for p in progress:
            counts[p.status] = counts.get(p.status, 0) + 1
        click.echo("进度：" + "  ".join(f"{k} {v}" for k, v in counts.items()))
        width = max([8] + [len(p.unit.name) * 2 + 2 for p in progress])
        click.echo(_pad("单位", width) + _pad("检查组", 10) + _pad("状态", 20) + _pad("进度", 8, True)
                   + _pad("自评分", 10, True) + _pad("督察分", 10, True) + _pad("自评虚高", 10, True) + "  问题（未销号）")
        for p in progress:
            e = p.entry
            status = p.status_text(campaign, day)
            head = _pad(p.unit.name, width) + _pad(p.unit.team or "-", 10) + _pad(status, 20)
            if e is None:
                click.echo(head.rstrip())
                continue
            comp = e.self_comparison
            click.echo(
                head + _pad(format_percent(e.report.progress), 8, True) + _pad(_fmt(comp.self_total), 10, True)
                + _pad(_fmt(comp.inspected_total), 10, True) + _pad(_gap(comp.final_gap), 10, True)
                + f"  {len(e.findings)}（{p.open_findings}）"
            )
        click.echo("自评虚高 = 自评分 − 督察分（正数为自评偏高），督察评完全部指标后给出。")


@campaign_group.command(name="start")
@click.argument("ref")
@click.option("--unit", "units", multiple=True, help="只为这些单位建立检查（默认：所有还没有检查的单位）。")
@who_option
@json_option
def start_command(ref: str, units: tuple[str, ...], who: str | None, as_json: bool) -> None:
    """为各单位建立检查：单位、清单、检查组、检查日期、不涉及情形和整改时限均取自督察任务。"""
    from .campaign import create_unit_inspection, unit_progress

    store = _inspections()
    created, existing = [], []
    who = _person(who)
    with _store().open(ref, readonly=True) as campaign:
        wanted = [campaign.unit(u).name for u in units] if units else [u.name for u in campaign.units]
        have = {p.unit.name: p.path for p in unit_progress(campaign, store)}
        for name in wanted:
            if have.get(name) is not None:
                existing.append({"unit": name, "file": str(have[name])})
                continue
            with create_unit_inspection(campaign, name, store, who=who) as ins:
                created.append({"unit": name, "id": ins.id, "file": str(ins.path)})
    if as_json:
        _echo_json({"created": created, "existing": existing})
        return
    for row in created:
        click.echo(f"已建立检查 {row['id']}：{row['unit']} → {row['file']}")
    for row in existing:
        click.echo(f"已有检查：{row['unit']} → {row['file']}")


@campaign_group.command(name="self-check-forms")
@click.argument("ref")
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
              help="输出文件夹（默认：导出文件夹下的“自查表-<督察任务>”）。")
@click.option("--unit", "units", multiple=True, help="只为这些单位生成（默认：全部单位）。")
@click.option("--force", is_flag=True, help="覆盖已存在的同名文件（默认另起新名）。")
@json_option
def forms_command(ref: str, out: Path | None, units: tuple[str, ...], force: bool, as_json: bool) -> None:
    """为每个单位生成自查表（.xlsx）：单位在 Excel/WPS 中填写自评、不涉及、佐证材料和说明后交回。"""
    from . import locations
    from .campaign.forms import write_forms
    from .inspection.folder import safe_filename

    with _store().open(ref, readonly=True) as campaign:
        folder = out or locations.exports_dir() / f"自查表-{safe_filename(campaign.name, 40)}"
        n = len(units) if units else len(campaign.units)
        with click.progressbar(length=n, label="生成自查表", file=sys.stderr, show_pos=True) as bar:
            files = write_forms(campaign, folder, _inspections(), list(units) or None, force,
                                progress=lambda _u: bar.update(1))
    if as_json:
        _echo_json({"files": [str(f) for f in files]})
        return
    click.echo(f"已生成 {len(files)} 份自查表 → {folder}")
    for f in files:
        click.echo(f"  {f.name}")


@campaign_group.command(name="import-self-check")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campaign", "ref", help="督察任务（编号、名称或文件；默认按自查表中记录的编号查找）。")
@click.option("--dry-run", is_flag=True, help="只显示差异，不写入。")
@click.option("--yes", "-y", is_flag=True, help="不询问，直接写入。")
@who_option
@json_option
def import_command(files: tuple[Path, ...], ref: str | None, dry_run: bool, yes: bool, who: str | None,
                   as_json: bool) -> None:
    """导入单位交回的自查表：先显示差异，确认后写入该单位检查的“自评”（与督察评分分开保存），记入审计日志。

    标识（编号、指标内容、填写方式、满分、隐藏的指标编号）被改动的行和不允许的填写不导入，并指出单元格。
    有行或文件被拒绝时退出码为 2。
    """
    from .campaign import Campaign
    from .campaign.progress import create_unit_inspection, find_unit_inspection
    from .campaign.self_check_import import apply_import, plan_import, read_form
    from .inspection import Inspection
    from .inspection.self_check import read_self_results

    if as_json and not (yes or dry_run):
        raise click.UsageError("--json 须与 --yes 或 --dry-run 一起使用（JSON 输出时无法询问确认）")
    if not dry_run:
        who = _person(who)
    store, inspections = _store(), _inspections()
    pinned = store.resolve(ref) if ref else None
    plans: list[tuple[Any, Path | None]] = []  # (plan, campaign file)
    failed: list[dict[str, str]] = []
    units_seen: dict[tuple[str, str], Path] = {}
    for f in files:
        try:
            form = read_form(f)
            cpath = pinned or store.resolve(form.campaign_id)
            with Campaign.open(cpath, readonly=True) as campaign:
                key = (campaign.id, form.unit)
                if key in units_seen:
                    raise InvalidValue(f"单位“{form.unit}”的自查表出现两次（{units_seen[key].name}、{f.name}），请只导入一份")
                units_seen[key] = f
                path = find_unit_inspection(campaign, inspections, form.unit)
                current = {}
                if path is not None:
                    with Inspection.open(path, readonly=True) as ins:
                        current = read_self_results(ins)
                plan = plan_import(form, campaign, current)
            plans.append((plan, cpath))
        except FzzfError as exc:
            failed.append({"file": str(f), "error": str(exc)})
    if not as_json:
        for plan, _ in plans:
            click.echo(f"{plan.source.name} → {plan.unit}（填报人 {plan.filler.get('填报人') or '未填'}）")
            if plan.changes:
                click.echo(f"  将更新 {len(plan.changes)} 项：")
                for ch in plan.changes:
                    click.echo(f"    {ch.describe()}")
            click.echo(f"  未变化 {plan.unchanged} 项；拒绝 {len(plan.refused)} 行")
            for line in plan.refused:
                click.echo(f"    拒绝 {line}")
            for line in plan.warnings:
                click.echo(f"    注意：{line}")
        for row in failed:
            click.echo(f"{Path(row['file']).name}：整个文件未导入：{row['error']}", err=True)
    total = sum(len(p.changes) for p, _ in plans)
    applied: dict[str, int] = {}
    if total and not dry_run and (yes or click.confirm(f"写入以上 {total} 项自评？", default=False)):
        for plan, cpath in plans:
            if not plan.changes:
                continue
            try:
                with Campaign.open(cpath, readonly=True) as campaign:
                    path = find_unit_inspection(campaign, inspections, plan.unit)
                    ins = (Inspection.open(path, who=who) if path is not None
                           else create_unit_inspection(campaign, plan.unit, inspections, who=who))
                with ins:
                    applied[str(plan.source)] = apply_import(ins, plan, who=who)
            except FzzfError as exc:
                failed.append({"file": str(plan.source), "error": str(exc)})
    if as_json:
        _echo_json({"files": [{**p.to_dict(), "applied": applied.get(str(p.source), 0)} for p, _ in plans],
                    "failed": failed, "dry_run": dry_run})
    elif dry_run:
        click.echo("（--dry-run：未写入）")
    elif total:
        n = sum(applied.values())
        click.echo(f"已写入 {n} 项自评" if n else "未写入任何自评")
    else:
        click.echo("没有需要写入的自评")
    if failed or any(p.refused for p, _ in plans):
        sys.exit(2)


@campaign_group.command(name="verify")
@click.argument("ref")
@json_option
def verify_command(ref: str, as_json: bool) -> None:
    """校验督察任务文件的审计记录（哈希链、按记录重放的单位和检查组、清单快照）。"""
    from .campaign.store import verify_file

    path = _store().resolve(ref)
    report = verify_file(path)
    if as_json:
        _echo_json(report.to_dict())
    elif report.ok:
        click.echo(f"✓ {path.name}：审计记录 {report.entries} 条，校验通过")
    else:
        click.echo(f"✗ {path.name}：校验未通过", err=True)
        for p in report.problems:
            click.echo(f"  {p}", err=True)
    if not report.ok:
        sys.exit(1)


def add_commands(cli: click.Group) -> None:
    """Add ``campaign`` to ``cli`` (calling it again changes nothing)."""
    if campaign_group.name not in cli.commands:
        cli.add_command(campaign_group)
