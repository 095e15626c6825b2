"""What a forger holding this program can do: rewrite a file's chain so it verifies again.

Tests use it to make many consistent copies of one inspection quickly, and to show what a
seal without an office key cannot prevent.
"""

from __future__ import annotations

import json
from typing import Any

from fzzf_tui.inspection import audit
from fzzf_tui.inspection.replay import DERIVED_META, State


def rechain(tables: dict[str, Any], finished: bool = False) -> dict[str, Any]:
    """A new audit trail (create + one bulk entry) from which ``tables``' state replays exactly;
    ``finished``: then a finalize entry with its seal (unsigned, as without an office key), so
    the copy is a 已完成 inspection that verifies."""
    state = State.from_tables(tables)
    first = next(iter(tables["audit"].values()))
    meta = {k: v for k, v in state.meta.items() if k not in DERIVED_META}
    if finished:
        meta.update(status="进行中", seal=None)
    create = audit.make_entry(audit.GENESIS, 1, first["at"], first["who"], "create", "inspection", None, first["new"],
                              set={"meta": meta})
    bulk = audit.make_entry(create["hash"], 2, first["at"], first["who"], "forged", "inspection", None, {},
                            set={"results": state.results, "findings": state.findings, "tables": state.tables})
    out = dict(tables)
    out["audit"] = {"1": create, "2": bulk}
    if finished:
        content = audit.content_digest(state.results.values(), state.findings.values())
        seal = audit.make_seal(meta.get("id", ""), 3, bulk["hash"], content, first["at"], first["who"], None)
        out["audit"]["3"] = audit.make_entry(bulk["hash"], 3, first["at"], first["who"], "finalize", "status", "进行中",
                                             "已完成", set={"meta": {"status": "已完成", "seal": seal}})
        out["meta"] = {**tables["meta"], "1": {**tables["meta"]["1"], "status": "已完成", "seal": seal}}
    return out


def read_tables(path) -> dict[str, Any]:
    """An inspection file as one JSON object (every table, the trail as ``audit``), to edit by hand."""
    from fzzf_tui.inspection.storage import load_file

    return json.loads(json.dumps(load_file(path).tables(), ensure_ascii=False))


def write_tables(path, tables: dict[str, Any]) -> None:
    """Write tables back as one JSON object (the layout an earlier release wrote; still read)."""
    path.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
