"""Plugin loading: default plugins like external ones, per-plugin error isolation."""

from __future__ import annotations

import importlib.metadata
import textwrap
from pathlib import Path

import pytest

from fzzf_tui import hookspecs
from fzzf_tui.plugins import Plugins

REPO = Path(__file__).resolve().parents[2]

SMALL = """
from fzzf_tui import hookimpl

@hookimpl
def register_checklists(register):
    register({
        "format": "fzzf-checklist/1", "id": "%(id)s", "title": "插件清单", "type": "自定义检查", "version": "1",
        "items": [{"code": "1", "title": "一项", "points": 10, "method": "yesno"}],
    })
"""


def plugin_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    d = tmp_path / "plugins"
    d.mkdir(exist_ok=True)
    for name, text in files.items():
        (d / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return d


def test_builtins_are_registered_through_the_hook() -> None:
    p = Plugins(plugin_dirs=[])
    ids = {c.id for c in p.checklists()}
    assert {"demonstration-2020", "annual-2019", "special-2008"} <= ids
    rec = p.records["fzzf_tui.default_plugins.builtin_checklists"]
    assert rec.kind == "default" and "register_checklists" in rec.hooks and not rec.errors
    assert p.checklist_plugin("annual-2019") == "fzzf_tui.default_plugins.builtin_checklists"


def test_example_plugin_in_repo_loads() -> None:
    p = Plugins(plugin_dirs=[REPO / "plugins"])
    assert p.get_checklist("example-case-review").type == "案卷评查"
    assert "案卷评查" in p.inspection_types()
    assert not p.problems()


def test_plugin_failing_on_import_is_isolated(tmp_path: Path) -> None:
    d = plugin_dir(tmp_path, {"good.py": SMALL % {"id": "good"}, "broken.py": "raise RuntimeError('插件坏了')\n"})
    p = Plugins(plugin_dirs=[d])
    assert p.get_checklist("good").title == "插件清单"
    assert p.records["broken"].errors and "插件坏了" in p.records["broken"].errors[0]
    assert "broken.py" in p.records["broken"].origin
    assert any("broken" in line and "插件坏了" in line for line in p.problems())


def test_plugin_raising_in_hook_is_isolated(tmp_path: Path) -> None:
    d = plugin_dir(
        tmp_path,
        {
            "raiser.py": """
                from fzzf_tui import hookimpl

                @hookimpl
                def register_checklists(register):
                    raise ValueError("钩子出错")

                @hookimpl
                def register_export_formats(register):
                    raise KeyError("x")
            """,
            "good.py": SMALL % {"id": "good"},
        },
    )
    p = Plugins(plugin_dirs=[d])
    assert "good" in {c.id for c in p.checklists()}
    assert any("钩子出错" in e for e in p.records["raiser"].errors)
    p.export_formats()
    assert any("register_export_formats" in e for e in p.records["raiser"].errors)


def test_malformed_checklist_from_plugin_and_duplicate_ids(tmp_path: Path) -> None:
    d = plugin_dir(
        tmp_path,
        {
            "dup.py": SMALL % {"id": "special-2008"},
            "badlist.py": """
                from fzzf_tui import hookimpl

                @hookimpl
                def register_checklists(register):
                    register({"format": "fzzf-checklist/1", "id": "bad", "items": []})
                    register(42)
            """,
        },
    )
    p = Plugins(plugin_dirs=[d])
    msgs = "\n".join(p.problems())
    assert "special-2008" in msgs and "已跳过" in msgs
    assert "缺少标题" in msgs
    assert "register() 需要" in msgs
    assert p.get_checklist("special-2008").title != "插件清单"  # the built-in one wins


def test_load_plugins_env_limits_non_default_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = plugin_dir(tmp_path, {"a.py": SMALL % {"id": "a"}, "b.py": SMALL % {"id": "b"}})
    monkeypatch.setenv("FZZF_LOAD_PLUGINS", "b")
    ids = {c.id for c in Plugins(plugin_dirs=[d]).checklists()}
    assert "b" in ids and "a" not in ids and "annual-2019" in ids


def test_entry_point_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mod = tmp_path / "ep_plugin_mod.py"
    mod.write_text(SMALL % {"id": "from-ep"}, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = [
        importlib.metadata.EntryPoint("ep-good", "ep_plugin_mod", "fzzf_tui"),
        importlib.metadata.EntryPoint("ep-bad", "no_such_module_xyz", "fzzf_tui"),
    ]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group=None: [e for e in eps if e.group == group])
    p = Plugins(plugin_dirs=[])
    assert p.get_checklist("from-ep")
    assert p.records["ep-good"].kind == "entrypoint"
    assert "导入失败" in p.records["ep-bad"].errors[0]


def test_local_checklist_files_are_loaded_and_bad_ones_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    (folder / "ok.yaml").write_text(
        "format: fzzf-checklist/1\nid: local-ok\ntitle: 本地\ntype: 专项督察\nversion: '1'\n"
        "items:\n  - {code: '1', title: 甲, points: 1}\n",
        encoding="utf-8",
    )
    (folder / "broken.yaml").write_text("format: fzzf-checklist/1\nid: [\n", encoding="utf-8")
    monkeypatch.setenv("FZZF_CHECKLISTS_DIR", str(folder))
    p = Plugins(plugin_dirs=[])
    assert p.get_checklist("local-ok").title == "本地"
    assert any("broken.yaml" in m for m in p.problems())


def test_every_hook_has_a_test() -> None:
    # as datasette does: a new hook must come with a test that exercises it
    hooks = [n for n in dir(hookspecs) if n.startswith("register_")]
    this = Path(__file__).read_text(encoding="utf-8")
    others = "".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").rglob("test_*.py"))
    for name in hooks:
        assert name in this or name in others, f"hook {name} has no test"


def test_register_commands_hook(tmp_path: Path) -> None:
    import click
    from click.testing import CliRunner

    d = plugin_dir(
        tmp_path,
        {
            "cmd.py": """
                import click
                from fzzf_tui import hookimpl

                @hookimpl
                def register_commands(cli):
                    @cli.command(name="hello-plugin")
                    def hello():
                        click.echo("你好，插件")
            """
        },
    )
    group = click.Group()
    Plugins(plugin_dirs=[d]).call("register_commands", cli=group)
    assert CliRunner().invoke(group, ["hello-plugin"]).output.strip() == "你好，插件"


def test_register_inspection_types_hook(tmp_path: Path) -> None:
    d = plugin_dir(
        tmp_path,
        {
            "types.py": """
                from fzzf_tui import hookimpl

                @hookimpl
                def register_inspection_types(register):
                    register("执法监督", "行政执法监督检查")
            """
        },
    )
    types = Plugins(plugin_dirs=[d]).inspection_types()
    assert types[:3] == ["示范创建", "年度考核", "专项督察"] and "执法监督" in types
