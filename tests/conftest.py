"""Shared fixtures: every test gets its own data dir and no local plugins unless it asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from fzzf_tui.plugins import reset_plugins

# The author kit's fixtures (``fzzf``): the built-ins are tested with the same helpers plugin
# authors use. Also auto-loaded by pytest where fzzf-tui is installed (entry point pytest11).
pytest_plugins = ["fzzf_tui.pytest_plugin"]

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("fzzf-home")
    monkeypatch.setenv("FZZF_HOME", str(home))
    monkeypatch.setenv("FZZF_PLUGINS_DIR", "")
    monkeypatch.setenv("FZZF_CHECKLISTS_DIR", "")
    monkeypatch.setenv("FZZF_EXPORT_DIR", str(home / "exports"))
    monkeypatch.setenv("FZZF_USER", "测试员")
    monkeypatch.delenv("FZZF_LOAD_PLUGINS", raising=False)
    reset_plugins()
    yield home
    reset_plugins()


@pytest.fixture
def home(isolated_env: Path) -> Path:
    return isolated_env


@pytest.fixture
def plugins():
    from fzzf_tui.plugins import get_plugins

    return get_plugins()


@pytest.fixture
def store(home: Path):
    from fzzf_tui.inspection import InspectionStore

    return InspectionStore()


@pytest.fixture
def demo_checklist(plugins):
    return plugins.get_checklist("demonstration-2020")


@pytest.fixture
def annual_checklist(plugins):
    return plugins.get_checklist("annual-2019")


@pytest.fixture
def special_checklist(plugins):
    return plugins.get_checklist("special-2008")
