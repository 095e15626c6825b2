"""The domain must not import textual; only fzzf_tui.ui may."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import fzzf_tui

DOMAIN_PREFIXES = ("fzzf_tui.checklist", "fzzf_tui.inspection", "fzzf_tui.exporting")


def domain_modules() -> list[str]:
    names = []
    for mod in pkgutil.walk_packages(fzzf_tui.__path__, "fzzf_tui."):
        if mod.name.startswith("fzzf_tui.ui"):
            continue
        names.append(mod.name)
    return names


def test_domain_modules_do_not_import_textual() -> None:
    mods = domain_modules()
    code = (
        "import importlib, sys\n"
        f"mods = {mods!r}\n"
        "for m in mods:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k == 'textual' or k.startswith('textual.'))\n"
        "print('TEXTUAL' if bad else 'CLEAN')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "CLEAN", out.stdout + out.stderr
    assert any(m.startswith(DOMAIN_PREFIXES) for m in mods)


def test_the_check_catches_a_textual_import(tmp_path) -> None:
    # Proof the test above can fail: a module importing textual is detected the same way.
    code = "import sys, textual.app\nprint('TEXTUAL' if 'textual' in sys.modules else 'CLEAN')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "TEXTUAL"
