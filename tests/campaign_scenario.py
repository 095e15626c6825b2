"""A campaign of three units on the built-in 示范创建 checklist, driven as an office would.

The office creates the campaign and writes the 自查表; two units fill theirs in with openpyxl
(as Excel/WPS would save it) and return them; the third never does. 市司法局's first return
has a wrong value (E of 1.1.1) and an altered identity cell (B of 1.1.2); those two rows are
refused and it returns a corrected form later. Inspectors then score both inspections.

Every figure the tests compare against is computed by hand below (the checklist gives each
三级指标 10 points, sections the sum, total 1000; 加分项 10 each, 减分项 20 each):

市司法局 (A)
  自评: every 指标 完全达到 → 1000; B.1, B.2 符合 → +20; P.1, P.2 未发生 → 1020.
  督察: 完全达到 except 1.1.1 基本达到 (8), 1.1.2 未达到 (0), 4.1 first item 部分达到 (5):
        section 1 = 220 − 2 − 10 = 208, section 4 = 220 − 5 = 215, base 983;
        B.1 符合 +10, B.2 不符合; P.1 发生 −20 → 973.
  自评虚高 = 1020 − 973 = +47 = section 1 +12, section 4 +5, 加分项 +10, 减分项 +20.
  不一致: 1.1.1, 1.1.2, 4.1's first item, B.2, P.1 (5 items).
市公安局 (B)
  自评: every 指标 基本达到, 2.1.23 不涉及 → section 2 = 12 × 8 ÷ 120 × 130 = 104, each section
        80 % of its points, base 800; B.1 符合 +10 → 810.
  督察: every 指标 部分达到 except section 2 all 基本达到 (2.1.23 too) → sections 110, 104, 70,
        110, 60, 45, 20, 20 = 539; no 加分, no 减分 → 539.
  自评虚高 = 810 − 539 = +271 = +66, 0, +42, +66, +36, +27, +12, +12, 加分项 +10, 减分项 0.
  不一致: 87 指标 outside section 2, 2.1.23 (不涉及 vs 基本达到), B.1 → 89 items.
市财政局 (C): no 自查表; inspected all 完全达到 → 1000; no 自评虚高.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from fzzf_tui.campaign import (
    CampaignSpec,
    CampaignStore,
    CampaignUnit,
    Dates,
    Team,
    create_unit_inspection,
    unit_progress,
)
from fzzf_tui.campaign.forms import write_forms
from fzzf_tui.campaign.progress import find_unit_inspection
from fzzf_tui.campaign.self_check_import import apply_import, plan_import, read_form
from fzzf_tui.inspection import Inspection, InspectionStore
from fzzf_tui.inspection.self_check import read_self_results

A, B, C = "市司法局", "市公安局", "市财政局"
NAME = "2026年法治政府建设示范创建督察"

EXPECTED = {
    A: {"self": 1020.0, "inspected": 973.0, "gap": 47.0,
        "sections": {"1": 12.0, "2": 0.0, "3": 0.0, "4": 5.0, "5": 0.0, "6": 0.0, "7": 0.0, "8": 0.0, "B": 10.0, "P": 20.0},
        "differing": 5},
    B: {"self": 810.0, "inspected": 539.0, "gap": 271.0,
        "sections": {"1": 66.0, "2": 0.0, "3": 42.0, "4": 66.0, "5": 36.0, "6": 27.0, "7": 12.0, "8": 12.0, "B": 10.0,
                     "P": 0.0},
        "differing": 89},
}


def create_campaign(store_root: Path | None, checklist: Any) -> Path:
    spec = CampaignSpec(
        NAME,
        (CampaignUnit(A, "第一组"), CampaignUnit(B, "第一组"), CampaignUnit(C, "第二组")),
        (Team("第一组", ("张明", "李华")), Team("第二组", ("王芳",))),
        Dates(self_check_due="2026-04-15", inspection_start="2026-05-06", inspection_end="2026-05-20",
              rectify_due="2026-08-31", follow_up="2026-09-30"),
        note="洛法治办〔2026〕1号",
    )
    with CampaignStore(store_root).create(spec, checklist, who="王主任") as campaign:
        return campaign.path


def fill_form(path: Path, answers: dict[str, Any], out: Path, *, filler: str = "刘洋",
              edits: dict[str, Any] | None = None, na: dict[str, str] | None = None) -> Path:
    """Fill a 自查表 as a unit would: ``answers`` code → 自评结果, ``na`` code → 不涉及理由,
    ``edits`` cell → value (for the mistakes a unit makes). Saved with openpyxl."""
    wb = openpyxl.load_workbook(path)
    ws = wb["自查表"]
    ws["B3"] = filler
    ws["E3"] = "0379-12345678"
    ws["H3"] = "2026-04-10"
    for row in range(6, ws.max_row + 1):
        code = ws.cell(row=row, column=10).value
        if not code:
            continue
        if code in (na or {}):
            ws.cell(row=row, column=6, value="是")
            ws.cell(row=row, column=7, value=na[code])
            ws.cell(row=row, column=5, value=None)
        elif code in answers:
            ws.cell(row=row, column=5, value=answers[code])
        ws.cell(row=row, column=8, value=f"《{code} 落实情况报告》及会议纪要（存办公室档案柜）")
    for ref, value in (edits or {}).items():
        ws[ref] = value
    wb.save(out)
    return out


def row_of(path: Path, code: str) -> int:
    ws = openpyxl.load_workbook(path)["自查表"]
    for row in range(6, ws.max_row + 1):
        if ws.cell(row=row, column=10).value == code:
            return row
    raise KeyError(code)


def self_answers(checklist: Any, normal: str, bonus: dict[str, str], penalty: dict[str, str]) -> dict[str, str]:
    out = {}
    for leaf in checklist.leaves():
        if leaf.kind == "normal":
            out[leaf.code] = normal
        elif leaf.kind == "bonus":
            out[leaf.code] = bonus[leaf.code]
        else:
            out[leaf.code] = penalty[leaf.code]
    return out


def import_form(campaign_path: Path, form_path: Path, inspections: InspectionStore, who: str = "王主任"):
    """What ``fzzf campaign import-self-check --yes`` does for one file; returns the plan."""
    from fzzf_tui.campaign import Campaign

    form = read_form(form_path)
    with Campaign.open(campaign_path, readonly=True) as campaign:
        path = find_unit_inspection(campaign, inspections, form.unit)
        ins = Inspection.open(path, who=who) if path else create_unit_inspection(campaign, form.unit, inspections, who=who)
        with ins:
            plan = plan_import(form, campaign, read_self_results(ins))
            apply_import(ins, plan, who=who)
    return plan


def first_leaf(checklist: Any, section: str) -> str:
    return next(iter(checklist.item(section).leaves())).code


@dataclass
class Scenario:
    campaign: Path
    forms: dict[str, Path]
    plans: dict[str, list[Any]] = field(default_factory=dict)
    inspections: dict[str, Path] = field(default_factory=dict)

    def copied(self, old: dict[Path, Path]) -> "Scenario":
        """The same scenario after its folders were copied (``old`` folder → new folder)."""
        def move(p: Path) -> Path:
            for src, dst in old.items():
                if p.is_relative_to(src):
                    return dst / p.relative_to(src)
            return p

        return Scenario(move(self.campaign), {k: move(v) for k, v in self.forms.items()}, self.plans,
                        {k: move(v) for k, v in self.inspections.items()})


def copy_scenario(template: tuple[Scenario, Path, Path], home: Path, tmp: Path) -> Scenario:
    """A fresh copy of a scenario built once (scoring 300 items durably takes a while)."""
    import shutil

    sc, old_home, old_tmp = template
    for name in ("inspections", "campaigns"):
        if (old_home / name).is_dir():
            shutil.copytree(old_home / name, home / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.lock", "*.lock.json"))
    shutil.copytree(old_tmp, tmp, dirs_exist_ok=True)
    return sc.copied({old_home: home, old_tmp: tmp})


def build_template(factory: Any, score: bool = True) -> tuple[Scenario, Path, Path]:
    """Build the scenario in its own data dir (for a session-scoped fixture)."""
    import pytest

    from fzzf_tui.plugins import get_plugins, reset_plugins

    home, tmp = factory.mktemp("scenario-home"), factory.mktemp("scenario-files")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in (("FZZF_HOME", str(home)), ("FZZF_PLUGINS_DIR", ""), ("FZZF_CHECKLISTS_DIR", ""),
                           ("FZZF_USER", "测试员")):
            mp.setenv(key, value)
        reset_plugins()
        try:
            checklist = get_plugins().get_checklist("demonstration-2020")
            sc = run_scenario(checklist, tmp, InspectionStore(home / "inspections"), home / "campaigns", score=score)
        finally:
            reset_plugins()
    return sc, home, tmp


def run_scenario(checklist: Any, tmp: Path, inspections: InspectionStore, campaigns_root: Path | None = None,
                 score: bool = True) -> Scenario:
    """Campaign, forms, returns (with the refused cells), imports and (``score``) inspections."""
    campaign_path = create_campaign(campaigns_root, checklist)
    from fzzf_tui.campaign import Campaign

    with Campaign.open(campaign_path, readonly=True) as campaign:
        files = write_forms(campaign, tmp / "forms", inspections)
    forms = {f.name.split("-")[0]: f for f in files}
    sc = Scenario(campaign_path, forms)
    # 市司法局: everything at the top, with two mistakes the import must refuse by cell
    a_answers = self_answers(checklist, "完全达到", {"B.1": "符合", "B.2": "符合"}, {"P.1": "未发生", "P.2": "未发生"})
    bad = fill_form(forms[A], {**a_answers, "1.1.1": "很好"}, tmp / "A-returned.xlsx",
                    edits={f"B{row_of(forms[A], '1.1.2')}": "（单位改写的指标内容）"})
    sc.plans[A] = [import_form(campaign_path, bad, inspections)]
    # the corrected return: a fresh form (pre-filled with what was taken) with the two rows filled
    with Campaign.open(campaign_path, readonly=True) as campaign:
        again = write_forms(campaign, tmp / "forms2", inspections, [A])[0]
    fixed = fill_form(again, {"1.1.1": "完全达到", "1.1.2": "完全达到"}, tmp / "A-fixed.xlsx")
    sc.plans[A].append(import_form(campaign_path, fixed, inspections))
    # 市公安局: 基本达到 throughout, one item 不涉及, one 加分项
    b_answers = self_answers(checklist, "基本达到", {"B.1": "符合", "B.2": "不符合"}, {"P.1": "未发生", "P.2": "未发生"})
    returned = fill_form(forms[B], b_answers, tmp / "B-returned.xlsx", filler="赵强", na={"2.1.23": "本级政府无地方立法权"})
    sc.plans[B] = [import_form(campaign_path, returned, inspections)]
    with Campaign.open(campaign_path, readonly=True) as campaign:
        for p in unit_progress(campaign, inspections):
            if p.path is None:
                with create_unit_inspection(campaign, p.unit.name, inspections, who="王主任") as ins:
                    sc.inspections[p.unit.name] = ins.path
            else:
                sc.inspections[p.unit.name] = p.path
    if score:
        score_inspections(checklist, sc)
    return sc


def score_inspections(checklist: Any, sc: Scenario) -> None:
    low = first_leaf(checklist, "4.1")
    with Inspection.open(sc.inspections[A], who="张明") as ins:
        for leaf in checklist.leaves():
            if leaf.kind == "normal":
                ins.set_value(leaf.code, {"1.1.1": "基本达到", "1.1.2": "未达到", low: "部分达到"}.get(leaf.code, "完全达到"))
        ins.set_value("B.1", "符合")
        ins.set_value("B.2", "不符合")
        ins.set_value("P.1", "发生")
        ins.set_value("P.2", "未发生")
    with Inspection.open(sc.inspections[B], who="李华") as ins:
        for leaf in checklist.leaves():
            if leaf.kind == "normal":
                ins.set_value(leaf.code, "基本达到" if leaf.code.startswith("2.") else "部分达到")
        for code, value in (("B.1", "不符合"), ("B.2", "不符合"), ("P.1", "未发生"), ("P.2", "未发生")):
            ins.set_value(code, value)
    with Inspection.open(sc.inspections[C], who="王芳") as ins:
        for leaf in checklist.leaves():
            ins.set_value(leaf.code, {"normal": "完全达到", "bonus": "不符合", "penalty": "未发生"}[leaf.kind])
