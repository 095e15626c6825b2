"""Compatibility names for the table import, which lives in :mod:`.table_import` (one module
per stage). New code should import from there."""

from __future__ import annotations

from .table_import import (
    COLUMNS,
    GUIDE_SHEET,
    INFO_ROWS,
    INFO_SHEET,
    ITEMS_SHEET,
    LEVEL_ALIASES,
    ImportResult,
    checklist_yaml,
    field_for_header,
    write_yaml,
)
from .table_import import import_table as import_checklist_xlsx
from .table_import import load_checklist_table as load_checklist_xlsx
from .table_import.numbering import parse_label, split_numbering
from .table_import.text import (
    fmt_number,
    format_deduction,
    format_grades,
    format_levels,
    parse_deduction,
    parse_number,
    slug_id,
    split_units,
)

__all__ = [
    "COLUMNS", "GUIDE_SHEET", "INFO_ROWS", "INFO_SHEET", "ITEMS_SHEET", "LEVEL_ALIASES", "ImportResult",
    "checklist_yaml", "field_for_header", "fmt_number", "format_deduction", "format_grades", "format_levels",
    "import_checklist_xlsx", "load_checklist_xlsx", "parse_deduction", "parse_label", "parse_number", "slug_id",
    "split_numbering", "split_units", "write_yaml",
]
