"""Consolidating many inspections and taking back 整改 status from a returned 整改清单."""

from __future__ import annotations

import json
import shutil
import uuid
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.exporting import export_inspection
from fzzf_tui.exporting.consolidate import consolidate
from fzzf_tui.inspection import Inspection

from ..forge import read_tables, rechain, write_tables
from .test_consolidate import L, R, rows


def make_many(store, checklist, n: int) -> list[Path]:
    """One real inspection, then n-1 copies with their own id, unit and scores."""
    base = store.create(checklist, "模板单位")
    leaves = [leaf.code for leaf in checklist.leaves()]
    for code in leaves:  # every item answered: a ranked inspection
        base.set_value(code, 1 if code == leaves[0] else 0)
    base.add_finding("未建立台账", item_code=leaves[0], due="2026-01-31", severity="较重")
    path = base.path
    base.close()
    raw = read_tables(path)
    out = [path]
    for i in range(1, n):
        data = json.loads(json.dumps(raw))
        meta = data["meta"]["1"]
        meta["id"] = f"20260101-{uuid.uuid4().hex[:6]}"
        meta["unit"] = f"第{i:03d}单位"
        # vary the score: i deduction cases on the first leaf (the chain is regenerated to match)
        key = next(iter(data["results"]))
        data["results"][key]["value"] = i % 7
        p = store.root / f"copy-{i:03d}.fzzf"
        write_tables(p, rechain(data, finished=True))  # ranked only when finished
        out.append(p)
    return out


def test_consolidate_300_with_a_corrupt_input(store, special_checklist, tmp_path: Path) -> None:
    paths = make_many(store, special_checklist, 300)
    (store.root / "坏文件.fzzf").write_text("{broken", encoding="utf-8")
    shutil.copy(paths[5], store.root / "重复.fzzf")
    report = consolidate([store.root], tmp_path / "汇总.xlsx", today=date(2026, 6, 1))
    assert len(report.included) == 300
    reasons = dict(report.skipped)
    assert any("坏文件" in f and "损坏" in r for f, r in reasons.items())
    assert any("重复" in f and "只计一次" in r for f, r in reasons.items())
    wb = openpyxl.load_workbook(report.output)
    assert wb.sheetnames == ["排名", "分项对比", "整改台账", "未纳入文件", "来源"]
    table = rows(wb["排名"])
    ranking = {row[R["被检查单位"]]: row for row in table}
    assert len(ranking) == 300
    for p in paths[::37]:
        with Inspection.open(p, readonly=True) as ins:
            assert ranking[ins.unit][R["得分"]] == pytest.approx(round(ins.score().total, 4))
    ranks = [row[R["名次"]] for row in table]
    assert ranks[:299] == sorted(ranks[:299]) and ranks[-1] == "—"  # the template is still 进行中
    ledger = rows(wb["整改台账"])
    assert len(ledger) == 300 and all(r[L["逾期"]] == "逾期" for r in ledger)  # due 2026-01-31 < 2026-06-01
    rules = wb["整改台账"].conditional_formatting
    assert any(r.formula == ['$L4="逾期"'] and r.dxf.fill.fgColor.rgb.endswith("FFC7CE") for cf in rules for r in cf.rules)
    skipped = [r[0] for r in rows(wb["未纳入文件"])]
    assert any("坏文件" in s for s in skipped)


def test_consolidate_cli_reads_bundles_and_reports(store, special_checklist, tmp_path: Path) -> None:
    ins = store.create(special_checklist, "数据包单位")
    ins.set_value("1.1", 0)
    bundle = export_inspection(ins, fmt="bundle", out=tmp_path / "b.fzzf.zip")
    ins.close()
    out = CliRunner().invoke(cli, ["consolidate", str(bundle), str(tmp_path / "missing.fzzf"), "-o", str(tmp_path / "s.xlsx"), "--json"])
    assert out.exit_code == 0, out.output
    d = json.loads(out.output[out.output.index("{"):])
    assert d["included"][0]["unit"] == "数据包单位" and len(d["skipped"]) == 1


def returned_workbook(store, checklist, tmp_path: Path):
    ins = store.create(checklist, "被检查单位甲")
    a = ins.add_finding("文件未报备", item_code="1.1", requirement="限期报备", due="2026-12-31")
    b = ins.add_finding("未公开清单", item_code="1.2", requirement="公开")
    c = ins.add_finding("=HYPERLINK(\"x\")", item_code="1.3")
    ins.finalize()
    xlsx = export_inspection(ins, out=tmp_path / "整改清单.xlsx")
    ins.close()
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["整改清单"]
    rows = {ws.cell(row=r, column=9).value: r for r in range(4, ws.max_row + 1)}  # I: 问题编号 (hidden)
    return ins.path, xlsx, wb, ws, rows, (a, b, c)


def test_import_status_applies_changes_and_refuses_altered_rows(store, special_checklist, tmp_path: Path) -> None:
    path, xlsx, wb, ws, rows, (a, b, c) = returned_workbook(store, special_checklist, tmp_path)
    ws.cell(row=rows[a.id], column=6).value = "已整改"
    ws.cell(row=rows[a.id], column=7).value = "已报备，附回执"
    ws.cell(row=rows[b.id], column=6).value = "已销号"  # only inspectors close a finding → refused
    ws.cell(row=rows[c.id], column=3).value = "单位自行改了整改要求"  # identity altered → refused
    wb.save(xlsx)
    out = CliRunner().invoke(cli, ["import-status", str(xlsx), "--dry-run"])
    assert out.exit_code == 3, out.output  # rows were refused: the documented exit code
    assert "待整改 → 已整改" in out.output and f"整改清单!F{rows[b.id]}: 单位不能将问题改为“已销号”" in out.output
    assert f"整改清单!C{rows[c.id]}" in out.output and "标识内容被改动" in out.output
    with Inspection.open(path, readonly=True) as ins:
        assert ins.finding(a.id).status == "待整改"  # dry run wrote nothing
    out = CliRunner().invoke(cli, ["import-status", str(xlsx), "--yes"])
    assert out.exit_code == 3 and "已写入 1 处" in out.output and "有 2 行被拒绝（退出码 3）" in out.output
    with Inspection.open(path, readonly=True) as ins:
        f = ins.finding(a.id)
        assert f.status == "已整改" and f.measures == "已报备，附回执" and f.review == ""
        assert ins.finding(b.id).status == "待整改" and ins.finding(c.id).status == "待整改"
        assert [e["action"] for e in ins.audit()[-2:]] == ["finding.status", "finding.update"]  # 状态, then 整改措施
        assert ins.verify().ok


def test_import_status_invalid_value_and_fake_id(store, special_checklist, tmp_path: Path) -> None:
    path, xlsx, wb, ws, rows, (a, b, c) = returned_workbook(store, special_checklist, tmp_path)
    ws.cell(row=rows[a.id], column=6).value = "完成了"
    ws.cell(row=rows[b.id], column=9).value = "ffffffffffff"
    wb.save(xlsx)
    out = CliRunner().invoke(cli, ["import-status", str(xlsx), "--yes", "--json"])
    assert out.exit_code == 3, out.output  # rows refused; the JSON still says which
    d = json.loads(out.output)
    refused = "\n".join(d["refused"])
    assert f"整改清单!F{rows[a.id]}: 状态“完成了”不是允许的值" in refused
    assert f"整改清单!I{rows[b.id]}" in refused and d["applied"] == 0


def test_import_status_refuses_hostile_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04not really a zip")
    out = CliRunner().invoke(cli, ["import-status", str(bad)])
    assert out.exit_code == 1 and "bad.xlsx" in out.output
