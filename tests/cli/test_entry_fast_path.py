"""``fzzf`` and ``fzzf open REF`` start the TUI without importing the command-line machinery
(``fzzf_tui/__main__.py``); everything else, and every error, still goes through click."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from fzzf_tui.cli_args import location_options, tui_start

PROBE = textwrap.dedent("""
    import sys
    import fzzf_tui.ui.app as app
    def fake_run_app(open_path=None):
        import os
        print("TUI", open_path, os.environ.get("FZZF_HOME"), "click" in sys.modules, "pluggy" in sys.modules)
    app.run_app = fake_run_app
    sys.argv = ["fzzf", *sys.argv[1:]]
    from fzzf_tui.__main__ import main
    main()
""")


def run(*args: str, env_home: str) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "FZZF_HOME": env_home, "FZZF_PLUGINS_DIR": "", "FZZF_CHECKLISTS_DIR": ""}
    return subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60, env=env)


@pytest.mark.parametrize(("words", "expected"), [
    ([], (True, None)),
    (["open", "abc123"], (True, "abc123")),
    (["open", "--help"], None),
    (["open"], None),
    (["list"], None),
    (["--help"], None),
    (["--version"], None),
    (["--data-dir"], None),  # the option without its value: click says so
])
def test_which_command_lines_only_start_the_tui(words, expected) -> None:
    assert tui_start(words) == expected


def test_location_options_are_taken_out_first() -> None:
    env, words = location_options(["--data-dir", "/d", "open", "x", "--plugins-dir=/p"])
    assert env == {"FZZF_HOME": "/d", "FZZF_PLUGINS_DIR": "/p"} and words == ["open", "x"]
    assert location_options(["--data-dir"]) == ({}, ["--data-dir"])


def test_an_option_without_its_value_is_reported_not_ignored(store) -> None:
    out = run("--data-dir", env_home=str(store.root.parent))
    assert out.returncode != 0 and "TUI" not in out.stdout


def test_the_tui_starts_without_click_or_the_plugin_manager(tmp_path, store, special_checklist) -> None:
    out = run("--data-dir", str(tmp_path / "d"), env_home=str(store.root.parent))
    assert out.stdout.strip() == f"TUI None {tmp_path / 'd'} False False", out.stderr
    ins = store.create(special_checklist, "某区司法局", ["王强"], "2026-05-01")
    ins.close()
    out = run("open", ins.id, env_home=str(store.root.parent))
    assert out.stdout.strip() == f"TUI {ins.path} {store.root.parent} False False", out.stderr


def test_an_unknown_inspection_is_reported_by_the_command_line(store) -> None:
    out = run("open", "no-such-inspection", env_home=str(store.root.parent))
    assert out.returncode != 0 and "TUI" not in out.stdout
    assert "找不到检查" in out.stderr


def test_other_commands_go_through_the_command_line(store) -> None:
    out = run("list", env_home=str(store.root.parent))
    assert out.returncode == 0 and "TUI" not in out.stdout, out.stderr
