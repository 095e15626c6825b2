"""Exports of an inspection (xlsx workbook, transfer bundle, formats added by plugins) and the
bundle import. No UI: the CLI and the TUI both call :func:`export_inspection`.

Formats come from the ``register_export_formats`` hook; a writer is called as
``writer(data, path, **options)`` with an :class:`InspectionData` snapshot and a temporary path
next to the target, and the finished file is then moved into place, so a failed export never
leaves a half-written file and an existing file is never overwritten without ``force``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from ..errors import ExportError, FzzfError
from ..inspection import Inspection, InspectionStore
from .data import InspectionData, as_data
from .files import default_stem, place, target_path, temp_path

__all__ = [
    "InspectionData", "consolidation_formats", "export_consolidation", "export_formats", "export_inspection",
    "export_warnings", "import_bundle", "planned_path",
]

# Formats that carry the records as data, not a document for people: nothing to warn about.
DATA_FORMATS = ("bundle",)


def export_formats() -> dict[str, Any]:
    """name → :class:`fzzf_tui.plugins.ExportFormat`, from every plugin."""
    from ..plugins import get_plugins

    return get_plugins().export_formats()


def consolidation_formats() -> dict[str, Any]:
    """name → format for a consolidation (the 通报 and formats plugins add with
    ``scope="consolidation"``)."""
    from ..plugins import get_plugins

    return get_plugins().consolidation_formats()


def _format(fmt: str, consolidation: bool = False) -> Any:
    formats = consolidation_formats() if consolidation else export_formats()
    try:
        return formats[fmt]
    except KeyError:
        known = "、".join(f"{f.name}（{f.label}）" for f in formats.values()) or "（无）"
        what = "汇总报告格式" if consolidation else "导出格式"
        raise ExportError(f"没有名为“{fmt}”的{what}。可用的格式：{known}") from None


def planned_path(source: Inspection | InspectionData, fmt: str = "xlsx", out: str | os.PathLike[str] | None = None) -> Path:
    """The file :func:`export_inspection` aims for, before renaming to avoid an existing file."""
    f = _format(fmt)
    meta = source.meta
    stem = default_stem(str(meta.get("unit", "")), str(meta.get("type", "")), str(meta.get("date", "")))
    return target_path(out, stem, f.suffix)


def export_warnings(source: Inspection | InspectionData, fmt: str = "xlsx") -> list[str]:
    """What a person should fix before the document goes out: open findings whose 整改清单 row
    would print without 整改要求 or 整改时限 (in 整改清单 order). Nothing for data formats."""
    if fmt in DATA_FORMATS:
        return []
    from .data import sort_findings
    from .xlsx import rectification_gaps

    if isinstance(source, InspectionData):
        findings = list(source.findings)
    else:
        findings = sort_findings(source.checklist, source.findings())
    return rectification_gaps(findings)


def export_inspection(
    inspection: Inspection | InspectionData,
    fmt: str = "xlsx",
    out: str | os.PathLike[str] | None = None,
    force: bool = False,
    **options: Any,
) -> Path:
    """Export with a registered format; returns the file written.

    ``out`` may be a folder or a file; by default ``exports_dir()/<unit>-<type>-<date><suffix>``.
    If the file exists it is kept and the export gets a new name (``…(2).xlsx``) unless
    ``force``. ``options`` go to the writer (e.g. ``allow_missing_evidence`` for bundles).
    """
    f = _format(fmt)
    target = planned_path(inspection, fmt, out)
    return _produce(f, as_data(inspection), target, force, options)


def export_consolidation(report: Any, fmt: str = "bulletin", out: str | os.PathLike[str] | None = None,
                         force: bool = False, **options: Any) -> Path:
    """Write a document about a consolidation (:class:`.consolidate.ConsolidateReport`) with a
    consolidation format, e.g. the 通报; same safety as :func:`export_inspection`."""
    f = _format(fmt, consolidation=True)
    target = target_path(out, "通报", f.suffix)
    return _produce(f, report, target, force, options)


def _produce(f: Any, data: Any, target: Path, force: bool, options: dict[str, Any]) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"无法创建导出文件夹 {target.parent}：{exc.strerror or exc}") from None
    if target.is_dir():
        raise ExportError(f"{target} 是一个文件夹，不能作为导出文件")
    fmt = f.name
    tmp = temp_path(target, f.suffix)
    try:
        try:
            _write(f, data, tmp, options)
        except FzzfError:
            raise
        except TypeError as exc:
            if options:
                raise ExportError(f"导出格式“{fmt}”不支持这些选项：{', '.join(options)}（{exc}）") from None
            raise ExportError(f"导出格式“{fmt}”（插件 {f.plugin}）出错：{exc}") from None
        except OSError as exc:
            raise ExportError(f"无法写入 {target}：{exc.strerror or exc}") from None
        except Exception as exc:  # noqa: BLE001 - a plugin writer may raise anything
            raise ExportError(f"导出格式“{fmt}”（插件 {f.plugin}）出错：{type(exc).__name__}: {exc}") from None
        if not tmp.is_file():
            raise ExportError(f"导出格式“{fmt}”（插件 {f.plugin}）没有写出文件")
        return place(tmp, target, f.suffix, force)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _write(f: Any, data: Any, tmp: Path, options: dict[str, Any]) -> None:
    """Call the format's writer; a plugin's writer runs with a time limit (``FZZF_EXPORT_TIMEOUT``
    seconds, default 120) so a hanging plugin cannot hang the export (see docs/plugins.md)."""
    from ..plugins import DEFAULT_PLUGINS
    from ..plugins.calls import Call, run_limited

    if f.plugin in DEFAULT_PLUGINS:
        f.writer(data, tmp, **options)
        return
    limit = export_timeout()
    call = Call(f.plugin, f"导出格式 {f.name}", lambda: f.writer(data, tmp, **options))
    run_limited([call], limit)
    if call.abandoned:
        raise ExportError(f"导出格式“{f.name}”（插件 {f.plugin}）超过 {limit:g} 秒仍未完成，已放弃；请联系插件作者")
    if isinstance(call.error, Exception):
        raise call.error
    if call.error is not None:  # SystemExit and the like from plugin code must not end fzzf
        raise ExportError(f"导出格式“{f.name}”（插件 {f.plugin}）出错：{type(call.error).__name__}")


def export_timeout() -> float:
    raw = os.environ.get("FZZF_EXPORT_TIMEOUT", "").strip()
    try:
        value = float(raw)
    except ValueError:
        return 120.0
    return value if 0 < value < 86400 else 120.0


def import_bundle(path: str | os.PathLike[str], store: InspectionStore, replace: bool = False) -> Path:
    """Import a transfer bundle into ``store``; returns the inspection file (see :mod:`.bundle`)."""
    from .bundle import import_bundle as _import

    return _import(path, store, replace=replace)
