"""Reading the tables of a Word document (.docx) into grids, one per table.

Opened through :mod:`fzzf_tui.safe_docx` (container and streaming checks first), then read with
python-docx's XML: horizontally merged cells (``gridSpan``) and vertically merged ones
(``vMerge``) become merged boxes as in a workbook, a row's leading ``gridBefore`` shifts its
cells, and the paragraphs printed above each table (附件, title, form lines) go with it. Cells
are named the way a clerk counts them in Word: ``表格2 第5行第3列``.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any, Iterator

from .grid import Box, Grid
from .source import TableSource

LINES_ABOVE = 8  # paragraphs kept above a table: 附件, title, subtitle, form lines


class DocxGrid(Grid):
    """A Word table (or several joined): cells named ``表格2 第5行第3列``."""

    def __init__(self, *args: Any, origin: dict[int, tuple[str, int]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origin = origin or {}  # row of this grid → (table name, row in that table)
        self.parts = [self.name]  # the tables it was joined from

    def ref(self, r: int, c: int) -> str:
        name, row = self.origin.get(r, (self.name, r))
        return f"{name} 第{row}行第{c}列"

    def col_name(self, c: int) -> str:
        return f"第{c}列"


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Not part of the paragraph's printed text: properties (w:pPr holds tab *stops* as w:tab),
# deleted or moved-away text, and drawings/text boxes (their text is shown in a box, and twice
# in the file: the drawing and its fallback).
_SKIP = frozenset({_W + "pPr", _W + "rPr", _W + "del", _W + "moveFrom", _W + "drawing", _W + "pict",
                   _W + "object", _W + "txbxContent", _MC + "AlternateContent"})
_TAB = frozenset({_W + "tab", _W + "ptab"})
_NEWLINE = frozenset({_W + "cr"})


def _paragraph_text(p: Any) -> str:
    """What Word prints for a paragraph: the text of its runs in order, tabs and line breaks
    as ``\t``/``\n``, including runs inside 修订 insertions, smart tags, content controls and
    fields. Walks the element with lxml directly: python-docx's ``Paragraph.text`` evaluates
    two XPath expressions per paragraph and run (~40 µs each), which made a large document
    take a minute, and it leaves out the text inside 修订/smart tags."""
    out: list[str] = []
    stack = [iter(p)]
    while stack:
        for el in stack[-1]:
            tag = el.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _W + "t":
                out.append(el.text or "")
            elif tag in _TAB:
                out.append("\t")
            elif tag in _NEWLINE or (tag == _W + "br" and el.get(_W + "type", "textWrapping") == "textWrapping"):
                out.append("\n")
            elif tag == _W + "noBreakHyphen":
                out.append("-")
            elif len(el):
                stack.append(iter(el))
                break
        else:
            stack.pop()
    return "".join(out)


def _cell_text(tc: Any) -> str:
    """A cell's paragraphs, one per line (tables nested in a cell are read as text too, and
    content controls (w:sdt) opened)."""
    lines = []
    for child in _body_blocks(tc):
        if _local(child.tag) == "p":
            lines.append(_paragraph_text(child))
        else:
            for tr in child.iterchildren(_W + "tr"):
                lines.append(" ".join(_cell_text(inner) for inner in tr.iterchildren(_W + "tc")))
    return "\n".join(lines).strip()


def grid_from_table(tbl: Any, name: str, lines_above: list[str]) -> DocxGrid:
    values: dict[tuple[int, int], Any] = {}
    merges: list[Box] = []
    open_down: dict[int, list[int]] = {}  # first column → [first row, first col, last col, last row]

    def close(c: int) -> None:
        r1, c1, c2, r2 = open_down.pop(c)
        if r2 > r1 or c2 > c1:
            merges.append((r1, c1, r2, c2))

    for r, tr in enumerate(tbl.tr_lst, 1):
        c = 1 + (tr.grid_before or 0)
        covered: set[int] = set()
        for tc in tr.tc_lst:
            span = max(1, tc.grid_span or 1)
            vmerge = tc.vMerge
            if vmerge == "continue":
                box = open_down.get(c)
                if box is not None and box[2] == c + span - 1:
                    box[3] = r
                    covered.add(c)
            else:
                for cc in range(c, c + span):
                    if cc in open_down:
                        close(cc)
                text = _cell_text(tc)
                if text:
                    values[(r, c)] = text
                if vmerge == "restart":
                    open_down[c] = [r, c, c + span - 1, r]
                    covered.add(c)
                elif span > 1:
                    merges.append((r, c, r, c + span - 1))
            c += span
        for cc in [cc for cc in open_down if cc not in covered]:
            close(cc)  # a row that does not continue the merge ends it
    for cc in list(open_down):
        close(cc)
    return DocxGrid(name, values, merges, lines_above=lines_above)


def _body_blocks(body: Any) -> Iterator[Any]:
    """Paragraphs and tables of the document body in order (content controls opened)."""
    for child in body.iterchildren():
        tag = _local(child.tag)
        if tag in ("p", "tbl"):
            yield child
        elif tag == "sdt":
            content = next((c for c in child.iterchildren() if _local(c.tag) == "sdtContent"), None)
            if content is not None:
                yield from _body_blocks(content)


def read_docx(path: Path) -> TableSource:
    """Every table of a Word document as a grid, each with the paragraphs printed above it."""
    from ...safe_docx import check_docx

    document = check_docx(path).load()
    grids: list[Grid] = []
    # Since the last table: its first lines (the closing notes, if no table follows) and its
    # last ones (what is printed above the next table); the rest is not kept.
    head: list[str] = []
    tail: deque[str] = deque(maxlen=LINES_ABOVE)
    for block in _body_blocks(document.element.body):
        if _local(block.tag) == "p":
            text = _paragraph_text(block).strip()
            if text:
                if len(head) < LINES_ABOVE * 2:
                    head.append(text)
                tail.append(text)
        else:
            grids.append(grid_from_table(block, f"表格{len(grids) + 1}", list(tail)))
            head, tail = [], deque(maxlen=LINES_ABOVE)
    return TableSource(Path(path), grids, noun="表格", closing=head)


def join_rows(first: DocxGrid, parts: list[tuple[DocxGrid, int]]) -> DocxGrid:
    """One grid of ``first`` and the rows of later tables below their header row (``skip``):
    a table split by a page or section break reads as one; every cell keeps its own name."""
    values = dict(first.values)
    merges = list(first.merges)
    origin = {r: (first.name, r) for r in range(1, first.max_row + 1)}
    offset = first.max_row
    for grid, skip in parts:
        shift = offset - skip
        for (r, c), v in grid.values.items():
            if r > skip:
                values[(r + shift, c)] = v
        for r1, c1, r2, c2 in grid.merges:
            if r1 > skip:
                merges.append((r1 + shift, c1, r2 + shift, c2))
        for r in range(skip + 1, grid.max_row + 1):
            origin[r + shift] = (grid.name, r)
        offset = shift + grid.max_row
    joined = DocxGrid(first.name, values, merges, lines_above=first.lines_above, origin=origin)
    joined.parts = [first.name, *(g.name for g, _ in parts)]
    return joined
