"""`fzzf plugin new|check|build` on real folders; the generated package installed offline into
a fresh venv, its own tests run there, and a wheel handed to a "colleague" (issue #18)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from fzzf_tui.checklist import load_checklist_file
from fzzf_tui.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def new(runner: CliRunner, folder: Path, *args: str) -> Path:
    out = runner.invoke(cli, ["plugin", "new", *args, "--dir", str(folder)])
    assert out.exit_code == 0, out.output
    return folder


# -- plugin new -------------------------------------------------------------------------------
def test_new_writes_an_installable_package(runner: CliRunner, tmp_path: Path) -> None:
    folder = new(runner, tmp_path / "p", "anjuan-2027", "--title", "行政执法案卷评查", "--type", "案卷评查")
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert files == [
        ".gitignore", "README.md", "fzzf_anjuan_2027/__init__.py", "fzzf_anjuan_2027/checklists/anjuan-2027.yaml",
        "pyproject.toml", "tests/conftest.py", "tests/test_plugin.py",
    ]
    pyproject = (folder / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "fzzf-anjuan-2027"' in pyproject
    assert '[project.entry-points.fzzf_tui]\nanjuan-2027 = "fzzf_anjuan_2027"' in pyproject
    checklist = load_checklist_file(folder / "fzzf_anjuan_2027/checklists/anjuan-2027.yaml")
    assert (checklist.id, checklist.title, checklist.type) == ("anjuan-2027", "行政执法案卷评查", "案卷评查")
    assert {i.kind for i in checklist.items} == {"normal", "bonus", "penalty"}
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "pip install --no-index fzzf_anjuan_2027-0.1.0-py3-none-any.whl" in readme and "打包给同事" in readme
    module = (folder / "fzzf_anjuan_2027/__init__.py").read_text(encoding="utf-8")
    assert "register_checklists" in module and "register_export_formats" not in module
    compile(module, "module", "exec")
    compile((folder / "tests/test_plugin.py").read_text(encoding="utf-8"), "test", "exec")


def test_new_with_exporter_and_refusals(runner: CliRunner, tmp_path: Path) -> None:
    folder = new(runner, tmp_path / "e", "with-export", "--exporter")
    module = (folder / "fzzf_with_export/__init__.py").read_text(encoding="utf-8")
    assert 'register("with-export-csv"' in module
    assert "def test_csv_export" in (folder / "tests/test_plugin.py").read_text(encoding="utf-8")
    again = runner.invoke(cli, ["plugin", "new", "with-export", "--dir", str(folder)])
    assert again.exit_code == 1 and "已存在且不是空的" in again.output
    bad = runner.invoke(cli, ["plugin", "new", "案卷评查", "--dir", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "插件名“案卷评查”不合适" in bad.output and not (tmp_path / "x").exists()


def test_new_from_a_yaml_checklist_keeps_the_file(runner: CliRunner, tmp_path: Path) -> None:
    src = Path(__file__).resolve().parents[2] / "fzzf_tui/default_plugins/checklists/special_2008.yaml"
    folder = new(runner, tmp_path / "y", "special-copy", "--from-checklist", str(src))
    copied = folder / "fzzf_special_copy/checklists/special-2008.yaml"
    assert copied.read_text(encoding="utf-8") == src.read_text(encoding="utf-8")
    assert 'CHECKLIST = "special-2008"' in (folder / "tests/test_plugin.py").read_text(encoding="utf-8")


def test_new_from_a_broken_yaml_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "bad.yaml"
    src.write_text("format: fzzf-checklist/1\nid: bad\ntitle: t\ntype: x\nversion: '1'\nitems:\n  - code: '1'\n", encoding="utf-8")
    out = runner.invoke(cli, ["plugin", "new", "bad", "--from-checklist", str(src), "--dir", str(tmp_path / "b")])
    assert out.exit_code == 1 and f"{src}:7" in out.output and "缺少标题" in out.output
    assert not (tmp_path / "b").exists()


def test_new_from_an_excel_table(runner: CliRunner, tmp_path: Path) -> None:
    table = tmp_path / "指标表.xlsx"
    out = runner.invoke(cli, ["export-checklist", "special-2008", "-o", str(table)])
    assert out.exit_code == 0, out.output
    folder = new(runner, tmp_path / "x", "from-excel", "--from-checklist", str(table))
    yaml_files = list((folder / "fzzf_from_excel/checklists").glob("*.yaml"))
    assert len(yaml_files) == 1
    from fzzf_tui.plugins import get_plugins

    assert load_checklist_file(yaml_files[0]).content_hash == get_plugins().get_checklist("special-2008").content_hash


def test_new_from_a_docx_goes_through_the_table_import(runner: CliRunner, tmp_path: Path) -> None:
    """.docx tables go to the common table import; until it reads Word files, the refusal is a
    clear message, never a traceback, and nothing is written."""
    doc = tmp_path / "指标.docx"
    with zipfile.ZipFile(doc, "w") as zf:
        zf.writestr("word/document.xml", "<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'/>")
    out = runner.invoke(cli, ["plugin", "new", "word", "--from-checklist", str(doc), "--dir", str(tmp_path / "w")])
    if out.exit_code == 0:  # the table import reads Word documents
        assert (tmp_path / "w/pyproject.toml").is_file()
    else:
        assert out.exit_code == 1 and "错误：" in out.output and "Traceback" not in out.output, out.output
        assert not (tmp_path / "w").exists()


# -- plugin check --------------------------------------------------------------------------------
BROKEN_EDITS = [
    # (what to replace in the generated YAML, replacement, what the check must say)
    ("        title: 制定年度工作计划并按时报送\n", "", "指标 1.1 缺少标题 title"),
    ("        points: 30\n        criteria: 按审核率分档评分", "        points: 三十\n        criteria: 按审核率分档评分", "points"),
    ("        method: points\n", "        method: magic\n", "评分方法“magic”未知"),
    ('      - code: "2.2"', '      - code: "2.1"', "指标编号“2.1”重复"),
    ("    title: 执法规范\n    points: 60", "    title: 执法规范\n    points: 70", "指标 2 的分值 70 与下级分值之和 60 不符"),
]


def test_check_names_each_problem_of_a_broken_generated_checklist(runner: CliRunner, tmp_path: Path) -> None:
    folder = new(runner, tmp_path / "p", "broken")
    path = folder / "fzzf_broken/checklists/broken.yaml"
    text = path.read_text(encoding="utf-8")
    for old, replacement, _ in BROKEN_EDITS:
        assert old in text, old
        text = text.replace(old, replacement, 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()

    out = runner.invoke(cli, ["plugin", "check", str(folder)])
    assert out.exit_code == 1, out.output
    errors = [line for line in out.output.splitlines() if line.startswith("✗")]
    for _, _, message in BROKEN_EDITS:
        hits = [e for e in errors if message in e]
        assert hits, (message, out.output)
        # each names the file and the line of the item it is about
        where = re.search(rf"{re.escape(str(path))}:(\d+)", hits[0])
        assert where, hits[0]
        assert 1 <= int(where.group(1)) <= len(lines)
    assert "结果：不通过" in out.output
    data = json.loads(runner.invoke(cli, ["plugin", "check", str(folder), "--json"]).output)
    assert not data["ok"] and len(data["errors"]) >= len(BROKEN_EDITS)


def test_check_a_good_generated_plugin_and_a_checklist_file(runner: CliRunner, tmp_path: Path) -> None:
    folder = new(runner, tmp_path / "p", "good-one")
    out = runner.invoke(cli, ["plugin", "check", str(folder)])
    assert out.exit_code == 0, out.output
    assert "✓ 清单 good-one" in out.output and "全部达到 105 分（优秀）" in out.output
    assert "减分项全部发生 85 分" in out.output and "重新打开一致" in out.output
    out = runner.invoke(cli, ["plugin", "check", str(folder / "fzzf_good_one/checklists/good-one.yaml"), "--quick"])
    assert out.exit_code == 0, out.output
    assert "✓ 清单 good-one" in out.output and "重新打开" not in out.output  # --quick: no whole inspection


def test_check_a_plugin_file_with_warnings_and_a_builtin_by_name(runner: CliRunner, tmp_path: Path) -> None:
    plugin = tmp_path / "typo.py"
    plugin.write_text("from fzzf_tui import hookimpl\n\n@hookimpl\ndef register_checklist(register):\n    pass\n", encoding="utf-8")
    out = runner.invoke(cli, ["plugin", "check", str(plugin)])
    assert out.exit_code == 0 and "! 警告 插件 typo: 未知的钩子 register_checklist" in out.output, out.output
    assert runner.invoke(cli, ["plugin", "check", str(plugin), "--strict"]).exit_code == 1
    out = runner.invoke(cli, ["plugin", "check", "fzzf_tui.default_plugins.builtin_checklists", "--quick"])
    assert out.exit_code == 0, out.output
    assert out.output.count("✓ 清单") == 3
    out = runner.invoke(cli, ["plugin", "check", "no-such-plugin"])
    assert out.exit_code == 1 and "没有名为 no-such-plugin 的插件" in out.output


# -- installed offline: the generated tests pass, fzzf sees the checklist ------------------------------
def make_venv(where: Path) -> Path:
    """A venv made with --system-site-packages that also sees this test's own environment
    (fzzf-tui, pytest, pip, setuptools), so nothing needs the network."""
    from fzzf_tui.plugin_kit.build import build_backend_problem

    problem = build_backend_problem()
    if problem:  # an environment installed before the test extras asked for setuptools>=70.1
        pytest.fail(f"{problem}\n(re-run: pip install -e \".[test]\")")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(where)], check=True)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    Path(purelib, "_fzzf_test_env.pth").write_text(f"import site; site.addsitedir({ours!r})\n", encoding="utf-8")
    return python


def run(python: Path, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    full_env.pop("PYTHONPATH", None)
    return subprocess.run([str(python), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          env=full_env, timeout=120)


def test_generated_plugin_installs_offline_and_its_tests_pass(runner: CliRunner, tmp_path: Path) -> None:
    start = time.monotonic()
    folder = new(runner, tmp_path / "src", "offline-2027", "--exporter")
    python = make_venv(tmp_path / "venv")
    install = run(python, "-m", "pip", "install", "--no-index", "--no-deps", "--no-build-isolation", "-q", str(folder))
    assert install.returncode == 0, install.stdout + install.stderr
    # the generated tests, in the venv, from the plugin folder; plugin autoload off: the
    # generated conftest must bring the fzzf fixtures itself
    tests = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=folder,
                env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert re.search(r"\b7 passed\b", tests.stdout), tests.stdout
    listed = run(python, "-m", "fzzf_tui.cli", "checklists", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {r["id"]: r for r in json.loads(listed.stdout)["checklists"]}
    assert rows["offline-2027"]["plugin"] == "offline-2027"
    assert json.loads(listed.stdout)["errors"] == []
    assert time.monotonic() - start < 60


def test_build_a_wheel_for_a_colleague(runner: CliRunner, tmp_path: Path) -> None:
    folder = new(runner, tmp_path / "src", "colleague")
    pyproject = folder / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('version = "0.1.0"', 'version = "0.2.0"'), encoding="utf-8")
    out = runner.invoke(cli, ["plugin", "build", str(folder), "--json"])
    assert out.exit_code == 0, out.output
    built = json.loads(out.output)
    wheel = Path(built["wheel"])
    assert wheel.name == "fzzf_colleague-0.2.0-py3-none-any.whl" and wheel.parent == folder / "dist"
    with zipfile.ZipFile(wheel) as zf:
        assert "fzzf_colleague/checklists/colleague.yaml" in zf.namelist()

    # the colleague's laptop: only the wheel file, no network
    python = make_venv(tmp_path / "laptop")
    install = run(python, "-m", "pip", "install", "--no-index", "--no-deps", "-q", str(wheel))
    assert install.returncode == 0, install.stdout + install.stderr
    home = tmp_path / "home"
    env = {"FZZF_HOME": str(home), "FZZF_PLUGINS_DIR": "", "FZZF_CHECKLISTS_DIR": ""}
    plugins = json.loads(run(python, "-m", "fzzf_tui.cli", "plugins", "--json", env=env).stdout)
    row = next(r for r in plugins if r["name"] == "colleague")
    assert (row["version"], row["distribution"], row["kind"]) == ("0.2.0", "fzzf-colleague", "entrypoint")
    made = run(python, "-m", "fzzf_tui.cli", "new", "--checklist", "colleague", "--unit", "某局", "--json", env=env)
    assert made.returncode == 0, made.stderr
    exported = run(python, "-m", "fzzf_tui.cli", "export", json.loads(made.stdout)["id"], "-o", str(tmp_path / "out.xlsx"), env=env)
    assert exported.returncode == 0, exported.stderr
    info = {r[0]: r[1] for r in load_workbook(tmp_path / "out.xlsx")["检查信息"].iter_rows(values_only=True) if r and r[0]}
    assert info["清单来源"] == "fzzf-colleague 0.2.0"


def test_build_refuses_a_plugin_that_fails_its_check(runner: CliRunner, tmp_path: Path) -> None:
    folder = new(runner, tmp_path / "src", "refused")
    path = folder / "fzzf_refused/checklists/refused.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("method: points", "method: magic"), encoding="utf-8")
    out = runner.invoke(cli, ["plugin", "build", str(folder)])
    assert out.exit_code == 1 and "未打包" in out.output and "magic" in out.output
    assert not (folder / "dist").exists()
