"""``fzzf doctor`` and ``fzzf --version``: what is installed and whether it can work here."""

from __future__ import annotations

import sys
from typing import Any

import click


def show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """Eager ``--version`` callback: program, Python and checklist versions, then exit."""
    if not value or ctx.resilient_parsing:
        return
    from .doctor import version_text

    lines, problems = version_text()
    for line in lines:
        click.echo(line)
    for problem in problems:
        click.echo(f"警告：{problem}", err=True)
    ctx.exit()


def _echo_colour_sample(report: dict[str, Any]) -> None:
    from .doctor import colour_sample

    term = report["terminal"]
    if not term["is_tty"] or term["color_system"] in ("none", "unknown"):
        return
    parts = []
    for name, colour in colour_sample():
        if isinstance(colour, tuple):
            parts.append(click.style("  ", bg=colour))
        else:
            parts.append(click.style(f" {name} ", fg="black", bg=colour))
    click.echo("颜色样例  " + "".join(parts) + "  （应看到 6 种颜色和由暗到亮的 6 级灰）")


def add_commands(cli: click.Group) -> None:
    @cli.command(name="doctor")
    @click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（发给技术支持）。")
    def doctor_command(as_json: bool) -> None:
        """检查本机的安装和运行环境：版本、依赖、数据目录、终端、编码、插件、检查文件的锁。

        一屏显示，可拍照发给技术支持；发现错误时退出码为 1。
        """
        from .cli_output import echo_json
        from .doctor import ERROR, collect, render

        report = collect()
        if as_json:
            echo_json(report)
        else:
            for line in render(report):
                click.echo(line)
            _echo_colour_sample(report)
        if any(f["level"] == ERROR for f in report["findings"]):
            sys.exit(1)
