"""Dates as people write them on forms: the one parser for 整改时限, 检查日期 and the campaign's
dates (2026-05-01, 2026/5/1, 2026.5.1, 2026年5月1日; a date or a datetime from a workbook cell)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .errors import InvalidValue


def parse_date(value: Any, label: str, example: str = "2026-05-01") -> str:
    """``value`` as an ISO date (``''`` for none); :class:`InvalidValue` naming ``label`` otherwise.

    A datetime (how a workbook's date cells read) keeps only its date; text must be exactly
    year, month and day (``2026-12-31-5`` is refused, not cut short)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    for sep in ("/", "."):
        text = text.replace(sep, "-")
    text = text.replace("年", "-").replace("月", "-").replace("日", "")
    try:
        parts = [int(p) for p in text.split("-")]
        if len(parts) != 3:
            raise ValueError
        return date(parts[0], parts[1], parts[2]).isoformat()
    except (ValueError, OverflowError):
        raise InvalidValue(f"{label}“{value}”不是有效日期，请写成 {example}") from None
