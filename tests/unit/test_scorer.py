"""Who scored: a person chosen from the team (remembered per machine), never the OS account."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.exporting import export_inspection
from fzzf_tui.inspection import Inspection, scorer


@pytest.fixture
def no_env_user(monkeypatch):
    monkeypatch.delenv("FZZF_USER", raising=False)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_resolution_order(no_env_user) -> None:
    meta = {"id": "x1", "inspectors": ["张明", "李华"]}
    assert scorer.resolve(meta) == ""  # two people, nothing chosen yet: someone must say
    assert scorer.resolve(meta, "王强") == "王强"  # --who
    assert scorer.resolve(meta, env={"FZZF_USER": "赵敏"}) == "赵敏"  # scripts
    assert scorer.resolve({"id": "x2", "inspectors": ["张明"]}) == "张明"  # a one-person team
    assert scorer.remember("x1", "李华") == ""
    assert scorer.resolve(meta) == "李华"  # remembered for this inspection on this machine
    assert scorer.resolve({"id": "x3", "inspectors": ["李华", "王强"]}) == "李华"  # last choice, in the team
    assert scorer.resolve({"id": "x4", "inspectors": ["王强", "赵敏"]}) == ""  # not in that team
    assert scorer.choices({"inspectors": ["王强", "赵敏"]}) == ["王强", "赵敏", "李华"]


def test_cli_refuses_to_record_an_os_account(no_env_user, store, special_checklist) -> None:
    ins = store.create(special_checklist, "某县", ["张明", "李华"], who="张明")
    ref = ins.id
    ins.close()
    out = invoke("score", ref, "1.1", "1")
    assert out.exit_code != 0 and "--who" in out.output and "张明、李华" in out.output
    out = invoke("score", ref, "1.1", "1", "--who", "李华")
    assert out.exit_code == 0, out.output
    out = invoke("score", ref, "1.2", "0")  # remembered on this machine for this inspection
    assert out.exit_code == 0, out.output
    with Inspection.open(store.resolve(ref), readonly=True) as ins:
        assert ins.result("1.1").by == ins.result("1.2").by == "李华"
        assert [e["who"] for e in ins.audit()][-2:] == ["李华", "李华"]
        assert ins.meta["created_by"] == "张明"


def test_new_needs_a_person_and_records_the_creator(no_env_user) -> None:
    out = invoke("new", "--checklist", "special-2008", "--unit", "某县", "--inspector", "张明", "--inspector", "李华")
    assert out.exit_code != 0 and "--who" in out.output
    out = invoke("new", "--checklist", "special-2008", "--unit", "某县", "--inspector", "张明", "--json")
    assert out.exit_code == 0, out.output  # a one-person team: that person
    data = json.loads(out.output)
    with Inspection.open(data["file"], readonly=True) as ins:
        assert ins.meta["created_by"] == "张明" and ins.audit()[0]["who"] == "张明"


def test_scorers_in_the_workbook_and_in_merge_conflicts(store, special_checklist, tmp_path) -> None:
    a = store.create(special_checklist, "某县司法局", ["张明", "李华"], who="张明")
    b = store.create(special_checklist, "某县司法局", ["张明", "李华"], who="李华")
    a.set_value("1.1", 0), b.set_value("1.1", 2)
    a.set_value("1.3", 1)
    wb = openpyxl.load_workbook(export_inspection(a, "xlsx", tmp_path / "a.xlsx"))
    a.close(), b.close()
    info = {r[0]: r[1] for r in wb["检查信息"].iter_rows(min_row=4, values_only=True)}
    assert info["评分人"] == "张明（2 项）"
    out = invoke("merge", str(a.path), str(b.path), "-o", str(tmp_path / "m.fzzf"), "--who", "王强")
    assert out.exit_code == 0, out.output
    assert "1. 张明：0 处" in out.output and "2. 李华：2 处" in out.output
    assert "root：" not in out.output
