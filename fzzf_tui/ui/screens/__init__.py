"""Screens: home (list), new inspection, inspection (tree + detail), findings, summary, help, log."""
