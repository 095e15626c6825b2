"""Reading the 清单信息 sheet of fzzf's own workbook: the checklist header, one field per row."""

from __future__ import annotations

import re
from typing import Any

from ..model import FORMAT, METHOD_LABELS
from .grid import Grid, Report, cell_text, is_blank
from .layout import INFO_ROWS, INFO_SHEET_NAMES
from .text import norm, parse_bool, parse_deduction, parse_fraction, parse_grades, parse_levels, parse_method, parse_number


NO_THRESHOLD = ("无", "不设", "没有", "none")


def is_info_sheet(name: str) -> bool:
    return norm(name) in {norm(n) for n in INFO_SHEET_NAMES}


def read_info(sheet: Grid, report: Report) -> tuple[dict[str, Any], dict[str, str]]:
    """The header fields written on the 清单信息 sheet, parsed; and field → cell."""
    lookup = {}
    for row in INFO_ROWS:
        for a in (row.label, *row.aliases):
            lookup.setdefault(norm(a), row.key)
    values: dict[str, Any] = {}
    refs: dict[str, str] = {}
    for r in range(1, sheet.max_row + 1):
        label, _ = sheet.get(r, 1)
        if is_blank(label):
            continue
        key = lookup.get(norm(cell_text(label)))
        if key is None:
            if norm(cell_text(label)) not in ("项目", "字段", "名称"):
                report.warn(sheet.ref(r, 1), f"未识别的项目“{cell_text(label)}”，已忽略")
            continue
        raw, _ = sheet.get(r, 2)
        ref = sheet.ref(r, 2)
        refs[key] = ref
        if is_blank(raw):
            continue
        text = cell_text(raw)
        if key == "format":
            if text != FORMAT:
                report.error(ref, f"格式 “{text}” 不受支持，应为 {FORMAT}")
        elif key in ("id", "title", "type", "version", "source", "description"):
            values[key] = str(raw).strip() if isinstance(raw, str) else text
        elif key in ("provisional", "complete_levels"):
            values[key] = [s for s in re.split(r"[\n,，、;；\s]+", text) if s]
        elif key == "total":
            number = float(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else parse_number(text)
            if number is None:
                report.error(ref, f"总分 “{text}” 不是数字")
            else:
                values[key] = number
        elif key == "children_sum":
            b = raw if isinstance(raw, bool) else parse_bool(text)
            if b is None:
                report.error(ref, f"“上级分值等于下级之和”应填 是 或 否，收到 “{text}”")
            else:
                values[key] = b
        elif key == "completion_threshold":
            number = float(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else parse_fraction(text)
            if text.strip() in NO_THRESHOLD:
                values[key] = None  # the source sets none
            elif number is None:
                report.error(ref, f"完成度阈值 “{text}” 应为 0–1 的小数或百分数，如 0.9 或 90%")
            else:
                values[key] = number
        elif key == "grades":
            grades = parse_grades(text)
            if grades is None:
                report.error(ref, f"等级 “{text}” 无法识别，应每行写“等级名称：最低得分率”，如“优秀：90”")
            else:
                values[key] = grades
        elif key == "levels":
            levels = parse_levels(text)
            if levels is None:
                report.error(ref, f"默认档次 “{text}” 无法识别，应每行写“名称：比例”，如“基本达到：0.8”")
            else:
                values[key] = levels
        elif key == "default_method":
            method = parse_method(text)
            if method is None:
                report.error(ref, f"默认评分方法 “{text}” 无法识别（可用：{'、'.join(METHOD_LABELS.values())}）")
            else:
                values[key] = method
        elif key == "deduction":
            ded = parse_deduction(text)
            if ded is None:
                report.error(ref, f"默认扣分 “{text}” 无法识别，应写成“每处扣0.5分，最低0分”")
            else:
                values[key] = ded
    return values, refs

