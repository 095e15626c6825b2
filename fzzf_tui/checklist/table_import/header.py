"""Finding the header row of a table and what each column means (the column vocabulary).

The vocabulary lives in :mod:`.layout` (:data:`~.layout.COLUMNS`, :data:`~.layout.LEVEL_ALIASES`);
docs/importing-tables.md lists it for clerks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ...xlsx_stream import col_number
from .grid import Grid, Report, cell_text
from .layout import COLUMNS, FIELD_NAMES, HEADER_SCAN_ROWS, HEADING_FIELDS, IGNORE_WORDS, LEVEL_ALIASES, RESULT_HEADERS
from .text import norm


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for field_, aliases in LEVEL_ALIASES.items():
        for a in aliases:
            table.setdefault(norm(a), field_)
    for col in COLUMNS:
        for a in (col.header, *col.aliases):
            table.setdefault(norm(a), col.field)
    for a in RESULT_HEADERS:
        table.setdefault(norm(a), "result")
    return table


ALIASES = _alias_table()
_SUFFIX = re.compile(r"[(（【\[].*[)）】\]]$")


def field_for_header(text: str) -> str | None:
    """The field a header means (``评分细则`` → ``criteria``), trying without a ``（…）`` suffix.

    ``result`` means a column left for the inspector's result (得分, 扣分原因…), not imported.
    """
    key = norm(text)
    if key in ALIASES:
        return ALIASES[key]
    bare = _SUFFIX.sub("", key)
    if bare != key and bare in ALIASES:
        return ALIASES[bare]
    return None


def _field_from_user(value: str) -> str | None:
    """A mapping target: a field key (``points``), a header spelling (``分值``) or ignore."""
    v = value.strip()
    if v in FIELD_NAMES:
        return v
    if norm(v) in (norm(w) for w in IGNORE_WORDS) or v == "":
        return "ignore"
    f = field_for_header(v)
    return "ignore" if f == "result" else f


@dataclass
class Header:
    row: int  # last header row
    first_row: int
    fields: dict[str, list[int]]  # field → columns (in order)
    columns: dict[int, str]  # column → field
    unknown: dict[int, str]  # column → header text not recognised
    groups: list[tuple[str, list[int]]] = field(default_factory=list)  # heading levels, highest first
    ignored: dict[int, str] = field(default_factory=dict)  # result columns (得分…) → header text
    texts: dict[int, str] = field(default_factory=dict)  # column → header text as written

    @property
    def first_col(self) -> int:
        return min(self.columns) if self.columns else 1

    @property
    def last_col(self) -> int:
        return max([*self.columns, *self.ignored, *self.unknown], default=1)


def match_row(sheet: Grid, r: int, user: Mapping[str, str]) -> dict[int, tuple[str, int]]:
    """Recognised header cells of row r (also those merged down from the row above):
    column → (field, last column of the cell's span)."""
    out = {}
    for c in sheet.row_columns(r):
        v, state = sheet.get(r, c)
        text = cell_text(v) if state in ("own", "down") else ""
        if not text:
            continue
        f = user.get(norm(text)) or field_for_header(text)
        if f:
            out[c] = (f, sheet.span(r, c)[1])
    return out


@dataclass
class ColumnMapping:
    by_text: dict[str, str]  # normalised header text → field
    by_letter: dict[int, str]  # column number → field


def parse_mapping(mapping: Mapping[str, str] | None, report: Report) -> ColumnMapping:
    out = ColumnMapping({}, {})
    for key, value in (mapping or {}).items():
        target = _field_from_user(str(value))
        if target is None:
            report.error("映射", f"“{key}={value}”：“{value}” 不是可识别的列（可用：{'、'.join(FIELD_NAMES.values())}，或“忽略”）")
            continue
        k = str(key).strip()
        if re.fullmatch(r"[A-Za-z]{1,3}", k):
            out.by_letter[col_number(k)] = target
        elif re.fullmatch(r"第?\s*\d{1,3}\s*列?", k):  # Word tables: 第3列 or 3
            out.by_letter[int(re.sub(r"\D", "", k))] = target
        else:
            out.by_text[norm(k)] = target
    return out


def _usable(found: dict[int, tuple[str, int]], by_letter: Mapping[int, str]) -> bool:
    fields = {f for f, _ in found.values() if f != "result"} | set(by_letter.values())
    heading = fields & (set(HEADING_FIELDS) | {"text"})
    return len([f for f, _ in found.values() if f != "result"]) + len(by_letter) >= 2 and bool(heading)


def detect_header(sheet: Grid, user: ColumnMapping, header_row: int | None, report: Report) -> Header | None:
    by_text, by_letter = user.by_text, user.by_letter
    if header_row is not None:
        rows: Iterable[int] = [header_row]
    else:
        rows = [r for r in sheet.rows[:HEADER_SCAN_ROWS]]
    hit = None
    found: dict[int, tuple[str, int]] = {}
    for r in rows:
        found = match_row(sheet, r, by_text)
        if _usable(found, by_letter):
            hit = r
            break
    if hit is None:
        return None
    first = last = hit
    if hit > 1 and any(
        sheet.get(hit, c)[1] == "down" and sheet.merged[(hit, c)][0] == hit - 1 for c in sheet.row_columns(hit)
    ):
        # Two header rows, found by the lower one (分值 merged over both, 指标 over 一级|二级).
        first = hit - 1
    else:
        below = sheet.row_texts(hit + 1)
        below_found = match_row(sheet, hit + 1, by_text)
        if below_found and all(c in below_found for c, t in below.items() if t):
            found = {**found, **below_found}
            last = hit + 1
    header_texts: dict[int, str] = {}
    for r in range(first, last + 1):
        header_texts.update(sheet.row_texts(r))
    columns: dict[int, str] = {}
    starts: dict[int, int] = {}  # column → first column of the header cell that named it
    for c, (f, end) in sorted(found.items()):
        for cc in range(c, end + 1):
            if cc not in columns or cc == c:
                columns[cc] = f
                starts[cc] = c
    for c, f in by_letter.items():
        columns[c] = f
        starts[c] = c
    ignored = {c: header_texts.get(starts.get(c, c), "") for c, f in columns.items() if f == "result"}
    columns = {c: f for c, f in columns.items() if f not in ("ignore", "result")}
    fields: dict[str, list[int]] = {}
    for c in sorted(columns):
        fields.setdefault(columns[c], []).append(c)
    unknown = {c: t for c, t in header_texts.items() if t and c not in columns and c not in by_letter and c not in ignored}
    for key in by_text:
        if not any(norm(t) == key for t in header_texts.values()):
            report.warn(sheet.name, f"映射中的列名“{key}”在第 {first} 行的表头中找不到")
    return Header(last, first, fields, columns, unknown, _groups(fields, starts), ignored, header_texts)


def _groups(fields: dict[str, list[int]], starts: dict[int, int]) -> list[tuple[str, list[int]]]:
    """Heading levels, highest first: one per header cell (a header merged over a number column
    and a text column is one level; 考核内容 and 考核要点 in two header cells are two levels)."""
    order = {f: i for i, f in enumerate(HEADING_FIELDS)}
    heading = [f for f in HEADING_FIELDS if f in fields]
    if not heading and "text" in fields:
        heading = ["text"]
        order["text"] = len(order)
    groups: list[tuple[str, list[int]]] = []
    for f in heading:
        by_cell: dict[int, list[int]] = {}
        for c in fields[f]:
            by_cell.setdefault(starts.get(c, c), []).append(c)
        groups += [(f, cols) for _, cols in sorted(by_cell.items())]
    return sorted(groups, key=lambda g: (order[g[0]], g[1][0]))
