"""``fzzf na``: mark one item 不涉及 with a reason, or every item of a unit profile at once
(``--condition 中直机构``: the source's 不涉及 tags, one audited step that ``fzzf undo`` reverses)."""

from __future__ import annotations

import click

from .cli_inspection import echo_json, json_option, opened, who_option
from .inspection import conditions as na


def conditions_text(checklist) -> str:
    found = na.conditions(checklist)
    if not found:
        return "本检查的清单没有标注不涉及情形"
    return "本检查清单的不涉及情形：" + "；".join(c.label for c in found)


def add_commands(cli: click.Group) -> None:
    if "na" in cli.commands:
        return

    @cli.command(name="na")
    @click.argument("inspection")
    @click.argument("code", required=False)
    @click.option("--reason", help="不涉及的理由（标记单个指标时必填）。")
    @click.option("--condition", "names", multiple=True,
                  help="按被检查单位的情形批量标记（如 中直机构、无立法计划；可多次指定）：清单原文标注该情形不涉及的"
                       "全部指标（具体措施上的标注适用于其下各项），理由为原文标注；已评分或已是不涉及的不改动。")
    @who_option
    @json_option
    def na_command(inspection: str, code: str | None, reason: str | None, names: tuple[str, ...], who: str | None,
                   as_json: bool) -> None:
        """将指标标记为“不涉及”：CODE 加 --reason 理由，或 --condition 情形（按原文标注批量标记，一次撤销）。"""
        if code and names:
            raise click.UsageError("指标编号和 --condition 只能选一种：单个指标用 CODE --reason，按情形批量用 --condition")
        if not code and not names:
            with opened(inspection, readonly=True) as ins:
                listed = conditions_text(ins.checklist)
            raise click.UsageError(f"请给出指标编号（配合 --reason 理由）或 --condition 情形。{listed}")
        if code:
            if not (reason or "").strip():
                raise click.UsageError("标记单个指标为不涉及必须用 --reason 说明理由")
            with opened(inspection, who) as ins:
                result = ins.set_na(code, reason or "")
            if as_json:
                echo_json(result.to_dict())
            else:
                click.echo(f"已保存：{code} 不涉及（{result.na_reason}）")
            return
        with opened(inspection, who) as ins:
            outcomes = na.mark_all(ins, names)
            profile = na.profile(ins.meta)
        if as_json:
            echo_json({"profile": profile, "conditions": [o.to_dict() for o in outcomes]})
            return
        for o in outcomes:
            click.echo(o.message())
        if any(o.marked for o in outcomes):
            click.echo("如需撤销，运行 fzzf undo（每个情形一步）。")


__all__ = ["add_commands", "conditions_text"]
