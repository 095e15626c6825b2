"""The ``fzzf`` command (console script) and ``python -m fzzf_tui``.

The cyclic garbage collector is paused before the rest of the program is imported and resumed
once it has started (see :mod:`fzzf_tui.startup`).
"""

from __future__ import annotations

from .startup import pause_gc, resume_gc


def main() -> None:
    """Console-script entry point ``fzzf``."""
    pause_gc()
    try:
        from .cli import main as cli_main

        cli_main()
    finally:
        resume_gc()


if __name__ == "__main__":  # pragma: no cover
    main()
