"""``fzzf merge`` / ``conflicts`` / ``resolve``: combine a team's files of one unit and settle what
they disagree on (scores and finding fields). See docs/merge.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .cli_inspection import echo_json, json_option, opened, scorer_for, who_option
from .inspection import Inspection, describe_value


def candidate_text(code: str, result: dict[str, Any], ins: Inspection) -> str:
    """A merge candidate's result in words (发生/未发生, 完全达到, 3 处…), not a raw true/false."""
    from .inspection.scoring import Result

    r = Result.from_dict(result)
    if r.na:
        return f"不涉及（{r.na_reason}）"
    if not ins.checklist.has_item(code):
        return str(r.value)
    return describe_value(ins.checklist.item(code), r)


def add_commands(cli: click.Group) -> None:
    if "merge" in cli.commands:
        return

    def _echo_conflicts(ins: Inspection, indent: str) -> None:
        for c in ins.conflicts():
            click.echo(f"{indent}冲突 指标 {c['code']} {c['title'][:30]}")
            for i, cand in enumerate(c["candidates"], start=1):
                text = candidate_text(c["code"], cand["result"], ins)
                click.echo(f"{indent}  {i}. {cand['by']}：{text}（{cand['at']}，{cand.get('file', '')}）")
        for c in ins.finding_conflicts():
            click.echo(f"{indent}冲突 问题 {c['finding']}“{c.get('description', '')[:20]}”的{c['label']}（--field {c['field']}）")
            for i, cand in enumerate(c["candidates"], start=1):
                value = cand["value"]
                text = "、".join(map(str, value)) if isinstance(value, list) else (value if value not in ("", None) else "（空）")
                click.echo(f"{indent}  {i}. {cand['by']}：{text}（{cand['at']}，{cand.get('file', '')}）")

    @cli.command(name="merge")
    @click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="合并后的检查文件（不会覆盖已有文件）。")
    @who_option
    @json_option
    def merge_command(files: tuple[Path, ...], out: Path, who: str | None, as_json: bool) -> None:
        """合并同一单位、同一清单版本的检查文件：同一检查的副本逐项逐字段合并，两边改得不同的评分和问题字段列为冲突；相同问题只保留一个，记录人都保留。"""
        from .inspection.merge import merge_inspections

        from .inspection import scorer

        report = merge_inspections(files, out, who=scorer_for({}, who or scorer.last_chosen() or None))
        if as_json:
            echo_json(report.to_dict())
            return
        click.echo(f"已合并 {len(report.sources)} 个检查 → {report.output}")
        click.echo(f"  一致的评分 {report.combined} 项，问题 {report.findings} 个，评分冲突 {len(report.conflicts)} 项，"
                   f"问题字段冲突 {len(report.finding_conflicts)} 处")
        if report.base_entries:
            click.echo(f"  各份是同一检查的副本，共同的审计记录 {report.base_entries} 条：只在一份中修改的内容已采用")
        for d in report.deduplicated:
            click.echo(f"  相同问题已合并为一个：“{d['description']}”（记录人：{'、'.join(d['by'])}）")
        if report.conflicts or report.finding_conflicts:
            with Inspection.open(report.output, readonly=True) as merged:
                _echo_conflicts(merged, "  ")
        for p in report.problems:
            click.echo(f"  警告：{p}", err=True)
        if report.conflicts or report.finding_conflicts:
            click.echo("用 fzzf resolve 文件 指标编号 序号（问题字段：fzzf resolve 文件 问题编号 序号 --field 字段）选定，"
                       "或在界面中处理冲突。冲突处理完之前不能完成检查。")

    @cli.command(name="conflicts")
    @click.argument("inspection")
    @json_option
    def conflicts_command(inspection: str, as_json: bool) -> None:
        """列出合并后尚未处理的冲突（指标评分和问题字段）。"""
        with opened(inspection, readonly=True) as ins:
            if as_json:
                echo_json({"results": ins.conflicts(), "findings": ins.finding_conflicts()})
                return
            if not ins.conflicts() and not ins.finding_conflicts():
                click.echo("没有待处理的冲突")
            _echo_conflicts(ins, "")

    @cli.command(name="resolve")
    @click.argument("inspection")
    @click.argument("target")
    @click.argument("pick", type=int)
    @click.option("--field", help="问题字段冲突：字段名（如 requirement 或 整改要求）；TARGET 为问题编号。")
    @who_option
    def resolve_command(inspection: str, target: str, pick: int, field: str | None, who: str | None) -> None:
        """处理合并冲突：为指标 TARGET 选定第 PICK 个候选结果；加 --field 时为问题 TARGET 的该字段选定。"""
        from .inspection.merge import FIELD_LABELS

        with opened(inspection, who) as ins:
            if field:
                name = next((k for k, v in FIELD_LABELS.items() if field in (k, v)), field)
                ins.resolve_finding_conflict(target, name, pick)
            else:
                ins.resolve_conflict(target, pick)
            left = len(ins.conflicts()) + len(ins.finding_conflicts())
        click.echo(f"已采用第 {pick} 个候选；剩余冲突 {left} 处")
