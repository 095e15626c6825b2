"""`fzzf doctor`: one screen describing this installation, for a colleague to photograph and send.

:func:`collect` gathers plain data (also the ``--json`` output); :func:`render` lays it out as
text lines. Nothing here changes the data dir: write access is probed with a temporary file
that is removed at once, and lock states come from :func:`inspection.lock.lock_state`.
Plugin rows and errors come from the plugin manager's own reports, not a second loader.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import locale
import os
import platform
import re
import shutil
import sys
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

from . import __version__, locations

DIST_NAME = "fzzf-tui"
# The UI is laid out and tested at 100×32; 80×24 still works, smaller cuts content off.
GOOD_SIZE = (100, 32)
MIN_SIZE = (80, 24)
FREE_WARN = 500 * 1024**2  # evidence files (photos, scans) need room
FREE_ERROR = 50 * 1024**2
RULER_WIDTH = 20

OK, WARN, ERROR = "正常", "注意", "错误"
COLOUR_NAMES = {"truecolor": "真彩色", "256": "256 色", "standard": "16 色", "windows": "16 色（旧控制台）", "none": "无"}


# -- small helpers -------------------------------------------------------------------------
def cell_width(text: str) -> int:
    """Columns a terminal that follows Unicode (ambiguous = narrow) gives ``text``: the
    width the UI assumes when it lays out tables."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def human_bytes(n: int | None) -> str:
    if n is None:
        return "未知"
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} 字节"


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split("."):
        m = re.match(r"\d+", piece)
        if not m:
            break
        parts.append(int(m.group()))
    return tuple(parts)


def _installed(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


# -- program and Python ------------------------------------------------------------------------
def _install_kind() -> str:
    try:
        dist = importlib.metadata.distribution(DIST_NAME)
    except importlib.metadata.PackageNotFoundError:
        return "source"  # running from a checkout without installing
    try:
        direct = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        direct = {}
    if isinstance(direct, dict) and (direct.get("dir_info") or {}).get("editable"):
        return "editable"
    return "wheel"


def docs_dir() -> Path | None:
    """The plugin guide and format docs: inside the package when installed from the wheel,
    ``docs/`` beside the package in a source checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "docs", package.parent / "docs"):
        if (candidate / "plugins.md").is_file():
            return candidate
    return None


def _os_text() -> str:
    name = f"{platform.system()} {platform.release()}".strip()
    pretty = ""
    if sys.platform.startswith("linux"):
        try:
            pretty = platform.freedesktop_os_release().get("PRETTY_NAME", "")
        except OSError:
            pretty = ""
    elif sys.platform == "win32":
        pretty = f"Windows {platform.version()}"
    return f"{name}（{pretty}）" if pretty else name


def program_info() -> dict[str, Any]:
    kind = _install_kind()
    docs = docs_dir()
    return {
        "version": __version__,
        "install": kind,
        "install_text": {"wheel": "安装包（wheel）", "editable": "源码（可编辑安装）", "source": "源码目录（未安装）"}[kind],
        "location": str(Path(__file__).resolve().parent),
        "docs": str(docs) if docs else "",
    }


def python_info() -> dict[str, Any]:
    return {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "bits": 64 if sys.maxsize > 2**32 else 32,
        "executable": sys.executable,
        "machine": platform.machine(),
        "os": _os_text(),
        "venv": sys.prefix != getattr(sys, "base_prefix", sys.prefix),
    }


def dependencies() -> dict[str, Any]:
    """The declared runtime dependencies with installed versions, and what they pulled in."""
    try:
        requires = importlib.metadata.requires(DIST_NAME) or []
    except importlib.metadata.PackageNotFoundError:
        requires = []
    direct = []
    for req in requires:
        marker = req.split(";", 1)[1].strip() if ";" in req else ""
        if "extra" in marker:
            continue  # test extras are not needed to run
        if marker and not _marker_applies(marker, req):
            continue  # e.g. tomli only below Python 3.11
        m = re.match(r"\s*([A-Za-z0-9._-]+)\s*(?:\[[^\]]*\])?\s*(?:\(?\s*>=\s*([0-9][^,;)\s]*))?", req)
        if not m:
            continue
        name, minimum = m.group(1), m.group(2) or ""
        installed = _installed(name)
        ok = installed is not None and (not minimum or _version_tuple(installed) >= _version_tuple(minimum))
        row = {"name": name, "required": f">={minimum}" if minimum else "", "installed": installed or "", "ok": ok}
        if name.lower() == "pyyaml" and installed:
            row["note"] = "C 加速" if _yaml_has_libyaml() else "纯 Python 版，较慢但可用"
        if name.lower() == "python-docx" and installed:
            failure = _docx_failure()
            if failure:
                row["ok"] = False
                row["error"] = failure
        direct.append(row)
    return {"direct": direct, "indirect": _indirect({d["name"].lower() for d in direct})}


def _marker_applies(marker: str, req: str) -> bool:
    """Whether an environment marker holds here; packaging is not a dependency of ours, so
    use it (or pip's copy) when present, else judge by whether pip installed the package."""
    try:
        from packaging.markers import Marker
    except ImportError:
        try:
            from pip._vendor.packaging.markers import Marker  # type: ignore[no-redef]
        except ImportError:
            name = re.match(r"\s*([A-Za-z0-9._-]+)", req)
            return bool(name and _installed(name.group(1)))
    try:
        return bool(Marker(marker).evaluate())
    except Exception:  # noqa: BLE001 - an unparsable marker: show the row rather than hide it
        return True


def _docx_failure() -> str:
    """Why python-docx cannot be used here ('' when it can): it stands on lxml, a compiled
    package, whose wheel may not fit this machine (another processor or Python)."""
    try:
        importlib.import_module("docx")
        importlib.import_module("lxml.etree").fromstring(b"<w/>")
    except Exception as exc:  # noqa: BLE001 - any failure to load is what we report
        return f"{type(exc).__name__}: {exc}"
    return ""


def _yaml_has_libyaml() -> bool:
    try:
        import yaml
    except ImportError:
        return False
    return bool(getattr(yaml, "__with_libyaml__", False))


_REQ = re.compile(r"\s*([A-Za-z0-9._-]+)\s*(?:\[([^\]]*)\])?")
_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")


def _indirect(direct: set[str]) -> list[dict[str, str]]:
    """What the direct dependencies pulled in (with the extras they asked for), sorted.
    Requirements whose marker excludes this machine are simply not installed, so skipped."""
    seen: dict[str, str] = {}
    queue: list[tuple[str, set[str]]] = [(name, set()) for name in sorted(direct)]
    while queue and len(seen) < 200:  # bounded: an environment has a finite set anyway
        name, extras = queue.pop()
        try:
            reqs = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for req in reqs:
            marker = req.split(";", 1)[1] if ";" in req else ""
            wanted = _EXTRA.search(marker)
            if wanted and wanted.group(1) not in extras:
                continue
            dep = _REQ.match(req)
            if not dep:
                continue
            key = dep.group(1).lower().replace("_", "-")
            if key in direct or key in seen:
                continue
            version = _installed(key)
            if version is None:
                continue  # a marker excluded it here (another OS or Python)
            seen[key] = version
            queue.append((key, {e.strip() for e in (dep.group(2) or "").split(",") if e.strip()}))
    return [{"name": k, "installed": v} for k, v in sorted(seen.items())]


# -- data ---------------------------------------------------------------------------------------
def folder_info(path: Path) -> dict[str, Any]:
    """Exists? writable (probed with a temporary file)? free space of its file system."""
    path = Path(path)
    existing = path
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    info: dict[str, Any] = {"path": str(path), "exists": path.is_dir(), "writable": False, "free": None}
    try:
        info["free"] = shutil.disk_usage(existing).free
    except OSError:
        pass
    if path.is_dir():
        try:
            with tempfile.NamedTemporaryFile(dir=path, prefix=".fzzf-doctor-", delete=True) as fh:
                fh.write(b"x")
                fh.flush()
            info["writable"] = True
        except OSError as exc:
            info["error"] = f"{type(exc).__name__}: {exc}"
    else:
        # Not created yet (first run creates it): judge by the nearest existing folder.
        info["writable"] = existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)
    return info


def inspections_info() -> dict[str, Any]:
    from .inspection.lock import describe_holder, lock_state
    from .inspection.folder import InspectionStore

    paths = InspectionStore().paths()
    held, stale, unknown = [], [], []
    for path in paths:
        state = lock_state(path)
        row = {"file": path.name, "holder": state.get("holder", {}), "who": describe_holder(state.get("holder") or {})}
        if state["state"] == "held":
            held.append(row)
        elif state["state"] == "stale":
            stale.append(row)
        elif state["state"] == "unknown":
            row["error"] = state.get("error", "")
            unknown.append(row)
    return {"folder": str(locations.inspections_dir()), "count": len(paths), "held": held, "stale": stale, "unknown": unknown}


def data_info() -> dict[str, Any]:
    return {
        "data_dir": folder_info(locations.data_dir()),
        "exports_dir": folder_info(locations.exports_dir()),
        "plugin_dirs": [str(p) for p in locations.plugin_dirs()],
        "checklist_dirs": [str(p) for p in locations.checklist_dirs()],
        "inspections": inspections_info(),
    }


# -- terminal -------------------------------------------------------------------------------------
def _console_code_pages() -> dict[str, int]:
    if sys.platform != "win32":
        return {}
    try:
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        return {"output": int(kernel32.GetConsoleOutputCP()), "input": int(kernel32.GetConsoleCP())}
    except Exception:  # noqa: BLE001 - no console attached
        return {}


def _color_system() -> str:
    """What rich (which draws Textual's screen) detects for this stdout: truecolor, 256,
    standard, windows or none."""
    try:
        from rich.console import Console
    except ImportError:
        return "unknown"
    return Console(file=sys.stdout).color_system or "none"


def terminal_info() -> dict[str, Any]:
    stream = sys.stdout
    try:
        is_tty = bool(stream.isatty())
    except (AttributeError, ValueError):
        is_tty = False
    columns = lines = 0
    try:
        size = os.get_terminal_size(stream.fileno())
        columns, lines = size.columns, size.lines
    except (AttributeError, OSError, ValueError):
        pass
    env = {k: os.environ.get(k, "") for k in ("TERM", "COLORTERM", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM", "WT_SESSION", "LANG", "LC_ALL")}
    if sys.platform == "win32":
        host = "Windows Terminal" if env["WT_SESSION"] else "控制台主机（conhost）"
    else:
        host = os.environ.get("TERM_PROGRAM") or "终端"
    return {"is_tty": is_tty, "columns": columns, "lines": lines, "host": host, "color_system": _color_system(), "env": {k: v for k, v in env.items() if v}}


SAMPLE_TEXT = "法治政府建设督察：整改清单“问题”—已销号…"


def encoding_info() -> dict[str, Any]:
    stdout_encoding = getattr(sys.stdout, "encoding", None) or ""
    try:
        SAMPLE_TEXT.encode(stdout_encoding or "ascii")
        can_print = True
    except (LookupError, UnicodeEncodeError):
        can_print = False
    return {
        "stdout": stdout_encoding,
        "preferred": locale.getpreferredencoding(False),
        "filesystem": sys.getfilesystemencoding(),
        "utf8_mode": bool(sys.flags.utf8_mode),
        "can_print_chinese": can_print,
        "console_code_pages": _console_code_pages(),
    }


def width_ruler() -> list[dict[str, Any]]:
    """Rows that all take :data:`RULER_WIDTH` columns by the UI's reckoning; in a terminal that
    agrees, the ``|`` after each row stand in one column."""
    rows = [
        ("ASCII", "12345678901234567890"),
        ("汉字，每字 2 列", "法治政府建设督察工具"),
        ("全角字母与标点", "ＡＢＣ１２３，。："),
        ("引号、省略号、破折号", "“问题”‘整改’…—·"),
        ("表格边框（界面用）", "┌──┬──┐│├──┼──┤└─┘"),
    ]
    out = []
    for label, text in rows:
        pad = RULER_WIDTH - cell_width(text)
        text = text + " " * max(0, pad)
        out.append({"label": label, "text": text, "width": cell_width(text)})
    return out


# -- plugins and checklists ---------------------------------------------------------------------
def plugin_info() -> dict[str, Any]:
    from .plugins import get_plugins

    plugins = get_plugins()
    rows = plugins.to_list()
    checklists = [
        {"id": e.checklist.id, "version": e.checklist.version, "plugin": e.plugin, "hash": e.checklist.content_hash}
        for e in plugins.checklist_entries()
        if e.checklist is not None
    ]
    errors = plugins.problems(warnings=False)
    warnings = [p for p in plugins.problems() if p not in errors]
    return {"plugins": rows, "checklists": checklists, "problems": errors, "plugin_warnings": warnings}


# -- the whole report ------------------------------------------------------------------------------
def collect() -> dict[str, Any]:
    report: dict[str, Any] = {
        "generated": datetime.now().astimezone().isoformat(timespec="seconds"),
        "program": program_info(),
        "python": python_info(),
        "dependencies": dependencies(),
        "data": data_info(),
        "terminal": terminal_info(),
        "encoding": encoding_info(),
        "width_ruler": width_ruler(),
    }
    report.update(plugin_info())
    report["findings"] = judge(report)
    return report


def judge(report: dict[str, Any]) -> list[dict[str, str]]:
    """What needs attention, worst first: ``{"level": 错误|注意, "text": ...}``."""
    out: list[dict[str, str]] = []

    def add(level: str, text: str) -> None:
        out.append({"level": level, "text": text})

    for dep in report["dependencies"]["direct"]:
        if not dep["installed"]:
            add(ERROR, f"缺少依赖 {dep['name']}{dep['required']}：请重新运行安装程序")
        elif dep.get("error"):
            add(ERROR, f"依赖 {dep['name']} 无法载入（{dep['error']}）：Word 表格的导入和导出不能使用；"
                       "lxml 的编译模块可能与本机处理器或 Python 版本不符，请用适合本机的安装包重新安装")
        elif not dep["ok"]:
            add(ERROR, f"依赖 {dep['name']} {dep['installed']} 过旧，需要 {dep['required']}")
        elif dep.get("note", "").startswith("纯 Python"):
            add(WARN, "PyYAML 未带 C 加速：清单加载较慢，但结果相同")
    data = report["data"]["data_dir"]
    if not data["writable"]:
        add(ERROR, f"数据目录不可写：{data['path']}（可用 --data-dir 或环境变量 FZZF_HOME 另选目录）")
    if data["free"] is not None and data["free"] < FREE_ERROR:
        add(ERROR, f"数据目录所在磁盘仅剩 {human_bytes(data['free'])}，保存可能失败")
    elif data["free"] is not None and data["free"] < FREE_WARN:
        add(WARN, f"数据目录所在磁盘仅剩 {human_bytes(data['free'])}，佐证材料较多时可能不够")
    exports = report["data"]["exports_dir"]
    if not exports["writable"]:
        add(WARN, f"导出目录不可写：{exports['path']}（导出时请用 -o 指定位置）")
    ins = report["data"]["inspections"]
    for row in ins["held"]:
        add(WARN, f"检查 {row['file']} 正由 {row['who']} 编辑")
    for row in ins["stale"]:
        add(WARN, f"检查 {row['file']} 上次编辑未正常结束（{row['who']}），下次打开时自动接管，请核对最后几项记录")
    for row in ins["unknown"]:
        add(WARN, f"检查 {row['file']} 的锁状态无法判断：{row.get('error', '')}")
    term = report["terminal"]
    if not term["is_tty"]:
        add(WARN, "输出没有连接到终端（被重定向）：终端尺寸和颜色无法检测")
    elif term["columns"] < MIN_SIZE[0] or term["lines"] < MIN_SIZE[1]:
        add(ERROR, f"终端只有 {term['columns']}×{term['lines']}，至少需要 {MIN_SIZE[0]}×{MIN_SIZE[1]}：请放大窗口或调小字号")
    elif term["columns"] < GOOD_SIZE[0] or term["lines"] < GOOD_SIZE[1]:
        add(WARN, f"终端 {term['columns']}×{term['lines']} 可用；{GOOD_SIZE[0]}×{GOOD_SIZE[1]} 以上显示完整")
    if term["is_tty"] and term["color_system"] in ("none", "standard", "windows"):
        add(WARN, f"终端颜色有限（{COLOUR_NAMES.get(term['color_system'], term['color_system'])}）：状态颜色可能难以分辨，建议使用 Windows Terminal 或系统自带的新版终端")
    enc = report["encoding"]
    if not enc["can_print_chinese"]:
        add(ERROR, f"输出编码 {enc['stdout'] or '未知'} 不能显示中文：请设置环境变量 PYTHONUTF8=1 或使用 UTF-8 终端")
    elif enc["stdout"].lower().replace("-", "") not in ("utf8", "utf_8"):
        add(WARN, f"输出编码为 {enc['stdout']}，不是 UTF-8：个别符号可能显示为问号，建议设置 PYTHONUTF8=1")
    for problem in report["problems"]:
        add(ERROR, problem)
    for warning in report["plugin_warnings"]:
        add(WARN, warning)
    out.sort(key=lambda f: 0 if f["level"] == ERROR else 1)
    return out


# -- text ------------------------------------------------------------------------------------------
def render(report: dict[str, Any]) -> list[str]:
    """The report as lines of at most ~80 columns (long paths may wrap)."""
    prog, py = report["program"], report["python"]
    lines = [f"fzzf 体检报告（fzzf doctor）  {report['generated'].replace('T', ' ')}"]

    def row(label: str, text: str) -> None:
        lines.append(f"{label}{' ' * max(1, 10 - cell_width(label))}{text}")

    row("程序", f"fzzf-tui {prog['version']}，{prog['install_text']}  {prog['location']}")
    row("Python", f"{py['version']} {py['implementation']} {py['bits']} 位{'（虚拟环境）' if py['venv'] else ''}  {py['executable']}")
    row("系统", f"{py['os']} {py['machine']}")
    deps = report["dependencies"]
    direct = []
    for d in deps["direct"]:
        text = f"{d['name']} {d['installed'] or '缺失'}"
        if d.get("note"):
            text += f"（{d['note']}）"
        if d.get("error"):
            text += "（无法载入）"
        elif d["installed"] and not d["ok"]:
            text += f"（需要 {d['required']}）"
        direct.append(text)
    _wrapped(row, "依赖", direct)
    if deps["indirect"]:
        _wrapped(row, "间接依赖", [f"{d['name']} {d['installed']}" for d in deps["indirect"]])
    _wrapped(row, "清单", [f"{c['id']} 版本 {c['version']}" for c in report["checklists"]] or ["（无）"])
    plugins = report["plugins"]
    failing = [p for p in plugins if p["errors"] or p.get("checklist_errors")]
    row("插件", f"已加载 {len(plugins)} 个，出错 {len(failing)} 个" + (f"：{'、'.join(p['name'] for p in failing)}" if failing else ""))
    data = report["data"]
    d = data["data_dir"]
    state = "可写" if d["writable"] else "不可写"
    if not d["exists"]:
        state = f"尚未创建（首次保存时创建，{'可以创建' if d['writable'] else '无法创建'}）"
    row("数据目录", f"{d['path']}  {state}  剩余 {human_bytes(d['free'])}")
    e = data["exports_dir"]
    row("导出目录", f"{e['path']}  {'可写' if e['writable'] else '不可写'}{'' if e['exists'] else '（尚未创建）'}")
    ins = data["inspections"]
    row("检查文件", f"{ins['count']} 个；正在编辑 {len(ins['held'])} 个，未正常关闭 {len(ins['stale'])} 个")
    if prog["docs"]:
        row("文档", prog["docs"])
    term, enc = report["terminal"], report["encoding"]
    size = f"{term['columns']}×{term['lines']}" if term["is_tty"] and term["columns"] else "未知（不是终端）"
    env = " ".join(f"{k}={v}" for k, v in term["env"].items() if k in ("TERM", "COLORTERM", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM"))
    colours = COLOUR_NAMES.get(term["color_system"], term["color_system"])
    row("终端", f"{term['host']}  尺寸 {size}  颜色 {colours}{'  ' + env if env else ''}")
    cp = enc["console_code_pages"]
    cp_text = f"  代码页 {cp['output']}" if cp else ""
    row("编码", f"输出 {enc['stdout'] or '未知'} · 系统 {enc['preferred']} · 文件名 {enc['filesystem']}{cp_text}"
        f"{' · UTF-8 模式' if enc['utf8_mode'] else ''}")
    lines.append("宽度标尺  每行末尾的 | 应上下对齐在同一列；哪一行错位，终端就把那类字符显示得宽/窄了：")
    for r in report["width_ruler"]:
        lines.append(f"  {r['text']}|  {r['label']}")
    findings = report["findings"]
    if not findings:
        row("结论", "[正常] 没有发现问题。")
    else:
        errors = sum(1 for f in findings if f["level"] == ERROR)
        row("结论", f"错误 {errors} 处，注意 {len(findings) - errors} 处：")
        for f in findings:
            lines.append(f"  [{f['level']}] {f['text']}")
    return lines


def _wrapped(row: Any, label: str, items: list[str], width: int = 68) -> None:
    current = ""
    first = True
    for item in items:
        candidate = f"{current} · {item}" if current else item
        if current and cell_width(candidate) > width:
            row(label if first else "", current)
            first = False
            current = item
        else:
            current = candidate
    row(label if first else "", current)


def colour_sample() -> list[tuple[str, tuple[int, int, int] | str]]:
    """Swatches for a terminal to show: the status colours of the UI and a grey ramp."""
    named = [("红", "red"), ("绿", "green"), ("黄", "yellow"), ("蓝", "blue"), ("品红", "magenta"), ("青", "cyan")]
    ramp = [(f"{i}", (40 * i, 40 * i, 40 * i)) for i in range(1, 7)]
    return [*named, *ramp]


def version_text() -> tuple[list[str], list[str]]:
    """``fzzf --version``: program, Python and each checklist's version; plugin problems apart."""
    from .plugins import get_plugins

    plugins = get_plugins()
    lines = [
        f"fzzf {__version__}（fzzf-tui；Python {platform.python_version()}，{platform.system()} {platform.machine()}）",
        "清单：",
    ]
    entries = [e for e in plugins.checklist_entries() if e.checklist is not None]
    width = max((cell_width(e.checklist.id) for e in entries), default=0)
    for e in entries:
        c = e.checklist
        pad = " " * (width - cell_width(c.id))
        digest = c.content_hash.split(":")[-1][:12]
        lines.append(f"  {c.id}{pad}  版本 {c.version}  摘要 {digest}  {e.plugin}")
    if not entries:
        lines.append("  （无）")
    return lines, plugins.problems()
