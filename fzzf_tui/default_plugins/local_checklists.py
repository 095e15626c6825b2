"""Checklist data files dropped into the local checklist folders (``./checklists``, data dir)."""

from __future__ import annotations

from fzzf_tui import hookimpl, locations


@hookimpl
def register_checklists(register):
    for folder in locations.checklist_dirs():
        if folder.is_dir():
            for path in sorted(folder.glob("*.y*ml")):
                if path.suffix.lower() in (".yaml", ".yml"):
                    register(path)
