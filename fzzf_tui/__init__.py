"""fzzf-tui: inspections against 法治政府建设 indicator systems, with plugins.

A plugin needs one import: ``from fzzf_tui import hookimpl``.
"""

from typing import Any

__version__ = "0.1.0"
__all__ = ["hookimpl", "__version__"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the domain (e.g. to open an inspection) does not import pluggy.
    if name == "hookimpl":
        from .hookspecs import hookimpl

        return hookimpl
    raise AttributeError(name)
