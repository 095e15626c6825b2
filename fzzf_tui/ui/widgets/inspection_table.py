"""The home screen's table of inspections (a DataTable whose enter opens the row)."""

from __future__ import annotations

from datetime import date
from typing import Sequence

from rich.text import Text
from textual.widgets import DataTable

from ...inspection import InspectionSummary
from ...inspection.scoring import format_percent
from .. import keymap
from ..text import fmt_points, fmt_time, truncate

COLUMNS = (
    ("unit", "被检查单位", 14),
    ("type", "检查类型", 8),
    ("checklist", "清单及版本", 14),
    ("progress", "进度", 6),  # 12.34%
    ("score", "得分", 6),
    ("status", "状态", 6),
    ("updated", "最后修改", 11),
)
STATUS_STYLE = {"进行中": "yellow", "已完成": "green", "已归档": "dim", "出错": "bold red"}


def row_cells(s: InspectionSummary, year: int, unit_w: int = 14, list_w: int = 14) -> list[Text | str]:
    if s.error:
        return [
            Text(truncate(s.path.name, unit_w), "red"), "", "", "", "", Text("出错", STATUS_STYLE["出错"]), "",
        ]
    checklist = f"{s.checklist_title} {s.checklist_version}".strip()
    score = fmt_points(s.total) if s.has_value else "未评"
    return [
        truncate(s.unit, unit_w),
        truncate(s.type, 8),
        truncate(checklist, list_w),
        Text(format_percent(s.progress), justify="right"),
        Text(score, justify="right"),
        Text(s.status, STATUS_STYLE.get(s.status, "")),
        fmt_time(s.updated_at, year),
    ]


NARROW = 100  # below this width the 检查类型 column goes (the checklist title says it)


def columns(total: int) -> tuple[tuple[str, str, int], ...]:
    return tuple(c for c in COLUMNS if total >= NARROW or c[0] != "type")


def flex_widths(total: int) -> tuple[int, int]:
    """Widths of the unit and checklist columns for a table ``total`` cells wide: the unit
    (what the inspector looks for) gets the larger share."""
    cols = columns(total)
    fixed = sum(w for key, _, w in cols if key not in ("unit", "checklist"))
    room = max(28, total - fixed - 2 * len(cols) - 1)
    unit = max(12, min(room * 55 // 100, 30))
    return unit, max(12, room - unit)


class InspectionTable(DataTable):
    BINDINGS = keymap.HOME_TABLE

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._summaries: list[InspectionSummary] = []
        self._year = date.today().year
        self._widths = (14, 14)

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        unit_w, list_w = self._widths
        for key, label, width in columns(self.size.width or NARROW):
            width = {"unit": unit_w, "checklist": list_w}.get(key, width)
            self.add_column(label, key=key, width=width)

    _narrow: bool | None = None

    def on_resize(self) -> None:
        widths = flex_widths(self.size.width)
        narrow = self.size.width < NARROW
        if widths != self._widths or narrow != self._narrow:
            self._widths, self._narrow = widths, narrow
            self.clear(columns=True)
            self._add_columns()
            self._fill(self._summaries)

    def set_summaries(self, summaries: Sequence[InspectionSummary], year: int | None = None) -> None:
        self._year = year or self._year
        self._summaries = list(summaries)
        self._fill(self._summaries)

    def _fill(self, summaries: Sequence[InspectionSummary]) -> None:
        keep = self.cursor_row
        current = None
        if self.row_count and 0 <= keep < self.row_count:
            current = self.coordinate_to_cell_key((keep, 0)).row_key.value
        self.clear()
        unit_w, list_w = self._widths
        keys = [key for key, _, _ in columns(self.size.width or NARROW)]
        for s in summaries:
            cells = dict(zip([key for key, _, _ in COLUMNS], row_cells(s, self._year, unit_w, list_w)))
            self.add_row(*(cells[k] for k in keys), key=str(s.path))
        if current is not None:
            for i, s in enumerate(summaries):
                if str(s.path) == current:
                    self.move_cursor(row=i)
                    break
