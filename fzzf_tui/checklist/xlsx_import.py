"""Import an indicator table (.xlsx) as a checklist, so checklists can be authored in Excel.

Two kinds of workbook are read by the same code:

* fzzf's own template and export (an ``清单信息`` sheet and an ``指标`` sheet with one row per
  item, 层级 and 编号 columns): read *exactly*, so export → import keeps the content hash;
* tables as indicator systems are published (附件 of a 文件): title rows above the header,
  Chinese column names in many spellings, merged 一级/二级 cells, numbering such as
  一、/（一）/1./1．/（1）/① that nests several levels in one column, points like “2分”.
  The header row is detected, the hierarchy is rebuilt and codes are derived (1, 1.1, 1.1.1).

This module is also the one place that knows the spreadsheet layout (:data:`COLUMNS`,
:data:`INFO_ROWS`); :mod:`.xlsx_export` writes what is described here.

Every problem names its sheet and cell (``指标!C14: 分值 “两分” 不是数字``). With errors
:func:`import_checklist_xlsx` raises :class:`~fzzf_tui.errors.ChecklistError` and nothing is
written; with ``lenient=True`` fixable errors become warnings and a checklist is still built.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import ChecklistError, Problem
from .loading import CODE_RE, EPS, ID_RE, checklist_from_dict
from .model import FORMAT, METHOD_LABELS, METHODS, Checklist

# ---------------------------------------------------------------------------------------------
# The spreadsheet layout
# ---------------------------------------------------------------------------------------------

ITEMS_SHEET = "指标"
INFO_SHEET = "清单信息"
GUIDE_SHEET = "填写说明"
INFO_SHEET_NAMES = ("清单信息", "基本信息", "清单属性")

LIST_FIELDS = ("evidence", "units", "offices", "na_conditions")
TEXT_FIELDS = ("text", "criteria", "note")
HEADING_FIELDS = ("level1", "level2", "level3", "level4", "content", "title")


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
                              "考核分值", "权重", "权重分", "分值权重", "points"),
           "满分（数字，可写 2、2.5、2分）。末级指标必填（“只记问题”除外）；"
           "上级指标的分值须等于下级之和（见“清单信息”），留空则自动求和。", "10"),
    Column("method", "评分方法", ("评分方法", "评分类型", "计分方法类型", "method"),
           "只对末级指标填写：分档评分、是否达到、按处扣分、直接打分、只记问题。"
           "留空则用“清单信息”中的默认评分方法；若评分标准写有“每…扣0.5分”则识别为按处扣分。", "按处扣分"),
    Column("rule", "档次/扣分", ("档次/扣分", "档次或扣分", "档次及扣分", "档次/扣分规则", "评分规则", "评分档次",
                                  "档次设置", "rule"),
           "分档评分：每行一个档次“名称：比例”，如“完全达到：1”“基本达到：0.8”；"
           "按处扣分：如“每处扣0.5分，最低0分”。留空则用“清单信息”中的默认值。", "每处扣0.5分，最低0分"),
    Column("criteria", "评分标准", ("评分标准", "评分细则", "扣分标准", "评分办法", "考核标准", "评分说明", "扣分细则",
                                    "评价标准", "考评标准", "扣分规则", "评分要求", "计分方法", "考核评分标准", "criteria"),
           "评分标准（文字），如“每发现1处扣0.5分，扣完为止”。", "每发现1处未公布扣0.5分，扣完为止"),
    Column("evidence", "佐证材料", ("佐证材料", "考核材料", "证明材料", "备查材料", "佐证资料", "考核佐证材料", "查阅材料",
                                    "检查材料", "应提供材料", "所需材料", "佐证", "evidence"),
           "佐证材料，每行一项（单元格内换行：Alt+Enter）。", "权责清单文本\n公布网页截图"),
    Column("units", "责任单位", ("责任单位", "牵头单位", "责任部门", "牵头部门", "主责单位", "承办单位", "责任主体",
                                 "牵头责任单位", "配合单位", "协办单位", "units"),
           "责任单位，每行一个（单元格内换行：Alt+Enter）。", "市委编办\n其他相关单位配合"),
    Column("offices", "责任处室", ("责任处室", "责任科室", "承办处室", "责任处", "牵头处室", "offices"),
           "责任处室，每行一个。", "法规处"),
    Column("na_conditions", "不涉及情形", ("不涉及情形", "不涉及", "不适用情形", "不涉及条件", "不适用",
                                           "na_conditions"),
           "何种情况下本项不涉及（不适用），每行一条，如“中直机构不涉及”。", ""),
    Column("note", "备注", ("备注", "附注", "维护说明", "note"),
           "给清单维护者的备注（不显示给被检查单位）。", ""),
    Column("kind", "类型", ("类型", "指标类型", "项目类型", "加减分", "加分/减分", "kind"),
           "只对第一级填写：加分项、减分项；普通指标留空。下级自动继承。", ""),
)

# Level columns of published tables; fzzf's own layout uses 层级 + 标题 instead.
LEVEL_ALIASES: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标", "一级", "一级指标名称", "一级标题", "任务分类", "考核项目", "考评项目", "检查重点",
               "指标类别", "考核类别", "类别", "考核维度", "评价维度"),
    "level2": ("二级指标", "二级", "二级指标名称", "二级标题", "主要任务"),
    "level3": ("三级指标", "三级", "三级指标名称", "三级标题", "具体措施", "具体任务"),
    "level4": ("四级指标", "四级", "四级指标名称", "可检验的成果形式", "成果形式"),
    "content": ("考核内容", "检查内容", "评价内容", "指标内容", "考核要点", "检查要点", "评价要点", "具体内容",
                "工作任务", "任务内容", "检查事项", "考核事项", "检查项目", "指标要求", "工作要求", "主要内容",
                "内容要求", "建设内容"),
}
FIELD_NAMES: dict[str, str] = {c.field: c.header for c in COLUMNS} | {
    "level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "level4": "四级指标", "content": "考核内容",
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
    InfoRow("completion_threshold", "完成度阈值", ("完成度阈值", "完成度", "completion_threshold"),
            "完全达到的末级指标所占比例达到多少才算达标，如 0.9 或 90%。"),
    InfoRow("grades", "等级", ("等级", "等级划分", "grades"), "每行一个“等级名称：最低得分率（0–100）”，从高到低，如“优秀：90”。"),
    InfoRow("levels", "默认档次", ("默认档次", "档次", "levels"), "分档评分的默认档次，每行“名称：比例（0–1）”，如“基本达到：0.8”。"),
    InfoRow("default_method", "默认评分方法", ("默认评分方法", "评分方法", "default_method"),
            "末级指标未写评分方法时使用：分档评分、是否达到、按处扣分、直接打分、只记问题。"),
    InfoRow("deduction", "默认扣分", ("默认扣分", "扣分规则", "deduction"), "按处扣分的默认规则，如“每处扣0.5分，最低0分”。"),
)

METHOD_WORDS: dict[str, str] = {
    **{m: m for m in METHODS},
    **{label: m for m, label in METHOD_LABELS.items()},
    "分档": "graded", "档次": "graded", "档次评分": "graded", "分级评分": "graded",
    "是否": "yesno", "是/否": "yesno", "是否评分": "yesno", "达标": "yesno",
    "扣分": "deduction", "扣分制": "deduction", "按次扣分": "deduction", "按项扣分": "deduction",
    "打分": "points", "计分": "points", "直接评分": "points",
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

HEADER_SCAN_ROWS = 30


# ---------------------------------------------------------------------------------------------
# Small parsers (pure functions; also used by the export to stay symmetric)
# ---------------------------------------------------------------------------------------------

def norm(text: Any) -> str:
    """Header spelling used for matching: NFKC, no whitespace, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


def fmt_number(x: float) -> str:
    """Shortest positional text that reads back as exactly ``x`` (``10``, ``0.5``, never ``1e-05``)."""
    f = float(x)
    if f.is_integer():
        return str(int(f))
    text = repr(f)
    if "e" in text or "E" in text:
        from decimal import Decimal

        text = format(Decimal(text), "f")
    return text


def split_lines(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"\r\n|\r|\n", text) if s.strip()]


_NUM = r"(\d+(?:\.\d+)?)"


def parse_number(text: str) -> float | None:
    """``2``, ``2.5``, ``2分``, ``２分``, `` 10 分 `` → float; anything else → None."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    m = re.fullmatch(r"\+?" + _NUM + r"分?", t)
    return float(m.group(1)) if m else None


def parse_fraction(text: str) -> float | None:
    """``0.8`` or ``80%`` → 0.8."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    m = re.fullmatch(_NUM + r"(%)?", t)
    if not m:
        return None
    return float(m.group(1)) / 100 if m.group(2) else float(m.group(1))


def _pairs(text: str) -> list[tuple[str, str]] | None:
    """Lines ``名称：值`` (also ``=`` or ``:``); None if a line has no separator."""
    out = []
    for line in split_lines(text.replace("；", "\n").replace(";", "\n")):
        m = re.fullmatch(r"(.+?)\s*[:：=]\s*[≥>＝=]*\s*([^:：=]+)", line)
        if not m:
            return None
        out.append((m.group(1).strip(), m.group(2).strip()))
    return out


def parse_levels(text: str) -> list[dict[str, Any]] | None:
    pairs = _pairs(text)
    if not pairs:
        return None
    out = []
    for name, value in pairs:
        frac = parse_fraction(value)
        if frac is None:
            return None
        out.append({"name": name, "fraction": frac})
    return out


def format_levels(levels: Iterable[Any]) -> str:
    return "\n".join(f"{lv.name}：{fmt_number(lv.fraction)}" for lv in levels)


def parse_grades(text: str) -> list[dict[str, Any]] | None:
    pairs = _pairs(text)
    if not pairs:
        return None
    out = []
    for name, value in pairs:
        v = parse_number(value.rstrip("%％"))
        if v is None:
            return None
        out.append({"name": name, "min": v})
    return out


def format_grades(grades: Iterable[Any]) -> str:
    return "\n".join(f"{g.name}：{fmt_number(g.min)}" for g in grades)


_PER_CASE_RES = (
    re.compile(r"每[^。；;，,]{0,40}?扣(?:除|减)?\s*" + _NUM + r"\s*分"),
    re.compile(r"扣\s*" + _NUM + r"\s*分\s*/\s*[处项次个件例条]"),
)
_MAX_DEDUCT_RE = re.compile(r"(?:最多|最高|累计最多|至多|最多累计)扣(?:除|减)?\s*" + _NUM + r"\s*分")
_FLOOR_RE = re.compile(r"(?:最低|不低于|保底|下限)\s*" + _NUM + r"\s*分")


def parse_deduction(text: str, points: float | None = None) -> dict[str, float] | None:
    """``每处扣0.5分，最低0分`` / ``每发现1处扣0.5分，扣完为止`` → ``{per_case, floor}``.

    None when no single per-case amount is stated (several different amounts are ambiguous).
    """
    t = unicodedata.normalize("NFKC", text)
    amounts = {float(m.group(1)) for rx in _PER_CASE_RES for m in rx.finditer(t)}
    if len(amounts) != 1:
        return None
    per_case = amounts.pop()
    if per_case <= 0:
        return None
    floor = 0.0
    m = _FLOOR_RE.search(t)
    if m:
        floor = float(m.group(1))
    else:
        m = _MAX_DEDUCT_RE.search(t)
        if m and points is not None:
            floor = max(0.0, points - float(m.group(1)))
    return {"per_case": per_case, "floor": floor}


def format_deduction(d: Any) -> str:
    return f"每处扣{fmt_number(d.per_case)}分，最低{fmt_number(d.floor)}分"


def parse_method(text: str) -> str | None:
    return METHOD_WORDS.get(norm(text)) or METHOD_WORDS.get(text.strip())


def parse_kind(text: str) -> str | None:
    return KIND_WORDS.get(norm(text))


def parse_bool(text: str) -> bool | None:
    t = norm(text)
    if t in YES:
        return True
    if t in NO:
        return False
    return None


# -- numbering ------------------------------------------------------------------------------

_CN = "[〇零一二两三四五六七八九十百]+"
_CIRCLED = "①-⑳㉑-㉟㊱-㊿"
_NUMBERINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn_paren", re.compile(rf"^([（(]\s*({_CN})\s*[）)][、.．]?)\s*")),
    ("cn", re.compile(rf"^(({_CN})\s*[、.．])\s*")),
    ("arabic_paren", re.compile(r"^([（(]\s*(\d{1,4})\s*[）)][、.．]?)\s*")),
    ("dotted", re.compile(r"^((\d{1,4}(?:[.．]\d{1,4})+)[.．、]?)(?![\d%％倍万亿元个天日年月时米吨人次项件分])\s*")),
    ("arabic", re.compile(r"^((\d{1,4})\s*[.．、])(?![\d%％])\s*")),
    ("circled", re.compile(rf"^(([{_CIRCLED}]))\s*")),
)
# Conventional nesting of Chinese official documents: 一、 > （一） > 1. > （1） > ①.
STYLE_RANK = {"cn": 1.0, "cn_paren": 2.0, "arabic": 3.0, "arabic_paren": 4.0, "circled": 5.0}


def _cn_int(s: str) -> int:
    digits = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    total = cur = 0
    for ch in s:
        if ch in digits:
            cur = digits[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
    return total + cur


def _circled_int(ch: str) -> int:
    o = ord(ch)
    if 0x2460 <= o <= 0x2473:
        return o - 0x2460 + 1
    if 0x3251 <= o <= 0x325F:
        return o - 0x3251 + 21
    return o - 0x32B1 + 36


@dataclass(frozen=True)
class Numbering:
    label: str  # as printed, e.g. "（一）"
    style: str  # cn | cn_paren | arabic | arabic_paren | circled | dotted2, dotted3…
    number: int

    @property
    def rank(self) -> float | None:
        if self.style.startswith("dotted"):
            return 3.0 + int(self.style[6:]) / 10
        return STYLE_RANK.get(self.style)


def _numbering(style: str, label: str, digits: str) -> Numbering:
    if style in ("cn", "cn_paren"):
        return Numbering(label, style, _cn_int(digits))
    if style == "circled":
        return Numbering(label, style, _circled_int(digits))
    if style == "dotted":
        parts = re.split(r"[.．]", digits)
        return Numbering(label, f"dotted{len(parts)}", int(parts[-1]))
    return Numbering(label, style, int(digits))


def split_numbering(text: str) -> tuple[Numbering | None, str]:
    """``（一）加强领导`` → (Numbering（一）, ``加强领导``); text without numbering → (None, text)."""
    for style, rx in _NUMBERINGS:
        m = rx.match(text)
        if m:
            return _numbering(style, m.group(1).strip(), m.group(2)), text[m.end():].strip()
    return None, text


def parse_label(text: str) -> Numbering | None:
    """A whole cell that is only a number: ``一``, ``一、``, ``（1）``, ``7``, ``1.2``, ``②``."""
    t = text.strip()
    if re.fullmatch(r"\d{1,4}", t):
        return Numbering(t, "arabic", int(t))
    if re.fullmatch(_CN, t):
        return Numbering(t, "cn", _cn_int(t))
    num, rest = split_numbering(t)
    if num is not None and not rest:
        return num
    return None


# -- text clean-up for published tables ------------------------------------------------------

_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_SENTENCE_END = "。；;：:！!？?"


def clean_heading(text: str) -> str:
    """Remove the whitespace that PDF/Word conversion leaves inside Chinese text.

    ``一、 政府 职能`` → ``一、政府职能``; a line break after a sentence end is kept;
    a space between two Latin words or numbers is kept as one space.
    """
    def repl(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if "\n" in m.group(0) and before in _SENTENCE_END:
            return "\n"
        if _ASCII_WORD.match(before or " ") and _ASCII_WORD.match(after or " "):
            return " "
        return ""

    return re.sub(r"\s+", repl, text.strip())


_ADMIN = "省市区县乡镇村"


def split_units(text: str) -> list[str]:
    """Split a 责任单位 cell of a published table into units.

    Splits on line breaks, ，,；; and 、, but not inside brackets and not in
    ``市、县两级政府`` / ``区、县(市)`` where 、 joins two administrative levels.
    """
    out: list[str] = []
    buf = ""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "（(【[":
            depth += 1
        elif ch in "）)】]":
            depth = max(0, depth - 1)
        sep = ch in "\n，,；;" or (
            ch == "、"
            and depth == 0
            and not (i > 0 and text[i - 1] in _ADMIN and i + 1 < len(text) and text[i + 1] in _ADMIN)
        )
        if sep and depth == 0:
            if buf.strip():
                out.append(buf.strip())
            buf = ""
        else:
            buf += ch
    if buf.strip():
        out.append(buf.strip())
    return out


def split_items(text: str) -> list[str]:
    """Evidence / 不涉及 lists of published tables: one per line or per ；."""
    return [s.strip() for s in re.split(r"[\n；;]", text) if s.strip()]


_POINTS_SUFFIX = re.compile(r"[（(]\s*" + _NUM + r"\s*分\s*[)）]\s*$")
_BONUS_TITLE = re.compile(r"^(加分项?|加分指标|附加分|奖励加分)([（(].*[)）])?$")
_PENALTY_TITLE = re.compile(r"^(减分项?|扣分项|减分指标)([（(].*[)）])?$")
_NOTE_ROW = re.compile(r"^(注|说明|备注|附注)\s*\d*\s*[:：]")
_TOTAL_ROW = {"合计", "总计", "总分", "小计", "共计"}


def slug_id(stem: str) -> str | None:
    """An ASCII file name as a checklist id (``Annual_2021`` → ``annual_2021``); else None."""
    if not stem.isascii():
        return None
    s = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._")
    return s if s and ID_RE.match(s) else None


# ---------------------------------------------------------------------------------------------
# Reading a sheet
# ---------------------------------------------------------------------------------------------

def _col_letter(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def cell_text(v: Any) -> str:
    """A cell value as text: numbers without a spurious ``.0``, dates as ISO, strings stripped."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return fmt_number(v) if math.isfinite(v) else ""
    if isinstance(v, (_dt.datetime, _dt.date)):
        if isinstance(v, _dt.datetime) and v.time() == _dt.time():
            v = v.date()
        return v.isoformat()
    return str(v).strip()


class _Sheet:
    """Cell values of one worksheet with merged ranges resolved, read without creating cells."""

    def __init__(self, ws: Any, formula_ws: Any = None) -> None:
        self.name: str = ws.title
        cells = getattr(ws, "_cells", None)  # iterating ws.cell() would materialise empty cells
        if cells is None:  # pragma: no cover - other openpyxl internals
            cells = {(c.row, c.column): c for row in ws.iter_rows() for c in row}
        self.values: dict[tuple[int, int], Any] = {
            k: c.value for k, c in cells.items() if not _is_blank(c.value)
        }
        self.merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for rng in ws.merged_cells.ranges:
            box = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    self.merged[(r, c)] = box
        self.uncached: dict[tuple[int, int], str] = {}
        if formula_ws is not None:
            fcells = getattr(formula_ws, "_cells", {})
            for k, c in fcells.items():
                if isinstance(c.value, str) and c.value.startswith("=") and k not in self.values:
                    self.uncached[k] = c.value
        used = list(self.values) + [k for k, box in self.merged.items() if k[:2] == box[:2]]
        self.max_row = max((r for r, _ in used), default=0)
        self.max_col = max((c for _, c in used), default=0)

    def ref(self, r: int, c: int) -> str:
        return f"{self.name}!{_col_letter(c)}{r}"

    def get(self, r: int, c: int) -> tuple[Any, str]:
        """(value, state); state is ``own`` (written in this cell), ``down`` (a vertically merged
        cell continuing the one above), ``side`` (part of a merge to the left: no value of its
        own) or ``empty``."""
        box = self.merged.get((r, c))
        if box is not None:
            r0, c0 = box[0], box[1]
            if c != c0:
                return None, "side"
            v = self.values.get((r0, c0))
            if _is_blank(v):
                return None, "empty"
            return v, ("own" if r == r0 else "down")
        v = self.values.get((r, c))
        return (None, "empty") if _is_blank(v) else (v, "own")

    def span(self, r: int, c: int) -> tuple[int, int]:
        """Columns covered by the cell at (r, c) (a horizontal merge covers several)."""
        box = self.merged.get((r, c))
        return (box[1], box[3]) if box else (c, c)

    def row_texts(self, r: int) -> dict[int, str]:
        out = {}
        for c in range(1, self.max_col + 1):
            v, state = self.get(r, c)
            if state == "own":
                out[c] = cell_text(v)
        return out


# ---------------------------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------------------------

class _Report:
    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(Problem(where, message))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(Problem(where, message))


@dataclass
class ImportResult:
    """What an import produced: the checklist, the warnings, and how the table was read."""

    checklist: Checklist
    warnings: list[Problem]
    sheet: str = ""
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # column letter → Chinese field name
    structure: str = ""  # how the tree was built: 层级 | 编号 | 指标列和序号
    exact: bool = False  # True for fzzf's own template/export layout
    data: dict[str, Any] = field(default_factory=dict)  # the dict given to checklist_from_dict

    @property
    def warning_lines(self) -> list[str]:
        return [str(w) for w in self.warnings]


# ---------------------------------------------------------------------------------------------
# Header detection
# ---------------------------------------------------------------------------------------------

def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for field_, aliases in LEVEL_ALIASES.items():
        for a in aliases:
            table.setdefault(norm(a), field_)
    for col in COLUMNS:
        for a in (col.header, *col.aliases):
            table.setdefault(norm(a), col.field)
    return table


ALIASES = _alias_table()


def field_for_header(text: str) -> str | None:
    """The field a header means (``评分细则`` → ``criteria``), trying without a ``（…）`` suffix."""
    key = norm(text)
    if key in ALIASES:
        return ALIASES[key]
    bare = re.sub(r"\(.*\)$", "", key)
    if bare != key and bare in ALIASES:
        return ALIASES[bare]
    return None


def _field_from_user(value: str) -> str | None:
    """A mapping target: a field key (``points``), a header spelling (``分值``) or ignore."""
    v = value.strip()
    if v in FIELD_NAMES:
        return v
    if norm(v) in (norm(w) for w in IGNORE_WORDS) or v == "":
        return "ignore"
    return field_for_header(v)


@dataclass
class _Header:
    row: int  # last header row
    first_row: int
    fields: dict[str, list[int]]  # field → columns (in order)
    columns: dict[int, str]  # column → field
    unknown: dict[int, str]  # column → header text not recognised


def _match_row(sheet: _Sheet, r: int, user: Mapping[str, str]) -> dict[int, tuple[str, int]]:
    """Recognised header cells of row r (also those merged down from the row above):
    column → (field, last column of the cell's span)."""
    out = {}
    for c in range(1, sheet.max_col + 1):
        v, state = sheet.get(r, c)
        text = cell_text(v) if state in ("own", "down") else ""
        if not text:
            continue
        f = user.get(norm(text)) or field_for_header(text)
        if f:
            out[c] = (f, sheet.span(r, c)[1])
    return out


@dataclass
class _Mapping:
    by_text: dict[str, str]  # normalised header text → field
    by_letter: dict[int, str]  # column number → field


def _parse_mapping(mapping: Mapping[str, str] | None, report: _Report) -> _Mapping:
    from openpyxl.utils import column_index_from_string

    out = _Mapping({}, {})
    for key, value in (mapping or {}).items():
        target = _field_from_user(str(value))
        if target is None:
            report.error("映射", f"“{key}={value}”：“{value}” 不是可识别的列（可用：{'、'.join(FIELD_NAMES.values())}，或“忽略”）")
            continue
        k = str(key).strip()
        if re.fullmatch(r"[A-Za-z]{1,3}", k):
            out.by_letter[column_index_from_string(k.upper())] = target
        else:
            out.by_text[norm(k)] = target
    return out


def _detect_header(sheet: _Sheet, user: _Mapping, header_row: int | None, report: _Report) -> _Header | None:
    by_text, by_letter = user.by_text, user.by_letter

    def usable(found: dict[int, tuple[str, int]]) -> bool:
        fields = {f for f, _ in found.values()} | set(by_letter.values())
        heading = fields & (set(HEADING_FIELDS) | {"text"})
        return len(found) + len(by_letter) >= 2 and bool(heading)

    if header_row is not None:
        rows: Iterable[int] = [header_row]
    else:
        rows = range(1, min(sheet.max_row, HEADER_SCAN_ROWS) + 1)
    hit = None
    found: dict[int, tuple[str, int]] = {}
    for r in rows:
        found = _match_row(sheet, r, by_text)
        if usable(found):
            hit = r
            break
    if hit is None:
        return None
    first = last = hit
    if hit > 1 and any(
        sheet.get(hit, c)[1] == "down" and sheet.merged[(hit, c)][0] == hit - 1 for c in range(1, sheet.max_col + 1)
    ):
        # Two header rows, found by the lower one (分值 merged over both, 指标 over 一级|二级).
        first = hit - 1
    else:
        below = sheet.row_texts(hit + 1)
        below_found = _match_row(sheet, hit + 1, by_text)
        if below_found and all(c in below_found for c, t in below.items() if t):
            found = {**found, **below_found}
            last = hit + 1
    header_texts: dict[int, str] = {}
    for r in range(first, last + 1):
        header_texts.update(sheet.row_texts(r))
    columns: dict[int, str] = {}
    for c, (f, end) in sorted(found.items()):
        for cc in range(c, end + 1):
            if cc not in columns or cc == c:
                columns[cc] = f
    for c, f in by_letter.items():
        columns[c] = f
    columns = {c: f for c, f in columns.items() if f != "ignore"}
    fields: dict[str, list[int]] = {}
    for c in sorted(columns):
        fields.setdefault(columns[c], []).append(c)
    unknown = {c: t for c, t in header_texts.items() if t and c not in columns and c not in by_letter}
    for key in by_text:
        if not any(norm(t) == key for t in header_texts.values()):
            report.warn(sheet.name, f"映射中的列名“{key}”在第 {first} 行的表头中找不到")
    return _Header(last, first, fields, columns, unknown)


# ---------------------------------------------------------------------------------------------
# Building the tree
# ---------------------------------------------------------------------------------------------

@dataclass
class _Node:
    title: str = ""
    label: str = ""
    numbering: Numbering | None = None
    group: int = 0
    code: str = ""
    row: int = 0
    ref: str = ""  # the cell that created it (heading or title cell)
    values: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # field → cell
    children: list["_Node"] = field(default_factory=list)
    parent: "_Node | None" = None

    def add(self, child: "_Node") -> "_Node":
        child.parent = self
        self.children.append(child)
        return child

    def walk(self) -> Iterable["_Node"]:
        for c in self.children:
            yield c
            yield from c.walk()

    @property
    def style(self) -> str:
        return self.numbering.style if self.numbering else ""


@dataclass
class _Token:
    group: int
    title: str
    ref: str
    numbering: Numbering | None
    points: float | None = None  # from a title ending in （20分）


class _Importer:
    def __init__(self, sheet: _Sheet, header: _Header, exact: bool, report: _Report) -> None:
        self.sheet = sheet
        self.h = header
        self.exact = exact
        self.report = report
        self.root = _Node(title="<root>")
        self.total: float | None = None
        self.total_ref = ""
        self.row_node: dict[int, _Node] = {}
        self.deferred_points: list[tuple[float, str, int, int]] = []  # value, ref, first row, last row
        # Heading groups: level columns in level order (a merged header covers several columns).
        order = {f: i for i, f in enumerate(HEADING_FIELDS)}
        heading = [f for f in HEADING_FIELDS if f in header.fields]
        if not heading and "text" in header.fields:
            heading = ["text"]
            order["text"] = len(order)
        self.groups: list[tuple[str, list[int]]] = sorted(
            ((f, header.fields[f]) for f in heading), key=lambda g: (order[g[0]], g[1][0])
        )
        self.heading_fields = {f for f, _ in self.groups}

    # -- cell helpers ----------------------------------------------------------------------
    def read(self, r: int, c: int) -> tuple[Any, str]:
        if (r, c) in self.sheet.uncached:
            self.report.error(
                self.sheet.ref(r, c),
                f"公式 {self.sheet.uncached[(r, c)]} 没有保存计算结果（文件未经 Excel 保存过），"
                "请在 Excel 中打开并保存后再导入，或改为直接填写数值",
            )
        return self.sheet.get(r, c)

    def field_cells(self, r: int, name: str, inherit: bool = True) -> list[tuple[str, str, str]]:
        """(text, cell, state) of a field's non-empty cells in row r."""
        out = []
        for c in self.h.fields.get(name, ()):
            v, state = self.read(r, c)
            if state == "own" or (state == "down" and inherit):
                text = cell_text(v)
                if text:
                    out.append((text, self.sheet.ref(r, c), state))
        return out

    def scalar(self, r: int, name: str, inherit: bool = True) -> tuple[str, str, str] | None:
        cells = self.field_cells(r, name, inherit)
        return cells[0] if cells else None

    # -- rows ------------------------------------------------------------------------------
    def data_rows(self) -> Iterable[int]:
        header_texts = {c: norm(t) for c, t in self.sheet.row_texts(self.h.first_row).items()}
        for r in range(self.h.row + 1, self.sheet.max_row + 1):
            texts = {c: t for c, t in self.sheet.row_texts(r).items() if c in self.h.columns}
            if texts and all(header_texts.get(c) == norm(t) for c, t in texts.items()) and len(texts) >= 2:
                continue  # the header repeated on a new page
            yield r

    def tokens(self, r: int) -> list[_Token]:
        out = []
        label_cell = self.scalar(r, "label", inherit=False)
        for gi, (_, cols) in enumerate(self.groups):
            texts = []
            for c in cols:
                v, state = self.read(r, c)
                if state == "own":
                    t = cell_text(v)
                    if t:
                        texts.append((t, self.sheet.ref(r, c)))
            if not texts:
                continue
            numbering = None
            if len(texts) > 1 and parse_label(texts[0][0]) is not None:
                # A merged header over a number column and a text column (附件2: 三级指标).
                numbering = parse_label(texts[0][0])
                texts = texts[1:]
            out.append(_Token(gi, "\n".join(t for t, _ in texts), texts[0][1], numbering))
        for i, tok in enumerate(out):
            # A 序号 column numbers the row's deepest heading; the others keep their own numbering.
            labelled = label_cell is not None and i == len(out) - 1
            if labelled:
                text = label_cell[0]
                tok.numbering = parse_label(text) or Numbering(text, "other", 0)
            if self.exact:
                continue
            tok.title = clean_heading(tok.title)
            if tok.numbering is None and not labelled:
                tok.numbering, tok.title = split_numbering(tok.title)
            m = _POINTS_SUFFIX.search(tok.title)
            if m and m.start() > 0:
                tok.points, tok.title = float(m.group(1)), tok.title[: m.start()].rstrip()
        return out

    def is_skippable(self, r: int, tokens: list[_Token]) -> bool:
        """Notes under the table (注：…) and total rows (合计) are not indicators."""
        if self.exact or not tokens:
            return False
        first = tokens[0]
        other = [f for f in self.h.fields if f not in HEADING_FIELDS and f != "label" and self.field_cells(r, f, False)]
        if len(tokens) == 1 and norm(first.title) in _TOTAL_ROW and first.numbering is None:
            pts = self.scalar(r, "points", inherit=False)
            if pts is not None:
                value = parse_number(pts[0])
                if value is not None:
                    self.total, self.total_ref = value, pts[1]
            return True
        if len(tokens) == 1 and not other and _NOTE_ROW.match(first.title):
            self.report.warn(first.ref, "表格下方的注释行，已跳过")
            return True
        return False

    def place(self, stack: list[_Node], tok: _Token) -> _Node:
        """Put a heading token in the tree by its column group and numbering style."""
        while stack and stack[-1].group > tok.group:
            stack.pop()
        style = tok.numbering.style if tok.numbering else ""
        same = None
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].group < tok.group:
                break
            if stack[i].style == style:
                same = i
                break
        if same is not None:
            del stack[same:]
        else:
            rank = tok.numbering.rank if tok.numbering else None
            while (
                rank is not None
                and stack
                and stack[-1].group == tok.group
                and stack[-1].numbering is not None
                and stack[-1].numbering.rank is not None
                and stack[-1].numbering.rank >= rank
            ):
                stack.pop()
        parent = stack[-1] if stack else self.root
        last = parent.children[-1] if parent.children else None
        label = tok.numbering.label if tok.numbering else ""
        if last is not None and last.children and last.title == tok.title and last.label == label and last.group == tok.group:
            node = last  # a heading repeated after a page break, or repeated instead of merged
        else:
            node = parent.add(_Node(title=tok.title, label=label, numbering=tok.numbering, group=tok.group, ref=tok.ref))
        stack.append(node)
        return node

    def build_by_headings(self) -> None:
        stack: list[_Node] = []
        for r in self.data_rows():
            toks = self.tokens(r)
            if self.is_skippable(r, toks):
                continue
            node = None
            for tok in toks:
                node = self.place(stack, tok)
                node.row = node.row or r
                if tok.points is not None:
                    self.set_points(node, tok.points, tok.ref)
            if node is None:
                if self.row_has_content(r):
                    if not stack:
                        self.report.error(self.first_ref(r), "该行没有指标名称，且上方没有可以归属的指标")
                        continue
                    self.apply_fields(stack[-1], r, continuation=True)
                continue
            self.row_node[r] = node
            code = self.scalar(r, "code", inherit=False)
            if code is not None:
                node.code, node.refs["code"] = code[0], code[1]
            self.apply_fields(node, r, continuation=False)

    def build_by_depth(self) -> None:
        stack: list[_Node] = []
        for r in self.data_rows():
            depth_cell = self.scalar(r, "depth", inherit=False)
            title, ref = self.row_title(r)
            if depth_cell is None:
                if title or self.row_has_content(r):
                    self.report.error(self.first_ref(r), "层级为空：填了层级列时，每一行都要填层级（1、2、3…）")
                continue
            text, dref, _ = depth_cell
            d = _parse_depth(text)
            if d is None:
                self.report.error(dref, f"层级 “{text}” 不是正整数（1 为一级，2 为二级……）")
                continue
            if d > len(stack) + 1:
                self.report.error(dref, f"层级 {d} 比上一行深了不止一级（上一行为第 {len(stack)} 级）")
                continue
            del stack[d - 1:]
            parent = stack[-1] if stack else self.root
            node = parent.add(self.new_row_node(r, title, ref))
            stack.append(node)

    def build_by_code(self) -> None:
        by_code: dict[str, _Node] = {}
        for r in self.data_rows():
            code_cell = self.scalar(r, "code", inherit=False)
            title, ref = self.row_title(r)
            if code_cell is None:
                if title or self.row_has_content(r):
                    self.report.error(self.first_ref(r), "编号为空：按编号组织时，每一行都要填编号")
                continue
            code = code_cell[0]
            parent = self.root
            if "." in code:
                pcode = code.rsplit(".", 1)[0]
                if pcode not in by_code:
                    self.report.error(code_cell[1], f"编号 {code} 的上级 {pcode} 不存在（上级指标应写在下级之前）")
                    continue
                parent = by_code[pcode]
            node = parent.add(self.new_row_node(r, title, ref))
            by_code.setdefault(code, node)

    def new_row_node(self, r: int, title: str, ref: str) -> _Node:
        node = _Node(title=title, row=r, ref=ref or self.first_ref(r))
        label = self.scalar(r, "label", inherit=False)
        if label is not None:
            node.label = label[0]
            node.numbering = parse_label(label[0])
        code = self.scalar(r, "code", inherit=False)
        if code is not None:
            node.code, node.refs["code"] = code[0], code[1]
        self.row_node[r] = node
        self.apply_fields(node, r, continuation=False)
        return node

    def row_title(self, r: int) -> tuple[str, str]:
        """The title of a one-row-per-item table: the last heading column written in the row."""
        for _, cols in reversed(self.groups):
            for c in cols:
                v, state = self.read(r, c)
                if state == "own" and cell_text(v):
                    text = cell_text(v)
                    return (text if self.exact else clean_heading(text)), self.sheet.ref(r, c)
        return "", ""

    def first_ref(self, r: int) -> str:
        return self.sheet.ref(r, min(self.h.columns) if self.h.columns else 1)

    def row_has_content(self, r: int) -> bool:
        return any(
            self.field_cells(r, f, inherit=False)
            for f in self.h.fields
            if f not in self.heading_fields and f not in HEADING_FIELDS and f not in ("depth", "code", "label")
        )

    # -- fields ----------------------------------------------------------------------------
    def apply_fields(self, node: _Node, r: int, continuation: bool) -> None:
        inherit = not continuation  # a continuation row must not re-add values merged from above
        for name in LIST_FIELDS:
            if name in self.heading_fields:
                continue
            cells = self.field_cells(r, name, inherit)
            for text, ref, _ in cells:
                if self.exact:
                    items = split_lines(text)
                elif name in ("units", "offices"):
                    items = split_units(text)
                else:
                    items = split_items(text)
                lst = node.values.setdefault(name, [])
                # Exact layout keeps lists as written; a published table repeats units across columns.
                lst.extend(i for i in items if self.exact or i not in lst)
                node.refs.setdefault(name, ref)
        for name in TEXT_FIELDS:
            if name in self.heading_fields:
                continue
            cells = self.field_cells(r, name, inherit)
            if cells:
                text = "\n".join(t for t, _, _ in cells)
                old = node.values.get(name)
                node.values[name] = f"{old}\n{text}" if old and continuation else text
                node.refs.setdefault(name, cells[0][1])
        for name in ("method", "rule", "kind"):
            cell = self.scalar(r, name, inherit)
            if cell is None:
                continue
            text, ref, _ = cell
            if name in node.values and node.values[name] != text:
                self.report.error(ref, f"{FIELD_NAMES[name]} “{text}” 与上一行的 “{node.values[name]}” 冲突")
                continue
            node.values[name], node.refs[name] = text, ref
        self.apply_points(node, r, continuation)

    def apply_points(self, node: _Node, r: int, continuation: bool) -> None:
        for c in self.h.fields.get("points", ())[:1]:
            v, state = self.read(r, c)
            if (r, c) in self.sheet.uncached and not continuation:
                node.refs["points_bad"] = self.sheet.ref(r, c)
            if state not in ("own",):
                continue  # the rows a merged points cell spans are handled after the tree is built
            ref = self.sheet.ref(r, c)
            errors = len(self.report.errors)
            value = self.points_value(v, ref)
            if value is None:
                if len(self.report.errors) > errors:
                    node.refs["points_bad"] = ref  # already reported: no second “缺少分值”
                continue
            box = self.sheet.merged.get((r, c))
            if box is not None and box[2] > box[0]:
                self.deferred_points.append((value, ref, box[0], box[2]))
                continue
            self.set_points(node, value, ref)

    def points_value(self, v: Any, ref: str) -> float | None:
        if isinstance(v, bool):
            self.report.error(ref, f"分值 “{cell_text(v)}” 不是数字")
            return None
        if isinstance(v, (int, float)):
            value: float | None = float(v)
        else:
            text = cell_text(v)
            if text in BLANK_POINTS:
                return None
            value = parse_number(text)
            if value is None:
                if re.fullmatch(r"-\s*\d+(\.\d+)?\s*分?", unicodedata.normalize("NFKC", text)):
                    self.report.error(ref, f"分值 “{text}” 不能为负（减分项也填正数，在“类型”列写减分项）")
                else:
                    self.report.error(ref, f"分值 “{text}” 不是数字")
                return None
        if not math.isfinite(value):
            self.report.error(ref, f"分值 “{cell_text(v)}” 不是有效数字")
            return None
        if value < 0:
            self.report.error(ref, f"分值 “{cell_text(v)}” 不能为负（减分项也填正数，在“类型”列写减分项）")
            return None
        return value

    def set_points(self, node: _Node, value: float, ref: str) -> None:
        old = node.values.get("points")
        if old is not None and abs(old - value) > EPS:
            self.report.error(ref, f"分值 {fmt_number(value)} 与 {node.refs['points']} 的 {fmt_number(old)} 冲突（同一指标只能有一个分值）")
            return
        node.values["points"], node.refs["points"] = value, ref

    def resolve_deferred_points(self) -> None:
        """A points cell merged over several rows belongs to the item those rows share."""
        for value, ref, r1, r2 in self.deferred_points:
            nodes = [self.row_node[r] for r in range(r1, r2 + 1) if r in self.row_node]
            if not nodes:
                continue
            common = _ancestors(nodes[0])
            for n in nodes[1:]:
                chain = _ancestors(n)
                common = [a for a, b in zip(common, chain) if a is b]
            if not common:
                self.report.error(ref, f"合并的分值单元格跨越了几个一级指标（第 {r1}–{r2} 行），无法确定属于哪一项")
                continue
            self.set_points(common[-1], value, ref)

    # -- whole sheet -------------------------------------------------------------------------
    def build(self) -> str:
        depth_cols = self.h.fields.get("depth")
        code_cols = self.h.fields.get("code")
        rows = list(self.data_rows())
        has = lambda f: any(self.scalar(r, f, inherit=False) for r in rows)  # noqa: E731
        if depth_cols and has("depth"):
            structure = "层级"
            self.build_by_depth()
        elif code_cols and has("code") and (self.exact or self.codes_cover_rows(rows)):
            structure = "编号"
            self.build_by_code()
        else:
            values = [c[0] for r in rows if (c := self.scalar(r, "code", inherit=False))]
            if values and "label" not in self.h.fields and not all(CODE_RE.match(v) for v in values):
                # A 编号 column holding 一、/（1）… is a numbering column, not codes.
                self.h.fields["label"] = self.h.fields.pop("code")
            structure = "指标列和序号"
            if not self.groups:
                return structure
            self.build_by_headings()
        self.resolve_deferred_points()
        return structure

    def codes_cover_rows(self, rows: list[int]) -> bool:
        """A published table's 编号 column gives the tree only if every row has a dotted code."""
        values = []
        for r in rows:
            code = self.scalar(r, "code", inherit=False)
            if code is None:
                if self.row_title(r)[0]:
                    return False
                continue
            values.append(code[0])
        return all(CODE_RE.match(v) for v in values) and any("." in v for v in values)


def _parse_depth(text: str) -> int | None:
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    t = re.sub(r"^第|级(指标)?$", "", t)
    if re.fullmatch(r"\d{1,2}(\.0+)?", t):
        d = int(float(t))
    elif re.fullmatch(_CN, t):
        d = _cn_int(t)
    else:
        return None
    return d if d >= 1 else None


def _ancestors(node: _Node) -> list[_Node]:
    out = []
    n: _Node | None = node
    while n is not None and n.parent is not None:
        out.append(n)
        n = n.parent
    return out[::-1]


# ---------------------------------------------------------------------------------------------
# From the tree to the checklist dict
# ---------------------------------------------------------------------------------------------

def _derive_codes(parent: _Node, prefix: str) -> None:
    kids = parent.children
    todo = [k for k in kids if not k.code]
    numbers = [k.numbering.number if k.numbering and k.numbering.number > 0 else None for k in todo]
    use_numbers = bool(todo) and None not in numbers and len(set(numbers)) == len(numbers)
    taken = {k.code for k in kids if k.code}
    for i, k in enumerate(kids, 1):
        if not k.code:
            segs = [str(k.numbering.number)] if use_numbers and k.numbering else []
            segs += [str(i)] + [f"{i}n{n}" for n in range(2, len(kids) + 3)]
            for seg in segs:
                code = f"{prefix}.{seg}" if prefix else seg
                if code not in taken:
                    break
            k.code = code
            taken.add(code)
        _derive_codes(k, k.code)


def _kind_of(node: _Node, report: _Report, exact: bool) -> str | None:
    text = node.values.get("kind")
    if text is not None:
        kind = parse_kind(text)
        if kind is None:
            report.error(node.refs["kind"], f"类型 “{text}” 无法识别（可用：加分项、减分项，普通指标留空）")
        return kind
    if not exact:
        t = norm(node.title)
        if _BONUS_TITLE.match(t):
            return "bonus"
        if _PENALTY_TITLE.match(t):
            return "penalty"
    return None


def _hoist_bonus_penalty(root: _Node, report: _Report) -> None:
    """附件 tables put 加分项/减分项 under one 附加项 heading; the model wants them top-level."""
    new: list[_Node] = []
    for top in root.children:
        if top.values.get("kind_resolved", "normal") != "normal":
            new.append(top)
            continue
        moved = [c for c in top.children if c.values.get("kind_resolved", "normal") != "normal"]
        if not moved:
            new.append(top)
            continue
        kept = [c for c in top.children if c not in moved]
        top.children = kept
        if kept:
            new.append(top)
        for c in moved:
            c.parent = root
            origin = f"原文{top.label}{top.title}之{c.label}{c.title}"
            c.values["note"] = f"{origin}\n{c.values['note']}" if c.values.get("note") else origin
            report.warn(c.ref, f"“{c.label}{c.title}”移到第一级（加分项/减分项只能在第一级），原上级为“{top.label}{top.title}”")
            new.append(c)
    root.children = new


def _leaf_method(node: _Node, points: float | None, report: _Report) -> dict[str, Any]:
    """method / levels / deduction of a leaf from 评分方法, 档次/扣分 and 评分标准."""
    out: dict[str, Any] = {}
    method = None
    mtext = node.values.get("method")
    if mtext is not None:
        method = parse_method(mtext)
        if method is None:
            report.error(node.refs["method"], f"评分方法 “{mtext}” 无法识别（可用：{'、'.join(METHOD_LABELS.values())}）")
    rule = node.values.get("rule")
    if rule is not None:
        rref = node.refs["rule"]
        levels = parse_levels(rule)
        deduction = parse_deduction(rule, points)
        if method in (None, "deduction") and deduction is not None and levels is None:
            method = "deduction"
            out["deduction"] = deduction
        elif method in (None, "graded") and levels is not None:
            method = "graded"
            out["levels"] = levels
        elif method in ("yesno", "points", "findings"):
            report.error(rref, f"评分方法为“{METHOD_LABELS[method]}”时不用填档次/扣分（收到 “{rule}”）")
        elif mtext is None or method is not None:
            want = "“名称：比例”，每行一个档次" if method == "graded" else "“每处扣0.5分，最低0分”"
            report.error(rref, f"档次/扣分 “{rule}” 无法识别，应写成 {want}")
    elif method is None and mtext is None and node.values.get("criteria"):
        criteria = node.values["criteria"]
        deduction = parse_deduction(criteria, points)
        if deduction is not None:
            method = "deduction"
            out["deduction"] = deduction
        elif "扣" in criteria and "分" in criteria:
            report.warn(node.refs["criteria"], "评分标准中的扣分规则未能识别为“每…扣X分”，已按文字保留，评分方法用默认值")
    if method is not None:
        out["method"] = method
    return out


class _DictBuilder:
    def __init__(self, importer: _Importer, report: _Report, lenient: bool, default_method: str) -> None:
        self.imp = importer
        self.report = report
        self.lenient = lenient
        self.default_method = default_method
        self.paths: dict[str, _Node] = {}
        self.no_points_column = "points" not in importer.h.fields
        self.unscored: list[str] = []  # leaves without points when the table has no 分值 column

    def problem(self, where: str, message: str, fixed: str) -> None:
        """An error, or in lenient mode a warning saying what was done instead."""
        if self.lenient:
            self.report.warn(where, f"{message}；{fixed}")
        else:
            self.report.error(where, message)

    def item(self, node: _Node, path: str, parent_kind: str, top: bool, children_sum: bool, seen: dict[str, str],
             parent_code: str = "", position: int = 1) -> dict[str, Any]:
        self.paths[path] = node
        v = node.values
        d: dict[str, Any] = {}
        code = node.code
        code_ref = node.refs.get("code", node.ref)
        if not CODE_RE.match(code):
            self.problem(code_ref, f"编号 “{code}” 格式不对：应为用点分隔的字母或数字，如 3.2.40", "已改用自动编号")
            code = f"{parent_code}.{position}" if parent_code else str(position)
        if code in seen:
            self.problem(code_ref, f"编号 “{code}” 重复（首次出现在 {seen[code]}）", "已在编号末尾加 d 和序号")
            base, n = code, 2
            while f"{base}d{n}" in seen:
                n += 1
            code = f"{base}d{n}"
        seen[code] = code_ref
        d["code"] = code
        title = node.title
        if not title:
            self.problem(node.ref, f"指标 {code} 缺少标题", "已用“（无标题）”代替")
            title = "（无标题）"
        d["title"] = title
        if node.label:
            d["label"] = node.label
        for key in TEXT_FIELDS:
            if v.get(key):
                d[key] = v[key]
        kind = v.get("kind_resolved") or parent_kind
        if kind != parent_kind and not top:
            self.problem(node.refs.get("kind", node.ref), f"指标 {code}：加分项/减分项只能设在第一级", "已按上级的类型处理")
            kind = parent_kind
        if kind != "normal" or (top and kind != parent_kind):
            d["kind"] = kind
        points = v.get("points")
        points_ref = node.refs.get("points") or self._points_cell(node)
        if node.children and points is not None and self.lenient:
            bare = [c for c in node.children if not c.children and c.values.get("points") is None]
            if bare and len(bare) == len(node.children):
                share = points / len(bare)
                for c in bare:
                    c.values["points"] = share
                self.report.warn(points_ref, f"指标 {code} 的 {len(bare)} 个下级没有分值，已把 {fmt_number(points)} 分平均分配（每项 {share:g} 分）")
        if node.children:
            for key in ("method", "rule"):
                if key in v:
                    self.problem(node.refs[key], f"指标 {code} 有下级指标，不能自己设{FIELD_NAMES[key]}", "已忽略")
            kids = [
                self.item(c, f"{path}.children[{i}]", kind, False, children_sum, seen, code, i + 1)
                for i, c in enumerate(node.children)
            ]
            child_sum = sum(k["_points"] for k in kids if k.get("kind", kind) == kind)
            if points is not None and children_sum and abs(points - child_sum) > EPS:
                self.problem(points_ref, f"指标 {code} 的分值 {fmt_number(points)} 与下级分值之和 {fmt_number(child_sum)} 不符", "已改为下级之和")
                points = None
            if points is not None:
                d["points"] = points
            d["_points"] = child_sum if points is None else points
            d["children"] = kids
        else:
            method = _leaf_method(node, points, self.report)
            effective = method.get("method") or self.default_method
            if points is None and effective != "findings":
                if self.no_points_column:
                    self.unscored.append(code)
                elif self.lenient or "points_bad" not in node.refs:
                    self.problem(points_ref, f"指标 {code} 缺少分值", "已按 0 分处理")
                points = 0.0
            if points is not None:
                d["points"] = points
            d.update(method)
            d["_points"] = points or 0.0
        for key in LIST_FIELDS:
            if v.get(key):
                d[key] = list(v[key])
        if v.get("note"):
            d["note"] = v["note"]
        return d

    def _points_cell(self, node: _Node) -> str:
        cols = self.imp.h.fields.get("points")
        if cols and node.row:
            return self.imp.sheet.ref(node.row, cols[0])
        return node.ref


def _strip_private(d: Any) -> Any:
    if isinstance(d, dict):
        return {k: _strip_private(v) for k, v in d.items() if not k.startswith("_")}
    if isinstance(d, list):
        return [_strip_private(x) for x in d]
    return d


# ---------------------------------------------------------------------------------------------
# The 清单信息 sheet
# ---------------------------------------------------------------------------------------------

def _info_sheet(wb: Any) -> Any:
    names = {norm(n) for n in INFO_SHEET_NAMES}
    for ws in wb.worksheets:
        if norm(ws.title) in names:
            return ws
    return None


def _read_info(ws: Any, report: _Report) -> tuple[dict[str, Any], dict[str, str]]:
    """The header fields written on the 清单信息 sheet, parsed; and field → cell."""
    sheet = _Sheet(ws)
    lookup = {}
    for row in INFO_ROWS:
        for a in (row.label, *row.aliases):
            lookup.setdefault(norm(a), row.key)
    values: dict[str, Any] = {}
    refs: dict[str, str] = {}
    for r in range(1, sheet.max_row + 1):
        label, _ = sheet.get(r, 1)
        if _is_blank(label):
            continue
        key = lookup.get(norm(cell_text(label)))
        if key is None:
            if norm(cell_text(label)) not in ("项目", "字段", "名称"):
                report.warn(sheet.ref(r, 1), f"未识别的项目“{cell_text(label)}”，已忽略")
            continue
        raw, _ = sheet.get(r, 2)
        ref = sheet.ref(r, 2)
        refs[key] = ref
        if _is_blank(raw):
            continue
        text = cell_text(raw)
        if key == "format":
            if text != FORMAT:
                report.error(ref, f"格式 “{text}” 不受支持，应为 {FORMAT}")
        elif key in ("id", "title", "type", "version", "source", "description"):
            values[key] = str(raw).strip() if isinstance(raw, str) else text
        elif key == "provisional":
            values[key] = [s for s in re.split(r"[\n,，、;；\s]+", text) if s]
        elif key == "total":
            number = float(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else parse_number(text)
            if number is None:
                report.error(ref, f"总分 “{text}” 不是数字")
            else:
                values[key] = number
        elif key == "children_sum":
            b = raw if isinstance(raw, bool) else parse_bool(text)
            if b is None:
                report.error(ref, f"“上级分值等于下级之和”应填 是 或 否，收到 “{text}”")
            else:
                values[key] = b
        elif key == "completion_threshold":
            number = float(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else parse_fraction(text)
            if number is None:
                report.error(ref, f"完成度阈值 “{text}” 应为 0–1 的小数或百分数，如 0.9 或 90%")
            else:
                values[key] = number
        elif key == "grades":
            grades = parse_grades(text)
            if grades is None:
                report.error(ref, f"等级 “{text}” 无法识别，应每行写“等级名称：最低得分率”，如“优秀：90”")
            else:
                values[key] = grades
        elif key == "levels":
            levels = parse_levels(text)
            if levels is None:
                report.error(ref, f"默认档次 “{text}” 无法识别，应每行写“名称：比例”，如“基本达到：0.8”")
            else:
                values[key] = levels
        elif key == "default_method":
            method = parse_method(text)
            if method is None:
                report.error(ref, f"默认评分方法 “{text}” 无法识别（可用：{'、'.join(METHOD_LABELS.values())}）")
            else:
                values[key] = method
        elif key == "deduction":
            ded = parse_deduction(text)
            if ded is None:
                report.error(ref, f"默认扣分 “{text}” 无法识别，应写成“每处扣0.5分，最低0分”")
            else:
                values[key] = ded
    return values, refs


# ---------------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------------

def _choose_sheet(wb: Any, sheet: str | None, mapping: _Mapping, header_row: int | None,
                  report: _Report, formula_wb: Any) -> tuple[_Sheet, _Header] | None:
    """The sheet holding the indicators: ``sheet`` if given, else 指标, else the first with a header."""
    skip = {norm(n) for n in (*INFO_SHEET_NAMES, GUIDE_SHEET)}
    if sheet is not None:
        if sheet not in wb.sheetnames:
            report.error(sheet, f"工作簿中没有名为“{sheet}”的工作表（有：{'、'.join(wb.sheetnames)}）")
            return None
        candidates = [wb[sheet]]
    else:
        preferred = [ws for ws in wb.worksheets if norm(ws.title) == norm(ITEMS_SHEET)]
        candidates = preferred + [ws for ws in wb.worksheets if ws not in preferred and norm(ws.title) not in skip]
    found: list[tuple[_Sheet, _Header, _Report]] = []
    for ws in candidates:
        fws = formula_wb[ws.title] if formula_wb is not None else None
        s = _Sheet(ws, fws)
        scratch = _Report()
        h = _detect_header(s, mapping, header_row, scratch)
        if h is not None:
            found.append((s, h, scratch))
    if not found:
        names = "、".join(ws.title for ws in candidates) or "（无）"
        if header_row is not None:
            report.error(names, f"第 {header_row} 行不是表头（没有识别出标题/指标列和至少另一列）；可用 --map 指定列")
        else:
            report.error(
                names,
                f"在前 {HEADER_SCAN_ROWS} 行中找不到表头：表头应含“一级指标”“考核内容”或“标题”等列名，"
                "以及“分值”“责任单位”等至少一列；可用 --header-row 指定表头行、--map 指定列",
            )
        return None
    chosen, header, scratch = found[0]
    report.errors.extend(scratch.errors)
    report.warnings.extend(scratch.warnings)
    for other, _, _ in found[1:]:
        report.warn(other.name, f"工作表“{other.name}”也像指标表，已忽略（只导入“{chosen.name}”；可用 --sheet 指定）")
    return chosen, header


def import_checklist_xlsx(
    path: str | os.PathLike[str],
    *,
    id: str | None = None,  # noqa: A002 - the CLI option name
    title: str | None = None,
    type: str | None = None,  # noqa: A002
    version: str | None = None,
    mapping: Mapping[str, str] | None = None,
    lenient: bool = False,
    sheet: str | None = None,
    header_row: int | None = None,
    default_id: str | None = None,
) -> ImportResult:
    """Read an indicator table (.xlsx) and build a validated :class:`Checklist`.

    ``mapping`` overrides header recognition: ``{"D": "分值", "考核要点": "三级指标", "F": "忽略"}``
    (keys are column letters or header texts; values field names in Chinese or English).
    ``id``/``title``/``type``/``version`` override what the workbook says. ``default_id`` is used
    when neither ``id`` nor the workbook gives one (the CLI passes the output file name).

    Raises :class:`ChecklistError` listing every problem (``Sheet!C14: …``) unless ``lenient``,
    in which case fixable problems are returned as warnings; a file refused before parsing
    (zip bomb, not a workbook, password) raises :class:`~fzzf_tui.safe_xlsx.WorkbookRejected`.
    Both are :class:`~fzzf_tui.errors.FzzfError` with a Chinese message.
    """
    from ..safe_xlsx import check_file

    p = Path(path)
    source = str(p)
    checked = check_file(p)
    wb = checked.load(data_only=True)
    formula_wb = checked.load(data_only=False) if checked.has_formulas else None
    report = _Report()

    info_ws = _info_sheet(wb)
    exact = info_ws is not None
    info: dict[str, Any] = {}
    info_refs: dict[str, str] = {}
    if info_ws is not None:
        info, info_refs = _read_info(info_ws, report)

    user_mapping = _parse_mapping(mapping, report)
    if report.errors:
        raise ChecklistError(source, report.errors)
    chosen = _choose_sheet(wb, sheet, user_mapping, header_row, report, formula_wb)
    if chosen is None:
        raise ChecklistError(source, report.errors)
    ws_sheet, header = chosen
    for c, text in header.unknown.items():
        report.warn(ws_sheet.ref(header.first_row, c), f"未识别的列“{text}”，已忽略（可用 --map {_col_letter(c)}=列名 指定）")
    for f, cols in header.fields.items():
        if f in ("code", "depth", "label", "points", "method", "rule", "kind") and len(cols) > 1:
            spans = {ws_sheet.span(header.first_row, c)[0] for c in cols}
            if len(spans) > 1:
                letters = "、".join(_col_letter(c) for c in cols)
                report.error(ws_sheet.ref(header.first_row, cols[1]), f"列 {letters} 都是“{FIELD_NAMES[f]}”，请用 --map 指定用哪一列")

    importer = _Importer(ws_sheet, header, exact, report)
    structure = importer.build()
    root = importer.root
    if not root.children and not report.errors:
        report.error(ws_sheet.name, f"表头（第 {header.first_row} 行）下面没有任何指标")

    # Kinds first (titles like 加分项 are recognised), then codes, then 附加项 hoisting.
    for node in list(root.walk()):
        kind = _kind_of(node, report, exact)
        if kind is not None:
            node.values["kind_resolved"] = kind
    _derive_codes(root, "")
    if not exact:
        _hoist_bonus_penalty(root, report)

    # The checklist header.
    title_rows = [
        clean_heading(" ".join(t for t in ws_sheet.row_texts(r).values() if t))
        for r in range(1, header.first_row)
    ]
    title_rows = [t for t in title_rows if t and not re.fullmatch(r"附件\s*\d*", t)]
    data: dict[str, Any] = {"format": FORMAT}
    cid = id or info.get("id") or default_id
    if not cid:
        cid = slug_id(p.stem)
        if cid is None:
            cid = "xlsx-" + hashlib.sha1(p.stem.encode("utf-8")).hexdigest()[:8]
        report.warn(source, f"清单编号取自文件名：{cid}（可用 --id 指定）")
    data["id"] = cid
    ctitle = title or info.get("title") or ("".join(title_rows) if not exact else "")
    if not ctitle:
        if exact and not lenient:
            report.error(info_refs.get("title", source), "缺少清单标题，请在“清单信息”中填写或用 --title 指定")
        ctitle = p.stem
    data["title"] = ctitle
    ctype = type or info.get("type")
    if not ctype and not exact:
        ctype = _guess_type(ctitle + " " + p.stem)
        if ctype:
            report.warn(source, f"检查类型按标题推断为“{ctype}”（可用 --type 指定）")
    if not ctype:
        where = info_refs.get("type", source)
        if lenient:
            ctype = "未分类"
            report.warn(where, "没有检查类型，已记为“未分类”（可用 --type 指定）")
        else:
            report.error(where, "缺少检查类型（示范创建、年度考核、专项督察…），请用 --type 指定")
    data["type"] = ctype or ""
    cversion = version or info.get("version")
    if not cversion and not exact:
        m = re.search(r"(19|20)\d\d", ctitle + " " + p.stem)
        cversion = m.group(0) if m else "1"
        report.warn(source, f"版本记为“{cversion}”（可用 --version 指定）")
    if not cversion:
        report.error(info_refs.get("version", source), "缺少版本，请用 --version 指定")
    data["version"] = cversion or ""
    data["source"] = info.get("source", "" if exact else f"{p.name}（工作表“{ws_sheet.name}”）")
    data["description"] = info.get("description", "")
    if not exact:
        data["description"] = (
            f"由 Excel 表格导入：工作表“{ws_sheet.name}”，表头在第 {header.first_row} 行，"
            f"按{structure}组织层级。"
        )
    data["provisional"] = info.get("provisional", [])
    scoring: dict[str, Any] = {}
    for key in ("children_sum", "completion_threshold", "grades", "levels", "default_method", "deduction"):
        if key in info:
            scoring[key] = info[key]
    total = info.get("total", importer.total)
    total_ref = info_refs.get("total") or importer.total_ref or ws_sheet.name

    builder = _DictBuilder(importer, report, lenient, scoring.get("default_method", "graded"))
    children_sum = scoring.get("children_sum", True)
    seen: dict[str, str] = {}
    items = [
        builder.item(n, f"items[{i}]", "normal", True, children_sum, seen, "", i + 1) for i, n in enumerate(root.children)
    ]
    if builder.unscored:
        head = ws_sheet.ref(header.first_row, min(header.columns))
        builder.problem(
            head,
            f"表格没有“分值”列，{len(builder.unscored)} 项末级指标都没有分值：请加一列“分值”"
            "（或用 --map 指定哪一列是分值）",
            "已全部按 0 分处理，请在导出的清单中补上分值",
        )
    normal_sum = sum(i["_points"] for i in items if i.get("kind", "normal") == "normal")
    if total is not None and children_sum and items and abs(total - normal_sum) > EPS:
        builder.problem(total_ref, f"总分 {fmt_number(total)} 与第一级指标分值之和 {fmt_number(normal_sum)} 不符", "已改为分值之和")
        total = None
    if total is not None:
        scoring["total"] = total
    data["scoring"] = scoring
    data["items"] = _strip_private(items)

    report.errors = list(dict.fromkeys(report.errors))  # a cell read twice reports once
    if report.errors and not lenient:
        raise ChecklistError(source, report.errors)
    if lenient and report.errors:
        report.warnings = [Problem(e.where, f"{e.message}（已按宽松模式跳过）") for e in report.errors] + report.warnings
        report.errors = []
    try:
        checklist = checklist_from_dict(data, source)
    except ChecklistError as exc:
        problems = [_locate(pr, source, builder.paths, info_refs, ws_sheet.name) for pr in exc.problems]
        raise ChecklistError(source, problems) from None
    columns = {_col_letter(c): FIELD_NAMES.get(f, f) for c, f in sorted(header.columns.items())}
    return ImportResult(
        checklist=checklist,
        warnings=report.warnings,
        sheet=ws_sheet.name,
        header_row=header.first_row,
        columns=columns,
        structure=structure,
        exact=exact,
        data=data,
    )


def _locate(problem: Problem, source: str, paths: dict[str, _Node], info_refs: dict[str, str], sheet: str) -> Problem:
    """Turn a loader location (``FILE items[0].children[2]``) into a cell."""
    where = problem.where
    if where.startswith(source):
        where = where[len(source):].strip()
    node = paths.get(where)
    if node is not None:
        if ("分值" in problem.message or "points" in problem.message) and "points" in node.refs:
            return Problem(node.refs["points"], problem.message)
        for key in ("method", "rule", "kind", "code"):
            if FIELD_NAMES[key] in problem.message and key in node.refs:
                return Problem(node.refs[key], problem.message)
        return Problem(node.ref, problem.message)
    head = where.split(".")[0].split("[")[0]
    if head in info_refs:
        return Problem(info_refs[head], problem.message)
    if head == "scoring" and info_refs:
        return Problem(info_refs.get("total", next(iter(info_refs.values()))), problem.message)
    return Problem(where or sheet, problem.message)


def _guess_type(text: str) -> str | None:
    if "示范" in text:
        return "示范创建"
    if re.search("考核|考评|任务分解|年度", text):
        return "年度考核"
    if re.search("督察|督查|检查|专项", text):
        return "专项督察"
    return None


def load_checklist_xlsx(path: str | os.PathLike[str]) -> Checklist:
    """Strict import for loading (an .xlsx dropped into a checklists folder, ``fzzf validate``):
    like the YAML loader, every failure is a :class:`ChecklistError`."""
    from ..safe_xlsx import WorkbookRejected

    try:
        return import_checklist_xlsx(path).checklist
    except WorkbookRejected as exc:
        raise ChecklistError(str(path), [Problem(str(path), str(exc))]) from None


# ---------------------------------------------------------------------------------------------
# Writing the YAML file
# ---------------------------------------------------------------------------------------------

def checklist_yaml(checklist: Checklist, comment: str = "") -> str:
    """The canonical dict of ``checklist`` as YAML (multi-line text as ``|`` blocks)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, represent_str)
    body = yaml.dump(checklist.to_dict(), Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120)
    head = "".join(f"# {line}\n" for line in comment.splitlines() if line.strip())
    return head + body


def write_yaml(checklist: Checklist, path: str | os.PathLike[str], *, comment: str = "") -> Path:
    """Write ``checklist`` as a checklist YAML file (atomically: a crash leaves no half file)."""
    from ..errors import ExportError

    from ..inspection.storage import atomic_write_bytes  # the project's one atomic writer

    p = Path(path)
    text = checklist_yaml(checklist, comment)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(p, text.encode("utf-8"))
    except OSError as exc:
        raise ExportError(f"无法写入 {p}：{exc.strerror or exc}") from None
    return p


__all__ = [
    "COLUMNS", "INFO_ROWS", "INFO_SHEET", "ITEMS_SHEET", "GUIDE_SHEET", "LEVEL_ALIASES", "ImportResult",
    "checklist_yaml", "import_checklist_xlsx", "load_checklist_xlsx", "write_yaml",
]
