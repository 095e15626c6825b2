"""Numbering as printed in Chinese official documents: 一、 （一） 1. （1） ① and dotted 1.2.3."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN = "[〇零一二两三四五六七八九十百]+"
_CIRCLED = "①-⑳㉑-㉟㊱-㊿"
_NUMBERINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^(第\s*({_CN}|\d{{1,3}})\s*(?:部分|章|篇|编))[、.．:：]?\s*")),
    ("cn_paren", re.compile(rf"^([（(]\s*({_CN})\s*[）)][、.．]?)\s*")),
    ("cn", re.compile(rf"^(({_CN})\s*[、.．])\s*")),
    ("arabic_paren", re.compile(r"^([（(]\s*(\d{1,4})\s*[）)][、.．]?)\s*")),
    ("dotted", re.compile(r"^((\d{1,4}(?:[.．]\d{1,4})+)[.．、]?)(?![\d%％倍万亿元个天日年月时米吨人次项件分])\s*")),
    ("arabic", re.compile(r"^((\d{1,4})\s*[.．、])(?![\d%％])\s*")),
    ("arabic_paren", re.compile(r"^((\d{1,3})\s*[）)])\s*")),  # 1） as (1)
    ("circled", re.compile(rf"^(([{_CIRCLED}]))\s*")),
)
_STARTS = set("（(第〇零一二两三四五六七八九十百")
# Conventional nesting of Chinese official documents: 第一部分 > 一、 > （一） > 1. > （1） > ①.
STYLE_RANK = {"part": 0.5, "cn": 1.0, "cn_paren": 2.0, "arabic": 3.0, "arabic_paren": 4.0, "circled": 5.0}


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
    if style in ("cn", "cn_paren", "part"):
        return Numbering(label, style, int(digits) if digits.isdigit() else _cn_int(digits))
    if style == "circled":
        return Numbering(label, style, _circled_int(digits))
    if style == "dotted":
        parts = re.split(r"[.．]", digits)
        return Numbering(label, f"dotted{len(parts)}", int(parts[-1]))
    return Numbering(label, style, int(digits))


def split_numbering(text: str) -> tuple[Numbering | None, str]:
    """``（一）加强领导`` → (Numbering（一）, ``加强领导``); text without numbering → (None, text)."""
    if not text or not (text[0] in _STARTS or text[0].isdigit() or "①" <= text[0] <= "㊿"):
        return None, text  # most titles: no regex needed
    for style, rx in _NUMBERINGS:
        m = rx.match(text)
        if m:
            return _numbering(style, m.group(1).strip(), m.group(2)), text[m.end():].strip()
    return None, text


def parse_label(text: str) -> Numbering | None:
    """A whole cell that is only a number: ``一``, ``一、``, ``（1）``, ``7``, ``1.2``, ``②``."""
    t = text.strip()
    if re.fullmatch(r"\d{1,6}", t):  # a whole cell holding only a number: 序号 up to 999999
        return Numbering(t, "arabic", int(t))
    if re.fullmatch(_CN, t):
        return Numbering(t, "cn", _cn_int(t))
    num, rest = split_numbering(t)
    if num is not None and not rest:
        return num
    return None


