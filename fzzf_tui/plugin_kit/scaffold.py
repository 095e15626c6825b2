"""``fzzf plugin new``: write a ready, pip-installable plugin package from templates.

Templates are files in ``templates/`` filled with :class:`string.Template` (``$name``), so no
template engine and no network are needed. All files are prepared in memory and the folder
appears complete or not at all.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from .. import __version__
from ..checklist.model import Checklist
from ..errors import ChecklistError, FzzfError

TEMPLATES = Path(__file__).with_name("templates")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
IMPORTABLE = (".yaml", ".yml", ".xlsx", ".docx")


@dataclass
class NewPlugin:
    """What ``fzzf plugin new`` made."""

    folder: Path
    plugin: str  # entry-point name (shown by ``fzzf plugins``)
    dist: str  # package name for pip
    module: str
    checklist: Checklist
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def names_for(name: str) -> tuple[str, str, str]:
    """(plugin, distribution, module) for a plugin called ``name`` (``anjuan-2027`` →
    ``anjuan-2027``, ``fzzf-anjuan-2027``, ``fzzf_anjuan_2027``)."""
    name = name.strip()
    if not NAME_RE.match(name) or len(name) > 40:
        raise FzzfError(
            f"插件名“{name}”不合适：请用小写英文字母开头，只含小写字母、数字和连字符（如 anjuan-2027），最多 40 个字符"
        )
    bare = name[5:] if name.startswith(("fzzf-", "fzzf_")) else name
    dist = f"fzzf-{bare}".replace("_", "-")
    return name, dist, dist.replace("-", "_")


def _render(template: str, **values: str) -> str:
    return Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(values)


def safe_text(value: str) -> str:
    """A title fit for every generated file (TOML string, Python docstring, Markdown, YAML)."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", value).replace("\\", "/").replace('"', "”").replace("$", "＄")
    return text.strip()[:120]


def _yaml_text(value: str) -> str:
    """A YAML scalar for a title typed by the user (quoted when it needs to be)."""
    import json

    return value if re.fullmatch(r"[\w\u4e00-\u9fff（）〔〕《》、·\- ]+", value) and not value[0].isdigit() else json.dumps(value, ensure_ascii=False)


def _checklist_from_file(path: Path, name: str, type_: str | None) -> tuple[str, Checklist, list[str]]:
    """(YAML text, checklist, notes) from an existing checklist or indicator table."""
    suffix = path.suffix.lower()
    if suffix not in IMPORTABLE:
        raise FzzfError(f"--from-checklist 只接受 {'、'.join(IMPORTABLE)} 文件，收到 {path.name}")
    if not path.is_file():
        raise FzzfError(f"找不到文件 {path}")
    if suffix in (".yaml", ".yml"):
        from ..checklist.files import load_checklist_file

        checklist = load_checklist_file(path)  # ChecklistError lists every problem
        return path.read_text(encoding="utf-8-sig"), checklist, []
    from ..checklist.table_import import checklist_yaml, import_table

    notes: list[str] = []
    try:
        result = import_table(path, default_id=name, type=type_)
    except ChecklistError as exc:
        if type_ or not any("缺少检查类型" in p.message for p in exc.problems):
            raise
        result = import_table(path, default_id=name, type="专项督察")
        notes.append("表中未写检查类型，已设为“专项督察”；可在清单文件中修改 type，或用 --type 指定")
    notes.extend(f"导入提示：{w}" for w in result.warnings)
    text = checklist_yaml(result.checklist, comment=f"由 {path.name} 导入（fzzf plugin new --from-checklist）")
    return text, result.checklist, notes


def _expectations(checklist: Checklist) -> dict[str, str]:
    from ..testing.extremes import run_scenarios

    done, problems = run_scenarios(checklist)
    if problems:
        raise FzzfError("清单的评分检查不通过，未生成插件：\n" + "\n".join(f"  {p}" for p in problems))
    by = {s.name: s.report for s in done}
    return {
        "total": f"{checklist.total:g}",
        "all_met_total": f"{by['all_met'].total:g}",
        "all_met_grade": by["all_met"].grade,
        "all_failed_total": f"{by['all_failed'].total:g}",
        "all_failed_grade": by["all_failed"].grade,
    }


def new_plugin(
    name: str,
    folder: str | os.PathLike[str] | None = None,
    *,
    from_checklist: str | os.PathLike[str] | None = None,
    title: str | None = None,
    type_: str | None = None,
    exporter: bool = False,
) -> NewPlugin:
    """Create the plugin package folder (default ``./fzzf-NAME``) and return what was made."""
    from ..checklist.loading import checklist_from_dict, parse_yaml

    plugin, dist, module = names_for(name)
    target = Path(folder) if folder is not None else Path.cwd() / dist
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FzzfError(f"文件夹 {target} 已存在且不是空的；请换一个名字或用 --dir 指定别的位置")

    notes: list[str] = []
    checklist_id = plugin.replace("_", "-")
    title = safe_text(title) if title else None
    if from_checklist is not None:
        yaml_text, checklist, notes = _checklist_from_file(Path(from_checklist), checklist_id, type_)
    else:
        yaml_text = _render(
            "checklist.yaml.tmpl",
            checklist_id=checklist_id,
            title=_yaml_text(title or f"{plugin} 检查清单"),
            type=_yaml_text(type_ or "专项督察"),
        )
        checklist = checklist_from_dict(parse_yaml(yaml_text, "checklist.yaml.tmpl"), "checklist.yaml.tmpl")
    shown_title = title or safe_text(checklist.title)
    checklist_file = f"{checklist.id}.yaml"
    values = {
        "plugin": plugin, "dist": dist, "module": module, "title": shown_title, "checklist_id": checklist.id,
        "checklist_file": checklist_file, "fzzf_version": __version__,
    }
    values.update(_expectations(checklist))
    exporter_code = _render("exporter.py.tmpl", **values) if exporter else ""
    exporter_test = _render("exporter_test.py.tmpl", **values) if exporter else ""
    files = {
        "pyproject.toml": _render("pyproject.toml.tmpl", **values),
        "README.md": _render("README.md.tmpl", **values),
        ".gitignore": _render("gitignore.tmpl"),
        f"{module}/__init__.py": _render("module.py.tmpl", exporter=exporter_code, **values),
        f"{module}/checklists/{checklist_file}": yaml_text,
        "tests/conftest.py": _render("conftest.py.tmpl"),
        "tests/test_plugin.py": _render("test_plugin.py.tmpl", exporter_test=exporter_test, **values),
    }

    # Write into a sibling temporary folder, then rename: the plugin folder is complete or absent.
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dist}-", dir=target.parent))
    try:
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        if target.exists():
            target.rmdir()  # empty (checked above)
        os.replace(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise FzzfError(f"无法创建插件文件夹 {target}：{exc.strerror or exc}") from None
    return NewPlugin(target, plugin, dist, module, checklist, [target / rel for rel in files], notes)
