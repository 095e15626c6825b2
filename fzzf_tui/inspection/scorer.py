"""Who is scoring: the person recorded in results (评分人) and the audit trail, not an OS account.

The scorer of a session is, in order: the name given explicitly (``--who``), ``FZZF_USER`` (for
scripts), the name chosen for this inspection on this machine before, the last name chosen on
this machine if it belongs to the inspection's team, the only member of a one-person team.
Otherwise the caller asks (the TUI offers the team) or refuses (the CLI says how to name one).
Choices are remembered in ``<data dir>/scorer.json`` — per machine, never inside the inspection.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

from .. import locations

FILE = "scorer.json"
MAX_REMEMBERED = 500  # inspections remembered per machine (oldest forgotten first)


def _path() -> Path:
    return locations.data_dir() / FILE


def _load() -> dict[str, Any]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def clean(name: Any) -> str:
    """A person's name as recorded: one line, trimmed, at most 40 characters."""
    return " ".join(str(name or "").split())[:40]


def team(meta: Mapping[str, Any]) -> list[str]:
    return [clean(n) for n in meta.get("inspectors") or [] if clean(n)]


def remembered(inspection_id: str) -> str:
    """The name chosen for this inspection on this machine ('' if none)."""
    by_id = _load().get("inspections")
    return clean(by_id.get(inspection_id)) if isinstance(by_id, dict) else ""


def last_chosen() -> str:
    return clean(_load().get("last"))


def remember(inspection_id: str, name: str) -> str:
    """Remember ``name`` for this inspection and as the last choice; '' or why it failed."""
    from .storage import atomic_write_bytes

    name = clean(name)
    if not name:
        return ""
    data = _load()
    by_id = data.get("inspections") if isinstance(data.get("inspections"), dict) else {}
    by_id.pop(inspection_id, None)
    by_id[inspection_id] = name  # insertion order: the newest last
    while len(by_id) > MAX_REMEMBERED:
        by_id.pop(next(iter(by_id)))
    data.update(last=name, inspections=by_id)
    try:
        _path().parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(_path(), (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    except OSError as exc:
        return f"评分人选择未能保存（{exc.strerror or exc}），下次打开时需重新选择"
    return ""


def resolve(meta: Mapping[str, Any], explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The scorer for an inspection with this ``meta`` without asking; '' when someone must say."""
    env = os.environ if env is None else env
    for name in (explicit, env.get("FZZF_USER")):
        if clean(name):
            return clean(name)
    members = team(meta)
    chosen = remembered(str(meta.get("id", "")))
    if chosen:
        return chosen
    last = last_chosen()
    if last and last in members:
        return last
    if len(members) == 1:
        return members[0]
    return ""


def choices(meta: Mapping[str, Any]) -> list[str]:
    """Names to offer: the team, then the last name chosen on this machine if not in it."""
    members = team(meta)
    last = last_chosen()
    return members + ([last] if last and last not in members else [])


def missing_message(meta: Mapping[str, Any]) -> str:
    members = team(meta)
    who = f"（检查组：{'、'.join(members)}）" if members else ""
    return f"请说明评分人：加 --who 姓名{who}，或设置环境变量 FZZF_USER。评分和审计记录要记下具体的人。"


__all__ = ["choices", "clean", "last_chosen", "missing_message", "remember", "remembered", "resolve", "team"]
