"""Load a checklist file of any kind this program reads: YAML (:mod:`.loading`) or a published
scoring table in an Excel workbook (:mod:`.table_import`). Kept apart from :mod:`.loading`,
which the table importer itself uses to validate what it builds.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ChecklistError, Problem
from .loading import load_checklist_text
from .model import Checklist


def load_checklist_file(path: str | os.PathLike[str]) -> Checklist:
    """Load and validate one checklist file: YAML, or an Excel workbook (.xlsx) read by
    :mod:`.table_import` (the plugin manager caches either as JSON, keyed by size and mtime)."""
    p = Path(path)
    if p.suffix.lower() == ".xlsx":
        from .table_import import load_checklist_table  # openpyxl only when a workbook is loaded

        return load_checklist_table(p)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ChecklistError(str(p), [Problem(str(p), f"无法读取文件：{exc.strerror or exc}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ChecklistError(str(p), [Problem(str(p), f"文件不是 UTF-8 编码（第 {exc.start} 字节）")]) from None
    return load_checklist_text(text, str(p))


def validate_file(path: str | os.PathLike[str]) -> list[Problem]:
    """Every problem in a checklist file; an empty list means the file is valid."""
    try:
        load_checklist_file(path)
    except ChecklistError as exc:
        return exc.problems
    return []
