"""Plugins cannot hang the app and cannot hand over malformed things unnoticed (issue #11, item 3).

A hook (or a plugin import) that does not return within ``FZZF_HOOK_TIMEOUT`` seconds is
abandoned: the caller goes on, the plugin is named, what it registered is discarded. Hook
arguments and return values are checked, misspelled hooks are warned about.
"""

from __future__ import annotations

import textwrap
import threading
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from fzzf_tui.plugins import Plugins, hook_timeout

HANG = 10  # seconds a "hanging" plugin sleeps: far beyond the test's time limit

SMALL_DICT = (
    '{"format": "fzzf-checklist/1", "id": "%s", "title": "插件清单", "type": "自定义检查", "version": "1", '
    '"items": [{"code": "1", "title": "一项", "points": 10, "method": "yesno"}]}'
)


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setenv("FZZF_HOOK_TIMEOUT", "0.3")
    return 0.3


def plugin_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    d = tmp_path / "plugins"
    d.mkdir(exist_ok=True)
    for name, text in files.items():
        (d / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return d


def good_plugin(checklist_id: str = "good") -> str:
    return f"""
        from fzzf_tui import hookimpl

        @hookimpl
        def register_checklists(register):
            register({SMALL_DICT % checklist_id})
    """


def hanging(hook: str, arg: str = "register") -> str:
    return f"""
        import time
        from fzzf_tui import hookimpl

        @hookimpl
        def {hook}({arg}):
            time.sleep({HANG})
    """


def timed(fn):
    start = time.monotonic()
    value = fn()
    return value, time.monotonic() - start


def test_timeout_setting() -> None:
    assert hook_timeout() == 0.3


def test_timeout_setting_falls_back_on_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    for bad in ("", "abc", "-1", "0", "inf", "nan"):
        monkeypatch.setenv("FZZF_HOOK_TIMEOUT", bad)
        assert hook_timeout() == 5.0, bad


def test_hanging_register_checklists_is_abandoned_and_named(tmp_path: Path) -> None:
    d = plugin_dir(tmp_path, {"slow.py": hanging("register_checklists"), "good.py": good_plugin()})
    p, elapsed = timed(lambda: Plugins(plugin_dirs=[d]))
    ids, elapsed2 = timed(lambda: {c.id for c in p.checklists()})
    assert elapsed + elapsed2 < HANG / 2
    assert {"good", "annual-2019"} <= ids
    record = p.records["slow"]
    assert record.abandoned
    assert any("register_checklists" in e and "0.3 秒" in e and "放弃" in e for e in record.errors)
    assert any("slow" in line and "register_checklists" in line for line in p.problems())
    assert p.timeouts and "slow" in p.timeouts[0]
    row = next(r for r in p.to_list() if r["name"] == "slow")
    assert row["timed_out"] is True


def test_many_hanging_plugins_cost_one_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FZZF_HOOK_TIMEOUT", "1")
    record = tmp_path / "starts.txt"
    files = {
        f"slow{i}.py": f"""
            import time
            from fzzf_tui import hookimpl

            @hookimpl
            def register_checklists(register):
                with open({str(record)!r}, "a") as f:
                    f.write(f"{{time.monotonic()}}\\n")
                time.sleep({HANG})
        """
        for i in range(5)
    }
    p = Plugins(plugin_dirs=[plugin_dir(tmp_path, files)])
    p.checklists()
    starts = [float(x) for x in record.read_text().split()]
    # side by side: all five started within the first time limit (one after another they
    # would start a full second apart)
    assert len(starts) == 5 and max(starts) - min(starts) < 1
    assert all(p.records[f"slow{i}"].abandoned for i in range(5))


def test_hanging_inspection_types_and_export_formats(tmp_path: Path) -> None:
    d = plugin_dir(tmp_path, {"t.py": hanging("register_inspection_types"), "e.py": hanging("register_export_formats")})
    p = Plugins(plugin_dirs=[d])
    types, elapsed = timed(p.inspection_types)
    assert types[:3] == ["示范创建", "年度考核", "专项督察"] and elapsed < HANG / 2
    formats, elapsed = timed(p.export_formats)
    assert {"xlsx", "bundle"} <= set(formats) and elapsed < HANG / 2
    assert p.records["t"].abandoned and "register_inspection_types" in p.records["t"].errors[0]
    assert p.records["e"].abandoned and "register_export_formats" in p.records["e"].errors[0]


def test_hanging_register_commands(tmp_path: Path) -> None:
    d = plugin_dir(tmp_path, {"c.py": hanging("register_commands", "cli")})
    group = click.Group(commands={"builtin": click.Command("builtin")})
    p = Plugins(plugin_dirs=[d])
    added, elapsed = timed(lambda: p.add_commands(group))
    assert added == [] and elapsed < HANG / 2
    assert set(group.commands) == {"builtin"}
    assert p.records["c"].abandoned


def test_hanging_import_is_abandoned(tmp_path: Path) -> None:
    d = plugin_dir(tmp_path, {"stuck.py": f"import time\ntime.sleep({HANG})\n", "good.py": good_plugin()})
    p, elapsed = timed(lambda: Plugins(plugin_dirs=[d]))
    assert elapsed < HANG / 2
    assert p.get_checklist("good")
    assert p.records["stuck"].abandoned
    assert any("stuck" in x and "导入 超过 0.3 秒仍未完成" in x for x in p.problems()), p.problems()
    import sys

    assert "fzzf_local_plugins.stuck" not in sys.modules  # the half-imported module is dropped


def test_a_late_registration_is_discarded(tmp_path: Path) -> None:
    d = plugin_dir(
        tmp_path,
        {
            "late.py": f"""
                import time
                from fzzf_tui import hookimpl

                OUTCOME = []

                @hookimpl
                def register_checklists(register):
                    time.sleep(0.8)
                    try:
                        register({SMALL_DICT % "late"})
                    except Exception as exc:
                        OUTCOME.append(type(exc).__name__)
                    else:
                        OUTCOME.append("accepted")
            """
        },
    )
    p = Plugins(plugin_dirs=[d])
    assert "late" not in {c.id for c in p.checklists()}
    module = next(impl.plugin for impl in p.pm.hook.register_checklists.get_hookimpls() if impl.plugin_name == "late")
    deadline = time.monotonic() + 5
    while not module.OUTCOME and time.monotonic() < deadline:
        time.sleep(0.05)
    assert module.OUTCOME == ["Abandoned"]
    assert "late" not in {c.id for c in p.checklists()}


def test_an_abandoned_plugin_is_not_called_again(tmp_path: Path) -> None:
    d = plugin_dir(
        tmp_path,
        {
            "twice.py": f"""
                import time
                from fzzf_tui import hookimpl

                CALLED = []

                @hookimpl
                def register_checklists(register):
                    CALLED.append("register_checklists")
                    time.sleep({HANG})

                @hookimpl
                def register_inspection_types(register):
                    CALLED.append("register_inspection_types")
                    time.sleep({HANG})
            """
        },
    )
    p = Plugins(plugin_dirs=[d])
    p.checklists()
    p.inspection_types()
    p.export_formats()
    module = p.pm.get_plugin("twice")
    assert module.CALLED == ["register_checklists"]
    assert len(p.timeouts) == 1


def test_fast_plugins_do_not_wait_for_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FZZF_HOOK_TIMEOUT", "30")
    d = plugin_dir(tmp_path, {f"g{i}.py": good_plugin(f"g{i}") for i in range(3)})
    p, elapsed = timed(lambda: Plugins(plugin_dirs=[d]).load_everything())
    assert elapsed < 10 and not p.problems()


def test_plugin_threads_are_daemons(tmp_path: Path) -> None:
    d = plugin_dir(tmp_path, {"slow.py": hanging("register_checklists")})
    Plugins(plugin_dirs=[d]).checklists()
    threads = [t for t in threading.enumerate() if t.name.startswith("fzzf-plugin:slow:")]
    assert threads and all(t.daemon for t in threads)


# -- what plugins hand over is checked -------------------------------------------------------
def test_register_inspection_types_wrong_types_are_named(tmp_path: Path) -> None:
    d = plugin_dir(
        tmp_path,
        {
            "none_name.py": """
                from fzzf_tui import hookimpl

                @hookimpl
                def register_inspection_types(register):
                    register(None)
            """,
            "returns_none.py": """
                from fzzf_tui import hookimpl

                @hookimpl
                def register_inspection_types(register):
                    return None
            """,
            "returns_list.py": """
                from fzzf_tui import hookimpl

                @hookimpl
                def register_inspection_types(register):
                    return ["案卷评查"]
            """,
            "bad_description.py": """
                from fzzf_tui import hookimpl

                @hookimpl
                def register_inspection_types(register):
                    register("执法监督", 42)
            """,
        },
    )
    p = Plugins(plugin_dirs=[d])
    types = p.inspection_types()
    assert "案卷评查" not in types and "执法监督" not in types and None not in types
    assert "类型名称应为文字，收到 None" in p.records["none_name"].errors[0]
    assert "没有登记任何内容" in p.records["returns_none"].warnings[0]
    assert "返回了 list" in p.records["returns_list"].warnings[0]
    assert "类型说明应为文字，收到 int" in p.records["bad_description"].errors[0]


def test_register_checklists_values_are_checked(tmp_path: Path) -> None:
    d = plugin_dir(
        tmp_path,
        {
            "odd_values.py": """
                from decimal import Decimal
                from fzzf_tui import hookimpl

                @hookimpl
                def register_checklists(register):
                    register({"format": "fzzf-checklist/1", "id": "odd", "title": "t", "type": "专项督察",
                              "version": "1", "items": [{"code": "1", "title": "甲", "points": Decimal("2")}]})
            """,
            "returns_list.py": f"""
                from fzzf_tui import hookimpl

                @hookimpl
                def register_checklists(register):
                    return [{SMALL_DICT % "never"}]
            """,
        },
    )
    p = Plugins(plugin_dirs=[d])
    ids = {c.id for c in p.checklists()}
    assert "odd" not in ids and "never" not in ids
    assert "items[0].points" in p.records["odd_values"].errors[0] and "Decimal" in p.records["odd_values"].errors[0]
    assert "返回了 list" in p.records["returns_list"].warnings[0]


def test_a_checklist_object_is_rebuilt_and_validated(tmp_path: Path) -> None:
    d = plugin_dir(
        tmp_path,
        {
            "objects.py": f"""
                from fzzf_tui import hookimpl
                from fzzf_tui.checklist import Checklist, Item, checklist_from_dict

                @hookimpl
                def register_checklists(register):
                    register(checklist_from_dict({SMALL_DICT % "built"}))
                    register(Checklist("forged", "t", "专项督察", "1", (Item("1", "甲", points=3, method="magic"),)))
            """
        },
    )
    p = Plugins(plugin_dirs=[d])
    ids = {c.id for c in p.checklists()}
    assert "built" in ids and "forged" not in ids
    assert any("magic" in m for _, m in p.checklist_errors)


def test_register_export_formats_is_checked(tmp_path: Path) -> None:
    def plugin(*calls: str) -> str:
        lines = "\n".join(f"    {c}" for c in calls)
        return (
            "from fzzf_tui import hookimpl\n\n"
            "def write(data, path, **options):\n    path.write_text('x')\n\n"
            f"@hookimpl\ndef register_export_formats(register):\n{lines}\n"
        )

    d = plugin_dir(
        tmp_path,
        {
            "hijack.py": plugin('register("xlsx", "冒充的 Excel", ".xlsx", write)'),
            "escape.py": plugin('register("escape", "路径", "/../../evil", write)'),
            "nowriter.py": plugin('register("nowriter", "没有写入函数", ".txt", "write")'),
            "spaces.py": plugin('register("my format", "名称含空格", ".txt", write)'),
            "text.py": plugin('register("text", "文本", ".txt", write)'),
        },
    )
    p = Plugins(plugin_dirs=[d])
    formats = p.export_formats()
    assert formats["xlsx"].plugin == "fzzf_tui.default_plugins.exporters"  # not hijacked
    assert "导出格式名“xlsx”已由插件 fzzf_tui.default_plugins.exporters 使用" in p.records["hijack"].errors[0]
    assert formats["text"].plugin == "text"
    assert set(formats) == {"xlsx", "bundle", "docx", "text"}
    assert "文件后缀“/../../evil”应以点开头" in p.records["escape"].errors[0]
    assert "writer 应为函数" in p.records["nowriter"].errors[0] and "收到 str" in p.records["nowriter"].errors[0]
    assert "导出格式名“my format”只能含" in p.records["spaces"].errors[0]


def test_register_commands_cannot_replace_builtin_commands(tmp_path: Path) -> None:
    d = plugin_dir(
        tmp_path,
        {
            "cmds.py": """
                import click
                from fzzf_tui import hookimpl

                @hookimpl
                def register_commands(cli):
                    @cli.command(name="builtin")
                    def fake():
                        click.echo("冒充")

                    @cli.command(name="hello-plugin")
                    def hello():
                        click.echo("你好")
            """
        },
    )
    builtin = click.Command("builtin", callback=lambda: click.echo("真的"))
    group = click.Group(commands={"builtin": builtin})
    p = Plugins(plugin_dirs=[d])
    assert p.add_commands(group) == ["hello-plugin"]
    assert group.commands["builtin"] is builtin
    assert "命令名“builtin”已被占用" in p.records["cmds"].errors[0]
    assert CliRunner().invoke(group, ["hello-plugin"]).output.strip() == "你好"


def test_misspelled_and_undecorated_hooks_are_warned_about(tmp_path: Path) -> None:
    d = plugin_dir(
        tmp_path,
        {
            "typo.py": """
                from fzzf_tui import hookimpl

                @hookimpl
                def register_checklist(register):
                    pass
            """,
            "undecorated.py": """
                def register_checklists(register):
                    pass

                def register_export_format(register):
                    pass

                def register_helper_unrelated_to_hooks():
                    pass
            """,
        },
    )
    p = Plugins(plugin_dirs=[d])
    typo = p.records["typo"].warnings
    assert typo == ["未知的钩子 register_checklist，不会被调用（是否想写 register_checklists？）"]
    undecorated = "\n".join(p.records["undecorated"].warnings)
    assert "函数 register_checklists 缺少 @hookimpl 装饰" in undecorated
    assert "register_export_format 与钩子名相近" in undecorated and "register_export_formats" in undecorated
    assert "register_helper_unrelated_to_hooks" not in undecorated
    assert any("typo" in line and "register_checklist" in line for line in p.problems())
    row = next(r for r in p.to_list() if r["name"] == "typo")
    assert row["warnings"] and not row["errors"]


def test_builtins_raise_no_warnings() -> None:
    p = Plugins(plugin_dirs=[])
    p.load_everything()
    assert p.problems() == []


def test_a_hanging_plugin_export_writer_is_abandoned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store, special_checklist) -> None:
    from fzzf_tui.errors import ExportError
    from fzzf_tui.exporting import export_inspection
    from fzzf_tui.plugins import reset_plugins

    d = plugin_dir(
        tmp_path,
        {
            "slow_writer.py": f"""
                import time
                from fzzf_tui import hookimpl

                def write(data, path, **options):
                    time.sleep({HANG})

                def leave(data, path, **options):
                    raise SystemExit("插件想退出")

                @hookimpl
                def register_export_formats(register):
                    register("slow", "慢", ".txt", write)
                    register("leave", "退出", ".txt", leave)
            """
        },
    )
    monkeypatch.setenv("FZZF_PLUGINS_DIR", str(d))
    monkeypatch.setenv("FZZF_EXPORT_TIMEOUT", "0.5")
    reset_plugins()
    (tmp_path / "out").mkdir()
    ins = store.create(special_checklist, "某局", ["甲"])
    try:
        with pytest.raises(ExportError, match="导出格式“slow”（插件 slow_writer）超过 0.5 秒仍未完成，已放弃"):
            export_inspection(ins, "slow", out=tmp_path / "out")
        with pytest.raises(ExportError, match="SystemExit"):
            export_inspection(ins, "leave", out=tmp_path / "out")
        assert export_inspection(ins, "xlsx", out=tmp_path / "out").is_file()  # the built-in one still works
    finally:
        ins.close()
    assert [p.suffix for p in (tmp_path / "out").iterdir()] == [".xlsx"]  # no half-written .txt left
