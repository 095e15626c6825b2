"""通报: the 督察办's circular on a consolidation, as a Word document.

Built-in consolidation format ``bulletin`` (``fzzf consolidate … --report 通报.docx``). Layout:
:mod:`.docx_layout`. Who is ranked and how is :mod:`.ranking`'s rule, the same as the 汇总
workbook's 排名: by default only finished inspections are ranked, the others are named below
each ranking with their 进度. Content:

* title, 主送 “各有关单位：”, an opening paragraph (how many units, of which types, finished);
* 一、总体情况: findings by severity, rectified, overdue;
* 二、排名情况: one part per checklist (id + version): 满分, 分值暂定, a table 名次 | 被检查单位 |
  得分 | 等次 | 问题数, then the units not ranked and why;
* 三、主要问题: findings counted per top-level section (most first, at most
  :data:`MAX_SECTIONS`), with up to :data:`EXAMPLES` examples each;
* 四、整改要求: what units must do, and the units with overdue findings;
* 落款 ``issuer`` (default 法治政府建设督察办公室) and the date (the consolidation's ``today``);
* 附件 (``annex``, default on, on a new page): every finding of every unit with its 整改要求,
  整改时限 and 状态.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx.enum.text import WD_BREAK

from ..inspection.scoring import format_percent
from .docx_layout import OfficialDocument
from .wording import chinese_date, chinese_number, points

if TYPE_CHECKING:
    from .consolidate_model import ConsolidateReport, Entry

DEFAULT_ISSUER = "法治政府建设督察办公室"
MAX_SECTIONS = 10
EXAMPLES = 3
EXAMPLE_CHARS = 40
SEVERITIES = ("严重", "较重", "一般")
DONE = ("已整改", "已销号")


def _short(value: str, n: int = EXAMPLE_CHARS) -> str:
    value = " ".join(value.split())
    return value if len(value) <= n else value[: n - 1] + "…"


class _Tops:
    """code → title of its top-level section, built once per checklist of a run."""

    def __init__(self) -> None:
        self._by_checklist: dict[int, tuple[Any, dict[str, str]]] = {}

    def title(self, entry: Entry, code: str | None) -> str:
        cached = self._by_checklist.get(id(entry.checklist))
        if cached is None or cached[0] is not entry.checklist:
            tops = {node.code: top.title for top in entry.checklist.items for node in top.walk()}
            cached = self._by_checklist[id(entry.checklist)] = (entry.checklist, tops)
        return cached[1].get(code or "", "其他")


def build_bulletin(report: ConsolidateReport, issuer: str = "", title: str = "", addressee: str = "各有关单位：",
                   annex: bool = True, template: str | Path | None = None) -> OfficialDocument:
    from .ranking import is_finished
    from .data import is_overdue

    today = report.today
    entries = report.included
    groups = report.groups
    doc = OfficialDocument(template)
    doc.title(title or f"关于{today.year}年法治政府建设督察情况的通报")
    doc.addressee(addressee)
    by_type: dict[str, int] = {}
    for e in entries:
        by_type[e.type] = by_type.get(e.type, 0) + 1
    kinds = "、".join(f"{t} {n} 个" for t, n in by_type.items())
    finished = sum(1 for e in entries if is_finished(e))
    doc.para(f"截至{chinese_date(today)}，法治政府建设督察共对 {len(entries)} 个单位开展检查"
             + (f"（其中{kinds}）" if kinds else "") + f"，已完成 {finished} 个。现将有关情况通报如下。")

    # 一、总体情况
    doc.heading("一、总体情况")
    findings = [(e, f) for e in entries for f in e.findings]
    severity = {s: sum(1 for _, f in findings if f.severity == s) for s in SEVERITIES}
    done = sum(1 for _, f in findings if f.status in DONE)
    overdue = [(e, f) for e, f in findings if is_overdue(f, today)]
    if findings:
        parts = "、".join(f"{s} {n} 个" for s, n in severity.items() if n)
        doc.para(f"检查共发现问题 {len(findings)} 个" + (f"（{parts}）" if parts else "")
                 + f"；已整改或销号 {done} 个，整改中或待整改 {len(findings) - done} 个，其中逾期未整改 {len(overdue)} 个。")
    else:
        doc.para("检查未发现需要整改的问题。")

    # 二、排名情况
    doc.heading("二、排名情况")
    rule = ("本次通报含未完成的检查，其名次为临时排名。" if report.include_unfinished
            else "只对已完成且全部评分的检查排名；尚未完成的检查不参与排名，得分为阶段性结果。")
    doc.para(f"各类检查按所用检查清单分别排名，得分率相同的名次并列。{rule}")
    for number, group in enumerate(groups, start=1):
        first = group.entries[0].report
        doc.heading(f"（{chinese_number(number)}）{group.type}：{group.title}", level=2)
        note = "（分值暂定，得分仅供参考）" if first.points_provisional else ""
        doc.para(f"满分 {points(first.max_total)} 分{note}。参与排名 {len(group.ranked)} 个单位"
                 + (f"，未参与排名 {len(group.unranked)} 个" if group.unranked else "") + "。", keep_next=bool(group.ranked))
        if group.ranked:
            rows = []
            for r in group.ranked:
                e = r.entry
                rank = f"{r.rank}" + ("（并列）" if r.tied else "") + ("（临时）" if r.provisional else "")
                rows.append((rank, e.unit, points(e.report.total), e.report.grade_label if e.report.grade else "未评定",
                             str(len(e.findings))))
            doc.table(("名次", "被检查单位", "得分", "等次", "问题数"), rows, (24, 66, 22, 24, 20),
                      align=("c", "l", "c", "c", "c"))
        if group.unranked:
            names = "；".join(f"{e.unit}（{reason}，进度 {format_percent(e.report.progress)}）" for e, reason in group.unranked)
            doc.para(f"未参与排名：{names}。")

    # 三、主要问题
    doc.heading("三、主要问题")
    if not findings:
        doc.para("无。")
    sections: dict[str, list[tuple[Entry, Any]]] = {}
    tops = _Tops()
    for e, f in findings:
        sections.setdefault(tops.title(e, f.item_code), []).append((e, f))
    ordered = sorted(sections.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    for n, (name, items) in enumerate(ordered[:MAX_SECTIONS], start=1):
        units = {e.unit for e, _ in items}
        examples = "；".join(f"{e.unit}：{_short(f.description)}" for e, f in items[:EXAMPLES])
        doc.runs([(f"（{chinese_number(n)}）{name}。", True),
                  (f"共 {len(items)} 个问题，涉及 {len(units)} 个单位。如{examples}。", False)])
    if len(ordered) > MAX_SECTIONS:
        rest = sum(len(items) for _, items in ordered[MAX_SECTIONS:])
        doc.para(f"其他方面问题 {rest} 个。" + ("详见附件。" if annex else ""))
    elif findings and annex:
        doc.para("各单位问题及整改要求详见附件。")

    # 四、整改要求
    doc.heading("四、整改要求")
    doc.para("各单位要对照检查反馈意见和整改清单，逐项制定整改措施，明确责任和时限，在整改时限内完成整改，"
             "并将整改措施及完成情况报送督察办公室。督察办公室将适时开展回头看，对整改到位的问题逐项销号。")
    if overdue:
        per_unit: dict[str, int] = {}
        for e, _ in overdue:
            per_unit[e.unit] = per_unit.get(e.unit, 0) + 1
        listed = "、".join(f"{u} {n} 个" for u, n in sorted(per_unit.items(), key=lambda kv: (-kv[1], kv[0])))
        doc.para(f"截至{chinese_date(today)}，以下单位有逾期未整改的问题，请抓紧整改：{listed}。")
    doc.signature(issuer or DEFAULT_ISSUER, today)

    if annex and findings:
        _annex(doc, entries, today)
    return doc


def _annex(doc: OfficialDocument, entries: list[Entry], today: Any) -> None:
    """附件 on a new page: every finding with its 整改要求 (units by name, as the 整改台账)."""
    from .data import is_overdue

    p = doc.doc.add_paragraph(style="fzzf 主送")
    p.add_run().add_break(WD_BREAK.PAGE)
    p.add_run("附件")
    p.runs[-1].font.name = "黑体"
    doc.title("各单位问题及整改要求")
    rows = []
    n = 0
    for e in sorted(entries, key=lambda e: (e.unit, e.type, str(e.meta.get("date", "")), e.id)):
        for f in e.findings:
            n += 1
            due = chinese_date(f.due) if f.due else "待明确"
            status = f.status + ("（逾期）" if is_overdue(f, today) else "")
            rows.append((str(n), e.unit, f.description, f.requirement or "待明确", due, status))
    doc.table(("序号", "被检查单位", "问题", "整改要求", "整改时限", "状态"), rows, (10, 24, 46, 40, 21, 15),
              align=("c", "l", "l", "l", "c", "c"))


def write_bulletin(report: ConsolidateReport, path: str | Path, issuer: str = "", title: str = "",
                   addressee: str = "各有关单位：", annex: bool = True, template: str | Path | None = None) -> None:
    """The consolidation format's writer (``fzzf consolidate --report 通报.docx``)."""
    build_bulletin(report, issuer=issuer, title=title, addressee=addressee, annex=annex, template=template).save(path)


__all__ = ["DEFAULT_ISSUER", "build_bulletin", "write_bulletin"]
