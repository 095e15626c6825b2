"""The 佐证材料 sheet: every evidence file of an inspection — what it is attached to, its name,
size, photo size/date, SHA-256 and a link relative to the exported workbook.

The link points at the copy in the evidence store beside the inspection (or, for evidence of
earlier releases, wherever a file with the recorded hash is found); Excel and WPS open it
when the workbook stays where it was exported. The SHA-256 identifies the file wherever it
travels (``fzzf evidence list`` shows the same).
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..inspection import evidence as ev_mod
from .cells import TOP_CENTER, header_row, print_setup, put, put_row, set_widths, title_rows, fit_row_height
from .data import InspectionData

EVIDENCE = "佐证材料"
EVIDENCE_HEADERS = ("序号", "所属", "指标编号", "文件名", "大小（字节）", "图像信息", "SHA-256", "链接", "说明")


def relative_link(target: Path, base: Path | None) -> str:
    """``target`` relative to ``base`` with forward slashes (absolute when there is no common
    root, e.g. another drive on Windows)."""
    if base is None:
        return target.resolve().as_uri()
    try:
        return os.path.relpath(target.resolve(), base.resolve()).replace(os.sep, "/")
    except ValueError:
        return target.resolve().as_uri()


def add_evidence_sheet(wb: Workbook, data: InspectionData, base: Path | None = None) -> Worksheet | None:
    """The sheet, or None when the inspection has no evidence files."""
    order = [item.code for item in data.checklist.walk()]
    files = ev_mod.attached(data.results, list(data.findings), order)
    if not files:
        return None
    ws = wb.create_sheet(EVIDENCE)
    set_widths(ws, (6, 26, 10, 28, 12, 22, 30, 30, 20))
    distinct = len({a.evidence.sha256 for a in files})
    subtitle = (f"{data.unit} · {data.type} · 检查日期 {data.date}    共 {len(files)} 项（{distinct} 个不同文件，"
                f"合计 {ev_mod.human_size(ev_mod.total_bytes(files))}）。链接相对于本工作簿所在文件夹")
    row = title_rows(ws, f"{data.unit}{data.type}佐证材料清单", subtitle, len(EVIDENCE_HEADERS))
    header_row(ws, row, EVIDENCE_HEADERS)
    head = row
    for n, a in enumerate(files, start=1):
        row += 1
        e = a.evidence
        local = ev_mod.locate(e, data.path, data.id)
        info = ev_mod.image_info(local) if local is not None else None
        link = relative_link(local, base) if local is not None else ""
        values = [n, a.owner, a.item_code or "整体", ev_mod.display_name(e), e.size, info.describe() if info else "",
                  e.sha256, link or "本机缺少该文件", e.text]
        put_row(ws, row, values)
        for col in (1, 3):
            ws.cell(row=row, column=col).alignment = TOP_CENTER
        if link:
            cell = ws.cell(row=row, column=8)
            cell.hyperlink = link
            cell.style = "Hyperlink"
            put(ws, row, 8, link)  # keep the body font and border over the hyperlink style
        fit_row_height(ws, row)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    print_setup(ws, landscape=True, title_rows=f"1:{head}")
    return ws
