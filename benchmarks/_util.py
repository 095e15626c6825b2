"""Small helpers shared by the benchmarks: timing subprocesses and medians."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time


def time_cmd(code: str, env: dict[str, str] | None = None, repeat: int = 7) -> float:
    """Median wall time (s) of ``python -c code`` in a fresh process."""
    times = []
    full_env = {**os.environ, **(env or {})}
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=full_env, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000
