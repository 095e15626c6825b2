"""What a reader hands on: the tables of one file, in order, as grids."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .grid import Grid


@dataclass
class TableSource:
    path: Path
    tables: list[Grid]
    noun: str = "工作表"  # how the file calls a table in messages: 工作表 (xlsx) or 表格 (docx)
    closing: list[str] = field(default_factory=list)  # Word: paragraphs after the last table (注：…)

    def names(self) -> list[str]:
        return [g.name for g in self.tables]
