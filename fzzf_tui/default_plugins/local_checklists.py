"""Checklist data files dropped into the local checklist folders (``./checklists``, data dir)."""

from __future__ import annotations

from fzzf_tui import hookimpl, locations


@hookimpl
def register_checklists(register):
    for folder in locations.checklist_dirs():
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.name.startswith(("~$", ".")):  # Excel's lock files, hidden temp files
                    continue
                if path.suffix.lower() in (".yaml", ".yml", ".xlsx") and path.is_file():
                    register(path)
