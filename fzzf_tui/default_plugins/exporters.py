"""Built-in export formats: the Excel workbook, the lossless transfer bundle, the 反馈意见书
(Word) for one inspection and the 通报 (Word) for a consolidation.

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


def write_feedback(data, path, **options):
    from fzzf_tui.exporting.feedback_docx import write_feedback as _write

    _write(data, path, **options)


def write_bulletin(report, path, **options):
    from fzzf_tui.exporting.bulletin_docx import write_bulletin as _write

    _write(report, path, **options)


@hookimpl
def register_export_formats(register):
    register("xlsx", "Excel 工作簿（评分汇总、评分明细、问题清单、整改清单）", ".xlsx", write_xlsx)
    register("bundle", "检查数据包（检查数据、审计记录和佐证材料，用于移交）", ".fzzf.zip", write_bundle)
    register("docx", "反馈意见书（Word 文档：基本情况、得分与等次、主要问题、整改要求）", ".docx", write_feedback)
    register("bulletin", "通报（Word 文档：总体情况、排名、主要问题、整改要求，附各单位问题）", ".docx", write_bulletin,
             scope="consolidation")
