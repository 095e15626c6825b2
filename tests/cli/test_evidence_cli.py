"""`fzzf evidence add / list / remove`: files copied into the store, attached to items or findings."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fzzf_tui.cli import cli


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result


def test_add_list_remove(tmp_path: Path) -> None:
    ins_id = json.loads(run("new", "--checklist", "demonstration-2020", "--unit", "洛阳市司法局", "--date", "2026-11-20",
                            "--json").output)["id"]
    photo = tmp_path / "公示栏.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg" * 20)
    out = run("evidence", "add", ins_id, "1.1.1", str(photo), "--text", "现场照片")
    assert "已添加佐证：公示栏.jpg" in out.output and "指标 1.1.1" in out.output
    again = run("evidence", "add", ins_id, "1.1.1", str(photo))
    assert "未重复添加" in again.output
    f = json.loads(run("finding", "add", ins_id, "--item", "1.1.2", "--text", "未公示", "--due", "2026-12-31",
                       "--json").output)
    run("evidence", "add", ins_id, "-", str(photo), "--finding", f["id"][:6])
    photo.unlink()  # the original goes: the store keeps the copy
    rows = json.loads(run("evidence", "list", ins_id, "--json").output)
    assert [(r["item_code"], r["finding"]) for r in rows] == [("1.1.1", None), ("1.1.2", f["id"])]
    assert all(r["file"] and Path(r["file"]).is_file() for r in rows) and rows[0]["file"] == rows[1]["file"]
    text = run("evidence", "list", ins_id).output
    assert "指标 1.1.1  公示栏.jpg（" in text and "缺失" not in text
    run("evidence", "add", ins_id, str(tmp_path / "x.jpg"), code=2)  # no item given: usage error in Chinese
    missing = run("evidence", "add", ins_id, "1.1.1", str(tmp_path / "无此文件.jpg"), code=1)
    assert "佐证材料文件不存在" in missing.output
    out = run("evidence", "remove", ins_id, "1.1.1", rows[0]["sha256"][:10])
    assert "已从指标 1.1.1 移除佐证：公示栏.jpg" in out.output
    assert "佐证材料" in run("undo", ins_id).output
    assert "哈希链完整" in run("verify", ins_id).output
