"""pytest plugin for checklist and plugin authors: the ``fzzf`` and ``fzzf_env`` fixtures
(the helpers themselves are in :mod:`fzzf_tui.testing`).

Loaded automatically where fzzf-tui is installed (entry point ``pytest11``), or explicitly
with ``pytest_plugins = ["fzzf_tui.pytest_plugin"]`` in a ``conftest.py``. Nothing
here runs unless a test asks for a fixture, so other projects in the same environment are
not affected: this module imports only pytest (it sits outside ``fzzf_tui.testing`` so that
loading it does not import the domain).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import pytest


@pytest.fixture
def fzzf_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh fzzf data dir: no inspections, no local plugins or checklist files from this
    computer; installed plugins (entry points) still load. Returns the data dir."""
    from fzzf_tui.plugins import reset_plugins

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


class FzzfHost:
    """The real fzzf, for a test: plugins, checklists, scoring, a whole inspection."""

    def __init__(self, home: Path, folder: Path) -> None:
        self.home = home
        self.folder = folder
        self._plugins: Any = None

    @property
    def plugins(self) -> Any:
        """All plugins, loaded through the real plugin manager (every start-up hook run)."""
        if self._plugins is None:
            from fzzf_tui.testing import load_plugins

            self._plugins = load_plugins()
        return self._plugins

    def plugin(self, name: str, warnings: bool = True) -> Any:
        """One plugin, loaded for real; any error (or warning) fails the test."""
        from fzzf_tui.testing import assert_plugin_ok

        return assert_plugin_ok(name, warnings=warnings)

    def checklist(self, checklist_id: str) -> Any:
        """A checklist as fzzf loads it (from any plugin or checklist folder)."""
        return self.plugins.get_checklist(checklist_id)

    def assert_valid(self, source: Any) -> Any:
        from fzzf_tui.testing import assert_valid

        return assert_valid(source)

    def assert_scoring(self, checklist: Any) -> list[Any]:
        from fzzf_tui.testing import assert_scoring

        return assert_scoring(checklist)

    def score(self, checklist: Any, values: str | Mapping[str, Any]) -> Any:
        from fzzf_tui.testing import score

        return score(checklist, values)

    def run_inspection(self, checklist: Any, values: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        """A whole inspection through the store and the Excel export, in this test's folder."""
        from fzzf_tui.testing import run_inspection

        kwargs.setdefault("meta", self.plugins.provenance(checklist.id))
        return run_inspection(checklist, self.folder, dict(values) if values is not None else None, **kwargs)

    def check(self, checklist: Any, **kwargs: Any) -> Any:
        """Everything ``fzzf plugin check`` does for one checklist; errors fail the test."""
        from fzzf_tui.testing import assert_checklist_ok

        return assert_checklist_ok(checklist, folder=self.folder / "check", **kwargs)


@pytest.fixture
def fzzf(fzzf_env: Path, tmp_path: Path) -> FzzfHost:
    """The real fzzf on a fresh data dir (see :class:`FzzfHost`)."""
    return FzzfHost(fzzf_env, tmp_path)
