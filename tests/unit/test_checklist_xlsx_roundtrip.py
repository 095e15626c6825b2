"""Export → import keeps a checklist exactly (same content hash, same scores); the template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from fzzf_tui.checklist import Checklist, checklist_from_dict, load_checklist_file
from fzzf_tui.checklist.xlsx_export import write_checklist_xlsx, write_template
from fzzf_tui.checklist.xlsx_import import COLUMNS, INFO_ROWS, import_checklist_xlsx, write_yaml
from fzzf_tui.errors import ChecklistError
from fzzf_tui.inspection.scoring import Result, score_inspection

BUILTINS = ("demonstration-2020", "annual-2019", "special-2008")


def roundtrip(checklist: Checklist, path: Path) -> Checklist:
    write_checklist_xlsx(checklist, path)
    result = import_checklist_xlsx(path)
    assert result.exact and result.structure == "层级"
    assert result.warnings == []
    return result.checklist


@pytest.mark.parametrize("checklist_id", BUILTINS)
def test_builtin_checklists_roundtrip_with_the_same_hash(plugins, tmp_path: Path, checklist_id: str) -> None:
    original = plugins.get_checklist(checklist_id)
    back = roundtrip(original, tmp_path / f"{checklist_id}.xlsx")
    assert back.to_dict() == original.to_dict()
    assert back.content_hash == original.content_hash
    assert back == original  # every resolved field, not only the canonical dict


def sample_results(checklist: Checklist) -> list[Result]:
    """A deterministic mix of every kind of value, with some 不涉及 and some unscored leaves."""
    out = []
    for i, leaf in enumerate(checklist.leaves()):
        if i % 11 == 5:
            out.append(Result(leaf.code, na=True, na_reason="不涉及"))
            continue
        if i % 13 == 7:
            continue
        value: Any
        if leaf.method == "graded":
            value = leaf.levels[i % len(leaf.levels)].name
        elif leaf.method == "yesno":
            value = i % 3 != 0
        elif leaf.method == "deduction":
            value = i % 4
        elif leaf.method == "points":
            value = leaf.points * (i % 5) / 4
        else:
            value = True
        out.append(Result(leaf.code, value))
    return out


@pytest.mark.parametrize("checklist_id", BUILTINS)
def test_reimported_checklist_scores_identically(plugins, tmp_path: Path, checklist_id: str) -> None:
    original = plugins.get_checklist(checklist_id)
    back = roundtrip(original, tmp_path / "c.xlsx")
    results = sample_results(original)
    assert any(r.na for r in results) and any(r.value is not None for r in results)
    a = score_inspection(original, results, {results[0].code})
    b = score_inspection(back, results, {results[0].code})
    assert a.to_dict() == b.to_dict()
    assert {k: (n.earned, n.max, n.applicable) for k, n in a.nodes.items()} == {
        k: (n.earned, n.max, n.applicable) for k, n in b.nodes.items()
    }
    if checklist_id == "demonstration-2020":
        assert a.bonus > 0 and a.penalty > 0 and 0 < a.total < a.max_total


def test_yaml_written_from_an_import_loads_with_the_same_hash(plugins, tmp_path: Path) -> None:
    for checklist_id in BUILTINS:
        original = plugins.get_checklist(checklist_id)
        back = roundtrip(original, tmp_path / f"{checklist_id}.xlsx")
        path = write_yaml(back, tmp_path / f"{checklist_id}.yaml", comment="由测试导入")
        assert path.read_text(encoding="utf-8").startswith("# 由测试导入\nformat: fzzf-checklist/1\n")
        assert load_checklist_file(path).content_hash == original.content_hash


def tiny(**over: Any) -> Checklist:
    data: dict[str, Any] = {
        "format": "fzzf-checklist/1", "id": "tiny", "title": "小清单", "type": "专项督察", "version": "2020.10",
        "scoring": {"children_sum": True},
        "items": [
            {"code": "1.10", "label": "1.10", "title": "=SUM(A1:A3)", "children": [
                {"code": "1.10.1", "title": "+1 不是公式", "points": 0.1 + 0.2, "method": "points",
                 "units": ["市、县两级政府", "各县(市、区)政府"], "evidence": ["@文本", "  前后空格  "]},
                {"code": "1.10.2", "title": "分档", "points": 1e-05, "levels": [{"name": "好", "fraction": 1},
                                                                             {"name": "差", "fraction": 1 / 3}]},
            ]},
        ],
    }
    data.update(over)
    return checklist_from_dict(data, "tiny")


def test_text_that_looks_like_formulas_or_numbers_survives(tmp_path: Path) -> None:
    original = tiny()
    back = roundtrip(original, tmp_path / "t.xlsx")
    assert back.content_hash == original.content_hash
    assert back.item("1.10").title == "=SUM(A1:A3)" and back.item("1.10.1").points == 0.1 + 0.2
    ws = load_workbook(tmp_path / "t.xlsx")["指标"]
    assert ws["D3"].value == "=SUM(A1:A3)" and ws["D3"].data_type == "s"  # text, never a formula
    assert ws["D3"].quotePrefix and ws["D4"].quotePrefix and not ws["D5"].quotePrefix  # "+1…" too
    assert ws["A3"].value == "1.10"


def test_a_changed_default_on_the_info_sheet_applies_to_items_left_blank(plugins, tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_checklist_xlsx(plugins.get_checklist("special-2008"), path)
    wb = load_workbook(path)
    info = wb["清单信息"]
    row = next(r for r in range(1, info.max_row + 1) if info.cell(r, 1).value == "默认扣分")
    info.cell(row, 2).value = "每处扣1分，最低0分"
    wb.save(path)
    c = import_checklist_xlsx(path).checklist
    assert {leaf.deduction.per_case for leaf in c.leaves()} == {1.0}


def test_editing_a_leaf_without_its_section_names_the_section_cell(plugins, tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    write_checklist_xlsx(plugins.get_checklist("demonstration-2020"), path)
    wb = load_workbook(path)
    ws = wb["指标"]
    heads = [c.value for c in ws[2]]
    col = heads.index("分值") + 1
    assert ws.cell(5, 1).value == "1.1.1" and ws.cell(4, 1).value == "1.1"
    ws.cell(5, col).value = "15分"
    wb.save(path)
    with pytest.raises(ChecklistError) as exc:
        import_checklist_xlsx(path)
    where = {p.where for p in exc.value.problems}
    assert where == {"指标!F4", "指标!F3", "清单信息!B10"}  # 1.1, 1 and the total
    assert "指标!F4: 指标 1.1 的分值 60 与下级分值之和 65 不符" in str(exc.value)


# -- the template -------------------------------------------------------------------------------

def test_template_is_empty_and_documented(tmp_path: Path) -> None:
    path = write_template(tmp_path / "模板.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["指标", "清单信息", "填写示例", "填写说明"]
    ws = wb["指标"]
    assert [c.value for c in ws[2]] == [c.header for c in COLUMNS]
    assert all(c.comment is not None and c.comment.text for c in ws[2])
    assert ws.max_row == 2
    info = wb["清单信息"]
    assert [info.cell(r, 1).value for r in range(2, 2 + len(INFO_ROWS))] == [r.label for r in INFO_ROWS]
    assert all(info.cell(r, 3).value for r in range(2, 2 + len(INFO_ROWS)))
    with pytest.raises(ChecklistError) as exc:
        import_checklist_xlsx(path)
    text = str(exc.value)
    assert "没有任何指标" in text and "清单信息!B4" in text and "清单信息!B5" in text


def test_template_prints_on_a4_landscape_and_speaks_office_language(tmp_path: Path) -> None:
    wb = load_workbook(write_template(tmp_path / "模板.xlsx"))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert wb["指标"].print_title_rows == "$2:$2"  # the column names on every page
    guide = "\n".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    assert "fzzf" not in guide and "--" not in guide and "import-checklist" not in guide
    assert "从表格导入清单" in guide and "逐项扣分" in guide


def test_template_worked_examples_are_valid_and_not_imported(tmp_path: Path) -> None:
    path = write_template(tmp_path / "模板.xlsx")
    ws = load_workbook(path)["填写示例"]
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if any(v is not None for v in r)]
    assert 3 <= len(rows) <= 6
    heads = [c.value for c in ws[2]]
    methods = {r[heads.index("评分方法")] for r in rows} - {None}
    assert methods == {"分档评分", "按处扣分", "逐项扣分", "是否达到"}
    example = import_checklist_xlsx(path, sheet="填写示例", id="example", title="示例", type="专项督察", version="1")
    assert example.warnings == [] and example.checklist.leaf_count == 4
    assert example.checklist.item("1.3").method == "itemized"
    filled = fill_template(tmp_path / "填好.xlsx", [[1, "1", None, "有制度", 5, "是否达到"]], INFO)
    assert [i.title for i in import_checklist_xlsx(filled).checklist.walk()] == ["有制度"]  # examples left out


def fill_template(path: Path, rows: list[list[Any]], info: dict[str, Any]) -> Path:
    write_template(path)
    wb = load_workbook(path)
    ws = wb["指标"]
    heads = [c.value for c in ws[2]]
    for r, row in enumerate(rows, 3):
        for head, value in zip(("层级", "编号", "序号", "标题", "分值", "评分方法", "档次/扣分", "评分标准", "责任单位", "类型"), row):
            if value is not None:
                ws.cell(r, heads.index(head) + 1).value = value
    sheet = wb["清单信息"]
    for r in range(2, sheet.max_row + 1):
        label = sheet.cell(r, 1).value
        if label in info:
            sheet.cell(r, 2).value = info[label]
    wb.save(path)
    return path


INFO = {"清单编号": "case-review", "标题": "行政执法案卷评查", "检查类型": "专项督察", "版本": 2024}


def test_filled_template_imports(tmp_path: Path) -> None:
    rows = [
        [1, None, "一、", "案卷评查", None, None, None, None, None, None],
        [2, None, "1.", "立案审批手续完备", "2分", "是否达到", None, None, "市司法局\n市、县两级政府", None],
        [2, None, "2.", "文书制作规范", 3, None, None, "每发现1处不规范扣0.5分，扣完为止", None, None],
        [2, None, "3.", "证据充分", 5, "分档评分", "充分：1\n基本充分：0.6\n不充分：0", None, None, None],
        [1, None, "二、", "加分", None, None, None, None, None, "加分项"],
        [2, None, "1.", "典型案例被推广", 2, "是否达到", None, None, None, None],
    ]
    result = import_checklist_xlsx(fill_template(tmp_path / "t.xlsx", rows, INFO))
    c = result.checklist
    assert (c.id, c.title, c.type, c.version, c.total) == ("case-review", "行政执法案卷评查", "专项督察", "2024", 10)
    assert [(i.code, i.label, i.points, i.kind) for i in c.walk()] == [
        ("1", "一、", 10, "normal"), ("1.1", "1.", 2, "normal"), ("1.2", "2.", 3, "normal"), ("1.3", "3.", 5, "normal"),
        ("2", "二、", 2, "bonus"), ("2.1", "1.", 2, "bonus"),
    ]
    assert c.item("1.1").units == ("市司法局", "市、县两级政府")
    assert c.item("1.2").method == "deduction" and c.item("1.2").deduction.per_case == 0.5
    assert [(lv.name, lv.fraction) for lv in c.item("1.3").levels] == [("充分", 1), ("基本充分", 0.6), ("不充分", 0)]


def test_filled_template_without_levels_uses_the_numbering(tmp_path: Path) -> None:
    rows = [
        [None, None, "一", "案卷评查", None, None, None, None, None, None],
        [None, None, "1", "立案审批手续完备", 2, None, None, None, None, None],
        [None, None, "2", "文书制作规范", 3, None, None, None, None, None],
        [None, None, "二", "执法公示", None, None, None, None, None, None],
        [None, None, "1", "公示执法信息", 5, None, None, None, None, None],
    ]
    result = import_checklist_xlsx(fill_template(tmp_path / "t.xlsx", rows, INFO))
    assert result.structure == "指标列和序号"
    assert [(i.code, i.title) for i in result.checklist.walk()] == [
        ("1", "案卷评查"), ("1.1", "立案审批手续完备"), ("1.2", "文书制作规范"), ("2", "执法公示"), ("2.1", "公示执法信息"),
    ]


def test_a_depth_that_jumps_is_named(tmp_path: Path) -> None:
    rows = [[1, None, None, "甲", None] + [None] * 5, [3, None, None, "乙", 2] + [None] * 5]
    with pytest.raises(ChecklistError) as exc:
        import_checklist_xlsx(fill_template(tmp_path / "t.xlsx", rows, INFO))
    assert str(exc.value.problems[0]) == "指标!B4: 层级 3 比上一行深了不止一级（上一行为第 1 级）"


# -- any checklist round-trips ----------------------------------------------------------------

_chars = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))
text = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(["", "", "=", "+", "一、", "1.", "（1）", "①", "注："]),
    st.text(_chars | st.sampled_from(["\n", "、", " ", "分"]), min_size=1, max_size=12),
).filter(lambda s: s.strip())
entry = st.text(_chars | st.sampled_from(["、", " ", "（", "）"]), min_size=1, max_size=10).filter(lambda s: s.strip())
name = st.text(st.characters(whitelist_categories=("Lo", "Lu", "Ll", "Nd")), min_size=1, max_size=6)
number = st.floats(min_value=0, max_value=1000, allow_nan=False, allow_infinity=False)
fraction = st.floats(min_value=0, max_value=1, allow_nan=False)
levels = st.lists(st.builds(lambda n, f: {"name": n, "fraction": f}, name, fraction), min_size=1, max_size=4,
                  unique_by=lambda d: d["name"])
deduction = st.builds(lambda p, f: {"per_case": p, "floor": f}, st.floats(min_value=0.01, max_value=50), st.floats(0, 50))


@st.composite
def leaf(draw: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"title": draw(text), "points": draw(number)}
    method = draw(st.sampled_from(["", "graded", "yesno", "deduction", "points", "findings"]))
    if method:
        d["method"] = method
    if method == "graded" and draw(st.booleans()):
        d["levels"] = draw(levels)
    if method == "deduction" and draw(st.booleans()):
        d["deduction"] = draw(deduction)
    for key in ("label", "text", "criteria", "note"):
        if draw(st.booleans()):
            d[key] = draw(text)
    for key in ("evidence", "units", "offices", "na_conditions"):
        if draw(st.booleans()):
            d[key] = draw(st.lists(entry, max_size=3))
    return d


def number_codes(items: list[dict[str, Any]], prefix: str = "") -> None:
    for i, item in enumerate(items, 1):
        item["code"] = f"{prefix}.{i}" if prefix else str(i)
        number_codes(item.get("children", []), item["code"])


@st.composite
def checklists(draw: Any) -> Checklist:
    def section(depth: int) -> Any:
        if depth >= 2 or draw(st.booleans()):
            return draw(leaf())
        return {"title": draw(text), "children": [section(depth + 1) for _ in range(draw(st.integers(1, 3)))]}

    tops = [section(0) for _ in range(draw(st.integers(1, 3)))]
    kinds = draw(st.lists(st.sampled_from(["normal", "bonus", "penalty"]), min_size=len(tops), max_size=len(tops)))
    for top, kind in zip(tops, kinds):
        if kind != "normal":
            top["kind"] = kind
    number_codes(tops)
    scoring: dict[str, Any] = {
        "children_sum": draw(st.booleans()),
        "completion_threshold": draw(fraction),
        "default_method": draw(st.sampled_from(["graded", "yesno", "deduction", "points"])),
        "grades": draw(st.lists(st.builds(lambda n, m: {"name": n, "min": m}, name, st.floats(0, 100)), min_size=1,
                                max_size=3, unique_by=lambda d: d["name"])),
        "levels": draw(levels),
        "deduction": draw(deduction),
    }
    data = {
        "format": "fzzf-checklist/1", "id": draw(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,8}", fullmatch=True)),
        "title": draw(text), "type": draw(text), "version": draw(text), "source": draw(text | st.just("")),
        "description": draw(text | st.just("")),
        "provisional": draw(st.lists(st.sampled_from(["points", "grades", "levels", "deduction"]), unique=True)),
        "scoring": scoring, "items": tops,
    }
    return checklist_from_dict(data, "hypothesis")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(checklists())
def test_any_checklist_roundtrips(tmp_path: Path, checklist: Checklist) -> None:
    back = roundtrip(checklist, tmp_path / "h.xlsx")
    assert back.content_hash == checklist.content_hash
