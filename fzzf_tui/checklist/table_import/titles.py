"""The words around a table: its title, the form lines to fill in, notes, and the inspection
type the notice names.

Above a published table come an 附件 line, the title (often merged across the table), form lines
for the inspector to fill in (被督察单位：____  日期：____) and sometimes a note. Form lines are
kept out of the title; the type comes from the notice's own words (督察 → 专项督察,
考核/考评 → 年度考核, 示范/创建 → 示范创建), never from a year word such as 年度.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import clean_heading

_ANNEX = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十]*\s*[:：]?$")
_FORM_WORDS = (
    r"单位|日期|时间|人员|组长|组员|检查组|督察组|督查组|考核组|盖章|签字|签名|联系人|电话|填报人|填表人|审核人|负责人"
    r"|被检查|被督察|被督查|被考核|被评价|地点|编号|得分|总分|检查人|督察人|督查人|考核人|评分人"
)
_FORM_LINE = re.compile(rf"(?:{_FORM_WORDS})[^：:]{{0,12}}[:：]")
_BLANKS = re.compile(r"_{2,}|＿{2,}|—{3,}|年\s+月\s+日|（\s*盖章\s*）|\(\s*盖章\s*\)")
_NOTE = re.compile(r"^(?:注|说明|备注|填表说明|评分说明)\s*\d*\s*[:：]")
_TYPE_WORDS = (
    ("督察", "专项督察"), ("督查", "专项督察"),
    ("考核", "年度考核"), ("考评", "年度考核"),
    ("示范", "示范创建"), ("创建", "示范创建"),
)


@dataclass
class Above:
    """What stands above a table, sorted out."""

    title: str = ""
    form_lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    annex: str = ""  # 附件2


def is_form_line(text: str) -> bool:
    """``被督察单位：________  督察日期：____年__月__日`` and the like: blanks to fill in, or
    labels such as 单位/日期/检查人 followed by a colon and (nearly) nothing."""
    t = text.strip()
    if _BLANKS.search(t):
        return True
    labels = _FORM_LINE.findall(t)
    if not labels:
        return False
    if len(labels) >= 2:
        return True
    after = re.split(r"[:：]", t, maxsplit=1)[1].strip()
    return len(after) <= 20


def sort_lines(lines: list[tuple[str, bool]]) -> Above:
    """``lines`` are (text, merged across the table?) from top to bottom. The title is the merged
    line(s) if any, else the remaining lines; 附件 lines, form lines and notes are set apart."""
    out = Above()
    candidates: list[tuple[str, bool]] = []
    for text, merged in lines:
        t = clean_heading(text)
        if not t:
            continue
        if _ANNEX.match(t):
            out.annex = t
        elif _NOTE.match(t):
            out.notes.append(t)
        elif is_form_line(text):
            out.form_lines.append(re.sub(r"\s{2,}", "  ", text.strip()))
        else:
            candidates.append((t, merged))
    chosen = [t for t, m in candidates if m] or [t for t, _ in candidates]
    out.title = "".join(chosen)
    return out


def guess_type(*texts: str) -> tuple[str, str] | None:
    """(type, the word that decided) from the first text naming one, earliest word first."""
    for text in texts:
        hits = [(text.find(word), word, kind) for word, kind in _TYPE_WORDS if word in text]
        if hits:
            _, word, kind = min(hits)
            return kind, word
    return None
