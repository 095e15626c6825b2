"""Building the tree of items from the layout of a table.

Three ways, chosen by what the table has: a 层级 column (fzzf's own layout), dotted codes in an
编号 column, or heading columns (一级/二级/三级指标, 考核内容…) with numbering such as
第一部分/一、/（一）/1./（1）/① nesting several levels in one column. In published tables:

* a row holding one cell merged across the table (一、执法公示（20分）) is a section above the
  heading columns; its “（20分）” is kept to be checked against its children;
* merged cells continue the heading above, and a column of cells merged down over several rows
  becomes a parent level even when its header is not one of the known names;
* a points cell merged over several rows belongs to the item those rows share;
* 合计 rows give the total, and 说明/注 rows below the table are kept as notes, not items.

Every row is read once (the cells of the current row are cached), so building is linear in rows.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..loading import CODE_RE, EPS
from .grid import Grid, Report, cell_text
from .header import Header
from .layout import BLANK_POINTS, FIELD_NAMES, HEADING_FIELDS, LIST_FIELDS, TEXT_FIELDS
from .numbering import _CN, Numbering, _cn_int, parse_label, split_numbering
from .rules import title_facts
from .text import clean_heading, fmt_number, norm, parse_number, split_items, split_lines, split_units
from .tree import Node, ancestors

_NOTE_ROW = re.compile(r"^(?:注|说明|备注|附注|填表说明|评分说明|计分说明|有关说明|其他说明|附[:：])\s*\d*\s*(?:[:：]|$)")
_TOTAL_ROW = {"合计", "总计", "总分", "小计", "共计", "合计分值", "总分值"}
MAX_DEPTH = 12  # levels of a checklist: far more than any published table uses
SECTION = -1  # the group of a full-width section row: above every heading column


@dataclass
class _Token:
    group: int
    title: str
    ref: str
    numbering: Numbering | None
    points: float | None = None  # from a title ending in （20分）
    cap: float | None = None  # from a title ending in （最高加5分）
    cap_kind: str | None = None


class TreeBuilder:
    def __init__(self, sheet: Grid, header: Header, exact: bool, report: Report) -> None:
        self.sheet = sheet
        self.h = header
        self.exact = exact
        self.report = report
        self.root = Node(title="<root>")
        self.total: float | None = None
        self.total_ref = ""
        self.row_node: dict[int, Node] = {}
        self.deferred_points: list[tuple[float, str, int, int]] = []  # value, ref, first row, last row
        self.footer: list[tuple[str, str]] = []  # notes under the table: (text, cell)
        self.sections = 0
        self.groups: list[tuple[str, list[int]]] = list(header.groups)
        if not exact:
            self._promote_merged_columns()
        self.heading_fields = {f for f, _ in self.groups}
        self.heading_cols = {c for _, cols in self.groups for c in cols}
        self.width = (header.first_col, header.last_col)
        self._cache_row = 0
        self._cache: dict[str, list[tuple[str, str, str]]] = {}
        self._field_columns = [(c, f) for f, cols in header.fields.items() for c in cols]
        self._rows: list[int] | None = None

    def _promote_merged_columns(self) -> None:
        """An unnamed column, left of the headings, whose cells are merged down over several rows
        groups those rows: it is a parent level (类别 | 督察内容 | 分值 with 类别 merged)."""
        if not self.groups:
            return
        last_heading = max(c for _, cols in self.groups for c in cols)
        merged_down = {c1 for r1, c1, r2, c2 in self.sheet.merges if r2 > r1 and r1 > self.h.row and c1 == c2}
        for c, text in sorted(self.h.unknown.items()):
            if c < last_heading and c in merged_down:
                at = next((i for i, (_, cols) in enumerate(self.groups) if cols[0] > c), len(self.groups))
                self.groups.insert(at, ("merged", [c]))
                self.h.columns[c] = "merged"
                self.report.warn(self.sheet.ref(self.h.first_row, c), f"“{text}”列的单元格向下合并，按上级指标处理")
        for c in [c for c, f in self.h.columns.items() if f == "merged"]:
            self.h.unknown.pop(c, None)

    # -- cell helpers ----------------------------------------------------------------------
    def read(self, r: int, c: int) -> tuple[Any, str]:
        if self.sheet.uncached and (r, c) in self.sheet.uncached:
            self.report.error(
                self.sheet.ref(r, c),
                f"公式 {self.sheet.uncached[(r, c)]} 没有保存计算结果（文件未经 Excel 保存过），"
                "请在 Excel 中打开并保存后再导入，或改为直接填写数值",
            )
        return self.sheet.get(r, c)

    def field_cells(self, r: int, name: str, inherit: bool = True) -> list[tuple[str, str, str]]:
        """(text, cell, state) of a field's non-empty cells in row r. The row's cells are read once
        for every field (every stage asks for them, and a table can have tens of thousands of rows)."""
        if self._cache_row != r:
            self._cache_row, self._cache = r, self._read_row(r)
        cells = self._cache.get(name)
        if not cells:
            return []
        if inherit:
            return cells
        return [cell for cell in cells if cell[2] == "own"]

    def _read_row(self, r: int) -> dict[str, list[tuple[str, str, str]]]:
        out: dict[str, list[tuple[str, str, str]]] = {}
        uncached = self.sheet.uncached
        get, ref = self.sheet.get, self.sheet.ref
        for c, name in self._field_columns:
            if uncached and (r, c) in uncached:
                self.read(r, c)  # reports the formula without a saved result
            v, state = get(r, c)
            if state == "own" or state == "down":
                text = cell_text(v)
                if text:
                    out.setdefault(name, []).append((text, ref(r, c), state))
        return out

    def scalar(self, r: int, name: str, inherit: bool = True) -> tuple[str, str, str] | None:
        cells = self.field_cells(r, name, inherit)
        return cells[0] if cells else None

    def own_cells(self, r: int) -> dict[int, str]:
        """Texts written in row r inside the table's columns."""
        lo, hi = self.width
        return {c: t for c, t in self.sheet.row_texts(r).items() if lo <= c <= hi and t}

    # -- rows ------------------------------------------------------------------------------
    def data_rows(self) -> list[int]:
        """Rows below the header, without the header repeated on a new page."""
        if self._rows is not None:
            return self._rows
        head = {c: norm(t) for c, t in self.sheet.row_texts(self.h.first_row).items() if c in self.h.columns}
        first = min(head) if head else None
        out = []
        for r in self.sheet.rows:
            if r <= self.h.row:
                continue
            if first is not None:
                v, state = self.sheet.get(r, first)
                if state == "own" and norm(cell_text(v)) == head[first]:
                    texts = {c: t for c, t in self.sheet.row_texts(r).items() if c in self.h.columns}
                    if len(texts) >= 2 and all(head.get(c) == norm(t) for c, t in texts.items()):
                        continue
            out.append(r)
        self._rows = out
        return out

    def tokens(self, r: int) -> list[_Token]:
        out = []
        label_cell = self.scalar(r, "label", inherit=False)
        for gi, (_, cols) in enumerate(self.groups):
            texts = []
            for c in cols:
                v, state = self.read(r, c)
                if state == "own":
                    t = cell_text(v)
                    if t:
                        texts.append((t, self.sheet.ref(r, c)))
            if not texts:
                continue
            numbering = None
            if len(texts) > 1 and parse_label(texts[0][0]) is not None:
                # A merged header over a number column and a text column (附件2: 三级指标).
                numbering = parse_label(texts[0][0])
                texts = texts[1:]
            out.append(_Token(gi, "\n".join(t for t, _ in texts), texts[0][1], numbering))
        for i, tok in enumerate(out):
            # A 序号 column numbers the row's deepest heading; the others keep their own numbering.
            labelled = label_cell is not None and i == len(out) - 1
            if labelled:
                text = label_cell[0]
                tok.numbering = parse_label(text) or Numbering(text, "other", 0)
            if self.exact:
                continue
            self._read_title(tok, number=not labelled)
        return out

    def _read_title(self, tok: _Token, number: bool = True) -> None:
        tok.title = clean_heading(tok.title)
        if tok.numbering is None and number:
            tok.numbering, tok.title = split_numbering(tok.title)
        facts = title_facts(tok.title)
        tok.title, tok.points, tok.cap, tok.cap_kind = facts.title, facts.points, facts.cap, facts.cap_kind

    def special_row(self, r: int, own: dict[int, str]) -> str:
        """What a published table's row is besides an item row: total | note | section | ''."""
        if self.exact or not own:
            return ""
        if self.footer and len(own) == 1:
            return "note"  # the lines under a 说明 row
        first_c = min(own)
        text = clean_heading(own[first_c])
        if norm(text) in _TOTAL_ROW or (len(own) <= 2 and norm(split_numbering(text)[1]) in _TOTAL_ROW):
            return "total"
        if len(own) == 1 and _NOTE_ROW.match(text):
            return "note"
        if len(own) != 1:
            return ""
        c1, c2 = self.sheet.span(r, first_c)
        fields = {self.h.columns.get(c) for c in range(c1, c2 + 1)} - {None}
        spans_fields = c2 > c1 and len(fields) >= 2
        in_number_column = self.h.columns.get(first_c) in ("label", "code") and parse_label(text) is None
        return "section" if spans_fields or in_number_column else ""

    def place(self, stack: list[Node], tok: _Token) -> Node:
        """Put a heading token in the tree by its column group and numbering style."""
        while stack and stack[-1].group > tok.group:
            stack.pop()
        style = tok.numbering.style if tok.numbering else ""
        same = None
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].group < tok.group:
                break
            if stack[i].style == style:
                same = i
                break
        if same is not None:
            del stack[same:]
        else:
            rank = tok.numbering.rank if tok.numbering else None
            while (
                rank is not None
                and stack
                and stack[-1].group == tok.group
                and stack[-1].numbering is not None
                and stack[-1].numbering.rank is not None
                and stack[-1].numbering.rank >= rank
            ):
                stack.pop()
        parent = stack[-1] if stack else self.root
        last = parent.children[-1] if parent.children else None
        label = tok.numbering.label if tok.numbering else ""
        if last is not None and last.children and last.title == tok.title and last.label == label and last.group == tok.group:
            node = last  # a heading repeated after a page break, or repeated instead of merged
        else:
            if len(stack) >= MAX_DEPTH:
                self.report.error(tok.ref, f"层级超过 {MAX_DEPTH} 级，无法导入（请检查编号样式是否一致）")
            node = parent.add(Node(title=tok.title, label=label, numbering=tok.numbering, group=tok.group, ref=tok.ref,
                                   tree=self))
        stack.append(node)
        if tok.points is not None:
            node.values["title_points"], node.refs["title_points"] = tok.points, tok.ref
        if tok.cap is not None:
            node.values["cap"], node.values["cap_kind"], node.refs["cap"] = tok.cap, tok.cap_kind, tok.ref
        return node

    def build_by_headings(self) -> None:
        stack: list[Node] = []
        for r in self.data_rows():
            own = self.own_cells(r)
            special = self.special_row(r, own)
            if special == "total":
                self.read_total(r, own)
                continue
            if special == "note":
                c = min(own)
                self.footer.append((own[c], self.sheet.ref(r, c)))
                continue
            if special == "section":
                c = min(own)
                tok = _Token(SECTION, own[c], self.sheet.ref(r, c), None)
                self._read_title(tok)
                node = self.place(stack, tok)
                node.row = node.row or r
                self.sections += 1
                continue
            node = None
            for tok in self.tokens(r):
                node = self.place(stack, tok)
                node.row = node.row or r
            if node is None:
                if self.row_has_content(r):
                    if not stack:
                        self.report.error(self.first_ref(r), "该行没有指标名称，且上方没有可以归属的指标")
                        continue
                    self.apply_fields(stack[-1], r, continuation=True)
                continue
            self.row_node[r] = node
            code = self.scalar(r, "code", inherit=False)
            if code is not None:
                node.code, node.refs["code"] = code[0], code[1]
            self.apply_fields(node, r, continuation=False)

    def read_total(self, r: int, own: dict[int, str]) -> None:
        pts = self.scalar(r, "points", inherit=False)
        if pts is not None:
            value = parse_number(pts[0])
            if value is not None:
                self.total, self.total_ref = value, pts[1]

    def build_by_depth(self) -> None:
        stack: list[Node] = []
        for r in self.data_rows():
            depth_cell = self.scalar(r, "depth", inherit=False)
            title, ref = self.row_title(r)
            if depth_cell is None:
                if title or self.row_has_content(r):
                    self.report.error(self.first_ref(r), "层级为空：填了层级列时，每一行都要填层级（1、2、3…）")
                continue
            text, dref, _ = depth_cell
            d = _parse_depth(text)
            if d is None:
                self.report.error(dref, f"层级 “{text}” 不是正整数（1 为一级，2 为二级……）")
                continue
            if d > len(stack) + 1:
                self.report.error(dref, f"层级 {d} 比上一行深了不止一级（上一行为第 {len(stack)} 级）")
                continue
            if d > MAX_DEPTH:
                self.report.error(dref, f"层级 {d} 超过 {MAX_DEPTH} 级的上限")
                continue
            del stack[d - 1:]
            parent = stack[-1] if stack else self.root
            node = parent.add(self.new_row_node(r, title, ref))
            stack.append(node)

    def build_by_code(self) -> None:
        by_code: dict[str, Node] = {}
        for r in self.data_rows():
            code_cell = self.scalar(r, "code", inherit=False)
            title, ref = self.row_title(r)
            if code_cell is None:
                if title or self.row_has_content(r):
                    self.report.error(self.first_ref(r), "编号为空：按编号组织时，每一行都要填编号")
                continue
            code = code_cell[0]
            if code.count(".") >= MAX_DEPTH:
                self.report.error(code_cell[1], f"编号 {code} 超过 {MAX_DEPTH} 级的上限")
                continue
            parent = self.root
            if "." in code:
                pcode = code.rsplit(".", 1)[0]
                if pcode not in by_code:
                    self.report.error(code_cell[1], f"编号 {code} 的上级 {pcode} 不存在（上级指标应写在下级之前）")
                    continue
                parent = by_code[pcode]
            node = parent.add(self.new_row_node(r, title, ref))
            by_code.setdefault(code, node)

    def new_row_node(self, r: int, title: str, ref: str) -> Node:
        node = Node(title=title, row=r, ref=ref or self.first_ref(r), tree=self)
        label = self.scalar(r, "label", inherit=False)
        if label is not None:
            node.label = label[0]
            node.numbering = parse_label(label[0])
        code = self.scalar(r, "code", inherit=False)
        if code is not None:
            node.code, node.refs["code"] = code[0], code[1]
        self.row_node[r] = node
        self.apply_fields(node, r, continuation=False)
        return node

    def row_title(self, r: int) -> tuple[str, str]:
        """The title of a one-row-per-item table: the last heading column written in the row."""
        for _, cols in reversed(self.groups):
            for c in cols:
                v, state = self.read(r, c)
                if state == "own" and cell_text(v):
                    text = cell_text(v)
                    return (text if self.exact else clean_heading(text)), self.sheet.ref(r, c)
        return "", ""

    def first_ref(self, r: int) -> str:
        return self.sheet.ref(r, min(self.h.columns) if self.h.columns else 1)

    def row_has_content(self, r: int) -> bool:
        return any(
            self.field_cells(r, f, inherit=False)
            for f in self.h.fields
            if f not in self.heading_fields and f not in HEADING_FIELDS and f not in ("depth", "code", "label")
        )

    # -- fields ----------------------------------------------------------------------------
    def apply_fields(self, node: Node, r: int, continuation: bool) -> None:
        inherit = not continuation  # a continuation row must not re-add values merged from above
        for name in LIST_FIELDS:
            if name in self.heading_fields:
                continue
            cells = self.field_cells(r, name, inherit)
            for text, ref, _ in cells:
                if self.exact:
                    items = split_lines(text)
                elif name in ("units", "offices", "lead_units"):
                    items = split_units(text)
                else:
                    items = split_items(text)
                lst = node.values.setdefault(name, [])
                # Exact layout keeps lists as written; a published table repeats units across columns.
                lst.extend(i for i in items if self.exact or i not in lst)
                node.refs.setdefault(name, ref)
        for name in TEXT_FIELDS:
            if name in self.heading_fields:
                continue
            cells = self.field_cells(r, name, inherit)
            if cells:
                text = "\n".join(t for t, _, _ in cells)
                old = node.values.get(name)
                node.values[name] = f"{old}\n{text}" if old and continuation else text
                node.refs.setdefault(name, cells[0][1])
        for name in ("method", "rule", "kind"):
            cell = self.scalar(r, name, inherit)
            if cell is None:
                continue
            text, ref, _ = cell
            if name in node.values and node.values[name] != text:
                self.report.error(ref, f"{FIELD_NAMES[name]} “{text}” 与上一行的 “{node.values[name]}” 冲突")
                continue
            node.values[name], node.refs[name] = text, ref
        self.apply_points(node, r, continuation)

    def apply_points(self, node: Node, r: int, continuation: bool) -> None:
        for c in self.h.fields.get("points", ())[:1]:
            v, state = self.read(r, c)
            if (r, c) in self.sheet.uncached and not continuation:
                node.refs["points_bad"] = self.sheet.ref(r, c)
            if state not in ("own",):
                continue  # the rows a merged points cell spans are handled after the tree is built
            ref = self.sheet.ref(r, c)
            errors = len(self.report.errors)
            value = self.points_value(v, ref)
            if value is None:
                if len(self.report.errors) > errors:
                    node.refs["points_bad"] = ref  # already reported: no second “缺少分值”
                continue
            box = self.sheet.merged.get((r, c))
            if box is not None and box[2] > box[0]:
                self.deferred_points.append((value, ref, box[0], box[2]))
                continue
            self.set_points(node, value, ref)

    def points_value(self, v: Any, ref: str) -> float | None:
        if isinstance(v, bool):
            self.report.error(ref, f"分值 “{cell_text(v)}” 不是数字")
            return None
        if isinstance(v, (int, float)):
            value: float | None = float(v)
        else:
            text = cell_text(v)
            if text in BLANK_POINTS:
                return None
            value = parse_number(text)
            if value is None:
                if re.fullmatch(r"-\s*\d+(\.\d+)?\s*分?", unicodedata.normalize("NFKC", text)):
                    self.report.error(ref, f"分值 “{text}” 不能为负（减分项也填正数，在“类型”列写减分项）")
                else:
                    self.report.error(ref, f"分值 “{text}” 不是数字")
                return None
        if not math.isfinite(value):
            self.report.error(ref, f"分值 “{cell_text(v)}” 不是有效数字")
            return None
        if value < 0:
            self.report.error(ref, f"分值 “{cell_text(v)}” 不能为负（减分项也填正数，在“类型”列写减分项）")
            return None
        return value

    def set_points(self, node: Node, value: float, ref: str) -> None:
        old = node.values.get("points")
        if old is not None and abs(old - value) > EPS:
            self.report.error(ref, f"分值 {fmt_number(value)} 与 {node.refs['points']} 的 {fmt_number(old)} 冲突（同一指标只能有一个分值）")
            return
        node.values["points"], node.refs["points"] = value, ref

    def resolve_deferred_points(self) -> None:
        """A points cell merged over several rows belongs to the item those rows share."""
        for value, ref, r1, r2 in self.deferred_points:
            nodes = [self.row_node[r] for r in range(r1, r2 + 1) if r in self.row_node]
            if not nodes:
                continue
            common = ancestors(nodes[0])
            for n in nodes[1:]:
                chain = ancestors(n)
                common = [a for a, b in zip(common, chain) if a is b]
            if not common:
                self.report.error(ref, f"合并的分值单元格跨越了几个一级指标（第 {r1}–{r2} 行），无法确定属于哪一项")
                continue
            self.set_points(common[-1], value, ref)

    # -- whole sheet -------------------------------------------------------------------------
    def build(self) -> str:
        depth_cols = self.h.fields.get("depth")
        code_cols = self.h.fields.get("code")
        rows = self.data_rows()
        has = lambda f: any(self.scalar(r, f, inherit=False) for r in rows)  # noqa: E731
        if depth_cols and has("depth"):
            structure = "层级"
            self.build_by_depth()
        elif code_cols and has("code") and (self.exact or self.codes_cover_rows(rows)):
            structure = "编号"
            self.build_by_code()
        else:
            values = [c[0] for r in rows if (c := self.scalar(r, "code", inherit=False))]
            if values and "label" not in self.h.fields and not all(CODE_RE.match(v) for v in values):
                # A 编号 column holding 一、/（1）… is a numbering column, not codes.
                self.h.fields["label"] = self.h.fields.pop("code")
                self._field_columns = [(c, f) for f, cols in self.h.fields.items() for c in cols]
                self._cache_row = 0
            structure = "指标列和序号"
            if not self.groups:
                return structure
            self.build_by_headings()
            if self.sections:
                structure = "分节行、指标列和序号"
        self.resolve_deferred_points()
        return structure

    def codes_cover_rows(self, rows: list[int]) -> bool:
        """A published table's 编号 column gives the tree only if every row has a dotted code."""
        values = []
        for r in rows:
            code = self.scalar(r, "code", inherit=False)
            if code is None:
                if self.row_title(r)[0]:
                    return False
                continue
            values.append(code[0])
        return all(CODE_RE.match(v) for v in values) and any("." in v for v in values)


def _parse_depth(text: str) -> int | None:
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    t = re.sub(r"^第|级(指标)?$", "", t)
    if re.fullmatch(r"\d{1,2}(\.0+)?", t):
        d = int(float(t))
    elif re.fullmatch(_CN, t):
        d = _cn_int(t)
    else:
        return None
    return d if d >= 1 else None
