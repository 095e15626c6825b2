"""The import pipeline: read a file into grids, choose the table, find the header, build the
tree, read the rules, build and validate the checklist.

Every problem names its place (``指标!C14: 分值 “两分” 不是数字``). With errors
:func:`import_table` raises :class:`~fzzf_tui.errors.ChecklistError` and nothing is written;
with ``lenient=True`` fixable errors become warnings and a checklist is still built.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any, Mapping

from ...errors import ChecklistError, Problem
from ..loading import EPS, checklist_from_dict
from ..model import DEFAULT_GRADES, FORMAT, Checklist
from .build import DictBuilder, ImportResult, locate, strip_private
from .choose import Part, choose_parts
from .grid import Grid, Report
from .header import Header, parse_mapping
from .info import is_info_sheet, read_info
from .layout import FIELD_NAMES
from .numbering import split_numbering
from .rules import title_facts
from .source import TableSource
from .structure import TreeBuilder
from .text import clean_heading, fmt_number, slug_id
from .titles import guess_type, sort_lines
from .tree import Node, derive_codes, hoist_bonus_penalty, resolve_kinds


def read_source(path: Path) -> TableSource:
    """The reader for the file's format (a new format is one reader returning grids)."""
    if path.suffix.lower() == ".docx":
        from .docx_reader import read_docx

        return read_docx(path)
    from .xlsx_reader import read_xlsx

    return read_xlsx(path)


def _check_header(grid: Grid, header: Header, report: Report) -> None:
    if header.ignored:
        names = "、".join(f"“{t}”" for t in header.ignored.values() if t)
        report.warn(grid.ref(header.first_row, min(header.ignored)), f"{names}列是评分时填写的，不导入")
    for c, text in header.unknown.items():
        report.warn(grid.ref(header.first_row, c), f"未识别的列“{text}”，已忽略（可用 --map {grid.col_name(c)}=列名 指定）")
    for f, cols in header.fields.items():
        if f in ("code", "depth", "label", "points", "method", "rule", "kind") and len(cols) > 1:
            spans = {grid.span(header.first_row, c)[0] for c in cols}
            if len(spans) > 1:
                letters = "、".join(grid.col_name(c) for c in cols)
                report.error(grid.ref(header.first_row, cols[1]), f"列 {letters} 都是“{FIELD_NAMES[f]}”，请用 --map 指定用哪一列")


def _part_section(part: Part, tree: TreeBuilder) -> Node:
    """A later table imported under the words printed above it (附加项（最高加5分）)."""
    numbering, text = split_numbering(clean_heading(part.heading))
    facts = title_facts(text)
    node = Node(title=facts.title, label=numbering.label if numbering else "", numbering=numbering, group=-1,
                ref=tree.sheet.ref(part.header.first_row, part.header.first_col), tree=tree)
    if facts.points is not None:
        node.values["title_points"], node.refs["title_points"] = facts.points, node.ref
    if facts.cap is not None:
        node.values["cap"], node.values["cap_kind"], node.refs["cap"] = facts.cap, facts.cap_kind, node.ref
    for child in tree.root.children:
        node.add(child)
    return node


def import_table(
    path: str | os.PathLike[str],
    *,
    id: str | None = None,  # noqa: A002 - the CLI option name
    title: str | None = None,
    type: str | None = None,  # noqa: A002
    version: str | None = None,
    mapping: Mapping[str, str] | None = None,
    lenient: bool = False,
    sheet: str | None = None,
    header_row: int | None = None,
    default_id: str | None = None,
) -> ImportResult:
    """Read an indicator table and build a validated :class:`Checklist`.

    ``mapping`` overrides header recognition: ``{"D": "分值", "考核要点": "三级指标", "F": "忽略"}``
    (keys are column letters or header texts; values field names in Chinese or English).
    ``id``/``title``/``type``/``version`` override what the file says. ``default_id`` is used
    when neither ``id`` nor the file gives one (the CLI passes the output file name).

    Raises :class:`ChecklistError` listing every problem (``Sheet!C14: …``) unless ``lenient``,
    in which case fixable problems are returned as warnings; a file refused before parsing
    (zip bomb, not a workbook, password) raises :class:`~fzzf_tui.safe_xlsx.WorkbookRejected`.
    Both are :class:`~fzzf_tui.errors.FzzfError` with a Chinese message.
    """
    p = Path(path)
    source = str(p)
    src = read_source(p)
    report = Report()

    info_grid = next((g for g in src.tables if is_info_sheet(g.name)), None)
    exact = info_grid is not None
    info: dict[str, Any] = {}
    info_refs: dict[str, str] = {}
    if info_grid is not None:
        info, info_refs = read_info(info_grid, report)

    user_mapping = parse_mapping(mapping, report)
    if report.errors:
        raise ChecklistError(source, report.errors)
    parts = choose_parts(src, sheet, user_mapping, header_row, report)
    if parts is None:
        raise ChecklistError(source, report.errors)
    grid, header = parts[0].grid, parts[0].header
    trees, structures = [], []
    for part in parts:
        tree = TreeBuilder(part.grid, part.header, exact, report)  # first: it may adopt a merged column
        _check_header(part.grid, part.header, report)
        structures.append(tree.build())
        trees.append(tree)
        if not tree.root.children and not report.errors:
            report.error(part.grid.name, f"表头（第 {part.header.first_row} 行）下面没有任何指标")
    tree, structure, root = trees[0], structures[0], trees[0].root
    for part, extra in zip(parts[1:], trees[1:]):
        if part.heading:
            root.add(_part_section(part, extra))
        else:
            for child in extra.root.children:
                root.add(child)
    footer = [line for t in trees for line in t.footer] + [(line, "正文末尾") for line in src.closing]

    # Kinds first (titles like 加分项 are recognised), then codes, then 附加项 hoisting.
    resolve_kinds(root, report, exact)
    derive_codes(root)
    if not exact:
        hoist_bonus_penalty(root, report)
    if footer:
        report.warn(footer[0][1], f"表格下方的说明（{len(footer)} 行）不是指标，已记入清单说明")

    # The checklist header: title, type and version from the words above the table.
    above = sort_lines(_lines_above(grid, header.first_row))
    data: dict[str, Any] = {"format": FORMAT}
    cid = id or info.get("id") or default_id
    if not cid:
        cid = slug_id(p.stem)
        if cid is None:
            cid = (p.suffix.lstrip(".").lower() or "table") + "-" + hashlib.sha1(p.stem.encode("utf-8")).hexdigest()[:8]
        report.warn(source, f"清单编号取自文件名：{cid}（可用 --id 指定）")
    data["id"] = cid
    ctitle = title or info.get("title") or (above.title if not exact else "")
    if not ctitle:
        if exact and not lenient:
            report.error(info_refs.get("title", source), "缺少清单标题，请在“清单信息”中填写或用 --title 指定")
        ctitle = p.stem
    data["title"] = ctitle
    ctype = type or info.get("type")
    if not ctype and not exact:
        guessed = guess_type(ctitle, " ".join([*above.form_lines, *above.notes]), grid.name, p.stem)
        if guessed:
            ctype = guessed[0]
            report.warn(source, f"检查类型按“{guessed[1]}”一词推断为“{ctype}”（可用 --type 指定）")
    if not ctype:
        where = info_refs.get("type", source)
        if lenient:
            ctype = "未分类"
            report.warn(where, "没有检查类型，已记为“未分类”（可用 --type 指定）")
        else:
            report.error(where, "缺少检查类型：标题中看不出（督察、考核、示范创建…），请用 --type 指定示范创建、年度考核或专项督察")
    data["type"] = ctype or ""
    cversion = version or info.get("version")
    if not cversion and not exact:
        m = re.search(r"(19|20)\d\d", ctitle + " " + p.stem)
        cversion = m.group(0) if m else "1"
        report.warn(source, f"版本记为“{cversion}”（可用 --version 指定）")
    if not cversion:
        report.error(info_refs.get("version", source), "缺少版本，请用 --version 指定")
    data["version"] = cversion or ""
    data["source"] = info.get("source", "" if exact else f"{p.name}（{src.noun}“{grid.name}”）")
    data["description"] = info.get("description", "")
    if not exact:
        names = "、".join(getattr(grid, "parts", [grid.name]) + [p.grid.name for p in parts[1:]])
        lines = [f"由表格导入：{src.noun}“{names}”，表头在第 {header.first_row} 行，按{structure}组织层级。"]
        if above.form_lines:
            lines.append("原表填写项：" + "；".join(above.form_lines))
        lines += above.notes
        if footer:
            lines.append("原表说明：")
            lines += [t for t, _ in footer]
        data["description"] = "\n".join(lines)
    data["provisional"] = info.get("provisional", [])
    scoring: dict[str, Any] = {}
    for key in ("children_sum", "completion_threshold", "complete_levels", "grades", "levels", "default_method", "deduction"):
        if key in info:
            scoring[key] = info[key]
    total = info.get("total", tree.total)
    total_ref = info_refs.get("total") or tree.total_ref or grid.name

    grades = [g["name"] for g in scoring.get("grades", [])] or [g.name for g in DEFAULT_GRADES]
    builder = DictBuilder(tree, report, lenient, scoring.get("default_method", "graded"), grades)
    children_sum = scoring.get("children_sum", True)
    seen: dict[str, str] = {}
    items = [
        builder.item(n, f"items[{i}]", "normal", True, children_sum, seen, "", i + 1) for i, n in enumerate(root.children)
    ]
    if builder.unscored:
        head = grid.ref(header.first_row, min(header.columns))
        builder.problem(
            head,
            f"表格没有“分值”列，{len(builder.unscored)} 项末级指标都没有分值：请加一列“分值”"
            "（或用 --map 指定哪一列是分值）",
            "已全部按 0 分处理，请在导出的清单中补上分值",
        )
    normal_sum = sum(i["_points"] for i in items if i.get("kind", "normal") == "normal")
    if total is not None and children_sum and items and abs(total - normal_sum) > EPS:
        builder.problem(total_ref, f"总分 {fmt_number(total)} 与第一级指标分值之和 {fmt_number(normal_sum)} 不符", "已改为分值之和")
        total = None
    if total is not None:
        scoring["total"] = total
    data["scoring"] = scoring
    data["items"] = strip_private(items)

    report.errors = list(dict.fromkeys(report.errors))  # a cell read twice reports once
    if report.errors and not lenient:
        raise ChecklistError(source, report.errors)
    if lenient and report.errors:
        report.warnings = [Problem(e.where, f"{e.message}（已按宽松模式跳过）") for e in report.errors] + report.warnings
        report.errors = []
    try:
        checklist = checklist_from_dict(data, source)
    except ChecklistError as exc:
        problems = [locate(pr, source, builder.paths, info_refs, grid.name) for pr in exc.problems]
        raise ChecklistError(source, problems) from None
    columns = {grid.col_name(c): FIELD_NAMES.get(f, f) for c, f in sorted(header.columns.items())}
    return ImportResult(
        checklist=checklist,
        warnings=report.warnings,
        sheet=grid.name,
        header_row=header.first_row,
        columns=columns,
        header_texts={grid.col_name(c): t for c, t in sorted(header.texts.items()) if t},
        noun=src.noun,
        structure=structure,
        exact=exact,
        data=data,
    )


def _lines_above(grid: Grid, first_row: int) -> list[tuple[str, bool]]:
    """The text lines above the header: paragraphs before a Word table, then the table's own
    rows above its header (each with whether it is merged across the table)."""
    out = [(line, True) for line in grid.lines_above]
    for r in grid.rows:
        if r >= first_row:
            break
        texts = grid.row_texts(r)
        if not texts:
            continue
        merged = len(texts) == 1 and (lambda c: grid.span(r, c)[1] > c)(next(iter(texts)))
        out.append(("  ".join(t for t in texts.values() if t), merged))
    return out


def load_checklist_table(path: str | os.PathLike[str]) -> Checklist:
    """Strict import for loading (a table dropped into a checklists folder, ``fzzf validate``):
    like the YAML loader, every failure is a :class:`ChecklistError`."""
    from ...safe_xlsx import WorkbookRejected

    try:
        return import_table(path).checklist
    except WorkbookRejected as exc:
        raise ChecklistError(str(path), [Problem(str(path), str(exc))]) from None
