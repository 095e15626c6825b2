"""反馈意见书: the letter an inspection team sends the inspected unit, as a Word document.

Built-in export format ``docx`` (``fzzf export -f docx``; the TUI summary's export). Layout:
:mod:`.docx_layout`. Content, in order:

* title “关于<单位>法治政府建设<类型>情况的反馈意见”, 主送 “<单位>：”, an opening paragraph;
* 一、基本情况: 检查清单 (title, version), 检查日期, 检查组, 检查状态;
* 二、得分与等次: 满分, 得分, 得分率, 等次 (with 分值暂定 where the points are provisional, and
  “阶段性结果” while the inspection is not finished), 一票否决/等次上限 as recorded, then a table
  of the top-level sections (满分, 得分, 得分率);
* 三、主要问题: every finding, grouped under its top-level section (findings on no item last),
  numbered as in the 整改清单, with the item, severity and 佐证材料 references;
* 四、整改要求: per finding its 整改要求, 责任单位 and 整改时限 (“待明确” where missing — the
  export warns about those), then how to report back;
* 落款: ``issuer`` (default: the inspection team) and the date of the letter (``today``).

``writer(data, path, issuer=…, today=…, template=…)``: a plugin that wants its own wording or
版头 registers its own format and may call :func:`build_feedback` with a ``template``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..inspection.scoring import format_percent
from .data import InspectionData
from .docx_layout import OfficialDocument, evidence_reference
from .wording import chinese_date, chinese_number, points

DEFAULT_ISSUER = "法治政府建设督察检查组"
FINISHED = ("已完成", "已归档")
MISSING = "待明确"


def activity(kind: str) -> str:
    """What the team did, for the opening sentence: 专项督察, 年度考核, 示范创建评估检查, …检查."""
    if kind == "示范创建":
        return "示范创建评估检查"
    return kind if kind.endswith(("督察", "考核", "检查", "评估")) else f"{kind}检查"


def score_sentence(report: Any, finished: bool) -> str:
    """得分与等次 in one sentence (used by the 反馈意见书 and, per unit, by the 通报)."""
    if not report.has_value:
        return "尚未评分。"
    parts = [f"满分 {points(report.max_total)} 分，得分 {points(report.total)} 分（得分率 {report.percent:.2f}%）"]
    if report.bonus or report.penalty:
        parts.append(f"其中加分 {points(report.bonus)} 分、减分 {points(report.penalty)} 分")
    grade = f"等次为“{report.grade_label}”" if report.grade else f"等次未评定（尚有 {report.unscored} 项未评）"
    parts.append(grade)
    sentence = "，".join(parts) + "。"
    if report.points_provisional:
        sentence += "本清单分值暂定（来源文件未规定分值），得分仅供参考。"
    if not finished:
        sentence += f"检查尚未完成（进度 {format_percent(report.progress)}），以上为阶段性结果。"
    return sentence


def _sections(data: InspectionData) -> list[tuple[Any, list[tuple[int, Any]]]]:
    """(top-level item or None, [(序号, finding)]) in checklist order; 序号 as in the 整改清单."""
    top_of: dict[str, Any] = {}
    for top in data.checklist.items:
        for node in top.walk():
            top_of[node.code] = top
    groups: dict[str, tuple[Any, list[tuple[int, Any]]]] = {}
    for n, f in enumerate(data.findings, start=1):
        top = top_of.get(f.item_code or "")
        key = top.code if top is not None else ""
        groups.setdefault(key, (top, []))[1].append((n, f))
    return list(groups.values())


def _item_label(data: InspectionData, code: str | None) -> str:
    item = data.item(code)
    if item is None:
        return "整体"
    return f"指标 {item.code}"


def build_feedback(data: InspectionData, issuer: str = "", today: date | None = None,
                   template: str | Path | None = None) -> OfficialDocument:
    today = today or date.today()
    meta, report = data.meta, data.report
    finished = str(meta.get("status", "")) in FINISHED
    inspectors = [str(x) for x in meta.get("inspectors") or []]
    team = f"检查组（{'、'.join(inspectors)}）" if inspectors else "检查组"
    doc = OfficialDocument(template)
    doc.title(f"关于{data.unit}法治政府建设{data.type}情况的反馈意见")
    doc.addressee(f"{data.unit}：")
    doc.para(f"根据法治政府建设督察工作安排，{team}于{chinese_date(data.date)}对你单位法治政府建设情况进行了"
             f"{activity(data.type)}。现将检查情况反馈如下。")

    doc.heading("一、基本情况")
    version = meta.get("checklist_version", data.checklist.version)
    doc.para(f"检查清单：{meta.get('checklist_title') or data.checklist.title}（{version}）。")
    doc.para(f"检查日期：{chinese_date(data.date)}" + (f"至{chinese_date(meta['end_date'])}" if meta.get("end_date") else "") + "。")
    doc.para(f"检查组成员：{'、'.join(inspectors) if inspectors else '（未登记）'}。")
    doc.para(f"检查状态：{meta.get('status') or '进行中'}；检查编号：{data.id}。")

    doc.heading("二、得分与等次")
    doc.para(f"你单位本次检查{score_sentence(report, finished)}")
    for o in report.overrides:
        doc.para(o.describe() + "。")
    rows = []
    for top in data.checklist.items:
        ns = report.nodes.get(top.code)
        if ns is None:
            continue
        if not ns.applicable:
            earned, rate = "不涉及", "—"
        elif not ns.has_value:
            earned, rate = "未评", "—"
        elif ns.kind != "normal" and ns.signed is not None:
            earned, rate = f"{ns.signed:+.2f}".rstrip("0").rstrip("."), "—"
        else:
            earned, rate = points(ns.earned), f"{ns.percent:.1f}%" if ns.percent is not None else "—"
        full = points(ns.max) if ns.kind == "normal" else ("加分项" if ns.kind == "bonus" else "减分项")
        rows.append((f"{top.code} {top.title}", full, earned, rate))
    if rows:
        doc.table(("指标", "满分", "得分", "得分率"), rows, (96, 20, 20, 20), align=("l", "c", "c", "c"))

    doc.heading("三、主要问题")
    if not data.findings:
        doc.para("本次检查未发现需要整改的问题。")
    for number, (top, items) in enumerate(_sections(data), start=1):
        title = f"{top.code} {top.title}" if top is not None else "其他问题"
        doc.heading(f"（{chinese_number(number)}）{title}", level=2)
        for n, f in items:
            where = f"（{_item_label(data, f.item_code)}，{f.severity}）"
            p = doc.runs([(f"{n}. ", True), (f.description, False), (where, False)])
            ref = evidence_reference(f)
            if ref:
                p.add_run(f"佐证材料：{ref}。")

    doc.heading("四、整改要求")
    if data.findings:
        doc.para("请你单位对照上述问题，按以下要求逐项整改：")
        for n, f in enumerate(data.findings, start=1):
            due = chinese_date(f.due) if f.due else MISSING
            units = "、".join(f.units) or data.unit
            requirement = f.requirement.strip().rstrip("。；;.") if f.requirement.strip() else "整改要求" + MISSING
            doc.runs([(f"{n}. ", True), (f"{requirement}。", False),
                      (f"责任单位：{units}；整改时限：{due}{'前' if f.due else ''}。", False)])
        doc.para("请在整改时限内将整改措施及完成情况填入整改清单，经单位负责人签字并加盖公章后报送检查组；"
                 "检查组将适时开展回头看，逐项复查销号。")
    else:
        doc.para("请你单位继续巩固法治政府建设成果。")
    doc.signature(issuer or DEFAULT_ISSUER, today)
    return doc


def write_feedback(data: InspectionData, path: str | Path, issuer: str = "", today: date | str | None = None,
                   template: str | Path | None = None) -> None:
    """The export format's writer (``fzzf export -f docx``)."""
    if isinstance(today, str):
        today = date.fromisoformat(today)
    build_feedback(data, issuer=issuer, today=today, template=template).save(path)


__all__ = ["DEFAULT_ISSUER", "build_feedback", "score_sentence", "write_feedback"]
