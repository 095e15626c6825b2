"""Consolidating many inspections into one workbook: 排名, 分项对比, 整改台账, 未纳入文件."""

from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from fzzf_tui.errors import ExportError
from fzzf_tui.exporting import export_inspection
from fzzf_tui.exporting.consolidate import (
    LEDGER_HEADERS,
    RANKING_HEADERS,
    SHEET_NAMES,
    collect_inputs,
    consolidate,
    is_overdue,
)
from fzzf_tui.inspection import Finding, Inspection, InspectionStore

from ..forge import read_tables, rechain, write_tables

TODAY = date(2026, 6, 1)
R = {h: i for i, h in enumerate(RANKING_HEADERS)}
L = {h: i for i, h in enumerate(LEDGER_HEADERS)}


def base_inspection(store: InspectionStore, checklist, unit: str = "模板单位") -> Path:
    """A real inspection made through the API: every leaf scored, two findings."""
    ins = store.create(checklist, unit)
    leaves = [leaf.code for leaf in checklist.leaves()]
    for code in leaves:
        ins.set_value(code, 0 if checklist.id == "special-2008" else 1)
    ins.add_finding("未建立重大决策目录", item_code=leaves[0], due="2026-01-31", severity="较重", requirement="建立目录")
    ins.add_finding("执法公示不全", item_code=leaves[-1], due="2026-12-31")
    path = ins.path
    ins.close()
    return path


def make_copies(source: Path, folder: Path, n: int, prefix: str = "单位") -> list[Path]:
    """n copies of a special-2008 inspection file, each with its own id, unit and deduction counts.

    Meta and results are rewritten and the audit chain regenerated to match (as a forger with
    this program could); generating 300 files this way takes about a second.
    """
    raw = read_tables(source)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        data = json.loads(json.dumps(raw))
        meta = data["meta"]["1"]
        meta["id"] = f"20260101-{prefix.encode().hex()[:4]}{i:05d}"
        meta["unit"] = f"{prefix}{i:03d}"
        for k, doc in data["results"].items():
            doc["value"] = (i + int(k)) % 4 if int(k) <= i % 31 else 0
        p = folder / f"{prefix}-{i:03d}.fzzf"
        write_tables(p, rechain(data))
        out.append(p)
    return out


def rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=3, values_only=True) if any(v is not None for v in r)]


# -- the Done-when case ---------------------------------------------------------------------------
def test_300_inspections_totals_equal_the_engine_and_a_corrupt_input_is_listed(store, special_checklist, tmp_path):
    started = time.perf_counter()
    base = base_inspection(store, special_checklist)
    folder = tmp_path / "收到的文件"
    paths = make_copies(base, folder / "各组", 300)
    (folder / "损坏的.fzzf").write_text('{"meta": {"1": ', encoding="utf-8")

    report = consolidate([folder], tmp_path / "汇总.xlsx", today=TODAY)

    assert len(report.included) == 300
    assert report.skipped == [(str(folder / "损坏的.fzzf"), report.skipped[0][1])]
    assert "损坏" in report.skipped[0][1]
    wb = openpyxl.load_workbook(report.output)
    assert tuple(wb.sheetnames) == SHEET_NAMES
    ranking = {r[R["检查编号"]]: r for r in rows(wb["排名"])}
    assert len(ranking) == 300
    for p in paths:  # every file, not a sample
        with Inspection.open(p, readonly=True) as ins:
            score = ins.score()
            row = ranking[ins.id]
        assert row[R["得分"]] == score.total
        assert row[R["得分率"]] == pytest.approx(score.percent / 100)
        assert row[R["等次"]] == score.grade and row[R["被检查单位"]] == ins.unit
    assert len({r[R["得分"]] for r in ranking.values()}) > 5  # the copies really differ
    skipped = rows(wb["未纳入文件"])
    assert skipped[0][0].endswith("损坏的.fzzf") and "损坏" in skipped[0][1]
    assert len(rows(wb["整改台账"])) == 600
    assert time.perf_counter() - started < 20


# -- 排名 and 分项对比 ------------------------------------------------------------------------------
def test_ranking_is_per_checklist_best_first_and_comparison_has_one_block_per_checklist(
    store, special_checklist, demo_checklist, tmp_path
):
    specials = make_copies(base_inspection(store, special_checklist), tmp_path / "in", 5, prefix="专项")
    demo = store.create(demo_checklist, "示范单位甲")
    demo.set_value("1.1.1", "完全达到")
    demo.set_value("1.1.2", "未达到")
    demo.close()
    demo2 = store.create(demo_checklist, "示范单位乙")
    demo2.set_value("1.1.1", "完全达到")
    demo2.set_na(next(demo_checklist.item("2").leaves()).code, "本单位无此职能")
    demo2.close()

    report = consolidate([tmp_path / "in", store.root], tmp_path / "o.xlsx", today=TODAY)
    assert len(report.included) == 8  # the template inspection in the store is included too
    wb = openpyxl.load_workbook(report.output)
    table = rows(wb["排名"])
    groups: dict[str, list[tuple]] = {}
    for r in table:
        groups.setdefault(r[R["检查清单"]], []).append(r)
    assert len(groups) == 2
    special_rows = next(g for g in groups.values() if g[0][R["检查类型"]] == "专项督察")
    assert [r[R["名次"]] for r in special_rows] == list(range(1, len(special_rows) + 1))
    percents = [r[R["得分率"]] for r in special_rows]
    assert percents == sorted(percents, reverse=True)
    # the 示范创建 inspections have one or two of 104 items scored: listed, not ranked
    demo_rows = next(g for g in groups.values() if g[0][R["检查类型"]] == "示范创建")
    assert [r[R["被检查单位"]] for r in demo_rows] == ["示范单位乙", "示范单位甲"]
    assert [r[R["名次"]] for r in demo_rows] == ["—", "—"]
    assert demo_rows[0][R["等次"]].startswith("未评定") and "不参与排名" in demo_rows[0][R["备注"]]
    assert demo_rows[0][R["进度"]] == pytest.approx(2 / 104, abs=1e-4)
    assert demo_rows[0][R["检查清单"]].endswith("（分值暂定）")

    comparison = list(wb["分项对比"].iter_rows(values_only=True))
    headers = [r for r in comparison if r[0] == "被检查单位"]
    assert len(headers) == 2
    demo_header = next(h for h in headers if len([v for v in h if v]) == 2 + 8)  # 8 normal sections, no 加分/减分
    assert demo_header[2].startswith("1 ") and not any(str(v).startswith(("B ", "P ")) for v in demo_header if v)
    by_unit = {r[0]: r for r in comparison if r[0] in ("示范单位甲", "示范单位乙")}
    with Inspection.open(store.resolve(demo2.id), readonly=True) as ins:
        nodes = ins.score().nodes
    assert by_unit["示范单位乙"][2] == pytest.approx(nodes["1"].percent / 100)
    assert by_unit["示范单位乙"][1] == pytest.approx(ins.score().percent / 100)
    assert by_unit["示范单位乙"][2 + 3] == "未评"  # a section with nothing scored is 未评, not 0%
    assert len(specials) == 5


def test_section_not_applicable_is_shown_as_such(store, special_checklist, tmp_path):
    ins = store.create(special_checklist, "不涉及单位")
    for leaf in special_checklist.item("6").leaves():
        ins.set_na(leaf.code, "无此事项")
    ins.close()
    report = consolidate([store.root], tmp_path / "o.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(report.output)
    unit_row = next(r for r in wb["分项对比"].iter_rows(values_only=True) if r[0] == "不涉及单位")
    assert unit_row[2 + 5] == "不涉及"


# -- 整改台账 ------------------------------------------------------------------------------------
def test_ledger_lists_every_finding_with_overdue_highlighted_and_today_injectable(store, special_checklist, tmp_path):
    ins = store.create(special_checklist, "台账单位")
    late = ins.add_finding("逾期未改", item_code="1.2", due="2026-03-01", requirement="立即整改", units=["办公室", "法制科"])
    done = ins.add_finding("已经改了", item_code="1.1", due="2026-03-01")
    ins.set_finding_status(done.id, "已整改")
    future = ins.add_finding("时限未到", item_code="2.1", due="2026-12-31")
    nodue = ins.add_finding("没有时限", due="")
    ins.close()

    report = consolidate([store.root], tmp_path / "o.xlsx", today=TODAY)
    assert report.overdue == 1
    wb = openpyxl.load_workbook(report.output)
    ws = wb["整改台账"]
    ledger = rows(ws)
    by_id = {r[L["问题编号"]]: r for r in ledger}
    assert set(by_id) == {late.id, done.id, future.id, nodue.id}
    assert [r[L["指标编号"]] for r in ledger] == ["1.1", "1.2", "2.1", "整体"]  # checklist order, as the 整改清单
    assert by_id[late.id][L["是否逾期"]] == "逾期"
    assert by_id[late.id][L["责任单位"]] == "办公室、法制科"
    assert by_id[late.id][L["整改时限"]].date() == date(2026, 3, 1)
    assert by_id[late.id][L["状态"]] == "待整改" and by_id[done.id][L["状态"]] == "已整改"
    assert not by_id[done.id][L["是否逾期"]] and not by_id[future.id][L["是否逾期"]] and not by_id[nodue.id][L["是否逾期"]]
    assert "逾期 1 项" in ws["A1"].value
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert any(rule.formula == ['$K3="逾期"'] and rule.dxf.fill.fgColor.rgb.endswith("FFC7CE") for rule in rules)
    assert ws.column_dimensions["M"].hidden and ws.column_dimensions["N"].hidden
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref.startswith("A2:N")
    assert ws.print_title_rows == "$1:$2" and ws.page_setup.orientation == "landscape"

    later = consolidate([store.root], tmp_path / "o2.xlsx", today=date(2027, 1, 1))
    assert later.overdue == 2  # 时限未到 is late by then; 已整改 never is


def test_is_overdue_rules() -> None:
    f = Finding(id="x", description="d", due="2026-05-31")
    assert is_overdue(f, TODAY)
    assert not is_overdue(f, date(2026, 5, 31))  # due today is not late yet
    for status in ("已整改", "已销号"):
        assert not is_overdue(Finding(id="x", description="d", due="2026-01-01", status=status), TODAY)
    assert is_overdue(Finding(id="x", description="d", due="2026-01-01", status="整改中"), TODAY)
    assert not is_overdue(Finding(id="x", description="d", due=""), TODAY)


def test_text_is_never_written_as_a_formula(store, special_checklist, tmp_path):
    ins = store.create(special_checklist, "=HYPERLINK(\"http://x\")")
    ins.add_finding("=1+1", item_code="1.1", requirement="@SUM(A1)")
    ins.close()
    report = consolidate([store.root], tmp_path / "o.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(report.output)
    ws = wb["整改台账"]
    assert ws.cell(row=3, column=5).value == "=1+1" and ws.cell(row=3, column=5).data_type == "s"
    assert ws.cell(row=3, column=2).data_type == "s"
    assert wb["排名"].cell(row=3, column=2).data_type == "s"


# -- inputs -------------------------------------------------------------------------------------
def test_bundles_folders_and_duplicates_are_counted_once_newest_kept(store, special_checklist, tmp_path):
    ins = store.create(special_checklist, "重复单位")
    ins.set_value("1.1", 1)
    bundle = export_inspection(ins, fmt="bundle", out=tmp_path / "in" / "重复单位.fzzf.zip")
    ins.set_value("1.2", 2)  # the data dir copy is now newer than the bundle
    ins.close()
    other = store.create(special_checklist, "只在数据包")
    only_bundle = export_inspection(other, fmt="bundle", out=tmp_path / "in" / "sub" / "只在数据包.fzzf.zip")
    other.close()
    os.remove(other.path)

    report = consolidate([tmp_path / "in", store.root, store.root], tmp_path / "o.xlsx", today=TODAY)
    assert sorted(e.unit for e in report.included) == ["只在数据包", "重复单位"]
    kept = next(e for e in report.included if e.unit == "重复单位")
    assert kept.source == ins.path and "另有副本未计入" in kept.notes[0]
    assert kept.report.total == Inspection.open(ins.path, readonly=True).score().total
    (dup_file, reason), = report.skipped
    assert dup_file == str(bundle) and "只计一次" in reason and "较早状态" in reason
    assert next(e for e in report.included if e.unit == "只在数据包").source == only_bundle
    wb = openpyxl.load_workbook(report.output)
    note = next(r for r in rows(wb["排名"]) if r[R["被检查单位"]] == "重复单位")[R["备注"]]
    assert "重复单位.fzzf.zip" in note


def test_a_forged_copy_beside_the_genuine_one_is_never_ranked(store, special_checklist, tmp_path):
    """Seen: a hand-edited copy with a later 修改时间 was ranked and the genuine file dropped as
    its duplicate. Copies are now compared by verified content."""
    genuine = base_inspection(store, special_checklist, "真实单位")
    before = Inspection.open(genuine, readonly=True).score().total
    folder = tmp_path / "收到"
    folder.mkdir()
    # 1. edited by hand, trail untouched, made to look newer
    data = read_tables(genuine)
    for r in data["results"].values():
        r["value"] = 0 if special_checklist.id != "special-2008" else 3
    data["meta"]["1"]["updated_at"] = "2099-01-01T00:00:00+08:00"
    write_tables(folder / "改过的.fzzf", data)
    report = consolidate([genuine, folder], tmp_path / "o.xlsx", today=TODAY)
    assert [e.source for e in report.included] == [genuine] and report.included[0].report.total == before
    reasons = {Path(f).name: r for f, r in report.skipped}
    assert "未通过校验" in reasons["改过的.fzzf"] and "指标" in reasons["改过的.fzzf"]
    assert "另有副本未计入" in report.included[0].notes[0]

    # 2. rewritten consistently by someone with this program: both verify, they disagree
    (folder / "改过的.fzzf").unlink()
    write_tables(folder / "重写的.fzzf", rechain(data))
    report = consolidate([genuine, folder], tmp_path / "o2.xlsx", today=TODAY)
    assert report.included == []
    reasons = {Path(f).name: r for f, r in report.skipped}
    assert set(reasons) == {genuine.name, "重写的.fzzf"}
    assert all("内容不一致" in r and "两份都未计入" in r and "fzzf merge" in r for r in reasons.values())
    wb = openpyxl.load_workbook(report.output)
    listed = [r[0] for r in wb["未纳入文件"].iter_rows(min_row=3, values_only=True)]
    assert str(genuine) in listed and str(folder / "重写的.fzzf") in listed


def test_unreadable_inputs_are_listed_with_reasons_and_the_rest_consolidated(store, special_checklist, tmp_path):
    good = base_inspection(store, special_checklist)
    ins = Inspection.open(good, readonly=True)
    bundle = export_inspection(ins, fmt="bundle", out=tmp_path / "t.fzzf.zip")
    ins.close()
    tampered = tmp_path / "篡改.fzzf.zip"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "inspection.json":
                data = data.replace("模板单位".encode(), "别的单位".encode())
            dst.writestr(item, data)
    bundle.unlink()
    not_ours = tmp_path / "别的.fzzf"
    not_ours.write_text(json.dumps({"meta": {"1": {"format": "other"}}}), encoding="utf-8")
    swapped = tmp_path / "换了清单.fzzf"
    data = read_tables(good)
    data["checklist"]["1"]["json"] = data["checklist"]["1"]["json"].replace("决策", "决定", 1)
    write_tables(swapped, data)
    text = tmp_path / "说明.txt"
    text.write_text("hello", encoding="utf-8")

    inputs = [good, tampered, not_ours, swapped, text, tmp_path / "不存在.fzzf"]
    report = consolidate(inputs, tmp_path / "o.xlsx", today=TODAY)
    assert [e.source for e in report.included] == [good]
    reasons = {Path(f).name: r for f, r in report.skipped}
    assert "哈希不符" in reasons["篡改.fzzf.zip"]
    assert "不是 fzzf 检查文件" in reasons["别的.fzzf"]
    assert "清单快照" in reasons["换了清单.fzzf"]
    assert "不是检查文件" in reasons["说明.txt"]
    assert "不存在" in reasons["不存在.fzzf"]
    assert all(str(tmp_path) not in r for r in reasons.values())  # the path is in its own column


def test_nothing_to_consolidate_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExportError, match="没有找到"):
        consolidate([tmp_path / "empty"], tmp_path / "o.xlsx")


def test_collect_inputs_recurses_skips_hidden_and_dedupes(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for p in ("a/x.fzzf", "a/b/y.fzzf.zip", "a/b/z.xlsx", ".hidden/h.fzzf", "a/.tmp.fzzf"):
        (tmp_path / p).write_text("", encoding="utf-8")
    found = collect_inputs([tmp_path, tmp_path / "a" / "x.fzzf"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a/b/y.fzzf.zip", "a/x.fzzf"]


def test_inputs_are_read_without_locks_and_never_changed(store, special_checklist, tmp_path):
    ins = store.create(special_checklist, "正在编辑的单位")  # open for writing: holds the lock
    ins.set_value("1.1", 1)
    lock_files = sorted(p.name for p in store.root.iterdir())
    before = (ins.path.read_bytes(), ins.path.stat().st_mtime_ns)
    try:
        report = consolidate([store.root], tmp_path / "o.xlsx", today=TODAY)
        assert [e.unit for e in report.included] == ["正在编辑的单位"]
        assert (ins.path.read_bytes(), ins.path.stat().st_mtime_ns) == before
        assert sorted(p.name for p in store.root.iterdir()) == lock_files
        ins.set_value("1.2", 1)  # our lock was neither taken nor broken
    finally:
        ins.close()


def test_verify_flags_a_file_edited_outside_the_app(store, special_checklist, tmp_path):
    path = base_inspection(store, special_checklist)
    with Inspection.open(path) as ins:
        ins.finalize()  # sealed: results changed afterwards no longer match the seal
    edited = make_copies(path, tmp_path / "in", 2)[1]
    shutil.copy(path, tmp_path / "in" / "原样.fzzf")
    report = consolidate([tmp_path / "in"], tmp_path / "o.xlsx", today=TODAY, verify=True)
    status = {e.source.name: e.verification for e in report.included}
    assert status["原样.fzzf"] == "通过"
    assert status[edited.name].startswith("未通过")
    plain = consolidate([tmp_path / "in"], tmp_path / "o.xlsx", today=TODAY)
    assert {e.verification for e in plain.included} == {""}


def test_an_existing_output_is_kept_unless_forced(store, special_checklist, tmp_path):
    base_inspection(store, special_checklist)
    first = consolidate([store.root], tmp_path / "汇总.xlsx", today=TODAY)
    second = consolidate([store.root], tmp_path / "汇总.xlsx", today=TODAY)
    assert first.output.name == "汇总.xlsx" and second.output.name == "汇总(2).xlsx"
    third = consolidate([store.root], tmp_path / "汇总.xlsx", today=TODAY, force=True)
    assert third.output == first.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left


def test_progress_is_reported_per_input(store, special_checklist, tmp_path):
    make_copies(base_inspection(store, special_checklist), tmp_path / "in", 4)
    seen: list[Path] = []
    consolidate([tmp_path / "in"], tmp_path / "o.xlsx", today=TODAY, progress=seen.append)
    assert len(seen) == 4
