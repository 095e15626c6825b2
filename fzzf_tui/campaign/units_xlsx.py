"""Read a campaign's units from an office's Excel list (one column of unit names).

The header row is found among the first rows: the column named by ``column`` (a header text
such as “单位名称”, or a letter such as “B”), else the first header that reads like a unit
column (被检查单位, 单位名称, 单位…). Optional columns beside it: 检查组 (the unit's team) and
不涉及情形 (its profile, several separated by 、or ；). Blank rows are skipped; a repeated unit
is an error naming both cells. The file is opened with :mod:`fzzf_tui.safe_xlsx`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

from ..errors import ExportError
from .model import MAX_UNITS, CampaignUnit, split_names

HEADER_SCAN_ROWS = 10
UNIT_HEADERS = ("被检查单位", "被督察单位", "单位名称", "单位", "部门名称", "部门", "责任单位")
TEAM_HEADERS = ("检查组", "督察组", "组别", "检查小组")
PROFILE_HEADERS = ("不涉及情形", "不涉及", "单位情形")
_LETTERS = re.compile(r"^[A-Za-z]{1,3}$")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _find(headers: dict[int, str], names: tuple[str, ...]) -> int | None:
    for name in names:
        for col, text in headers.items():
            if text == name:
                return col
    return None


def read_units(path: str | Path, column: str | None = None, sheet: str | None = None) -> list[CampaignUnit]:
    """The units listed in ``path`` (see the module docstring)."""
    from ..safe_xlsx import open_workbook

    path = Path(path)
    wb = open_workbook(path)
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise ExportError(f"{path.name} 中没有名为“{sheet}”的工作表（有：{'、'.join(wb.sheetnames)}）")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        where = f"{path.name}!{ws.title}"
        head_row, unit_col, headers = 0, None, {}
        if column and _LETTERS.match(column.strip()):
            unit_col = column_index_from_string(column.strip().upper())
        scan = list(ws.iter_rows(min_row=1, max_row=min(ws.max_row, HEADER_SCAN_ROWS), values_only=True))
        for r, values in enumerate(scan, start=1):
            row = {c: _text(v) for c, v in enumerate(values, start=1) if _text(v)}
            if unit_col is not None:
                if _text(ws.cell(row=r, column=unit_col).value):
                    head_row, headers = r, row
                    break
                continue
            found = _find(row, (column.strip(),)) if column else _find(row, UNIT_HEADERS)
            if found is not None:
                head_row, unit_col, headers = r, found, row
                break
        if unit_col is None or not head_row:
            wanted = f"“{column}”" if column else "、".join(UNIT_HEADERS[:4])
            raise ExportError(f"{where} 的前 {HEADER_SCAN_ROWS} 行中找不到单位列（表头应为 {wanted}）；"
                              "可用 --column 指定表头或列字母")
        team_col = _find(headers, TEAM_HEADERS)
        profile_col = _find(headers, PROFILE_HEADERS)
        units: list[CampaignUnit] = []
        seen: dict[str, str] = {}
        letter = get_column_letter(unit_col)
        for r, values in enumerate(ws.iter_rows(min_row=head_row + 1, max_row=min(ws.max_row, head_row + MAX_UNITS + 1),
                                                values_only=True), start=head_row + 1):
            def cell(col: int | None) -> str:
                return _text(values[col - 1]) if col is not None and col <= len(values) else ""

            name = cell(unit_col)
            if not name:
                continue
            ref = f"{letter}{r}"
            if name in seen:
                raise ExportError(f"{where}!{ref}：单位“{name}”与 {seen[name]} 重复")
            seen[name] = ref
            units.append(CampaignUnit(name, cell(team_col), tuple(split_names(cell(profile_col)))))
        if ws.max_row > head_row + MAX_UNITS + 1:
            raise ExportError(f"{where} 的单位超过 {MAX_UNITS} 个，请检查文件")
        if not units:
            raise ExportError(f"{where} 的{letter}列（“{headers.get(unit_col, letter)}”）下没有单位名称")
        return units
    finally:
        wb.close()


__all__ = ["read_units"]
