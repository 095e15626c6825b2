"""Package list for setuptools (everything else is in pyproject.toml).

Only here because pyproject.toml cannot combine package discovery with mapped folders: the
plugin guide (docs/) and the example plugin (plugins/) ship in the wheel as the data packages
``fzzf_tui/docs`` and ``fzzf_tui/examples`` without being copied into the source tree.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["fzzf_tui", "fzzf_tui.*"]) + ["fzzf_tui.docs", "fzzf_tui.examples"],
    package_dir={"fzzf_tui.docs": "docs", "fzzf_tui.examples": "plugins"},
)
