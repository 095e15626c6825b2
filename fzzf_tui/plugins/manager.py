"""The plugin manager: loading order, per-plugin error capture, and what plugins registered.

Order: default plugins (``DEFAULT_PLUGINS``), then installed packages of the ``fzzf_tui``
entry-point group, then ``.py`` files in the local plugin folders. A plugin that fails to
import, raises inside a hook, registers something malformed, or does not return in time is
recorded against its name and skipped; nothing it does stops the others. ``FZZF_LOAD_PLUGINS``
(comma-separated names, may be empty) limits which non-default plugins load, as
``LLM_LOAD_PLUGINS`` does for llm.

Plugin code (imports and hook calls of non-default plugins) runs with a time limit
(:mod:`.calls`, ``FZZF_HOOK_TIMEOUT``); what it registers is staged per call and used only when
the call finished in time and passed the checks in :mod:`.checks`; :mod:`.records` holds what
is known about each plugin.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any, Callable

import pluggy

from .. import __version__, hookspecs, locations
from ..checklist.model import BUILTIN_TYPES, Checklist
from ..errors import ChecklistError, FzzfError, Problem
from . import checks
from .calls import Call, hook_timeout, run_direct, run_limited, seconds_text
from .records import ChecklistEntry, ExportFormat, PluginRecord, short_error

DEFAULT_PLUGINS = (
    "fzzf_tui.default_plugins.builtin_checklists",
    "fzzf_tui.default_plugins.local_checklists",
    "fzzf_tui.default_plugins.exporters",
)
ENTRY_POINT_GROUP = "fzzf_tui"
HOOK_NAMES = tuple(sorted(n for n in vars(hookspecs) if n.startswith(checks.HOOK_PREFIX)))


# Lines about plugins that did not return in time go here as they happen, so a command can
# print them at once (the CLI writes them to stderr; the TUI shows them in its log instead).
_timeout_reporter: Callable[[str], None] | None = None


def set_timeout_reporter(report: Callable[[str], None] | None) -> None:
    global _timeout_reporter
    _timeout_reporter = report


def settings_key() -> tuple[str, ...]:
    """What decides which plugins and checklists load; a change means a fresh load."""
    env = os.environ
    cwd = ""
    if "FZZF_PLUGINS_DIR" not in env or "FZZF_CHECKLISTS_DIR" not in env:  # ./plugins, ./checklists
        try:
            cwd = os.getcwd()
        except OSError:  # the current folder was removed
            cwd = "?"
    return (
        env.get("FZZF_HOME", ""),
        env.get("FZZF_PLUGINS_DIR", "\0"),
        env.get("FZZF_CHECKLISTS_DIR", "\0"),
        env.get("FZZF_LOAD_PLUGINS", "\0"),
        cwd,
    )


class Plugins:
    """Loaded plugins plus everything they registered (checklists, types, export formats)."""

    def __init__(
        self,
        plugin_dirs: list[Path] | None = None,
        entry_points: bool = True,
        *,
        plugin_files: list[Path] = (),  # type: ignore[assignment]
        extra_entry_points: list[importlib.metadata.EntryPoint] = (),  # type: ignore[assignment]
    ) -> None:
        """``plugin_files``: single ``.py`` plugins to load as well; ``extra_entry_points``:
        entry points to load as if installed (``fzzf plugin check`` on a plugin project)."""
        self.pm = pluggy.PluginManager("fzzf_tui")
        self.pm.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self.key = settings_key()
        self._plugin_dirs = plugin_dirs if plugin_dirs is not None else locations.plugin_dirs()
        self._entry_points = entry_points
        self._plugin_files = [Path(p) for p in plugin_files]
        self._extra_entry_points = list(extra_entry_points)
        self._checklist_entries: list[ChecklistEntry] | None = None
        self._checklists: dict[str, Checklist] | None = None
        self.checklist_errors: list[tuple[str, str]] = []  # (plugin, message)
        # the malformed ones among them, with every located problem: (plugin, message, problems)
        self.checklist_problems: list[tuple[str, str, list[Problem]]] = []
        self._types: list[str] | None = None
        self.type_descriptions: dict[str, str] = {}  # registered types → description
        self.type_plugins: dict[str, str] = {}  # registered types → plugin
        self._formats: dict[str, ExportFormat] | None = None
        self.timeouts: list[str] = []  # one line per abandoned call, in order
        self._reported: set[tuple[str, str]] = set()  # (plugin, error) already shown as it happened
        self._load()
        for name, messages in _command_problems.items():
            if name in self.records:
                self.records[name].errors.extend(m for m in messages if m not in self.records[name].errors)

    # -- loading ------------------------------------------------------------
    def _allowed(self, name: str) -> bool:
        env = os.environ.get("FZZF_LOAD_PLUGINS")
        if env is None:
            return True
        return name in {n.strip() for n in env.split(",") if n.strip()}

    def _register(self, obj: Any, record: PluginRecord) -> None:
        self.records[record.name] = record
        try:
            self.pm.register(obj, name=record.name)
        except Exception as exc:  # pluggy validation errors, duplicate names
            record.errors.append(f"注册失败：{short_error(exc)}")
            return
        callers = self.pm.get_hookcallers(obj) or []
        record.hooks = sorted(h.name for h in callers)
        if record.kind != "default":
            record.warnings.extend(checks.hook_name_warnings(obj, HOOK_NAMES, record.hooks))
            for hc in callers:
                for impl in hc.get_hookimpls():
                    if impl.plugin is obj and (impl.hookwrapper or impl.wrapper):
                        record.warnings.append(f"{hc.name} 不支持 wrapper/hookwrapper，不会被调用")
        if record.kind == "local" and not record.version:
            version = getattr(obj, "__version__", "")
            record.version = version.strip()[:40] if isinstance(version, str) else ""

    def _load(self) -> None:
        for modname in DEFAULT_PLUGINS:
            mod = importlib.import_module(modname)
            self._register(mod, PluginRecord(modname, "default", modname, __version__))
        pending: list[tuple[Call, PluginRecord, Callable[[], None]]] = []
        if self._entry_points or self._extra_entry_points:
            pending += self._entry_point_imports()
        by_name = {record.name: record for _, record, _ in pending}
        for folder in self._plugin_dirs:
            if folder.is_dir():
                pending += self._file_imports(sorted(folder.glob("*.py")), by_name)
        pending += self._file_imports(self._plugin_files, by_name)
        run_limited([call for call, _, _ in pending])
        for call, record, forget in pending:
            if call.abandoned:
                forget()
                self._abandon(record, "导入", f"超过 {seconds_text(hook_timeout())}仍未完成，已放弃")
                self.records[record.name] = record
            elif call.error is not None:
                if isinstance(call.error, KeyboardInterrupt):
                    raise call.error
                forget()
                record.errors.append(f"导入失败：{short_error(call.error)}")
                self.records[record.name] = record
            else:
                self._register(call.result, record)

    def _entry_point_imports(self) -> list[tuple[Call, PluginRecord, Callable[[], None]]]:
        eps: list[Any] = list(self._extra_entry_points)
        if self._entry_points:
            try:
                eps += list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
            except Exception:  # pragma: no cover - broken metadata
                pass
        out = []
        seen: dict[str, PluginRecord] = {}
        for ep in eps:
            if not self._allowed(ep.name):
                continue
            dist = getattr(ep, "dist", None)
            if ep.name in seen:
                if seen[ep.name].origin == ep.value:
                    continue  # the same package found twice on the path (e.g. an .egg-info in the cwd)
                other = f"（{dist.metadata['Name']} {dist.version}）" if dist else ""
                seen[ep.name].errors.append(f"另一个插件{other}也叫 {ep.name}（{ep.value}），已跳过它")
                continue
            record = PluginRecord(
                ep.name, "entrypoint", ep.value,
                version=str(dist.version) if dist else "",
                distribution=str(dist.metadata["Name"]) if dist else "",
            )
            seen[ep.name] = record
            out.append((Call(ep.name, "导入", ep.load), record, lambda: None))
        return out

    def _file_imports(self, paths: list[Path], pending: dict[str, PluginRecord]) -> list[tuple[Call, PluginRecord, Callable[[], None]]]:
        out = []
        for path in paths:
            if path.name.startswith("_"):
                continue
            name = path.stem
            if not self._allowed(name):
                continue
            other = self.records.get(name) or pending.get(name)
            if other is not None:
                other.errors.append(f"插件名与已加载的插件重复，已跳过 {path}")
                continue
            modname = f"fzzf_local_plugins.{name}"

            def load(path: Path = path, modname: str = modname) -> Any:
                spec = importlib.util.spec_from_file_location(modname, path)
                if spec is None or spec.loader is None:
                    raise ImportError(f"无法读取 {path}")
                module = importlib.util.module_from_spec(spec)
                sys.modules[modname] = module
                spec.loader.exec_module(module)
                return module

            record = PluginRecord(name, "local", str(path))
            pending[name] = record
            # forget() drops a half-imported module so nothing else picks it up
            out.append((Call(name, "导入", load), record, lambda modname=modname: sys.modules.pop(modname, None)))
        return out

    # -- hook calls, isolated per plugin and limited in time ---------------------------
    def _abandon(self, record: PluginRecord, what: str, message: str) -> None:
        record.abandoned = True
        error = f"{what} {message}（本次运行不再调用该插件）"
        record.errors.append(error)
        line = f"插件 {record.label}的 {what} {message}，其余功能照常"
        self.timeouts.append(line)
        if _timeout_reporter is not None:
            try:
                _timeout_reporter(line)
                self._reported.add((record.name, error))
            except Exception:  # noqa: BLE001 - reporting must never break loading
                pass

    def run_hook(self, hook_name: str, make_kwargs: Callable[[Call], dict[str, Any]]) -> list[Call]:
        """Call every implementation of ``hook_name`` in registration order; return the calls
        that finished in time (errors are recorded against their plugins; what a call
        registered before raising is kept, what an abandoned call registered is not).

        ``make_kwargs(call)`` builds the arguments for one plugin's call, typically a
        ``register`` callback that validates and then ``call.stage()``-s each value.
        Default plugins run in this thread; others in daemon threads, limited in time.
        """
        hook = getattr(self.pm.hook, hook_name)
        calls: list[Call] = []
        for impl in hook.get_hookimpls():
            record = self.records.get(impl.plugin_name)
            if record is None or record.abandoned or impl.hookwrapper or impl.wrapper:
                continue
            call = Call(impl.plugin_name, hook_name, impl.function)
            call.kwargs = make_kwargs(call)
            calls.append(call)
        for call in calls:
            if self.records[call.plugin].kind == "default":
                run_direct(call)
        run_limited([c for c in calls if self.records[c.plugin].kind != "default"])
        done = []
        for call in calls:
            record = self.records[call.plugin]
            if call.abandoned:
                self._abandon(record, hook_name, f"超过 {seconds_text(hook_timeout())}未返回，已放弃，登记的内容不用")
            elif call.error is not None:
                if isinstance(call.error, KeyboardInterrupt):
                    raise call.error
                record.errors.append(f"{hook_name} 出错：{short_error(call.error)}")
                done.append(call)  # what it registered before the error still counts
            else:
                done.append(call)
        return done

    def _warn_return(self, call: Call, verb: str = "登记") -> None:
        record = self.records[call.plugin]
        if record.kind == "default" or call.error is not None:
            return
        warning = checks.return_value_warning(call.label, call.result, len(call.staged), verb)
        if warning:
            record.warnings.append(warning)

    @staticmethod
    def _registrar(call: Call, check: Callable[..., Any]) -> Callable[..., None]:
        """A ``register`` callback: validate the arguments, then stage the result."""

        def register(*args: Any, **kwargs: Any) -> None:
            try:
                value = check(*args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{call.label}: register() {exc}") from None
            call.stage(value)

        return register

    # -- checklists -----------------------------------------------------------
    def _collect_checklists(self) -> list[ChecklistEntry]:
        if self._checklist_entries is None:

            def check(source: Any) -> tuple[Any, str]:
                if isinstance(source, (str, os.PathLike)):
                    return Path(source), ""
                if isinstance(source, Checklist):
                    return checks.plain_copy(source.to_dict(), "Checklist "), "Checklist"
                if isinstance(source, dict):
                    return checks.plain_copy(source), ""
                raise TypeError(f"需要文件路径、dict 或 Checklist，收到 {checks.type_name(source)}")

            entries: list[ChecklistEntry] = []
            for call in self.run_hook("register_checklists", lambda c: {"register": self._registrar(c, check)}):
                self._warn_return(call)
                for source, given_as in call.staged:
                    entries.append(ChecklistEntry(call.plugin, source, given_as=given_as))
            self._checklist_entries = entries
        return self._checklist_entries

    def _load_all_checklists(self) -> dict[str, Checklist]:
        if self._checklists is not None:
            return self._checklists
        from ..checklist.cache import load_cached
        from ..checklist.loading import checklist_from_dict

        out: dict[str, Checklist] = {}
        for entry in self._collect_checklists():
            try:
                if isinstance(entry.source, Path):
                    checklist = load_cached(entry.source)
                else:
                    checklist = checklist_from_dict(entry.source, f"{entry.plugin} 提供的清单")
            except ChecklistError as exc:
                self._checklist_problem(entry.plugin, str(exc))
                self.checklist_problems.append((entry.plugin, str(exc), list(exc.problems)))
                continue
            except Exception as exc:  # noqa: BLE001
                self._checklist_problem(entry.plugin, f"{entry.origin}: {short_error(exc)}")
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

            def check(name: Any, description: Any = "") -> tuple[str, str]:
                return (checks.check_text(name, "类型名称", 20),
                        checks.check_text(description, "类型说明", 200, required=False))

            for call in self.run_hook("register_inspection_types", lambda c: {"register": self._registrar(c, check)}):
                self._warn_return(call)
                for name, description in call.staged:
                    if name not in types:
                        types.append(name)
                        self.type_descriptions[name] = description
                        self.type_plugins[name] = call.plugin
            for c in self.checklists():
                if c.type not in types:
                    types.append(c.type)
            self._types = types
        return self._types

    # -- export formats -----------------------------------------------------------
    def export_formats(self) -> dict[str, ExportFormat]:
        """Formats for one inspection (``fzzf export -f NAME``, the TUI's export)."""
        return {n: f for n, f in self._all_formats().items() if f.scope == "inspection"}

    def consolidation_formats(self) -> dict[str, ExportFormat]:
        """Formats for a consolidation (``fzzf consolidate --report FILE --report-format NAME``)."""
        return {n: f for n, f in self._all_formats().items() if f.scope == "consolidation"}

    def _all_formats(self) -> dict[str, ExportFormat]:
        if self._formats is None:

            def check(name: Any, label: Any, suffix: Any, writer: Any, scope: Any = "inspection") -> ExportFormat:
                name, label, suffix, scope = checks.check_export_format(name, label, suffix, writer, scope)
                return ExportFormat(name, label, suffix, writer, scope=scope)

            formats: dict[str, ExportFormat] = {}
            for call in self.run_hook("register_export_formats", lambda c: {"register": self._registrar(c, check)}):
                self._warn_return(call)
                for fmt in call.staged:
                    if fmt.name in formats:
                        self.records[call.plugin].errors.append(
                            f"导出格式名“{fmt.name}”已由插件 {formats[fmt.name].plugin} 使用，本插件的同名格式已忽略")
                        continue
                    fmt.plugin = call.plugin
                    formats[fmt.name] = fmt
            self._formats = formats
        return self._formats

    # -- commands ---------------------------------------------------------------------
    def add_commands(self, cli: Any) -> list[str]:
        """Let plugins add click commands to ``cli``; returns the names added.

        Each plugin adds to its own copy of the group; what it added is moved over only when
        its call finished in time, and never replaces a command that already exists.
        """
        import click

        existing = dict(cli.commands)

        def make_kwargs(call: Call) -> dict[str, Any]:
            staging = click.Group(name=cli.name, commands=dict(existing))
            call.staged.append(staging)
            return {"cli": staging}

        added: list[str] = []
        for call in self.run_hook("register_commands", make_kwargs):
            staging = call.staged[0]
            record = self.records[call.plugin]
            new = {n: c for n, c in staging.commands.items() if existing.get(n) is not c}
            if call.result is not None:
                record.warnings.append(checks.return_value_warning("register_commands", call.result, 1) or "")
            if not new and call.result is None and call.error is None and record.kind != "default":
                record.warnings.append("register_commands 没有添加任何命令")
            for name, command in new.items():
                if not isinstance(command, click.Command):
                    record.errors.append(f"register_commands: 命令 {name} 不是 click 命令（{checks.type_name(command)}），已忽略")
                elif name in cli.commands:
                    record.errors.append(f"register_commands: 命令名“{name}”已被占用，本插件的同名命令已忽略")
                else:
                    cli.add_command(command, name)
                    added.append(name)
        for record in self.records.values():
            if "register_commands" in record.hooks:
                _command_problems[record.name] = [e for e in record.errors if "register_commands" in e or "不再调用" in e]
        return added

    def call(self, hook_name: str, **kwargs: Any) -> None:
        """Call a hook for its side effects only (kept for plugins' own tests)."""
        if hook_name == "register_commands":
            self.add_commands(kwargs["cli"])
            return
        self.run_hook(hook_name, lambda c: dict(kwargs))

    # -- eager loading (the TUI's loader thread) ----------------------------------------
    def load_everything(self) -> "Plugins":
        """Run every start-up hook now, so later reads never call plugin code."""
        self.checklists()
        self.inspection_types()
        self._all_formats()
        return self

    # -- reporting ------------------------------------------------------------------
    def problems(self, warnings: bool = True, unreported: bool = False) -> list[str]:
        """Every plugin and checklist error (and warning), one Chinese line each;
        ``unreported``: leave out time-outs already shown when they happened."""
        self._load_all_checklists()
        out = []
        for rec in self.records.values():
            for err in rec.errors:
                if not (unreported and (rec.name, err) in self._reported):
                    out.append(f"插件 {rec.label}：{err}")
            if warnings:
                for warning in rec.warnings:
                    out.append(f"插件 {rec.label}：{warning}")
        for plugin, message in self.checklist_errors:
            out.append(f"插件 {plugin} 的清单有误：{message}")
        return out

    def plugin_record(self, name: str) -> PluginRecord | None:
        return self.records.get(name)

    def provenance(self, checklist_id: str) -> dict[str, str]:
        """Where a checklist came from, for an inspection's meta (and the export's 检查信息):
        ``checklist_plugin`` (installed package, local plugin or checklist file) and
        ``checklist_plugin_version`` when there is one."""
        entry = next((e for e in self.checklist_entries() if e.checklist is not None and e.checklist.id == checklist_id), None)
        record = self.records.get(entry.plugin) if entry is not None else None
        if entry is None or record is None:
            return {}
        if record.kind == "default":
            if isinstance(entry.source, Path) and entry.plugin.endswith(".local_checklists"):
                return {"checklist_plugin": f"清单文件 {entry.source.name}"}
            return {"checklist_plugin": "fzzf-tui 内置", "checklist_plugin_version": __version__}
        name = record.distribution or record.name
        if record.kind == "local":
            name = f"{record.name}（本地插件）"
        out = {"checklist_plugin": name}
        if record.version:
            out["checklist_plugin_version"] = record.version
        return out

    def to_list(self) -> list[dict[str, Any]]:
        self.load_everything()
        rows = []
        for rec in self.records.values():
            d = rec.to_dict()
            d["checklists"] = [
                e.checklist.id for e in self._collect_checklists() if e.plugin == rec.name and e.checklist
            ]
            d["checklist_errors"] = [m for p, m in self.checklist_errors if p == rec.name]
            rows.append(d)
        return rows


# What register_commands reported, kept across reloads: commands are added once per process
# (before options like --data-dir are parsed), and a later reload must still show their errors.
_command_problems: dict[str, list[str]] = {}

_current: Plugins | None = None


def get_plugins() -> Plugins:
    """The process-wide plugin set, loaded on first use and again when the settings that
    choose plugins (data dir, plugin and checklist folders, ``FZZF_LOAD_PLUGINS``) change."""
    global _current
    # No lock on purpose: a thread waiting here for another thread's load is what froze the
    # TUI. The UI reads plugins only after its loader thread has finished.
    current = _current
    if current is None or current.key != settings_key():
        current = _current = Plugins()
    return current


def reset_plugins() -> None:
    """Forget loaded plugins (tests and the TUI's checklist import use this)."""
    global _current
    _current = None
