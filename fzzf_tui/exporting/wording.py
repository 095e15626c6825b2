"""Numbers and dates as Chinese documents write them (shared by the 汇总 workbook and the Word
documents; no openpyxl or python-docx here)."""

from __future__ import annotations

from datetime import date


def chinese_number(n: int) -> str:
    """一, 二, … 九十九 (for “一、” headings); other numbers in digits."""
    digits = "零一二三四五六七八九"
    if 0 <= n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def chinese_date(value: date | str) -> str:
    """``2026年6月1日`` (成文日期 in Arabic numerals, no leading zeros); text that is not a date as is."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.year}年{value.month}月{value.day}日"


def points(x: float | None) -> str:
    """12.5 → “12.5”, 12.0 → “12” (the engine rounds to cents); None → “—”."""
    if x is None:
        return "—"
    return f"{x:.2f}".rstrip("0").rstrip(".")


__all__ = ["chinese_date", "chinese_number", "points"]
