"""The ``fzzf`` entry point pauses the cyclic garbage collector while the program starts
(``fzzf_tui/startup.py``); it must always come back on: when a sub-command starts, at the TUI's
first frame, and when the process leaves the entry point."""

from __future__ import annotations

import gc
import sys

import pytest
from click.testing import CliRunner

from fzzf_tui import startup
from fzzf_tui.__main__ import main as fzzf_main
from fzzf_tui.cli import cli


@pytest.fixture(autouse=True)
def gc_back_on():
    yield
    startup.resume_gc()
    gc.enable()


def test_a_sub_command_resumes_collection() -> None:
    startup.pause_gc()
    assert not gc.isenabled()
    seen = {}

    @cli.command(name="probe-gc", hidden=True)
    def probe() -> None:
        seen["enabled"] = gc.isenabled()

    try:
        result = CliRunner().invoke(cli, ["probe-gc"])
    finally:
        cli.commands.pop("probe-gc", None)
    assert result.exit_code == 0, result.output
    assert seen == {"enabled": True}


def test_the_entry_point_resumes_collection_even_when_the_command_fails(monkeypatch) -> None:
    monkeypatch.setattr(sys, "argv", ["fzzf", "no-such-command"])
    with pytest.raises(SystemExit):
        fzzf_main()
    assert gc.isenabled()


def test_resume_leaves_a_collector_the_user_turned_off_alone() -> None:
    gc.disable()
    startup.pause_gc()  # already off: not ours to turn back on
    startup.resume_gc()
    assert not gc.isenabled()
