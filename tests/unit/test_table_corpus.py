"""The corpus (#14): published scoring tables in the shapes offices send — Excel and Word —
each imported with no flags to the expected tree, points, methods and caps; wrong ones fail
with the cell named."""

from __future__ import annotations

from pathlib import Path

import pytest

from fzzf_tui.checklist.table_import import import_table
from fzzf_tui.checklist.table_import.leaves import VETO_SUPPORTED
from fzzf_tui.errors import ChecklistError
from fzzf_tui.inspection.scoring import Result, score_inspection

from . import corpus
from .tables import methods, tree


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def shortfalls(item) -> list[tuple[str, float]]:
    return [(s.text, s.points) for s in item.shortfalls]


def test_the_special_supervision_table_seen_failing(folder: Path) -> None:
    result = import_table(corpus.special_seen(folder))
    c = result.checklist
    # Title from the merged title row, not the form line; type from 督察, never from 年度.
    assert (c.title, c.type, c.version) == ("2024年度行政执法专项督察评分表", "专项督察", "2024")
    assert result.header_row == 4 and result.structure == "分节行、指标列和序号"
    assert tree(c) == [
        ("1", "一、", "执法公示", 10),
        ("1.1", "", "执法主体公示", 5),
        ("1.1.1", "", "公示执法主体、职责、权限", 3),
        ("1.1.2", "", "公示执法人员信息", 2),
        ("1.2", "", "执法结果公示", 5),
        ("1.2.1", "", "按时公示行政处罚决定", 5),
        ("2", "二、", "执法全过程记录", 10),
        ("2.1", "", "音像记录", 4),
        ("2.1.1", "", "重大执法决定全过程音像记录", 4),
        ("2.2", "", "文字记录", 6),
        ("2.2.1", "", "执法文书规范完整", 6),
        ("3", "三、", "附加项", 5),  # 最高加5分 over items worth 7
        ("3.1", "", "表彰推广", 7),
        ("3.1.1", "", "执法工作获得省级以上表彰", 3),
        ("3.1.2", "", "执法经验被上级推广", 4),
    ]
    assert c.total == 20 and c.item("3").kind == "bonus" and c.item("3.1.2").kind == "bonus"
    assert methods(c) == {"1.1.1": "itemized", "1.1.2": "deduction", "1.2.1": "deduction", "2.1.1": "points",
                          "2.2.1": "deduction", "3.1.1": "yesno", "3.1.2": "points"}
    assert shortfalls(c.item("1.1.1")) == [("未公示执法主体", 2), ("公示内容不全", 1)]
    assert (c.item("1.1.2").deduction.per_case, c.item("1.1.2").deduction.floor) == (0.5, 0)
    assert (c.item("1.2.1").deduction.per_case, c.item("1.2.1").deduction.floor) == (0.5, 2)  # 最多扣3分 of 5
    assert c.item("2.2.1").deduction.per_case == 0.2
    assert c.item("1.1.1").criteria == "未公示执法主体的扣2分；公示内容不全的扣1分"
    assert "原表填写项：被督察单位：____________  督察日期：____年__月__日" in c.description
    assert c.description.endswith("说明：1.本表满分20分，附加项另计。2.扣分不超过该项分值。")
    where = {w.where: w.message for w in result.warnings}
    assert where["Sheet1!E4"] == "“得分”列是评分时填写的，不导入"
    assert where["Sheet1!A15"].startswith("表格下方的说明")
    # The cap works: every bonus met adds 5, not 7.
    results = [Result("3.1.1", "符合"), Result("3.1.2", 4), Result("1.1.1", [])]
    assert score_inspection(c, results).bonus == 5


def test_annual_rules_in_one_numbered_column(folder: Path) -> None:
    c = import_table(corpus.annual_numbered(folder)).checklist
    assert (c.type, c.version, c.total) == ("年度考核", "2023", 10)
    assert tree(c) == [
        ("1", "一、", "依法全面履行政府职能", 6),
        ("1.1", "（一）", "深化“放管服”改革", 4),
        ("1.1.1", "1.", "公布权责清单", 2),
        ("1.1.2", "2.", "推进证明事项清理", 2),
        ("1.2", "（二）", "优化营商环境", 2),
        ("2", "二、", "健全依法决策机制", 4),
        ("2.1", "1.", "重大行政决策目录", 4),
        ("3", "三、", "减分项", 8),
        ("3.1", "1.", "行政复议被纠错", 3),
        ("3.2", "2.", "发生重大违法行政行为", 5),
    ]
    assert methods(c) == {"1.1.1": "itemized", "1.1.2": "graded", "1.2": "points", "2.1": "deduction",
                          "3.1": "deduction", "3.2": "itemized"}
    assert shortfalls(c.item("1.1.1")) == [("未公布", 2), ("公布不全", 1)]  # 不得分 = the item's points
    assert [(lv.name, lv.fraction) for lv in c.item("1.1.2").levels] == [("全部完成", 1), ("部分完成", 0.5), ("未完成", 0)]
    assert c.item("2.1").deduction.floor == 1  # 最多扣3分 of 4
    assert c.item("1.1.1").evidence == ("权责清单文本",) and c.item("2.1").evidence == ("决策目录", "公开网页")
    assert c.item("3").kind == "penalty" and shortfalls(c.item("3.2")) == [("发生重大违法行政行为", 5)]


@pytest.mark.skipif(not VETO_SUPPORTED, reason="the checklist format has no veto yet")
def test_one_vote_veto_becomes_veto(folder: Path) -> None:
    c = import_table(corpus.annual_numbered(folder)).checklist
    assert c.item("3.2").veto is not None and c.item("3.2").veto.grade == "不合格"
    report = score_inspection(c, [Result("3.2", [0])])
    assert report.vetoed


def test_demonstration_with_two_header_rows(folder: Path) -> None:
    result = import_table(corpus.demonstration_two_row_header(folder))
    c = result.checklist
    assert (c.title, c.type, c.version, c.total) == ("法治政府建设示范创建指标（2022年修订）", "示范创建", "2022", 20)
    assert result.header_row == 3
    assert [(i.code, i.label, i.title, i.points) for i in c.walk()][:4] == [
        ("1", "一、", "政府职能", 10), ("1.1", "1.", "权责清单", 5), ("1.1.1", "（1）", "编制公布权责清单", 3),
        ("1.1.2", "（2）", "动态调整", 2),
    ]
    assert c.item("1.1.1").evidence == ("清单文本", "公布截图") and c.item("1.1.1").units == ("市委编办", "市司法局")
    assert set(methods(c).values()) == {"graded"}


def test_blank_rows_decimals_units_and_a_total_row(folder: Path) -> None:
    c = import_table(corpus.blank_rows_and_total(folder)).checklist
    assert (c.type, c.total) == ("专项督察", 6.5)  # 督查 is 督察
    assert tree(c) == [("1", "1", "案卷归档", 2), ("2", "2", "听证程序", 3), ("3", "3", "文书送达", 1.5)]
    assert [(i.deduction.per_case, i.deduction.floor) for i in c.leaves()] == [(0.2, 0), (0.5, 1.5), (0.25, 0)]


def test_a_merged_down_column_with_an_unknown_name_is_a_parent(folder: Path) -> None:
    result = import_table(corpus.unnamed_merged_column(folder))
    assert tree(result.checklist) == [
        ("1", "", "执法主体", 10), ("1.1", "", "执法人员持证上岗", 5), ("1.2", "", "执法主体资格清理", 5),
        ("2", "", "执法程序", 10), ("2.1", "", "执法决定法制审核", 6), ("2.2", "", "告知当事人权利", 4),
    ]
    assert [str(w) for w in result.warnings if "板块" in str(w)] == ["Sheet1!A2: “板块”列的单元格向下合并，按上级指标处理"]


def test_part_sections_with_checked_points(folder: Path) -> None:
    c = import_table(corpus.part_sections(folder)).checklist
    assert tree(c) == [
        ("1", "第一部分", "实体内容", 12), ("1.1", "1", "认定事实清楚", 5), ("1.2", "2", "适用法律正确", 7),
        ("2", "第二部分", "程序规范", 8), ("2.1", "1", "立案审批", 3), ("2.2", "2", "文书送达", 5),
    ]
    assert shortfalls(c.item("2.1")) == [("未审批", 3)] and c.item("1.1").evidence == ("案卷",)


def test_section_points_that_disagree_are_a_warning_naming_the_cell(folder: Path) -> None:
    from openpyxl import load_workbook

    path = corpus.part_sections(folder)
    wb = load_workbook(path)
    wb.active["A3"] = "第一部分 实体内容（15分）"
    wb.save(path)
    result = import_table(path)
    assert result.checklist.item("1").points == 12
    assert "Sheet1!A3: “第一部分实体内容”标明 15 分，下级分值之和为 12 分，已按 12 分导入，请核对" in [
        str(w) for w in result.warnings
    ]


def test_sections_written_in_the_number_column(folder: Path) -> None:
    c = import_table(corpus.sections_in_number_column(folder)).checklist
    assert c.type == "年度考核"  # 考评
    assert tree(c) == [
        ("1", "一、", "制度建设", 10), ("1.1", "1", "规范性文件备案审查", 5), ("1.2", "2", "合法性审核", 5),
        ("2", "二、", "行政执法", 10), ("2.3", "3", "执法公示", 10),
    ]
    assert c.item("1.1").units == ("县司法局", "各乡镇")  # 牵头单位 and 配合单位


def test_word_table_with_title_and_form_above(folder: Path) -> None:
    result = import_table(corpus.word_special(folder))
    c = result.checklist
    assert (c.title, c.type) == ("XX区安全生产执法专项督察评分表", "专项督察")
    assert tree(c) == [
        ("1", "一、", "执法检查计划", 6), ("1.1", "", "制定年度执法计划", 6),
        ("2", "二、", "执法过程", 9), ("2.1", "", "现场检查记录", 4), ("2.2", "", "处罚自由裁量", 5),
    ]
    assert methods(c) == {"1.1": "itemized", "2.1": "deduction", "2.2": "points"}
    assert result.columns == {"第1列": "考核内容", "第2列": "评分标准", "第3列": "分值"}
    assert "被督察单位（盖章）" in c.description and c.description.endswith("注：扣分不超过该项分值。")
    assert "表格1 第1行第4列: “扣分”列是评分时填写的，不导入" in [str(w) for w in result.warnings]


def test_word_table_continued_after_a_page_break(folder: Path) -> None:
    c = import_table(corpus.word_continued(folder)).checklist
    assert (c.title, c.type) == ("2023年法治政府建设考核评分表", "年度考核")
    assert tree(c) == [
        ("1", "一、", "依法决策", 10), ("1.1", "", "重大决策经合法性审查", 6), ("1.2", "", "决策过程全程记录", 4),
        ("2", "二、", "严格执法", 10), ("2.1", "", "执法全过程记录", 5), ("2.2", "", "执法公示", 5),
    ]


def test_word_extra_table_under_its_capped_heading(folder: Path) -> None:
    c = import_table(corpus.word_with_extra_table(folder)).checklist
    assert tree(c) == [
        ("1", "", "复议应诉", 10), ("1.1", "", "行政机关负责人出庭应诉", 5), ("1.2", "", "复议决定履行", 5),
        ("2", "", "附加项", 3), ("2.1", "", "创新做法被推广", 3), ("2.2", "", "获得表彰", 2),
    ]
    assert c.item("2").kind == "bonus" and c.total == 10
    assert methods(c)["2.1"] == "points" and methods(c)["2.2"] == "yesno"


def test_word_form_table_before_the_scoring_table(folder: Path) -> None:
    result = import_table(corpus.word_form_table_first(folder))
    c = result.checklist
    assert (c.title, c.type, c.version) == ("2024年度行政执法专项督察评分表", "专项督察", "2024")
    assert [i.title for i in c.walk()] == ["执法人员持证上岗", "执法文书使用规范"]
    assert "原表填写项：被检查单位：  检查日期：；检查组：  组长：" in c.description
    assert "表格1: 表格1没有可识别的表头，不是指标表，未导入" in [str(w) for w in result.warnings]


def test_word_levels_in_the_rules(folder: Path) -> None:
    c = import_table(corpus.word_levels(folder)).checklist
    assert (c.title, c.type) == ("2024年度法治建设考评表", "年度考核")
    assert [(lv.name, lv.fraction) for lv in c.item("1.1").levels] == [("完全落实", 1), ("基本落实", 0.6), ("未落实", 0)]
    assert [lv.name for lv in c.item("1.2").levels] == ["培训率100%", "80%以上", "80%以下"]


# -- wrong ones fail with the place named ------------------------------------------------------

def test_bad_points_in_a_continued_word_table_names_that_table(folder: Path) -> None:
    with pytest.raises(ChecklistError) as exc:
        import_table(corpus.word_continued(folder, bad_points=True))
    assert [str(p) for p in exc.value.problems] == ["表格2 第2行第4列: 分值 “若干” 不是数字"]


def test_missing_points_in_word_names_the_cell(folder: Path) -> None:
    with pytest.raises(ChecklistError) as exc:
        import_table(corpus.word_missing_points(folder))
    assert [str(p) for p in exc.value.problems] == ["表格1 第3行第2列: 指标 2 缺少分值"]


def test_a_word_table_without_a_header_is_explained(folder: Path) -> None:
    with pytest.raises(ChecklistError, match="表格1: 在表格中找不到表头"):
        import_table(corpus.word_no_header(folder))


def test_no_type_words_asks_for_the_type(folder: Path) -> None:
    path = corpus.no_type_words(folder)
    with pytest.raises(ChecklistError, match="缺少检查类型.*--type"):
        import_table(path)
    assert import_table(path, type="专项督察").checklist.type == "专项督察"


def test_a_year_word_never_decides_the_type(folder: Path) -> None:
    from openpyxl import load_workbook

    path = corpus.no_type_words(folder)
    wb = load_workbook(path)
    wb.active["A1"] = "2024年度某单位工作评分表"
    wb.save(path)
    with pytest.raises(ChecklistError, match="缺少检查类型"):
        import_table(path)


def test_corpus_has_at_least_twelve_shapes_in_both_formats() -> None:
    shapes = [f for f in vars(corpus).values() if callable(f) and getattr(f, "__module__", "") == corpus.__name__]
    names = [f.__name__ for f in shapes]
    good = [n for n in names if n not in ("word_no_header", "word_missing_points", "no_type_words")]
    assert len(good) >= 12, good
    assert any(n.startswith("word_") for n in good) and any(not n.startswith("word_") for n in good)


def test_an_extra_section_holding_capped_bonus_and_penalty(folder: Path) -> None:
    result = import_table(corpus.extra_with_bonus_and_penalty(folder))
    c = result.checklist
    assert c.type == "示范创建" and c.total == 10
    assert [(i.code, i.title, i.points, i.kind) for i in c.items] == [
        ("1", "依法行政", 10, "normal"), ("2.1", "加分项", 5, "bonus"), ("2.2", "减分项", 5, "penalty"),
    ]
    assert methods(c) == {"1.1.1": "deduction", "2.1.1": "yesno", "2.1.2": "yesno", "2.2.1": "deduction", "2.2.2": "deduction"}
    assert c.item("2.2.2").deduction.per_case == 3  # 通报一次扣3分: per case
    assert c.item("2.1").note == "原文附加项之加分项"
    report = score_inspection(c, [Result("2.1.1", "符合"), Result("2.1.2", "符合"), Result("2.2.2", 1)])
    assert report.bonus == 5 and report.penalty == 3  # the 加分项 adds at most its cap


def test_the_docs_list_every_column_name_the_import_knows() -> None:
    from fzzf_tui.checklist.table_import.layout import COLUMNS, LEVEL_ALIASES, RESULT_HEADERS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "importing-tables.md").read_text(encoding="utf-8")
    vocabulary = doc.split("## Column vocabulary", 1)[1]
    names = [a for aliases in LEVEL_ALIASES.values() for a in aliases] + list(RESULT_HEADERS)
    names += [a for col in COLUMNS for a in (col.header, *col.aliases) if not a.isascii()]
    missing = [n for n in names if n not in vocabulary]
    assert not missing, missing
