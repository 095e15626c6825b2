#!/usr/bin/env python3
"""Build the built-in 示范创建 checklist from the 洛政〔2020〕23号 seed text.

Usage::

    python tools/seedgen/demonstration.py [SEED_PATH] [-o OUT]

Defaults: ``SEED_PATH`` = ``<repo>/../shared/seeds/004_b8c589971c6eb926.txt`` and
``OUT`` = ``<repo>/fzzf_tui/default_plugins/checklists/demonstration_2020.yaml``.

The seed's 附件2 is the table 市县法治政府建设示范指标体系（试行）及责任分工, extracted from a
Word table: cells are joined with `` | ``, 一级 titles are broken up with spaces, and the
一级/二级 cells are repeated after page breaks (a line holding only the 一级 cell is
continued on the next line, which starts with ``|``).  The parser

* joins a line starting with ``|`` to the line before it,
* reads each row from the end: ``… | 三级序号 | 三级指标 | 责任单位``; the 0–2 cells in front
  are the 一级 cell (``一、…``) and/or the 二级 cell (``1.…``),
* treats a repeated 一级/二级 cell (same number and title) as the same indicator, and
  refuses anything else that is out of sequence (so a changed seed fails loudly),
* removes whitespace inside 一级/二级 titles (extraction artefacts only — the 三级 texts and
  责任单位 contain none) and keeps every other character as printed.

责任单位 split rule (:func:`split_units`): split the cell on ``、``, ``,`` and ``，`` except

1. inside parentheses, ``(…)`` or ``（…）`` — ``各县(市、区)政府`` stays one unit;
2. at a ``、`` whose left-hand piece is a single character — that is an abbreviated list of
   levels such as ``市、县两级政府`` / ``市、县两级党政机关及其部门``, one unit.

Pieces are stripped and kept in document order, as printed: phrases such as
``其他相关单位配合`` are their own entry, and abbreviated names after the first one
(``市发改委、商务局、市场监管局``) are *not* expanded to ``市商务局``.

Points are not published in the source ("分值、权重和评测方式由中央依法治国办组织专家研究确定"),
so the values in ``POINTS_*``, ``GRADES``, ``LEVELS``, ``COMPLETE_LEVELS`` and the 减分项
consequences (``PENALTY_VETO``, ``PENALTY_GRADE_CAP``) below are provisional defaults and are
marked as such in the output.  Output is deterministic: same seed → same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_NAME = "004_b8c589971c6eb926.txt"
DEFAULT_SEED = REPO_ROOT.parent / "shared" / "seeds" / SEED_NAME
DEFAULT_OUT = REPO_ROOT / "fzzf_tui" / "default_plugins" / "checklists" / "demonstration_2020.yaml"
SCRIPT_REL = "tools/seedgen/demonstration.py"

# ---------------------------------------------------------------- provisional values
POINTS_LEAF = 10  # each 三级指标; sections are sums -> total 1000
POINTS_BONUS_ITEM = 10  # each 加分项
POINTS_BONUS_CAP = 20  # 加分项 in total (= sum of its items)
POINTS_PENALTY_ITEM = 20  # each 减分项
GRADES = [
    {"name": "优秀", "min": 90},
    {"name": "良好", "min": 80},
    {"name": "合格", "min": 60},
    {"name": "不合格", "min": 0},
]
LEVELS = [
    {"name": "完全达到", "fraction": 1.0},
    {"name": "基本达到", "fraction": 0.8},
    {"name": "部分达到", "fraction": 0.5},
    {"name": "未达到", "fraction": 0.0},
]
# 完成度 counts an indicator as 完成 at these levels (the source says 完成度 but not which levels)
COMPLETE_LEVELS = ["完全达到", "基本达到"]
# 减分项 consequences beyond the points (the source gives none): 2. fabricated application
# materials (P.2-type) is 一票否决; 1. a serious unlawful act caps the grade.
PENALTY_VETO = {2: {"grade": "不合格"}}
PENALTY_GRADE_CAP = {1: "合格"}
# ---------------------------------------------------------------- from the source
COMPLETION_THRESHOLD = 0.9  # 行动方案: 示范指标完成度达90%以上
EXPECTED = {"l1": 8, "l2": 34, "l3": 100, "bonus": 2, "penalty": 2}

CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
L1_RE = re.compile(r"^([一二三四五六七八九十])、\s*(.+)$")
L2_RE = re.compile(r"^(\d+)\.\s*(\S.*)$")
NUM_RE = re.compile(r"^\d+$")
TABLE_HEADER_RE = re.compile(r"^一级指标\s*\|\s*二级指标\s*\|\s*三级指标\s*\|\s*责任单位")
EXTRA_TITLE = "附加项"  # 九、附加项 -> split into top-level B (加分项) and P (减分项)


class SeedFormatError(Exception):
    pass


@dataclass
class Leaf:
    number: int  # as printed (1..100; 1..2 within 加分项/减分项)
    text: str
    units: list[str]
    line: int


@dataclass
class L2:
    number: int
    title: str
    line: int
    leaves: list[Leaf] = field(default_factory=list)
    repeats: list[int] = field(default_factory=list)  # lines where the cell was repeated


@dataclass
class L1:
    number: int
    label: str  # e.g. 一、
    title: str
    line: int
    children: list[L2] = field(default_factory=list)
    repeats: list[int] = field(default_factory=list)


def squeeze(text: str) -> str:
    """Remove all whitespace (extraction artefacts in Chinese titles)."""
    return re.sub(r"\s+", "", text)


def split_units(cell: str) -> list[str]:
    """Split a 责任单位 cell; see the module docstring for the rule."""
    units: list[str] = []
    buf: list[str] = []
    depth = 0
    for ch in cell:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth -= 1
            if depth < 0:
                raise SeedFormatError(f"unbalanced parentheses in 责任单位 {cell!r}")
        if depth == 0 and ch in "、,，":
            piece = "".join(buf).strip()
            if ch == "、" and len(piece) == 1:  # 市、县两级… : one unit
                buf.append(ch)
                continue
            if not piece:
                raise SeedFormatError(f"empty unit in 责任单位 {cell!r}")
            units.append(piece)
            buf = []
        else:
            buf.append(ch)
    if depth != 0:
        raise SeedFormatError(f"unbalanced parentheses in 责任单位 {cell!r}")
    piece = "".join(buf).strip()
    if not piece:
        raise SeedFormatError(f"empty unit in 责任单位 {cell!r}")
    units.append(piece)
    return units


def table_rows(text: str) -> list[tuple[int, list[str]]]:
    """Logical rows of 附件2's table as (first line number, non-empty cells)."""
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if TABLE_HEADER_RE.match(l.strip())), None)
    if start is None:
        raise SeedFormatError("table header '一级指标 | 二级指标 | 三级指标 | 责任单位' not found")
    rows: list[tuple[int, str]] = []
    for i in range(start + 1, len(lines)):
        line = lines[i].strip()
        if not line:
            continue
        if line.startswith("|") and rows:  # continuation after a page-break 一级 cell
            lineno, prev = rows[-1]
            rows[-1] = (lineno, prev + " " + line)
        else:
            rows.append((i + 1, line))
    return [(n, [c.strip() for c in r.split("|") if c.strip()]) for n, r in rows]


def parse(text: str) -> tuple[list[L1], list[str]]:
    """Parse 附件2. Returns the 一级 list (including 九、附加项) and notes on anomalies."""
    l1s: list[L1] = []
    notes: list[str] = []
    next_l3 = 1
    for lineno, cells in table_rows(text):
        if len(cells) < 3 or not NUM_RE.match(cells[-3]):
            raise SeedFormatError(f"line {lineno}: expected '… | n | 指标 | 责任单位', got {cells!r}")
        head, (num, body, unit_cell) = cells[:-3], cells[-3:]
        if len(head) > 2:
            raise SeedFormatError(f"line {lineno}: too many cells {cells!r}")
        l1_cell = l2_cell = None
        for c in head:
            if L1_RE.match(c) and l1_cell is None and l2_cell is None:
                l1_cell = c
            elif L2_RE.match(c) and l2_cell is None:
                l2_cell = c
            else:
                raise SeedFormatError(f"line {lineno}: unexpected cell {c!r}")

        if l1_cell is not None:
            m = L1_RE.match(l1_cell)
            n1, title1 = CN_NUM[m.group(1)], squeeze(m.group(2))
            if l1s and (l1s[-1].number, l1s[-1].title) == (n1, title1):
                l1s[-1].repeats.append(lineno)
            elif n1 == len(l1s) + 1:
                l1s.append(L1(n1, m.group(1) + "、", title1, lineno))
                if l2_cell is None:
                    raise SeedFormatError(f"line {lineno}: new 一级 without a 二级 cell")
            else:
                raise SeedFormatError(f"line {lineno}: 一级 {l1_cell!r} out of sequence")
        if not l1s:
            raise SeedFormatError(f"line {lineno}: row before the first 一级指标")
        cur1 = l1s[-1]

        if l2_cell is not None:
            m = L2_RE.match(l2_cell)
            n2, title2 = int(m.group(1)), squeeze(m.group(2))
            if cur1.children and (cur1.children[-1].number, cur1.children[-1].title) == (n2, title2):
                cur1.children[-1].repeats.append(lineno)
            elif n2 == len(cur1.children) + 1:
                cur1.children.append(L2(n2, title2, lineno))
            else:
                raise SeedFormatError(f"line {lineno}: 二级 {l2_cell!r} out of sequence")
        if not cur1.children:
            raise SeedFormatError(f"line {lineno}: 三级 row without a 二级指标")
        cur2 = cur1.children[-1]

        n3 = int(num)
        if cur1.title == EXTRA_TITLE:  # 附加项: numbered 1.. within 加分项 / 减分项
            expected = len(cur2.leaves) + 1
        else:
            expected = next_l3
            next_l3 += 1
        if n3 != expected:
            raise SeedFormatError(f"line {lineno}: 三级 number {n3}, expected {expected}")
        cur2.leaves.append(Leaf(n3, body, split_units(unit_cell), lineno))

    for l1 in l1s:
        for l2 in l1.children:
            if l2.repeats:
                notes.append(
                    f"{l1.label}{l1.title} / {l2.number}.{l2.title}: 二级单元格在第 "
                    + "、".join(map(str, l2.repeats))
                    + " 行跨页重复，按同一指标处理"
                )
    return l1s, notes


def check_counts(l1s: list[L1]) -> dict[str, int]:
    normal = [l1 for l1 in l1s if l1.title != EXTRA_TITLE]
    extra = [l1 for l1 in l1s if l1.title == EXTRA_TITLE]
    if len(extra) != 1 or l1s[-1] is not extra[0]:
        raise SeedFormatError("expected exactly one 九、附加项 as the last 一级 cell")
    titles = [l2.title for l2 in extra[0].children]
    if titles != ["加分项", "减分项"]:
        raise SeedFormatError(f"附加项 should hold 1.加分项 and 2.减分项, got {titles!r}")
    counts = {
        "l1": len(normal),
        "l2": sum(len(l1.children) for l1 in normal),
        "l3": sum(len(l2.leaves) for l1 in normal for l2 in l1.children),
        "bonus": len(extra[0].children[0].leaves),
        "penalty": len(extra[0].children[1].leaves),
    }
    if counts != EXPECTED:
        raise SeedFormatError(f"counts {counts} differ from the expected {EXPECTED}")
    return counts


class Block(str):
    """A string dumped as a YAML literal block (``|``)."""


def _block_representer(dumper: yaml.SafeDumper, data: Block) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style="|")


yaml.SafeDumper.add_representer(Block, _block_representer)


DESCRIPTION = """\
由 {script} 依据洛政〔2020〕23号附件2《市县法治政府建设示范指标体系（试行）及责任分工》生成：\
8个一级指标、34个二级指标、100个三级指标，另有附加项（加分项2项、减分项2项），均附责任单位。
编码：一级 1–8；二级 <一级>.<二级序号>；三级 <一级>.<二级>.<原文三级连续序号1–100>（如 3.2.40）。label 保留原文编号。
原文"九、附加项"拆分为两个顶层项：B（1.加分项，kind bonus）和 P（2.减分项，kind penalty），子项 B.1、B.2、P.1、P.2 继承其 kind。
分值为暂定值（provisional: points）：原文"指标体系各项指标的分值、权重和评测方式由中央依法治国办组织专家研究确定"，未公布分值。\
暂按每个三级指标{leaf}分、上级分值为下级之和（总分{total}）；加分项每项{bonus}分、合计封顶{cap}分；减分项每项{penalty}分。\
加分项、减分项按 yesno 评定，以发生的事实作答：加分项答"符合"（加该项分值）或"不符合"；减分项答"发生"（减去该项分值）或"未发生"。\
减分项 2（申报材料弄虚作假）发生的，一票否决，等次为不合格；减分项 1（严重违法行政行为等）发生的，等次最高为合格（veto、grade_cap，均为暂定）。\
等级线（grades）、评定档次（levels）同为暂定；完成度中"完全达到""基本达到"计为完成（complete_levels，暂定）。
完成度阈值 0.9 取自行动方案"市县法治政府建设示范指标完成度达90%以上"。
文本整理：删除一级标题及三处二级标题中表格提取产生的空格（"政府 职能 依法 全面 履行"、"落实权责清单、 负面清单制度并实行动态管理"、\
"创新社会治理, 优化公共服务"、"完善社会监督和 舆论监督机制"等），其余文字与标点（包括半角逗号、括号）照原文保留；\
跨页重复出现的一级、二级单元格视为同一指标（见下）。
责任单位：按"、"","和"，"拆分，括号内不拆（如"各县(市、区)政府"），左侧只有一个字的"、"不拆（如"市、县两级政府"）；\
"其他相关单位配合"等单独成项；简称（如"市发改委、商务局、市场监管局"中的"商务局"）照原文保留，不补"市"字。
"""


def _consequence(number: int) -> str:
    if number in PENALTY_VETO:
        return f"，且一票否决（等次为{PENALTY_VETO[number]['grade']}）"
    if number in PENALTY_GRADE_CAP:
        return f"，且等次最高为{PENALTY_GRADE_CAP[number]}"
    return ""


def build(l1s: list[L1], notes: list[str]) -> dict:
    items: list[dict] = []
    for l1 in l1s:
        if l1.title == EXTRA_TITLE:
            continue
        l2_items = []
        for l2 in l1.children:
            leaves = [
                {
                    "code": f"{l1.number}.{l2.number}.{leaf.number}",
                    "label": str(leaf.number),
                    "title": leaf.text,
                    "points": POINTS_LEAF,
                    "units": leaf.units,
                }
                for leaf in l2.leaves
            ]
            l2_items.append(
                {
                    "code": f"{l1.number}.{l2.number}",
                    "label": f"{l2.number}.",
                    "title": l2.title,
                    "points": sum(x["points"] for x in leaves),
                    "children": leaves,
                }
            )
        items.append(
            {
                "code": str(l1.number),
                "label": l1.label,
                "title": l1.title,
                "points": sum(x["points"] for x in l2_items),
                "children": l2_items,
            }
        )
    total = sum(x["points"] for x in items)

    extra = l1s[-1]
    bonus, penalty = extra.children
    b_children = [
        {
            "code": f"B.{leaf.number}",
            "label": str(leaf.number),
            "title": leaf.text,
            "points": POINTS_BONUS_ITEM,
            "method": "yesno",
            "criteria": f"符合：加{POINTS_BONUS_ITEM}分；不符合：不加分（加分项合计不超过{POINTS_BONUS_CAP}分）",
            "units": leaf.units,
        }
        for leaf in bonus.leaves
    ]
    p_children = [
        {
            "code": f"P.{leaf.number}",
            "label": str(leaf.number),
            "title": leaf.text,
            "points": POINTS_PENALTY_ITEM,
            "method": "yesno",
            "criteria": f"发生：减{POINTS_PENALTY_ITEM}分" + _consequence(leaf.number) + "；未发生：不减分",
            "units": leaf.units,
            **({"veto": PENALTY_VETO[leaf.number]} if leaf.number in PENALTY_VETO else {}),
            **({"grade_cap": PENALTY_GRADE_CAP[leaf.number]} if leaf.number in PENALTY_GRADE_CAP else {}),
        }
        for leaf in penalty.leaves
    ]
    if sum(x["points"] for x in b_children) != POINTS_BONUS_CAP:
        raise SeedFormatError("POINTS_BONUS_CAP must equal the sum of the 加分项 items (children_sum)")
    items.append(
        {
            "code": "B",
            "label": f"{bonus.number}.{bonus.title}",
            "title": bonus.title,
            "points": POINTS_BONUS_CAP,
            "kind": "bonus",
            "source_note": f"原文{extra.label}{extra.title}之{bonus.number}.{bonus.title}",
            "children": b_children,
        }
    )
    items.append(
        {
            "code": "P",
            "label": f"{penalty.number}.{penalty.title}",
            "title": penalty.title,
            "points": sum(x["points"] for x in p_children),
            "kind": "penalty",
            "source_note": f"原文{extra.label}{extra.title}之{penalty.number}.{penalty.title}",
            "children": p_children,
        }
    )

    description = DESCRIPTION.format(
        script=SCRIPT_REL,
        leaf=POINTS_LEAF,
        total=total,
        bonus=POINTS_BONUS_ITEM,
        cap=POINTS_BONUS_CAP,
        penalty=POINTS_PENALTY_ITEM,
    )
    description += "".join(f"- {n}\n" for n in notes)

    return {
        "format": "fzzf-checklist/1",
        "id": "demonstration-2020",
        "title": "市县法治政府建设示范指标体系（试行）",
        "type": "示范创建",
        "version": "2020",
        "source": "洛政〔2020〕23号《洛阳市创建全国法治政府建设示范市两年行动方案》附件2 市县法治政府建设示范指标体系（试行）及责任分工",
        "description": Block(description),
        "provisional": ["points", "grades", "levels", "complete_levels", "veto"],
        "scoring": {
            "total": total,
            "children_sum": True,
            "pass_threshold": COMPLETION_THRESHOLD,
            "complete_levels": COMPLETE_LEVELS,
            "grades": GRADES,
            "levels": LEVELS,
            "default_method": "graded",
        },
        "items": items,
    }


HEADER = """\
# 示范创建 checklist — 市县法治政府建设示范指标体系（试行）, 洛政〔2020〕23号 附件2.
# GENERATED by {script} from {seed} — do not edit by hand;
# change the script and re-run:  python {script} [SEED_PATH] [-o OUT]
# PROVISIONAL (not in the source, which leaves 分值、权重和评测方式 to 中央依法治国办):
#   points  — {leaf} per 三级指标 (sections = sum, total {total}); 加分项 {bonus} each, capped at {cap}; 减分项 {penalty} each
#   grades  — 优秀 ≥90 / 良好 ≥80 / 合格 ≥60 / 不合格
#   levels  — 完全达到 1.0 / 基本达到 0.8 / 部分达到 0.5 / 未达到 0; 完成度 counts 完全达到 and 基本达到
#   减分项  — answered 发生/未发生; P.2 (申报材料弄虚作假) 发生 → 一票否决 (不合格); P.1 发生 → grade at most 合格
#   (also the yesno method chosen for 加分项/减分项)
# From the source: structure, codes, wording, 责任单位, pass_threshold 0.9 (完成度达90%以上).
"""


def render(seed_text: str) -> str:
    l1s, notes = parse(seed_text)
    check_counts(l1s)
    data = build(l1s, notes)
    header = HEADER.format(
        script=SCRIPT_REL,
        seed=SEED_NAME,
        leaf=POINTS_LEAF,
        total=data["scoring"]["total"],
        bonus=POINTS_BONUS_ITEM,
        cap=POINTS_BONUS_CAP,
        penalty=POINTS_PENALTY_ITEM,
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return header + body


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seed", nargs="?", type=Path, default=DEFAULT_SEED, help=f"seed text (default {DEFAULT_SEED})")
    ap.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help=f"output YAML (default {DEFAULT_OUT})")
    args = ap.parse_args(argv)
    try:
        text = args.seed.read_text(encoding="utf-8")
        out = render(text)
    except (OSError, SeedFormatError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(out.encode("utf-8"))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
