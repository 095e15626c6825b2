"""Click commands for inspections: create, score, findings, lifecycle, verify (for scripts)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any, Iterator

import click

from .cli_output import echo_json
from .inspection import conditions
from .inspection.scoring import format_percent, format_points, format_signed
from .inspection import (
    SEVERITIES,
    STATUSES,
    Evidence,
    Inspection,
    InspectionStore,
    describe_value,
    verify_file,
)


json_option = click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
who_option = click.option(
    "--who", envvar="FZZF_USER",
    help="评分人（操作人）姓名，记入评分和审计记录；也可设置环境变量 FZZF_USER。不填时用本机上次为该检查选定的人，"
         "或只有一名成员的检查组。",
)


def scorer_for(meta: dict[str, Any], who: str | None) -> str:
    """The person a change is recorded under (never the OS account); refuses when unknown."""
    import os

    from .inspection import scorer

    name = scorer.resolve(meta, who)
    if not name:
        raise click.UsageError(scorer.missing_message(meta))
    if who and not os.environ.get("FZZF_USER") and meta.get("id"):
        scorer.remember(str(meta["id"]), name)  # a name typed once is remembered on this machine
    return name


@contextlib.contextmanager
def opened(ref: str, who: str | None = None, readonly: bool = False) -> Iterator[Inspection]:
    ins = InspectionStore().open(ref, readonly=readonly, who=who)
    try:
        if not readonly:
            ins.who = scorer_for(ins.meta, who)
        if ins.stale_lock_recovered:
            info = ins.stale_lock_recovered
            click.echo(f"提示：已接管上次异常退出遗留的锁（{info.get('user')}，进程 {info.get('pid')}）", err=True)
        yield ins
    finally:
        ins.close()


def finding_dict(ins: Inspection, f: Any) -> dict[str, Any]:
    d = f.to_dict()
    d["recorded_by"] = f.recorded_by  # 记录人, with every inspector who recorded the same problem
    if f.item_code and ins.checklist.has_item(f.item_code):
        d["item_title"] = ins.checklist.item(f.item_code).title
    return d


def show_dict(ins: Inspection) -> dict[str, Any]:
    """What `fzzf show --json` prints: the engine's numbers, already rounded by its rule.

    A section's ``earned`` is null while nothing in it is scored (未评, not 0); 加分项/减分项
    carry ``signed``, what they add (+) or take away (−).
    """
    report = ins.score()
    sections = []
    for item in ins.checklist.items:
        ns = report.nodes[item.code]
        sections.append(
            {
                "code": item.code,
                "title": item.title,
                "kind": item.kind,
                "max": item.points,
                "earned": ns.earned if ns.applicable and ns.has_value else None,
                "signed": ns.signed,
                "applicable": ns.applicable,
                "applicable_max": ns.applicable_max,
                "percent": ns.percent,
                "leaves": ns.leaves,
                "scored": ns.scored,
                "na": ns.na_leaves,
                "unscored": ns.unscored,
            }
        )
    findings = ins.findings()
    return {
        "id": ins.id,
        "file": str(ins.path),
        "unit": ins.unit,
        "type": ins.meta.get("type"),
        "checklist": {
            "id": ins.meta.get("checklist_id"),
            "title": ins.meta.get("checklist_title"),
            "version": ins.meta.get("checklist_version"),
            "hash": ins.meta.get("checklist_hash"),
            "provisional": list(ins.checklist.provisional),
        },
        "inspectors": ins.meta.get("inspectors", []),
        "na_profile": conditions.profile(ins.meta),
        "scorers": sorted({r.by for r in ins.results().values() if r.by}),
        "date": ins.meta.get("date"),
        "status": ins.status,
        "score": report.to_dict(),
        "sections": sections,
        "open_conflicts": ins.open_conflicts(),
        "findings": {
            "total": len(findings),
            "recorded_by_several": sum(1 for f in findings if len(f.recorders) > 1),
            "by_status": {s: sum(1 for f in findings if f.status == s) for s in STATUSES},
            "by_severity": {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES},
        },
    }


def show_lines(d: dict[str, Any]) -> list[str]:
    """`fzzf show` as text: the same numbers and words as the TUI summary and the workbook."""
    s = d["score"]
    head = f"{d['unit']}  {d['type']}  {d['checklist']['title']}（{d['checklist']['version']}）  {d['status']}"
    if "points" in d["checklist"]["provisional"]:
        head += "  【分值暂定】"
    lines = [head]
    if d.get("na_profile"):
        lines.append(f"单位情形 {'、'.join(d['na_profile'])}（原文标注该情形不涉及的指标已标记为不涉及）")
    if s["total"] is None:
        lines.append(f"得分 未评（满分 {format_points(s['max_total'])}）  等次 {s['grade_text']}")
    else:
        lines.append(f"得分 {format_points(s['total'])} / {format_points(s['max_total'])}（{s['percent']:.2f}%）  等次 {s['grade_text']}")
        if any(sec["kind"] != "normal" for sec in d["sections"]):
            lines.append(f"基础分 {format_points(s['base'])}  加分项 {format_signed(s['bonus'])}  减分项 {format_signed(s['penalty'])}")
    for o in s["overrides"]:
        what = "一票否决" if o["kind"] == "veto" else "等次上限"
        lines.append(f"{what}：{o['code']} {o['title']} → 等次{'为' if o['kind'] == 'veto' else '至多为'}{o['grade']}")
    lines.append(
        f"进度 {format_percent(s['progress'])}（已评 {s['valued']} 项、不涉及 {s['na']} 项，共 {s['leaves']} 项；未评 {s['unscored']} 项）"
    )
    completion = "—（尚未评分）" if s["completion"] is None else format_percent(s["completion"])
    if s["completion_threshold"] is not None:
        completion += f"（要求 {s['completion_threshold'] * 100:.0f}%，{'已达到' if s['ready'] else '未达到'}）"
    lines.append(f"完成度 {completion}")
    for sec in d["sections"]:
        if not sec["applicable"]:
            value = "不涉及"
        elif sec["kind"] != "normal":
            sign = "+" if sec["kind"] == "bonus" else "−"
            amount = "未评" if sec["signed"] is None else format_signed(sec["signed"])
            value = f"{amount}（合计不超过 {sign}{format_points(sec['max'])}）"
        elif sec["earned"] is None:
            value = f"未评 / {format_points(sec['max'])}"
        else:
            value = f"{format_points(sec['earned'])} / {format_points(sec['max'])}"
        count = f"已评 {sec['scored'] - sec['na']}/{sec['leaves']}" + (f"，不涉及 {sec['na']}" if sec["na"] else "")
        lines.append(f"  {sec['code']:>3} {sec['title']}  {value}  （{count}）")
    fs = d["findings"]
    lines.append(f"问题 {fs['total']} 个：" + "，".join(f"{k} {v}" for k, v in fs["by_status"].items()))
    if fs.get("recorded_by_several"):
        lines.append(f"  其中 {fs['recorded_by_several']} 个问题由多名检查人员记录（合并时已合为一个，记录人均保留）")
    pending = d.get("open_conflicts") or []
    if pending:
        lines.append(f"注意：还有 {len(pending)} 处合并冲突未处理（处理前相关指标按未评计，不能完成检查）：")
        lines.extend(f"  {p}" for p in pending)
    return lines


def result_text(item: Any, result: Any, ns: Any) -> str:
    """One scored item as the CLI confirms it: 加分/减分 signed, others 得分 / 满分."""
    text = f"{item.code} {describe_value(item, result)}"
    if result.na or result.value is None:
        return text
    if item.kind != "normal":
        return f"{text}（{format_signed(ns.signed or 0)} 分）"
    return f"{text}（{format_points(ns.earned)} / {format_points(item.points)} 分）"


def add_commands(cli: click.Group) -> None:
    if "new" in cli.commands:
        return

    @cli.command(name="new")
    @click.option("--checklist", "checklist_id", required=True, help="清单编号（见 fzzf checklists）。")
    @click.option("--unit", required=True, help="被检查单位。")
    @click.option("--inspector", "inspectors", multiple=True, help="检查人员（可多次指定）。")
    @click.option("--date", "date_", help="检查日期，如 2026-11-23（默认今天）。")
    @click.option("--profile", "profile", multiple=True,
                  help="被检查单位的情形（如 中直机构；可多次指定）：按清单原文标注把相应指标标记为不涉及（见 fzzf na --condition）。")
    @who_option
    @json_option
    def new_command(checklist_id: str, unit: str, inspectors: tuple[str, ...], date_: str | None, profile: tuple[str, ...],
                    who: str | None, as_json: bool) -> None:
        """新建检查，输出编号和文件路径。"""
        from .plugins import get_plugins

        from .inspection import scorer

        name = scorer_for({"inspectors": list(inspectors)}, who)
        plugins = get_plugins()
        checklist = plugins.get_checklist(checklist_id)
        for p in profile:  # a typo must not leave a half-made inspection behind
            conditions.find_condition(checklist, p)
        ins = InspectionStore().create(checklist, unit, inspectors, date_, who=name,
                                       extra_meta=plugins.provenance(checklist_id))
        scorer.remember(ins.id, name)
        try:
            marked = conditions.mark_all(ins, profile)
            if as_json:
                echo_json({"id": ins.id, "file": str(ins.path), "checklist": checklist.id, "hash": checklist.content_hash,
                           "profile": conditions.profile(ins.meta), "conditions": [o.to_dict() for o in marked]})
            else:
                click.echo(f"已新建检查 {ins.id}")
                click.echo(f"文件：{ins.path}")
                for o in marked:
                    click.echo(o.message())
        finally:
            ins.close()

    @cli.command(name="list")
    @json_option
    def list_command(as_json: bool) -> None:
        """列出数据目录中的检查。"""
        rows = InspectionStore().summaries()
        if as_json:
            echo_json([r.to_dict() for r in rows])
            return
        if not rows:
            click.echo("还没有检查。用 fzzf new 新建。")
        for r in rows:
            if r.error:
                click.echo(f"{r.path.name}  无法读取：{r.error}")
                continue
            score = f"得分 {format_points(r.total)}" if r.has_value else "得分 未评"
            grade = r.grade_shown
            click.echo(f"{r.id}  {r.unit}  {r.type}  {r.status}  进度 {format_percent(r.progress)}  {score}  等次 {grade}  问题 {r.findings}")

    @cli.command(name="show")
    @click.argument("inspection")
    @json_option
    def show_command(inspection: str, as_json: bool) -> None:
        """显示检查的得分汇总。"""
        with opened(inspection, readonly=True) as ins:
            d = show_dict(ins)
        if as_json:
            echo_json(d)
            return
        for line in show_lines(d):
            click.echo(line)

    @cli.command(name="score")
    @click.argument("inspection")
    @click.argument("code")
    @click.argument("value")
    @click.option("--note", help="备注。")
    @who_option
    @json_option
    def score_command(inspection: str, code: str, value: str, note: str | None, who: str | None, as_json: bool) -> None:
        """为指标评分。VALUE：档次名称或序号（1=完全达到…）、是/否、加分项 符合/不符合、
        减分项 发生/未发生、扣分处数或得分。"""
        with opened(inspection, who) as ins:
            result = ins.set_value(code, value, note=note)
            item = ins.checklist.item(code)
            ns = ins.score().nodes[code]
        if as_json:
            echo_json({**result.to_dict(), "earned": ns.earned, "max": item.points, "signed": ns.signed})
        else:
            click.echo(f"已保存：{result_text(item, result, ns)}")

    @cli.command(name="note")
    @click.argument("inspection")
    @click.argument("code")
    @click.argument("text")
    @who_option
    def note_command(inspection: str, code: str, text: str, who: str | None) -> None:
        """为指标写备注。"""
        with opened(inspection, who) as ins:
            ins.set_note(code, text)
        click.echo(f"已保存：{code} 的备注")

    @cli.command(name="clear")
    @click.argument("inspection")
    @click.argument("code")
    @who_option
    def clear_command(inspection: str, code: str, who: str | None) -> None:
        """清除指标的评分（回到“未评”）。"""
        with opened(inspection, who) as ins:
            ins.clear(code)
        click.echo(f"已清除：{code}")

    @cli.command(name="undo")
    @click.argument("inspection")
    @who_option
    def undo_command(inspection: str, who: str | None) -> None:
        """撤销最近一次修改（撤销本身也记入审计日志）。"""
        with opened(inspection, who) as ins:
            what = ins.undo()
        click.echo(what or "没有可撤销的修改")

    @cli.command(name="redo")
    @click.argument("inspection")
    @who_option
    def redo_command(inspection: str, who: str | None) -> None:
        """重做最近一次撤销的修改（重做也记入审计日志）。"""
        with opened(inspection, who) as ins:
            what = ins.redo()
        click.echo(what or "没有可重做的修改")

    @cli.group(name="finding")
    def finding_group() -> None:
        """问题（findings）与整改。"""

    @finding_group.command(name="add")
    @click.argument("inspection")
    @click.option("--item", "item_code", help="关联的指标编号（不填则关联整个检查）。")
    @click.option("--text", required=True, help="问题描述。")
    @click.option("--evidence", "evidence_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path), help="佐证材料文件（复制到佐证材料库，记录大小和 SHA-256，可多次指定）。")
    @click.option("--evidence-text", "evidence_texts", multiple=True, help="文字形式的佐证材料（可多次指定）。")
    @click.option("--severity", type=click.Choice(SEVERITIES), default="一般", show_default=True, help="严重程度。")
    @click.option("--requirement", default="", help="整改要求。")
    @click.option("--unit", "units", multiple=True, help="责任单位（默认为指标的责任单位）。")
    @click.option("--due", default="", help="整改时限，如 2026-12-31。")
    @who_option
    @json_option
    def finding_add(inspection: str, item_code: str | None, text: str, evidence_files: tuple[Path, ...], evidence_texts: tuple[str, ...],
                    severity: str, requirement: str, units: tuple[str, ...], due: str, who: str | None, as_json: bool) -> None:
        """记录一个问题。"""
        from .inspection.evidence import EvidenceStore, check_total

        with opened(inspection, who) as ins:
            store = EvidenceStore.beside(ins.path)  # copied now: the original may move or go
            files = [store.add(p) for p in evidence_files]
            check_total(ins, files)
            evidence = files + [Evidence(text=t) for t in evidence_texts]
            f = ins.add_finding(text, item_code=item_code, evidence=evidence, severity=severity, requirement=requirement,
                                units=units or None, due=due)
            d = finding_dict(ins, f)
        if as_json:
            echo_json(d)
        else:
            click.echo(f"已记录问题 {f.id}（{f.severity}，{f.status}）")

    @finding_group.command(name="list")
    @click.argument("inspection")
    @json_option
    def finding_list(inspection: str, as_json: bool) -> None:
        """列出检查的全部问题。"""
        with opened(inspection, readonly=True) as ins:
            rows = [finding_dict(ins, f) for f in ins.findings()]
        if as_json:
            echo_json(rows)
            return
        for r in rows:
            click.echo(f"{r['id']}  [{r['status']}] [{r['severity']}] {r['item_code'] or '整体'}  {r['description']}"
                       f"  （记录人：{r['recorded_by'] or '未记录'}）")

    @finding_group.command(name="set-status")
    @click.argument("inspection")
    @click.argument("finding_id")
    @click.argument("status", type=click.Choice(STATUSES))
    @click.option("--review", default="", help="复查意见（销号时必填）。")
    @who_option
    def finding_set_status(inspection: str, finding_id: str, status: str, review: str, who: str | None) -> None:
        """更改问题的整改状态：待整改 → 整改中 → 已整改 → 已销号。"""
        with opened(inspection, who) as ins:
            f = ins.set_finding_status(finding_id, status, review)
        click.echo(f"已保存：问题 {f.id} 状态为 {f.status}")

    @finding_group.command(name="edit")
    @click.argument("inspection")
    @click.argument("finding_id")
    @click.option("--text", help="问题描述。")
    @click.option("--severity", type=click.Choice(SEVERITIES))
    @click.option("--requirement", help="整改要求。")
    @click.option("--unit", "units", multiple=True, help="责任单位（替换原值）。")
    @click.option("--due", help="整改时限。")
    @who_option
    def finding_edit(inspection: str, finding_id: str, text: str | None, severity: str | None, requirement: str | None,
                     units: tuple[str, ...], due: str | None, who: str | None) -> None:
        """修改问题的内容。"""
        changes: dict[str, Any] = {}
        if text is not None:
            changes["description"] = text
        if severity is not None:
            changes["severity"] = severity
        if requirement is not None:
            changes["requirement"] = requirement
        if units:
            changes["units"] = list(units)
        if due is not None:
            changes["due"] = due
        with opened(inspection, who) as ins:
            f = ins.update_finding(finding_id, **changes)
        click.echo(f"已保存：问题 {f.id}")

    @cli.command(name="finalize")
    @click.argument("inspection")
    @who_option
    def finalize_command(inspection: str, who: str | None) -> None:
        """完成检查并封存评分。"""
        with opened(inspection, who) as ins:
            ins.finalize()
            report = ins.score()
        score = format_points(report.total) if report.has_value else "未评"
        click.echo(f"检查已完成并封存，得分 {score}，等次 {report.grade_label}")

    @cli.command(name="reopen")
    @click.argument("inspection")
    @click.option("--reason", required=True, help="重新打开的原因（必填，记入审计日志）。")
    @who_option
    def reopen_command(inspection: str, reason: str, who: str | None) -> None:
        """重新打开已完成或已归档的检查。"""
        with opened(inspection, who) as ins:
            ins.reopen(reason)
        click.echo("检查已重新打开")

    @cli.command(name="archive")
    @click.argument("inspection")
    @who_option
    def archive_command(inspection: str, who: str | None) -> None:
        """归档已完成的检查（文件保留）。"""
        with opened(inspection, who) as ins:
            ins.archive()
        click.echo("检查已归档")

    @cli.command(name="verify")
    @click.argument("inspection")
    @click.option("--require-signature", is_flag=True, help="封存须有本机办公室密钥的有效签名，否则视为未通过。")
    @json_option
    def verify_command(inspection: str, require_signature: bool, as_json: bool) -> None:
        """校验检查（编号或文件）：审计链完整、内容与审计记录一致、清单快照、封存（及办公室密钥签名）。

        有问题时指出第一条损坏的记录或第一个不符的指标/问题，退出码 1。说明见 docs/verify.md。
        """
        file = InspectionStore().resolve(inspection)
        report = verify_file(file)
        if require_signature and report.ok and not report.signed:
            report.ok = False
            report.problems.append("封存没有本机办公室密钥的有效签名（--require-signature）")
        if as_json:
            echo_json({"file": str(file), **report.to_dict()})
        elif report.ok:
            signed = f"，封存带有办公室密钥签名（密钥编号 {report.signed}）" if report.signed else ""
            click.echo(f"✓ {file}：审计记录 {report.entries} 条，哈希链完整，内容与审计记录一致，封存（如有）有效{signed}")
            for n in report.notes:
                click.echo(f"  注意：{n}")
        else:
            click.echo(f"✗ {file}：校验失败", err=True)
            for p in report.problems:
                click.echo(f"  {p}", err=True)
            for n in report.notes:
                click.echo(f"  注意：{n}", err=True)
        if not report.ok:
            sys.exit(1)

    @cli.command(name="follow-up")
    @click.argument("inspection")
    @click.option("--sync", is_flag=True, help="把回头看检查中的整改状态写回原检查（INSPECTION 为回头看检查）。")
    @who_option
    @json_option
    def follow_up_command(inspection: str, sync: bool, who: str | None, as_json: bool) -> None:
        """回头看：为有未销号问题的指标新建复查检查；--sync 把复查结果写回原检查。"""
        from .inspection.followup import create_follow_up, sync_back

        from .inspection import read_summary

        store = InspectionStore()
        path = store.resolve(inspection)
        summary = read_summary(path)
        who = scorer_for({"id": summary.id, "inspectors": summary.inspectors}, who)
        if sync:
            changes = sync_back(path, who=who)
            if as_json:
                echo_json(changes)
            else:
                click.echo(f"已写回 {len(changes)} 个问题的状态")
                for c in changes:
                    click.echo(f"  {c['finding']}：{c['from']} → {c['to']}")
            return
        ins = create_follow_up(path, store, who=who)
        try:
            d = {"id": ins.id, "file": str(ins.path), "items": ins.checklist.leaf_count, "findings": len(ins.findings())}
        finally:
            ins.close()
        if as_json:
            echo_json(d)
        else:
            click.echo(f"已新建回头看检查 {d['id']}：{d['items']} 个指标，{d['findings']} 个待复查问题")
            click.echo(f"文件：{d['file']}")

    @cli.command(name="open")
    @click.argument("inspection")
    def open_command(inspection: str) -> None:
        """在界面中直接打开一个检查（编号或文件路径）。"""
        from .ui.app import run_app

        run_app(open_path=str(InspectionStore().resolve(inspection)))

    @cli.command(name="demo")
    @click.option("--dir", "target", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="示例数据目录。默认为数据目录（--data-dir 或 FZZF_HOME，未设置时为系统用户数据目录）下的 demo 文件夹。")
    @click.option("--open/--no-open", "open_app", default=True, help="写好示例后是否打开界面。")
    def demo_command(target: Path | None, open_app: bool) -> None:
        """写入示例检查（每种内置类型一个）并打开界面。已存在的示例不会被覆盖。

        示例放在单独的数据目录中（默认：数据目录下的 demo），不会混入正式检查。
        """
        import os

        from . import locations
        from .demo import write_demo
        from .plugins import reset_plugins

        target = (target or locations.data_dir() / "demo").expanduser().resolve()
        os.environ["FZZF_HOME"] = str(target)
        reset_plugins()
        created = write_demo(InspectionStore())
        if created:
            click.echo(f"已在 {target} 写入 {len(created)} 个示例检查")
        else:
            click.echo(f"示例数据已在 {target}")
        if open_app:
            from .ui.app import run_app

            run_app()

