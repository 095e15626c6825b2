"""Checklist model and validation: every problem located, defaults resolved, hash stable."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fzzf_tui.checklist import checklist_from_dict, load_checklist_file, validate_file
from fzzf_tui.errors import ChecklistError

GOOD = textwrap.dedent(
    """\
    format: fzzf-checklist/1
    id: tiny
    title: 小清单
    type: 专项督察
    version: "1"
    scoring:
      total: 10
    items:
      - code: "1"
        title: 第一部分
        points: 10
        children:
          - code: "1.1"
            title: 有制度
            points: 4
            method: yesno
          - code: "1.2"
            title: 文书规范
            points: 6
            method: deduction
            deduction: {per_case: 1, floor: 0}
    """
)


def write(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_good_file_loads_with_tree_and_defaults(tmp_path: Path) -> None:
    c = load_checklist_file(write(tmp_path, GOOD))
    assert c.id == "tiny" and c.type == "专项督察"
    assert [i.code for i in c.walk()] == ["1", "1.1", "1.2"]
    assert c.item("1.2").deduction.per_case == 1
    assert c.item("1.1").method == "yesno"
    assert c.ancestors("1.2")[0].code == "1"
    assert [g.name for g in c.grades] == ["优秀", "良好", "合格", "不合格"]


def test_hash_ignores_spelling_of_defaults(tmp_path: Path) -> None:
    c1 = load_checklist_file(write(tmp_path, GOOD))
    spelled = GOOD.replace("scoring:\n  total: 10", "scoring:\n  total: 10.0\n  default_method: graded\n  children_sum: true")
    c2 = load_checklist_file(write(tmp_path, spelled, "d.yaml"))
    assert c1.content_hash == c2.content_hash
    changed = GOOD.replace("有制度", "有制度并公开")
    c3 = load_checklist_file(write(tmp_path, changed, "e.yaml"))
    assert c3.content_hash != c1.content_hash
    # round trip through the canonical dict keeps the hash
    assert checklist_from_dict(c1.to_dict()).content_hash == c1.content_hash


def test_every_problem_is_reported_with_file_and_line(tmp_path: Path) -> None:
    bad = textwrap.dedent(
        """\
        format: fzzf-checklist/1
        id: bad
        title: 坏清单
        type: 专项督察
        version: "1"
        items:
          - code: "1"
            title: 第一部分
            points: 10
            children:
              - code: "1.1"
                title: 甲
                points: 4
              - code: "1.1"
                title: 乙
                points: 3
                method: guess
              - code: "1.3"
                points: 2
        """
    )
    path = write(tmp_path, bad)
    with pytest.raises(ChecklistError) as info:
        load_checklist_file(path)
    text = "\n".join(str(p) for p in info.value.problems)
    assert f"{path}:14" in text and "重复" in text  # duplicate code on line 14
    assert "guess" in text and "未知" in text
    assert f"{path}:18" in text and "缺少标题" in text  # 1.3 has no title (item starts line 18)
    assert "不符" in text  # 10 != 4 + 3 + 2
    assert len(info.value.problems) >= 4
    assert validate_file(path)  # non-empty


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "format: fzzf-checklist/1\nid: x\nitems: [\n  - a: b\n")
    problems = validate_file(path)
    assert len(problems) == 1
    assert problems[0].where.startswith(f"{path}:") and "YAML" in problems[0].message


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "gbk.yaml"
    p.write_bytes("标题".encode("gbk"))
    assert "UTF-8" in validate_file(p)[0].message
    assert "无法读取" in validate_file(tmp_path / "nope.yaml")[0].message


def test_unsafe_yaml_tags_are_refused(tmp_path: Path) -> None:
    p = write(tmp_path, "!!python/object/apply:os.system ['echo hacked']\n")
    problems = validate_file(p)
    assert problems and "YAML" in problems[0].message


def test_bonus_only_at_top_level_and_kind_inherited() -> None:
    data = {
        "format": "fzzf-checklist/1", "id": "k", "title": "t", "type": "示范创建", "version": "1",
        "items": [
            {"code": "1", "title": "a", "points": 5},
            {"code": "B", "title": "加分项", "kind": "bonus", "children": [{"code": "B.1", "title": "x", "points": 2}]},
        ],
    }
    c = checklist_from_dict(data)
    assert c.item("B.1").kind == "bonus"
    assert c.total == 5  # bonus does not count in the base total
    data["items"][0] = {"code": "1", "title": "a", "children": [{"code": "1.1", "title": "b", "points": 5, "kind": "penalty"}]}
    with pytest.raises(ChecklistError, match="第一级"):
        checklist_from_dict(data)


def test_levels_fraction_out_of_range() -> None:
    data = {
        "format": "fzzf-checklist/1", "id": "k", "title": "t", "type": "x", "version": "1",
        "scoring": {"levels": [{"name": "好", "fraction": 1.5}]},
        "items": [{"code": "1", "title": "a", "points": 5}],
    }
    with pytest.raises(ChecklistError, match="0–1"):
        checklist_from_dict(data)


def test_cache_is_used_and_invalidated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fzzf_tui.checklist import cache

    path = write(tmp_path, GOOD)
    first = cache.load_cached(path)
    assert cache._cache_path(path).exists()
    calls = []
    monkeypatch.setattr(cache, "load_checklist_file", lambda p: calls.append(p))
    assert cache.load_cached(path).content_hash == first.content_hash and not calls  # served from cache
    monkeypatch.undo()
    import os
    import time

    path.write_text(GOOD.replace("有制度", "有制度2"), encoding="utf-8")
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert cache.load_cached(path).item("1.1").title == "有制度2"
