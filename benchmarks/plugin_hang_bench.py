"""How long a hanging plugin delays fzzf: commands with a plugin that sleeps forever (or loops)
against the same commands without it, measured in the same run, at the default time limit.

Expected: a command that needs the hanging hook is delayed by about one time limit (5 s),
however many plugins hang; built-in commands that need no plugin code are not delayed.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SLEEPS = "import time\nfrom fzzf_tui import hookimpl\n\n@hookimpl\ndef register_checklists(register):\n    time.sleep(3600)\n"
LOOPS = "from fzzf_tui import hookimpl\n\n@hookimpl\ndef register_commands(cli):\n    while True:\n        pass\n"


def fzzf(args: list[str], env: dict[str, str], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "fzzf_tui.cli", *args], env={**os.environ, **env},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=120)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="fzzf-hang-bench-"))
    try:
        empty, hanging = tmp / "none", tmp / "hanging"
        empty.mkdir()
        hanging.mkdir()
        for i in range(3):
            (hanging / f"sleeps{i}.py").write_text(SLEEPS, encoding="utf-8")
        (hanging / "loops.py").write_text(LOOPS, encoding="utf-8")
        base = {"FZZF_HOME": str(tmp / "home"), "FZZF_CHECKLISTS_DIR": ""}
        env = {k: v for k, v in os.environ.items() if k != "FZZF_HOOK_TIMEOUT"}
        os.environ.clear()
        os.environ.update(env)
        rows = []
        for label, args, repeat in (("fzzf checklists", ["checklists"], 3), ("fzzf --help", ["--help"], 3),
                                    ("fzzf list (built-in)", ["list"], 5)):
            without = fzzf(args, {**base, "FZZF_PLUGINS_DIR": str(empty)}, repeat)
            with_hang = fzzf(args, {**base, "FZZF_PLUGINS_DIR": str(hanging)}, repeat)
            rows.append((label, without, with_hang))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("hanging plugins (3 sleeping in register_checklists, 1 looping in register_commands), limit 5 s")
    out = {}
    for label, without, with_hang in rows:
        print(f"  {label:<22} without {without * 1000:7.0f} ms   with {with_hang * 1000:7.0f} ms"
              f"   delay {(with_hang - without):5.2f} s   ratio {with_hang / without:5.2f}")
        out[label] = with_hang - without
    return out


if __name__ == "__main__":
    main()
