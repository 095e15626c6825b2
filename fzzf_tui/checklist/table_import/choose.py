"""Which table(s) of a file hold the indicators.

A workbook: the sheet named with ``--sheet``, else 指标, else the first sheet with a header
(others that look like indicator tables are named in a warning). A Word document often holds
more than one table: a table continued after a page or section break (the header repeated, or
no header and the same columns) is joined to the one before it; a later table with a header of
its own (an 附加项 table) is imported as a further part of the same checklist, under the words
printed above it; tables without a header (a form to fill in) are left out with a note.
"""

from __future__ import annotations

from dataclasses import dataclass

from .docx_reader import DocxGrid, join_rows
from .grid import Grid, Report
from .header import ColumnMapping, Header, detect_header
from .info import is_info_sheet
from .layout import GUIDE_SHEET, ITEMS_SHEET
from .source import TableSource
from .text import norm

EXAMPLE_SHEET = "填写示例"


@dataclass
class Part:
    grid: Grid
    header: Header
    heading: str = ""  # a later Word table: the words printed above it, a section of its own


def _no_header(report: Report, names: str, header_row: int | None, noun: str) -> None:
    if header_row is not None:
        report.error(names, f"第 {header_row} 行不是表头（没有识别出标题/指标列和至少另一列）；可用 --map 指定列")
    else:
        report.error(
            names,
            f"在{noun}中找不到表头：表头应含“一级指标”“考核内容”“督察项目”或“标题”等列名，"
            "以及“分值”“评分标准”“责任单位”等至少一列；可用 --header-row 指定表头行、--map 指定列",
        )


def choose_parts(src: TableSource, sheet: str | None, mapping: ColumnMapping, header_row: int | None,
                 report: Report) -> list[Part] | None:
    """The table(s) to import, the main one first; None when there is none (reported)."""
    skip = {norm(GUIDE_SHEET), norm(EXAMPLE_SHEET)}
    tables = [g for g in src.tables if not is_info_sheet(g.name)]
    if sheet is not None:
        picked = [g for g in src.tables if g.name == sheet]
        if not picked:
            report.error(sheet, f"文件中没有名为“{sheet}”的{src.noun}（有：{'、'.join(src.names()) or '无'}）")
            return None
        candidates = picked[:1]
    else:
        preferred = [g for g in tables if norm(g.name) == norm(ITEMS_SHEET)]
        candidates = preferred + [g for g in tables if g not in preferred and norm(g.name) not in skip]
    found: list[tuple[Grid, Header | None, Report]] = []
    for g in candidates:
        scratch = Report()
        found.append((g, detect_header(g, mapping, header_row, scratch), scratch))
    main = next((i for i, (_, h, _) in enumerate(found) if h is not None), None)
    if main is None:
        _no_header(report, "、".join(g.name for g in candidates) or "（无）", header_row, src.noun)
        return None
    grid, header, scratch = found[main]
    assert header is not None
    report.errors.extend(scratch.errors)
    report.warnings.extend(scratch.warnings)
    if not isinstance(grid, DocxGrid):
        for other, h, _ in found[main + 1:]:
            if h is not None:
                report.warn(other.name, f"{src.noun}“{other.name}”也像指标表，已忽略（只导入“{grid.name}”；可用 --sheet 指定）")
        return [Part(grid, header)]
    before: list[str] = []
    for other, _, _ in found[:main]:
        report.warn(other.name, f"{other.name}没有可识别的表头，不是指标表，未导入")
        before += other.lines_above + _as_lines(other)
    if before:  # the title and form printed before a form table belong to the scoring table
        grid.lines_above[:0] = before
    parts = [Part(grid, header)]
    joined: list[tuple[DocxGrid, int]] = []
    for other, h, scratch in found[main + 1:]:
        assert isinstance(other, DocxGrid)
        last = parts[-1]
        if h is not None and len(parts) == 1 and _same_header(last, h):
            joined.append((other, h.row))  # the same table continued, its header repeated
            continue
        if h is None and other.max_col == last.grid.max_col and len(parts) == 1:
            joined.append((other, 0))  # the same table continued without its header
            continue
        if h is not None:
            report.errors.extend(scratch.errors)
            report.warnings.extend(scratch.warnings)
            parts.append(Part(other, h, other.lines_above[-1] if other.lines_above else ""))
            continue
        report.warn(other.name, f"{other.name}没有可识别的表头，列数也与前面的指标表不同，未导入")
    if joined:
        parts[0] = Part(join_rows(grid, joined), header)
    return parts


def _same_header(part: Part, header: Header) -> bool:
    """``header`` repeats that of ``part`` (the same names in the same columns)."""
    mine = {c: norm(t) for c, t in part.header.texts.items() if t}
    theirs = {c: norm(t) for c, t in header.texts.items() if t}
    return bool(mine) and mine == theirs


def _as_lines(grid: Grid) -> list[str]:
    """A small table left out (a form: 被检查单位 | ____ | 检查日期 | ____) as text lines, so its
    labels read as form lines: ``被检查单位：  检查日期：``."""
    if grid.max_row > 6:
        return []
    out = []
    for r in grid.rows:
        texts = [t for _, t in sorted(grid.row_texts(r).items()) if t]
        if texts:
            out.append("  ".join(t if t.endswith(("：", ":")) else f"{t}：" for t in texts))
    return out
