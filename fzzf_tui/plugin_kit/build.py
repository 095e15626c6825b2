"""``fzzf plugin build``: a wheel of a plugin project, made offline, and checked before it is
handed to a colleague (entry point present, every checklist file inside)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import FzzfError
from .project import CHECKLIST_SUFFIXES, Project


@dataclass
class BuiltWheel:
    path: Path
    size: int
    sha256: str
    project: Project


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def build_backend_problem() -> str | None:
    """Why a wheel cannot be built offline here, or None. setuptools builds wheels by itself
    from 70.1 on; older ones need the ``wheel`` package."""
    if importlib.util.find_spec("setuptools") is None:
        return "本环境没有 setuptools，无法打包。请先安装：pip install --no-index --find-links 离线安装包目录 setuptools"
    try:
        from importlib.metadata import version

        parts = tuple(int(x) for x in re.findall(r"\d+", version("setuptools"))[:2])
    except Exception:  # noqa: BLE001 - unknown version: let the build say
        return None
    if parts < (70, 1) and importlib.util.find_spec("wheel") is None:
        return (f"本环境的 setuptools {'.'.join(map(str, parts))} 需要 wheel 包才能打包。请安装 setuptools 70.1 以上"
                "（pip install --no-index --find-links 离线安装包目录 \"setuptools>=70.1\"）")
    return None


def build_wheel(folder: str | os.PathLike[str], outdir: str | os.PathLike[str] | None = None, timeout: float = 600) -> BuiltWheel:
    """Build the project in ``folder`` into ``outdir`` (default ``folder/dist``) with pip, without
    network or build isolation, then check the wheel. Raises :class:`FzzfError` in Chinese."""
    project = Project.read(folder)
    out = Path(outdir) if outdir is not None else project.folder / "dist"
    problem = build_backend_problem()
    if problem:
        raise FzzfError(problem)
    out.mkdir(parents=True, exist_ok=True)
    before = {p: p.stat().st_mtime_ns for p in out.glob("*.whl")}
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
           "--disable-pip-version-check", "-q", "-w", str(out), str(project.folder)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise FzzfError(f"打包超过 {timeout:g} 秒仍未完成，已停止") from None
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise FzzfError(f"打包失败（pip wheel 退出码 {done.returncode}）：\n{tail}")
    prefix = _normalise(project.name) + "_"  # wheel names: {name}-{version}-… with "-" normalised too
    wheels = [p for p in out.glob("*.whl") if _normalise(p.name).startswith(prefix)
              and (p not in before or p.stat().st_mtime_ns != before[p])]
    if not wheels:
        raise FzzfError(f"打包没有生成 {project.name} 的 .whl 文件（{out}）")
    wheel = max(wheels, key=lambda p: p.stat().st_mtime_ns)
    check_wheel(wheel, project)
    data = wheel.read_bytes()
    return BuiltWheel(wheel, len(data), hashlib.sha256(data).hexdigest(), project)


def check_wheel(wheel: Path, project: Project) -> None:
    """The wheel declares the fzzf entry points and carries every checklist file of the project."""
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        ep_files = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        text = zf.read(ep_files[0]).decode("utf-8") if ep_files else ""
    missing_eps = [n for n in project.entry_points if not re.search(rf"(?m)^{re.escape(n)}\s*=", text)]
    if "[fzzf_tui]" not in text or missing_eps:
        raise FzzfError(f"{wheel.name} 缺少 fzzf 插件入口 {', '.join(missing_eps) or '[fzzf_tui]'}；检查 pyproject.toml 的 [project.entry-points.fzzf_tui]")
    roots = [p for p in project.import_paths()]
    wanted = []
    for module in {v.split(":")[0].split(".")[0] for v in project.entry_points.values()}:
        for root in roots:
            package = root / module
            if package.is_dir():
                for f in package.rglob("*"):
                    if f.suffix.lower() in CHECKLIST_SUFFIXES and f.is_file() and "__pycache__" not in f.parts:
                        wanted.append(f.relative_to(root).as_posix())
                break
    missing = [w for w in wanted if w not in names]
    if missing:
        raise FzzfError(
            f"{wheel.name} 没有包含这些清单文件：{'、'.join(missing)}；"
            "检查 pyproject.toml 的 [tool.setuptools.package-data]"
        )
