"""``python tools/offline_kit.py --check ZIP``: install a kit as a user would, with no package
index (and no network at all where a network namespace can be made), then use it: ``fzzf
--version``, ``checklists``, ``doctor``, a scripted new → score → export, and a Word table
imported (python-docx on the compiled lxml that the kit carries)."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any


# Run inside the installed kit: a published-style Word scoring table written with python-docx.
DOCX_TABLE = """
import sys, docx
doc = docx.Document()
doc.add_paragraph("安全生产执法专项督察评分表")
rows = [["督察事项", "督察标准", "分值"], ["一、执法检查（10分）", "", ""],
        ["制定年度执法计划", "未制定的扣4分；未报备的扣2分", "6分"],
        ["现场检查记录", "每份不规范扣0.5分，扣完为止", "4分"]]
table = doc.add_table(rows=len(rows), cols=3)
for r, row in enumerate(rows):
    for c, text in enumerate(row):
        table.cell(r, c).text = text
table.cell(1, 0).merge(table.cell(1, 2))
doc.save(sys.argv[1])
"""


def log(message: str) -> None:
    print(message, flush=True)


def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace", **kwargs)


def _no_network_prefix() -> list[str]:
    """``unshare`` into a new network namespace (root, or an unprivileged user namespace),
    so the install provably cannot reach any network; empty when the system does not allow it."""
    if sys.platform != "linux" or not shutil.which("unshare"):
        return []
    for prefix in (["unshare", "--net"], ["unshare", "--user", "--map-root-user", "--net"]):
        try:
            if run([*prefix, "true"], timeout=30).returncode == 0:
                return prefix
        except (OSError, subprocess.SubprocessError):
            continue
    return []


def check(zip_path: Path, keep: bool = False) -> int:
    """Install the kit as a user would, with no index and no network, and use it."""
    started = time.monotonic()
    temp = Path(tempfile.mkdtemp(prefix="fzzf-kit-check-"))
    try:
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(temp / "kit")
        kit_dir = next((temp / "kit").iterdir())
        manifest = json.loads((kit_dir / "kit.json").read_text(encoding="utf-8"))
        target_dir = temp / "安装 目录"  # a space and CJK in the path, as on real machines
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV", "PYTHON"))}
        env.update({"FZZF_NO_SHORTCUTS": "1", "FZZF_NO_PAUSE": "1", "PYTHON": sys.executable if not _is_venv() else _base_python()})
        # Any attempt to reach an index would fail loudly rather than quietly succeed.
        env.update({"PIP_INDEX_URL": "http://127.0.0.1:9/simple", "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"})
        prefix = _no_network_prefix()
        if sys.platform == "win32":
            cmd = ["cmd", "/c", str(kit_dir / "install.bat"), str(target_dir)]
            fzzf = target_dir / "venv" / "Scripts" / "fzzf.exe"
            vpython = target_dir / "venv" / "Scripts" / "python.exe"
        else:
            cmd = [*prefix, "sh", str(kit_dir / "install.sh"), str(target_dir)]
            fzzf = target_dir / "venv" / "bin" / "fzzf"
            vpython = target_dir / "venv" / "bin" / "python"
        log(f"· 安装（{'无网络命名空间' if prefix else '仅 --no-index，系统不允许新建网络命名空间'}）：{' '.join(cmd)}")
        t0 = time.monotonic()
        out = run(cmd, env=env, timeout=600)
        log(out.stdout.rstrip())
        if out.returncode != 0:
            log(out.stderr)
            raise SystemExit(f"安装脚本失败，退出码 {out.returncode}")
        log(f"  安装用时 {time.monotonic() - t0:.1f} s")

        data = temp / "数据"
        work = temp / "工作目录"
        work.mkdir()
        use_env = {**env, "FZZF_HOME": str(data), "FZZF_USER": "离线检查", "FZZF_EXPORT_DIR": str(work / "exports")}

        def fzzf_run(*argv: str) -> str:
            res = run([*prefix, str(fzzf), *argv], env=use_env, cwd=work, timeout=300)
            if res.returncode != 0:
                raise SystemExit(f"fzzf {' '.join(argv)} 失败（{res.returncode}）：\n{res.stdout}\n{res.stderr}")
            return res.stdout

        version = manifest["version"]
        shown = fzzf_run("--version")
        assert shown.startswith(f"fzzf {version}"), shown
        assert "special-2008" in shown and "版本 2008" in shown, shown
        listed = fzzf_run("checklists")
        assert all(cid in listed for cid in ("demonstration-2020", "annual-2019", "special-2008")), listed
        report = json.loads(fzzf_run("doctor", "--json"))
        assert report["program"]["install"] == "wheel", report["program"]
        assert report["problems"] == [], report["problems"]
        assert report["program"]["docs"], "docs missing from the installed wheel"
        created = json.loads(fzzf_run("new", "--checklist", "special-2008", "--unit", "离线安装测试单位", "--inspector", "王强", "--json"))
        fzzf_run("score", created["id"], "1.1", "2", "--note", "两处未审查")
        fzzf_run("na", created["id"], "1.2", "--reason", "无重大决策")
        fzzf_run("finding", "add", created["id"], "--item", "1.1", "--text", "决策未经合法性审查", "--due", "2026-12-31")
        xlsx = work / "检查结果.xlsx"
        fzzf_run("export", created["id"], "-o", str(xlsx))
        shown = json.loads(fzzf_run("show", created["id"], "--json"))
        assert shown["score"]["scored"] == 2, shown["score"]
        probe = run([str(vpython), "-c", (
            "import sys, openpyxl, yaml\n"
            "wb = openpyxl.load_workbook(sys.argv[1])\n"
            "print('|'.join(wb.sheetnames)); print(bool(yaml.__with_libyaml__))\n"
        ), str(xlsx)], timeout=120)
        sheets, libyaml = probe.stdout.strip().splitlines()
        assert "评分汇总" in sheets and "整改清单" in sheets, sheets
        here = f"{sys.version_info.major}.{sys.version_info.minor}"
        current = next((t for t in manifest["targets"] if t["python"] == here and t["platform"] in ("current", _platform_here())), None)
        if current is not None and current["pyyaml"] == "编译版":
            assert libyaml == "True", "pip chose the pure PyYAML although a compiled wheel was in the kit"
        # A Word scoring table: python-docx on the kit's compiled lxml, read by import-checklist.
        table = work / "督察评分表.docx"
        made = run([str(vpython), "-c", DOCX_TABLE, str(table)], timeout=120)
        if made.returncode != 0:
            raise SystemExit(f"python-docx/lxml 不能使用：\n{made.stdout}\n{made.stderr}")
        preview = json.loads(fzzf_run("import-checklist", str(table), "--check", "--json"))
        assert preview["ok"] and preview["type"] == "专项督察" and preview["leaves"] == 2, preview
        assert [(i["code"], i["points"], i["method"]) for i in preview["tree"]] == [
            ("1", 10.0, ""), ("1.1", 6.0, "itemized"), ("1.2", 4.0, "deduction")], preview["tree"]
        log(f"· 检查通过：--version、checklists、doctor、new → score → na → finding → export（工作表 {sheets}）；"
            f"Word 评分表导入预览；PyYAML C 加速 {libyaml}；共 {time.monotonic() - started:.1f} s")
        return 0
    finally:
        if keep:
            log(f"  保留在 {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)


def _platform_here() -> str:
    machine = platform.machine().lower()
    if sys.platform == "win32" and machine in ("amd64", "x86_64"):
        return "win_amd64"
    if sys.platform.startswith("linux") and machine in ("x86_64", "aarch64"):
        return f"manylinux_{machine}"
    return ""


def _is_venv() -> bool:
    return sys.prefix != getattr(sys, "base_prefix", sys.prefix)


def _base_python() -> str:
    """The interpreter behind the current venv, so the check's venv is not nested in ours."""
    name = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidate = Path(sys.base_prefix) / ("python.exe" if sys.platform == "win32" else f"bin/{name}")
    return str(candidate) if candidate.exists() else sys.executable
