"""Plugins: the manager (:mod:`.manager`), time-limited calls (:mod:`.calls`) and the checks
on what plugins hand over (:mod:`.checks`)."""

from .calls import DEFAULT_TIMEOUT, TIMEOUT_ENV, hook_timeout
from .manager import (
    DEFAULT_PLUGINS,
    ENTRY_POINT_GROUP,
    HOOK_NAMES,
    ChecklistEntry,
    ExportFormat,
    PluginRecord,
    Plugins,
    get_plugins,
    reset_plugins,
    set_timeout_reporter,
)

__all__ = [
    "DEFAULT_PLUGINS", "DEFAULT_TIMEOUT", "ENTRY_POINT_GROUP", "HOOK_NAMES", "TIMEOUT_ENV", "ChecklistEntry",
    "ExportFormat", "PluginRecord", "Plugins", "get_plugins", "hook_timeout", "reset_plugins", "set_timeout_reporter",
]
