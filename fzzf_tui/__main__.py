"""The ``fzzf`` command (console script) and ``python -m fzzf_tui``.

The cyclic garbage collector is paused before the rest of the program is imported and resumed
once it has started (see :mod:`fzzf_tui.startup`).

``fzzf`` alone and ``fzzf open REF`` (with ``--data-dir``/``--plugins-dir``) only start the
TUI: they go straight to it, without importing click, the plugin manager and every sub-command
module (about 45 ms before the first frame). Anything else, and any problem on the way (an
unknown inspection, a data dir that is a file), goes through the command line as usual, which
says what is wrong in its own words.
"""

from __future__ import annotations

import os
import sys

from .startup import pause_gc, resume_gc


def main() -> None:
    """Console-script entry point ``fzzf``."""
    pause_gc()
    try:
        if not _start_tui(sys.argv[1:]):
            from .cli import main as cli_main

            cli_main()
    finally:
        resume_gc()


def _start_tui(argv: list[str]) -> bool:
    """Run the TUI if that is all the command line asks for; False to leave it to click."""
    from .cli_args import location_options, tui_start

    env, words = location_options(argv)
    start = tui_start(words)
    if start is None or os.path.isfile(env.get("FZZF_HOME", "")):
        return False
    os.environ.update(env)
    open_path = None
    if start[1] is not None:
        from .errors import FzzfError
        from .inspection import InspectionStore

        try:
            open_path = str(InspectionStore().resolve(start[1]))
        except (FzzfError, OSError):
            return False  # the command line reports it
    from .ui.app import run_app

    run_app(open_path=open_path)
    return True


if __name__ == "__main__":  # pragma: no cover
    main()
