"""Rebuild a checklist from a snapshot this machine wrote or verified, without validating it again.

An inspection stores its checklist as the canonical dict of a checklist that passed
:func:`~.loading.checklist_from_dict` (:func:`~.model.checklist_to_dict`): every key is known,
every value well-formed, every default implied by the same rules. Validating it again on each open
was four fifths of the time to open a 年度考核 inspection. :func:`checklist_from_snapshot` builds
the same objects directly; ``tests/unit/test_snapshot_fast_path.py`` keeps the two equal for
every built-in checklist and every method, kind and option.

Only trusted input comes here: the store uses it for a file whose bytes this machine wrote or
already verified, after checking the snapshot's SHA-256 against the inspection's record. Anything
else (a file from elsewhere, a hash that does not match) goes through the validating loader.
"""

from __future__ import annotations

from typing import Any

from .model import (
    DEFAULT_DEDUCTION,
    DEFAULT_GRADES,
    DEFAULT_LEVELS,
    Checklist,
    Deduction,
    GradeBand,
    Item,
    Level,
    Shortfall,
    Veto,
)

_LISTS = ("evidence", "units", "offices", "na_conditions", "lead_units")


def _levels(raw: list[dict[str, Any]]) -> tuple[Level, ...]:
    return tuple(Level(lv["name"], float(lv.get("fraction") or 0.0)) for lv in raw)


def _deduction(raw: dict[str, Any], default: Deduction) -> Deduction:
    per = raw.get("per_case")
    per = default.per_case if per is None else float(per)
    floor = raw.get("floor")
    floor = default.floor if floor is None else float(floor)
    return Deduction(per or default.per_case, floor or 0.0)


def _item(d: dict[str, Any], c: dict[str, Any], parent_kind: str) -> Item:
    kind = d.get("kind") or parent_kind
    raw_children = d.get("children")
    children = tuple(_item(child, c, kind) for child in raw_children) if raw_children else ()
    points = d.get("points")
    method = ""
    levels: tuple[Level, ...] = ()
    deduction = None
    shortfalls: tuple[Shortfall, ...] = ()
    floor = 0.0
    if children:
        if points is None:
            points = sum(ch.points for ch in children if ch.kind == kind)
    else:
        method = d.get("method") or c["default_method"]
        if method == "graded":
            raw = d.get("levels")
            levels = _levels(raw) if raw else c["levels"]
        elif method == "deduction":
            raw = d.get("deduction")
            deduction = _deduction(raw, c["deduction"]) if raw is not None else c["deduction"]
        elif method == "itemized":
            shortfalls = tuple(Shortfall(s["text"], float(s["points"])) for s in d["shortfalls"])
            floor = float(d.get("floor") or 0.0)
    veto = d.get("veto")
    lists = {key: tuple(d[key]) if key in d else () for key in _LISTS}
    return Item(
        code=d["code"],
        title=d["title"],
        label=d.get("label", ""),
        text=d.get("text", ""),
        points=float(points or 0.0),
        method=method,
        kind=kind,
        levels=levels,
        deduction=deduction,
        shortfalls=shortfalls,
        floor=floor,
        criteria=d.get("criteria", ""),
        source_note=d["source_note"] if "source_note" in d else d.get("note", ""),
        children=children,
        veto=(Veto(veto["grade"], None if veto.get("total") is None else float(veto["total"]))
              if veto and veto.get("grade") else None),
        grade_cap=d.get("grade_cap", ""),
        **lists,
    )


def checklist_from_snapshot(data: dict[str, Any], origin: str = "") -> Checklist:
    """The checklist of a trusted snapshot (see the module docstring)."""
    scoring = data["scoring"]
    raw_grades = scoring.get("grades")
    grades = (
        tuple(sorted((GradeBand(g["name"], float(g.get("min") or 0.0)) for g in raw_grades), key=lambda b: -b.min))
        if raw_grades else DEFAULT_GRADES
    )
    raw_levels = scoring.get("levels")
    raw_deduction = scoring.get("deduction")
    c = {
        "default_method": scoring.get("default_method") or "graded",
        "levels": _levels(raw_levels) if raw_levels else DEFAULT_LEVELS,
        "deduction": (
            _deduction(raw_deduction, DEFAULT_DEDUCTION) if raw_deduction is not None else DEFAULT_DEDUCTION),
    }
    items = tuple(_item(d, c, "normal") for d in data["items"])
    threshold_key = "pass_threshold" if "pass_threshold" in scoring else "completion_threshold"
    threshold = scoring.get(threshold_key) if threshold_key in scoring else 0.9
    total = scoring.get("total")
    if total is None:
        total = sum(i.points for i in items if i.kind == "normal")
    return Checklist(
        id=data["id"],
        title=data["title"],
        type=data["type"],
        version=data["version"],
        items=items,
        source=data.get("source", ""),
        description=data.get("description", ""),
        provisional=tuple(data.get("provisional") or ()),
        total=float(total or 0.0),
        children_sum=bool(scoring.get("children_sum", True)),
        completion_threshold=None if threshold is None else float(threshold),
        complete_levels=tuple(scoring.get("complete_levels") or ()),
        grades=grades,
        levels=c["levels"],
        default_method=c["default_method"],
        deduction=c["deduction"],
        origin=origin,
    )
