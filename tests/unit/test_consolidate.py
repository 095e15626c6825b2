"""Consolidating many inspections into one workbook: 排名, 分项对比, 整改台账, 未纳入文件, 来源."""

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
    SOURCE_HEADERS,
    collect_inputs,
    consolidate,
    is_overdue,
)
from fzzf_tui.exporting.summary_book import FIRST_DATA_ROW, HEADER_ROW
from fzzf_tui.inspection import Finding, Inspection, InspectionStore

from ..forge import read_tables, rechain, write_tables

TODAY = date(2026, 6, 1)
R = {h: i for i, h in enumerate(RANKING_HEADERS)}
L = {h: i for i, h in enumerate(LEDGER_HEADERS)}
S = {h: i for i, h in enumerate(SOURCE_HEADERS)}


def base_inspection(store: InspectionStore, checklist, unit: str = "模板单位", finalize: bool = False) -> Path:
    """A real inspection made through the API: every leaf scored, two findings."""
    ins = store.create(checklist, unit)
    leaves = [leaf.code for leaf in checklist.leaves()]
    for code in leaves:
        ins.set_value(code, 0 if checklist.id == "special-2008" else 1)
    ins.add_finding("未建立重大决策目录", item_code=leaves[0], due="2026-01-31", severity="较重", requirement="建立目录")
    ins.add_finding("执法公示不全", item_code=leaves[-1], due="2026-12-31")
    if finalize:
        ins.finalize()
    path = ins.path
    ins.close()
    return path


def make_copies(source: Path, folder: Path, n: int, prefix: str = "单位", finished: bool = True) -> list[Path]:
    """n copies of a special-2008 inspection file, each with its own id, unit and deduction counts,
    finished (已完成, sealed again as without an office key) unless ``finished`` is false (then
    the source's status and seal are kept as they are).

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
        write_tables(p, rechain(data, finished=finished))
        out.append(p)
    return out


def rows(ws) -> list[tuple]:
    """The data rows of a summary sheet: below the header, without the merged heading rows."""
    merged = {r.min_row for r in ws.merged_cells.ranges}
    return [r for i, r in enumerate(ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True), start=FIRST_DATA_ROW)
            if i not in merged and any(v is not None for v in r)]


def headings(ws) -> list[str]:
    """The merged heading rows below the header (block titles of 排名), in order."""
    return [ws.cell(row=r.min_row, column=1).value for r in sorted(ws.merged_cells.ranges, key=lambda r: r.min_row)
            if r.min_row >= FIRST_DATA_ROW]


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
    ranking = {r[R["被检查单位"]]: r for r in rows(wb["排名"])}
    assert len(ranking) == 300
    for p in paths:  # every file, not a sample
        with Inspection.open(p, readonly=True) as ins:
            score = ins.score()
            row = ranking[ins.unit]
        assert row[R["得分"]] == score.total
        assert row[R["等次"]] == score.grade and row[R["进度"]] == score.progress
    assert len({r[R["得分"]] for r in ranking.values()}) > 5  # the copies really differ
    sources = {r[S["检查编号"]]: r for r in rows(wb["来源"])}
    assert len(sources) == 300 and all(Path(r[S["文件"]]).is_absolute() for r in sources.values())
    skipped = rows(wb["未纳入文件"])
    assert skipped[0][0].endswith("损坏的.fzzf") and "损坏" in skipped[0][1]
    assert len(rows(wb["整改台账"])) == 600
    assert time.perf_counter() - started < 20


# -- 排名 and 分项对比 ------------------------------------------------------------------------------
@pytest.fixture
def mixed(store, special_checklist, demo_checklist, tmp_path):
    """5 finished 专项督察 copies, one 专项督察 in progress with every item scored, one with 1 of 31
    scored (the issue's “ranks 5th at 2.0 分”), and two 示范创建 barely begun."""
    make_copies(base_inspection(store, special_checklist), tmp_path / "in", 5, prefix="专项")
    (tmp_path / "in" / "坏的.fzzf").write_text("{", encoding="utf-8")
    busy = store.create(special_checklist, "进行中单位")
    for leaf in special_checklist.leaves():
        busy.set_value(leaf.code, 0)
    busy.close()
    barely = store.create(special_checklist, "刚开始单位")
    barely.set_value("1.1", 0)
    barely.close()
    demo = store.create(demo_checklist, "示范单位甲")
    demo.set_value("1.1.1", "完全达到")
    demo.set_value("1.1.2", "未达到")
    demo.close()
    demo2 = store.create(demo_checklist, "示范单位乙")
    demo2.set_value("1.1.1", "完全达到")
    demo2.set_na(next(demo_checklist.item("2").leaves()).code, "本单位无此职能")
    demo2.close()
    return [tmp_path / "in", store.root], demo2.id


def test_only_finished_inspections_are_ranked_each_checklist_its_own_block(mixed, store, tmp_path):
    inputs, demo2_id = mixed
    report = consolidate(inputs, tmp_path / "o.xlsx", today=TODAY)
    assert len(report.included) == 10  # the template inspection in the store is included too
    wb = openpyxl.load_workbook(report.output)
    ws = wb["排名"]
    titles = headings(ws)
    # one heading per checklist, each followed by its own ranking; the unfinished under a sub-heading
    blocks = [t for t in titles if t.startswith(("一、", "二、"))]
    assert len(blocks) == 2 and "专项督察" in blocks[0] and "示范创建" in blocks[1]
    assert "满分 100 分" in blocks[0] and "分值暂定" in blocks[1] and "参与排名 5 个" in blocks[0]
    assert "本清单暂无已完成且全部评分的检查" in titles[titles.index(blocks[1]) + 1]
    table = rows(ws)
    special = [r for r in table if r[R["检查类型"]] == "专项督察"]
    ranked = [r for r in special if r[R["名次"]] != "—"]
    assert sorted(r[R["被检查单位"]] for r in ranked) == [f"专项{i:03d}" for i in range(5)]
    scores = [r[R["得分"]] for r in ranked]
    assert scores == sorted(scores, reverse=True) and ranked[0][R["名次"]] == 1
    # 名次 follows 得分率 with ties sharing a place (1, 2, 2, 4)
    for before, after in zip(ranked, ranked[1:]):
        assert after[R["名次"]] == (before[R["名次"]] if after[R["得分"]] == before[R["得分"]] else ranked.index(after) + 1)
    unfinished = {r[R["被检查单位"]]: r for r in special if r[R["名次"]] == "—"}
    assert set(unfinished) == {"进行中单位", "刚开始单位", "模板单位"}
    assert unfinished["刚开始单位"][R["进度"]] == pytest.approx(1 / 31, abs=1e-4)
    assert unfinished["刚开始单位"][R["备注"]] == "检查进行中" and unfinished["刚开始单位"][R["等次"]] == "未评定"
    assert special.index(unfinished["刚开始单位"]) > special.index(ranked[-1])  # listed below the ranking
    demo_rows = [r for r in table if r[R["检查类型"]] == "示范创建"]
    assert [r[R["名次"]] for r in demo_rows] == ["—", "—"]
    assert demo_rows[0][R["进度"]] == pytest.approx(2 / 104, abs=1e-4)
    # the printed ranking has no paths or hashes: they are on 来源
    assert not any(str(tmp_path) in str(v) for r in table for v in r)
    assert {str(e.source.absolute()) for e in report.included} == {r[S["文件"]] for r in rows(wb["来源"])}
    d = report.to_dict()
    by_unit = {e["unit"]: e for e in d["included"]}
    assert by_unit["刚开始单位"]["rank"] is None and by_unit["刚开始单位"]["not_ranked_because"] == "检查进行中"
    assert by_unit["专项000"]["ranked"] and isinstance(by_unit["专项000"]["rank"], int)


def test_include_unfinished_ranks_them_provisionally(mixed, tmp_path):
    inputs, _ = mixed
    report = consolidate(inputs, tmp_path / "o.xlsx", today=TODAY, include_unfinished=True)
    wb = openpyxl.load_workbook(report.output)
    table = rows(wb["排名"])
    by_unit = {r[R["被检查单位"]]: r for r in table}
    assert isinstance(by_unit["进行中单位"][R["名次"]], int) and "临时排名" in by_unit["进行中单位"][R["备注"]]
    assert isinstance(by_unit["刚开始单位"][R["名次"]], int) and "尚有 30 项未评" in by_unit["刚开始单位"][R["备注"]]
    assert "含未完成的检查" in wb["排名"]["A2"].value
    assert all(isinstance(by_unit[u][R["名次"]], int) for u in ("示范单位甲", "示范单位乙"))


def test_comparison_has_one_sheet_per_checklist_with_headers_that_fit(mixed, store, tmp_path):
    inputs, demo2_id = mixed
    report = consolidate(inputs, tmp_path / "o.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(report.output)
    assert wb.sheetnames == ["排名", "分项对比·专项督察", "分项对比·示范创建", "整改台账", "未纳入文件", "来源"]
    ws = wb["分项对比·示范创建"]
    header = [c.value for c in ws[HEADER_ROW]]
    assert header[:3] == ["名次", "被检查单位", "总得分率"] and header[3].startswith("1 ") and len(header) == 3 + 8
    assert not any(str(v).startswith(("B ", "P ")) for v in header)
    # the header row is tall enough for its longest wrapped section title (nothing spills)
    from fzzf_tui.exporting.cells import wrapped_lines

    widths = [ws.column_dimensions[c.column_letter].width for c in ws[HEADER_ROW]]
    lines = max(wrapped_lines(str(v), w) for v, w in zip(header, widths))
    assert lines >= 2 and ws.row_dimensions[HEADER_ROW].height >= lines * 11 * 1.3
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    by_unit = {r[1]: r for r in rows(ws)}
    with Inspection.open(store.resolve(demo2_id), readonly=True) as ins:
        score = ins.score()
    assert by_unit["示范单位乙"][3] == pytest.approx(score.nodes["1"].percent / 100)
    assert by_unit["示范单位乙"][2] == pytest.approx(score.percent / 100)
    assert by_unit["示范单位乙"][3 + 3] == "未评"  # a section with nothing scored is 未评, not 0%
    assert by_unit["示范单位乙"][0] == "—"


def test_every_sheet_prints_on_a4_landscape_at_9pt_or_more_with_borders(mixed, tmp_path):
    inputs, _ = mixed
    report = consolidate(inputs, tmp_path / "o.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(report.output)
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.useFirstPageNumber and ws.page_setup.firstPageNumber == 1  # numbered per sheet
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
        width = sum(d.width * (d.max - d.min + 1) for d in ws.column_dimensions.values() if not d.hidden and d.width)
        # ~122 width units print at 100 % on A4 landscape; 10.5 pt text shrunk to fit stays ≥ 9 pt
        data = rows(ws)
        assert data, ws.title
        merged = {m.min_row for m in ws.merged_cells.ranges}
        first = ws.cell(row=next(r for r in range(FIRST_DATA_ROW, ws.max_row + 1) if r not in merged), column=2)
        size = first.font.sz
        assert size * min(1.0, 122 / width) >= 9, (ws.title, size, width)
        assert first.border.left.style == "thin"
    ws = wb["排名"]
    assert ws.max_column == len(RANKING_HEADERS) == 12


def test_section_not_applicable_is_shown_as_such(store, special_checklist, tmp_path):
    ins = store.create(special_checklist, "不涉及单位")
    for leaf in special_checklist.item("6").leaves():
        ins.set_na(leaf.code, "无此事项")
    ins.close()
    report = consolidate([store.root], tmp_path / "o.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(report.output)
    unit_row = next(r for r in rows(wb["分项对比"]) if r[1] == "不涉及单位")
    assert unit_row[3 + 5] == "不涉及"


# -- 整改台账 ------------------------------------------------------------------------------------
def test_ledger_lists_every_finding_with_overdue_highlighted_and_today_injectable(store, special_checklist, tmp_path):
    ins = store.create(special_checklist, "台账单位")
    late = ins.add_finding("逾期未改", item_code="1.2", due="2026-03-01", requirement="立即整改", units=["办公室", "法制科"])
    done = ins.add_finding("已经改了", item_code="1.1", due="2026-03-01")
    ins.set_finding_status(done.id, "已整改")
    future = ins.add_finding("时限未到", item_code="2.1", due="2026-12-31")
    nodue = ins.add_finding("没有时限", due="")
    ins.close()

    with Inspection.open(ins.path) as again:
        long = again.add_finding("规范性文件备案审查工作不到位，部分文件未在规定时限内报送备案。" * 4, item_code="3.1",
                                 requirement="限期整改并建立备案审查台账。" * 5, due="2026-12-31")
        again.update_finding(long.id, measures="已建立台账并报送")
    report = consolidate([store.root], tmp_path / "o.xlsx", today=TODAY)
    assert report.overdue == 1
    wb = openpyxl.load_workbook(report.output)
    ws = wb["整改台账"]
    ledger = rows(ws)
    by_id = {r[L["问题编号"]]: r for r in ledger}
    assert set(by_id) == {late.id, done.id, future.id, nodue.id, long.id}
    assert [r[L["指标编号"]] for r in ledger] == ["1.1", "1.2", "2.1", "3.1", "整体"]  # checklist order, as the 整改清单
    assert by_id[late.id][L["逾期"]] == "逾期"
    assert by_id[late.id][L["责任单位"]] == "办公室、法制科"
    assert by_id[late.id][L["整改时限"]].date() == date(2026, 3, 1)
    assert by_id[late.id][L["状态"]] == "待整改" and by_id[done.id][L["状态"]] == "已整改"
    assert not by_id[done.id][L["逾期"]] and not by_id[future.id][L["逾期"]] and not by_id[nodue.id][L["逾期"]]
    assert by_id[long.id][L["整改措施及完成情况"]] == "已建立台账并报送"
    assert "逾期未整改 1 项" in ws["A2"].value
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert any(rule.formula == ['$L4="逾期"'] and rule.dxf.fill.fgColor.rgb.endswith("FFC7CE") for rule in rules)
    assert ws.column_dimensions["N"].hidden and ws.column_dimensions["O"].hidden
    assert ws.freeze_panes == "C4" and ws.auto_filter.ref.startswith("A3:O")
    assert ws.print_title_rows == "$3:$3" and ws.page_setup.orientation == "landscape"
    # long text wraps in rows tall enough to show all of it, every cell with a border
    long_row = next(r for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(row=r, column=15).value == long.id)
    assert ws.row_dimensions[long_row].height >= 6 * 10.5 * 1.3
    assert ws.cell(row=long_row, column=5).alignment.wrap_text and ws.cell(row=long_row, column=5).border.top.style == "thin"

    later = consolidate([store.root], tmp_path / "o2.xlsx", today=date(2027, 1, 1))
    assert later.overdue == 3  # 时限未到 is late by then; 已整改 never is


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
    assert ws.cell(row=4, column=5).value == "=1+1" and ws.cell(row=4, column=5).data_type == "s"
    assert ws.cell(row=4, column=2).data_type == "s"
    unit = next(c for row in wb["排名"].iter_rows(min_row=FIRST_DATA_ROW) for c in row if c.value == ins.unit)
    assert unit.data_type == "s"


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
    edited = make_copies(path, tmp_path / "in", 2, finished=False)[1]  # the old seal kept: it no longer holds
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


# -- the local cache of unchanged files ---------------------------------------------------------------
def test_unchanged_files_come_from_the_cache_and_give_the_same_workbook(store, special_checklist, tmp_path, home):
    paths = make_copies(base_inspection(store, special_checklist), tmp_path / "in", 6)
    first = consolidate([tmp_path / "in"], tmp_path / "a.xlsx", today=TODAY)
    assert first.cached == 0
    second = consolidate([tmp_path / "in"], tmp_path / "b.xlsx", today=TODAY)
    assert second.cached == 6
    plain = consolidate([tmp_path / "in"], tmp_path / "c.xlsx", today=TODAY, use_cache=False)
    assert plain.cached == 0

    def sheets(path):
        wb = openpyxl.load_workbook(path)
        return {name: [r for r in wb[name].iter_rows(values_only=True)] for name in wb.sheetnames}

    assert sheets(second.output) == sheets(plain.output)
    assert second.to_dict()["included"] == plain.to_dict()["included"]

    # a file changed in the app is read and scored again; the others still come from the cache
    with Inspection.open(paths[2]) as ins:
        ins.reopen("补充检查")
        ins.set_value(next(iter(special_checklist.leaves())).code, 3)
        unit, total = ins.unit, ins.score().total
    third = consolidate([tmp_path / "in"], tmp_path / "d.xlsx", today=TODAY)
    assert third.cached == 5
    assert next(e for e in third.included if e.unit == unit).report.total == total

    # a damaged or foreign cache entry is only a miss
    from fzzf_tui.exporting.consolidate_cache import file_digest

    cache_dir = home / "cache" / "consolidate"
    entries = [cache_dir / f"{file_digest(p)}.json" for p in (paths[0], paths[1])]
    entries[0].write_text("{", encoding="utf-8")
    fake = json.loads(entries[1].read_text(encoding="utf-8"))
    fake["report"]["total"] = 999.0
    fake["digest"] = "0" * 64  # copied from another file's entry
    entries[1].write_text(json.dumps(fake), encoding="utf-8")
    fourth = consolidate([tmp_path / "in"], tmp_path / "e.xlsx", today=TODAY)
    assert fourth.cached == 4 and all(e.report.total != 999.0 for e in fourth.included)
    assert sheets(fourth.output)["排名"] == sheets(third.output)["排名"]


def test_verify_and_bundles_never_use_the_cache(store, special_checklist, tmp_path):
    path = base_inspection(store, special_checklist, finalize=True)
    with Inspection.open(path, readonly=True) as ins:
        export_inspection(ins, fmt="bundle", out=tmp_path / "in" / "b.fzzf.zip")
    consolidate([tmp_path / "in"], tmp_path / "a.xlsx", today=TODAY)
    again = consolidate([tmp_path / "in"], tmp_path / "b.xlsx", today=TODAY)
    assert again.cached == 0 and again.included[0].verification == "通过"
    consolidate([path], tmp_path / "c.xlsx", today=TODAY)
    verified = consolidate([path], tmp_path / "d.xlsx", today=TODAY, verify=True)
    assert verified.cached == 0 and verified.included[0].verification == "通过"
