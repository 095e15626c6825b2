"""Reading the ``fzzf`` command line before click is imported: the location options, and
whether the words only start the TUI (so the entry point can skip the command-line machinery)."""

from __future__ import annotations

import os


def location_options(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    """``--data-dir``/``--plugins-dir`` as environment settings, and the remaining words."""
    env: dict[str, str] = {}
    plugin_dirs: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        name, eq, value = word.partition("=")
        if name in ("--data-dir", "--plugins-dir"):
            if not eq:
                if i + 1 >= len(argv):
                    rest.append(word)  # no value: left for click to report
                    break
                value = argv[i + 1]
                i += 1
            if name == "--data-dir":
                env["FZZF_HOME"] = value
            else:
                plugin_dirs.append(value)
        else:
            rest.append(word)
        i += 1
    if plugin_dirs:
        env["FZZF_PLUGINS_DIR"] = os.pathsep.join(plugin_dirs)
    return env, rest


def tui_start(words: list[str]) -> tuple[bool, str | None] | None:
    """``(True, None)`` for ``fzzf`` alone (the home screen), ``(True, REF)`` for ``fzzf open REF``;
    None for anything else (a sub-command, ``--help``, ``--version``…), which click handles."""
    if not words:
        return True, None
    if len(words) == 2 and words[0] == "open" and not words[1].startswith("-"):
        return True, words[1]
    return None
