"""The ``fzzf`` command: no sub-command opens the TUI; sub-commands are for scripting."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from . import cli_zh
from .cli_args import location_options as _location_options
from .cli_output import echo_json  # noqa: F401 - the sub-command modules' import
from .cli_doctor import show_version
from .errors import FzzfError
from .plugins import get_plugins, set_timeout_reporter
from .startup import resume_gc


cli_zh.install()


class FzzfCommand(click.Command):
    """A command whose usage line speaks Chinese ("用法：fzzf na [选项] …")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", cli_zh.OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)


class FzzfGroup(click.Group):
    """Turns every :class:`FzzfError` into a Chinese message and exit code 1, no traceback.

    Commands and groups added to it (``@cli.command``, ``@cli.group``) are Fzzf ones too."""

    command_class = FzzfCommand
    group_class = type  # sub-groups are FzzfGroup as well

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", cli_zh.OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", cli_zh.SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FzzfError as exc:
            click.echo(f"错误：{exc}", err=True)
            ctx.exit(1)


@click.group(cls=FzzfGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="FZZF_HOME",
    help="数据目录（检查文件、插件、清单）。默认为系统用户数据目录，或环境变量 FZZF_HOME。",
)
@click.option(
    "--plugins-dir",
    "plugins_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="本地插件目录（可多次指定），代替 ./plugins 和数据目录下的 plugins。",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=show_version,
    help="显示程序、Python 和各清单的版本后退出。",
)
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, plugins_dirs: tuple[Path, ...]) -> None:
    """法治政府建设督察工具 fzzf。

    不带子命令时打开终端界面；子命令用于脚本和批处理。
    """
    # The plugin set follows these settings by itself (get_plugins() reloads when they change).
    if data_dir is not None:
        os.environ["FZZF_HOME"] = str(data_dir)
    if plugins_dirs:
        os.environ["FZZF_PLUGINS_DIR"] = os.pathsep.join(str(p) for p in plugins_dirs)
    if ctx.invoked_subcommand is None:
        from .ui.app import run_app

        set_timeout_reporter(None)  # the TUI shows them in its log and a notification
        run_app()  # collection resumes at the first frame
    else:
        if ctx.invoked_subcommand not in TUI_COMMANDS:
            resume_gc()  # paused by the entry point while modules loaded (startup.py)
        set_timeout_reporter(warn)


# Sub-commands that open the TUI: collection stays paused until its first frame (startup.py).
TUI_COMMANDS = frozenset({"open", "demo"})


def warn(line: str) -> None:
    """A warning on stderr (plugin time-outs are shown as they happen)."""
    click.echo(f"警告：{line}", err=True)


@cli.command(name="plugins")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def plugins_command(as_json: bool) -> None:
    """列出已加载的插件、它们实现的钩子和错误。"""
    plugins = get_plugins()
    rows = plugins.to_list()
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        if row["timed_out"]:
            status = "超时，已放弃"
        elif row["errors"] or row["checklist_errors"]:
            status = "出错"
        else:
            status = "有警告" if row["warnings"] else "正常"
        version = f" {row['version']}" if row["version"] else ""
        click.echo(f"{row['name']}{version}  [{KIND_LABELS.get(row['kind'], row['kind'])}]  {status}")
        click.echo(f"    来源：{row['origin']}")
        if row["distribution"] and row["distribution"] != row["name"]:
            click.echo(f"    安装包：{row['distribution']} {row['version']}")
        if row["hooks"]:
            click.echo(f"    钩子：{', '.join(row['hooks'])}")
        if row["checklists"]:
            click.echo(f"    清单：{', '.join(row['checklists'])}")
        for err in row["errors"] + row["checklist_errors"]:
            click.echo(f"    错误：{err}")
        for warning in row["warnings"]:
            click.echo(f"    警告：{warning}")


KIND_LABELS = {"default": "内置", "entrypoint": "已安装", "local": "本地"}


@cli.command(name="checklists")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def checklists_command(as_json: bool) -> None:
    """列出可用的检查清单（编号、类型、版本、指标数、来源插件）。"""
    plugins = get_plugins()
    rows = []
    for entry in plugins.checklist_entries():
        c = entry.checklist
        assert c is not None
        rows.append(
            {
                "id": c.id,
                "title": c.title,
                "type": c.type,
                "version": c.version,
                "items": c.item_count,
                "leaves": c.leaf_count,
                "total": c.total,
                "plugin": entry.plugin,
                "origin": entry.origin,
                "hash": c.content_hash,
            }
        )
    if as_json:
        echo_json({"checklists": rows, "errors": plugins.problems()})
        return
    if not rows:
        click.echo("没有可用的清单。")
    for r in rows:
        click.echo(
            f"{r['id']:<22} {r['type']:<5} 版本 {r['version']:<8} 指标 {r['items']:>4} 项"
            f"（评分项 {r['leaves']}）  插件 {r['plugin']}"
        )
        click.echo(f"    {r['title']}")
    for p in plugins.problems(unreported=True):
        warn(p)


@cli.command(name="validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def validate_command(paths: tuple[Path, ...], as_json: bool) -> None:
    """校验清单文件；有错误时逐条列出文件和位置，退出码为 1。"""
    from .checklist import load_checklist_file
    from .errors import ChecklistError

    results = []
    failed = False
    for path in paths:
        try:
            c = load_checklist_file(path)
        except ChecklistError as exc:
            failed = True
            results.append({"file": str(path), "ok": False, "problems": [str(p) for p in exc.problems]})
            continue
        results.append(
            {"file": str(path), "ok": True, "id": c.id, "items": c.item_count, "hash": c.content_hash, "problems": []}
        )
    if as_json:
        echo_json(results)
    else:
        for r in results:
            if r["ok"]:
                click.echo(f"✓ {r['file']}：有效（{r['id']}，{r['items']} 项）")
            else:
                click.echo(f"✗ {r['file']}：{len(r['problems'])} 处错误", err=True)
                for p in r["problems"]:
                    click.echo(f"  {p}", err=True)
    if failed:
        sys.exit(1)


# Built-in command groups live in their own modules; each adds itself to the group.
COMMAND_MODULES = (
    "fzzf_tui.cli_inspection", "fzzf_tui.cli_export", "fzzf_tui.cli_checklist_xlsx", "fzzf_tui.cli_office",
    "fzzf_tui.cli_plugin", "fzzf_tui.cli_doctor",
    "fzzf_tui.cli_campaign", "fzzf_tui.cli_conditions", "fzzf_tui.cli_evidence", "fzzf_tui.cli_merge",
)


def _add_builtin_commands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(cli)


_add_builtin_commands()


def _add_plugin_commands() -> None:
    get_plugins().add_commands(cli)


def _needs_plugin_commands(words: list[str]) -> bool:
    """Plugin commands are loaded only when they can matter: for the top-level help, for
    ``fzzf plugins`` (which reports on them) and for a command that is not built in.
    The TUI and the built-in commands start without running any plugin code."""
    command = next((w for w in words if not w.startswith("-")), None)
    if command is None:
        return any(w in ("-h", "--help") for w in words)
    return command == "plugins" or command not in cli.commands


def main() -> None:
    """Console-script entry point."""
    # --data-dir / --plugins-dir given on the command line decide which plugins add commands.
    env, words = _location_options(sys.argv[1:])
    os.environ.update(env)
    if _needs_plugin_commands(words):
        set_timeout_reporter(warn)
        _add_plugin_commands()
    cli(prog_name="fzzf")


if __name__ == "__main__":  # pragma: no cover
    main()
