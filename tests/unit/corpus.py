"""The corpus of published scoring tables (#14): shapes offices actually send, built as files.

Each case is a function writing one file into a folder and returning its path. The test module
imports every case with no flags and checks the tree, points, methods and caps.
"""

from __future__ import annotations

from pathlib import Path

from .tables import Table, write_docx, write_xlsx

FORM = "被督察单位：____________        督察日期：____年__月__日"


def special_seen(folder: Path) -> Path:
    """The 专项督察 评分表 seen failing in #14: 附件 line, merged title with 年度, a form line,
    督察 vocabulary, merged section rows with （N分）, merged-down 督察项目, 分 units, rule text
    per row, an 附加项 with a cap over items worth more, a 说明 footer, result columns."""
    rows = [
        ["附件1"],
        ["2024年度行政执法专项督察评分表"],
        [FORM],
        ["督察项目", "督察内容", "评分标准", "分值", "得分", "备注"],
        ["一、执法公示（10分）"],
        ["执法主体公示", "公示执法主体、职责、权限", "未公示执法主体的扣2分；公示内容不全的扣1分", "3分"],
        [None, "公示执法人员信息", "每发现1人未公示扣0.5分，扣完为止", "2分"],
        ["执法结果公示", "按时公示行政处罚决定", "每发现1件未按时公示扣0.5分，最多扣3分", "5分"],
        ["二、执法全过程记录（10分）"],
        ["音像记录", "重大执法决定全过程音像记录", "酌情扣1-4分", "4分"],
        ["文字记录", "执法文书规范完整", "每卷不规范扣0.2分，扣完为止", "6分"],
        ["三、附加项（最高加5分）"],
        ["表彰推广", "执法工作获得省级以上表彰", "获得表彰的加3分", "3分"],
        [None, "执法经验被上级推广", "被市级推广的加2分；被省级推广的加4分", "4分"],
        ["说明：1.本表满分20分，附加项另计。2.扣分不超过该项分值。"],
    ]
    merges = ["A2:F2", "A3:F3", "A5:F5", "A6:A7", "A9:F9", "A12:F12", "A13:A14", "A15:F15"]
    return write_xlsx(folder / "专项督察评分表.xlsx", Table(rows, merges))


def annual_numbered(folder: Path) -> Path:
    """A 年度考核 细则: numbering 一、/（一）/1. nesting in one column, 考核方法 as the rules
    (fixed, levels, ranges, per case with a cap), 考核依据, a 减分项 with 一票否决."""
    rows = [
        ["XX市2023年度法治政府建设考核细则"],
        ["考核内容", "分值", "考核方法", "考核依据"],
        ["一、依法全面履行政府职能（6分）"],
        ["（一）深化“放管服”改革"],
        ["1.公布权责清单", "2分", "未公布的不得分；公布不全的扣1分", "权责清单文本"],
        ["2.推进证明事项清理", "2分", "全部完成的得2分，部分完成的得1分，未完成的不得分", None],
        ["（二）优化营商环境", "2分", "工作不到位的酌情扣0.5-2分", None],
        ["二、健全依法决策机制（4分）"],
        ["1.重大行政决策目录", 4, "每缺一项扣1分，最多扣3分", "决策目录；公开网页"],
        ["三、减分项"],
        ["1.行政复议被纠错", 3, "每起扣1分，最多扣3分", None],
        ["2.发生重大违法行政行为", 5, "发生的扣5分并实行一票否决", None],
    ]
    return write_xlsx(folder / "年度考核细则.xlsx", Table(rows, ["A1:D1"]))


def demonstration_two_row_header(folder: Path) -> Path:
    """A 示范创建 指标: two header rows (评价指标 over 一级|二级), merged parents, （1） leaves,
    佐证材料 split at ；, 责任单位 split at 、."""
    rows = [
        ["附件2"],
        ["法治政府建设示范创建指标（2022年修订）"],
        ["评价指标", None, "三级指标", "分值", "佐证材料", "责任单位"],
        ["一级指标", "二级指标", None, None, None, None],
        ["一、政府职能", "1.权责清单", "（1）编制公布权责清单", 3, "清单文本；公布截图", "市委编办、市司法局"],
        [None, None, "（2）动态调整", 2, "调整记录", "市委编办"],
        [None, "2.负面清单", "（1）落实负面清单", 5, None, "市发改委"],
        ["二、依法决策", "1.决策程序", "（1）合法性审查", 10, "审查意见书", "市司法局"],
    ]
    merges = ["A2:F2", "A3:B3", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "A5:A7", "B5:B6"]
    return write_xlsx(folder / "示范创建指标.xlsx", Table(rows, merges))


def blank_rows_and_total(folder: Path) -> Path:
    """A 督查 table with a 序号 column, blank rows between items, decimals and units in the
    rules (每卷 0.2, 每人次 0.5 with a cap, 每件 0.25) and a 合计 row."""
    rows = [
        ["某区行政复议工作督查评分表"],
        ["序号", "检查事项", "评分细则", "标准分"],
        [1, "案卷归档", "每缺一卷扣0.2分，扣完为止", 2],
        [None, None, None, None],
        [2, "听证程序", "每人次未告知扣0.5分，最多扣1.5分", 3],
        [None, None, None, None],
        [3, "文书送达", "每件超期扣0.25分", 1.5],
        ["合计", None, None, 6.5],
    ]
    return write_xlsx(folder / "复议督查.xlsx", Table(rows))


def unnamed_merged_column(folder: Path) -> Path:
    """A column with a name nobody uses (板块) whose cells are merged down: it groups the rows."""
    rows = [
        ["2024年行政执法监督督察表"],
        ["板块", "督察内容", "分值", "评分标准"],
        ["执法主体", "执法人员持证上岗", 5, "每发现1人无证执法扣1分"],
        [None, "执法主体资格清理", 5, "未清理的扣5分"],
        ["执法程序", "执法决定法制审核", 6, "每件未审核扣2分"],
        [None, "告知当事人权利", 4, "未告知的扣2分；告知不完整的扣1分"],
    ]
    return write_xlsx(folder / "监督督察表.xlsx", Table(rows, ["A3:A4", "A5:A6"]))


def part_sections(folder: Path) -> Path:
    """第一部分/第二部分 section rows over a 检查要点 table with 检查方法 and 备查资料."""
    rows = [
        ["全市行政执法案卷评查督察标准"],
        ["序号", "检查要点", "检查方法", "分值", "备查资料"],
        ["第一部分 实体内容（12分）"],
        [1, "认定事实清楚", "事实不清的扣3分；证据不足的扣2分", 5, "案卷"],
        [2, "适用法律正确", "每处适用错误扣1分", 7, None],
        ["第二部分 程序规范（8分）"],
        [1, "立案审批", "未审批的不得分", 3, "立案审批表"],
        [2, "文书送达", "每份送达不规范扣0.5分，扣完为止", 5, None],
    ]
    return write_xlsx(folder / "案卷评查标准.xlsx", Table(rows, ["A3:E3", "A6:E6"]))


def sections_in_number_column(folder: Path) -> Path:
    """Section headings written in the 序号 column without a merge; 牵头单位 and 配合单位."""
    rows = [
        ["某县2024年度依法行政考评表"],
        ["序号", "考评内容", "分值", "评分标准", "牵头单位", "配合单位"],
        ["一、制度建设", None, None, None, None, None],
        [1, "规范性文件备案审查", 5, "每件未备案扣1分", "县司法局", "各乡镇"],
        [2, "合法性审核", 5, "未审核的扣5分", "县司法局", None],
        ["二、行政执法", None, None, None, None, None],
        [3, "执法公示", 10, "未公示的扣3分；公示不及时的扣1分", "县司法局", "各执法部门"],
    ]
    return write_xlsx(folder / "依法行政考评表.xlsx", Table(rows))


def word_special(folder: Path) -> Path:
    """A Word table: 附件, the title and a form line as paragraphs above, sections spanning the
    table, a 扣分 result column, a note paragraph after it."""
    table = Table(
        [
            ["督察事项", "督察标准", "分值", "扣分"],
            ["一、执法检查计划（6分）", None, None, None],
            ["制定年度执法计划", "未制定的扣4分；未报备的扣2分", "6分", None],
            ["二、执法过程（9分）", None, None, None],
            ["现场检查记录", "每份不规范扣0.5分，扣完为止", "4分", None],
            ["处罚自由裁量", "酌情扣1-5分", "5分", None],
        ],
        ["A2:D2", "A4:D4"],
        above=["附件2", "XX区安全生产执法专项督察评分表", "被督察单位（盖章）：            督察时间：    年  月  日"],
    )
    return write_docx(folder / "安全生产督察.docx", table, closing=["注：扣分不超过该项分值。"])


def word_continued(folder: Path, bad_points: bool = False) -> Path:
    """One table split in two by a page break, the header repeated in the second."""
    head = ["考核项目", "考核内容", "评分标准", "分值"]
    first = Table(
        [
            head,
            ["一、依法决策", "重大决策经合法性审查", "每件未审查扣2分", 6],
            [None, "决策过程全程记录", "未记录的扣2分", 4],
        ],
        ["A2:A3"],
        above=["2023年法治政府建设考核评分表"],
    )
    second = Table(
        [
            head,
            ["二、严格执法", "执法全过程记录", "每卷不规范扣0.5分", "若干" if bad_points else 5],
            [None, "执法公示", "未公示的扣5分", 5],
        ],
        ["A2:A3"],
    )
    return write_docx(folder / ("考核评分表-错分值.docx" if bad_points else "考核评分表.docx"), first, second)


def word_with_extra_table(folder: Path) -> Path:
    """The main table, then an 附加项 table of its own under a paragraph giving its cap."""
    main = Table(
        [
            ["督察项目", "督察内容", "分值", "评分标准"],
            ["复议应诉", "行政机关负责人出庭应诉", 5, "每件未出庭扣1分"],
            [None, "复议决定履行", 5, "未履行的扣5分"],
        ],
        ["A2:A3"],
        above=["XX市法治督察评分表"],
    )
    extra = Table(
        [
            ["督察内容", "评分标准", "分值"],
            ["创新做法被推广", "被国家推广的加3分；被省级推广的加2分", 3],
            ["获得表彰", "获得省级表彰的加2分", 2],
        ],
        above=["附加项（最高加3分）"],
    )
    return write_docx(folder / "法治督察附加项.docx", main, extra)


def word_form_table_first(folder: Path) -> Path:
    """A form to fill in as a first table (no header), then the scoring table."""
    form = Table([["被检查单位", None, "检查日期", None], ["检查组", None, "组长", None]],
                 above=["2024年度行政执法专项督察评分表"])
    scoring = Table(
        [
            ["检查内容", "分值", "评分标准"],
            ["执法人员持证上岗", 10, "每发现1人无证扣2分"],
            ["执法文书使用规范", 10, "每份不规范扣1分，扣完为止"],
        ],
    )
    return write_docx(folder / "督察表-含表头表格.docx", form, scoring)


def word_levels(folder: Path) -> Path:
    """A 考评 table in Word whose rules are levels (完全落实的得5分…)."""
    table = Table(
        [
            ["考评项目", "考评要点", "分值", "评分办法"],
            ["法治培训", "领导干部学法", 5, "完全落实的得5分，基本落实的得3分，未落实的不得分"],
            [None, "执法人员培训", 5, "培训率100%的得5分，80%以上的得3分，80%以下的不得分"],
        ],
        ["A2:A3"],
        above=["附件", "2024年度法治建设考评表"],
    )
    return write_docx(folder / "法治建设考评.docx", table)


def word_no_header(folder: Path) -> Path:
    table = Table([["随便写点什么", "没有表头"], ["第二行", "也不是"]], above=["某督察表"])
    return write_docx(folder / "无表头.docx", table)


def word_missing_points(folder: Path) -> Path:
    table = Table(
        [["督察内容", "分值", "评分标准"], ["执法公示", 5, "未公示的扣5分"], ["执法记录", None, "未记录的扣2分"]],
        above=["执法督察表"],
    )
    return write_docx(folder / "缺分值.docx", table)


def no_type_words(folder: Path) -> Path:
    rows = [["某单位工作评分表"], ["序号", "工作内容", "分值"], [1, "有制度", 2], [2, "有台账", 3]]
    return write_xlsx(folder / "工作评分表.xlsx", Table(rows))


def extra_with_bonus_and_penalty(folder: Path) -> Path:
    """An 附加项 holding a capped 加分项 and a 减分项 (they become top-level, as the model wants)."""
    rows = [
        ["2024年法治政府建设示范创建评估细则"],
        ["一级指标", "二级指标", "三级指标", "分值", "评分标准"],
        ["依法行政", "制度完备", "规章制度健全", 10, "每缺一项制度扣2分"],
        ["附加项", "加分项（最高加5分）", "获得国家级表彰", 5, "获得的加5分"],
        [None, None, "获得省级表彰", 3, "获得的加3分"],
        [None, "减分项", "发生行政诉讼败诉", 2, "每起扣1分，最多扣2分"],
        [None, None, "被上级通报批评", 3, "通报一次扣3分"],
    ]
    return write_xlsx(folder / "示范评估细则.xlsx", Table(rows, ["A4:A7", "B4:B5", "B6:B7"]))
