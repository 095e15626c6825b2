"""A plugin project folder (``pyproject.toml`` + package) and what ``fzzf plugin check`` loads
for a PATH or NAME."""

from __future__ import annotations

import importlib.metadata
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import FzzfError
from ..plugins import ENTRY_POINT_GROUP, Plugins

CHECKLIST_SUFFIXES = (".yaml", ".yml", ".xlsx", ".xlsm")


def read_pyproject(folder: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    path = folder / "pyproject.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FzzfError(f"无法读取 {path}：{exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise FzzfError(f"{path} 格式有误：{exc}") from None


@dataclass
class Project:
    """A plugin project: its name, version and ``fzzf_tui`` entry points."""

    folder: Path
    name: str
    version: str
    entry_points: dict[str, str] = field(default_factory=dict)  # plugin name → "module[:attr]"

    @classmethod
    def read(cls, folder: str | Path) -> "Project":
        folder = Path(folder)
        data = read_pyproject(folder)
        project = data.get("project") if isinstance(data.get("project"), dict) else {}
        name = str(project.get("name") or "")
        if not name:
            raise FzzfError(f"{folder / 'pyproject.toml'} 缺少 [project] name")
        eps = (project.get("entry-points") or {}).get(ENTRY_POINT_GROUP) or {}
        if not isinstance(eps, dict) or not eps:
            raise FzzfError(
                f"{folder / 'pyproject.toml'} 没有 fzzf 插件入口：应有\n"
                f"  [project.entry-points.{ENTRY_POINT_GROUP}]\n  插件名 = \"模块名\""
            )
        return cls(folder, name, str(project.get("version") or ""), {str(k): str(v) for k, v in eps.items()})

    def import_paths(self) -> list[Path]:
        src = self.folder / "src"
        return [src, self.folder] if src.is_dir() else [self.folder]


@dataclass
class Target:
    """What ``fzzf plugin check`` was asked to check, loaded."""

    description: str
    plugins: Plugins | None = None
    names: list[str] = field(default_factory=list)  # plugins to report on
    checklist_file: Path | None = None


def load_target(ref: str) -> Target:
    """A checklist file, a ``.py`` plugin, a plugin project folder, a folder of ``.py`` plugins,
    or the name of a loaded plugin (entry-point name, package name, or local plugin name)."""
    path = Path(ref)
    if path.is_file():
        suffix = path.suffix.lower()
        if suffix in CHECKLIST_SUFFIXES:
            return Target(f"清单文件 {path}", checklist_file=path)
        if suffix == ".py":
            plugins = Plugins(plugin_dirs=[], entry_points=False, plugin_files=[path])
            return Target(f"插件文件 {path}", plugins, [path.stem])
        if path.name == "pyproject.toml":
            path = path.parent
        else:
            raise FzzfError(f"不知道如何检查 {path}：请给出清单文件（.yaml/.xlsx）、插件文件（.py）或插件文件夹")
    if path.is_dir():
        if (path / "pyproject.toml").is_file():
            project = Project.read(path)
            for entry in reversed(project.import_paths()):
                if str(entry) not in sys.path:
                    sys.path.insert(0, str(entry))
            eps = [importlib.metadata.EntryPoint(n, v, ENTRY_POINT_GROUP) for n, v in project.entry_points.items()]
            plugins = Plugins(plugin_dirs=[], entry_points=False, extra_entry_points=eps)
            for name in project.entry_points:
                record = plugins.records.get(name)
                if record is not None:
                    record.kind, record.origin = "project", f"{project.folder}（{record.origin}）"
                    record.version, record.distribution = project.version, project.name
            return Target(f"插件项目 {project.name} {project.version}（{path}）", plugins, list(project.entry_points))
        plugins = Plugins(plugin_dirs=[path], entry_points=False)
        names = [n for n, r in plugins.records.items() if r.kind == "local"]
        if not names:
            raise FzzfError(f"文件夹 {path} 里既没有 pyproject.toml，也没有插件文件（.py）")
        return Target(f"插件文件夹 {path}", plugins, names)
    if any(sep in ref for sep in ("/", "\\")) or path.suffix.lower() in (*CHECKLIST_SUFFIXES, ".py", ".toml"):
        raise FzzfError(f"找不到 {ref}")
    from ..plugins import get_plugins

    plugins = get_plugins()
    record = plugins.records.get(ref) or next(
        (r for r in plugins.records.values() if r.distribution and r.distribution.lower() == ref.lower()), None
    )
    if record is None:
        known = "、".join(n for n, r in plugins.records.items() if r.kind != "default") or "（无）"
        raise FzzfError(f"没有名为 {ref} 的插件，也没有这个文件或文件夹。已加载的插件：{known}")
    return Target(f"插件 {record.label}", plugins, [record.name])
