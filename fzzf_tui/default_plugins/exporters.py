"""Built-in export formats (filled in by the export layer)."""

from __future__ import annotations

from fzzf_tui import hookimpl


@hookimpl
def register_export_formats(register):
    return None
