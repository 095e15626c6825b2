"""What a forger holding this program can do: rewrite a file's chain so it verifies again.

Tests use it to make many consistent copies of one inspection quickly, and to show what a
seal without an office key cannot prevent.
"""

from __future__ import annotations

import json
from typing import Any

from fzzf_tui.inspection import audit
from fzzf_tui.inspection.replay import DERIVED_META, State


def rechain(tables: dict[str, Any]) -> dict[str, Any]:
    """A new audit trail (create + one bulk entry) from which ``tables``' state replays exactly."""
    state = State.from_tables(tables)
    first = next(iter(tables["audit"].values()))
    meta = {k: v for k, v in state.meta.items() if k not in DERIVED_META}
    create = audit.make_entry(audit.GENESIS, 1, first["at"], first["who"], "create", "inspection", None, first["new"],
                              set={"meta": meta})
    bulk = audit.make_entry(create["hash"], 2, first["at"], first["who"], "forged", "inspection", None, {},
                            set={"results": state.results, "findings": state.findings, "tables": state.tables})
    out = dict(tables)
    out["audit"] = {"1": create, "2": bulk}
    return out


def read_tables(path) -> dict[str, Any]:
    """An inspection file as one JSON object (every table, the trail as ``audit``), to edit by hand."""
    from fzzf_tui.inspection.storage import load_file

    return json.loads(json.dumps(load_file(path).tables(), ensure_ascii=False))


def write_tables(path, tables: dict[str, Any]) -> None:
    """Write tables back as one JSON object (the layout an earlier release wrote; still read)."""
    path.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
