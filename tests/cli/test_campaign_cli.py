"""`fzzf campaign …` from 部署 to 自评虚高 on a real temp data dir (the office's commands)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.cli_campaign import add_commands
from fzzf_tui.inspection import Inspection
from tests.campaign_scenario import fill_form, row_of, score_inspections, self_answers


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str, code: int = 0, input: str | None = None):
    result = runner.invoke(cli, [str(a) for a in args], input=input)
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def test_add_commands_is_idempotent() -> None:
    before = dict(cli.commands)
    add_commands(cli)
    assert cli.commands == before and "campaign" in cli.commands


def units_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "被检查单位", "检查组"])
    for n, (unit, team) in enumerate((("市司法局", "第一组"), ("市公安局", "第一组"), ("市财政局", "第二组")), 1):
        ws.append([n, unit, team])
    wb.save(path)
    return path


def test_campaign_from_deployment_to_self_excess(runner, home, demo_checklist, tmp_path):
    out = run(runner, "campaign", "new", "2026年示范创建督察", "--checklist", "demonstration-2020",
              "--units-xlsx", units_xlsx(tmp_path / "名单.xlsx"), "--team", "第一组=张明、李华", "--team", "第二组=王芳",
              "--self-check-due", "2026-04-15", "--inspection-start", "2026-05-06", "--rectify-due", "2026-08-31",
              "--who", "王主任", "--json").stdout
    created = json.loads(out)
    cid = created["id"]
    assert [u["name"] for u in created["units"]] == ["市司法局", "市公安局", "市财政局"]
    assert created["teams"] == [{"name": "第一组", "members": ["张明", "李华"]}, {"name": "第二组", "members": ["王芳"]}]
    assert created["checklist"]["hash"] == demo_checklist.content_hash
    listed = run(runner, "campaign", "list").stdout
    assert cid in listed and "单位 3 个" in listed

    forms = json.loads(run(runner, "campaign", "self-check-forms", cid, "-o", tmp_path / "自查表", "--json").stdout)["files"]
    assert [Path(f).name for f in forms] == [f"{u}-自查表-2026年示范创建督察.xlsx" for u in ("市司法局", "市公安局", "市财政局")]
    a_form = Path(forms[0])
    answers = self_answers(demo_checklist, "完全达到", {"B.1": "符合", "B.2": "符合"}, {"P.1": "未发生", "P.2": "未发生"})
    returned = fill_form(a_form, {**answers, "1.1.1": "很好"}, tmp_path / "市司法局-交回.xlsx",
                         edits={f"A{row_of(a_form, '1.1.2')}": "1.1.2X"})

    # diff first: nothing written, exit code 2 because rows were refused
    dry = run(runner, "campaign", "import-self-check", returned, "--dry-run", code=2).stdout
    r111, r112 = row_of(a_form, "1.1.1"), row_of(a_form, "1.1.2")
    assert "将更新 102 项" in dry and "（--dry-run：未写入）" in dry
    assert f"拒绝 自查表!E{r111}: 自评结果“很好”不是允许的值" in dry
    assert f"拒绝 自查表!A{r112}: 标识内容被改动（A{r112} 编号）" in dry
    show = json.loads(run(runner, "campaign", "show", cid, "--json", "--today", "2026-04-20").stdout)
    assert [u["status"] for u in show["units"]] == ["待自查"] * 3 and show["units"][0]["self_overdue"] is True
    assert show["units"][0]["inspection"] is None  # a dry run creates nothing

    # declined at the prompt: nothing written either
    declined = run(runner, "campaign", "import-self-check", returned, input="n\n", code=2).stdout
    assert "写入以上 102 项自评？" in declined and "未写入任何自评" in declined
    done = run(runner, "campaign", "import-self-check", returned, "--yes", "--who", "王主任", code=2).stdout
    assert "已写入 102 项自评" in done

    show = json.loads(run(runner, "campaign", "show", cid, "--json").stdout)
    a = show["units"][0]
    assert a["status"] == "自查已交" and a["self_check"]["filler"] == "刘洋" and a["self_check"]["answered"] == 102
    assert a["self_check"]["self_total"] == 1000.0  # 100 指标 of which 98 answered (980) + 20 加分
    assert [u["status"] for u in show["units"][1:]] == ["待自查", "待自查"]

    started = json.loads(run(runner, "campaign", "start", cid, "--json").stdout)
    assert [r["unit"] for r in started["created"]] == ["市公安局", "市财政局"]
    assert [r["unit"] for r in started["existing"]] == ["市司法局"]
    text = run(runner, "campaign", "show", cid).stdout
    assert "检查组 第一组：张明、李华" in text and "进度：自查已交 1  待自查 2" in text

    # the inspectors score 市司法局 as in the scenario; 自评虚高 is then 自评 1000 − 督察 973 = +27
    from tests.campaign_scenario import Scenario

    paths = {u["unit"]: Path(u["inspection"]["file"]) for u in show["units"] if u["inspection"]}
    paths.update({r["unit"]: Path(r["file"]) for r in started["created"]})
    score_inspections(demo_checklist, Scenario(Path(), {}, inspections=paths))
    show = json.loads(run(runner, "campaign", "show", cid, "--json").stdout)
    a = show["units"][0]["self_check"]
    assert (a["self_total"], a["inspected_total"], a["gap"]) == (1000.0, 973.0, 27.0)
    assert [u["status"] for u in show["units"]] == ["督察进行中"] * 3
    with Inspection.open(paths["市司法局"], readonly=True) as ins:
        assert ins.meta["inspectors"] == ["张明", "李华"] and ins.meta["date"] == "2026-05-06"
    text = run(runner, "campaign", "show", cid).stdout
    assert "+27" in text and "973" in text
    assert "校验通过" in run(runner, "campaign", "verify", cid).stdout


def test_verify_and_errors(runner, home, demo_checklist, tmp_path):
    cid = json.loads(run(runner, "campaign", "new", "督察", "--checklist", "demonstration-2020", "--unit", "市司法局:一组",
                         "--json").stdout)["id"]
    assert "审计记录 1 条，校验通过" in run(runner, "campaign", "verify", cid).stdout
    path = next((home / "campaigns").glob("*.fzzf-campaign"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["meta"]["1"]["dates"]["rectify_due"] = "2030-01-01"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    bad = run(runner, "campaign", "verify", cid, code=1)
    assert "督察任务信息“dates”与审计记录不符" in bad.stderr
    err = run(runner, "campaign", "new", "x", "--checklist", "nope", "--unit", "a", code=1).stderr
    assert "没有编号为“nope”的清单" in err
    err = run(runner, "campaign", "new", "x", "--checklist", "demonstration-2020", "--unit", "a", "--unit", "a", code=1).stderr
    assert "被检查单位“a”重复" in err
    err = run(runner, "campaign", "show", "不存在的任务", code=1).stderr
    assert "找不到督察任务“不存在的任务”" in err
    not_a_form = tmp_path / "x.xlsx"
    openpyxl.Workbook().save(not_a_form)
    res = run(runner, "campaign", "import-self-check", not_a_form, "--yes", code=2)
    assert "不是本工具生成的自查表" in res.stderr


def test_the_audit_trail_names_a_person_not_the_login_account(runner, home, demo_checklist, tmp_path, monkeypatch):
    """Without --who or FZZF_USER the commands recorded the computer's login account."""
    import getpass

    from fzzf_tui.campaign import CampaignStore
    from fzzf_tui.inspection import scorer

    monkeypatch.delenv("FZZF_USER", raising=False)
    args = ("campaign", "new", "2026年示范创建督察", "--checklist", "demonstration-2020",
            "--unit", "市司法局:第一组", "--team", "第一组=张明、李华")
    refused = run(runner, *args, code=2)
    assert "请说明操作人：加 --who 姓名，或设置环境变量 FZZF_USER" in refused.stderr
    assert not list((home / "campaigns").glob("*.fzzf-campaign"))
    cid = json.loads(run(runner, *args, "--who", "王主任", "--json").stdout)["id"]

    assert "请说明操作人" in run(runner, "campaign", "start", cid, code=2).stderr
    assert scorer.remember("another-inspection", "李华") == ""  # chosen on this machine before
    started = run(runner, "campaign", "start", cid, "--json")
    assert "操作人：李华（本机上次选定；可用 --who 指定）" in started.stderr
    path = json.loads(started.stdout)["created"][0]["file"]

    form = json.loads(run(runner, "campaign", "self-check-forms", cid, "-o", tmp_path / "表", "--json").stdout)["files"][0]
    first = next(leaf.code for leaf in demo_checklist.leaves())
    filled = fill_form(Path(form), {first: "完全达到"}, tmp_path / "交回.xlsx")
    run(runner, "campaign", "import-self-check", filled, "--yes", "--who", "赵科长")

    with CampaignStore().open(cid, readonly=True) as campaign:
        assert [e["who"] for e in campaign.audit()] == ["王主任"]
    with Inspection.open(path, readonly=True) as ins:
        whos = [e["who"] for e in ins.audit()]
    assert whos[0] == "李华" and whos[-1] == "赵科长"
    assert getpass.getuser() not in whos
