"""Click commands for the office: consolidate many inspections, take back 整改 status."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from .errors import ExportError


def add_commands(cli: click.Group) -> None:
    if "consolidate" in cli.commands:
        return

    @cli.command(name="consolidate")
    @click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("汇总.xlsx"),
                  show_default=True, help="汇总工作簿（已存在时另起新名，除非 --force）。")
    @click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
    @click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="判断逾期的日期（默认今天）。")
    @click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
    def consolidate_command(inputs: tuple[Path, ...], out: Path, force: bool, today, as_json: bool) -> None:
        """汇总多个检查文件或数据包（可给文件夹）：排名、分项对比、整改台账、未纳入文件。"""
        from .exporting.consolidate import collect_inputs, consolidate

        files = collect_inputs(inputs)
        day = today.date() if today else date.today()
        with click.progressbar(length=len(files), label="汇总中", file=sys.stderr,
                               show_pos=True) as bar:
            report = consolidate(files, out, today=day, force=force, progress=lambda p: bar.update(1))
        if as_json:
            from .cli import echo_json

            echo_json(report.to_dict())
            return
        click.echo(f"已汇总 {len(report.included)} 个检查 → {report.output}")
        click.echo(f"  逾期未整改 {report.overdue} 项；未纳入 {len(report.skipped)} 个文件")
        for name, reason in report.skipped:
            click.echo(f"  未纳入：{name}：{reason}", err=True)

    @cli.command(name="import-status")
    @click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--inspection", "ref", help="要更新的检查（默认按工作簿中记录的检查编号查找）。")
    @click.option("--dry-run", is_flag=True, help="只显示差异，不写入。")
    @click.option("--yes", "-y", is_flag=True, help="不询问，直接写入。")
    @click.option("--who", envvar="FZZF_USER", help="记录在审计日志中的操作人。")
    @click.option("--json", "as_json", is_flag=True, help="以 JSON 输出差异和结果。")
    def import_status_command(workbook: Path, ref: str | None, dry_run: bool, yes: bool, who: str | None, as_json: bool) -> None:
        """导入被检查单位填写的整改清单（状态、复查意见）：先显示差异，确认后写入并记入审计日志。"""
        from .exporting.status_import import apply_status_changes, plan_status_import, read_identity
        from .inspection import InspectionStore

        wb, ins_id, prints = read_identity(workbook)
        store = InspectionStore()
        ins = store.open(ref or ins_id, who=who)
        try:
            if ins.id != ins_id:
                raise ExportError(f"{workbook.name} 属于检查 {ins_id}，不是 {ins.id}")
            plan = plan_status_import(workbook, ins, wb, prints)
            if not as_json:
                click.echo(f"{workbook.name} → 检查 {ins.id}（{ins.unit}）")
                for ch in plan.changes:
                    click.echo(f"  {ch.describe()}")
                click.echo(f"  未变化 {plan.unchanged} 行；拒绝 {len(plan.refused)} 行")
                for r in plan.refused:
                    click.echo(f"  拒绝：{r}", err=True)
            applied = 0
            if plan.changes and not dry_run:
                if yes or click.confirm(f"写入以上 {len(plan.changes)} 处修改？", default=False):
                    applied = apply_status_changes(ins, plan)
            if as_json:
                from .cli import echo_json

                echo_json({**plan.to_dict(), "applied": applied, "dry_run": dry_run})
            elif plan.changes:
                click.echo(f"已写入 {applied} 处修改" if applied else "未写入任何修改")
        finally:
            ins.close()
