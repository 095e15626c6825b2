"""Click commands to author checklists in Excel: import a table, write the template, export one."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .errors import ChecklistError, FzzfError


def _echo_json(data: Any) -> None:
    from .cli_output import echo_json

    echo_json(data)


def _default_checklist_dir() -> Path:
    """Where imported checklists go by default: the first local checklist folder."""
    from . import locations

    if os.environ.get("FZZF_CHECKLISTS_DIR"):
        dirs = locations.checklist_dirs()
        if dirs:
            return dirs[0]
    return locations.data_dir() / "checklists"


def _parse_map(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise click.BadParameter(f"“{v}” 应写成 列=列名，如 D=分值 或 考核要点=三级指标", param_hint="--map")
        key, _, field = v.partition("=")
        out[key.strip()] = field.strip()
    return out


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise FzzfError(f"文件 {path} 已存在；加 --force 覆盖")


def _load_checklist_arg(ref: str) -> Any:
    """A checklist id, or a path to a checklist file (.yaml/.yml/.xlsx/.docx)."""
    p = Path(ref)
    if p.suffix.lower() in (".yaml", ".yml", ".xlsx", ".docx") and p.is_file():
        if p.suffix.lower() in (".xlsx", ".docx"):
            from .checklist.table_import import load_checklist_table

            return load_checklist_table(p)
        from .checklist import load_checklist_file

        return load_checklist_file(p)
    from .plugins import get_plugins

    return get_plugins().get_checklist(ref)


def add_commands(cli: click.Group) -> None:
    if "import-checklist" in cli.commands:
        return

    @cli.command(name="import-checklist")
    @click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                  help="写出的清单文件（.yaml）。默认为清单目录下的 <清单编号>.yaml。")
    @click.option("--id", "checklist_id", help="清单编号（小写字母、数字、点、横线），默认取工作簿中的编号或输出文件名。")
    @click.option("--title", help="清单标题，默认取工作簿中的标题或表格上方的标题行。")
    @click.option("--type", "checklist_type", help="检查类型：示范创建、年度考核、专项督察…")
    @click.option("--version", "checklist_version", help="版本，如 2020。")
    @click.option("--sheet", help="指标所在的工作表名称（默认自动查找）。")
    @click.option("--table", "table_number", type=click.IntRange(min=1),
                  help="Word 文档：只导入第几个表格（默认自动查找，续表自动接上）。")
    @click.option("--header-row", type=click.IntRange(min=1), help="表头所在的行号（默认自动识别）。")
    @click.option("--map", "maps", multiple=True, metavar="列=列名",
                  help="指定列的含义，可多次使用，如 --map D=分值 --map 考核要点=三级指标 --map F=忽略。")
    @click.option("--lenient", is_flag=True, help="宽松模式：跳过可修正的错误，照常写出并列出警告。")
    @click.option("--check", "check_only", is_flag=True,
                  help="只预览、不写文件：列出识别的表头、带分值和评分方法的指标树、全部提示。")
    @click.option("-f", "--force", is_flag=True, help="覆盖已存在的输出文件。")
    @click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
    def import_checklist_command(
        table: Path,
        output: Path | None,
        checklist_id: str | None,
        title: str | None,
        checklist_type: str | None,
        checklist_version: str | None,
        sheet: str | None,
        table_number: int | None,
        header_row: int | None,
        maps: tuple[str, ...],
        lenient: bool,
        check_only: bool,
        force: bool,
        as_json: bool,
    ) -> None:
        """把指标表（Excel .xlsx 或 Word .docx）导入为检查清单。

        可以是 fzzf checklist-template / export-checklist 生成的工作簿，也可以是文件中印发的评分表（一级指标、督察项目、考核内容、评分标准、分值、责任单位…）。

        先用 --check 预览识别结果；有错误时逐条列出“工作表!单元格”或“表格2 第5行第3列”，不写任何文件。
        """
        from .checklist.table_import import import_table, write_yaml
        from .checklist.table_import.preview import preview_lines, tree_json
        from .checklist.table_import.text import slug_id

        if table_number is not None:
            if sheet is not None:
                raise click.UsageError("--sheet 与 --table 只能用一个")
            sheet = f"表格{table_number}"

        mapping = _parse_map(maps)
        default_id = slug_id(output.stem) if output is not None else None
        try:
            result = import_table(
                table,
                id=checklist_id,
                title=title,
                type=checklist_type,
                version=checklist_version,
                mapping=mapping,
                lenient=lenient,
                sheet=sheet,
                header_row=header_row,
                default_id=default_id,
            )
        except ChecklistError as exc:
            if as_json:
                _echo_json({"ok": False, "file": str(table), "written": None,
                            "errors": [str(p) for p in exc.problems]})
            else:
                click.echo(f"✗ {table}：{len(exc.problems)} 处错误，未写入任何文件：", err=True)
                for p in exc.problems:
                    click.echo(f"  {p}", err=True)
                if not lenient:
                    click.echo("（修改表格后重新导入；或加 --lenient 跳过可修正的错误）", err=True)
            sys.exit(1)
        c = result.checklist
        target = None
        if not check_only:
            target = output or _default_checklist_dir() / f"{c.id}.yaml"
            _refuse_overwrite(target, force)
            comment = (
                f"由 fzzf import-checklist 从 {table.name}（{result.noun}“{result.sheet}”）导入。\n"
                "可以直接编辑本文件，也可以改原表后重新导入（加 --force 覆盖）。"
            )
            write_yaml(c, target, comment=comment)
        clash = _id_clash(c.id, target)
        if as_json:
            _echo_json({
                "ok": True,
                "file": str(table),
                "written": str(target) if target else None,
                "id": c.id,
                "title": c.title,
                "type": c.type,
                "version": c.version,
                "items": c.item_count,
                "leaves": c.leaf_count,
                "total": c.total,
                "hash": c.content_hash,
                "sheet": result.sheet,
                "header_row": result.header_row,
                "structure": result.structure,
                "columns": result.columns,
                "header_texts": result.header_texts,
                "warnings": [str(w) for w in result.warnings] + ([clash] if clash else []),
                **({"tree": tree_json(c)} if check_only else {}),
            })
            return
        if check_only:
            for line in preview_lines(result):
                click.echo(line)
            if clash:
                click.echo(f"  {clash}")
            click.echo("只预览，未写入文件。确认无误后去掉 --check 再导入。")
            return
        cols = "，".join(f"{k}={v}" for k, v in result.columns.items())
        click.echo(f"{result.noun}“{result.sheet}”，表头第 {result.header_row} 行：{cols}")
        click.echo(
            f"✓ {c.id}（{c.type}，版本 {c.version}）：{c.item_count} 项指标，评分项 {c.leaf_count} 项，总分 {c.total:g}"
        )
        click.echo(f"已写入 {target}")
        for w in result.warnings:
            click.echo(f"警告：{w}", err=True)
        if clash:
            click.echo(f"警告：{clash}", err=True)

    @cli.command(name="checklist-template")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("检查清单模板.xlsx"),
                  show_default=True, help="写出的模板文件。")
    @click.option("-f", "--force", is_flag=True, help="覆盖已存在的文件。")
    def checklist_template_command(output: Path, force: bool) -> None:
        """写出空白的检查清单模板（Excel），内含填写说明；填好后用 import-checklist 导入。"""
        from .checklist.xlsx_export import write_template

        _refuse_overwrite(output, force)
        write_template(output)
        click.echo(f"已写入模板 {output}")
        click.echo(f"填好后导入：fzzf import-checklist {output} -o checklists/清单编号.yaml")

    @cli.command(name="export-checklist")
    @click.argument("checklist")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                  help="写出的工作簿，默认为导出目录下的 <清单编号>.xlsx。")
    @click.option("-f", "--force", is_flag=True, help="覆盖已存在的文件。")
    def export_checklist_command(checklist: str, output: Path | None, force: bool) -> None:
        """把清单（编号或 .yaml 文件）导出为 Excel 工作簿；改好后可用 import-checklist 导回。"""
        from . import locations
        from .checklist.xlsx_export import write_checklist_xlsx

        c = _load_checklist_arg(checklist)
        target = output or locations.exports_dir() / f"{c.id}.xlsx"
        _refuse_overwrite(target, force)
        write_checklist_xlsx(c, target)
        click.echo(f"已导出 {c.id}（{c.item_count} 项指标）到 {target}")


def _id_clash(checklist_id: str, target: Path | None) -> str:
    """A note when another loaded checklist already uses this id (the new file would be skipped)."""
    from .plugins import get_plugins

    try:
        plugins = get_plugins()
        for entry in plugins.checklist_entries():
            c = entry.checklist
            if c is None or c.id != checklist_id:
                continue
            if target is not None and isinstance(entry.source, Path) and entry.source.resolve() == target.resolve():
                return ""
            return (
                f"已有编号为“{checklist_id}”的清单（{entry.origin}），放进清单目录后新文件会因编号重复被跳过；"
                "如需并存，请用 --id 改名"
            )
    except Exception:  # noqa: BLE001 - only a hint; plugin problems are reported elsewhere
        return ""
    return ""
