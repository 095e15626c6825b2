"""Built-in export formats: the Excel workbook and the lossless transfer bundle.

The writers are imported when used, so loading plugins at start-up does not load openpyxl.
"""

from __future__ import annotations

from fzzf_tui import hookimpl


def write_xlsx(data, path, **options):
    from fzzf_tui.exporting.xlsx import write_xlsx as _write

    _write(data, path, **options)


def write_bundle(data, path, **options):
    from fzzf_tui.exporting.bundle import write_bundle as _write

    _write(data, path, **options)


@hookimpl
def register_export_formats(register):
    register("xlsx", "Excel 工作簿（评分汇总、评分明细、问题清单、整改清单）", ".xlsx", write_xlsx)
    register("bundle", "检查数据包（检查数据、审计记录和佐证材料，用于移交）", ".fzzf.zip", write_bundle)
