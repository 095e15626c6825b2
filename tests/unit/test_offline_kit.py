"""tools/offline_kit.py: per-target dependency closure, the scripts it ships, the zip it writes.

The real build and a no-network install of it run in .ci/run (`--current` then `--check`);
these tests cover the logic that decides what a kit holds for machines we cannot run here.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def kit():
    spec = importlib.util.spec_from_file_location("offline_kit", ROOT / "tools" / "offline_kit.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["offline_kit"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("offline_kit", None)


def make_wheel(folder: Path, filename: str, requires: list[str] = (), requires_python: str = "") -> Path:
    name, version = filename.split("-")[:2]
    path = folder / filename
    meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        meta.append(f"Requires-Python: {requires_python}")
    meta += [f"Requires-Dist: {r}" for r in requires]
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}-{version}.dist-info/METADATA", "\n".join(meta) + "\n")
    return path


@pytest.fixture
def wheelhouse(tmp_path: Path) -> Path:
    d = tmp_path / "wheels"
    d.mkdir()
    make_wheel(d, "app-1.0-py3-none-any.whl", [
        "lib>=2", "fancy[links]", "winonly; sys_platform == 'win32'", "old311; python_version < '3.11'",
    ], requires_python=">=3.10")
    make_wheel(d, "lib-2.0-py3-none-any.whl")
    make_wheel(d, "lib-3.0-py3-none-any.whl", requires_python=">=3.12")
    make_wheel(d, "fancy-1.0-py3-none-any.whl", ["linker; extra == 'links'", "unused; extra == 'other'"])
    make_wheel(d, "linker-1.0-py3-none-any.whl")
    make_wheel(d, "old311-1.0-py3-none-any.whl")
    make_wheel(d, "pyyaml-6.0-cp310-cp310-win_amd64.whl")
    make_wheel(d, "pyyaml-6.0-py3-none-any.whl")
    return d


def choose(kit, wheelhouse: Path, platform: str, python: str, roots=("app==1.0",)):
    target = kit.Target(kit.PLATFORMS[platform], python)
    chosen, missing = kit.resolve(target, kit.load_wheels([wheelhouse]), list(roots))
    return {k: w.path.name for k, w in chosen.items()}, missing


def test_markers_are_evaluated_for_the_target_not_the_build_machine(kit, wheelhouse: Path) -> None:
    chosen, missing = choose(kit, wheelhouse, "win_amd64", "3.10")
    assert missing == ["winonly; sys_platform == \"win32\""]  # pip on Linux would never fetch it
    chosen, missing = choose(kit, wheelhouse, "manylinux_x86_64", "3.10")
    assert missing == [] and "winonly" not in chosen
    assert "old311" in chosen
    chosen, _ = choose(kit, wheelhouse, "manylinux_x86_64", "3.12")
    assert "old311" not in chosen


def test_extras_pull_in_their_requirements_only(kit, wheelhouse: Path) -> None:
    chosen, _ = choose(kit, wheelhouse, "manylinux_x86_64", "3.11")
    assert "linker" in chosen and "unused" not in chosen


def test_requires_python_picks_the_version_each_python_can_use(kit, wheelhouse: Path) -> None:
    assert choose(kit, wheelhouse, "manylinux_x86_64", "3.11")[0]["lib"] == "lib-2.0-py3-none-any.whl"
    assert choose(kit, wheelhouse, "manylinux_x86_64", "3.12")[0]["lib"] == "lib-3.0-py3-none-any.whl"


def test_compiled_wheel_wins_where_it_fits_and_the_pure_one_elsewhere(kit, wheelhouse: Path) -> None:
    roots = ("pyyaml",)
    assert choose(kit, wheelhouse, "win_amd64", "3.10", roots)[0]["pyyaml"].endswith("win_amd64.whl")
    assert choose(kit, wheelhouse, "win_amd64", "3.13", roots)[0]["pyyaml"].endswith("none-any.whl")
    assert choose(kit, wheelhouse, "manylinux_aarch64", "3.10", roots)[0]["pyyaml"].endswith("none-any.whl")
    (wheelhouse / "pyyaml-6.0-py3-none-any.whl").unlink()
    assert choose(kit, wheelhouse, "manylinux_aarch64", "3.10", roots)[1] == ["pyyaml"]


def test_manylinux_targets_accept_glibc_2_17_wheels_but_not_newer(kit, tmp_path: Path) -> None:
    d = tmp_path / "w"
    d.mkdir()
    make_wheel(d, "pyyaml-6.0-cp311-cp311-manylinux2014_aarch64.manylinux_2_17_aarch64.whl")
    make_wheel(d, "other-1.0-cp311-cp311-manylinux_2_34_aarch64.whl")
    chosen, missing = choose(kit, d, "manylinux_aarch64", "3.11", ("pyyaml", "other"))
    assert "pyyaml" in chosen and missing == ["other"]


def test_install_scripts_are_valid_and_encoded_for_their_systems(kit, tmp_path: Path) -> None:
    sh = kit.render_template("install.sh", "9.9.9")
    assert '"fzzf-tui==$VERSION"' in sh and 'VERSION="9.9.9"' in sh and "--no-index" in sh
    script = tmp_path / "install.sh"
    script.write_text(sh, encoding="utf-8")
    for shell in ("sh", "bash", "dash"):
        if shutil.which(shell):
            assert subprocess.run([shell, "-n", str(script)]).returncode == 0, shell
    bat = kit.render_template("install.bat", "9.9.9")
    bat.encode("gbk")  # cmd.exe on a Chinese Windows reads batch files in code page 936
    assert "--no-index" in bat and "fzzf-tui==%VERSION%" in bat and "@VERSION@" not in bat
    guide = kit.render_template("安装说明.txt", "9.9.9", "  本包内容……")
    assert "@" not in guide.replace("@echo", "") and "3.10" in guide and "统信UOS" in guide


def test_install_sh_refuses_a_folder_it_did_not_make(kit, tmp_path: Path) -> None:
    kit_dir = tmp_path / "kit"
    (kit_dir / "wheels").mkdir(parents=True)
    (kit_dir / "install.sh").write_text(kit.render_template("install.sh", "9.9.9"), encoding="utf-8")
    target = tmp_path / "home"
    target.mkdir()
    (target / "论文.docx").write_bytes(b"precious")
    out = subprocess.run(["sh", str(kit_dir / "install.sh"), str(target)], capture_output=True, text=True)
    assert out.returncode == 1 and "已有其他文件" in out.stderr
    assert (target / "论文.docx").read_bytes() == b"precious" and not (target / ".fzzf-kit").exists()


def test_zip_keeps_the_script_executable_and_names_in_utf8(kit, tmp_path: Path) -> None:
    kit_dir = tmp_path / "fzzf-offline-9.9.9"
    (kit_dir / "wheels").mkdir(parents=True)
    (kit_dir / "install.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    (kit_dir / "安装说明.txt").write_text("说明", encoding="utf-8")
    out = tmp_path / "dist" / "kit.zip"
    kit.write_zip(kit_dir, out)
    with zipfile.ZipFile(out) as zf:
        infos = {i.filename: i for i in zf.infolist()}
    assert "fzzf-offline-9.9.9/安装说明.txt" in infos
    assert (infos["fzzf-offline-9.9.9/install.sh"].external_attr >> 16) & 0o111


def test_only_registered_packages_may_be_compiled(kit, tmp_path: Path) -> None:
    d = tmp_path / "w"
    d.mkdir()
    make_wheel(d, "pyyaml-6.0-cp311-cp311-win_amd64.whl")
    make_wheel(d, "lxml-6.1.3-cp311-cp311-win_amd64.whl")
    make_wheel(d, "docx-1.0-py3-none-any.whl")
    assert kit.unexpected_compiled(kit.load_wheels([d])) == []
    make_wheel(d, "fastthing-1.0-cp311-cp311-manylinux2014_x86_64.whl")
    assert kit.unexpected_compiled(kit.load_wheels([d])) == ["fastthing"]
    assert set(kit.ALLOWED_COMPILED) == {n.lower() for n in kit.ALLOWED_NAMES}


def _runtime_closure() -> dict[str, str]:
    """Installed runtime dependencies of fzzf-tui (transitively, as installed here), with the
    tags their wheels were installed under."""
    import importlib.metadata as md
    import re

    seen: dict[str, str] = {}
    queue = ["fzzf-tui"]
    while queue:
        name = queue.pop()
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue  # excluded by a marker on this machine
        key = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        if key in seen:
            continue
        seen[key] = " ".join(l[5:] for l in (dist.read_text("WHEEL") or "").splitlines() if l.startswith("Tag: "))
        for req in dist.requires or []:
            if "extra ==" in req:
                continue
            queue.append(re.match(r"[A-Za-z0-9._-]+", req).group())
    seen.pop("fzzf-tui")
    return seen


def test_the_real_dependency_set_has_no_unregistered_compiled_package(kit) -> None:
    """The kit refuses to build when a runtime dependency is compiled and not registered; this
    catches it at test time (python-docx brought lxml in, and the CI kit build broke)."""
    closure = _runtime_closure()
    assert {"python-docx", "lxml", "openpyxl", "textual"} <= set(closure)
    compiled = {name for name, tags in closure.items() if tags and not all(t.endswith("-none-any") for t in tags.split())}
    assert "lxml" in compiled
    assert compiled <= set(kit.ALLOWED_COMPILED), compiled - set(kit.ALLOWED_COMPILED)


def test_contents_text_names_the_compiled_packages_and_what_cannot_install(kit) -> None:
    target = kit.Target(kit.PLATFORMS["win_amd64"], "3.12")
    text = kit.contents_text("9.9.9", [target], [], pure_yaml=True)
    assert "lxml" in text and "PyYAML" in text and "不能在这些环境安装" in text
    assert "其余依赖都是纯 Python" not in text


def test_a_dependency_for_an_older_python_is_fetched_without_its_marker(kit, tmp_path: Path, monkeypatch) -> None:
    """Building on 3.11 for 3.10: pip's own resolution skips ``tomli; python_version < "3.11"``
    (it judges markers for the build machine), and so did the refetch while the marker stayed in
    the requirement: every 3.10 target lacked tomli."""
    assert kit.without_marker('tomli>=1.1; python_version < "3.11"') == "tomli>=1.1"
    assert kit.without_marker("fancy[links,b] >=1,<3 ; sys_platform == 'win32'") == "fancy[b,links]<3,>=1"
    (tmp_path / "project").mkdir()
    project = make_wheel(tmp_path / "project", "fzzf_tui-9.9.9-py3-none-any.whl", ['tomli>=1.1; python_version < "3.11"'])
    commands: list[list[str]] = []

    def fake_run(cmd, **kwargs):
        commands.append(cmd)
        if "--no-deps" in cmd and cmd[-1] == "tomli>=1.1":  # what pip does with a marker-free name
            make_wheel(Path(cmd[cmd.index("--dest") + 1]), "tomli-2.0-py3-none-any.whl")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(kit, "run", fake_run)
    monkeypatch.setattr(kit, "PROJECT", "fzzf-tui")
    monkeypatch.setattr(kit, "EXTRA_REQUIREMENTS", ())
    target = kit.Target(kit.PLATFORMS["win_amd64"], "3.10")
    kit.download_target(target, project, tmp_path / "work")
    assert target.missing == [] and "tomli" in target.chosen, (target.missing, commands)
    assert not any(";" in part for cmd in commands for part in cmd)
