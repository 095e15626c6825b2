"""Testing helpers for checklist and plugin authors: load through the real plugin manager,
validate, score at the extremes, run a whole inspection through the store and the Excel export.

Plain functions (no pytest needed) plus a pytest plugin (:mod:`fzzf_tui.pytest_plugin`) with the
``fzzf`` fixture. In a plugin's tests::

    def test_plugin_loads(fzzf):
        plugin = fzzf.plugin("my_checklists")        # errors and warnings fail the test
        assert "my-2027" in plugin.checklists

    def test_scoring_at_the_extremes(fzzf):
        checklist = fzzf.checklist("my-2027")
        fzzf.assert_scoring(checklist)               # all met / all failed / all 不涉及 / vetoes
        assert fzzf.score(checklist, "all_met").total == 100

    def test_whole_inspection(fzzf):
        run = fzzf.run_inspection(fzzf.checklist("my-2027"))
        assert run.ok, run.problems

The same checks run from the command line: ``fzzf plugin check PATH|NAME``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..checklist.model import Checklist
from ..errors import ChecklistError
from ..inspection.scoring import ScoreReport, score_inspection
from .checks import CheckReport, Issue, check_checklist, check_checklist_file, check_plugin
from .roundtrip import InspectionRun, inspection_values, run_inspection
from .extremes import NA, Scenario, best_value, expected_outcome, run_scenarios, scenarios, worst_value

__all__ = [
    "NA", "CheckReport", "InspectionRun", "Issue", "LoadedPlugin", "Scenario", "assert_checklist_ok",
    "assert_plugin_ok", "assert_scoring", "assert_valid", "best_value", "check_checklist", "check_checklist_file",
    "check_plugin", "expected_outcome", "inspection_values", "load_plugin", "load_plugins", "run_inspection",
    "run_scenarios", "scenarios", "score", "worst_value",
]


@dataclass
class LoadedPlugin:
    """One plugin as the real plugin manager loaded it."""

    name: str
    version: str
    kind: str
    errors: list[str]
    warnings: list[str]
    checklists: dict[str, Checklist] = field(default_factory=dict)
    inspection_types: list[str] = field(default_factory=list)
    export_formats: list[str] = field(default_factory=list)
    plugins: Any = field(default=None, repr=False)  # the whole fzzf_tui.plugins.Plugins


def load_plugins(plugin_dirs: list[str | os.PathLike[str]] | None = None, entry_points: bool = True) -> Any:
    """A fresh :class:`fzzf_tui.plugins.Plugins` with every start-up hook run.

    ``plugin_dirs`` None: the folders fzzf itself would use (``FZZF_PLUGINS_DIR`` …)."""
    from ..plugins import Plugins

    dirs = None if plugin_dirs is None else [Path(d) for d in plugin_dirs]
    return Plugins(plugin_dirs=dirs, entry_points=entry_points).load_everything()


def _find(plugins: Any, name: str) -> Any:
    record = plugins.records.get(name)
    if record is None:
        matches = [r for r in plugins.records.values() if r.distribution and r.distribution.lower() == name.lower()]
        record = matches[0] if matches else None
    return record


def load_plugin(name: str, plugin_dirs: list[str | os.PathLike[str]] | None = None, entry_points: bool = True) -> LoadedPlugin:
    """Load plugins through the real manager and return the one called ``name`` (its entry-point
    name, its package name, or a local plugin file's name). AssertionError if it is not there."""
    plugins = load_plugins(plugin_dirs, entry_points)
    record = _find(plugins, name)
    if record is None:
        known = "、".join(sorted(plugins.records)) or "（无）"
        raise AssertionError(f"没有加载名为 {name} 的插件（已加载：{known}）。插件安装了吗？（pip install -e .）")
    entries = [e for e in plugins.checklist_entries() if e.plugin == record.name]
    errors = list(record.errors) + [m for p, m in plugins.checklist_errors if p == record.name]
    plugins.inspection_types()
    types = [t for t, p in plugins.type_plugins.items() if p == record.name]
    formats = [f.name for f in plugins.export_formats().values() if f.plugin == record.name]
    return LoadedPlugin(
        record.name, record.version, record.kind, errors, list(record.warnings),
        {e.checklist.id: e.checklist for e in entries}, types, formats, plugins,
    )


def assert_plugin_ok(name: str, warnings: bool = True, **kwargs: Any) -> LoadedPlugin:
    """:func:`load_plugin`, failing on any error (and, with ``warnings``, any warning)."""
    plugin = load_plugin(name, **kwargs)
    bad = plugin.errors + (plugin.warnings if warnings else [])
    if bad:
        raise AssertionError(f"插件 {plugin.name} 有 {len(bad)} 个问题：\n" + "\n".join(f"  {m}" for m in bad))
    return plugin


def assert_valid(source: str | os.PathLike[str] | Mapping[str, Any] | Checklist) -> Checklist:
    """A checklist from a file, a dict or a Checklist, validated like fzzf does on load;
    AssertionError listing every problem (``file:line: …``) otherwise."""
    from ..checklist.files import load_checklist_file
    from ..checklist.loading import checklist_from_dict

    try:
        if isinstance(source, Checklist):
            return checklist_from_dict(source.to_dict(), source.id)
        if isinstance(source, Mapping):
            return checklist_from_dict(dict(source), "<dict>")
        path = Path(source)
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            from ..checklist.table_import import load_checklist_table

            return load_checklist_table(path)
        return load_checklist_file(path)
    except ChecklistError as exc:
        raise AssertionError(str(exc)) from None


def score(checklist: Checklist, values: str | Mapping[str, Any]) -> ScoreReport:
    """Score ``values`` (leaf code → value or :data:`NA`), or a named scenario such as
    ``"all_met"``, ``"all_failed"``, ``"all_na"``, ``"penalties"``, ``"veto:CODE"``."""
    if isinstance(values, str):
        found = {s.name: s for s in scenarios(checklist)}
        if values not in found:
            raise KeyError(f"没有名为 {values} 的情形（有：{'、'.join(found)}）")
        results = found[values].results(checklist)
    else:
        results = Scenario("custom", "自定义", dict(values)).results(checklist)
    return score_inspection(checklist, results)


def assert_scoring(checklist: Checklist) -> list[Scenario]:
    """Score every extreme scenario and compare with what the checklist's numbers imply;
    AssertionError listing every difference. Returns the scored scenarios."""
    done, problems = run_scenarios(checklist)
    if problems:
        raise AssertionError(f"清单 {checklist.id} 的评分检查有 {len(problems)} 处不符：\n" + "\n".join(f"  {p}" for p in problems))
    return done


def assert_checklist_ok(checklist: Checklist, folder: str | os.PathLike[str] | None = None, warnings: bool = False,
                        **kwargs: Any) -> CheckReport:
    """Everything ``fzzf plugin check`` does for one checklist; AssertionError on errors."""
    report = check_checklist(checklist, folder=folder, **kwargs)
    bad = report.errors + (report.warnings if warnings else [])
    if bad:
        raise AssertionError(f"清单 {checklist.id} 有 {len(bad)} 个问题：\n" + "\n".join(f"  {i}" for i in bad))
    return report
