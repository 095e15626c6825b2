"""Importing published indicator tables (.xlsx): header detection, merged cells, numbering, errors."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any, Sequence

import pytest
from openpyxl import Workbook, load_workbook

from fzzf_tui.checklist.xlsx_import import (
    field_for_header,
    import_checklist_xlsx,
    parse_deduction,
    parse_label,
    parse_number,
    split_numbering,
    split_units,
)
from fzzf_tui.errors import ChecklistError


def build(path: Path, rows: Sequence[Sequence[Any]], merges: Sequence[str] = (), sheet: str = "Sheet1") -> Path:
    """A workbook whose first sheet holds ``rows`` (row 1 first; None = empty cell)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def tree(checklist) -> list[tuple[str, str, str, float]]:
    return [(i.code, i.label, i.title, i.points) for i in checklist.walk()]


# 附件2 of 洛政〔2020〕23号 as it arrives in Excel: title rows, merged 一级/二级 cells, 三级指标
# spanning a number column and a text column, points written “10分”, a page break that repeats
# the 一级/二级 cells, 附加项 holding 加分项/减分项, a 合计 row and a note under the table.
ANNEX_TITLE = "市县法治政府建设示范指标体系（试行）及责任分工"
ANNEX_ROWS: list[list[Any]] = [
    ["附件2"],
    [ANNEX_TITLE],
    ["一级指标", "二级指标", "三级指标", None, "分值", "责 任 单 位"],
    ["一、 政府 职能 依法 全面 履行", "1.行政审批制度改革全面推行", "1",
     "向社会公布本级政府全部行政审批事项清单，实行目录化、编码化、动态化管理。", "10分",
     "市政府办公室、市政务服务和大数据管理局、市委编办,其他相关单位配合"],
    [None, None, "2", "非行政许可审批事项全部取消。", "10分", "市司法局，其他相关单位配合"],
    [None, None, "3", "全面清理行政审批中介服务。", 10, "市、县两级政府"],
    [None, "2.落实权责清单、\n负面清单制度并实行动态管理", "4", "编制并对外公布全部政府工作部门的权责清单。", "5分", "市委编办"],
    [None, None, "5", "全面落实并严格执行负面清单制度。", "5", "市发改委、商务局、市场监管局"],
    [None, None, "6", "全面实施行政事业性收费和政府性基金清单制度。", "2.5分", "各县(市、区)政府"],
    ["一、政府职能依法全面履行", "2.落实权责清单、负面清单制度并实行动态管理", "7", "跨页后的第一项。", "2.5 分", "市财政局"],
    [None, None, "8", "跨页后的第二项。", "５分", "市财政局"],
    ["二、依法行政制度体系完善", "1.完善地方政府规章制定机制", "9", "坚持党对行政立法工作的领导。", "10分", "市司法局"],
    [None, None, "10", "健全地方政府规章立项、起草、论证、协调、审议机制。", "10分", "市司法局，其他相关单位配合"],
    ["九、附加项", "1.加分项", "1", "法治政府建设有关工作获得省部级以上表彰、奖励的。", "10分", "各有关单位"],
    [None, None, "2", "在法治政府建设上积极创新、深化改革。", "10分", "各有关单位"],
    [None, "2.减分项", "1", "发生严重违法行政行为。", "20分", "各有关单位"],
    [None, None, "2", "在申报材料中故意编造、虚构有关数据。", "20分", "各有关单位"],
    ["合计", None, None, None, 70, None],
    ["注：分值为暂定。"],
]
ANNEX_MERGES = ["A2:F2", "C3:D3", "A4:A9", "B4:B6", "B7:B9", "A10:A11", "B10:B11", "A12:A13", "B12:B13",
                "A14:A17", "B14:B15", "B16:B17", "A18:D18"]


@pytest.fixture
def annex(tmp_path: Path) -> Path:
    return build(tmp_path / "annex2.xlsx", ANNEX_ROWS, ANNEX_MERGES)


def test_annex2_table_imports_as_a_tree(annex: Path) -> None:
    result = import_checklist_xlsx(annex, id="fzcj-luoyang", version="2020")
    c = result.checklist
    assert (c.id, c.title, c.type, c.version) == ("fzcj-luoyang", ANNEX_TITLE, "示范创建", "2020")
    assert result.header_row == 3 and result.sheet == "Sheet1" and result.structure == "指标列和序号"
    assert result.columns == {"A": "一级指标", "B": "二级指标", "C": "三级指标", "D": "三级指标", "E": "分值", "F": "责任单位"}
    assert tree(c) == [
        ("1", "一、", "政府职能依法全面履行", 50),
        ("1.1", "1.", "行政审批制度改革全面推行", 30),
        ("1.1.1", "1", "向社会公布本级政府全部行政审批事项清单，实行目录化、编码化、动态化管理。", 10),
        ("1.1.2", "2", "非行政许可审批事项全部取消。", 10),
        ("1.1.3", "3", "全面清理行政审批中介服务。", 10),
        ("1.2", "2.", "落实权责清单、负面清单制度并实行动态管理", 20),  # line break removed, page break merged
        ("1.2.4", "4", "编制并对外公布全部政府工作部门的权责清单。", 5),
        ("1.2.5", "5", "全面落实并严格执行负面清单制度。", 5),
        ("1.2.6", "6", "全面实施行政事业性收费和政府性基金清单制度。", 2.5),
        ("1.2.7", "7", "跨页后的第一项。", 2.5),
        ("1.2.8", "8", "跨页后的第二项。", 5),
        ("2", "二、", "依法行政制度体系完善", 20),
        ("2.1", "1.", "完善地方政府规章制定机制", 20),
        ("2.1.9", "9", "坚持党对行政立法工作的领导。", 10),
        ("2.1.10", "10", "健全地方政府规章立项、起草、论证、协调、审议机制。", 10),
        ("9.1", "1.", "加分项", 20),
        ("9.1.1", "1", "法治政府建设有关工作获得省部级以上表彰、奖励的。", 10),
        ("9.1.2", "2", "在法治政府建设上积极创新、深化改革。", 10),
        ("9.2", "2.", "减分项", 40),
        ("9.2.1", "1", "发生严重违法行政行为。", 20),
        ("9.2.2", "2", "在申报材料中故意编造、虚构有关数据。", 20),
    ]
    assert c.total == 70  # from the 合计 row, checked against the sum
    assert c.item("1.1.1").units == ("市政府办公室", "市政务服务和大数据管理局", "市委编办", "其他相关单位配合")
    assert c.item("1.1.3").units == ("市、县两级政府",)
    assert c.item("1.2.6").units == ("各县(市、区)政府",)
    assert c.item("1.2.5").units == ("市发改委", "商务局", "市场监管局")
    assert [c.item(x).kind for x in ("9.1", "9.1.2", "9.2", "9.2.1")] == ["bonus", "bonus", "penalty", "penalty"]
    assert c.item("9.1").note == "原文九、附加项之1.加分项"
    warnings = [str(w) for w in result.warnings]
    assert "Sheet1!A19: 表格下方的说明（1 行）不是指标，已记入清单说明" in warnings
    assert c.description.endswith("原表说明：\n注：分值为暂定。")
    assert any(w.startswith("Sheet1!B14:") and "移到第一级" in w for w in warnings)


def test_annex2_defaults_from_the_table(annex: Path) -> None:
    c = import_checklist_xlsx(annex).checklist
    assert c.id == "annex2"  # from the file name
    assert c.type == "示范创建"  # from the title rows
    assert "annex2.xlsx" in c.source


def test_bad_points_cell_is_named_and_nothing_is_built(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["某市法治政府建设考核细则（2021年）"], ["序号", "考核内容", "分值", "评分标准"]]
    rows += [[f"{i}.", f"第{i}项考核内容", "2分", ""] for i in range(1, 11)]
    rows += [["11.", "第11项考核内容", 2, ""], ["12.", "第12项考核内容", "两分", "每缺一项扣0.5分"]]
    path = build(tmp_path / "bad.xlsx", rows)
    with pytest.raises(ChecklistError) as exc:
        import_checklist_xlsx(path)
    assert [str(p) for p in exc.value.problems] == ["Sheet1!C14: 分值 “两分” 不是数字"]
    assert "Sheet1!C14: 分值 “两分” 不是数字" in str(exc.value)


def test_lenient_builds_and_lists_the_problems_as_warnings(tmp_path: Path) -> None:
    rows = [["序号", "考核内容", "分值"], ["1.", "有制度", "两分"], ["2.", "有台账", 3], ["3.", "有记录", "-1"]]
    path = build(tmp_path / "bad.xlsx", rows)
    with pytest.raises(ChecklistError) as exc:
        import_checklist_xlsx(path, type="专项督察")
    assert {p.where for p in exc.value.problems} == {"Sheet1!C2", "Sheet1!C4"}
    result = import_checklist_xlsx(path, type="专项督察", lenient=True)
    c = result.checklist
    assert [(i.code, i.points) for i in c.walk()] == [("1", 0), ("2", 3), ("3", 0)]
    text = "\n".join(str(w) for w in result.warnings)
    assert "Sheet1!C2: 分值 “两分” 不是数字" in text and "Sheet1!C4" in text and "已按 0 分处理" in text


def test_mixed_numbering_in_one_column_gives_the_hierarchy(tmp_path: Path) -> None:
    rows = [
        ["2021年度依法行政考核评分细则"],
        [None, "考核内容", "标准分", "评分标准", "考核材料"],
        [None, "一、依法全面履行政府职能（10分）", None, None, None],
        [None, "（一）深化行政审批制度改革", None, None, None],
        [None, "1．公布行政审批事项清单", "4分", "未公布的不得分", "清单文本；公布网页截图"],
        [None, "2．清理中介服务", 4, "每发现1处未清理扣1分，扣完为止", None],
        [None, "（二）推进政务公开", None, None, None],
        [None, "1.主动公开政府信息", 2, None, None],
        [None, "（1）公开年报", 1, "每缺一项扣0.5分，最多扣1分", None],
        [None, "（2）公开规章", 1, "未公开扣0.5分至1分", None],
        [None, "二、完善依法行政制度体系", None, None, None],
        [None, "① 规章立项", "3", None, None],
        [None, "② 规章评估", "3分", None, None],
    ]
    result = import_checklist_xlsx(build(tmp_path / "mixed.xlsx", rows))
    c = result.checklist
    assert (c.type, c.version, c.total) == ("年度考核", "2021", 16)
    assert tree(c) == [
        ("1", "一、", "依法全面履行政府职能", 10),  # （10分） taken as the section's points
        ("1.1", "（一）", "深化行政审批制度改革", 8),
        ("1.1.1", "1．", "公布行政审批事项清单", 4),
        ("1.1.2", "2．", "清理中介服务", 4),
        ("1.2", "（二）", "推进政务公开", 2),
        ("1.2.1", "1.", "主动公开政府信息", 2),
        ("1.2.1.1", "（1）", "公开年报", 1),
        ("1.2.1.2", "（2）", "公开规章", 1),
        ("2", "二、", "完善依法行政制度体系", 6),
        ("2.1", "①", "规章立项", 3),
        ("2.2", "②", "规章评估", 3),
    ]
    assert c.item("1.1.1").evidence == ("清单文本", "公布网页截图")
    d = c.item("1.1.2")
    assert d.method == "deduction" and (d.deduction.per_case, d.deduction.floor) == (1, 0)
    d = c.item("1.2.1.1")  # 最多扣1分 of 1 point: floor 0
    assert d.method == "deduction" and d.deduction.per_case == 0.5
    ranged = c.item("1.2.1.2")  # a range: the inspector enters the points (bounded by the item)
    assert ranged.method == "points" and ranged.criteria == "未公开扣0.5分至1分"
    assert not any(w.where == "Sheet1!D10" for w in result.warnings)


def test_conventional_nesting_when_a_lower_style_comes_first(tmp_path: Path) -> None:
    # “1.” first, then “（一）”: （一） is a higher level by convention, not a child of 1.
    rows = [
        ["检查内容", "分值"],
        ["一、决策", None],
        ["1.有规则", 2],
        ["（一）执法", None],
        ["1.有公示", 3],
        ["2.有记录", 3],
    ]
    c = import_checklist_xlsx(build(tmp_path / "t.xlsx", rows), type="专项督察").checklist
    assert [(i.code, i.label) for i in c.walk()] == [
        ("1", "一、"), ("1.1", "1."), ("1.2", "（一）"), ("1.2.1", "1."), ("1.2.2", "2."),
    ]


def test_blank_cells_below_a_heading_continue_it(tmp_path: Path) -> None:
    # No merges: 一级/二级 written once, the cells below left blank.
    rows = [
        ["一级指标", "二级指标", "考核内容", "分值", "责任单位"],
        ["依法决策", "决策程序", "有重大行政决策目录", 2, "市司法局"],
        [None, None, "重大决策经合法性审查", 3, "市司法局\n市政府办公室"],
        [None, "决策公开", "决策结果公开", 5, "各部门"],
        ["严格执法", "执法公示", "公示执法信息", 10, None],
        ["严格执法", "执法公示", "公示救济渠道", 10, None],  # repeated instead of merged
    ]
    c = import_checklist_xlsx(build(tmp_path / "t.xlsx", rows), type="专项督察", version="1").checklist
    assert [(i.code, i.title, i.points) for i in c.walk()] == [
        ("1", "依法决策", 10), ("1.1", "决策程序", 5), ("1.1.1", "有重大行政决策目录", 2),
        ("1.1.2", "重大决策经合法性审查", 3), ("1.2", "决策公开", 5), ("1.2.1", "决策结果公开", 5),
        ("2", "严格执法", 20), ("2.1", "执法公示", 20), ("2.1.1", "公示执法信息", 10), ("2.1.2", "公示救济渠道", 10),
    ]
    assert c.item("1.1.2").units == ("市司法局", "市政府办公室")


def test_merged_cells_of_other_columns_are_inherited_and_merged_points_go_to_the_section(tmp_path: Path) -> None:
    rows = [
        ["一级指标", "二级指标", "三级指标", "分值", "责任单位", "评分标准"],
        ["一、依法决策", "（一）决策程序", "1.有目录", "6分", "市司法局", "每缺一项扣1分"],
        [None, None, "2.经审查", None, None, None],
        [None, "（二）决策公开", "1.结果公开", 4, "各部门", None],
    ]
    # 分值 D2:D3 merged = the points of （一）; 责任单位 and 评分标准 merged over both leaves.
    merges = ["A2:A4", "B2:B3", "D2:D3", "E2:E3", "F2:F3"]
    result = import_checklist_xlsx(build(tmp_path / "t.xlsx", rows, merges), type="专项督察", version="1", lenient=True)
    c = result.checklist
    assert c.item("1.1").points == 6  # lenient: shared out over the leaves that have none
    assert c.item("1.1.1").points == c.item("1.1.2").points == 3
    assert any(w.where == "Sheet1!D2" and "平均分配" in w.message for w in result.warnings)
    assert c.item("1.1.1").units == c.item("1.1.2").units == ("市司法局",)
    assert c.item("1.1.2").criteria == "每缺一项扣1分" and c.item("1.1.2").method == "deduction"
    # The leaves under the merged points cell have no points of their own: strict mode says so.
    with pytest.raises(ChecklistError) as exc:
        import_checklist_xlsx(tmp_path / "t.xlsx", type="专项督察", version="1")
    assert {p.where for p in exc.value.problems} >= {"Sheet1!D2", "Sheet1!D3"}


def test_flat_table_with_codes(tmp_path: Path) -> None:
    rows = [
        ["编号", "指标名称", "分值", "评分方法", "佐证材料"],
        ["1", "制度建设", 10, None, None],
        ["1.1", "有制度", 4, "是否达到", "制度文本"],
        ["1.2", "有台账", 6, "按处扣分", None],
        ["2", "队伍建设", 5, None, None],
        ["2.1", "有培训", 5, "直接打分", None],
    ]
    result = import_checklist_xlsx(build(tmp_path / "codes.xlsx", rows), type="专项督察", version="1")
    c = result.checklist
    assert result.structure == "编号"
    assert [(i.code, i.method) for i in c.walk()] == [
        ("1", ""), ("1.1", "yesno"), ("1.2", "deduction"), ("2", ""), ("2.1", "points"),
    ]
    assert c.item("1.2").deduction == c.deduction


def test_code_whose_parent_is_missing_is_named(tmp_path: Path) -> None:
    rows = [["编号", "标题", "分值"], ["1", "甲", 2], ["1.1", "乙", 2], ["3.1", "丙", 1]]
    with pytest.raises(ChecklistError) as exc:
        import_checklist_xlsx(build(tmp_path / "t.xlsx", rows), type="x", version="1")
    assert str(exc.value.problems[0]) == "Sheet1!A4: 编号 3.1 的上级 3 不存在（上级指标应写在下级之前）"


def test_unknown_method_and_rule_are_named(tmp_path: Path) -> None:
    rows = [["标题", "分值", "评分方法", "档次/扣分"], ["甲", 2, "看情况", None], ["乙", 2, "分档评分", "好：很"]]
    with pytest.raises(ChecklistError) as exc:
        import_checklist_xlsx(build(tmp_path / "t.xlsx", rows), type="x", version="1")
    where = {p.where: p.message for p in exc.value.problems}
    assert "无法识别" in where["Sheet1!C2"] and "无法识别" in where["Sheet1!D3"]


def test_mapping_overrides_headers(tmp_path: Path) -> None:
    rows = [["项目", "要点", "赋值", "自评得分"], ["一、依法决策", "有目录", 5, 4], [None, "有审查", 5, 5]]
    path = build(tmp_path / "t.xlsx", rows, ["A2:A3"])
    with pytest.raises(ChecklistError):  # 项目/要点 are not recognised: no header found
        import_checklist_xlsx(path, type="x", version="1")
    result = import_checklist_xlsx(path, type="x", version="1", mapping={"A": "一级指标", "要点": "考核内容", "C": "分值"})
    assert [(i.code, i.title, i.points) for i in result.checklist.walk()] == [
        ("1", "依法决策", 10), ("1.1", "有目录", 5), ("1.2", "有审查", 5),
    ]
    assert [str(w) for w in result.warnings if "自评得分" in str(w)] == [
        "Sheet1!D1: “自评得分”列是评分时填写的，不导入"
    ]
    with pytest.raises(ChecklistError) as exc:
        import_checklist_xlsx(path, type="x", version="1", mapping={"A": "没有这一列"})
    assert "不是可识别的列" in str(exc.value)


def test_two_header_rows_and_repeated_header_on_a_new_page(tmp_path: Path) -> None:
    rows = [
        ["考核指标", None, "分值", "牵头单位"],
        ["一级指标", "二级指标", None, None],
        ["一、依法决策", "1.有目录", 2, "市司法局"],
        ["考核指标", None, "分值", "牵头单位"],
        ["一、依法决策", "2.有审查", 3, "市司法局"],
    ]
    result = import_checklist_xlsx(build(tmp_path / "t.xlsx", rows, ["A1:B1", "C1:C2", "D1:D2"]), type="x", version="1")
    assert result.header_row == 1
    assert [(i.code, i.points) for i in result.checklist.walk()] == [("1", 5), ("1.1", 2), ("1.2", 3)]


def test_no_header_found_is_explained(tmp_path: Path) -> None:
    path = build(tmp_path / "t.xlsx", [["随便写点什么"], ["没有表头"]])
    with pytest.raises(ChecklistError) as exc:
        import_checklist_xlsx(path)
    assert "找不到表头" in str(exc.value) and "--map" in str(exc.value)


def test_formulas_are_read_as_cached_values(tmp_path: Path) -> None:
    path = build(tmp_path / "f.xlsx", [["标题", "分值"], ["甲", "=1+1"], ["乙", "=2+1"]])
    # Give the first formula a cached value, as Excel does when it saves.
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<f>1\+1</f><v>\s*</v>|<f>1\+1</f><v\s*/>|<f>1\+1</f>", b"<f>1+1</f><v>2</v>", data)
            zout.writestr(info, data)
    path.write_bytes(buf.getvalue())
    assert load_workbook(path, data_only=True).active["B2"].value == 2
    with pytest.raises(ChecklistError) as exc:
        import_checklist_xlsx(path, type="x", version="1")
    problems = [str(p) for p in exc.value.problems]
    assert len(problems) == 1 and problems[0].startswith("Sheet1!B3: 公式 =2+1 没有保存计算结果")
    result = import_checklist_xlsx(path, type="x", version="1", lenient=True)
    assert [(i.title, i.points) for i in result.checklist.walk()] == [("甲", 2), ("乙", 0)]


def test_bonus_and_penalty_from_the_kind_column(tmp_path: Path) -> None:
    rows = [
        ["序号", "考核内容", "分值", "类型"],
        ["一", "依法决策", None, None],
        ["1", "有目录", 10, None],
        ["二", "创新加分", None, "加分项"],
        ["1", "获得表彰", 2, None],
        ["三", "违法情形", None, "减分项"],
        ["1", "被通报", 5, None],
    ]
    c = import_checklist_xlsx(build(tmp_path / "t.xlsx", rows), type="x", version="1").checklist
    assert [(i.code, i.kind) for i in c.walk()] == [
        ("1", "normal"), ("1.1", "normal"), ("2", "bonus"), ("2.1", "bonus"), ("3", "penalty"), ("3.1", "penalty"),
    ]
    assert c.total == 10


# -- header variants --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3"), ("考核内容", "content"),
        ("检查内容", "content"), ("序号", "label"), ("编号", "code"), ("分值", "points"), ("标准分", "points"),
        ("分值（分）", "points"), ("评分标准", "criteria"), ("评分细则", "criteria"), ("扣分标准", "criteria"),
        ("佐证材料", "evidence"), ("考核材料", "evidence"), ("责任单位", "units"), ("牵头单位", "units"),
        ("责 任 单 位", "units"), ("责任处室", "offices"), ("备注", "note"), ("不涉及情形", "na_conditions"),
        ("层级", "depth"), ("标题", "title"), ("评分方法", "method"), ("档次/扣分", "rule"), ("类型", "kind"),
        ("任务分类", "level1"), ("主要任务", "level2"), ("具体措施", "level3"),
    ],
)
def test_header_variants(header: str, field: str) -> None:
    assert field_for_header(header) == field


def test_unrelated_headers_are_not_recognised() -> None:
    assert field_for_header("备用列") is None and field_for_header("市县法治政府建设示范指标体系") is None
    assert field_for_header("自评得分") == "result"  # left for the result: recognised, not imported


# -- small parsers ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "value"),
    [("2", 2), ("2分", 2), ("2.5", 2.5), ("2.5分", 2.5), (" 10 分 ", 10), ("１０分", 10), ("两分", None), ("2-3分", None), ("", None)],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "label", "style", "number", "rest"),
    [
        ("一、政府职能", "一、", "cn", 1, "政府职能"),
        ("十二、其他", "十二、", "cn", 12, "其他"),
        ("（三）决策", "（三）", "cn_paren", 3, "决策"),
        ("(3)决策", "(3)", "arabic_paren", 3, "决策"),
        ("1.行政审批", "1.", "arabic", 1, "行政审批"),
        ("24．加强培训", "24．", "arabic", 24, "加强培训"),
        ("3、公开", "3、", "arabic", 3, "公开"),
        ("（12）报告", "（12）", "arabic_paren", 12, "报告"),
        ("⑥ 公示", "⑥", "circled", 6, "公示"),
        ("1.2.3 要求", "1.2.3", "dotted3", 3, "要求"),
        ("1.1行政审批", "1.1", "dotted2", 1, "行政审批"),
    ],
)
def test_split_numbering(text: str, label: str, style: str, number: int, rest: str) -> None:
    num, title = split_numbering(text)
    assert num is not None and (num.label, num.style, num.number, title) == (label, style, number, rest)


@pytest.mark.parametrize("text", ["2019年完成", "80%以上", "1.5倍", "3.5万元", "政府职能"])
def test_text_without_numbering(text: str) -> None:
    assert split_numbering(text) == (None, text)


def test_parse_label() -> None:
    assert parse_label("7").number == 7 and parse_label("七").number == 7 and parse_label("（七）").style == "cn_paren"
    assert parse_label("七项") is None


def test_parse_deduction() -> None:
    assert parse_deduction("每发现1处扣0.5分，扣完为止") == {"per_case": 0.5, "floor": 0}
    assert parse_deduction("每处扣0.5分，最低1分") == {"per_case": 0.5, "floor": 1}
    assert parse_deduction("每缺一项扣1分，最多扣3分", points=5) == {"per_case": 1, "floor": 2}
    assert parse_deduction("扣0.2分/处") == {"per_case": 0.2, "floor": 0}
    assert parse_deduction("每缺一项扣1分，每错一处扣0.5分") is None  # two amounts: kept as text
    assert parse_deduction("未建立的不得分") is None


def test_split_units_keeps_joined_administrative_levels() -> None:
    assert split_units("市、县两级政府") == ["市、县两级政府"]
    assert split_units("各区、县(市)人民政府，市司法局") == ["各区、县(市)人民政府", "市司法局"]
    assert split_units("市政府办公室、市委编办,其他相关单位配合") == ["市政府办公室", "市委编办", "其他相关单位配合"]
    assert split_units("各县（市、区）政府\n市财政局") == ["各县（市、区）政府", "市财政局"]


def test_a_number_column_labels_the_deepest_heading_only(tmp_path: Path) -> None:
    rows = [
        ["一级指标", "序号", "考核内容", "分值"],
        ["一、依法决策（5分）", "1", "有目录", 2],
        [None, "2", "有审查", 3],
        ["二、严格执法", "3", "有公示", 4],
    ]
    c = import_checklist_xlsx(build(tmp_path / "t.xlsx", rows, ["A2:A3"]), type="x", version="1").checklist
    assert [(i.code, i.label, i.title, i.points) for i in c.walk()] == [
        ("1", "一、", "依法决策", 5), ("1.1", "1", "有目录", 2), ("1.2", "2", "有审查", 3),
        ("2", "二、", "严格执法", 4), ("2.3", "3", "有公示", 4),
    ]


def test_a_table_without_points_gets_one_clear_error(tmp_path: Path) -> None:
    rows = [["一级指标", "考核内容", "责任单位"]] + [["一、依法决策", f"第{i}项", "市司法局"] for i in range(1, 30)]
    path = build(tmp_path / "t.xlsx", rows)
    with pytest.raises(ChecklistError) as exc:
        import_checklist_xlsx(path, type="x", version="1")
    assert [str(p) for p in exc.value.problems] == [
        "Sheet1!A1: 表格没有“分值”列，29 项末级指标都没有分值：请加一列“分值”（或用 --map 指定哪一列是分值）"
    ]
    result = import_checklist_xlsx(path, type="x", version="1", lenient=True)
    assert result.checklist.leaf_count == 29 and result.checklist.total == 0
    assert len([w for w in result.warnings if "分值" in w.message]) == 1
