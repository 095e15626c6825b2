"""Click commands for 佐证材料: ``fzzf evidence add / list / remove / collect``.

Files are copied into the evidence store beside the inspection (by SHA-256) and attached to an
item (佐证 for a met indicator) or, with ``--finding``, to a finding; every attachment is an
audited change of the inspection.
"""

from __future__ import annotations

from pathlib import Path

import click


def add_commands(cli: click.Group) -> None:
    if "evidence" in cli.commands:
        return
    from .cli_inspection import echo_json, json_option, opened, who_option

    @cli.group(name="evidence")
    def evidence_group() -> None:
        """佐证材料：复制到检查旁的佐证材料库（按 SHA-256 存放），附到指标或问题上。"""

    @evidence_group.command(name="add")
    @click.argument("inspection")
    @click.argument("item", required=False, default="")
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--finding", "finding_id", help="附到这个问题上（问题编号或其开头几位），而不是指标上。")
    @click.option("--text", default="", help="对这些文件的说明（如“现场照片”）。")
    @who_option
    @json_option
    def evidence_add(inspection: str, item: str, files: tuple[Path, ...], finding_id: str | None, text: str,
                     who: str | None, as_json: bool) -> None:
        """复制文件到佐证材料库并附到指标 ITEM（或用 --finding 附到问题；此时 ITEM 写 -）。

        原文件此后移动、修改或删除都不影响记录。"""
        from .inspection import evidence as ev

        with opened(inspection, who) as ins:
            if finding_id:
                added = ev.add_finding_evidence(ins, finding_id, files, text)
                owner = f"问题 {ins.finding(finding_id).id}"
            else:
                if not item or item == "-":
                    raise click.UsageError("请指定指标编号 ITEM，或用 --finding 指定问题")
                added = ev.add_item_evidence(ins, item, files, text)
                owner = f"指标 {item}"
            rows = [{"name": e.name, "size": e.size, "sha256": e.sha256} for e in added]
        if as_json:
            echo_json({"attached_to": owner, "added": rows})
            return
        if not added:
            click.echo(f"{owner}已附有这些文件，未重复添加")
        for r in rows:
            click.echo(f"已添加佐证：{r['name']}（{ev.human_size(r['size'])}，SHA-256 {r['sha256'][:16]}…）→ {owner}")

    @evidence_group.command(name="list")
    @click.argument("inspection")
    @json_option
    def evidence_list(inspection: str, as_json: bool) -> None:
        """列出检查的全部佐证材料文件：所属指标/问题、文件名、大小、SHA-256、存放位置。"""
        from .inspection import evidence as ev

        with opened(inspection, readonly=True) as ins:
            order = [i.code for i in ins.checklist.walk()]
            rows = []
            for a in ev.attached(ins.results(), ins.findings(), order):
                local = ev.locate(a.evidence, ins.path, ins.id)
                rows.append({
                    "item_code": a.item_code, "finding": a.finding.id if a.finding else None, "owner": a.owner,
                    "name": ev.display_name(a.evidence), "size": a.evidence.size, "sha256": a.evidence.sha256,
                    "file": str(local) if local else None,
                    "info": ev.describe_file(a.evidence, local) if local else "",
                })
        if as_json:
            echo_json(rows)
            return
        if not rows:
            click.echo("此检查还没有佐证材料文件")
            return
        for r in rows:
            state = "" if r["file"] else "  【缺失：本机找不到与记录哈希相符的文件】"
            click.echo(f"{r['owner']}  {r['info'] or r['name']}  SHA-256 {r['sha256'][:16]}…{state}")

    @evidence_group.command(name="remove")
    @click.argument("inspection")
    @click.argument("item")
    @click.argument("sha256")
    @who_option
    def evidence_remove(inspection: str, item: str, sha256: str, who: str | None) -> None:
        """从指标 ITEM 上移除一份佐证材料（SHA256 写开头几位即可；库中的文件保留，可撤销）。"""
        from .inspection import evidence as ev

        with opened(inspection, who) as ins:
            gone = ev.remove_item_evidence(ins, item, sha256)
        click.echo(f"已从指标 {item} 移除佐证：{ev.display_name(gone)}")

    @evidence_group.command(name="collect")
    @click.argument("inspection")
    def evidence_collect(inspection: str) -> None:
        """把早期版本只记录了路径的佐证材料文件复制进佐证材料库（记录不变）。"""
        from .inspection import evidence as ev

        with opened(inspection, readonly=True) as ins:
            copied, missing = ev.collect(ins)
        click.echo(f"已复制 {copied} 个文件到佐证材料库")
        for name in missing:
            click.echo(f"警告：找不到与记录哈希相符的文件：{name}", err=True)
        if missing:
            raise SystemExit(1)
