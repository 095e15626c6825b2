"""The layout of fzzf's own checklist workbook and the column vocabulary of published tables.

This is the one place that knows the spreadsheet layout (:data:`COLUMNS`, :data:`INFO_ROWS`);
:mod:`..xlsx_export` writes what is described here and the readers recognise it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import FORMAT, METHOD_LABELS, METHODS


ITEMS_SHEET = "指标"
INFO_SHEET = "清单信息"
GUIDE_SHEET = "填写说明"
INFO_SHEET_NAMES = ("清单信息", "基本信息", "清单属性")

LIST_FIELDS = ("evidence", "units", "offices", "na_conditions", "lead_units")
TEXT_FIELDS = ("text", "criteria", "note", "veto", "grade_cap")
HEADING_FIELDS = ("level1", "level2", "level3", "level4", "content", "title")


# What offices call the work in their column names: 考核内容, 督察项目, 检查标准…
SUBJECT_WORDS = ("考核", "督察", "督查", "检查", "评价", "考评", "测评", "评估", "核查", "评审", "验收")


@dataclass(frozen=True)
class Column:
    """One column of the items sheet: its field, the header fzzf writes, and accepted spellings."""

    field: str
    header: str
    aliases: tuple[str, ...]
    doc: str
    example: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("code", "编号", ("编号", "指标编号", "代码", "指标代码", "code"),
           "指标的唯一编号：用点分隔的字母或数字，下级以上级编号开头，如 1、1.2、1.2.7、B.1。"
           "留空时按层级和序号自动生成。", "1.2.7"),
    Column("depth", "层级", ("层级", "层次", "指标层级", "级次", "depth"),
           "第几级指标：1 为一级，2 为二级……每行比上一行最多深一级。"
           "填了层级就按层级组织树；不填则按编号，再不填则按序号的样式（一、/（一）/1./（1）/①）。", "3"),
    Column("label", "序号", ("序号", "原文序号", "原文编号", "label"),
           "原文中印的编号，照抄，如 一、 （一） 1. （1） ①。可不填。", "7"),
    Column("title", "标题", ("标题", "指标名称", "名称", "指标", "项目名称", "title"),
           "指标名称。末级指标可直接写全文。必填。", "编制并对外公布全部政府工作部门的权责清单"),
    Column("text", "内容", ("内容", "全文", "指标全文", "完整内容", "原文", "text"),
           "全文（比标题长时填写，与标题相同可不填）。", ""),
    Column("points", "分值", ("分值", "标准分", "标准分值", "分数", "满分", "基本分", "赋分", "指标分值",
                              "考核分值", "权重", "权重分", "分值权重", "标准分数", "满分值", "应得分", "基准分", "分值分配",
                              "points"),
           "满分（数字，可写 2、2.5、2分）。末级指标必填（“只记问题”除外）；"
           "上级指标的分值须等于下级之和（见“清单信息”），留空则自动求和。", "10"),
    Column("method", "评分方法", ("评分方法", "评分类型", "计分方法类型", "method"),
           "只对末级指标填写：分档评分、是否达到、按处扣分、逐项扣分、直接打分、只记问题。"
           "留空则用“清单信息”中的默认评分方法；评分标准写有“每…扣0.5分”识别为按处扣分，"
           "写有“未…的扣2分；…的扣1分”识别为逐项扣分。", "按处扣分"),
    Column("rule", "档次/扣分", ("档次/扣分", "档次或扣分", "档次及扣分", "档次/扣分规则", "评分规则", "评分档次",
                                  "档次设置", "rule"),
           "分档评分：每行一个档次“名称：比例”，如“完全达到：1”“基本达到：0.8”；"
           "按处扣分：如“每处扣0.5分，最低0分”；逐项扣分：每行一个扣分情形，如“未建立制度：扣2分”。"
           "留空则用“清单信息”中的默认值。", "每处扣0.5分，最低0分"),
    Column("criteria", "评分标准", ("评分标准", "评分细则", "扣分标准", "评分办法", "考核标准", "评分说明", "扣分细则",
                                    "评价标准", "考评标准", "扣分规则", "评分要求", "计分方法", "考核评分标准", "考核方法",
                                    "检查方法", "督察方法", "评价方法", "计分办法", "扣分办法", "计分标准", "评分细则及标准",
                                    "评分依据", "扣分依据", "criteria")
                                   + tuple(f"{s}{w}" for s in SUBJECT_WORDS for w in ("标准", "方法", "细则", "办法", "评分标准")),
           "评分标准（文字），如“每发现1处扣0.5分，扣完为止”。", "每发现1处未公布扣0.5分，扣完为止"),
    Column("evidence", "佐证材料", ("佐证材料", "考核材料", "证明材料", "备查材料", "佐证资料", "考核佐证材料", "查阅材料",
                                    "检查材料", "应提供材料", "所需材料", "佐证", "备查资料", "考核依据", "督察依据", "检查依据",
                                    "评价依据", "查验材料", "需提供的材料", "佐证材料清单", "evidence"),
           "佐证材料，每行一项（单元格内换行：Alt+Enter）。", "权责清单文本\n公布网页截图"),
    Column("units", "责任单位", ("责任单位", "牵头单位", "责任部门", "牵头部门", "主责单位", "承办单位", "责任主体",
                                 "牵头责任单位", "配合单位", "协办单位", "units"),
           "责任单位，每行一个（单元格内换行：Alt+Enter）。", "市委编办\n其他相关单位配合"),
    Column("offices", "责任处室", ("责任处室", "责任科室", "承办处室", "责任处", "牵头处室", "offices"),
           "责任处室，每行一个。", "法规处"),
    Column("na_conditions", "不涉及情形", ("不涉及情形", "不涉及", "不适用情形", "不涉及条件", "不适用",
                                           "na_conditions"),
           "何种情况下本项不涉及（不适用），每行一条，如“中直机构不涉及”。", ""),
    Column("note", "备注", ("备注", "附注", "维护说明", "来源说明", "note", "source_note"),
           "清单维护者关于原文的说明（如“原文缺标题，据上下文恢复”）；检查时单独显示为“来源说明”，"
           "不与检查人员的备注混在一起。", ""),
    Column("kind", "类型", ("类型", "指标类型", "项目类型", "加减分", "加分/减分", "kind"),
           "只对第一级填写：加分项、减分项；普通指标留空。下级自动继承。", ""),
    Column("lead_units", "其中牵头", ("其中牵头", "牵头单位（角色）", "lead_units"),
           "责任单位中的牵头单位，每行一个（须是“责任单位”中的一项）。", ""),
    Column("veto", "一票否决", ("一票否决", "否决项", "veto"),
           "只对末级指标填写：该项失分（减分项为“发生”）时等次直接定为此等次，可加总分上限，"
           "如“不合格”或“不合格；总分0”。", ""),
    Column("grade_cap", "等次上限", ("等次上限", "最高等次", "grade_cap"),
           "只对末级指标填写：该项失分时等次最高为此等次，如“合格”。", ""),
)

# Level columns of published tables; fzzf's own layout uses 层级 + 标题 instead. Offices name
# them after what they do: 考核/督察/检查/评价… + 项目 (the higher level) or 内容/要点/事项.
LEVEL_ALIASES: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标", "一级", "一级指标名称", "一级标题", "任务分类", "检查重点", "指标类别", "考核类别", "类别",
               "考核维度", "评价维度", "项目类别", "指标分类", "大项")
              + tuple(f"{s}项目" for s in SUBJECT_WORDS) + tuple(f"{s}类别" for s in SUBJECT_WORDS),
    "level2": ("二级指标", "二级", "二级指标名称", "二级标题", "主要任务"),
    "level3": ("三级指标", "三级", "三级指标名称", "三级标题", "具体措施", "具体任务"),
    "level4": ("四级指标", "四级", "四级指标名称", "可检验的成果形式", "成果形式"),
    "content": ("指标内容", "具体内容", "工作任务", "任务内容", "指标要求", "工作要求", "主要内容", "内容要求", "建设内容",
                "工作内容", "指标说明")
               + tuple(f"{s}{w}" for s in SUBJECT_WORDS for w in ("内容", "要点", "事项", "标准内容")),
}
# Columns an office leaves for the result (得分, 扣分原因…): recognised so they are not mistaken
# for indicator text, and not imported.
RESULT_HEADERS = (
    "得分", "实得分", "自评得分", "自评分", "自查得分", "自评", "考核得分", "督察得分", "督查得分", "检查得分", "评价得分",
    "评估得分", "最终得分", "扣分", "扣分情况", "扣分原因", "扣分理由", "扣分说明", "存在问题", "发现问题", "检查情况",
    "督察情况", "督查情况", "自评情况", "自查情况", "完成情况", "评分", "打分", "检查结果", "督察结果", "考核结果",
    "问题描述", "签字", "核查情况",
)
FIELD_NAMES: dict[str, str] = {c.field: c.header for c in COLUMNS} | {
    "level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "level4": "四级指标", "content": "考核内容",
    "merged": "上级指标（向下合并的列）",
}
IGNORE_WORDS = ("ignore", "忽略", "不导入", "跳过", "-")


@dataclass(frozen=True)
class InfoRow:
    """One row of the 清单信息 sheet (the checklist header)."""

    key: str
    label: str
    aliases: tuple[str, ...]
    doc: str


INFO_ROWS: tuple[InfoRow, ...] = (
    InfoRow("format", "格式", ("格式", "文件格式"), f"固定为 {FORMAT}，请勿修改。"),
    InfoRow("id", "清单编号", ("清单编号", "编号", "id"), "小写字母、数字、点、横线、下划线，如 fzcj-2020。必填，各清单不能重复。"),
    InfoRow("title", "标题", ("标题", "清单标题", "名称", "title"), "清单标题。必填。"),
    InfoRow("type", "检查类型", ("检查类型", "类型", "type"), "示范创建、年度考核、专项督察，或插件声明的其他类型。必填。"),
    InfoRow("version", "版本", ("版本", "version"), "版本号（文字），如 2020 或 2020.1。必填。"),
    InfoRow("source", "来源", ("来源", "来源文件", "依据", "source"), "依据的文件，如 洛政〔2020〕23号 附件2。"),
    InfoRow("description", "清单说明", ("清单说明", "说明", "description"), "关于本清单如何整理的说明（可多行）。"),
    InfoRow("provisional", "暂定内容", ("暂定内容", "暂定", "provisional"),
            "哪些数值不是原文规定的（暂定），每行一个：points（分值）、grades（等级）、levels（档次）、deduction（扣分）。"),
    InfoRow("total", "总分", ("总分", "满分", "total"), "第一级普通指标分值之和（加分项、减分项不计入）。留空则自动求和。"),
    InfoRow("children_sum", "上级分值等于下级之和", ("上级分值等于下级之和", "分值逐级求和", "children_sum"),
            "是：每个上级指标的分值必须等于下级分值之和；否：不检查。"),
    InfoRow("completion_threshold", "完成度阈值", ("完成度阈值", "完成度", "完成度要求", "completion_threshold",
                                                  "pass_threshold"),
            "原文规定的完成度要求，如 0.9 或 90%（示范创建“完成度达90%以上”）。原文没有规定的填“无”"
            "（留空按旧版默认 0.9 处理）。"),
    InfoRow("complete_levels", "完成档次", ("完成档次", "计为完成的档次", "complete_levels"),
            "分档评分时哪些档次计为“完成”（用于完成度），每行一个，如“完全达到”“基本达到”。留空：得满分才算完成。"),
    InfoRow("grades", "等级", ("等级", "等级划分", "grades"), "每行一个“等级名称：最低得分率（0–100）”，从高到低，如“优秀：90”。"),
    InfoRow("levels", "默认档次", ("默认档次", "档次", "levels"), "分档评分的默认档次，每行“名称：比例（0–1）”，如“基本达到：0.8”。"),
    InfoRow("default_method", "默认评分方法", ("默认评分方法", "评分方法", "default_method"),
            "末级指标未写评分方法时使用：分档评分、是否达到、按处扣分、逐项扣分、直接打分、只记问题。"),
    InfoRow("deduction", "默认扣分", ("默认扣分", "扣分规则", "deduction"), "按处扣分的默认规则，如“每处扣0.5分，最低0分”。"),
)

METHOD_WORDS: dict[str, str] = {
    **{m: m for m in METHODS},
    **{label: m for m, label in METHOD_LABELS.items()},
    "分档": "graded", "档次": "graded", "档次评分": "graded", "分级评分": "graded",
    "是否": "yesno", "是/否": "yesno", "是否评分": "yesno", "达标": "yesno",
    "扣分": "deduction", "扣分制": "deduction", "按次扣分": "deduction", "按项扣分": "deduction",
    "打分": "points", "计分": "points", "直接评分": "points",
    "勾选扣分": "itemized", "对照扣分": "itemized", "列项扣分": "itemized", "逐条扣分": "itemized",
    "不计分": "findings", "问题": "findings", "只记录问题": "findings",
}
KIND_WORDS: dict[str, str] = {
    "": "normal", "normal": "normal", "普通": "normal", "指标": "normal", "普通指标": "normal",
    "bonus": "bonus", "加分": "bonus", "加分项": "bonus", "加分指标": "bonus",
    "penalty": "penalty", "减分": "penalty", "减分项": "penalty", "扣分项": "penalty", "减分指标": "penalty",
}
YES = {"是", "yes", "y", "true", "1", "对", "√"}
NO = {"否", "no", "n", "false", "0", "不", "×"}
BLANK_POINTS = {"-", "—", "——", "－", "/", "／", "无"}

# The header may sit below any number of title and form lines; it is looked for in the first
# rows only so a table without a header is refused quickly with a clear message.
HEADER_SCAN_ROWS = 200
