"""Finding the header row of a table and what each column means (the column vocabulary).

The vocabulary lives in :mod:`.layout` (:data:`~.layout.COLUMNS`, :data:`~.layout.LEVEL_ALIASES`);
docs/importing-tables.md lists it for clerks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from .grid import Grid, Report, cell_text
from .layout import COLUMNS, FIELD_NAMES, HEADER_SCAN_ROWS, HEADING_FIELDS, IGNORE_WORDS, LEVEL_ALIASES
from .text import norm

def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for field_, aliases in LEVEL_ALIASES.items():
        for a in aliases:
            table.setdefault(norm(a), field_)
    for col in COLUMNS:
        for a in (col.header, *col.aliases):
            table.setdefault(norm(a), col.field)
    return table


ALIASES = _alias_table()


def field_for_header(text: str) -> str | None:
    """The field a header means (``评分细则`` → ``criteria``), trying without a ``（…）`` suffix."""
    key = norm(text)
    if key in ALIASES:
        return ALIASES[key]
    bare = re.sub(r"\(.*\)$", "", key)
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
    return field_for_header(v)


@dataclass
class Header:
    row: int  # last header row
    first_row: int
    fields: dict[str, list[int]]  # field → columns (in order)
    columns: dict[int, str]  # column → field
    unknown: dict[int, str]  # column → header text not recognised


def match_row(sheet: Grid, r: int, user: Mapping[str, str]) -> dict[int, tuple[str, int]]:
    """Recognised header cells of row r (also those merged down from the row above):
    column → (field, last column of the cell's span)."""
    out = {}
    for c in range(1, sheet.max_col + 1):
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
    from openpyxl.utils import column_index_from_string

    out = ColumnMapping({}, {})
    for key, value in (mapping or {}).items():
        target = _field_from_user(str(value))
        if target is None:
            report.error("映射", f"“{key}={value}”：“{value}” 不是可识别的列（可用：{'、'.join(FIELD_NAMES.values())}，或“忽略”）")
            continue
        k = str(key).strip()
        if re.fullmatch(r"[A-Za-z]{1,3}", k):
            out.by_letter[column_index_from_string(k.upper())] = target
        else:
            out.by_text[norm(k)] = target
    return out


def detect_header(sheet: Grid, user: ColumnMapping, header_row: int | None, report: Report) -> Header | None:
    by_text, by_letter = user.by_text, user.by_letter

    def usable(found: dict[int, tuple[str, int]]) -> bool:
        fields = {f for f, _ in found.values()} | set(by_letter.values())
        heading = fields & (set(HEADING_FIELDS) | {"text"})
        return len(found) + len(by_letter) >= 2 and bool(heading)

    if header_row is not None:
        rows: Iterable[int] = [header_row]
    else:
        rows = range(1, min(sheet.max_row, HEADER_SCAN_ROWS) + 1)
    hit = None
    found: dict[int, tuple[str, int]] = {}
    for r in rows:
        found = match_row(sheet, r, by_text)
        if usable(found):
            hit = r
            break
    if hit is None:
        return None
    first = last = hit
    if hit > 1 and any(
        sheet.get(hit, c)[1] == "down" and sheet.merged[(hit, c)][0] == hit - 1 for c in range(1, sheet.max_col + 1)
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
    for c, (f, end) in sorted(found.items()):
        for cc in range(c, end + 1):
            if cc not in columns or cc == c:
                columns[cc] = f
    for c, f in by_letter.items():
        columns[c] = f
    columns = {c: f for c, f in columns.items() if f != "ignore"}
    fields: dict[str, list[int]] = {}
    for c in sorted(columns):
        fields.setdefault(columns[c], []).append(c)
    unknown = {c: t for c, t in header_texts.items() if t and c not in columns and c not in by_letter}
    for key in by_text:
        if not any(norm(t) == key for t in header_texts.values()):
            report.warn(sheet.name, f"映射中的列名“{key}”在第 {first} 行的表头中找不到")
    return Header(last, first, fields, columns, unknown)

