"""Click commands for exports: ``fzzf export`` (xlsx, bundle, plugin formats) and ``fzzf import-bundle``."""

from __future__ import annotations

from pathlib import Path

import click

from .inspection import InspectionStore


def add_commands(cli: click.Group) -> None:
    if "export" in cli.commands:
        return

    @cli.command(name="export")
    @click.argument("inspection")
    @click.option("--format", "-f", "fmt", default="xlsx", show_default=True,
                  help="导出格式：xlsx（Excel 工作簿）、bundle（检查数据包 zip，用于移交）、docx（反馈意见书，Word），"
                       "或插件提供的格式。")
    @click.option("-o", "--output", "out", type=click.Path(path_type=Path),
                  help="输出文件或文件夹（默认为 exports 文件夹，文件名由单位、类型和日期组成）。")
    @click.option("--force", is_flag=True, help="输出文件已存在时覆盖它（默认另起新名，如 …(2).xlsx）。")
    @click.option("--allow-missing-evidence", is_flag=True,
                  help="数据包：佐证材料文件缺失或已被修改时仍然导出（数据包中将缺少这些文件）。")
    @click.option("--issuer", help="反馈意见书（docx）的落款，默认“法治政府建设督察检查组”。")
    @click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
    def export_command(inspection: str, fmt: str, out: Path | None, force: bool, allow_missing_evidence: bool,
                       issuer: str | None, as_json: bool) -> None:
        """导出检查：Excel 工作簿（评分汇总、评分明细、问题清单、整改清单）、检查数据包或反馈意见书。"""
        from .cli_output import echo_json
        from .exporting import export_inspection, export_warnings, planned_path

        options = {"allow_missing_evidence": True} if allow_missing_evidence else {}
        if allow_missing_evidence and fmt != "bundle":
            raise click.UsageError("--allow-missing-evidence 只用于 --format bundle")
        if issuer is not None:
            if fmt in ("xlsx", "bundle"):
                raise click.UsageError("--issuer 只用于 Word 文档（如 --format docx）")
            options["issuer"] = issuer
        ins = InspectionStore().open(inspection, readonly=True)
        try:
            planned = planned_path(ins, fmt, out)
            written = export_inspection(ins, fmt, out, force=force, **options)
            warnings = export_warnings(ins, fmt)
        finally:
            ins.close()
        renamed = written != planned
        if as_json:
            echo_json({"file": str(written), "format": fmt, "renamed": renamed, "planned": str(planned),
                       "warnings": warnings})
            return
        click.echo(f"已导出：{written}")
        if renamed:
            click.echo(f"（{planned.name} 已存在，未覆盖，另存为 {written.name}；如要覆盖请加 --force）")
        if warnings:
            click.echo(f"注意：{len(warnings)} 个问题的整改清单信息不全，打印出来将是空白，请在检查中补充后重新导出：", err=True)
            for line in warnings:
                click.echo(f"  {line}", err=True)

    @cli.command(name="import-bundle")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--replace", is_flag=True, help="数据目录中已有同一检查时，用数据包中的版本替换它。")
    @click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
    def import_bundle_command(file: Path, replace: bool, as_json: bool) -> None:
        """导入检查数据包：校验审计记录、清单哈希和佐证材料后写入数据目录。"""
        from .cli_output import echo_json
        from .exporting import import_bundle
        from .exporting.bundle import read_bundle
        from .inspection.evidence import store_root

        contents = read_bundle(file)
        path = import_bundle(file, InspectionStore(), replace=replace)
        missing = contents.missing_evidence()
        extracted = len(contents.referenced()) - len(missing)
        folder = store_root(path)
        if as_json:
            echo_json({"id": contents.id, "file": str(path), "evidence": extracted, "evidence_dir": str(folder),
                       "missing_evidence": missing})
            return
        meta = contents.meta
        click.echo(f"已导入检查 {contents.id}（{meta.get('unit', '')}，{meta.get('type', '')}，{meta.get('date', '')}）")
        click.echo(f"文件：{path}")
        click.echo("审计记录和清单哈希校验通过")
        if extracted:
            click.echo(f"佐证材料 {extracted} 个，已校验 SHA-256 并存放在 {folder}")
        for p in missing:
            click.echo(f"警告：数据包中缺少佐证材料 {p}", err=True)
