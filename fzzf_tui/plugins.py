"""The plugin manager: loading order, per-plugin error capture, and what plugins registered.

Order: default plugins (``DEFAULT_PLUGINS``), then installed packages of the ``fzzf_tui``
entry-point group, then ``.py`` files in the local plugin folders. A plugin that fails to
import, or raises inside a hook, is recorded against its name and skipped; nothing it does
stops the others. ``FZZF_LOAD_PLUGINS`` (comma-separated names, may be empty) limits which
non-default plugins load, as ``LLM_LOAD_PLUGINS`` does for llm.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pluggy

from . import hookspecs, locations
from .checklist.model import BUILTIN_TYPES, Checklist
from .errors import ChecklistError, FzzfError

DEFAULT_PLUGINS = (
    "fzzf_tui.default_plugins.builtin_checklists",
    "fzzf_tui.default_plugins.local_checklists",
    "fzzf_tui.default_plugins.exporters",
)
ENTRY_POINT_GROUP = "fzzf_tui"


@dataclass
class PluginRecord:
    name: str
    kind: str  # default | entrypoint | local
    origin: str
    version: str = ""
    hooks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "origin": self.origin,
            "version": self.version,
            "hooks": self.hooks,
            "errors": self.errors,
        }


@dataclass
class ExportFormat:
    name: str
    label: str
    suffix: str
    writer: Callable[..., Any]
    plugin: str = ""


@dataclass
class ChecklistEntry:
    plugin: str
    source: Any  # Path | dict | Checklist
    checklist: Checklist | None = None

    @property
    def origin(self) -> str:
        if isinstance(self.source, Path):
            return str(self.source)
        if isinstance(self.source, Checklist):
            return self.source.origin or self.plugin
        return f"{self.plugin} (dict)"


def _short_error(exc: BaseException) -> str:
    if isinstance(exc, FzzfError):
        return str(exc)
    tb = traceback.extract_tb(exc.__traceback__)
    where = ""
    if tb:
        last = tb[-1]
        where = f" ({Path(last.filename).name}:{last.lineno})"
    return f"{type(exc).__name__}: {exc}{where}"


class Plugins:
    """Loaded plugins plus everything they registered (checklists, types, export formats)."""

    def __init__(self, plugin_dirs: list[Path] | None = None, entry_points: bool = True) -> None:
        self.pm = pluggy.PluginManager("fzzf_tui")
        self.pm.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self._plugin_dirs = plugin_dirs if plugin_dirs is not None else locations.plugin_dirs()
        self._entry_points = entry_points
        self._checklist_entries: list[ChecklistEntry] | None = None
        self._checklists: dict[str, Checklist] | None = None
        self.checklist_errors: list[tuple[str, str]] = []  # (plugin, message)
        self._types: list[str] | None = None
        self._formats: dict[str, ExportFormat] | None = None
        self._load()

    # -- loading ------------------------------------------------------------
    def _allowed(self, name: str) -> bool:
        env = os.environ.get("FZZF_LOAD_PLUGINS")
        if env is None:
            return True
        return name in {n.strip() for n in env.split(",") if n.strip()}

    def _register(self, obj: Any, name: str, kind: str, origin: str, version: str = "") -> None:
        record = self.records.setdefault(name, PluginRecord(name, kind, origin, version))
        try:
            self.pm.register(obj, name=name)
        except Exception as exc:  # pluggy validation errors, duplicate names
            record.errors.append(f"注册失败：{_short_error(exc)}")
            return
        record.hooks = sorted(h.name for h in self.pm.get_hookcallers(obj) or [])

    def _load(self) -> None:
        for modname in DEFAULT_PLUGINS:
            mod = importlib.import_module(modname)
            self._register(mod, modname, "default", modname)
        if self._entry_points:
            self._load_entry_points()
        for folder in self._plugin_dirs:
            self._load_dir(folder)

    def _load_entry_points(self) -> None:
        try:
            eps = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
        except Exception:  # pragma: no cover - broken metadata
            return
        for ep in eps:
            if not self._allowed(ep.name):
                continue
            version = ep.dist.version if getattr(ep, "dist", None) else ""
            try:
                obj = ep.load()
            except BaseException as exc:  # noqa: BLE001 - a plugin may raise anything
                if isinstance(exc, KeyboardInterrupt):
                    raise
                self.records[ep.name] = PluginRecord(
                    ep.name, "entrypoint", ep.value, version, errors=[f"导入失败：{_short_error(exc)}"]
                )
                continue
            self._register(obj, ep.name, "entrypoint", ep.value, version)

    def _load_dir(self, folder: Path) -> None:
        if not folder.is_dir():
            return
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_"):
                continue
            name = path.stem
            if not self._allowed(name):
                continue
            if name in self.records:
                self.records[name].errors.append(f"插件名与已加载的插件重复，已跳过 {path}")
                continue
            modname = f"fzzf_local_plugins.{name}"
            try:
                spec = importlib.util.spec_from_file_location(modname, path)
                assert spec and spec.loader
                module = importlib.util.module_from_spec(spec)
                sys.modules[modname] = module
                spec.loader.exec_module(module)
            except BaseException as exc:  # noqa: BLE001
                if isinstance(exc, KeyboardInterrupt):
                    raise
                sys.modules.pop(modname, None)
                self.records[name] = PluginRecord(
                    name, "local", str(path), errors=[f"导入失败：{_short_error(exc)}"]
                )
                continue
            self._register(module, name, "local", str(path))

    # -- hook calls, isolated per plugin --------------------------------------
    def call(self, hook_name: str, **kwargs: Any) -> None:
        hook = getattr(self.pm.hook, hook_name)
        for impl in hook.get_hookimpls():  # registration order
            try:
                impl.function(**kwargs)
            except BaseException as exc:  # noqa: BLE001
                if isinstance(exc, KeyboardInterrupt):
                    raise
                record = self.records.get(impl.plugin_name)
                if record is not None:
                    record.errors.append(f"{hook_name} 出错：{_short_error(exc)}")

    # -- checklists -----------------------------------------------------------
    def _collect_checklists(self) -> list[ChecklistEntry]:
        if self._checklist_entries is None:
            entries: list[ChecklistEntry] = []
            current: list[str] = [""]

            def make_register(plugin: str) -> Callable[[Any], None]:
                def register(source: Any) -> None:
                    if isinstance(source, (str, os.PathLike)):
                        source = Path(source)
                    if not isinstance(source, (Path, dict, Checklist)):
                        raise TypeError(f"register() 需要文件路径、dict 或 Checklist，收到 {type(source).__name__}")
                    entries.append(ChecklistEntry(plugin, source))

                return register

            hook = self.pm.hook.register_checklists
            for impl in hook.get_hookimpls():
                current[0] = impl.plugin_name
                try:
                    impl.function(register=make_register(impl.plugin_name))
                except BaseException as exc:  # noqa: BLE001
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    self.records[impl.plugin_name].errors.append(f"register_checklists 出错：{_short_error(exc)}")
            self._checklist_entries = entries
        return self._checklist_entries

    def _load_all_checklists(self) -> dict[str, Checklist]:
        if self._checklists is not None:
            return self._checklists
        from .checklist.cache import load_cached
        from .checklist.loading import checklist_from_dict

        out: dict[str, Checklist] = {}
        for entry in self._collect_checklists():
            try:
                if isinstance(entry.source, Path):
                    checklist = load_cached(entry.source)
                elif isinstance(entry.source, dict):
                    checklist = checklist_from_dict(entry.source, f"{entry.plugin} 提供的清单")
                else:
                    checklist = entry.source
            except ChecklistError as exc:
                self._checklist_problem(entry.plugin, str(exc))
                continue
            except Exception as exc:  # noqa: BLE001
                self._checklist_problem(entry.plugin, f"{entry.origin}: {_short_error(exc)}")
                continue
            if checklist.id in out:
                other = out[checklist.id]
                self._checklist_problem(
                    entry.plugin,
                    f"{entry.origin}: 清单编号“{checklist.id}”已由 {other.origin} 使用，本文件已跳过",
                )
                continue
            entry.checklist = checklist
            out[checklist.id] = checklist
        self._checklists = out
        return out

    def _checklist_problem(self, plugin: str, message: str) -> None:
        self.checklist_errors.append((plugin, message))

    def checklists(self) -> list[Checklist]:
        return list(self._load_all_checklists().values())

    def checklist_entries(self) -> list[ChecklistEntry]:
        self._load_all_checklists()
        return [e for e in self._collect_checklists() if e.checklist is not None]

    def get_checklist(self, checklist_id: str) -> Checklist:
        found = self._load_all_checklists().get(checklist_id)
        if found is None:
            known = "、".join(sorted(self._load_all_checklists())) or "（无）"
            raise FzzfError(f"没有编号为“{checklist_id}”的清单。可用的清单：{known}")
        return found

    def checklist_plugin(self, checklist_id: str) -> str:
        for entry in self.checklist_entries():
            if entry.checklist is not None and entry.checklist.id == checklist_id:
                return entry.plugin
        return ""

    # -- inspection types -------------------------------------------------------
    def inspection_types(self) -> list[str]:
        if self._types is None:
            types = list(BUILTIN_TYPES)

            def register(name: str, description: str = "") -> None:
                if name not in types:
                    types.append(name)

            self.call("register_inspection_types", register=register)
            for c in self.checklists():
                if c.type not in types:
                    types.append(c.type)
            self._types = types
        return self._types

    # -- export formats -----------------------------------------------------------
    def export_formats(self) -> dict[str, ExportFormat]:
        if self._formats is None:
            formats: dict[str, ExportFormat] = {}
            hook = self.pm.hook.register_export_formats
            for impl in hook.get_hookimpls():
                def register(name: str, label: str, suffix: str, writer: Callable[..., Any], _p: str = impl.plugin_name) -> None:
                    formats[name] = ExportFormat(name, label, suffix, writer, _p)

                try:
                    impl.function(register=register)
                except BaseException as exc:  # noqa: BLE001
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    self.records[impl.plugin_name].errors.append(f"register_export_formats 出错：{_short_error(exc)}")
            self._formats = formats
        return self._formats

    # -- reporting ------------------------------------------------------------------
    def problems(self) -> list[str]:
        """Every plugin and checklist error, one Chinese line each (for notifications/logs)."""
        self._load_all_checklists()
        out = []
        for rec in self.records.values():
            for err in rec.errors:
                out.append(f"插件 {rec.name}（{rec.origin}）：{err}")
        for plugin, message in self.checklist_errors:
            out.append(f"插件 {plugin} 的清单有误：{message}")
        return out

    def to_list(self) -> list[dict[str, Any]]:
        self._load_all_checklists()
        rows = []
        for rec in self.records.values():
            d = rec.to_dict()
            d["checklists"] = [
                e.checklist.id for e in self._collect_checklists() if e.plugin == rec.name and e.checklist
            ]
            d["checklist_errors"] = [m for p, m in self.checklist_errors if p == rec.name]
            rows.append(d)
        return rows


_current: Plugins | None = None


def get_plugins() -> Plugins:
    """The process-wide plugin set (loaded on first use)."""
    global _current
    if _current is None:
        _current = Plugins()
    return _current


def reset_plugins() -> None:
    """Forget loaded plugins (tests and ``--plugins-dir`` use this)."""
    global _current
    _current = None
