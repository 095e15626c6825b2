"""Start-up cost of plugin discovery + loading the three built-in checklists (target ≤ 100 ms).

Baseline, in the same run: a process that imports the CLI module but loads no plugins.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import time_cmd  # noqa: E402

BASE = "import fzzf_tui.cli"
LOAD = "import fzzf_tui.cli; from fzzf_tui.plugins import get_plugins; p = get_plugins(); assert len(p.checklists()) >= 3"


def main() -> dict[str, float]:
    home = tempfile.mkdtemp(prefix="fzzf-bench-")
    env = {"FZZF_HOME": home, "FZZF_PLUGINS_DIR": "", "FZZF_CHECKLISTS_DIR": ""}
    try:
        base = time_cmd(BASE, env)
        cold = time_cmd(LOAD, {**env, "FZZF_NO_CACHE": "1"})
        time_cmd(LOAD, env, repeat=1)  # fill the cache
        warm = time_cmd(LOAD, env)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print("startup: plugin discovery + 3 built-in checklists")
    print(f"  baseline (import fzzf_tui.cli):   {base * 1000:7.1f} ms")
    print(f"  + plugins, YAML parsed (no cache): {cold * 1000:7.1f} ms  (+{(cold - base) * 1000:.1f} ms, ratio {cold / base:.2f})")
    print(f"  + plugins, warm cache:             {warm * 1000:7.1f} ms  (+{(warm - base) * 1000:.1f} ms, ratio {warm / base:.2f})")
    print(f"  target: added cost ≤ 100 ms → {'OK' if (warm - base) <= 0.1 else 'MISSED'} (warm)")
    return {"base_ms": base * 1000, "cold_ms": cold * 1000, "warm_ms": warm * 1000}


if __name__ == "__main__":
    main()
