"""Screens: home (list), new inspection, inspection (tree + detail), findings, summary, help, log."""

from pathlib import Path

# Styles of every screen but the inspection screen: each names this file in CSS_PATH, so it is
# read when the first of them is shown, not before the first frame (see app.tcss).
SCREENS_CSS = Path(__file__).with_name("screens.tcss")
