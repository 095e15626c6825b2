"""Start-up of the ``fzzf`` process.

While modules load and the first screen is built, Python's cyclic garbage collector would run
its collections over objects that all stay alive (the checklist, the tree, Textual's widgets);
on a 年度考核 inspection a single full pass costs some 15 ms. The ``fzzf`` entry point
(``fzzf_tui/__main__.py``) pauses it before importing anything; it is resumed when the first
frame is on the terminal (the TUI) or when a sub-command starts (scripts), and in every case
when the process leaves the entry point. Reference counting frees memory as usual meanwhile;
only cycles wait.

This module imports nothing of the package, so pausing can come first.
"""

from __future__ import annotations

import gc

_paused = False


def pause_gc() -> None:
    """Pause cyclic collection until :func:`resume_gc` (no-op if it is already off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc() -> None:
    """Resume what :func:`pause_gc` paused; safe to call any number of times."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
