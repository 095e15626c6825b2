#!/usr/bin/env python3
"""Build the built-in 年度考核 checklist from the 哈尔滨市2019年法治政府建设任务分解表 seed text.

Usage::

    python tools/seedgen/annual.py [SEED_PATH] [-o OUT]

Defaults: ``SEED_PATH`` = ``<repo>/../shared/seeds/000_4ddb60610006fafe.txt`` and
``OUT`` = ``<repo>/fzzf_tui/default_plugins/checklists/annual_2019.yaml``.

The seed is a Word table (任务分类 | 主要任务 | 具体措施 | 可检验的成果形式及责任单位) extracted
one cell per line.  After stripping each line and dropping blank ones, the parser reads:

* ``一、`` … ``八、`` alone on a line: a 任务分类; its title is the following line(s) up to the
  next 主要任务 (the title of 三、 is split over three lines and joined without spaces);
* ``1.`` … ``49.`` (24–30 print a full-width ``．``; 44 has its title on the same line): a
  主要任务, numbered 1..49 through the whole document; its title is the next line;
* ``（n）`` (once half-width ``(6)``): a 具体措施 (column 3);
* ``①``…, or the Word field code ``EQ \\o\\ac(○,6)`` (an enclosed ⑥ that lost its glyph): a
  可检验的成果形式 (column 4);
* any other line: if the current 主要任务 has no 具体措施 yet, it is that task's only
  具体措施, printed without ``（1）``; otherwise it is a 可检验的成果形式 printed as a plain
  sentence without ``①``.

Every 可检验的成果形式 line -- circled or plain -- becomes one child of its 具体措施, so every
具体措施 is a section and the scored leaves are always column-4 lines, each keeping its own
责任单位 / 责任处室 / 不涉及 tags.  (A measure with one plain result line thus has exactly one
unlabelled child.)  Tags are kept on the item whose line carries them and are not copied to
children, so the per-tag counts over all items equal the counts in the text.

Trailing groups are read from the end of each line: ``[责任单位]`` or a round-bracket group
ending in 负责/参与; ``（责任处室：…）`` (one lacks its closing bracket); ``（…不涉及）``.
``title`` is the line without its numbering and those groups; ``text`` is the full line as
printed (without the numbering) whenever it differs from the title.

Heading of 主要任务 43 is missing in the seed (its measures restart at ``（1）`` right after
task 42); the parser detects the restart and inserts :data:`RESTORED_TASKS`.

Points, grades and the deduction rule are not in the source and are provisional
(see :data:`TOTAL_POINTS`, :data:`GRADES`, :data:`DEDUCTION`): each 主要任务 carries the same
weight and its 可检验的成果形式 share it equally.  Output is deterministic.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_NAME = "000_4ddb60610006fafe.txt"
DEFAULT_SEED = REPO_ROOT.parent / "shared" / "seeds" / SEED_NAME
DEFAULT_OUT = REPO_ROOT / "fzzf_tui" / "default_plugins" / "checklists" / "annual_2019.yaml"
SCRIPT_REL = "tools/seedgen/annual.py"

TITLE = "哈尔滨市2019年法治政府建设任务分解表（部门版）"
SOURCE = "哈尔滨市2019年法治政府建设任务分解表（部门版）（附件，完成时限12月中旬）"

# ---------------------------------------------------------------- provisional values
TOTAL_POINTS = 100  # equal per 主要任务, then shared by the task's leaves (see allocate_points)
GRADES = [
    {"name": "优秀", "min": 90},
    {"name": "良好", "min": 80},
    {"name": "合格", "min": 60},
    {"name": "不合格", "min": 0},
]
# 0.5 per case is about a quarter of a 主要任务 (100/49 ≈ 2.04): four findings on a task take its
# weight, and a finding on a result form worth less than 0.5 takes that form (扣完为止).
DEDUCTION = {"per_case": 0.5, "floor": 0}

# ---------------------------------------------------------------- restorations
#: 主要任务 whose heading row is missing in the seed: number -> title.
#: 43: wording of 法治政府建设实施纲要（2015－2020年）七(二), used verbatim by the Harbin county
#: plan in seed 001 (2018年度延寿县法治政府建设实施方案 六(二)), whose neighbouring headings
#: are exactly tasks 42, 44 and 45 here and whose body starts with task 43's first measure.
RESTORED_TASKS = {43: "加强对政府工作人员的法治教育培训"}
RESTORED_NOTE = (
    "原文缺少第43项主要任务的标题行：第42项的（1）（2）之后，具体措施直接从“（1）加强政府工作人员特别是"
    "领导干部的法治培训”重新编号，其后为“44.”。标题“加强对政府工作人员的法治教育培训”据上下文恢复："
    "该4项措施均为法治教育培训（领导干部法治培训、干部教育必修课、公务员初任和任职培训、行政执法人员培训）；"
    "《法治政府建设实施纲要（2015－2020年）》第七部分第（二）项及《2018年度延寿县法治政府建设实施方案》"
    "六（二）均以此为题，且两者相邻各项与本表第42、44、45项标题一致，后者正文即以“加强政府工作人员特别是"
    "领导干部的法治培训”开头。编号43和标题均为恢复值，原文责任处室未列（故不设 offices）。"
)

# ---------------------------------------------------------------- raw counts in the seed
RAW_COUNTS = {
    "categories": 8,
    "tasks": 49,
    "measure_markers": 174,  # （n） full-width
    "circled": 258,  # ①..⑳ glyphs
    "中直机构不涉及": 67,
    "无立法计划不涉及": 12,
    "（不涉及）": 8,
}

CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CAT_RE = re.compile(r"^([一二三四五六七八九十])、\s*(.*)$")
TASK_RE = re.compile(r"^(\d+)([.．])\s*(.*)$")
MEASURE_RE = re.compile(r"^([（(])(\d+)([）)])\s*(.*)$")
CIRCLED_RE = re.compile(rf"^([{CIRCLED}])\s*(.*)$")
EQ_RE = re.compile(r"^EQ \\o\\ac\(○,(\d+)\)\s*(.*)$")
HEADER_END = "可检验的成果形式及责任单位"
DEADLINE_RE = re.compile(r"完成时限([^）)]+)")
CJK_SPACE_RE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")

NA_RE = re.compile(r"[（(]((?:中直机构|无立法计划)?不涉及)[）)]$")
OFFICE_RE = re.compile(r"[（(]责任处室[：:]([^（）()]*)([）)]?)$")
UNIT_TAIL_RE = re.compile(r"(负责|参与)$")
UNIT_SUFFIXES = (
    "按照职责分工分别负责",
    "按职责分工分别负责",
    "按职责分工分头负责",
    "按职能分工分别负责",
    "牵头推进",
    "牵头负责",
    "分工负责",
    "分别负责",
    "负责",
    "参与",
    "牵头",
)
#: pieces of a 责任单位 cell that are a status remark, not a unit
UNIT_REMARKS = {"现未开展"}


class SeedFormatError(ValueError):
    """The seed does not have the expected structure (so the output would be wrong)."""


@dataclass
class Line:
    """One table cell: numbering, wording and the trailing bracket groups."""

    label: str
    title: str
    text: str
    units_raw: str = ""
    units: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    offices: list[str] = field(default_factory=list)
    na: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Node:
    kind: str  # category | task | measure | result
    num: int
    line: Line
    children: list["Node"] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    code: str = ""
    points_cents: int = 0


# ---------------------------------------------------------------- cell parsing
def _matching_open(s: str) -> int:
    """Index of the bracket opening the group that closes at ``s[-1]`` (（/( and ）/) alike)."""
    depth = 0
    for i in range(len(s) - 1, -1, -1):
        c = s[i]
        if c in "）)":
            depth += 1
        elif c in "（(":
            depth -= 1
            if depth == 0:
                return i
    return -1


def split_units(cell: str) -> tuple[list[str], list[str], list[str]]:
    """Split a 责任单位 cell into clean unit names (document order), remarks, and the 牵头 units.

    Split on ``、``/``，``/``,`` outside brackets, after ``牵头`` (``X牵头，Y`` and ``X牵头Y``)
    and at ``以及``; keep ``各区、县（市）`` together; strip role suffixes such as
    ``按职责分工分别负责``/``牵头负责``/``负责`` and a trailing ``等``. ``牵头`` marks the units
    of its ``、`` group as leads: ``A、B牵头负责，C负责`` → leads A and B.
    """
    pieces: list[tuple[str, bool]] = []  # (piece, ends a ，-group)
    buf = ""
    depth = 0
    for c in cell:
        if c in "（(":
            depth += 1
        elif c in "）)":
            depth -= 1
        if depth == 0 and c in "、，,":
            pieces.append((buf, c != "、"))
            buf = ""
        else:
            buf += c
    pieces.append((buf, True))
    merged: list[tuple[str, bool]] = []
    for p, ends in pieces:
        p = p.strip()
        if merged and p.startswith("县（市）") and merged[-1][0].endswith("各区"):
            merged[-1] = (merged[-1][0] + "、" + p, ends)
        else:
            merged.append((p, ends))
    units: list[str] = []
    remarks: list[str] = []
    leads: list[str] = []
    group: list[str] = []  # units of the current 、-group, which a later 牵头 makes leads
    for p, ends in merged:
        parts = re.split(r"(以及|牵头(?!负责|推进)(?=.))", p)
        for i in range(0, len(parts), 2):
            part = parts[i].strip()
            lead = i + 1 < len(parts) and parts[i + 1].startswith("牵头")
            for suf in UNIT_SUFFIXES:
                if part.endswith(suf) and len(part) > len(suf):
                    lead = lead or suf.startswith("牵头")
                    part = part[: -len(suf)]
                    break
            part = part.strip()
            if part.endswith("等"):
                part = part[:-1]
            if part and part not in UNIT_REMARKS:
                units.append(part)
                group.append(part)
            elif part:
                remarks.append(part)
            if lead:
                leads.extend(u for u in group if u not in leads)
            if lead or i + 1 < len(parts):
                group = []  # "X牵头Y": Y starts a new group
        if ends:
            group = []
    return units, remarks, leads


def parse_cell(label: str, rest: str) -> Line:
    """Read trailing ``[units]``/``（units）``, ``（责任处室：…）`` and ``（…不涉及）`` groups."""
    text = CJK_SPACE_RE.sub("", rest).strip()
    body = text
    na: list[str] = []
    offices: list[str] | None = None
    units_raw = ""
    notes: list[str] = []
    while True:
        body = body.rstrip()
        m = NA_RE.search(body)
        if m:
            na.insert(0, m.group(1))
            body = body[: m.start()]
            continue
        m = OFFICE_RE.search(body)
        if m and offices is None:
            raw = m.group(1).strip()
            if not m.group(2):
                notes.append(f"原文“（责任处室：{raw}”缺右括号")
            parts = [p.strip() for p in re.split(r"[、，,]", raw)]
            if any(not p for p in parts):
                notes.append(f"原文责任处室栏为“{raw}”，含空项，已略去")
            offices = [p for p in parts if p]
            body = body[: m.start()]
            continue
        if not units_raw and body.endswith("]"):
            i = body.rfind("[")
            if i >= 0:
                units_raw = body[i:]
                body = body[:i]
                continue
        if not units_raw and body and body[-1] in "）)":
            i = _matching_open(body)
            if i > 0 and UNIT_TAIL_RE.search(body[i + 1 : -1]):
                units_raw = body[i:]
                body = body[:i]
                continue
        break
    line = Line(label=label, title=body.strip(), text=text, offices=offices or [], na=na, notes=notes)
    if units_raw:
        line.units_raw = units_raw
        line.units, remarks, line.leads = split_units(units_raw[1:-1])
        for r in remarks:
            line.notes.append(f"责任单位栏注明“{r}”（非单位名称，未列入 units）")
    return line


# ---------------------------------------------------------------- document parsing
def parse(seed_text: str) -> tuple[list[Node], dict]:
    lines = [l.strip() for l in seed_text.splitlines()]
    lines = [l for l in lines if l]
    try:
        start = lines.index(HEADER_END) + 1
    except ValueError:
        raise SeedFormatError(f"table header “{HEADER_END}” not found") from None
    deadline = ""
    for l in lines[:start]:
        m = DEADLINE_RE.search(l)
        if m:
            deadline = m.group(1)
    info: dict = {
        "deadline": deadline,
        "unnumbered_measures": [],
        "plain_results": 0,
        "restored_tasks": [],
        "fullwidth_task_dots": [],
        "halfwidth_measure_markers": [],
        "eq_fields": [],
        "missing_circled": [],
        "despaced_tasks": [],
    }
    cats: list[Node] = []
    cat_title: list[str] | None = None
    task: Node | None = None
    measure: Node | None = None
    last_task_num = 0

    def need_task(what: str, l: str) -> Node:
        if task is None:
            raise SeedFormatError(f"{what} outside a 主要任务: {l[:40]}")
        return task

    def new_task(num: int, label: str, title_line: str) -> Node:
        nonlocal task, measure, last_task_num, cat_title
        if not cats:
            raise SeedFormatError(f"主要任务 {num} before any 任务分类")
        if num != last_task_num + 1:
            raise SeedFormatError(f"主要任务 {num} follows {last_task_num}")
        if cat_title is not None:
            cats[-1].line.title = cats[-1].line.text = "".join(cat_title)
            cat_title = None
        if CJK_SPACE_RE.search(title_line):
            info["despaced_tasks"].append(num)
        last_task_num = num
        task = Node("task", num, parse_cell(label, title_line))
        cats[-1].children.append(task)
        measure = None
        return task

    i = start
    while i < len(lines):
        l = lines[i]
        i += 1
        m = CAT_RE.match(l)
        if m:
            num = CN_NUM[m.group(1)]
            if num != len(cats) + 1:
                raise SeedFormatError(f"任务分类 {m.group(1)} out of order")
            cats.append(Node("category", num, Line(label=f"{m.group(1)}、", title="", text="")))
            cat_title = [m.group(2)] if m.group(2) else []
            task = measure = None
            continue
        if cat_title is not None and not TASK_RE.match(l):
            cat_title.append(l)
            continue
        m = TASK_RE.match(l)
        if m:
            num = int(m.group(1))
            label = m.group(1) + m.group(2)
            if m.group(2) != ".":
                info["fullwidth_task_dots"].append(num)
            title_line = m.group(3)
            if not title_line:
                if i >= len(lines):
                    raise SeedFormatError(f"主要任务 {num} has no title")
                title_line = lines[i]
                i += 1
            new_task(num, label, title_line)
            continue
        m = MEASURE_RE.match(l)
        if m:
            t = need_task("具体措施", l)
            num = int(m.group(2))
            prev = t.children[-1].num if t.children else 0
            if num == 1 and prev >= 1:
                # numbering restarts: the heading of the next 主要任务 is missing
                missing = last_task_num + 1
                if missing not in RESTORED_TASKS:
                    raise SeedFormatError(f"具体措施 numbering restarts after 主要任务 {last_task_num}")
                t = new_task(missing, f"{missing}.", RESTORED_TASKS[missing])
                t.notes.append(RESTORED_NOTE)
                info["restored_tasks"].append(missing)
                prev = 0
            if num != prev + 1:
                raise SeedFormatError(f"具体措施 （{num}） follows （{prev}） in 主要任务 {t.num}")
            label = m.group(1) + m.group(2) + m.group(3)
            measure = Node("measure", num, parse_cell(label, m.group(4)))
            if label != f"（{num}）":
                measure.notes.append(f"原文编号为半角“{label}”")
                info["halfwidth_measure_markers"].append(f"{t.num}项{label}")
            t.children.append(measure)
            continue
        m = CIRCLED_RE.match(l)
        eq = EQ_RE.match(l)
        if m or eq:
            if measure is None:
                raise SeedFormatError(f"可检验的成果形式 outside a 具体措施: {l[:40]}")
            if m:
                k = CIRCLED.index(m.group(1)) + 1
                node = Node("result", k, parse_cell(m.group(1), m.group(2)))
            else:
                k = int(eq.group(1))
                node = Node("result", k, parse_cell(CIRCLED[k - 1], eq.group(2)))
                node.notes.append(
                    f"原文编号为 Word 域代码“EQ \\o\\ac(○,{k})”（带圈数字{CIRCLED[k - 1]}，提取时丢失字形），已还原"
                )
                info["eq_fields"].append(f"{need_task('', l).num}项{measure.line.label}{CIRCLED[k - 1]}")
            if k != len(measure.children) + 1:
                raise SeedFormatError(f"{CIRCLED[k - 1]} out of sequence in 主要任务 {task.num} {measure.line.label}")
            measure.children.append(node)
            continue
        # plain line
        t = need_task("line", l)
        if not t.children:
            measure = Node("measure", 1, parse_cell("", l))
            measure.notes.append("原文此项具体措施未编号（该主要任务只有一项具体措施），编号按 1 计")
            info["unnumbered_measures"].append(t.num)
            t.children.append(measure)
            continue
        if measure is None:
            raise SeedFormatError(f"unexpected line: {l[:40]}")
        node = Node("result", len(measure.children) + 1, parse_cell("", l))
        if any(c.line.label for c in measure.children):
            raise SeedFormatError(f"plain line after circled items in 主要任务 {t.num}: {l[:40]}")
        info["plain_results"] += 1
        measure.children.append(node)
    if cat_title is not None:
        raise SeedFormatError("任务分类 without 主要任务 at the end")
    # a plain line directly followed by ② is a ① whose marker is missing
    for c in cats:
        for t in c.children:
            for ms in t.children:
                labels = [r.line.label for r in ms.children]
                if len(labels) > 1 and not labels[0] and all(labels[1:]):
                    ms.children[0].notes.append(
                        f"原文此条无“①”编号，其后为“{labels[1]}”，按①计（label 留空，与原文一致）"
                    )
                    info["missing_circled"].append(f"{t.num}项{ms.line.label}")
                    info["plain_results"] -= 1
                elif len(labels) > 1 and not all(labels):
                    raise SeedFormatError(f"mixed numbering in 主要任务 {t.num} {ms.line.label}")
    return cats, info


def walk(nodes: list[Node]):
    for n in nodes:
        yield n
        yield from walk(n.children)


def raw_counts(seed_text: str) -> dict:
    """Counts taken directly from the seed text (what README.md quotes)."""
    return {
        "categories": len(re.findall(r"^\s*[一二三四五六七八九十]、\s*$", seed_text, re.M)),
        "tasks": len(set(re.findall(r"^\s*(\d+)[.．]", seed_text, re.M))),
        "measure_markers": len(re.findall(r"（\d+）", seed_text)),
        "circled": len(re.findall(f"[{CIRCLED}]", seed_text)),
        "中直机构不涉及": seed_text.count("中直机构不涉及"),
        "无立法计划不涉及": seed_text.count("无立法计划不涉及"),
        "（不涉及）": seed_text.count("（不涉及）"),
    }


def check(cats: list[Node], info: dict, seed_text: str) -> dict:
    """Structural checks against the raw counts of the seed; returns the counts found."""
    raw = raw_counts(seed_text)
    if raw != {**RAW_COUNTS, "tasks": RAW_COUNTS["tasks"] - len(RESTORED_TASKS)}:
        raise SeedFormatError(f"raw counts {raw} differ from the expected {RAW_COUNTS}")
    all_nodes = list(walk(cats))
    by_kind = {k: [n for n in all_nodes if n.kind == k] for k in ("category", "task", "measure", "result")}
    counts = {
        "categories": len(by_kind["category"]),
        "tasks": len(by_kind["task"]),
        "measures": len(by_kind["measure"]),
        "results": len(by_kind["result"]),
        "circled": sum(1 for n in by_kind["result"] if n.line.label),
        "plain_results": sum(1 for n in by_kind["result"] if not n.line.label),
    }
    for tag in ("中直机构不涉及", "无立法计划不涉及", "不涉及"):
        counts[tag] = sum(n.line.na.count(tag) for n in all_nodes)
    if counts["categories"] != 8 or [t.num for t in by_kind["task"]] != list(range(1, 50)):
        raise SeedFormatError(f"expected 8 任务分类 and 主要任务 1..49, got {counts}")
    expected = {
        "measures": raw["measure_markers"]
        + len(info["halfwidth_measure_markers"])
        + len(info["unnumbered_measures"]),
        "circled": raw["circled"] + len(info["eq_fields"]),
        "中直机构不涉及": raw["中直机构不涉及"],
        "无立法计划不涉及": raw["无立法计划不涉及"],
        "不涉及": raw["（不涉及）"],
    }
    got = {k: counts[k] for k in expected}
    if got != expected:
        raise SeedFormatError(f"parsed counts {got} differ from the text {expected}")
    for n in by_kind["measure"]:
        if not n.children:
            raise SeedFormatError(f"具体措施 without 可检验的成果形式: {n.line.title[:30]}")
    for n in by_kind["category"] + by_kind["task"] + by_kind["measure"]:
        if n.line.units:
            raise SeedFormatError(f"责任单位 on a heading: {n.line.title[:30]}")
    return counts


# ---------------------------------------------------------------- building the YAML data
def assign_codes(cats: list[Node]) -> None:
    for c in cats:
        c.code = str(c.num)
        for t in c.children:
            t.code = f"{c.code}.{t.num}"
            for ms in t.children:
                ms.code = f"{t.code}.{ms.num}"
                for r in ms.children:
                    r.code = f"{ms.code}.{r.num}"


def _share(cents: int, nodes: list[Node]) -> None:
    """Give ``cents`` to ``nodes`` as evenly as whole cents allow (the extra cents spread out in
    document order), so the parts add up exactly."""
    n = len(nodes)
    for i, node in enumerate(nodes):
        node.points_cents = cents * (i + 1) // n - cents * i // n


def allocate_points(cats: list[Node], total: int = TOTAL_POINTS) -> None:
    """Each 主要任务 gets the same share of ``total`` (to the cent); the leaves of a task share
    its points equally; every section is the exact sum of its children. A 任务分类 thus weighs
    as many tasks as it has, and no task weighs more because it lists more result forms."""
    tasks = [t for c in cats for t in c.children]
    _share(total * 100, tasks)
    for task in tasks:
        leaves = [n for n in walk(task.children) if not n.children] if task.children else [task]
        _share(task.points_cents, leaves)

    def up(node: Node) -> int:
        if node.children:
            node.points_cents = sum(up(ch) for ch in node.children)
        return node.points_cents

    for c in cats:
        up(c)


def _points(cents: int) -> int | float:
    return cents // 100 if cents % 100 == 0 else cents / 100


def item_dict(n: Node) -> dict:
    d: dict = {"code": n.code}
    if n.line.label:
        d["label"] = n.line.label
    d["title"] = n.line.title
    if n.line.text and n.line.text != n.line.title:
        d["text"] = n.line.text
    d["points"] = _points(n.points_cents)
    if n.line.units:
        d["units"] = n.line.units
    if n.line.leads:
        d["lead_units"] = n.line.leads
    if n.line.offices:
        d["offices"] = n.line.offices
    if n.line.na:
        d["na_conditions"] = n.line.na
    notes = n.notes + n.line.notes
    if notes:
        d["source_note"] = "；".join(notes)
    if n.children:
        d["children"] = [item_dict(ch) for ch in n.children]
    return d


class Block(str):
    """A string dumped as a YAML literal block (``|``)."""


def _block_representer(dumper: yaml.SafeDumper, data: Block) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style="|")


yaml.SafeDumper.add_representer(Block, _block_representer)


def _min_max(nodes) -> tuple[str, str]:
    vals = sorted({n.points_cents for n in nodes})
    return f"{vals[0] / 100:.2f}", f"{vals[-1] / 100:.2f}"


DESCRIPTION = """\
由 {script} 依据《哈尔滨市2019年法治政府建设任务分解表（部门版）》（{seed}）生成，请勿手工修改。
完成时限：{deadline}（年底考核）。

结构（与原文表格四列对应）：
- 任务分类 一、…八、 → code "1"…"8"；
- 主要任务 1.–49.（全文连续编号）→ "<分类>.<任务>"，如 "1.1"、"7.43"；
- 具体措施 （1）（2）… → "<分类>.<任务>.<n>"；
- 可检验的成果形式 ①②… → "<分类>.<任务>.<n>.<k>"，为计分的末级指标，各自带责任单位（units）、责任处室（offices）和不涉及情形（na_conditions）。
label 照录原文编号（第24–30项原文用全角“．”，照录为“24．”等）；title 为去掉编号和末尾括注后的原文，text 为含括注的整行原文。
units 由责任单位括注拆分而来：按“、”“，”“,”拆分（括号内及“各区、县（市）”不拆），并在“牵头”“以及”处断开，去掉“按职责分工分别负责”“牵头负责”“负责”等职责用语及末尾“等”；原文完整括注保留在 text 中。标有“牵头”的单位另记入 lead_units（“A、B牵头”两者都是牵头单位）。
na_conditions 只记在印有该标注的那一行对应的条目上（不向下级复制），因此全文计数与原文一致：中直机构不涉及 {n_zz} 处、无立法计划不涉及 {n_lf} 处、（不涉及）{n_bs} 处。按情形批量标记不涉及时，具体措施上的标注适用于其下全部成果形式。

原文问题及处理：
1. 第43项主要任务缺标题行（措施在第42项之后从（1）重新编号）。据上下文恢复为“{t43}”：4项措施均为法治教育培训；该表述即《法治政府建设实施纲要（2015－2020年）》第七部分第（二）项标题，《2018年度延寿县法治政府建设实施方案》六（二）亦同，且其相邻标题与本表第42、44、45项一致。恢复项带 source_note（来源说明）。
2. 原文“（n）”共 {raw_m} 个，均为具体措施编号（无正文引用）。另有：第{half}为半角括号（计入）；第{unnum}项主要任务各只有一项具体措施，原文未编号（编号按 1 计，带 source_note）。故具体措施共 {raw_m} + {n_half} + {n_unnum} = {n_measures} 项。
3. 原文带圈数字共 {raw_c} 个；另有一处 Word 域代码“EQ \\o\\ac(○,6)”（第{eq}，已还原为 label“⑥”）。故带圈编号的成果形式共 {n_circled} 项。
4. 有 {n_plain} 项具体措施没有①②，只有一句不带编号的“可检验的成果形式”：统一作为该措施下唯一的子项（code 末段为 1，不设 label），使所有末级指标都是第四列的成果形式、标注各归其行。另第{miss}的第一句无“①”而其后为“②”，按①计（不设 label，带 source_note）。末级指标共 {n_circled} + {n_plain_all} = {n_leaves} 项。
5. 表格提取把部分主要任务标题从中间断开（如“优化政府组织结 构”），已删除汉字之间的空白（第{despaced}项）；第三类标题原文分三行，已连接。其余文字照录（含原文错字和中英文标点）。
6. 个别括注：第29项（3）及其子项的责任处室原文为“：、财审处”（略去空项）；第31项（7）③的责任处室缺右括号；第8项（2）的责任单位栏含“现未开展”（记入 source_note，不作为单位）。

计分（暂定，provisional: points, grades, deduction；原文未规定分值、权重和完成度要求）：
- 权重：总分 {total} 分，{n_tasks} 项主要任务同等权重，各 {tmin} 或 {tmax} 分（{total} ÷ {n_tasks}，按 0.01 分取整，多出的 0.01 分按文档顺序均匀分布）；任务分类的分值为其主要任务之和（分类越多任务，分值越高，如第一类 {c1} 分、第三类 {c3} 分）。一项主要任务的分值由其全部可检验的成果形式平均分享（每项 {pmin}–{pmax} 分），不因成果形式多少而改变该任务的权重。上级分值为下级之和（children_sum），各级合计精确到 0.01。
- 评分方法：年底考核按处扣分（deduction），每发现1处问题扣 {per_case} 分（约为一项主要任务分值的四分之一：同一主要任务发现4处问题即扣去该任务的全部分值），每项成果形式扣完为止（floor 0）。
- 等级：优秀 ≥90、良好 ≥80、合格 ≥60、不合格 <60。
- 完成度要求：原文未规定（pass_threshold 为空，不显示“要求”）。
- 标有不涉及情形（如“中直机构不涉及”）的条目，对符合该情形的被考核单位应按不涉及处理（可按单位情形批量标记）。
"""

HEADER = """\
# 年度考核 checklist — 哈尔滨市2019年法治政府建设任务分解表（部门版）, 完成时限{deadline}.
# GENERATED by {script} from {seed} — do not edit by hand;
# change the script and re-run:  python {script} [SEED_PATH] [-o OUT]
# PROVISIONAL (not in the source, which gives tasks and 责任单位 but no scoring):
#   points     — total {total}, the same weight for each of the {n_tasks} 主要任务 ({tmin}/{tmax} each, to the cent);
#                a task's 可检验的成果形式 share its points equally ({pmin}–{pmax} each); sections = sum,
#                so a 任务分类 weighs as many tasks as it has (e.g. 一、 {c1}, 三、 {c3})
#   grades     — 优秀 ≥90 / 良好 ≥80 / 合格 ≥60 / 不合格
#   deduction  — method deduction for every leaf, {per_case} per case (a quarter of a task: four findings
#                on one task take its weight), floor 0 per result form (扣完为止)
#   no 完成度 requirement (pass_threshold: null): the source sets none
# From the source: structure, numbering, wording, 责任单位 (牵头 kept as lead_units), 责任处室,
# 不涉及 tags, deadline.
# Restored: heading of 主要任务 43 (missing in the source; see description and the item's source_note).
"""


def build(cats: list[Node], info: dict, counts: dict) -> tuple[dict, dict]:
    assign_codes(cats)
    allocate_points(cats)
    pmin, pmax = _min_max(n for n in walk(cats) if not n.children)
    tmin, tmax = _min_max(t for c in cats for t in c.children)
    n_plain_all = counts["plain_results"]
    fmt = {
        "script": SCRIPT_REL,
        "seed": SEED_NAME,
        "deadline": info["deadline"],
        "n_zz": counts["中直机构不涉及"],
        "n_lf": counts["无立法计划不涉及"],
        "n_bs": counts["不涉及"],
        "t43": RESTORED_TASKS[43],
        "raw_m": RAW_COUNTS["measure_markers"],
        "half": "、".join(info["halfwidth_measure_markers"]),
        "n_half": len(info["halfwidth_measure_markers"]),
        "unnum": "、".join(map(str, info["unnumbered_measures"])),
        "n_unnum": len(info["unnumbered_measures"]),
        "n_measures": counts["measures"],
        "raw_c": RAW_COUNTS["circled"],
        "eq": "、".join(info["eq_fields"]),
        "n_circled": counts["circled"],
        "n_plain": n_plain_all - len(info["missing_circled"]),
        "miss": "、".join(info["missing_circled"]),
        "n_plain_all": n_plain_all,
        "n_leaves": counts["results"],
        "despaced": "、".join(map(str, info["despaced_tasks"])),
        "total": TOTAL_POINTS,
        "pmin": pmin,
        "pmax": pmax,
        "tmin": tmin,
        "tmax": tmax,
        "n_tasks": sum(len(c.children) for c in cats),
        "c1": _points(cats[0].points_cents),
        "c3": _points(cats[2].points_cents),
        "per_case": DEDUCTION["per_case"],
    }
    data = {
        "format": "fzzf-checklist/1",
        "id": "annual-2019",
        "title": TITLE,
        "type": "年度考核",
        "version": "2019",
        "source": SOURCE,
        "description": Block(DESCRIPTION.format(**fmt)),
        "provisional": ["points", "grades", "deduction"],
        "scoring": {
            "total": TOTAL_POINTS,
            "children_sum": True,
            "pass_threshold": None,
            "grades": GRADES,
            "default_method": "deduction",
            "deduction": DEDUCTION,
        },
        "items": [item_dict(c) for c in cats],
    }
    return data, fmt


def render(seed_text: str) -> str:
    cats, info = parse(seed_text)
    counts = check(cats, info, seed_text)
    data, fmt = build(cats, info, counts)
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return HEADER.format(**fmt) + body


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
