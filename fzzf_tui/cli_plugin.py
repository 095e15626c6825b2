"""``fzzf plugin new|check|build``: the plugin author kit on the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .errors import FzzfError


def _echo_json(data: Any) -> None:
    from .cli_output import echo_json

    echo_json(data)


def add_commands(cli: click.Group) -> None:
    if "plugin" in cli.commands:
        return

    @cli.group(name="plugin")
    def plugin_group() -> None:
        """编写插件：新建插件包、检查、打包给同事。"""

    @plugin_group.command(name="new")
    @click.argument("name")
    @click.option("--from-checklist", "from_checklist", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="用已有的清单（.yaml）或指标表（.xlsx/.docx）作为插件的清单。")
    @click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
                  help="插件文件夹（默认为当前目录下的 fzzf-NAME）。")
    @click.option("--title", help="清单标题（新建示例清单时使用）。")
    @click.option("--type", "type_", help="检查类型，默认“专项督察”。")
    @click.option("--exporter", is_flag=True, help="同时生成一个导出格式的示例（CSV 简要得分表）。")
    @click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
    def new_command(name: str, from_checklist: Path | None, folder: Path | None, title: str | None,
                    type_: str | None, exporter: bool, as_json: bool) -> None:
        """新建插件包 NAME（可以 pip 安装；含清单、测试和中文说明），不需要联网。"""
        from .plugin_kit.scaffold import new_plugin

        made = new_plugin(name, folder, from_checklist=from_checklist, title=title, type_=type_, exporter=exporter)
        if as_json:
            _echo_json({"folder": str(made.folder), "plugin": made.plugin, "package": made.dist,
                        "module": made.module, "checklist": made.checklist.id,
                        "files": [str(p.relative_to(made.folder)) for p in made.files], "notes": made.notes})
            return
        click.echo(f"已新建插件 {made.plugin}：{made.folder}")
        for path in made.files:
            click.echo(f"  {path.relative_to(made.folder).as_posix()}")
        for note in made.notes:
            click.echo(f"提示：{note}")
        click.echo("")
        click.echo("下一步：")
        click.echo(f"  cd {made.folder}")
        click.echo(f"  （编辑 {made.module}/checklists/{made.checklist.id}.yaml）")
        click.echo("  fzzf plugin check .        检查清单和插件")
        click.echo("  pip install --no-index --no-build-isolation -e .   安装到本机（不联网）")
        click.echo("  pytest                     运行插件的测试")
        click.echo("  fzzf plugin build          打包成 .whl 给同事安装")

    @plugin_group.command(name="check")
    @click.argument("target")
    @click.option("--quick", is_flag=True, help="只校验和试算评分，不走完整的检查和导出流程。")
    @click.option("--strict", is_flag=True, help="有警告也算不通过（退出码 1）。")
    @click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
    def check_command(target: str, quick: bool, strict: bool, as_json: bool) -> None:
        """检查插件或清单：TARGET 是插件文件夹、插件文件（.py）、清单文件（.yaml/.xlsx）或已安装插件的名称。

        逐条列出问题（文件和行号），按清单试算全部达到、全部未达到、全部不涉及、减分项、一票否决等情形的得分，
        并走一遍完整的检查：录入评分、记录问题、导出 Excel、重新打开核对。有错误时退出码为 1。
        """
        from .plugin_kit.project import load_target
        from .testing.checks import CheckReport, check_checklist_file, check_plugin

        loaded = load_target(target)
        report = CheckReport(loaded.description)
        options = {"roundtrip": not quick}
        if loaded.checklist_file is not None:
            check_checklist_file(loaded.checklist_file, report, **options)
        else:
            for name in loaded.names:
                check_plugin(loaded.plugins, name, report, **options)
        failed = bool(report.errors or (strict and report.warnings))
        if as_json:
            _echo_json(report.to_dict())
        else:
            click.echo(f"检查 {report.target}")
            for issue in report.errors:
                click.echo(f"✗ {issue}")
            for issue in report.warnings:
                click.echo(f"! {issue}")
            for line in report.summaries:
                click.echo(f"✓ {line}")
            verdict = "不通过" if failed else "通过"
            click.echo(f"结果：{verdict}（{len(report.errors)} 个错误，{len(report.warnings)} 个警告）")
        if failed:
            sys.exit(1)

    @plugin_group.command(name="build")
    @click.argument("folder", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path), help="放 .whl 的文件夹（默认 FOLDER/dist）。")
    @click.option("--no-check", is_flag=True, help="打包前不检查插件。")
    @click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
    def build_command(folder: Path, outdir: Path | None, no_check: bool, as_json: bool) -> None:
        """把插件文件夹打包成 .whl（不联网），同事用 pip install --no-index 文件名.whl 安装。"""
        from .plugin_kit.build import build_wheel
        from .plugin_kit.project import load_target
        from .testing.checks import CheckReport, check_plugin

        if not no_check:
            loaded = load_target(str(folder))
            report = CheckReport(loaded.description)
            for name in loaded.names:
                check_plugin(loaded.plugins, name, report, roundtrip=False)
            if report.errors:
                lines = "\n".join(f"  {i}" for i in report.errors)
                raise FzzfError(f"插件检查有 {len(report.errors)} 个错误，未打包（fzzf plugin check {folder} 查看详情）：\n{lines}")
        built = build_wheel(folder, outdir)
        if as_json:
            _echo_json({"wheel": str(built.path), "size": built.size, "sha256": built.sha256,
                        "name": built.project.name, "version": built.project.version})
            return
        click.echo(f"已打包 {built.project.name} {built.project.version}：{built.path}")
        click.echo(f"  大小 {built.size:,} 字节，SHA-256 {built.sha256}")
        click.echo("给同事安装（不联网）：")
        click.echo(f"  pip install --no-index {built.path.name}")


__all__ = ["add_commands"]
