"""Click's own messages and help words are Chinese; `fzzf demo` writes under the data dir."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from fzzf_tui.cli import cli


def test_missing_option_is_explained_in_chinese() -> None:
    out = CliRunner().invoke(cli, ["reopen", "X"], prog_name="fzzf")
    assert out.exit_code == 2
    assert "错误：缺少选项 '--reason'" in out.output
    assert "用法: fzzf reopen [选项] INSPECTION" in out.output
    assert "运行 'fzzf reopen --help' 查看帮助。" in out.output
    for english in ("Missing option", "Usage:", "Try '", "Error:"):
        assert english not in out.output, out.output


def test_unknown_command_option_and_bad_value_in_chinese() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["nosuch"], prog_name="fzzf")
    assert out.exit_code == 2 and "没有名为 'nosuch' 的子命令" in out.output
    out = runner.invoke(cli, ["list", "--bogus"], prog_name="fzzf")
    assert out.exit_code == 2 and "没有选项 '--bogus'" in out.output
    out = runner.invoke(cli, ["validate", "/nonexistent/清单.yaml"], prog_name="fzzf")
    assert out.exit_code == 2 and "的取值无效：文件 '/nonexistent/清单.yaml' 不存在" in out.output, out.output
    out = runner.invoke(cli, ["finding", "add", "X", "--text", "t", "--severity", "很重"], prog_name="fzzf")
    assert out.exit_code == 2 and "不是可选值" in out.output and "Invalid value" not in out.output, out.output


def test_help_words_in_chinese() -> None:
    out = CliRunner().invoke(cli, ["--help"], prog_name="fzzf")
    assert out.exit_code == 0
    assert "用法: fzzf [选项] 命令 [参数]..." in out.output
    assert "显示本帮助并退出。" in out.output and "显示程序、Python 和各清单的版本后退出。" in out.output
    assert "选项:" in out.output and "命令:" in out.output
    for english in ("Show this message", "Options:", "Commands:", "[OPTIONS]", "COMMAND [ARGS]"):
        assert english not in out.output
    sub = CliRunner().invoke(cli, ["finding", "--help"], prog_name="fzzf")
    assert "用法: fzzf finding [选项] 命令 [参数]..." in sub.output


def test_demo_goes_under_the_data_dir(home: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(cli, ["demo", "--no-open"], prog_name="fzzf")
    assert out.exit_code == 0, out.output
    assert len(list((home / "demo" / "inspections").glob("*.fzzf"))) == 3
    assert not (tmp_path / "demo-data").exists() and list(tmp_path.iterdir()) == []
    other = tmp_path / "other"
    out = CliRunner().invoke(cli, ["--data-dir", str(other), "demo", "--no-open"], prog_name="fzzf")
    assert out.exit_code == 0, out.output
    assert len(list((other / "demo" / "inspections").glob("*.fzzf"))) == 3
    assert str(other / "demo") in out.output
