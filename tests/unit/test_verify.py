"""What verify proves: `fzzf verify ID`, seals bound to the chain, the office key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fzzf_tui.cli import cli
from fzzf_tui.inspection import Inspection, audit, verify_file

from ..forge import read_tables, write_tables

KEY = "洛阳市督察办-2026-office-key"


def sealed(store, checklist, who: str = "张明") -> Path:
    ins = store.create(checklist, "洛阳市司法局", [who], who=who)
    ins.set_value("1.1", 1)
    ins.set_value("1.2", 2)
    ins.add_finding("重大决策未经合法性审查", item_code="1.2", severity="严重")
    ins.finalize()
    path = ins.path
    ins.close()
    return path


def forge_sealed(path: Path, out: Path) -> None:
    """A forger with this program: change a score, then recompute the finalize entry's seal and
    every hash after it, so chain, content and seal digest are consistent again."""
    data = read_tables(path)
    target = next(r for r in data["results"].values() if r["code"] == "1.2")
    target["value"] = 0
    entries = [data["audit"][k] for k in sorted(data["audit"], key=int)]
    for e in entries:
        if e["action"] == "score" and e["target"] == "1.2":
            e["new"]["value"] = 0
    prev = audit.GENESIS
    for e in entries:
        e["prev"] = prev
        if e["action"] == "finalize":
            seal = e["set"]["meta"]["seal"]
            seal["head"] = prev
            seal["content"] = audit.content_digest(data["results"].values(), data["findings"].values())
            data["meta"]["1"]["seal"] = seal
        e["hash"] = audit.entry_hash(e)
        prev = e["hash"]
    data["audit"] = {str(i): e for i, e in enumerate(entries, start=1)}
    write_tables(out, data)


def test_verify_takes_the_inspection_id_like_every_other_command(store, special_checklist) -> None:
    ins = store.create(special_checklist, "单位")
    ins.set_value("1.1", 1)
    ins.close()
    out = CliRunner().invoke(cli, ["verify", ins.id])
    assert out.exit_code == 0 and "✓" in out.output and ins.path.name in out.output
    out = CliRunner().invoke(cli, ["verify", ins.id[-6:], "--json"])
    assert out.exit_code == 0 and json.loads(out.output)["ok"] is True
    out = CliRunner().invoke(cli, ["verify", "no-such-id"])
    assert out.exit_code == 1 and "找不到检查" in out.output


def test_the_seal_is_bound_to_the_chain(store, special_checklist, tmp_path: Path) -> None:
    path = sealed(store, special_checklist)
    data = read_tables(path)
    seal = data["meta"]["1"]["seal"]
    entries = data["audit"]
    fin = entries[str(seal["audit_seq"])]
    assert fin["action"] == "finalize" and fin["set"]["meta"]["seal"] == seal  # the seal is in the chain
    assert seal["head"] == entries[str(seal["audit_seq"] - 1)]["hash"]
    # moving the seal (e.g. copying it into another inspection) breaks it
    data["meta"]["1"]["seal"] = dict(seal, head="0" * 64)
    moved = tmp_path / "moved.fzzf"
    write_tables(moved, data)
    assert not verify_file(moved).ok


def test_without_a_key_a_rewritten_trail_verifies_and_the_docs_say_so(store, special_checklist, tmp_path: Path) -> None:
    path = sealed(store, special_checklist)
    forged = tmp_path / "forged.fzzf"
    forge_sealed(path, forged)
    report = verify_file(forged)
    assert report.ok and report.signed == ""  # the limit docs/verify.md states plainly
    doc = (Path(__file__).resolve().parents[2] / "docs" / "verify.md").read_text(encoding="utf-8")
    assert "does **not** prove who made the file" in doc and "FZZF_OFFICE_KEY" in doc


def test_an_office_key_signs_seals_and_catches_a_rewritten_trail(store, special_checklist, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FZZF_OFFICE_KEY", KEY)
    path = sealed(store, special_checklist)
    report = verify_file(path)
    key_id = audit.office_key().id
    assert report.ok and report.signed == key_id
    seal = read_tables(path)["meta"]["1"]["seal"]
    assert seal["key_id"] == key_id and KEY not in json.dumps(seal, ensure_ascii=False)
    out = CliRunner().invoke(cli, ["verify", str(path), "--require-signature"])
    assert out.exit_code == 0 and key_id in out.output

    forged = tmp_path / "forged.fzzf"
    forge_sealed(path, forged)
    report = verify_file(forged)
    assert not report.ok and "签名不符" in report.problems[0]
    out = CliRunner().invoke(cli, ["verify", str(forged)])
    assert out.exit_code == 1 and "签名不符" in out.output

    # another office (or no key at all) cannot check the signature: said, not hidden
    monkeypatch.setenv("FZZF_OFFICE_KEY", "另一个督察办的密钥-0123456789")
    report = verify_file(path)
    assert report.ok and any("不同" in n for n in report.notes) and report.signed == ""
    assert CliRunner().invoke(cli, ["verify", str(path), "--require-signature"]).exit_code == 1
    monkeypatch.delenv("FZZF_OFFICE_KEY")
    report = verify_file(path)
    assert report.ok and any("未配置密钥" in n for n in report.notes)


def test_a_key_file_and_a_short_key(store, special_checklist, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    (home / "office.key").write_text(KEY + "\n", encoding="utf-8")
    path = sealed(store, special_checklist)
    assert verify_file(path).signed == audit.OfficeKey(KEY.encode("utf-8"), "").id
    monkeypatch.setenv("FZZF_OFFICE_KEY", "short")
    ins = store.create(special_checklist, "单位")
    with pytest.raises(audit.OfficeKeyError, match="过短"):
        ins.finalize()
    assert ins.status == "进行中"
    ins.close()


def test_an_unsigned_seal_is_noted_when_the_office_has_a_key(store, special_checklist, monkeypatch) -> None:
    path = sealed(store, special_checklist)
    monkeypatch.setenv("FZZF_OFFICE_KEY", KEY)
    report = verify_file(path)
    assert report.ok and any("未用办公室密钥签名" in n for n in report.notes)
    copy = path.with_name("copy.fzzf")
    shutil.copy(path, copy)
    with Inspection.open(copy, readonly=True) as ins:
        assert ins.status == "已完成"


def _edit_state_line(path: Path, change) -> None:
    """Edit the state line (line 1) of an inspection file in place, as a text editor would."""
    lines = path.read_bytes().split(b"\n")
    state = json.loads(lines[0])
    change(state)
    lines[0] = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize("what, change, named", [
    ("result", lambda s: [r.update(value=0) for r in s["results"].values() if r["code"] == "1.2"],
     "指标 1.2 的评分与审计记录不符"),
    ("finding", lambda s: [f.update(severity="一般") for f in s["findings"].values()], "问题"),
    ("meta", lambda s: s["meta"]["1"].update(inspectors=["冒名"]), "检查信息“inspectors”与审计记录不符"),
])
def test_an_inspection_in_progress_edited_in_place_fails_verify_by_id_naming_it(store, special_checklist,
                                                                                 what, change, named) -> None:
    """Seen (#11): `fzzf score X 1.2 2`, then the value edited in the file by hand: verify said ✓
    and show reported the edited score. Here the file is in today's layout (state line + journal),
    the inspection still 进行中, and later changes sit in the journal after the edited line."""
    ins = store.create(special_checklist, "洛阳市司法局", ["张明"], who="张明")
    ins.set_value("1.1", 1)
    ins.set_value("1.2", 2)
    ins.add_finding("重大决策未经合法性审查", item_code="1.2", severity="严重")
    path, iid = ins.path, ins.id
    ins.close()  # compacted: the state line now holds these
    with Inspection.open(path) as again:
        again.set_value("1.3", 1)  # one more change, in the journal only
    _edit_state_line(path, change)
    out = CliRunner().invoke(cli, ["verify", iid])
    assert out.exit_code == 1 and named in out.output and "✓" not in out.output, out.output
    out = CliRunner().invoke(cli, ["show", iid])
    assert out.exit_code != 0 and named in out.output, out.output
    with pytest.raises(Exception, match=named):
        Inspection.open(path)  # the app refuses to work on it as if it were the record
    out = CliRunner().invoke(cli, ["list"])  # the list does not show it as a record either
    row = next(line for line in out.output.splitlines() if iid in line or path.stem in line)
    assert "无法读取" in row and "未通过校验" in out.output, out.output


def test_the_list_scores_a_file_from_its_record_not_from_the_summary_it_carries(store, special_checklist) -> None:
    """The summary in a file's first line is derived data: edited by hand to a better score, it
    verifies (nothing recorded changed) but the list must show the recorded score."""
    ins = store.create(special_checklist, "洛阳市司法局", ["张明"], who="张明")
    ins.set_value("1.1", 0)
    path, iid = ins.path, ins.id
    ins.close()
    before = CliRunner().invoke(cli, ["list", "--json"])
    real = next(r for r in json.loads(before.output) if r["id"] == iid)["total"]

    def better(s) -> None:
        s["meta"]["1"]["summary"].update(total=99.0, percent=99.0, grade="优秀")

    _edit_state_line(path, better)
    out = CliRunner().invoke(cli, ["list", "--json"])
    row = next(r for r in json.loads(out.output) if r["id"] == iid)
    assert row["total"] == real != 99.0 and row["grade"] != "优秀", row
    with Inspection.open(path):  # opened and closed unchanged: still not trusted with that summary
        pass
    out = CliRunner().invoke(cli, ["list", "--json"])
    assert next(r for r in json.loads(out.output) if r["id"] == iid)["total"] == real
    from fzzf_tui.inspection import read_summary
    import fzzf_tui.checklist.cache as cache_mod
    summary_cache = cache_mod._cache_path(path).with_name("summary-" + cache_mod._cache_path(path).name)
    summary_cache.unlink(missing_ok=True)  # without the list's own cache, the file is read again
    assert read_summary(path).total == real
