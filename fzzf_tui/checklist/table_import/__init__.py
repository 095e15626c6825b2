"""Import an indicator table as a checklist, so checklists can be authored in Excel or Word.

Two kinds of table are read by the same pipeline:

* fzzf's own template and export (an ``清单信息`` sheet and an ``指标`` sheet with one row per
  item, 层级 and 编号 columns): read *exactly*, so export → import keeps the content hash;
* tables as indicator systems are published (附件 of a 文件): title rows above the header,
  Chinese column names in many spellings, merged 一级/二级 cells, numbering such as
  一、/（一）/1./1．/（1）/① that nests several levels in one column, points like “2分”.
  The header row is detected, the hierarchy is rebuilt and codes are derived (1, 1.1, 1.1.1).

Stages, one module each: a reader turns the file into grids (:mod:`.xlsx_reader`;
:mod:`.grid`), :mod:`.header` finds the header and the column meanings (vocabulary in
:mod:`.layout`), :mod:`.structure` builds the tree from the layout, :mod:`.rules` reads the
scoring rules, :mod:`.build` makes the checklist dict, :mod:`.importer` runs them in order.
"""

from __future__ import annotations

from .build import ImportResult
from .header import field_for_header
from .importer import import_table, load_checklist_table
from .layout import COLUMNS, GUIDE_SHEET, INFO_ROWS, INFO_SHEET, ITEMS_SHEET, LEVEL_ALIASES
from .writing import checklist_yaml, write_yaml

__all__ = [
    "COLUMNS", "GUIDE_SHEET", "INFO_ROWS", "INFO_SHEET", "ITEMS_SHEET", "LEVEL_ALIASES", "ImportResult",
    "checklist_yaml", "field_for_header", "import_table", "load_checklist_table", "write_yaml",
]
