"""The ``itemized`` method (逐项扣分): the inspector ticks which listed shortfalls apply.

Model and loader, scoring and typed values, the checklist workbook round trip, and the
inspection workbook showing what was ticked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from fzzf_tui.checklist import Checklist, checklist_from_dict
from fzzf_tui.checklist.table_import import import_table
from fzzf_tui.checklist.xlsx_export import write_checklist_xlsx
from fzzf_tui.errors import ChecklistError, InvalidValue
from fzzf_tui.inspection.scoring import Result, describe_value, earned_points, score_inspection, validate_value

ITEMIZED: dict[str, Any] = {
    "code": "1.1",
    "title": "执法公示",
    "points": 5,
    "method": "itemized",
    "shortfalls": [
        {"text": "未公示执法主体", "points": 2},
        {"text": "公示内容不全", "points": 1},
        {"text": "未公示执法结果", "points": 3},
    ],
    "criteria": "未公示执法主体的扣2分；公示内容不全的扣1分；未公示执法结果的扣3分",
}


def checklist(**extra: Any) -> Checklist:
    item = {**ITEMIZED, **extra}
    return checklist_from_dict({
        "format": "fzzf-checklist/1", "id": "itemized-test", "title": "逐项扣分测试", "type": "专项督察", "version": "1",
        "items": [{"code": "1", "title": "执法", "children": [item, {"code": "1.2", "title": "有台账", "points": 5}]}],
    })


def test_itemized_item_is_built_and_its_canonical_dict_carries_the_shortfalls() -> None:
    c = checklist()
    item = c.item("1.1")
    assert item.method == "itemized" and [(s.text, s.points) for s in item.shortfalls] == [
        ("未公示执法主体", 2), ("公示内容不全", 1), ("未公示执法结果", 3)
    ]
    d = c.to_dict()["items"][0]["children"][0]
    assert d["shortfalls"][0] == {"text": "未公示执法主体", "points": 2} and "floor" not in d
    assert "shortfalls" not in c.to_dict()["items"][0]["children"][1]  # other methods: dict unchanged
    assert checklist(floor=1).to_dict()["items"][0]["children"][0]["floor"] == 1
    assert checklist(floor=1).content_hash != c.content_hash


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"shortfalls": []}, "需要 shortfalls"),
        ({"shortfalls": [{"text": "未公示", "points": 0}]}, "points 应为正数"),
        ({"shortfalls": [{"text": "", "points": 1}]}, "缺少 text"),
        ({"shortfalls": [{"text": "甲", "points": 1}, {"text": "甲", "points": 2}]}, "重复"),
        ({"shortfalls": [{"text": "甲", "points": 1, "备注": "x"}]}, "只含 text 和 points"),
        ({"floor": 6}, "floor 6 应在 0 到分值之间"),
        ({"method": "yesno"}, "shortfalls、floor 只用于逐项扣分"),
    ],
)
def test_malformed_itemized_items_are_named(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ChecklistError, match=message):
        checklist(**change)


def test_scoring_ticked_shortfalls_with_floor() -> None:
    item = checklist().item("1.1")
    assert earned_points(item, []) == 5
    assert earned_points(item, [0]) == 3
    assert earned_points(item, [0, 1]) == 2
    assert earned_points(item, [0, 1, 2]) == 0  # 6 to deduct from 5: 扣完为止
    assert earned_points(checklist(floor=1).item("1.1"), [0, 1, 2]) == 1
    report = score_inspection(checklist(), [Result("1.1", [0, 1]), Result("1.2", "完全达到")])
    assert report.nodes["1.1"].earned == 2 and report.nodes["1"].earned == 7
    assert report.nodes["1.1"].met == 0


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1,3", [0, 2]), ("3、1", [0, 2]), ("①③", [0, 2]), ("2 2", [1]), ("无", []), ("0", []), ([2, 0], [0, 2]), ((), [])],
)
def test_typed_values_are_the_numbers_shown_from_one(typed: Any, value: list[int]) -> None:
    assert validate_value(checklist().item("1.1"), typed) == value


@pytest.mark.parametrize("typed", ["4", "1,x", "未公示", [3], [True], 2])
def test_bad_values_list_the_choices(typed: Any) -> None:
    with pytest.raises(InvalidValue) as exc:
        validate_value(checklist().item("1.1"), typed)
    assert "指标 1.1" in str(exc.value)


def test_describe_ticked_shortfalls() -> None:
    item = checklist().item("1.1")
    assert describe_value(item, Result("1.1", [])) == "无扣分情形"
    assert describe_value(item, Result("1.1", [0, 2])) == "①未公示执法主体（扣2分）；③未公示执法结果（扣3分）"


def test_checklist_workbook_round_trips_itemized(tmp_path: Path) -> None:
    c = checklist(floor=1)
    path = tmp_path / "c.xlsx"
    write_checklist_xlsx(c, path)
    ws = load_workbook(path)["指标"]
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "1.1")
    assert row[6] == "逐项扣分" and row[7] == "未公示执法主体：扣2分\n公示内容不全：扣1分\n未公示执法结果：扣3分\n最低1分"
    back = import_table(path)
    assert back.warnings == [] and back.checklist.content_hash == c.content_hash


def test_fzzf_score_takes_the_shortfall_numbers_and_the_export_shows_them(tmp_path: Path, monkeypatch) -> None:
    import yaml

    from fzzf_tui.cli import cli
    from fzzf_tui.plugins import reset_plugins

    folder = tmp_path / "checklists"
    folder.mkdir()
    (folder / "itemized-test.yaml").write_text(yaml.safe_dump(checklist().to_dict(), allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("FZZF_CHECKLISTS_DIR", str(folder))
    reset_plugins()
    runner = CliRunner()
    created = json.loads(runner.invoke(cli, ["new", "--checklist", "itemized-test", "--unit", "某局", "--json"]).output)
    out = runner.invoke(cli, ["score", created["id"], "1.1", "1,3"])
    assert out.exit_code == 0, out.output
    assert "①未公示执法主体（扣2分）；③未公示执法结果（扣3分）（0 / 5 分）" in out.output
    bad = runner.invoke(cli, ["score", created["id"], "1.1", "5"])
    assert bad.exit_code == 1 and "只有 3 个扣分情形" in bad.output
    xlsx = tmp_path / "结果.xlsx"
    out = runner.invoke(cli, ["export", created["id"], "-o", str(xlsx)])
    assert out.exit_code == 0, out.output
    ws = load_workbook(xlsx)["评分明细"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "1.1")
    assert row[2] == "逐项扣分（3 种情形）" and row[3] == "①未公示执法主体（扣2分）；③未公示执法结果（扣3分）"
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "编号")
    assert row[header.index("满分")] == 5 and row[header.index("得分")] == 0
