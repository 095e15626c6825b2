"""What the plugin manager knows about each plugin and what plugins registered."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..checklist.model import Checklist
from ..errors import FzzfError


@dataclass
class PluginRecord:
    name: str
    kind: str  # default | entrypoint | local
    origin: str
    version: str = ""
    hooks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    distribution: str = ""  # the installed package providing an entry-point plugin
    # Set when one of its calls was abandoned: the plugin is not called again in this run.
    abandoned: bool = False

    @property
    def label(self) -> str:
        """How the plugin is named to users: name, version and where it comes from."""
        version = f" {self.version}" if self.version else ""
        return f"{self.name}{version}（{self.origin}）"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "origin": self.origin,
            "version": self.version,
            "distribution": self.distribution,
            "hooks": self.hooks,
            "errors": self.errors,
            "warnings": self.warnings,
            "timed_out": self.abandoned,
        }


@dataclass
class ExportFormat:
    name: str
    label: str
    suffix: str
    writer: Callable[..., Any]
    plugin: str = ""
    # "inspection": writer(InspectionData, path) — ``fzzf export -f``, the TUI's export;
    # "consolidation": writer(ConsolidateReport, path) — ``fzzf consolidate --report``.
    scope: str = "inspection"


@dataclass
class ChecklistEntry:
    plugin: str
    source: Any  # Path | dict
    checklist: Checklist | None = None
    given_as: str = ""  # "Checklist" when the plugin handed over an object (rebuilt from its dict)

    @property
    def origin(self) -> str:
        if isinstance(self.source, Path):
            return str(self.source)
        if self.checklist is not None and self.checklist.origin:
            return self.checklist.origin
        return f"{self.plugin} ({self.given_as or 'dict'})"


def short_error(exc: BaseException) -> str:
    if isinstance(exc, FzzfError):
        return str(exc)
    tb = traceback.extract_tb(exc.__traceback__)
    where = ""
    if tb:
        last = tb[-1]
        where = f" ({Path(last.filename).name}:{last.lineno})"
    return f"{type(exc).__name__}: {exc}{where}"
