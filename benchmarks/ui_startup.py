"""UI start-up: process start → first frame with the 年度考核 inspection (338 leaves) open.

Baseline, in the same run and the same way: a bare Textual hello-world. Each app runs in its
own process on a pseudo-terminal (100×30), so Textual draws a real frame. The child notes the
wall-clock time when its first frame is on the terminal (``call_after_refresh`` from the mounted
screen; the fzzf child starts the way ``fzzf open`` does, garbage collection paused until then) and, for fzzf, its peak RSS (VmHWM) once the after-start work (plugin loading) is done.
Targets (#13): time ratio ≤ 1.3, RSS ≤ 60 MB. Run: ``python benchmarks/ui_startup.py [repeats]``.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

RATIO_TARGET = 1.3
RSS_TARGET_MB = 60.0
SIZE = (100, 30)


# -- children ---------------------------------------------------------------------------
def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _write(out: str, data: dict) -> None:
    Path(out).write_text(json.dumps(data), encoding="utf-8")


def child_hello(out: str) -> None:
    from textual.app import App
    from textual.widgets import Static

    class Hello(App):
        def compose(self):
            yield Static("Hello, world")

        def on_mount(self) -> None:
            self.call_after_refresh(self.done)

        def done(self) -> None:
            _write(out, {"first_frame": time.time(), "cpu": time.process_time(), "rss_mb": _peak_rss_mb()})
            self.exit()

    Hello().run()


def child_app(path: str, out: str) -> None:
    from fzzf_tui.startup import pause_gc

    pause_gc()  # as the ``fzzf`` entry point does, until the first frame (fzzf_tui/startup.py)
    import textual.app  # noqa: F401 - imported first so the next line times the domain alone

    t = time.perf_counter()
    import fzzf_tui.inspection  # noqa: F401 - store, scoring, checklist model and loader

    domain_import = time.perf_counter() - t
    from fzzf_tui.ui.app import FzzfApp
    from fzzf_tui.ui.screens.inspection import InspectionScreen

    class Measured(FzzfApp):
        first_frame = 0.0
        first_cpu = 0.0
        open_time = 0.0

        def get_default_screen(self):
            store_open = self.store.open

            def timed_open(*args, **kwargs):
                t = time.perf_counter()
                try:
                    return store_open(*args, **kwargs)
                finally:
                    self.open_time += time.perf_counter() - t

            self.store.open = timed_open
            return super().get_default_screen()

        def screen_ready(self, screen) -> None:
            # the frame is on the terminal now; what screen_ready starts (plugin loading, the
            # garbage collector's first pass) comes after it
            if isinstance(screen, InspectionScreen) and not self.first_frame:
                self.first_frame = time.time()
                self.first_cpu = time.process_time()
                self.set_interval(0.02, self._finish)
            super().screen_ready(screen)

        def _finish(self) -> None:
            if self.plugins_loaded:  # the after-start work is part of the memory figure
                _write(out, {"first_frame": self.first_frame, "cpu": self.first_cpu, "rss_mb": _peak_rss_mb(),
                             "domain": domain_import + self.open_time})
                self.exit()

    Measured(open_path=path).run()


def child_command(path: str, out: str) -> None:
    """``fzzf open PATH`` as an inspector types it: the console entry point, its start-up path
    (fzzf_tui/__main__.py) and all; only the first-frame hook is added."""
    from fzzf_tui.startup import pause_gc

    pause_gc()  # the entry point's first step, taken here so the hook below is set up paused
    from fzzf_tui.ui.app import FzzfApp
    from fzzf_tui.ui.screens.inspection import InspectionScreen

    state = {"first_frame": 0.0, "cpu": 0.0}
    original = FzzfApp.screen_ready

    def screen_ready(self, screen) -> None:
        if isinstance(screen, InspectionScreen) and not state["first_frame"]:
            state["first_frame"], state["cpu"] = time.time(), time.process_time()

            def finish() -> None:
                if self.plugins_loaded:
                    _write(out, {**state, "rss_mb": _peak_rss_mb(), "domain": 0.0})
                    self.exit()

            self.set_interval(0.02, finish)
        original(self, screen)

    FzzfApp.screen_ready = screen_ready
    sys.argv = ["fzzf", "open", path]
    from fzzf_tui.__main__ import main

    main()


# -- parent --------------------------------------------------------------------------------
def _run_child(args: list[str], env: dict[str, str]) -> dict:
    import fcntl
    import pty
    import struct
    import termios

    out = tempfile.mktemp(prefix="fzzf-ui-bench-", suffix=".json")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))

    tail = bytearray()

    def drain() -> None:
        try:
            while chunk := os.read(master, 65536):
                tail.extend(chunk)
                del tail[:-20000]
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    start = time.time()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", *args, out],
        stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
    )
    try:
        proc.wait(timeout=60)
    finally:
        os.close(slave)
        if proc.poll() is None:
            proc.kill()
    reader.join(timeout=2)
    os.close(master)
    try:
        data = json.loads(Path(out).read_text(encoding="utf-8"))
    except FileNotFoundError:
        import re

        text = re.sub(r"\x1b\[[0-9;?<>=]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]", "", tail.decode("utf-8", "replace"))
        raise RuntimeError(f"child {args[0]} failed (exit {proc.returncode}):\n{text[-3000:]}") from None
    finally:
        Path(out).unlink(missing_ok=True)
    data["startup"] = data["first_frame"] - start
    return data


def _make_inspection(home: Path) -> Path:
    os.environ["FZZF_HOME"] = str(home)
    from fzzf_tui.inspection import InspectionStore
    from fzzf_tui.plugins import get_plugins, reset_plugins

    reset_plugins()
    checklist = get_plugins().get_checklist("annual-2019")
    ins = InspectionStore().create(checklist, "哈尔滨市某区人民政府", ["王强"], "2026-05-01")
    try:
        for i, leaf in enumerate(checklist.leaves()):
            if i % 3 == 0:
                ins.set_value(leaf.code, i % 4)
            if i >= 120:
                break
        ins.add_finding("规范性文件中存在变相设定行政许可的条款", item_code="1.1.2.1", severity="严重")
    finally:
        ins.close()
    return ins.path


def main(repeats: int = 7) -> dict[str, float]:
    if sys.platform.startswith("win"):
        print("ui_startup: needs a POSIX pseudo-terminal; skipped on Windows")
        return {}
    home = Path(tempfile.mkdtemp(prefix="fzzf-ui-bench-"))
    saved_home = os.environ.get("FZZF_HOME")
    try:
        path = _make_inspection(home)
        env = {**os.environ, "FZZF_HOME": str(home), "FZZF_PLUGINS_DIR": "", "FZZF_CHECKLISTS_DIR": "",
               "TERM": os.environ.get("TERM", "xterm-256color"), "COLUMNS": str(SIZE[0]), "LINES": str(SIZE[1])}
        # An installed app has its .pyc files (pip compiles them); PYTHONDONTWRITEBYTECODE
        # in a developer's shell would make every child compile ~40 modules from source.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if env["TERM"] in ("", "dumb"):
            env["TERM"] = "xterm-256color"
        # warm-up: .pyc files and the checklist cache, as on an inspector's laptop after install
        _run_child(["hello"], env)
        _run_child(["app", str(path)], env)
        _run_child(["command", str(path)], env)
        hello, app, command = [], [], []
        for _ in range(repeats):  # interleaved, so machine noise hits all alike
            hello.append(_run_child(["hello"], env))
            app.append(_run_child(["app", str(path)], env))
            command.append(_run_child(["command", str(path)], env))
    finally:
        shutil.rmtree(home, ignore_errors=True)
        if saved_home is None:
            os.environ.pop("FZZF_HOME", None)
        else:
            os.environ["FZZF_HOME"] = saved_home

    h = statistics.median(r["startup"] for r in hello) * 1000
    a = statistics.median(r["startup"] for r in app) * 1000
    h_rss = statistics.median(r["rss_mb"] for r in hello)
    a_rss = statistics.median(r["rss_mb"] for r in app)
    ratio = a / h
    dom = statistics.median(r["domain"] for r in app) * 1000
    h_cpu = statistics.median(r["cpu"] for r in hello) * 1000
    a_cpu = statistics.median(r["cpu"] for r in app) * 1000
    print(f"ui start-up → first frame ({SIZE[0]}x{SIZE[1]} pty, median of {repeats})")
    print(f"  Textual hello-world:                {h:7.1f} ms   peak RSS {h_rss:5.1f} MB")
    print(f"  fzzf, 年度考核 inspection open:      {a:7.1f} ms   peak RSS {a_rss:5.1f} MB (plugins loaded)")
    print(f"    of which domain (import fzzf_tui.inspection + open the file): {dom:5.1f} ms")
    print(f"  ratio {ratio:.2f} (target ≤ {RATIO_TARGET}) → {'OK' if ratio <= RATIO_TARGET else 'MISSED'}")
    print(f"  ratio without the domain part {(a - dom) / h:.2f}")
    print(f"  CPU time to the first frame: hello {h_cpu:.0f} ms, fzzf {a_cpu:.0f} ms, ratio {a_cpu / h_cpu:.2f}"
          " (steadier than wall time on a shared machine)")
    # Each round runs hello, app and command back to back: a ratio per round cancels the slow
    # swings of a shared machine better than a ratio of medians (both are shown).
    pair = statistics.median(x["startup"] / y["startup"] for x, y in zip(app, hello))
    pair_c = statistics.median(x["startup"] / y["startup"] for x, y in zip(command, hello))
    print(f"  median of per-round ratios: fzzf {pair:.2f}, fzzf open {pair_c:.2f}")
    print("  samples (ms):", "hello", sorted(round(r["startup"] * 1000) for r in hello),
          "fzzf", sorted(round(r["startup"] * 1000) for r in app))
    c = statistics.median(r["startup"] for r in command) * 1000
    c_cpu = statistics.median(r["cpu"] for r in command) * 1000
    c_rss = statistics.median(r["rss_mb"] for r in command)
    print(f"  fzzf open (the console command):     {c:7.1f} ms   peak RSS {c_rss:5.1f} MB; "
          f"ratio {c / h:.2f} (target ≤ {RATIO_TARGET}) → {'OK' if c / h <= RATIO_TARGET else 'MISSED'}; "
          f"CPU ratio {c_cpu / h_cpu:.2f}")
    print("  samples (ms): fzzf open", sorted(round(r["startup"] * 1000) for r in command))
    print(f"  RSS {a_rss:.1f} MB (target ≤ {RSS_TARGET_MB:.0f} MB) → {'OK' if a_rss <= RSS_TARGET_MB else 'MISSED'}")
    return {"hello_ms": h, "app_ms": a, "ratio": ratio, "domain_ms": dom, "hello_rss_mb": h_rss, "app_rss_mb": a_rss,
            "hello_cpu_ms": h_cpu, "app_cpu_ms": a_cpu, "cpu_ratio": a_cpu / h_cpu,
            "command_ms": c, "command_ratio": c / h, "pair_ratio": pair, "command_pair_ratio": pair_c, "command_cpu_ratio": c_cpu / h_cpu, "command_rss_mb": c_rss}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        if sys.argv[2] == "hello":
            child_hello(sys.argv[3])
        elif sys.argv[2] == "command":
            child_command(sys.argv[3], sys.argv[4])
        else:
            child_app(sys.argv[3], sys.argv[4])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
