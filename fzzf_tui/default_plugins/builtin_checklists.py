"""The three built-in checklists (示范创建, 年度考核, 专项督察), shipped as YAML data files."""

from __future__ import annotations

from pathlib import Path

from fzzf_tui import hookimpl

DATA_DIR = Path(__file__).parent / "checklists"


@hookimpl
def register_checklists(register):
    for path in sorted(DATA_DIR.glob("*.yaml")):
        register(path)
