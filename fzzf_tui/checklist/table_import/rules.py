"""Reading scoring rules from the words offices write: 评分标准 text, section titles, caps.

Pure functions over text; :mod:`.build` applies what they find to the items and reports what
they could not understand. What is read:

* per-case deductions, with decimals and any unit (每处/每件/每人/每卷…扣0.5分，扣完为止 /
  最多扣N分 / 最低N分) → method ``deduction``;
* fixed deductions (未…的扣N分；…的扣M分；…的不得分) → method ``itemized``: the inspector ticks
  which listed shortfalls apply, each with its amount;
* ranges (酌情扣1-4分) → method ``points``, the inspector enters the points, bounded by the item;
* levels (全部完成的得5分，部分完成的得3分，未完成的不得分) → method ``graded`` with those levels;
* bonus amounts (加N分, 每…加N分, 最高加N分) for 加分项;
* 一票否决 → ``veto``; 不得评为优秀 / 最高评为合格 → ``grade_cap``;
* section titles: “（30分）”, caps (最高加5分、加分上限5分、最多扣10分) and the words that make a
  section a 加分项, 减分项 or 附加项.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Sequence

from .numbering import _cn_int
from .text import fmt_number

# An amount as offices write it: 0.5, 2, 两, 十, 半.
_AMT = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十]+|半)"
_DEDUCT = r"(?:扣|减)(?:除|减|去)?"
_PER_CASE = re.compile(r"每[^，,。；;：:]{0,40}?" + _DEDUCT + r"\s*" + _AMT + r"\s*分")
_PER_ONE = re.compile(r"(?:一|1)\s*(?:次|处|件|起|人次|人|项|例|卷|宗|份|个)\s*[，,]?\s*" + _DEDUCT + r"\s*" + _AMT + r"\s*分")
_PER_CASE_SLASH = re.compile(_DEDUCT + r"\s*" + _AMT + r"\s*分\s*/\s*[处项次个件例条人卷宗起份]")
_RANGE = re.compile(_DEDUCT + r"\s*" + _AMT + r"\s*(?:分)?\s*[-－—–~～至到]\s*" + _AMT + r"\s*分")
_FIXED = re.compile(_DEDUCT + r"\s*" + _AMT + r"\s*分")
_ZERO = re.compile(r"(?:不得分|不计分|不给分|得\s*0\s*分|计\s*0\s*分|该项不得分|本项不得分|得零分)")
_GAIN = re.compile(r"(?:得|计|给|记)\s*" + _AMT + r"\s*分")
_BONUS = re.compile(r"加\s*" + _AMT + r"\s*分")
_PER_CASE_BONUS = re.compile(r"每[^，,。；;：:]{0,40}?加\s*" + _AMT + r"\s*分")
_DEDUCT_CAP = re.compile(r"(?:最多|最高|累计最多|至多|最多累计|累计)" + _DEDUCT + r"\s*" + _AMT + r"\s*分"
                         r"|(?:扣分|减分|累计扣分)(?:上限|不超过|最多|最高)(?:为)?\s*" + _AMT + r"\s*分")
_BONUS_CAP = re.compile(r"(?:最高|最多|累计最多|至多|累计)加\s*" + _AMT + r"\s*分"
                        r"|加分(?:上限|不超过|最多|最高)(?:为)?\s*" + _AMT + r"\s*分")
_FLOOR = re.compile(r"(?:最低|不低于|保底|下限)(?:为)?\s*" + _AMT + r"\s*分")
_TO_ZERO = re.compile(r"扣完为止|扣至0分|扣至零分|直至扣完")
_VETO = re.compile(r"一票否决")
_GRADE_NOT = re.compile(r"不(?:得|能|可|予)(?:评|定)(?:为|定为)?[“\"]?([\u4e00-\u9fff]{2,4}?)[”\"]?(?:等次|等级|档次|$|[，,。；;）)])")
_GRADE_AT_MOST = re.compile(r"(?:最高|只能|至多|最多)(?:评|定)(?:为)?[“\"]?([\u4e00-\u9fff]{2,4}?)[”\"]?(?:等次|等级|$|[，,。；;）)])"
                            r"|(?:等次|等级)(?:不高于|最高为)[“\"]?([\u4e00-\u9fff]{2,4}?)[”\"]?(?:$|[，,。；;）)])")
_DIRECT_GRADE = re.compile(r"(?:直接|一律)?(?:定|评|确定)为[“\"]?([\u4e00-\u9fff]{2,4}?)[”\"]?(?:等次|等级|$|[，,。；;）)])")
_CLAUSE_SPLIT = re.compile(r"[；;。\n]+|(?<=[，,])\s*(?=(?:\d{1,2}[.．、)）]|[（(]\d{1,2}[)）]|[①-⑳]))")
_ENUM = re.compile(r"^\s*(?:\d{1,2}\s*[.．、)）]|[（(]\s*\d{1,2}\s*[)）]|[①-⑳]|[一二三四五六七八九十]+、)\s*")


def amount(text: str) -> float:
    """``0.5`` → 0.5, ``两`` → 2, ``十`` → 10, ``半`` → 0.5."""
    if text == "半":
        return 0.5
    if text[0].isdigit():
        return float(text)
    return float(_cn_int(text))


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# -- section titles --------------------------------------------------------------------------

_TITLE_POINTS = re.compile(r"[（(【\[]\s*(?:满分|共|计|总分|本项|本部分|合计)?\s*" + _AMT + r"\s*分\s*[)）】\]]\s*$")
_TITLE_CAP = re.compile(r"[（(【\[]\s*([^（(）)【】\[\]]*?(?:加|扣|减)[^（(）)【】\[\]]*?)\s*[)）】\]]\s*$")
_BONUS_WORDS = re.compile(r"^(?:加分项?目?|加分指标|附加分|奖励加分|创新加分|加分事项|特色加分)$")
_PENALTY_WORDS = re.compile(r"^(?:减分项?目?|扣分项目?|减分指标|减分事项|否决项|一票否决项?)$")
_EXTRA_WORDS = re.compile(r"^(?:附加项目?|附加指标|附加分项|加减分项目?|加分和减分项?|加分项和减分项|加减分)$")


@dataclass
class TitleFacts:
    title: str  # without the bracketed suffix
    points: float | None = None  # “（30分）”
    cap: float | None = None  # “（最高加5分）”: the most a 加分项/减分项 can add or take
    cap_kind: str | None = None  # bonus | penalty: which way the cap points


def title_facts(title: str) -> TitleFacts:
    """Points and caps written at the end of a heading: ``一、执法公示（20分）``,
    ``附加项（最高加5分）``, ``减分项（最多扣10分）``."""
    t = title
    if not t.endswith(("）", ")", "】", "]")):
        return TitleFacts(t)
    m = _TITLE_POINTS.search(_nfkc(t))
    if m and m.start() > 0:
        cut = _cut_suffix(t, m.start())
        return TitleFacts(cut, points=amount(m.group(1)))
    m = _TITLE_CAP.search(_nfkc(t))
    if m and m.start() > 0:
        inner = m.group(1)
        bonus = _BONUS_CAP.search(inner) or re.search(r"加\s*" + _AMT + r"\s*分", inner)
        penalty = _DEDUCT_CAP.search(inner) or re.search(_DEDUCT + r"\s*" + _AMT + r"\s*分", inner)
        hit = bonus or penalty
        if hit:
            value = next(g for g in hit.groups() if g)
            return TitleFacts(_cut_suffix(t, m.start()), cap=amount(value), cap_kind="bonus" if bonus else "penalty")
    return TitleFacts(t)


def _cut_suffix(text: str, start_in_nfkc: int) -> str:
    """The title before the suffix found at ``start_in_nfkc`` of its NFKC form (same length
    for the characters involved: full-width brackets and digits map one to one)."""
    return text[:start_in_nfkc].rstrip()


def section_kind(title: str) -> str | None:
    """bonus, penalty, extra (附加项: bonus and/or penalty below it) or None, from a heading."""
    t = re.sub(r"\s+", "", _nfkc(title))
    t = re.sub(r"[（(].*[)）]$", "", t)
    if _BONUS_WORDS.match(t):
        return "bonus"
    if _PENALTY_WORDS.match(t):
        return "penalty"
    if _EXTRA_WORDS.match(t):
        return "extra"
    return None


# -- leaf rules --------------------------------------------------------------------------------

@dataclass
class Rule:
    """What a rule text says about scoring one leaf."""

    method: str | None = None  # deduction | itemized | points | graded | yesno | None (not understood)
    fields: dict[str, Any] = field(default_factory=dict)  # deduction / shortfalls / floor / levels
    points: float | None = None  # the points the text implies (a cap, a single amount)
    veto: bool = False
    grade_cap: str = ""  # a grade name, resolved against the checklist's grades
    problem: str = ""  # why the text could not be read, for a warning


@dataclass
class _Clause:
    text: str  # the clause as written (without enumeration)
    kind: str  # per_case | fixed | zero | range | gain | bonus | per_case_bonus | none
    amounts: tuple[float, ...] = ()


_AMOUNT_PHRASE = re.compile(r"(?:" + _DEDUCT + r"|得|计|给|记|加)\s*" + _AMT + r"\s*分|不得分|不计分|不给分|得零分")


def clauses(text: str) -> list[str]:
    """A rule text cut into clauses: at ；。 and line breaks, before 1. / （1） / ① inside a
    line, and at commas when a sentence states several amounts (完成的得5分，部分完成的得3分)."""
    out = []
    for part in _CLAUSE_SPLIT.split(_nfkc(text)):
        part = _ENUM.sub("", part).strip(" ，,、")
        if not part:
            continue
        if len(_AMOUNT_PHRASE.findall(part)) < 2:
            out.append(part)
            continue
        pending = ""
        for piece in re.split(r"[，,]", part):
            pending = f"{pending}，{piece}" if pending else piece
            if _AMOUNT_PHRASE.search(piece):
                out.append(pending.strip(" ，,、"))
                pending = ""
        if pending.strip(" ，,、"):
            if out:
                out[-1] = f"{out[-1]}，{pending.strip(' ，,、')}"  # a limit after the amounts (扣完为止)
            else:
                out.append(pending.strip(" ，,、"))
    return out


def _classify(clause: str) -> _Clause:
    m = _PER_CASE.search(clause) or _PER_CASE_SLASH.search(clause) or _PER_ONE.search(clause)
    if m:
        return _Clause(clause, "per_case", (amount(m.group(1)),))
    m = _RANGE.search(clause)
    if m:
        return _Clause(clause, "range", (amount(m.group(1)), amount(m.group(2))))
    m = _PER_CASE_BONUS.search(clause)
    if m:
        return _Clause(clause, "per_case_bonus", (amount(m.group(1)),))
    if _DEDUCT_CAP.search(clause) or _BONUS_CAP.search(clause) or _FLOOR.search(clause) or _TO_ZERO.search(clause):
        return _Clause(clause, "limit")
    found = [amount(x) for x in _FIXED.findall(clause)]
    if found:
        return _Clause(clause, "fixed", tuple(found))
    if _ZERO.search(clause):
        return _Clause(clause, "zero")
    m = _GAIN.search(clause)
    if m:
        return _Clause(clause, "gain", (amount(m.group(1)),))
    m = _BONUS.search(clause)
    if m:
        return _Clause(clause, "bonus", (amount(m.group(1)),))
    return _Clause(clause, "none")


def _condition(clause: str) -> str:
    """The condition of a clause without its amount: ``未公示执法主体的，扣2分`` → ``未公示执法主体``."""
    t = re.split(r"[，,]?\s*(?:的)?\s*(?:" + _DEDUCT + r"\s*" + _AMT + r"\s*分|不得分|不计分|不给分|得\s*" + _AMT
                 + r"\s*分|计\s*" + _AMT + r"\s*分|加\s*" + _AMT + r"\s*分|该项不得分|本项不得分|得零分)", clause)[0]
    t = t.strip(" ，,、：:")
    if t.endswith("的") and len(t) > 1:
        t = t[:-1]
    return t or clause


def read_rule(text: str, points: float | None, kind: str = "normal", grades: Sequence[str] = ()) -> Rule:
    """What ``text`` (a 评分标准 cell) says about scoring a leaf worth ``points`` (None: not
    given) in a section of ``kind``; ``grades`` are the checklist's grade names, highest first."""
    t = _nfkc(text)
    rule = Rule()
    _read_grade_effects(t, rule, grades)
    parts = [_classify(c) for c in clauses(t)]
    kinds = {p.kind for p in parts} - {"none", "limit"}
    if kind == "bonus":
        return _bonus_rule(t, parts, kinds, points, rule)
    cap = _DEDUCT_CAP.search(t)
    floor_m = _FLOOR.search(t)
    if kinds == {"per_case"}:
        per = {p.amounts[0] for p in parts if p.kind == "per_case"}
        if len(per) != 1:
            rule.problem = "评分标准中有几种不同的“每…扣X分”，无法确定每处扣几分，已按文字保留"
            return rule
        per_case = per.pop()
        floor = 0.0
        if floor_m:
            floor = amount(floor_m.group(1))
        elif cap:
            limit = amount(next(g for g in cap.groups() if g))
            if points is None:
                rule.points = limit
            else:
                floor = max(0.0, points - limit)
        rule.method = "deduction"
        rule.fields["deduction"] = {"per_case": per_case, "floor": floor}
        return rule
    if kinds and kinds <= {"fixed", "zero"}:
        shortfalls = []
        for p in parts:
            if p.kind == "fixed":
                shortfalls.append({"text": _condition(p.text), "points": max(p.amounts)})
            elif p.kind == "zero":
                if points is None:
                    rule.problem = "评分标准写有“不得分”，但该项没有分值，已按文字保留"
                    return rule
                shortfalls.append({"text": _condition(p.text), "points": points})
        rule.method = "itemized"
        rule.fields["shortfalls"] = shortfalls
        if floor_m:
            rule.fields["floor"] = amount(floor_m.group(1))
        elif cap and points is not None:
            rule.fields["floor"] = max(0.0, points - amount(next(g for g in cap.groups() if g)))
        if points is None:
            rule.points = sum(s["points"] for s in shortfalls) if kind == "penalty" else None
            if rule.points is None:
                rule.problem = "评分标准列出了扣分情形，但该项没有分值"
        return rule
    if kinds and kinds <= {"range", "fixed", "zero"} and "range" in kinds:
        rule.method = "points"
        if points is None:
            rule.points = max(max(p.amounts) for p in parts if p.amounts)
        return rule
    if kinds and kinds <= {"gain", "zero"} and "gain" in kinds and points:
        levels = []
        for p in parts:
            value = p.amounts[0] if p.kind == "gain" else 0.0
            if value > points + 1e-9:
                rule.problem = f"评分标准中的“得{fmt_number(value)}分”超过该项分值 {fmt_number(points)}，已按文字保留"
                return rule
            levels.append({"name": _condition(p.text), "fraction": value / points})
        names = [lv["name"] for lv in levels]
        if len(levels) >= 2 and len(set(names)) == len(names):
            rule.method = "graded"
            rule.fields["levels"] = sorted(levels, key=lambda lv: -lv["fraction"])
            return rule
    if kind == "penalty" and kinds == {"bonus"}:
        rule.problem = "减分项的评分标准写的是“加分”，已按文字保留"
        return rule
    if kinds or (("扣" in t or "减" in t) and "分" in t):
        if not rule.veto and not rule.grade_cap:
            rule.problem = "评分标准中的扣分规则未能识别（可识别：每…扣X分、未…的扣X分、酌情扣X-Y分），已按文字保留，评分方法用默认值"
    if (rule.veto or rule.grade_cap) and rule.method is None and kind != "penalty":
        rule.method = "yesno"  # 否 (not met) loses the points and triggers it; a 减分项 is ticked instead
    return rule


def _bonus_rule(t: str, parts: list[_Clause], kinds: set[str], points: float | None, rule: Rule) -> Rule:
    cap = _BONUS_CAP.search(t)
    cap_value = amount(next(g for g in cap.groups() if g)) if cap else None
    if kinds == {"bonus"} and len([p for p in parts if p.kind == "bonus"]) == 1 and cap_value is None:
        rule.method = "yesno"
        if points is None:
            rule.points = next(p.amounts[0] for p in parts if p.kind == "bonus")
        return rule
    if kinds and kinds <= {"bonus", "per_case_bonus"}:
        rule.method = "points"
        if points is None:
            amounts = [a for p in parts for a in p.amounts]
            rule.points = cap_value if cap_value is not None else (sum(amounts) if "per_case_bonus" not in kinds else None)
            if rule.points is None:
                rule.problem = "加分项写了“每…加X分”但没有写最高加几分，也没有分值"
        return rule
    if kinds:
        rule.problem = "加分项的评分标准未能识别为“加X分”，已按文字保留"
    return rule


def _read_grade_effects(t: str, rule: Rule, grades: Sequence[str]) -> None:
    if _VETO.search(t):
        rule.veto = True
        return
    m = _GRADE_NOT.search(t)
    if m and grades and m.group(1) in grades:
        i = list(grades).index(m.group(1))
        if i + 1 < len(grades):
            rule.grade_cap = grades[i + 1]
        return
    m = _GRADE_AT_MOST.search(t)
    if m:
        name = m.group(1) or m.group(2)
        if grades and name in grades:
            if name == grades[-1]:
                rule.veto = True
            else:
                rule.grade_cap = name
        return
    m = _DIRECT_GRADE.search(t)
    if m and grades and m.group(1) == grades[-1]:
        rule.veto = True


# -- the 档次/扣分 column of fzzf's own workbook: itemized shortfalls -----------------------------

_SHORTFALL_LINE = re.compile(r"^(.*)[:：]\s*扣\s*(\d+(?:\.\d+)?)\s*分$")
_FLOOR_LINE = re.compile(r"^最低\s*(\d+(?:\.\d+)?)\s*分$")


def parse_itemized(text: str) -> dict[str, Any] | None:
    """Lines ``未建立制度：扣2分`` (and optionally ``最低1分``) → ``{shortfalls, floor}``."""
    shortfalls = []
    floor = None
    for line in (s.strip() for s in text.splitlines()):
        if not line:
            continue
        m = _FLOOR_LINE.match(_nfkc(line))
        if m and floor is None:
            floor = float(m.group(1))
            continue
        m = _SHORTFALL_LINE.match(line)
        if m is None or not m.group(1).strip():
            return None
        shortfalls.append({"text": m.group(1).strip(), "points": float(m.group(2))})
    if not shortfalls:
        return None
    out: dict[str, Any] = {"shortfalls": shortfalls}
    if floor is not None:
        out["floor"] = floor
    return out


def format_itemized(item: Any) -> str:
    lines = [f"{s.text}：扣{fmt_number(s.points)}分" for s in item.shortfalls]
    if getattr(item, "floor", 0):
        lines.append(f"最低{fmt_number(item.floor)}分")
    return "\n".join(lines)
