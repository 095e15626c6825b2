"""Small pure parsers for cell text: numbers, levels, grades, deduction rules, lists, clean-up.

Also used by the export, so that what is written reads back the same.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable

from ..loading import ID_RE
from .layout import KIND_WORDS, METHOD_WORDS, NO, YES


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



# -- text clean-up for published tables ------------------------------------------------------

_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_SPACE = re.compile(r"\s+")
_SENTENCE_END = "。；;：:！!？?"


def clean_heading(text: str) -> str:
    """Remove the whitespace that PDF/Word conversion leaves inside Chinese text.

    ``一、 政府 职能`` → ``一、政府职能``; a line break after a sentence end is kept;
    a space between two Latin words or numbers is kept as one space.
    """
    text = text.strip()
    if not _SPACE.search(text):
        return text

    def repl(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if "\n" in m.group(0) and before in _SENTENCE_END:
            return "\n"
        if _ASCII_WORD.match(before or " ") and _ASCII_WORD.match(after or " "):
            return " "
        return ""

    return _SPACE.sub(repl, text)


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



def slug_id(stem: str) -> str | None:
    """An ASCII file name as a checklist id (``Annual_2021`` → ``annual_2021``); else None."""
    if not stem.isascii():
        return None
    s = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._")
    return s if s and ID_RE.match(s) else None

