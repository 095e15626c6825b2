#!/usr/bin/env python3
"""Build (and check) the offline installation kit ``dist/fzzf-offline-<version>.zip``.

The kit holds the project's wheel and every runtime dependency as wheels for each target
(Windows x64, manylinux x86_64 and aarch64 (glibc >= 2.17) × Python 3.10–3.14), a pure-Python
PyYAML wheel as the fallback for any other machine, ``install.sh`` / ``install.bat`` that make a
virtual environment and ``pip install --no-index`` from it, 安装说明.txt, and ``kit.json`` saying
what it covers and what is missing.

    python tools/offline_kit.py                         # the full kit (needs the package index)
    python tools/offline_kit.py --current               # only this machine's platform and Python
    python tools/offline_kit.py --python 3.12 --platform win_amd64
    python tools/offline_kit.py --runtime python-3.12.10-amd64.exe --runtime cpython-3.12.10+20250409-x86_64-unknown-linux-gnu-install_only.tar.gz
    python tools/offline_kit.py --check dist/fzzf-offline-0.1.0.zip

``--check`` installs a kit into a fresh venv with its own install script, with no package index
(and no network at all where a network namespace can be made), then runs ``fzzf --version``,
``fzzf checklists``, ``fzzf doctor`` and a scripted new → score → export.

Wheels come from ``pip download --only-binary=:all: --platform … --python-version …``. pip
evaluates environment markers (``sys_platform == "win32"`` …) for the machine it runs on, not
for the target, so every target's dependency closure is walked again here with the target's
markers and tags; whatever pip left out is fetched by name, and whatever cannot be had is
reported per target. Only the packages in :data:`ALLOWED_COMPILED` may be compiled (PyYAML,
which has a pure-Python fallback, and lxml, which python-docx needs and which publishes binary
wheels for every target); any other platform-specific wheel fails the build, so a new compiled
dependency is a decision written down there, not an accident.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path
from typing import Any, Iterable

try:
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.tags import Tag, compatible_tags, cpython_tags, sys_tags
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import Version
except ImportError:  # pip carries a copy; any Python that can build the kit has pip
    from pip._vendor.packaging.markers import default_environment  # type: ignore[no-redef]
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.specifiers import SpecifierSet  # type: ignore[no-redef]
    from pip._vendor.packaging.tags import Tag, compatible_tags, cpython_tags, sys_tags  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename  # type: ignore[no-redef]
    from pip._vendor.packaging.version import Version  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "kit"
PROJECT = "fzzf-tui"
DEFAULT_PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
# The compiled packages the kit may carry, and why. Everything else must stay pure Python.
# PyYAML: C acceleration is optional, a pure-Python wheel built from the sdist is added.
# lxml: python-docx needs it; binary wheels exist for every target here, no pure-Python one.
ALLOWED_COMPILED = {
    "pyyaml": "另附纯 Python 版，任何平台可用",
    "lxml": "读写 Word 表格所需，只有上列平台和 Python 版本的编译版",
}
# Compiled packages without a pure-Python fallback: a machine outside the listed targets
# (LoongArch, an unreleased Python) cannot install the kit.
NO_FALLBACK = ("lxml",)
# Installed beside the project in every target so an environment made without pip
# (Debian's python3 without python3-venv) can get it from the kit.
EXTRA_REQUIREMENTS = ("pip",)
MANYLINUX_GLIBC = (2, 17)  # manylinux2014: CentOS 7 and newer; UOS 20 has 2.28, Kylin V10 2.28–2.31


@dataclass(frozen=True)
class Platform:
    name: str
    title: str
    pip_platforms: tuple[str, ...]
    markers: dict[str, str]
    installer: str


def _manylinux(arch: str) -> tuple[str, ...]:
    major, top = MANYLINUX_GLIBC
    tags = [f"manylinux_{major}_{minor}_{arch}" for minor in range(top, 4, -1)]
    return tuple(tags + [f"manylinux2014_{arch}", f"manylinux2010_{arch}", f"manylinux1_{arch}"])


PLATFORMS = {
    p.name: p
    for p in (
        Platform("win_amd64", "Windows 10/11 x64", ("win_amd64",),
                 {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"},
                 "install.bat"),
        Platform("manylinux_x86_64", "Linux x86_64（统信UOS、麒麟等，glibc ≥ 2.17）", _manylinux("x86_64"),
                 {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64"},
                 "install.sh"),
        Platform("manylinux_aarch64", "Linux aarch64（飞腾、鲲鹏等，glibc ≥ 2.17）", _manylinux("aarch64"),
                 {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "aarch64"},
                 "install.sh"),
    )
}


@dataclass
class Target:
    platform: Platform | None  # None: this machine, resolved natively
    python: str  # "3.11"
    missing: list[str] = field(default_factory=list)
    chosen: dict[str, str] = field(default_factory=dict)  # canonical name -> wheel file
    pip_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def name(self) -> str:
        plat = self.platform.name if self.platform else f"current-{platform.system().lower()}_{platform.machine().lower()}"
        return f"{plat}-py{self.python}"

    @property
    def title(self) -> str:
        plat = self.platform.title if self.platform else f"本机（{platform.system()} {platform.machine()}）"
        return f"{plat}，Python {self.python}"

    def tags(self) -> list[Tag]:
        if self.platform is None:
            return list(sys_tags())
        version = tuple(int(x) for x in self.python.split("."))
        interpreter = f"cp{version[0]}{version[1]}"
        plats = list(self.platform.pip_platforms)
        return list(cpython_tags(version, [interpreter, "abi3", "none"], plats)) + list(
            compatible_tags(version, interpreter, plats)
        )

    def environment(self) -> dict[str, str]:
        if self.platform is None:
            return dict(default_environment())
        env = {
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "python_version": self.python,
            "python_full_version": f"{self.python}.0",
            "implementation_version": f"{self.python}.0",
            "platform_release": "",
            "platform_version": "",
        }
        env.update(self.platform.markers)
        return env

    def pip_args(self) -> list[str]:
        if self.platform is None:
            return []
        args = []
        for tag in self.platform.pip_platforms:
            args += ["--platform", tag]
        abi = "cp" + self.python.replace(".", "")
        return args + ["--python-version", self.python, "--implementation", "cp", "--abi", abi]


def log(message: str) -> None:
    print(message, flush=True)


def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace", **kwargs)


def pip(*args: str) -> list[str]:
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]


# -- wheels on disk ----------------------------------------------------------------------------------
@dataclass
class Wheel:
    path: Path
    name: str  # canonical
    version: Version
    tags: frozenset
    requires_python: str
    requires: list[str]

    @property
    def pure(self) -> bool:
        return all(t.abi == "none" and t.platform == "any" for t in self.tags)


def read_wheel(path: Path) -> Wheel:
    name, version, _build, tags = parse_wheel_filename(path.name)
    with zipfile.ZipFile(path) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        meta = HeaderParser().parsestr(zf.read(meta_name).decode("utf-8", "replace"))
    return Wheel(path, canonicalize_name(name), version, frozenset(tags), meta.get("Requires-Python") or "",
                 meta.get_all("Requires-Dist") or [])


def load_wheels(folders: Iterable[Path]) -> list[Wheel]:
    seen: dict[str, Wheel] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.whl")):
            if path.name not in seen:
                seen[path.name] = read_wheel(path)
    return list(seen.values())


def resolve(target: Target, wheels: list[Wheel], roots: list[str]) -> tuple[dict[str, Wheel], list[str]]:
    """Walk the dependency closure of ``roots`` for ``target`` over ``wheels`` as pip
    --no-index would pick them (highest compatible version). Returns the choice per project
    and what could not be satisfied, as requirement strings."""
    tags = target.tags()
    env = target.environment()
    rank = {tag: i for i, tag in enumerate(tags)}
    by_name: dict[str, list[Wheel]] = {}
    for w in wheels:
        by_name.setdefault(w.name, []).append(w)

    def usable(w: Wheel) -> bool:
        if not any(t in rank for t in w.tags):
            return False
        return not w.requires_python or SpecifierSet(w.requires_python).contains(env["python_full_version"], prereleases=True)

    chosen: dict[str, Wheel] = {}
    expanded: dict[str, set[str]] = {}  # extras whose requirements were queued, per project
    missing: list[str] = []
    queue: list[tuple[Requirement, str]] = [(Requirement(r), "") for r in roots]
    steps = 0
    while queue and steps < 100_000:  # bounded: each (project, extra) is expanded once
        steps += 1
        req, extra = queue.pop(0)
        if req.marker is not None and not req.marker.evaluate({**env, "extra": extra}):
            continue
        name = canonicalize_name(req.name)
        current = chosen.get(name)
        if current is None:
            candidates = [w for w in by_name.get(name, []) if usable(w) and req.specifier.contains(w.version)]
            if not candidates:
                missing.append(str(req))
                continue
            current = chosen[name] = max(candidates, key=lambda w: (w.version, -min(rank.get(t, 10**6) for t in w.tags)))
            expanded[name] = set()
            queue += [(Requirement(dep), "") for dep in current.requires]
        elif not req.specifier.contains(current.version, prereleases=True):
            missing.append(f"{req}（与已选的 {current.path.name} 冲突）")
        for ex in sorted(set(req.extras) - expanded[name]):
            expanded[name].add(ex)
            queue += [(Requirement(dep), ex) for dep in current.requires]
    return chosen, missing


# -- building --------------------------------------------------------------------------------------------
def clean_source(dest: Path) -> Path:
    """The files git tracks (as they are in the working tree), copied to ``dest``: the wheel
    then holds nothing untracked and no stale leftovers of an earlier in-tree build."""
    listed = run(["git", "-C", str(ROOT), "ls-files", "-z"]) if shutil.which("git") else None
    if listed is None or listed.returncode != 0:
        shutil.rmtree(ROOT / "build" / "lib", ignore_errors=True)  # a source tree without git
        return ROOT
    for rel in filter(None, listed.stdout.split("\0")):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def build_project_wheel(dest: Path, source: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    log("· 构建本项目的 wheel ……")
    out = run(pip("wheel", "--no-deps", "--quiet", "--wheel-dir", str(dest), str(source)))
    if out.returncode != 0:
        raise SystemExit(f"构建 wheel 失败：\n{out.stdout}\n{out.stderr}")
    found = sorted(dest.glob("fzzf_tui-*.whl"))
    if not found:
        raise SystemExit("构建 wheel 失败：没有生成 fzzf_tui-*.whl")
    return found[-1]


def download_target(target: Target, project_wheel: Path, work: Path) -> Path:
    """pip download for one target into its own folder, then fill in what pip's host-marker
    evaluation left out, a few rounds at most."""
    folder = work / "targets" / target.name
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    shutil.copy2(project_wheel, folder / project_wheel.name)
    base = pip("download", "--only-binary=:all:", "--dest", str(folder), *target.pip_args())
    out = run([*base, str(project_wheel), *EXTRA_REQUIREMENTS])
    if out.returncode != 0:
        target.pip_errors.append(_pip_error(out))
    roots = [f"{PROJECT}=={read_wheel(project_wheel).version}", *EXTRA_REQUIREMENTS]
    for _round in range(4):
        chosen, missing = resolve(target, load_wheels([folder]), roots)
        if not missing:
            break
        fetched = False
        for req in missing:
            if "冲突" in req:
                continue
            got = run([*base, "--no-deps", without_marker(req)])
            if got.returncode == 0:
                fetched = True
            else:
                target.pip_errors.append(_pip_error(got))
        if not fetched:
            break
    chosen, missing = resolve(target, load_wheels([folder]), roots)
    target.chosen = {name: w.path.name for name, w in sorted(chosen.items())}
    target.missing = missing
    target.seconds = time.monotonic() - started
    return folder


def without_marker(req: str) -> str:
    """The requirement as pip should fetch it for a target: the marker was already judged for
    the target by :func:`resolve`; left in, pip would judge it again for this machine and
    quietly skip e.g. ``tomli; python_version < "3.11"`` when building on 3.11."""
    parsed = Requirement(req)
    extras = f"[{','.join(sorted(parsed.extras))}]" if parsed.extras else ""
    return f"{parsed.name}{extras}{parsed.specifier}"


def _pip_error(out: subprocess.CompletedProcess) -> str:
    lines = [line.strip() for line in (out.stderr + out.stdout).splitlines() if "ERROR" in line]
    return " / ".join(lines[:3]) or f"pip 退出码 {out.returncode}"


def build_pure_pyyaml(version: str, work: Path) -> Path | None:
    """PyYAML without its C extension, as a py3-none-any wheel: pip prefers the compiled wheel
    of the same version where one matches, and takes this one anywhere else (LoongArch, an
    unlisted Python …). The checklist loader falls back to the pure SafeLoader by itself."""
    sdist_dir = work / "pyyaml-sdist"
    out_dir = work / "pyyaml-pure"
    for d in (sdist_dir, out_dir):
        d.mkdir(parents=True, exist_ok=True)
    got = run(pip("download", "--no-deps", "--no-binary=:all:", "--dest", str(sdist_dir), f"pyyaml=={version}"))
    sdists = sorted(sdist_dir.glob("*.tar.gz"))
    if got.returncode != 0 or not sdists:
        log(f"  ! 无法取得 PyYAML {version} 源码包：{_pip_error(got)}")
        return None
    env = {**os.environ, "PYYAML_FORCE_LIBYAML": "0"}
    built = run(pip("wheel", "--no-deps", "--quiet", "--wheel-dir", str(out_dir), str(sdists[-1])), env=env)
    wheels = sorted(out_dir.glob("*-none-any.whl"))
    if built.returncode != 0 or not wheels:
        log(f"  ! 无法构建纯 Python 的 PyYAML：{_pip_error(built)}")
        return None
    return wheels[-1]


ALLOWED_NAMES = ("PyYAML", "lxml")


def unexpected_compiled(wheels: Iterable[Wheel]) -> list[str]:
    """Projects that ship a platform-specific wheel but are not in :data:`ALLOWED_COMPILED`."""
    return sorted({w.name for w in wheels if not w.pure} - set(ALLOWED_COMPILED))


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def render_template(name: str, version: str, contents: str = "") -> str:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    return text.replace("@VERSION@", version).replace("@CONTENTS@", contents)


def contents_text(version: str, targets: list[Target], runtimes: list[Path], pure_yaml: bool) -> str:
    lines = [f"  程序版本：fzzf-tui {version}"]
    complete = [t for t in targets if not t.missing]
    incomplete = [t for t in targets if t.missing]
    lines.append("  完整支持（已含全部依赖）：")
    lines += [f"    · {t.title}" for t in complete] or ["    （无）"]
    if incomplete:
        lines.append("  不完整（缺少部分依赖，不能在这些环境安装）：")
        lines += [f"    · {t.title}：缺 {'、'.join(t.missing)}" for t in incomplete]
    lines.append("  含编译代码的依赖：")
    for name in ALLOWED_NAMES:
        why = ALLOWED_COMPILED[name.lower()]
        if name == "PyYAML" and not pure_yaml:
            why = "本包未附纯 Python 版，只有上列平台的编译版"
        lines.append(f"    · {name}：{why}")
    lines.append("  未列出的环境（如龙芯处理器、更新的 Python）：lxml 没有纯 Python 版，")
    lines.append("    本包不能在这些环境安装。")
    if runtimes:
        lines.append("  随附 Python：" + "、".join(p.name for p in runtimes))
    else:
        lines.append("  随附 Python：无（目标电脑需自备 Python 3.10 以上版本）")
    return "\n".join(lines)


def write_zip(kit_dir: Path, zip_path: Path) -> None:
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = zip_path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(kit_dir.rglob("*")):
            if path.is_dir():
                continue
            arcname = f"{kit_dir.name}/{path.relative_to(kit_dir).as_posix()}"
            info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if path.suffix == ".sh" else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.flag_bits |= 0x800  # names are UTF-8 (安装说明.txt)
            zf.writestr(info, path.read_bytes())
    os.replace(tmp, zip_path)


def build(args: argparse.Namespace) -> int:
    started = time.monotonic()
    out_dir = Path(args.out).resolve()
    work = ROOT / "build" / "offline-kit"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    project_wheel = build_project_wheel(work / "project", clean_source(work / "source"))
    version = str(read_wheel(project_wheel).version)

    if args.current:
        targets = [Target(None, f"{sys.version_info.major}.{sys.version_info.minor}")]
    else:
        plats = [PLATFORMS[p] for p in (args.platform or list(PLATFORMS))]
        targets = [Target(p, py) for p in plats for py in (args.python or DEFAULT_PYTHONS)]
    log(f"  用时 {time.monotonic() - started:.0f} s")
    log(f"· 下载 {len(targets)} 个目标环境的依赖 ……")
    with ThreadPoolExecutor(max_workers=min(args.jobs, len(targets))) as pool:
        folders = list(pool.map(lambda t: download_target(t, project_wheel, work), targets))
    for t in targets:
        state = "完整" if not t.missing else f"缺少 {', '.join(t.missing)}"
        log(f"  {t.name:<32} {t.seconds:5.1f} s  {state}")

    wheels = load_wheels(folders)
    compiled = unexpected_compiled(wheels)
    if compiled:
        for w in wheels:
            if w.name in compiled:
                log(f"  ! 编译过的 wheel：{w.path.name}")
        raise SystemExit(
            f"依赖中出现了 {'、'.join(ALLOWED_NAMES)} 以外需要编译的包："
            + ", ".join(compiled)
            + "。离线包只允许登记过的编译包；请换用纯 Python 的替代包，或在 ALLOWED_COMPILED 中登记并写明理由。"
        )

    pure_yaml: Path | None = None
    yaml_versions = sorted({w.version for w in wheels if w.name == "pyyaml"})
    if yaml_versions and not args.no_pure_yaml:
        log(f"· 构建纯 Python 的 PyYAML {yaml_versions[-1]}（其他平台的后备）……")
        t0 = time.monotonic()
        pure_yaml = build_pure_pyyaml(str(yaml_versions[-1]), work)
        log(f"  用时 {time.monotonic() - t0:.0f} s")

    kit_dir = work / f"fzzf-offline-{version}"
    wheel_dir = kit_dir / "wheels"
    wheel_dir.mkdir(parents=True)
    for w in wheels:
        shutil.copy2(w.path, wheel_dir / w.path.name)
    if pure_yaml:
        shutil.copy2(pure_yaml, wheel_dir / pure_yaml.name)
    runtimes = [Path(r).resolve() for r in args.runtime or []]
    if runtimes:
        (kit_dir / "python").mkdir()
        for r in runtimes:
            if not r.is_file():
                raise SystemExit(f"找不到随附的 Python：{r}")
            shutil.copy2(r, kit_dir / "python" / r.name)

    # Which targets get PyYAML only as pure Python (no compiled wheel of the version chosen).
    all_wheels = load_wheels([wheel_dir])
    roots = [f"{PROJECT}=={version}", *EXTRA_REQUIREMENTS]
    for t in targets:
        chosen, missing = resolve(t, all_wheels, roots)
        t.missing = missing
        t.chosen = {name: w.path.name for name, w in sorted(chosen.items())}

    (kit_dir / "install.sh").write_text(render_template("install.sh", version), encoding="utf-8", newline="\n")
    bat = render_template("install.bat", version).replace("\r\n", "\n").replace("\n", "\r\n")
    (kit_dir / "install.bat").write_bytes(bat.encode("gbk"))
    guide = render_template("安装说明.txt", version, contents_text(version, targets, runtimes, pure_yaml is not None))
    (kit_dir / "安装说明.txt").write_bytes(b"\xef\xbb\xbf" + guide.replace("\n", "\r\n").encode("utf-8"))
    (kit_dir / "LICENSE.txt").write_bytes((ROOT / "LICENSE").read_bytes())

    files = sorted(p for p in kit_dir.rglob("*") if p.is_file())
    manifest = {
        "name": PROJECT,
        "version": version,
        "built_with": {"python": platform.python_version(), "pip": _pip_version(), "machine": f"{platform.system()} {platform.machine()}"},
        "targets": [
            {
                "name": t.name,
                "title": t.title,
                "platform": t.platform.name if t.platform else "current",
                "python": t.python,
                "complete": not t.missing,
                "missing": t.missing,
                "pyyaml": _yaml_kind(t),
                "wheels": sorted(t.chosen.values()),
                "pip_errors": t.pip_errors,
            }
            for t in targets
        ],
        "pure_pyyaml_fallback": pure_yaml.name if pure_yaml else "",
        "runtimes": [r.name for r in runtimes],
        "files": {p.relative_to(kit_dir).as_posix(): sha256(p) for p in files},
    }
    (kit_dir / "kit.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    zip_path = out_dir / f"fzzf-offline-{version}.zip"
    write_zip(kit_dir, zip_path)

    size = zip_path.stat().st_size
    incomplete = [t for t in targets if t.missing]
    log(f"· 离线包：{zip_path}（{size / 1024 / 1024:.1f} MB，{len(list(wheel_dir.glob('*.whl')))} 个 wheel，"
        f"用时 {time.monotonic() - started:.0f} s）")
    for t in targets:
        log(f"  {'✓' if not t.missing else '✗'} {t.title}（PyYAML：{_yaml_kind(t)}）")
    if incomplete:
        log("以下目标环境缺少依赖，离线包对它们不完整：")
        for t in incomplete:
            log(f"  {t.name}: {'; '.join(t.missing)}")
            for err in t.pip_errors:
                log(f"    pip: {err}")
        log("请在能访问软件包索引的电脑上重新运行本工具（见 README“离线安装包”）。")
        return 0 if args.allow_missing else 1
    return 0


def _yaml_kind(t: Target) -> str:
    wheel = t.chosen.get("pyyaml", "")
    if not wheel:
        return "缺失"
    return "纯 Python" if wheel.endswith("-none-any.whl") else "编译版"


def _pip_version() -> str:
    out = run(pip("--version"))
    return out.stdout.split()[1] if out.returncode == 0 and len(out.stdout.split()) > 1 else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "dist"), help="where the zip goes (default: dist/)")
    parser.add_argument("--current", action="store_true", help="only this machine's platform and Python")
    parser.add_argument("--platform", action="append", choices=sorted(PLATFORMS), help="limit to these platforms (repeatable)")
    parser.add_argument("--python", action="append", help=f"limit to these Python versions (repeatable; default {', '.join(DEFAULT_PYTHONS)})")
    parser.add_argument("--runtime", action="append", help="a Python installer/archive to ship in python/ (repeatable)")
    parser.add_argument("--no-pure-yaml", action="store_true", help="do not add the pure-Python PyYAML fallback wheel")
    parser.add_argument("--allow-missing", action="store_true", help="exit 0 even when some targets are incomplete")
    parser.add_argument("--jobs", type=int, default=4, help="parallel pip downloads (default 4)")
    parser.add_argument("--check", metavar="ZIP", help="install this kit with no index/network and run a scripted inspection")
    parser.add_argument("--keep", action="store_true", help="with --check: keep the temporary install")
    args = parser.parse_args(argv)
    if args.check:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from offline_kit_check import check

        return check(Path(args.check), keep=args.keep)
    return build(args)


if __name__ == "__main__":
    sys.exit(main())
