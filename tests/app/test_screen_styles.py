"""Styles are split so the first frame parses only what it shows: app.tcss (every screen, the
inspection screen) and screens/screens.tcss (the rest, read with the first screen that names it).
A screen that forgot to name it would lose its layout, so every screen is checked here."""

from __future__ import annotations

import importlib
import pkgutil

from textual.screen import Screen

from textual.command import CommandPalette

import fzzf_tui.ui as ui_pkg
from fzzf_tui.ui.app import FzzfApp, HomeStandIn
from fzzf_tui.ui.screens import SCREENS_CSS
from fzzf_tui.ui.screens.inspection import InspectionScreen


def _screen_classes() -> list[type[Screen]]:
    for info in pkgutil.walk_packages(ui_pkg.__path__, ui_pkg.__name__ + "."):
        importlib.import_module(info.name)
    found, todo = [], list(Screen.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("fzzf_tui."):
            found.append(cls)
    return found


def test_every_screen_but_the_first_reads_the_screens_styles() -> None:
    classes = _screen_classes()
    assert len(classes) >= 15
    for cls in classes:
        if cls in (InspectionScreen, HomeStandIn) or issubclass(cls, CommandPalette):
            continue  # the palette's few rules are in app.tcss
        paths = cls.CSS_PATH if isinstance(cls.CSS_PATH, list) else [cls.CSS_PATH]
        assert SCREENS_CSS in paths, f"{cls.__module__}.{cls.__name__} does not name screens.tcss"


def test_the_first_screen_needs_nothing_from_the_screens_styles() -> None:
    # every id/class the inspection screen composes is styled in app.tcss
    app_css = FzzfApp.CSS_PATH.read_text(encoding="utf-8")
    for selector in ("CommandPalette", "Toast", "#ins-main", "#ins-banner", "ChecklistTree", "ItemDetail", "StatusHeader", ".header-bar", ".key-bar"):
        assert selector in app_css
    assert "#home-" not in app_css and ".dialog" not in app_css
    assert SCREENS_CSS.is_file()
