"""Opening a trusted inspection rebuilds its checklist snapshot without validating it again
(``checklist/snapshot.py``): the objects must equal what the validating loader builds, for every
built-in checklist and every method, kind and option a checklist can use; untrusted files still
go through the validating loader."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from fzzf_tui.checklist.loading import checklist_from_dict
from fzzf_tui.checklist.model import canonical_json
from fzzf_tui.checklist.snapshot import checklist_from_snapshot
from fzzf_tui.errors import CorruptInspection
from fzzf_tui.inspection import store as store_mod

EVERYTHING: dict[str, Any] = {
    "format": "fzzf-checklist/1", "id": "all-options", "title": "全部选项", "type": "专项督察", "version": "2",
    "source": "测试", "description": "说明", "provisional": ["points"],
    "scoring": {
        "total": 60, "pass_threshold": None, "complete_levels": ["好"],
        "grades": [{"name": "合格", "min": 60}, {"name": "好", "min": 85.5}, {"name": "差", "min": 0}],
        "levels": [{"name": "好", "fraction": 1}, {"name": "中", "fraction": 0.6}, {"name": "差", "fraction": 0}],
        "default_method": "deduction", "deduction": {"per_case": 2, "floor": 1},
    },
    "items": [
        {"code": "1", "title": "一、制度", "label": "一级", "children": [
            {"code": "1.1", "title": "分档", "text": "分档评分的全文", "points": 10, "method": "graded",
             "levels": [{"name": "好", "fraction": 1}, {"name": "差", "fraction": 0}], "criteria": "标准",
             "evidence": ["文件"], "units": ["甲局", "乙局"], "lead_units": ["甲局"], "offices": ["法规处"],
             "na_conditions": ["中直机构"], "note": "维护者说明"},
            {"code": "1.2", "title": "默认档次", "points": 10, "method": "graded", "grade_cap": "合格"},
            {"code": "1.3", "title": "按处扣分（清单默认）", "points": 10},
            {"code": "1.4", "title": "按处扣分（自定）", "points": 10, "deduction": {"per_case": 0.5, "floor": 0}},
            {"code": "1.5", "title": "直接打分", "points": 5, "method": "points", "veto": {"grade": "差", "total": 0}},
            {"code": "1.6", "title": "逐项扣分", "points": 5, "method": "itemized", "floor": 1,
             "shortfalls": [{"text": "未建立制度", "points": 2}, {"text": "未公开", "points": 1.5}]},
            {"code": "1.7", "title": "只记问题", "method": "findings"},
        ]},
        {"code": "2", "title": "二、是否", "points": 10, "children": [
            {"code": "2.1", "title": "是否达到", "points": 10, "method": "yesno", "veto": {"grade": "差"}},
        ]},
        {"code": "B", "title": "加分项", "kind": "bonus", "points": 3, "children": [
            {"code": "B.1", "title": "获表彰", "points": 2, "method": "yesno"},
            {"code": "B.2", "title": "创新", "points": 2, "method": "yesno"},
        ]},
        {"code": "P", "title": "减分项", "kind": "penalty", "children": [
            {"code": "P.1", "title": "被通报", "points": 5, "method": "yesno"},
        ]},
    ],
}


def _snapshot(data: dict[str, Any]) -> dict[str, Any]:
    """What an inspection stores: the canonical dict of the validated checklist."""
    return json.loads(canonical_json(checklist_from_dict(copy.deepcopy(data), "x").to_dict()))


def _same(data: dict[str, Any]) -> None:
    checked = checklist_from_dict(copy.deepcopy(data), "x")
    fast = checklist_from_snapshot(copy.deepcopy(data), "x")
    assert fast == checked
    for a, b in zip(fast.walk(), checked.walk()):
        assert a == b, a.code  # field by field, with a name when it fails
    assert canonical_json(fast.to_dict()) == canonical_json(checked.to_dict())
    assert fast.content_hash == checked.content_hash


def test_every_option_builds_the_same_checklist() -> None:
    _same(_snapshot(EVERYTHING))


def test_every_builtin_checklist_builds_the_same(plugins) -> None:
    ids = [c.id for c in plugins.checklists()]
    assert {"annual-2019", "demonstration-2020", "special-2008"} <= set(ids)
    for cid in ids:
        _same(json.loads(canonical_json(plugins.get_checklist(cid).to_dict())))


def test_snapshots_of_earlier_releases_build_the_same() -> None:
    # keys an earlier release wrote or left out: completion_threshold absent (0.9), source_note
    old = _snapshot(EVERYTHING)
    del old["scoring"]["completion_threshold"]
    old["items"][0]["children"][0]["source_note"] = old["items"][0]["children"][0].pop("note")
    _same(old)


def test_the_fast_path_actually_differs_from_validation() -> None:
    # The fast path does not check: a broken snapshot is built as it is, which is why only
    # trusted files may take it (the validating loader refuses this one).
    broken = _snapshot(EVERYTHING)
    broken["items"][0]["children"][1]["code"] = "1.1"  # duplicate code
    checklist_from_snapshot(broken)
    with pytest.raises(Exception, match="重复"):
        checklist_from_dict(broken, "x")


def test_trusted_file_opens_through_the_fast_path_and_others_are_validated(store, annual_checklist, monkeypatch) -> None:
    ins = store.create(annual_checklist, "某区司法局", ["王强"], "2026-05-01")
    ins.set_value(next(annual_checklist.leaves()).code, 1)
    path = ins.path
    ins.close()
    calls: list[str] = []
    real = store_mod.checklist_from_snapshot
    monkeypatch.setattr(store_mod, "checklist_from_snapshot", lambda *a: calls.append("fast") or real(*a))
    store_mod._SNAPSHOTS.clear()
    with store.open(path) as opened:
        assert opened.checklist == annual_checklist
    assert calls == ["fast"]

    # the same file from elsewhere (not trusted here): validated, and a broken snapshot refused
    calls.clear()
    store_mod._SNAPSHOTS.clear()
    monkeypatch.setattr(store_mod.trust, "is_trusted", lambda *a: False)
    with store.open(path) as opened:
        assert opened.checklist == annual_checklist
    assert calls == []
    monkeypatch.setattr(store_mod, "checklist_from_dict",
                        lambda *a: (_ for _ in ()).throw(ValueError("指标编号“1.1”重复")))
    store_mod._SNAPSHOTS.clear()
    with pytest.raises(CorruptInspection, match="清单快照无法读取"):
        store.open(path)
