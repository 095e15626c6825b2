"""Take back a 自查表 a unit filled in: its 自评 per item, into its inspection's ``self_results``.

:func:`read_form` opens the workbook with :mod:`fzzf_tui.safe_xlsx` (size and zip checks,
defusedxml) and reads the hidden ``_fzzf`` sheet: campaign, unit, checklist hash, and per item
the row it was written in and the self-assessment that row held (its fingerprint).

:func:`plan_import` compares the form with the unit's current self-assessment and changes
nothing. The whole file is refused when it is not a 自查表 of this tool, belongs to another
campaign, names a unit the campaign does not have, was made from another checklist, or its
title rows (``自查表!A1``/``A2``: which unit it is for) were altered. A row is refused, with its
cell, when

* its hidden 指标编号 (J) is empty while the row has content (an inserted row), unknown to the
  ``_fzzf`` sheet, or repeated (a copied row);
* an identity cell differs from what was written — A 编号, B 指标内容, C 填写方式, D 满分;
* 自评结果 (E) is not an allowed answer for the item (``自查表!E12: 自评结果“很好”不是允许的值…``);
* 不涉及 (F) is neither empty nor “是”, is “是” without a reason (G) or together with a 自评结果,
  or a reason is given without 不涉及;
* the unit changed the row since it was written and the inspection meanwhile received a
  different self-assessment for the item (a conflict).

Only what the unit changed relative to the form as written is applied (three-way, as for the
returned 整改清单), so sending an old form back never undoes a later import. Rows the unit left
as written change nothing. :func:`apply_import` stores the result in one audited entry naming
the file, its SHA-256, the 填报人 and every item changed (old and new values).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..checklist.model import Checklist, Item
from ..errors import ExportError, InvalidValue
from ..inspection import IN_PROGRESS
from ..inspection.scoring import format_points, validate_value
from ..inspection.self_check import (
    SelfAssessment,
    answer_text,
    read_self_results,
    store_self_results,
)
from ..inspection.store import now_iso
from .forms import (
    COL,
    FILLER_CELLS,
    FIRST_ROW,
    FORM_FORMAT,
    IDENTITY,
    IDENTITY_TABLE_ROW,
    NA_YES,
    SHEET,
    answers,
    how_to_fill,
    item_text,
    points_text,
    self_fingerprint,
)
from ..exporting.cells import cell_text as _text
from .store import Campaign

MAX_ROWS = 20_000  # a checklist has a few hundred items; a form is never longer than this
IDENTITY_CELLS = (("A", "编号"), ("B", "指标内容"), ("C", "填写方式"), ("D", "满分"))
NO_WORDS = ("", "否")


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- reading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FormRow:
    row: int
    values: tuple[Any, ...]  # columns A–J

    def get(self, col: int) -> Any:
        return self.values[col - 1] if col <= len(self.values) else None

    @property
    def blank_input(self) -> bool:
        return all(_text(self.get(c)) == "" for c in range(COL["自评结果"], COL["说明"] + 1))


@dataclass
class ReturnedForm:
    path: Path
    sha256: str
    keys: dict[str, str]
    title: str  # A1 as returned
    subtitle: str  # A2 as returned
    filler: dict[str, str]  # 填报人, 联系电话, 填报日期
    rows: list[FormRow]
    written: dict[str, tuple[int, str]]  # code → (row written, fingerprint of the self-assessment it held)
    shown: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (C 填写方式, D 满分) as written

    @property
    def campaign_id(self) -> str:
        return self.keys.get("campaign_id", "")

    @property
    def unit(self) -> str:
        return self.keys.get("unit", "")


def read_form(path: str | Path) -> ReturnedForm:
    """Open a returned 自查表 safely and read its identity and rows (nothing is changed)."""
    from ..safe_xlsx import check_file

    path = Path(path)
    checked = check_file(path)
    sha = hashlib.sha256(checked.data).hexdigest()
    wb = checked.load()
    try:
        if SHEET not in wb.sheetnames or IDENTITY not in wb.sheetnames:
            raise ExportError(f"{path.name} 不是本工具生成的自查表（缺少“{SHEET}”工作表或隐藏的标识工作表），"
                              "请使用 fzzf campaign self-check-forms 生成的文件")
        ident = wb[IDENTITY]
        keys = {_text(ident.cell(row=r, column=1).value): _text(ident.cell(row=r, column=2).value)
                for r in range(1, IDENTITY_TABLE_ROW)}
        if keys.get("format") != FORM_FORMAT:
            raise ExportError(f"{path.name} 的标识工作表格式为“{keys.get('format', '')}”，应为 {FORM_FORMAT}")
        for key in ("campaign_id", "unit", "checklist_hash"):
            if not keys.get(key):
                raise ExportError(f"{path.name} 的标识工作表缺少“{key}”，无法判断属于哪个督察任务和单位")
        written: dict[str, tuple[int, str]] = {}
        shown: dict[str, tuple[str, str]] = {}
        last = IDENTITY_TABLE_ROW + MAX_ROWS
        for code, row, base, how, points in ident.iter_rows(min_row=IDENTITY_TABLE_ROW + 1, max_col=5, values_only=True,
                                                            max_row=min(ident.max_row, last)):
            if _text(code):
                written[_text(code)] = (int(row) if isinstance(row, (int, float)) else 0, _text(base))
                shown[_text(code)] = (_text(how), _text(points))
        ws = wb[SHEET]
        filler = {label: _text(ws[ref].value) for label, ref in FILLER_CELLS.items()}
        end = min(ws.max_row, FIRST_ROW + MAX_ROWS)
        rows = [FormRow(r, tuple(values)) for r, values in enumerate(
            ws.iter_rows(min_row=FIRST_ROW, max_row=end, max_col=len(COL), values_only=True), start=FIRST_ROW)]
        title, subtitle = _text(ws["A1"].value), _text(ws["A2"].value)
    finally:
        wb.close()
    return ReturnedForm(path, sha, keys, title, subtitle, filler, rows, written, shown)


# -- answers --------------------------------------------------------------------------------------
def parse_answer(item: Item, raw: Any) -> Any:
    """自评结果 as the value stored for ``item``; refuses anything but the form's answers.

    Stricter than typing a score in the app: a form is read without its author at hand, so
    “1” for a 档次 or “y” for 是 is refused rather than guessed.
    """
    words = answers(item)
    text = _text(raw)
    if words:
        if text not in words:
            raise InvalidValue(f"自评结果“{_short(text)}”不是允许的值（指标 {item.code} 应为 {'、'.join(words)} 之一）")
        return validate_value(item, text)
    if item.method == "deduction":
        try:
            if isinstance(raw, bool):
                raise ValueError
            n = float(text)
            if not n.is_integer() or n < 0:
                raise ValueError
        except ValueError:
            raise InvalidValue(f"自评结果“{_short(text)}”不是允许的值（指标 {item.code} 应填写处数：0 或正整数）") from None
        return validate_value(item, int(n))
    try:
        if isinstance(raw, bool):
            raise ValueError
        x = float(text)
    except ValueError:
        x = None
    if x is None or not (0 <= x <= item.points):
        raise InvalidValue(f"自评结果“{_short(text)}”不是允许的值（指标 {item.code} 应填写 0–{format_points(item.points)} 之间的得分）")
    return validate_value(item, x)


# -- planning -------------------------------------------------------------------------------------
@dataclass
class SelfChange:
    row: int
    code: str
    title: str
    old: SelfAssessment | None
    new: SelfAssessment | None  # None: the unit emptied the row
    text_old: str
    text_new: str
    note: str = ""

    @property
    def cell(self) -> str:
        return f"{SHEET}!E{self.row}"

    def describe(self) -> str:
        parts = []
        if self.text_old != self.text_new:
            parts.append(f"自评 {self.text_old} → {self.text_new}")
        o, n = self.old or SelfAssessment(self.code), self.new or SelfAssessment(self.code)
        if o.evidence != n.evidence:
            parts.append(f"佐证材料 “{_short(o.evidence, 16)}” → “{_short(n.evidence, 16)}”")
        if o.note != n.note:
            parts.append(f"说明 “{_short(o.note, 16)}” → “{_short(n.note, 16)}”")
        if o.na and n.na and o.na_reason != n.na_reason:
            parts.append(f"不涉及理由 “{_short(o.na_reason, 16)}” → “{_short(n.na_reason, 16)}”")
        text = f"{self.cell}  {self.code} {_short(self.title, 20)}：" + "；".join(parts or ["清空"])
        return text + (f"（{self.note}）" if self.note else "")

    def to_dict(self) -> dict[str, Any]:
        return {"cell": self.cell, "row": self.row, "code": self.code, "old": self.old.to_dict() if self.old else None,
                "new": self.new.to_dict() if self.new else None, "from": self.text_old, "to": self.text_new,
                "note": self.note}


@dataclass
class SelfCheckPlan:
    source: Path
    sha256: str
    campaign_id: str
    unit: str
    filler: dict[str, str] = field(default_factory=dict)
    changes: list[SelfChange] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "自查表!E12: …"
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    merged: dict[str, SelfAssessment] = field(default_factory=dict)  # the self-assessment after applying

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.source), "sha256": self.sha256, "campaign_id": self.campaign_id, "unit": self.unit,
            "filler": self.filler, "changes": [c.to_dict() for c in self.changes], "refused": self.refused,
            "unchanged": self.unchanged, "warnings": self.warnings,
        }


def check_form_identity(form: ReturnedForm, campaign: Campaign) -> None:
    """Refuse a form that is not for this campaign, one of its units and its checklist."""
    from .forms import header_texts

    name = form.path.name
    if form.campaign_id != campaign.id:
        other = form.keys.get("campaign_name") or form.campaign_id
        raise ExportError(f"{name} 属于督察任务“{other}”（{form.campaign_id}），不是“{campaign.name}”（{campaign.id}）")
    if form.unit not in {u.name for u in campaign.units}:
        raise ExportError(f"{name} 的填报单位“{form.unit}”不在督察任务“{campaign.name}”的单位中")
    if form.keys.get("checklist_hash") != campaign.checklist.content_hash:
        raise ExportError(f"{name} 是按另一版本的清单生成的（清单哈希不符），请重新生成自查表")
    title, _ = header_texts(campaign, form.unit)
    if form.title != title:
        raise ExportError(f"{name}：{SHEET}!A1 标题被改动（应为“{title}”），整个文件未导入")
    if f"填报单位：{form.unit}" not in form.subtitle.split("    ")[0:1]:
        raise ExportError(f"{name}：{SHEET}!A2 填报单位被改动（应为“填报单位：{form.unit}”），整个文件未导入；"
                          "每个单位请使用发给本单位的自查表")


def _altered(row: FormRow, item: Item, shown: tuple[str, str] | None) -> list[tuple[str, str]]:
    """(column letter, "B12 指标内容") of each identity cell not as written.

    A and B come from the pinned checklist; C and D are this tool's wording, compared with
    what the form recorded when it was written (another release may word them differently).
    """
    how, points = shown if shown is not None else (how_to_fill(item), _text(points_text(item)))
    expected = {1: item.code, 2: item_text(item), 3: how, 4: points}
    out = []
    for col, (letter, label) in enumerate(IDENTITY_CELLS, start=1):
        if _text(row.get(col)) != _text(expected[col]):
            out.append((letter, f"{letter}{row.row} {label}"))
    return out


def plan_import(form: ReturnedForm, campaign: Campaign, current: Mapping[str, SelfAssessment],
                imported_at: str | None = None) -> SelfCheckPlan:
    """Compare the returned form with the unit's current self-assessment; nothing is changed."""
    check_form_identity(form, campaign)
    checklist: Checklist = campaign.checklist
    filler = {k: v for k, v in form.filler.items()}
    by = filler.get("填报人", "")
    plan = SelfCheckPlan(form.path, form.sha256, campaign.id, form.unit, filler)
    plan.merged = dict(current)
    at = imported_at or now_iso()
    seen: set[str] = set()

    def refuse(col: str, r: int, message: str) -> None:
        plan.refused.append(f"{SHEET}!{col}{r}: {message}")

    for row in form.rows:
        r = row.row
        code = _text(row.get(COL["指标编号"]))
        if not code:
            if not row.blank_input:
                section = _text(row.get(COL["编号"]))
                if checklist.has_item(section) and not checklist.item(section).is_leaf:
                    refuse("E", r, f"第 {r} 行是分类“{section} {_short(checklist.item(section).title, 16)}”，"
                                   "不填写自评，请填在其下的指标行；本行内容未导入")
                else:
                    refuse("J", r, "没有指标编号（新增的行，或隐藏列 J 被清空），本行未导入")
            continue
        if code not in form.written or not checklist.has_item(code) or not checklist.item(code).is_leaf:
            refuse("J", r, f"指标编号“{_short(code, 20)}”不是本自查表中的指标（标识被改动），本行未导入")
            continue
        if code in seen:
            refuse("J", r, f"指标 {code} 重复出现（行被复制），本行未导入")
            continue
        seen.add(code)
        item = checklist.item(code)
        altered = _altered(row, item, form.shown.get(code))
        if altered:
            refuse(altered[0][0], r, f"标识内容被改动（{'、'.join(a for _, a in altered)}），本行未导入")
            continue
        raw, na_cell = row.get(COL["自评结果"]), _text(row.get(COL["不涉及"]))
        reason = _text(row.get(COL["不涉及理由"]))
        if na_cell not in NO_WORDS + (NA_YES,):
            refuse("F", r, f"不涉及“{_short(na_cell)}”不是允许的值（应为“是”或留空）")
            continue
        na = na_cell == NA_YES
        value = None
        if na:
            if _text(raw):
                refuse("E", r, "同时填写了自评结果和“不涉及”，请只填一项，本行未导入")
                continue
            if not reason:
                refuse("G", r, "选择“不涉及”须填写不涉及理由，本行未导入")
                continue
        else:
            if reason:
                refuse("F", r, "填写了不涉及理由，但“不涉及”未选“是”，请确认后重填，本行未导入")
                continue
            if _text(raw):
                try:
                    value = parse_answer(item, raw)
                except InvalidValue as exc:
                    refuse("E", r, f"{exc}，本行未导入")
                    continue
        new = SelfAssessment(code, value, na, reason if na else "", _text(row.get(COL["佐证材料"])),
                             _text(row.get(COL["说明"])), by, at, form.path.name)
        base = form.written[code][1]
        old = current.get(code)
        mine = self_fingerprint(new)
        if mine == base or mine == self_fingerprint(old):
            plan.unchanged += 1  # left as written, or already what the inspection holds
            continue
        if self_fingerprint(old) != base:
            refuse("E", r, f"冲突：写出自查表后系统中已导入过不同的自评（{answer_text(item, old)}），"
                           f"单位填写“{answer_text(item, new)}”，本行未导入；请重新生成自查表")
            continue
        plan.changes.append(SelfChange(r, code, item.title, old, None if new.empty else new,
                                       answer_text(item, old), answer_text(item, new)))
        if new.empty:
            plan.merged.pop(code, None)
        else:
            plan.merged[code] = new
    for code, (r, _) in form.written.items():
        if code not in seen:
            plan.warnings.append(f"指标 {code} 的行（原第 {r} 行）不在自查表中（被删除？），未更新")
    if not by:
        plan.warnings.append(f"{SHEET}!{FILLER_CELLS['填报人']} 填报人未填写")
    return plan


def apply_import(ins: Any, plan: SelfCheckPlan, who: str = "") -> int:
    """Store the planned self-assessment in the unit's inspection (one audited entry);
    returns how many items changed."""
    if not plan.changes:
        return 0
    link = ins.meta.get("campaign") or {}
    if ins.unit != plan.unit or link.get("id") != plan.campaign_id:
        raise InvalidValue(f"{plan.source.name} 是“{plan.unit}”的自查表，不能写入“{ins.unit}”的检查")
    if ins.status != IN_PROGRESS:
        raise InvalidValue(f"检查“{ins.unit}”状态为“{ins.status}”，已封存，不能再导入自查表")
    current = read_self_results(ins)
    for ch in plan.changes:  # the inspection must still be what the plan was made against
        if self_fingerprint(current.get(ch.code)) != self_fingerprint(ch.old):
            raise InvalidValue(f"{ch.cell}: 指标 {ch.code} 的自评在核对后已被修改，请重新导入")
    info = {
        "file": plan.source.name, "sha256": plan.sha256, "campaign": plan.campaign_id, "unit": plan.unit,
        "filler": plan.filler.get("填报人", ""), "phone": plan.filler.get("联系电话", ""),
        "filled_on": plan.filler.get("填报日期", ""), "imported_at": now_iso(), "imported_by": who or ins.who,
        "refused": len(plan.refused),
    }
    store_self_results(ins, plan.merged, [{"code": c.code, "cell": c.cell, "old": c.old.to_dict() if c.old else None,
                                            "new": c.new.to_dict() if c.new else None} for c in plan.changes], info)
    return len(plan.changes)


__all__ = [
    "FormRow", "ReturnedForm", "SelfChange", "SelfCheckPlan", "apply_import", "check_form_identity", "parse_answer",
    "plan_import", "read_form",
]
