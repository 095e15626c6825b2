"""Run every benchmark: `python benchmarks/run.py` (each prints ratios against a baseline
measured in the same run)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

BENCHMARKS = [
    "startup_bench", "store_bench", "ui_startup", "export_bench", "consolidate_bench", "plugin_hang_bench",
    "table_import_bench", "campaign_bench",
]


def main(names: list[str]) -> None:
    for name in names or BENCHMARKS:
        if not (HERE / f"{name}.py").exists():
            continue
        print(f"== {name}")
        importlib.import_module(name).main()
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
