"""Office commands: ``consolidate`` many inspections into one workbook, ``import-status`` from a
returned 整改清单."""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

import click

from .errors import ExportError

EXIT_ROWS_REFUSED = 3  # import-status: some rows of the workbook were refused (the rest were applied)


def _echo_json(data: object) -> None:
    from .cli_output import echo_json

    echo_json(data)


@contextlib.contextmanager
def progress_display(total: int, label: str) -> Iterator[Callable[[Path], None]]:
    """The command line's progress display: a bar on stderr while a terminal watches, nothing
    otherwise (a script, a pipe or ``--json`` gets no stray lines on stderr)."""
    if not _is_terminal(sys.stderr) or total <= 1:
        yield lambda path: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True,
                           item_show_func=lambda p: p.name if p else None) as bar:
        yield lambda path: bar.update(1, path)


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False


@click.command(name="consolidate")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=Path("汇总.xlsx"), show_default=True,
              help="汇总工作簿（可为文件夹；已存在时另起新名，除非 --force）。")
@click.option("--report", "report_path", type=click.Path(path_type=Path),
              help="同时生成通报（Word 文档，如 通报.docx）。")
@click.option("--report-format", default="bulletin", show_default=True,
              help="通报的格式（内置 bulletin；插件可提供自己的模板）。")
@click.option("--issuer", help="通报的落款（发文单位），默认“法治政府建设督察办公室”。")
@click.option("--include-unfinished", is_flag=True,
              help="未完成的检查也参与排名（临时排名，备注中注明）；默认只对已完成且全部评分的检查排名。")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="判断逾期所用的日期，如 2026-06-30（默认今天）。")
@click.option("--verify", is_flag=True, help="同时校验每个检查文件的审计记录和封存（数据包总会校验）。")
@click.option("--no-cache", is_flag=True,
              help="不使用上次汇总留下的本机缓存，所有文件重新读取和计分（缓存按文件内容识别，文件有任何改动都会重新计分）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
def consolidate_command(inputs: tuple[Path, ...], out: Path, report_path: Path | None, report_format: str,
                        issuer: str | None, include_unfinished: bool, force: bool, today: datetime | None, verify: bool,
                        no_cache: bool, as_json: bool) -> None:
    """汇总多个检查文件、数据包或文件夹：排名、分项对比、整改台账、未纳入文件、来源；可同时生成通报。

    只读取，不加锁，不修改任何检查。同一检查出现多次只计一次。默认只对已完成的检查排名。
    """
    from .exporting.consolidate import collect_inputs, consolidate

    files = collect_inputs(inputs)
    if not files:
        raise ExportError("没有找到可汇总的检查文件（.fzzf）或数据包（.fzzf.zip）")
    options = {"issuer": issuer} if issuer else {}
    with progress_display(len(files), "读取检查") as advance:
        report = consolidate(files, out, today=today.date() if today else None, force=force, verify=verify,
                             progress=advance, include_unfinished=include_unfinished, report_docx=report_path,
                             report_format=report_format, report_options=options, use_cache=not no_cache)
    if as_json:
        _echo_json(report.to_dict())
        return
    ranked = sum(len(g.ranked) for g in report.groups)
    click.echo(f"已汇总 {len(report.included)} 个检查、{report.findings} 个问题 → {report.output}")
    rule = "（含未完成的检查，临时排名）" if include_unfinished else "（只排已完成的检查；加 --include-unfinished 可临时排入其余检查）"
    click.echo(f"  参与排名 {ranked} 个，未参与排名 {len(report.included) - ranked} 个{rule}")
    click.echo(f"  逾期未整改 {report.overdue} 项；未纳入 {len(report.skipped)} 个文件")
    for doc in report.documents:
        click.echo(f"  通报：{doc}")
    for name, reason in report.skipped:
        click.echo(f"  未纳入：{name}：{reason}")


@click.command(name="import-status")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--inspection", "ref", help="要更新的检查（编号或文件；默认按工作簿中记录的检查编号在数据目录中查找）。")
@click.option("--dry-run", is_flag=True, help="只显示差异，不写入。")
@click.option("--yes", "-y", is_flag=True, help="不询问，直接写入。")
@click.option("--who", envvar="FZZF_USER", help="操作人姓名，记入审计记录（也可设置环境变量 FZZF_USER）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出差异和结果（须与 --yes 或 --dry-run 同用）。")
def import_status_command(workbook: Path, ref: str | None, dry_run: bool, yes: bool, who: str | None,
                          as_json: bool) -> None:
    """导入被检查单位填写的整改清单（状态、整改措施及完成情况）。

    先显示差异，确认后写入，每处修改记入审计日志。单位可将状态推进到“已整改”，不能销号（销号由
    检查组复查后在系统中办理）。标识（隐藏的问题编号、内容指纹，及问题、整改要求、责任单位、
    整改时限）或复查意见被改动的行和不允许的状态不导入，并指出单元格。

    退出码：0 全部行已处理；3 有行被拒绝（其余行照常处理，见输出）；1 出错，未导入。
    """
    from .exporting.status_import import apply_status_changes, find_inspection, plan_status_import, read_returned
    from .inspection import Inspection, InspectionStore

    if as_json and not (yes or dry_run):
        raise click.UsageError("--json 须与 --yes 或 --dry-run 一起使用（JSON 输出时无法询问确认）")
    returned = read_returned(workbook)
    store = InspectionStore()
    path = store.resolve(ref) if ref else find_inspection(store, returned.inspection_id, returned.unit)
    # a dry run only reads; applying holds the lock from the diff to the last write
    with Inspection.open(path, readonly=dry_run, who=who) as ins:
        if not dry_run:
            from .cli_inspection import scorer_for

            ins.who = scorer_for(ins.meta, who)
        plan = plan_status_import(returned, ins)
        if not as_json:
            click.echo(f"{workbook.name} → 检查 {ins.id}（{ins.unit}）")
            if plan.changes:
                click.echo(f"将更新 {len(plan.changes)} 个问题：")
                for ch in plan.changes:
                    click.echo(f"  {ch.describe()}")
            click.echo(f"未变化 {plan.unchanged} 行；拒绝 {len(plan.refused)} 行")
            for line in plan.refused:
                click.echo(f"  拒绝 {line}")
            for line in plan.warnings:
                click.echo(f"  注意：{line}")
        applied = 0
        refused_before = len(plan.refused)
        if plan.changes and not dry_run:
            if yes or click.confirm(f"写入以上 {len(plan.changes)} 处修改？", default=False):
                applied = apply_status_changes(ins, plan)
    if as_json:
        _echo_json({**plan.to_dict(), "applied": applied, "dry_run": dry_run})
    elif dry_run:
        click.echo("（--dry-run：未写入）")
    elif plan.changes:
        click.echo(f"已写入 {applied} 处修改" if applied else "未写入任何修改")
        for line in plan.refused[refused_before:]:  # refused by the store while applying
            click.echo(f"  未写入 {line}")
    else:
        click.echo("没有需要写入的修改")
    if plan.refused:
        if not as_json:
            click.echo(f"有 {len(plan.refused)} 行被拒绝（退出码 {EXIT_ROWS_REFUSED}）", err=True)
        sys.exit(EXIT_ROWS_REFUSED)


def add_commands(cli: click.Group) -> None:
    """Add ``consolidate`` and ``import-status`` to ``cli`` (calling it again changes nothing)."""
    for command in (consolidate_command, import_status_command):
        if command.name not in cli.commands:
            cli.add_command(command)
