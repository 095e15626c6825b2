"""The real ``fzzf`` command (a subprocess, as a user runs it) with plugins that hang or fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

HANG = 20


def fzzf(*args: str, env: dict[str, str] | None = None, timeout: float = 15) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "fzzf_tui.cli", *args],
        capture_output=True, text=True, encoding="utf-8", timeout=timeout,
        env={**os.environ, "FZZF_HOOK_TIMEOUT": "0.5", **(env or {})},
    )
    return out, time.monotonic() - start


def plugin(tmp_path: Path, name: str, text: str) -> Path:
    d = tmp_path / "plugins"
    d.mkdir(exist_ok=True)
    (d / f"{name}.py").write_text(textwrap.dedent(text), encoding="utf-8")
    return d


def test_help_returns_although_register_commands_loops(tmp_path: Path) -> None:
    d = plugin(tmp_path, "looping", """
        from fzzf_tui import hookimpl

        @hookimpl
        def register_commands(cli):
            while True:
                pass
    """)
    out, elapsed = fzzf("--plugins-dir", str(d), "--help")
    assert out.returncode == 0, out.stderr
    assert "checklists" in out.stdout and "validate" in out.stdout
    assert "looping" in out.stderr and "register_commands" in out.stderr and "放弃" in out.stderr
    assert elapsed < HANG / 2


def test_checklists_returns_although_register_checklists_sleeps(tmp_path: Path) -> None:
    d = plugin(tmp_path, "sleepy", f"""
        import time
        from fzzf_tui import hookimpl

        @hookimpl
        def register_checklists(register):
            time.sleep({HANG})
    """)
    out, elapsed = fzzf("checklists", env={"FZZF_PLUGINS_DIR": str(d)})
    assert out.returncode == 0, out.stderr
    assert "annual-2019" in out.stdout
    assert "sleepy" in out.stderr and "register_checklists 超过 0.5 秒未返回" in out.stderr
    assert out.stderr.count("插件 sleepy") == 1  # said once, as it happened
    out, _ = fzzf("plugins", "--json", env={"FZZF_PLUGINS_DIR": str(d)})
    row = next(r for r in json.loads(out.stdout) if r["name"] == "sleepy")
    assert row["timed_out"] and "register_checklists" in row["errors"][0]
    out, _ = fzzf("plugins", env={"FZZF_PLUGINS_DIR": str(d)})
    assert "sleepy  [本地]  超时，已放弃" in out.stdout


def test_built_in_commands_and_the_tui_run_no_plugin_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    d = plugin(tmp_path, "noisy", f"""
        from pathlib import Path
        Path({str(marker)!r}).write_text("imported")
    """)
    out, _ = fzzf("--plugins-dir", str(d), "list")
    assert out.returncode == 0 and not marker.exists()
    out, _ = fzzf("--plugins-dir", str(d), "plugins")
    assert marker.exists()


@pytest.mark.parametrize("how", ["option", "option=", "env", "none"])
def test_register_commands_errors_are_reported_whatever_the_data_dir(tmp_path: Path, how: str) -> None:
    d = plugin(tmp_path, "cmdfail", """
        from fzzf_tui import hookimpl

        @hookimpl
        def register_commands(cli):
            raise RuntimeError("命令出错")
    """)
    data = tmp_path / "data"
    args = ["--plugins-dir", str(d)]
    env = {}
    if how == "option":
        args += ["--data-dir", str(data)]
    elif how == "option=":
        args += [f"--data-dir={data}"]
    elif how == "env":
        env["FZZF_HOME"] = str(data)
    out, _ = fzzf(*args, "plugins", "--json", env=env)
    assert out.returncode == 0, out.stderr
    row = next(r for r in json.loads(out.stdout) if r["name"] == "cmdfail")
    assert any("register_commands 出错：RuntimeError: 命令出错" in e for e in row["errors"]), row


def test_plugin_command_runs_from_the_real_entry_point(tmp_path: Path) -> None:
    d = plugin(tmp_path, "hello", """
        import click
        from fzzf_tui import hookimpl

        @hookimpl
        def register_commands(cli):
            @cli.command(name="hello-plugin")
            def hello():
                click.echo("你好，插件")
    """)
    out, _ = fzzf("--plugins-dir", str(d), "hello-plugin")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "你好，插件"
    out, _ = fzzf("--plugins-dir", str(d), "--help")
    assert "hello-plugin" in out.stdout
