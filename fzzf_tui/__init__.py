"""fzzf-tui: inspections against 法治政府建设 indicator systems, with plugins.

A plugin needs one import: ``from fzzf_tui import hookimpl``.
"""

from .hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["hookimpl", "__version__"]
