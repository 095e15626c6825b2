"""Inspection files written by the previous release keep opening, verifying and scoring the same.

The files in tests/fixtures/legacy/ were written by the release before 加分/减分 were stored as
发生/未发生 words (they hold true/false), before source notes, veto and the reworked annual
weights; ``expected.json`` holds what that release computed (see make_legacy.py there).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fzzf_tui.checklist.loading import checklist_from_dict
from fzzf_tui.checklist.model import canonical_json, snapshot_hash
from fzzf_tui.inspection import Inspection, describe_value, verify_file
from fzzf_tui.inspection.scoring import round_points
from fzzf_tui.inspection.storage import load_file

LEGACY = Path(__file__).resolve().parent.parent / "fixtures" / "legacy"
EXPECTED = json.loads((LEGACY / "expected.json").read_text(encoding="utf-8"))
NAMES = sorted(EXPECTED)


@pytest.fixture
def legacy(tmp_path: Path):
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(LEGACY / name, target)
        return target

    return copy


@pytest.mark.parametrize("name", NAMES)
def test_legacy_file_verifies_and_its_snapshot_is_still_canonical(name: str) -> None:
    assert verify_file(LEGACY / name).ok
    stored = load_file(LEGACY / name).checklist_doc["json"]
    checklist = checklist_from_dict(json.loads(stored))
    # today's model writes the old snapshot back to the very same string, so its hash holds
    assert canonical_json(checklist.to_dict()) == stored
    assert checklist.content_hash == snapshot_hash(stored) == EXPECTED[name]["checklist_hash"]


@pytest.mark.parametrize("name", NAMES)
def test_legacy_file_scores_identically(name: str, legacy) -> None:
    expected = EXPECTED[name]
    with Inspection.open(legacy(name), readonly=True) as ins:
        report = ins.score()
        checklist = ins.checklist
    for code, (earned, applicable, scored, met) in expected["nodes"].items():
        ns = report.nodes[code]
        # the same points, now rounded by the one rule (2 decimals, half-up)
        assert ns.earned == round_points(earned), code
        assert (ns.applicable, ns.scored) == (applicable, scored), code
        if checklist.item(code).kind == "normal":
            assert ns.met == met, code
    old = expected["score"]
    assert report.total == round_points(old["total"])
    assert (report.base, report.bonus, report.penalty) == tuple(round_points(old[k]) for k in ("base", "bonus", "penalty"))
    assert report.percent == old["percent"]
    assert (report.leaves, report.scored, report.na) == (old["leaves"], old["scored"], old["na"])
    assert report.completion == old["completion"] and report.progress == old["progress"]
    # the one deliberate change: no grade while items are 未评 (the old release said 不合格)
    assert report.grade == (old["grade"] if report.unscored == 0 else "")


def test_legacy_true_false_answers_read_as_what_happened(legacy) -> None:
    with Inspection.open(legacy("demonstration-legacy.fzzf"), readonly=True) as ins:
        c, results, report = ins.checklist, ins.results(), ins.score()
    # stored as the old release did: true = 是; for a 减分项 "是：未发生该情形"
    assert results["P.1"].value is False and results["P.2"].value is True
    assert describe_value(c.item("P.1"), results["P.1"]) == "发生"
    assert describe_value(c.item("P.2"), results["P.2"]) == "未发生"
    assert describe_value(c.item("B.1"), results["B.1"]) == "符合"
    assert describe_value(c.item("B.2"), results["B.2"]) == "不符合"
    assert report.nodes["P.1"].signed == -20 and report.nodes["P.2"].signed == 0
    assert report.nodes["P"].signed == -20 and report.nodes["B"].signed == 10


def test_legacy_file_can_be_continued_and_exported(legacy, tmp_path: Path) -> None:
    import openpyxl

    from fzzf_tui.exporting import export_inspection

    path = legacy("demonstration-legacy.fzzf")
    with Inspection.open(path, who="新版检查员") as ins:
        ins.set_value("1.1.6", "完全达到")
        ins.set_value("B.2", "符合")  # a new answer is stored as the word
        assert ins.result("B.2").value == "符合" and ins.score().bonus == 20
        out = export_inspection(ins, "xlsx", tmp_path / "out.xlsx")
    assert verify_file(path).ok
    wb = openpyxl.load_workbook(out)
    rows = {r[0]: r for r in wb["评分明细"].iter_rows(min_row=4, values_only=True)}
    assert rows["P.1"][3] == "发生" and rows["P.1"][7] == -20
    assert rows["B.2"][3] == "符合" and rows["B.2"][14] == "新版检查员"
    assert rows["B.1"][14] == "旧版检查员"
